"""The engine against brute force on random small models (hypothesis).

Brute force enumerates every full answer set and applies the decision list directly; the
engine's memoized recursion must agree with it on every partial state.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import Model, enumerate_paths, load_model, recommend
from advisor.check import _same
from advisor.engine import Analysis, Outcome, State, analysis
from tests.unit.helpers import examples, model_data

OPTIONS = ["o0", "o1", "o2"]


@st.composite
def models(draw: st.DrawFn) -> Model:
    questions = {f"q{i}": [f"c{j}" for j in range(draw(st.integers(2, 3)))]
                 for i in range(draw(st.integers(1, 4)))}
    rules: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 6))):
        asked = draw(st.lists(st.sampled_from(sorted(questions)), unique=True,
                              max_size=len(questions)))
        when = {q: draw(st.lists(st.sampled_from(questions[q]), min_size=1, unique=True))
                for q in asked}
        rule: dict[str, Any] = {"id": f"r{i}", "when": when}
        if draw(st.integers(0, 4)) == 0:
            rule["recommend"] = draw(st.lists(st.sampled_from(OPTIONS), min_size=2, unique=True))
            rule["decide"] = draw(st.sampled_from(["Taste.", "Cost."]))
        else:
            rule["recommend"] = draw(st.sampled_from(OPTIONS))
        rules.append(rule)
    if draw(st.booleans()):
        rules.append({"id": "last", "recommend": draw(st.sampled_from(OPTIONS))})
    return load_model(model_data(questions, rules, OPTIONS))


def states(a: Analysis) -> Iterator[State]:
    """Every partial state."""
    yield from itertools.product(*[(None, *choices) for choices in a.choices])


def completions(a: Analysis, state: State) -> Iterator[State]:
    options = [(v,) if v is not None else a.choices[i] for i, v in enumerate(state)]
    yield from itertools.product(*options)


def first_match(a: Analysis, full: State) -> int:
    for ri, conds in enumerate(a.conds):
        if all(full[qi] in allowed for qi, allowed in conds):
            return ri
    return a.none


def brute_outcomes(a: Analysis, state: State) -> frozenset[Outcome]:
    return frozenset(a.outcome_of[first_match(a, f)] for f in completions(a, state))


def expected_next(a: Analysis, state: State) -> int:
    """The definition of the next question, written out naively."""
    for qi, value in enumerate(state):
        if value is None:
            sets = {brute_outcomes(a, a.with_answer(state, qi, c)) for c in a.choices[qi]}
            if len(sets) > 1:
                return qi
    for conds in a.conds:
        if any(state[qi] is not None and state[qi] not in allowed for qi, allowed in conds):
            continue
        return next(qi for qi, _ in conds if state[qi] is None)
    raise AssertionError("an incomplete state has an undetermined live rule")


SETTINGS = settings(max_examples=examples(150), deadline=None)


@SETTINGS
@given(models())
def test_outcomes_and_deciders_match_brute_force(model: Model) -> None:
    a = analysis(model)
    for state in states(a):
        assert a.outcomes(state) == brute_outcomes(a, state)
        assert a.deciders(state) == frozenset(first_match(a, f) for f in completions(a, state))


@SETTINGS
@given(models())
def test_next_question_follows_the_definition(model: Model) -> None:
    a = analysis(model)
    for state in states(a):
        if len(brute_outcomes(a, state)) > 1:
            assert a.next_question(state) == expected_next(a, state)


@SETTINGS
@given(models())
def test_full_answers_get_the_first_matching_rule(model: Model) -> None:
    a = analysis(model)
    for full in completions(a, a.empty):
        answers = {q.id: full[i] or "" for i, q in enumerate(model.questions)}
        result = recommend(model, answers)
        assert result.complete
        option_ids, decide = a.outcome_of[first_match(a, full)]
        assert tuple(o.id for o in result.recommendation) == option_ids
        assert result.tie == decide
        assert result.remaining_max == 0
        # The path asks a subset of the questions, in an order, and the rest is unused.
        asked = [s.question.id for s in result.path]
        assert sorted(asked + list(result.unused)) == sorted(answers)


@SETTINGS
@given(models())
def test_reported_rule_decides_and_is_satisfied_when_one_is(model: Model) -> None:
    a = analysis(model)
    for state in states(a):
        if not a.complete(state):
            continue
        deciders = a.deciders(state)
        reported = a.reported_rule(state)
        assert reported in deciders
        satisfied = [r for r in sorted(deciders) if r != a.none and a.satisfied(r, state)]
        assert reported == (satisfied[0] if satisfied else min(deciders))


@SETTINGS
@given(models())
def test_paths_cover_every_answer_set_once(model: Model) -> None:
    a = analysis(model)
    paths = enumerate_paths(model)
    assert recommend(model, {}).remaining_max == max(len(p.steps) for p in paths)
    for full in completions(a, a.empty):
        answers = {q.id: full[i] for i, q in enumerate(model.questions)}
        matching = [p for p in paths if all(answers[q] == c for q, c in p.steps)]
        assert len(matching) == 1
        assert matching[0].outcome == a.outcome_of[first_match(a, full)][0]
    for path in paths:
        result = recommend(model, dict(path.steps))
        assert result.complete
        assert [(s.question.id, s.choice.id) for s in result.path] == list(path.steps)
        assert result.rule is None or result.rule.id == path.rule


@SETTINGS
@given(models(), st.data())
def test_result_depends_only_on_path_answers(model: Model, data: st.DataObject) -> None:
    answers = {q.id: data.draw(st.sampled_from([c.id for c in q.choices]))
               for q in model.questions if data.draw(st.booleans())}
    full = recommend(model, answers).to_dict()
    only_path = recommend(model, {s["question"]: s["choice"] for s in full["path"]}).to_dict()
    on_path = {s["question"] for s in full["path"]}
    assert full.pop("unused") == [q.id for q in model.questions
                                  if q.id in answers and q.id not in on_path]
    assert only_path.pop("unused") == []
    assert full == only_path


@SETTINGS
@given(models())
def test_interchangeable_choices_match_brute_force(model: Model) -> None:
    a = analysis(model)
    memo: dict[tuple[State, State], bool] = {}
    for state in states(a):
        for qi, value in enumerate(state):
            if value is not None:
                continue
            for c1, c2 in itertools.combinations(a.choices[qi], 2):
                one, two = a.with_answer(state, qi, c1), a.with_answer(state, qi, c2)
                expected = all(
                    a.outcome_of[first_match(a, f1)] == a.outcome_of[first_match(a, f2)]
                    for f1, f2 in zip(completions(a, one), completions(a, two), strict=True))
                assert _same(a, one, two, memo) == expected
