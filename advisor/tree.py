"""The adaptive quiz as a tree, for the decision diagram: every question the quiz can ask, its
answers, and where each leads. Answers that lead to identical subtrees are grouped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.engine import State, analysis, validate_answers
from advisor.model import Model, Question

__all__ = ["decision_tree", "open_questions"]


def decision_tree(model: Model) -> dict[str, Any]:
    """The tree as plain data.

    A node is either ``{"question": {id, text}, "branches": [...]}`` or, where the outcome is
    settled, ``{"question": None, "outcome": {options: [{id, name}], decide, rule}}``. Each
    branch is ``{"choices": [{id, label}], "node": <node>}``, choices in model order.
    """
    a = analysis(model)
    names = {o.id: o.name for o in model.options}

    def node(state: State) -> dict[str, Any]:
        if a.complete(state):
            ((ids, decide),) = a.outcomes(state)
            ri = a.reported_rule(state)
            return {"question": None, "outcome": {
                "options": [{"id": i, "name": names[i]} for i in ids],
                "decide": decide,
                "rule": None if ri == a.none else model.rules[ri].id,
            }}
        qi = a.next_question(state)
        question = model.questions[qi]
        branches: list[dict[str, Any]] = []
        for choice in question.choices:
            sub = node(a.with_answer(state, qi, choice.id))
            same = next((b for b in branches if b["node"] == sub), None)
            entry = {"id": choice.id, "label": choice.label}
            if same is None:
                branches.append({"choices": [entry], "node": sub})
            else:
                same["choices"].append(entry)
        return {"question": {"id": question.id, "text": question.text}, "branches": branches}

    return node(a.empty)


def open_questions(model: Model, answers: Mapping[str, str]) -> list[Question]:
    """The questions the quiz may still ask after these answers, in model order: every question
    asked somewhere below the point the answers reach. Empty once the answers decide.

    Raises `AnswerError` for unknown ids, as `recommend` does.
    """
    clean = validate_answers(model, answers)
    a = analysis(model)
    state, _, _ = a.walk({a.qindex[k]: v for k, v in clean.items()})
    found: set[int] = set()
    seen: set[State] = set()
    stack = [state]
    while stack:
        here = stack.pop()
        if here in seen or a.complete(here):
            continue
        seen.add(here)
        qi = a.next_question(here)
        found.add(qi)
        stack.extend(a.with_answer(here, qi, c) for c in a.choices[qi])
    return [model.questions[qi] for qi in sorted(found)]
