"""How validation grows with a model: ``check`` and ``enumerate_paths`` on the shipped models
and on synthetic ones up to 15 questions of 3 choices."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from advisor import check, enumerate_paths, load_model
from advisor.source import load_model_file

ROOT = Path(__file__).resolve().parent.parent
SIZES = (3, 6, 9, 12, 15)


def synthetic(questions: int, choices: int = 3) -> dict[str, Any]:
    """A model whose rules make most answer paths reachable: a ring of two-question rules.

    For each question i, rule "r<i>-<c>" recommends an option when question i is answered c
    (for every choice but the last) and question i+1 (mod n) is answered with the last choice;
    a catch-all ends the list. Every rule can still decide after any early answer, so the quiz
    keeps asking: with 15 questions of 3 choices there are 114,739 paths, most of them 15
    answers long. (A chain "q_i then q_i+1" grows faster: 336,683 paths, 17 s to check.)
    """
    ids = [f"c{j}" for j in range(choices)]
    options = [f"o{k}" for k in range(5)]
    rules = []
    for i in range(questions):
        for j, choice in enumerate(ids[:-1]):
            rules.append({
                "id": f"r{i}-{choice}",
                "because": f"Question {i} answered {choice} and the next one {ids[-1]}.",
                "when": {f"q{i}": [choice], f"q{(i + 1) % questions}": [ids[-1]]},
                "recommend": options[(i + j) % len(options)],
            })
    rules.append({"id": "otherwise", "because": "No earlier rule applies.",
                  "recommend": options[-1]})
    return {
        "schema": 1,
        "id": f"synthetic-{questions}x{choices}",
        "title": f"Synthetic model, {questions} questions of {choices} choices",
        "questions": [
            {"id": f"q{i}", "text": f"Question {i}?",
             "choices": [{"id": c, "label": f"Choice {c}"} for c in ids]}
            for i in range(questions)
        ],
        "options": [{"id": o, "name": o.upper(), "summary": f"Option {o}."} for o in options],
        "rules": rules,
    }


def _time(fn: Any, runs: int) -> tuple[list[float], Any]:
    seconds = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def one(name: str, data: dict[str, Any], runs: int, lines: dict[str, int] | None = None,
        file: str | None = None) -> dict[str, Any]:
    """check (on the data, as the build does) and enumerate_paths (on a fresh model each time:
    the engine memoizes its analysis on the model object)."""
    check_s, problems = _time(lambda: check(data, file=file, lines=lines), runs)
    paths_s, paths = _time(lambda: enumerate_paths(load_model(data)), runs)
    return {
        "model": name,
        "questions": len(data["questions"]),
        "choices": sum(len(q["choices"]) for q in data["questions"]),
        "rules": len(data["rules"]),
        "paths": len(paths),
        "longest_path": max((len(p.steps) for p in paths), default=0),
        "answer_sets": _product(data),
        "errors": sum(1 for p in problems if p.severity == "error"),
        "check_s": check_s,
        "enumerate_s": paths_s,
    }


def _product(data: dict[str, Any]) -> int:
    total = 1
    for question in data["questions"]:
        total *= len(question["choices"])
    return total


def shipped_models() -> list[Path]:
    return sorted((ROOT / "docs" / "models").glob("*.yml"))


def measure(runs: int) -> dict[str, Any]:
    """Figure 8: the shipped models (`runs` times each) and the synthetic series (fewer runs
    for the largest: one check of 15x3 takes seconds)."""
    shipped = []
    for path in shipped_models():
        loaded = load_model_file(path)
        shipped.append(one(path.stem, loaded.data, max(runs, 5), dict(loaded.lines), str(path)))
    series = []
    for n in SIZES:
        count = max(runs, 5) if n < 12 else max(1, min(runs, 2))
        series.append(one(f"synthetic {n}x3", synthetic(n), count))
    return {"shipped": shipped, "synthetic": series}
