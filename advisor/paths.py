"""Every answer path the adaptive quiz can take (for `check` and the generated pages)."""

from __future__ import annotations

from dataclasses import dataclass

from advisor.engine import Reduced, analysis
from advisor.model import Model

__all__ = ["AnswerPath", "count_paths", "enumerate_paths", "total_paths"]


@dataclass(frozen=True)
class AnswerPath:
    """One complete path: the answers in asking order, where they lead and which rule says so.

    `outcome` is empty and `rule` None when no rule matches (a broken model); `decide` holds
    the tie text when `outcome` is a tie.
    """

    steps: tuple[tuple[str, str], ...]
    outcome: tuple[str, ...]
    rule: str | None
    decide: str | None = None


def enumerate_paths(model: Model) -> list[AnswerPath]:
    """Every reachable adaptive path, depth first with choices in model order."""
    a = analysis(model)
    paths = []
    for state, asked, qi in a.tree():
        if qi >= 0:
            continue
        (option_ids, decide), = a.outcomes(state)
        ri = a.reported_rule(state)
        paths.append(AnswerPath(
            steps=tuple((model.questions[q].id, state[q] or "") for q in asked),
            outcome=option_ids,
            rule=None if ri == a.none else model.rules[ri].id,
            decide=decide,
        ))
    return paths


def count_paths(model: Model, limit: int) -> int:
    """How many answer paths the model has, counted up to ``limit + 1`` and no further: the
    count stops at the first path past ``limit``, so a model with millions of paths costs
    about what a model with ``limit`` paths costs. Raises `ModelTooComplex` when the analysis
    gives up before that."""
    count = 0
    for _state, _asked, qi in analysis(model).tree():
        if qi < 0:
            count += 1
            if count > limit:
                break
    return count


def total_paths(model: Model, states: int = 10_000) -> int | None:
    """The exact number of answer paths, or None when finding it would visit more than
    ``states`` distinct states of the analysis. Paths below equal states are counted once, so
    this is cheap where the paths are many but alike: 65,535 paths in a few milliseconds."""
    a = analysis(model)
    counts: dict[Reduced, int] = {}
    root = a.reduce(a.empty)
    stack: list[tuple[Reduced, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if node in counts and not expanded:
            continue
        if len(a._outcomes_r(node)) == 1:  # the quiz ends here
            counts[node] = 1
            continue
        qi = a._next_r(node)
        children = [a._child(node, qi, choice) for choice in a.choices[qi]]
        if expanded:
            counts[node] = sum(counts[child] for child in children)
        elif len(counts) >= states:
            return None
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in children if child not in counts)
    return counts[root]
