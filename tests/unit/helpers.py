"""Small builders for test models (plain dicts, as YAML would give)."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

from advisor import Model, load_model

UNIT = Path(__file__).resolve().parent
GUIDE = UNIT / "models" / "guide.yml"
REPO = UNIT.parent.parent
#: The share of each property test's examples to draw (`--examples-share` of
#: tests/pyodide/pyodide_plugin.py sets it): 1 everywhere but the second Pyodide run.
EXAMPLES_SHARE = "ADVISOR_EXAMPLES_SHARE"


def examples(count: int) -> int:
    """How many examples a property test draws: `count`, or its share when the engine runs
    these tests a second time on the same interpreter (from the memory snapshot, after the
    stock boot drew them all): every property still runs, on fewer inputs."""
    share = float(os.environ.get(EXAMPLES_SHARE, "1"))
    return max(10, round(count * share))


def model_data(
    questions: dict[str, list[str]],
    rules: list[dict[str, Any]],
    options: list[str] | None = None,
) -> dict[str, Any]:
    """A model dict: questions as {id: [choice ids]}, rules as dicts missing only `because`."""
    if options is None:
        options = sorted({o for r in rules for o in (
            [r["recommend"]] if isinstance(r["recommend"], str) else r["recommend"])})
    return {
        "schema": 1,
        "id": "test",
        "title": "A test model",
        "questions": [
            {"id": q, "text": f"{q.capitalize()}?",
             "choices": [{"id": c, "label": c.capitalize()} for c in choices]}
            for q, choices in questions.items()
        ],
        "options": [{"id": o, "name": o.upper(), "summary": f"Option {o}."} for o in options],
        "rules": [{"because": f"Because {r['id']}.", **r} for r in rules],
    }


def build(
    questions: dict[str, list[str]],
    rules: list[dict[str, Any]],
    options: list[str] | None = None,
) -> Model:
    """A loaded model (see `model_data`)."""
    return load_model(model_data(questions, rules, options))


def synthetic(questions: int, choices: int, rules: int, seed: int) -> dict[str, Any]:
    """A random model: rules of 1-3 conditions over random questions, then a catch-all."""
    rnd = random.Random(seed)
    ids = [f"c{j}" for j in range(choices)]
    made = []
    for r in range(rules):
        when = {f"q{q}": rnd.sample(ids, rnd.randint(1, choices - 1))
                for q in rnd.sample(range(questions), rnd.randint(1, 3))}
        made.append({"id": f"r{r}", "when": when, "recommend": f"o{rnd.randrange(5)}"})
    made.append({"id": "last", "recommend": "o0"})
    return model_data({f"q{i}": ids for i in range(questions)}, made,
                      [f"o{i}" for i in range(5)])
