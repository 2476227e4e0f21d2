"""advisor.diff on loaded models: which answer paths change, and how it is worded.

The last tests check the definition against brute force: every way of answering every question
whose recommendation differs between two versions is covered by a reported path, and a path
reported as decided on both sides differs for every way of completing it.
"""

from __future__ import annotations

import itertools
import subprocess
from typing import Any

import pytest
import yaml

from advisor import Model, load_model
from advisor.diff import ModelDiff, describe, diff_models, to_markdown, to_text
from tests.sitetools import ROOT
from tests.versioning.guiderepo import MODEL_V1, MODEL_V2


def model(text: str) -> Model:
    return load_model(yaml.safe_load(text))


V1, V2 = model(MODEL_V1), model(MODEL_V2)


def answers(diff: ModelDiff) -> list[str]:
    return [", ".join(f"{a.question}={a.choice}" for a in c.answers) for c in diff.changes]


def test_structure_added_and_removed() -> None:
    diff = diff_models(V1, V2)
    assert [(heading, [i.id for i in items]) for heading, items in diff.structure if items] == [
        ("Questions added", ["gpu"]),
        ("Choices added", ["size.medium"]),
        ("Options added", ["fargate"]),
        ("Options removed", ["lambda"]),
        ("Rules added", ["gpu-jobs", "medium-jobs"]),
    ]
    assert (diff.paths_before, diff.paths_after) == (3, 5)


def test_paths_changed_recommendation_asks_more_and_new() -> None:
    diff = diff_models(V1, V2)
    assert answers(diff) == ["size=small", "size=large, team=ops", "size=medium"]
    small, ops, medium = diff.changes
    assert (small.origin, small.before.options, small.after.options) == (
        "both", ("lambda",), ("fargate",))
    assert (ops.origin, ops.after.kind, ops.after.next_question, ops.after.possible) == (
        "before", "open", "gpu", (("batch",), ("sagemaker",)))
    assert (medium.origin, medium.before.kind, medium.before.missing) == (
        "after", "unreachable", ("size", "medium"))
    assert medium.after.options == ("batch",)


def test_an_unchanged_outcome_is_not_reported_even_if_the_quiz_asks_differently() -> None:
    """size=large, team=ml led to SageMaker before; now the quiz asks about GPUs first, but
    either answer still leads to SageMaker: not a changed recommendation."""
    diff = diff_models(V1, V2)
    assert "size=large, team=ml" not in answers(diff)


def test_the_other_way_round() -> None:
    diff = diff_models(V2, V1)
    assert answers(diff) == ["size=small", "size=medium", "size=large, gpu=yes"]
    assert [describe(c.after, "after") for c in diff.changes] == [
        "lambda",
        "no longer reachable: size=medium was removed",
        "asks more: team next (could end in batch or sagemaker)",
    ]


def test_same_model_has_no_changes() -> None:
    diff = diff_models(V2, model(MODEL_V2))
    assert diff.empty
    assert to_text(diff, "a", "b") == (
        "Model tiny: a -> b\n"
        "No questions, choices, options or rules added or removed.\n"
        "No answer path changed its recommendation (5 paths before, 5 after).\n"
    )


def test_markdown_escapes_table_cells_and_names_options() -> None:
    data = yaml.safe_load(MODEL_V2)
    data["options"][2]["name"] = "Fargate | spot"
    text = to_markdown(diff_models(V1, load_model(data)), "v1", "v2")
    assert "| 1 | `size=small` | AWS Lambda | Fargate \\| spot |" in text.splitlines()
    assert text.startswith("### How the answers change: `tiny`, `v1` → `v2`\n")


def tie_model() -> Model:
    data = yaml.safe_load(MODEL_V2)
    data["rules"][1]["recommend"] = ["fargate", "batch"]
    data["rules"][1]["decide"] = "Whichever the team knows."
    return load_model(data)


def test_ties_are_worded_as_ties() -> None:
    diff = diff_models(V2, tie_model())
    assert [(describe(c.before, "before"), describe(c.after, "after")) for c in diff.changes] == [
        ("fargate", "batch + fargate (tie)")]
    assert diff.to_dict()["changes"][0]["after"] == {"kind": "decided",
                                                     "options": ["batch", "fargate"]}


# --------------------------------------------------------------------------- brute force


def first_rule(m: Model, full: dict[str, str]) -> tuple[str, ...] | None:
    """The decision list read literally: the first rule whose conditions all hold."""
    for rule in m.rules:
        if all(full.get(c.question) in c.choices for c in rule.when):
            return tuple(sorted(rule.recommend))
    return None


def assignments(a: Model, b: Model) -> list[dict[str, str]]:
    """Every way of answering every question of either version."""
    choices: dict[str, set[str]] = {}
    for q in (*a.questions, *b.questions):
        choices.setdefault(q.id, set()).update(c.id for c in q.choices)
    ids = sorted(choices)
    return [dict(zip(ids, combo, strict=True))
            for combo in itertools.product(*(sorted(choices[i]) for i in ids))]


def outcome(m: Model, full: dict[str, str]) -> tuple[str, ...] | str | None:
    """What `m` recommends for `full`. An answer `m` does not offer cannot be given: if every
    choice `m` does offer there leads to the same place the question does not matter, else
    the reader is "unreachable"."""
    bad = [q for q in m.questions if full[q.id] not in {c.id for c in q.choices}]
    found = {first_rule(m, {**full, **dict(zip([q.id for q in bad], combo, strict=True))})
             for combo in itertools.product(*([c.id for c in q.choices] for q in bad))}
    return found.pop() if len(found) == 1 else "unreachable"


def consistent(change: Any, full: dict[str, str]) -> bool:
    return all(full.get(a.question) == a.choice for a in change.answers)


def check_against_brute_force(a: Model, b: Model) -> int:
    diff = diff_models(a, b)
    differing = 0
    for full in assignments(a, b):
        before, after = outcome(a, full), outcome(b, full)
        reported = [c for c in diff.changes if consistent(c, full)]
        if before != after:
            differing += 1
            assert reported, f"not covered: {full}"
        for c in reported:
            if c.before.kind == c.after.kind == "decided":
                assert before != after, f"reported as changed, but the same for {full}"
    return differing


@pytest.mark.parametrize(("a", "b"), [(V1, V2), (V2, V1), (V2, tie_model())])
def test_small_models_against_brute_force(a: Model, b: Model) -> None:
    assert check_against_brute_force(a, b) > 0


def guide_at(rev: str, path: str) -> Model:
    text = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    return model(text)


@pytest.mark.parametrize(("rev", "path"), [
    ("9f7a9d1", "docs/models/orchestration.yml"),  # two choices merged into one
    ("9d9cf75", "docs/models/adoption.yml"),  # a new rule
])
def test_guide_history_against_brute_force(rev: str, path: str) -> None:
    """Two real commits of this guide: every reader whose recommendation changed is covered."""
    try:
        a, b = guide_at(f"{rev}~1", path), guide_at(rev, path)
    except subprocess.CalledProcessError:
        pytest.skip("the guide's git history is not available (shallow clone?)")
    assert check_against_brute_force(a, b) > 0
    assert check_against_brute_force(b, a) > 0
