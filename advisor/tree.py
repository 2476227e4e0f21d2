"""The adaptive quiz as a tree, for the decision diagram: every question the quiz can ask, its
answers, and where each leads. Answers that lead to identical subtrees are grouped."""

from __future__ import annotations

from typing import Any

from advisor.engine import State, analysis
from advisor.model import Model

__all__ = ["decision_tree"]


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
