"""check() and load_model(): problems, their rendering and where they point."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from advisor import Model, ModelError, Problem, check, load_model
from tests.unit.helpers import build, model_data


def test_the_unit_guide_is_clean(guide: Model, guide_data: dict[str, Any]) -> None:
    assert check(guide_data) == []
    assert check(guide) == []


@pytest.mark.parametrize(("problem", "text"), [
    (Problem("rules[3].when.owner", "unknown question 'owner'", "use one of: a, b", "error",
             "m.yml", 12),
     "m.yml:12: rules[3].when.owner: unknown question 'owner' (fix: use one of: a, b)"),
    (Problem("rules", "no rule matches", "add one", "error", "m.yml"),
     "m.yml: rules: no rule matches (fix: add one)"),
    (Problem("rules", "no rule matches", "add one", "error", None, 3),
     "line 3: rules: no rule matches (fix: add one)"),
    (Problem("", "the file is empty", "write a model"), "the file is empty (fix: write a model)"),
    (Problem("options[1].matrix", "no cell for criteria cost", "add it", "warning", "m.yml", 9),
     "m.yml:9: options[1].matrix: warning: no cell for criteria cost (fix: add it)"),
    (Problem("x", "message", ""), "x: message"),
])
def test_problem_rendering(problem: Problem, text: str) -> None:
    assert str(problem) == text


def test_lines_fall_back_to_the_nearest_parent() -> None:
    data = model_data({"a": ["x", "y"]}, [
        {"id": "x", "when": {"a": "x"}, "recommend": "one"},
        {"id": "rest", "recommend": "two", "decide": "Taste."},
    ])
    lines = {"": 1, "rules": 20, "rules[1]": 25, "rules[1].recommend": 26}
    (problem,) = check(data, file="m.yml", lines=lines)
    assert problem.path == "rules[1].decide"
    assert problem.line == 25
    assert problem.file == "m.yml"


def test_load_model_raises_every_problem_at_once() -> None:
    data = model_data({"a": ["x", "y"]}, [
        {"id": "Bad", "when": {"a": "x"}, "recommend": "one"},
        {"id": "rest", "recommend": ["two"]},
    ])
    data["questions"][0]["choices"].append({"id": "x", "label": "Again"})
    with pytest.raises(ModelError) as info:
        load_model(data)
    assert [str(p) for p in info.value.problems] == [
        "questions[0].choices[2].id: duplicate choice id 'x' (also at questions[0].choices[0].id) "
        "(fix: give each choice its own id)",
        "rules[0].id: bad rule id 'Bad': ids use only a-z, 0-9 and '-' (fix: write it as 'bad')",
        "rules[1].recommend: a list needs two or more option ids (a tie), found 1 (fix: write a "
        "single option id as a string: recommend: option-id)",
    ]
    assert str(info.value) == "\n".join(str(p) for p in info.value.problems)


def test_load_model_refuses_dangling_references_but_not_logic_problems() -> None:
    with pytest.raises(ModelError, match="unknown choice 'z' for question 'a'"):
        build({"a": ["x", "y"]}, [{"id": "z", "when": {"a": "z"}, "recommend": "one"}])
    # A missing catch-all is a logic problem: the model loads, check reports it.
    model = build({"a": ["x", "y"]}, [{"id": "x", "when": {"a": "x"}, "recommend": "one"}])
    assert [p.message for p in check(model)] == [
        "no rule matches the answers a=y: the quiz ends there without a recommendation"]


def test_load_model_of_something_that_is_not_a_mapping() -> None:
    with pytest.raises(ModelError) as info:
        load_model([1, 2])  # type: ignore[arg-type]
    assert str(info.value) == (
        "expected a mapping (the model), found a list (fix: write keys like schema, id, title, "
        "questions, options, rules)")


def test_warnings_do_not_stop_loading() -> None:
    data = model_data({"a": ["x", "y"]}, [{"id": "rest", "recommend": "one"}])
    data["criteria"] = [{"id": "cost", "label": "Cost"}]
    model = load_model(data)
    problems = check(model)
    assert [(p.severity, p.message) for p in check(data)] == [
        ("warning", "no cell for criteria cost"),
        ("error", "question 'a' is never asked: no answer path needs it"),
    ]
    assert [p.message for p in problems] == ["question 'a' is never asked: no answer path needs it"]


def test_many_dead_ends_are_summarised() -> None:
    model = build({"a": ["t", "u", "v", "w", "x", "y", "z"], "b": ["x", "y"]}, [
        {"id": "ok", "when": {"a": "v", "b": "x"}, "recommend": "one"}])
    messages = [p.message for p in check(model) if p.severity == "error"]
    assert len(messages) == 6
    assert messages[0] == ("no rule matches the answers a=t: the quiz ends there without a "
                           "recommendation")
    assert messages[-1] == "2 more answer paths end without a recommendation"


def test_choices_alike_only_somewhere_are_not_reported() -> None:
    # medium behaves like small when fast, like large when slow: it changes something.
    model = build({"size": ["small", "medium", "large"], "speed": ["slow", "fast"]}, [
        {"id": "small", "when": {"size": "small"}, "recommend": "one"},
        {"id": "large", "when": {"size": "large"}, "recommend": "two"},
        {"id": "fast", "when": {"speed": "fast"}, "recommend": "one"},
        {"id": "rest", "recommend": "two"},
    ])
    assert check(model) == []


def test_choices_alike_wherever_asked_are_reported_once_per_choice() -> None:
    model = build({"size": ["small", "medium", "large", "huge"]}, [
        {"id": "small", "when": {"size": "small"}, "recommend": "one"},
        {"id": "rest", "recommend": "two"},
    ])
    assert [(p.path, p.severity, p.message) for p in check(model)] == [
        ("questions[0].choices[2]", "warning", "choice 'large' of question 'size' changes nothing: "
         "wherever the question is asked it leads to the same recommendations as 'medium'"),
        ("questions[0].choices[3]", "warning", "choice 'huge' of question 'size' changes nothing: "
         "wherever the question is asked it leads to the same recommendations as 'medium'"),
    ]


def test_dates_may_come_as_date_objects() -> None:
    data = model_data({"a": ["x", "y"]}, [{"id": "x", "when": {"a": "x"}, "recommend": "one"},
                                          {"id": "rest", "recommend": "two"}])
    data["options"][0]["reviewed"] = datetime.date(2026, 11, 27)
    assert load_model(data).options[0].reviewed == "2026-11-27"
