"""What the engine answers for a model, as JSON text, to compare CPython with Pyodide.

Standard library and `advisor` only: the same function runs in CPython (in
`test_in_pyodide.py`) and inside Pyodide (`run.mjs`), on the same model data, read once with
PyYAML in CPython and passed as JSON. `snapshot` returns, for each model:

- `check`: the problems `advisor.check` finds (none for a shipped model);
- `paths`: every adaptive answer path (`enumerate_paths`);
- `states`: `recommend(model, answers).to_dict()` as JSON for every prefix of every path
  (the incomplete states the quiz passes through, and the complete ones);
- `web`: the replies of `advisor.web.handle` to `load` and, for every prefix, to a strict
  `recommend` with the answers as a mapping and to a lenient one with them as URL pairs
  (plus a repeated pair and a bad pair). The runtime (`sys.version`, `sys.platform`) in the
  `load` reply is replaced by a placeholder and reported under `runtime`;
- `all_answers`: a SHA-256 of `recommend(...).to_dict()` as JSON for every combination of one
  answer to every question (answers off the path included), keyed by the choices in model order;
  empty when `every_combination` is false (13,824 combinations: most of the snapshot's time).

Every value is JSON text (`ensure_ascii=False`, keys in the engine's order), so equal
snapshots mean byte-identical answers.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
from typing import Any

from advisor import check, enumerate_paths, load_model, recommend
from advisor.web import handle

VERSION = "equivalence-check"
RUNTIME = "<runtime>"


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def _key(steps: tuple[tuple[str, str], ...]) -> str:
    return ",".join(f"{q}:{c}" for q, c in steps) or "(no answers)"


def model_snapshot(data: dict[str, Any], every_combination: bool = True) -> dict[str, Any]:
    """The snapshot of one model (see the module docstring)."""
    problems = [str(p) for p in check(data)]
    model = load_model(data)
    paths = enumerate_paths(model)
    prefixes = sorted({p.steps[:k] for p in paths for k in range(len(p.steps) + 1)})

    states = {_key(s): _json(recommend(model, dict(s)).to_dict()) for s in prefixes}

    loaded = json.loads(handle(_json({"op": "load", "model": data, "version": VERSION})))
    runtime = loaded.get("runtime")
    if runtime is not None:
        loaded["runtime"] = dict.fromkeys(runtime, RUNTIME)
    web = {"load": _json(loaded)}
    for steps in prefixes:
        key = _key(steps)
        web[f"strict {key}"] = handle(
            _json({"op": "recommend", "model": model.id, "answers": dict(steps), "lenient": False})
        )
        pairs = [list(s) for s in steps]
        if steps:  # a URL that repeats its first question and holds a bad pair
            pairs += [[steps[0][0], "not-a-choice"], ["no-such-question", "x"]]
        web[f"lenient {key}"] = handle(
            _json({"op": "recommend", "model": model.id, "answers": pairs, "lenient": True})
        )

    ids = [q.id for q in model.questions]
    all_answers = {}
    every = itertools.product(*[[c.id for c in q.choices] for q in model.questions])
    for combo in every if every_combination else ():
        text = _json(recommend(model, dict(zip(ids, combo, strict=True))).to_dict())
        all_answers[",".join(combo)] = hashlib.sha256(text.encode()).hexdigest()

    return {
        "check": problems,
        "paths": [
            _json({"steps": p.steps, "outcome": p.outcome, "rule": p.rule, "decide": p.decide})
            for p in paths
        ],
        "states": states,
        "web": web,
        "all_answers": all_answers,
        "runtime": runtime,
    }


def snapshot(models: dict[str, dict[str, Any]], every_combination: bool = True) -> dict[str, Any]:
    """`model_snapshot` of each model by name, and the interpreter it ran on."""
    return {
        "python": sys.version,
        "platform": sys.platform,
        "models": {name: model_snapshot(data, every_combination) for name, data in models.items()},
    }


def without_combinations(snap: dict[str, Any]) -> dict[str, Any]:
    """`snap` as `snapshot(..., every_combination=False)` would have made it."""
    return {**snap, "models": {name: {**m, "all_answers": {}}
                               for name, m in snap["models"].items()}}


def _where(a: object, b: object, path: str = "") -> str:
    """The first JSON path at which two values differ, with both values there (shortened)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{path or '.'} keys: {list(a)} != {list(b)}"
        for key in a:
            if a[key] != b[key]:
                return _where(a[key], b[key], f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _where(x, y, f"{path}[{i}]")
    return f"{path or '.'}: CPython {json.dumps(a)[:300]} != Pyodide {json.dumps(b)[:300]}"


def _text_diff(a: object, b: object) -> str:
    if isinstance(a, str) and isinstance(b, str):
        try:
            x, y = json.loads(a), json.loads(b)
        except ValueError:
            return f"CPython {a[:300]!r} != Pyodide {b[:300]!r}"
        return _where(x, y) if x != y else "same data, different JSON text"
    return f"CPython {a!r} != Pyodide {b!r}"


def differences(cpython: dict[str, Any], pyodide: dict[str, Any], limit: int = 10) -> list[str]:
    """Readable differences between two snapshots (ignoring `python`, `platform`, `runtime`)."""
    found: list[str] = []
    if sorted(cpython["models"]) != sorted(pyodide["models"]):
        return [f"models: {sorted(cpython['models'])} != {sorted(pyodide['models'])}"]
    for name, mine in cpython["models"].items():
        theirs = pyodide["models"][name]
        for part in ("check", "paths", "states", "web", "all_answers"):
            a, b = mine[part], theirs[part]
            if a == b:
                continue
            if isinstance(a, list) or isinstance(b, list):
                found.append(f"{name} {part}: CPython {a!r} != Pyodide {b!r}")
                continue
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    found.append(f"{name} {part} [{key}]: {_text_diff(a.get(key), b.get(key))}")
    return found[:limit] + ([f"... and {len(found) - limit} more"] if len(found) > limit else [])


def counts(snap: dict[str, Any]) -> dict[str, dict[str, int]]:
    """How much a snapshot compares, per model."""
    return {
        name: {
            "paths": len(m["paths"]),
            "states": len(m["states"]),
            "web_replies": len(m["web"]),
            "all_answers": len(m["all_answers"]),
        }
        for name, m in snap["models"].items()
    }
