"""sanitize_answers(): keeps what is valid from any input, never raises."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import Model, load_model, recommend, sanitize_answers
from advisor.source import read_model_file
from tests.unit.helpers import GUIDE, examples

MODEL = load_model(read_model_file(GUIDE)[0])  # shared by the hypothesis tests

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner,
                                                                max_size=5),
    max_leaves=20,
)


def test_keeps_valid_answers_and_explains_each_dropped_one(guide: Model) -> None:
    clean, ignored = sanitize_answers(guide, {
        "owner": "ml", "gpu": "maybe", "colour": "red", "services": 3, "complexity": "simple"})
    assert clean == {"owner": "ml", "complexity": "simple"}
    assert ignored == [
        {"question": "gpu", "choice": "maybe",
         "reason": "unknown choice 'maybe' for question 'gpu'; valid choices: yes, no"},
        {"question": "colour", "choice": "red",
         "reason": "unknown question 'colour'; valid questions: complexity, owner, gpu, services"},
        {"question": "services", "choice": "3",
         "reason": "the answer to 'services' must be a choice id (a string), not int 3"},
    ]


def test_not_a_mapping(guide: Model) -> None:
    assert sanitize_answers(guide, ["owner", "ml"]) == ({}, [{
        "question": "", "choice": "",
        "reason": "answers must be a mapping of question id to choice id, not list"}])


def test_huge_and_odd_values_are_shortened(guide: Model) -> None:
    clean, ignored = sanitize_answers(guide, {"x" * 10_000: "y" * 10_000, "owner": object(),
                                              ("a", "b"): "ml"})
    assert clean == {}
    assert ignored[0]["question"] == "x" * 39 + "…"
    assert ignored[0]["choice"] == "y" * 39 + "…"
    assert len(ignored[0]["reason"]) < 200
    assert ignored[1]["choice"] == "<object>"
    assert ignored[2]["question"] == "<tuple>"


def test_many_bad_entries_are_counted_not_listed(guide: Model) -> None:
    clean, ignored = sanitize_answers(guide, {f"q{i}": "x" for i in range(1000)})
    assert clean == {}
    assert len(ignored) == 51
    assert ignored[-1] == {"question": "", "choice": "", "reason": "950 more entries ignored"}


class Hostile(dict[str, str]):
    def items(self) -> Any:
        raise RuntimeError("boom")


def test_a_mapping_that_fails_to_iterate(guide: Model) -> None:
    assert sanitize_answers(guide, Hostile()) == ({}, [
        {"question": "", "choice": "", "reason": "unreadable answers"}])


@settings(max_examples=examples(300), deadline=None)
@given(JSON)
def test_never_raises_and_result_is_always_accepted(raw: object) -> None:
    clean, ignored = sanitize_answers(MODEL, raw)
    recommend(MODEL, clean)  # whatever survives is valid
    for entry in ignored:
        assert set(entry) == {"question", "choice", "reason"}
        assert all(isinstance(v, str) for v in entry.values())
        assert len(entry["question"]) <= 40
        assert len(entry["choice"]) <= 40


@settings(max_examples=examples(200), deadline=None)
@given(st.dictionaries(st.sampled_from(["complexity", "owner", "gpu", "services", "other"]),
                       st.sampled_from(["simple", "ml", "yes", "many", "devops", "nope"])))
def test_valid_entries_are_never_dropped(answers: dict[str, str]) -> None:
    clean, ignored = sanitize_answers(MODEL, answers)
    assert len(clean) + len(ignored) == len(answers)
    for q, c in clean.items():
        assert c in [choice.id for choice in MODEL.question(q).choices]
        assert answers[q] == c
