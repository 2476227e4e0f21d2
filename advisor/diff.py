"""How a change to a model changes the answers readers get: `diff_models(before, after)`.

Pure functions over two loaded models (standard library only); reading files or git revisions
is the caller's job (`advisor.cli`, the MkDocs plugin).

What counts as a changed answer path. Take the complete answer paths of *both* versions (the
paths `enumerate_paths` lists, one per way through the quiz). Each path is a set of answers;
evaluate it on the other version's model:

- a question that does not exist in that version is not asked there, so its answer is dropped;
- an answer naming a choice that does not exist there makes the path *not reachable* there;
- otherwise the version either *decides* (every way of answering the remaining questions leads
  to one recommendation) or *asks more* (the quiz would ask another question, named, and the
  recommendations still possible are listed).

A path is reported when the two versions disagree: a different recommendation, asks more, not
reachable. A recommendation is the recommended option ids (a tie's `decide` text is not
compared). Every path of the before version is considered; a path that exists only in the after
version is reported when the before version decides it differently or could not reach it. A
path of the after version that the before version leaves open is not listed on its own: each
way of completing it follows a path of the before version, which is already reported if its
recommendation changed (so every reader whose recommendation changed is covered exactly once,
by the path the old quiz took them along).

Beside the paths, the diff lists the questions, choices, options and rules added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.engine import analysis
from advisor.model import Model
from advisor.paths import enumerate_paths

__all__ = [
    "Answer",
    "Item",
    "ModelDiff",
    "PathChange",
    "Verdict",
    "diff_models",
    "to_markdown",
    "to_text",
]


@dataclass(frozen=True)
class Answer:
    """One answer of a path: ids, and the words the reader saw in the path's version."""

    question: str
    choice: str
    question_text: str
    choice_label: str


@dataclass(frozen=True)
class Verdict:
    """What one version of the model says for a path's answers.

    `kind` is `decided` (`options`: the recommended option ids, empty when no rule matches,
    `names` their names), `open` (the quiz asks `next_question` next; `possible` holds the
    recommendations still possible, each a tuple of option ids, with their `possible_names`) or
    `unreachable` (`missing`: the answer `(question, choice)` that this version does not offer).
    """

    kind: str
    options: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    next_question: str | None = None
    possible: tuple[tuple[str, ...], ...] = ()
    possible_names: tuple[tuple[str, ...], ...] = ()
    missing: tuple[str, str] | None = None

    def key(self) -> tuple[Any, ...]:
        """What two verdicts are compared on."""
        return (self.kind, self.options, self.possible, self.missing)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.kind == "decided":
            data["options"] = list(self.options)
        elif self.kind == "open":
            data["next_question"] = self.next_question
            data["possible"] = [list(p) for p in self.possible]
        else:
            question, choice = self.missing or ("", "")
            data["missing"] = {"question": question, "choice": choice}
        return data


@dataclass(frozen=True)
class PathChange:
    """An answer path whose recommendation differs between the two versions.

    `origin` is the version whose quiz takes this path: `before`, `after` or `both`.
    """

    answers: tuple[Answer, ...]
    origin: str
    before: Verdict
    after: Verdict

    def to_dict(self) -> dict[str, Any]:
        return {
            "answers": [{"question": a.question, "choice": a.choice} for a in self.answers],
            "origin": self.origin,
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
        }


@dataclass(frozen=True)
class Item:
    """A question, choice, option or rule added or removed. For a choice, `id` is
    `question.choice`; `text` is the question's text, the choice's label, the option's name
    or the first sentence of the rule's reason."""

    id: str
    text: str


@dataclass(frozen=True)
class ModelDiff:
    """Everything `diff_models` found; `changes` in the order described in the module doc."""

    model_before: str
    model_after: str
    questions_added: tuple[Item, ...]
    questions_removed: tuple[Item, ...]
    choices_added: tuple[Item, ...]
    choices_removed: tuple[Item, ...]
    options_added: tuple[Item, ...]
    options_removed: tuple[Item, ...]
    rules_added: tuple[Item, ...]
    rules_removed: tuple[Item, ...]
    paths_before: int
    paths_after: int
    changes: tuple[PathChange, ...]

    @property
    def structure(self) -> tuple[tuple[str, tuple[Item, ...]], ...]:
        """The added and removed items as `(heading, items)`, in a fixed order."""
        return (
            ("Questions added", self.questions_added),
            ("Questions removed", self.questions_removed),
            ("Choices added", self.choices_added),
            ("Choices removed", self.choices_removed),
            ("Options added", self.options_added),
            ("Options removed", self.options_removed),
            ("Rules added", self.rules_added),
            ("Rules removed", self.rules_removed),
        )

    @property
    def empty(self) -> bool:
        """True when no answer path and no question, choice, option or rule changed."""
        return not self.changes and not any(items for _, items in self.structure)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"model": {"before": self.model_before, "after": self.model_after}}
        for heading, items in self.structure:
            data[heading.lower().replace(" ", "_")] = [item.id for item in items]
        data["paths"] = {"before": self.paths_before, "after": self.paths_after}
        data["changes"] = [change.to_dict() for change in self.changes]
        return data


# --------------------------------------------------------------------------- computing


def diff_models(before: Model, after: Model) -> ModelDiff:
    """Compare two versions of a model (see the module docstring)."""
    before_paths = enumerate_paths(before)
    after_paths = enumerate_paths(after)
    changes: list[PathChange] = []
    seen: set[frozenset[tuple[str, str]]] = set()
    after_keys = {frozenset(p.steps) for p in after_paths}
    for path in before_paths:
        key = frozenset(path.steps)
        seen.add(key)
        old = _decided(before, path.outcome)
        new = verdict(after, path.steps)
        if old.key() != new.key():
            origin = "both" if key in after_keys else "before"
            changes.append(PathChange(_answers(before, path.steps), origin, old, new))
    for path in after_paths:
        key = frozenset(path.steps)
        if key in seen:
            continue
        old = verdict(before, path.steps)
        new = _decided(after, path.outcome)
        if old.kind != "open" and old.key() != new.key():
            changes.append(PathChange(_answers(after, path.steps), "after", old, new))

    def items(ids: list[str], text: dict[str, str]) -> tuple[Item, ...]:
        return tuple(Item(i, text[i]) for i in ids)

    def added(old: list[str], new: list[str]) -> list[str]:
        known = set(old)
        return [i for i in new if i not in known]

    bq = [q.id for q in before.questions]
    aq = [q.id for q in after.questions]
    qtext = {q.id: q.text for q in (*before.questions, *after.questions)}

    def choices(model: Model, common: set[str]) -> list[str]:
        return [f"{q.id}.{c.id}" for q in model.questions if q.id in common for c in q.choices]

    common = set(bq) & set(aq)
    bc, ac = choices(before, common), choices(after, common)
    ctext = {f"{q.id}.{c.id}": c.label for q in (*before.questions, *after.questions)
             for c in q.choices}
    bo = [o.id for o in before.options]
    ao = [o.id for o in after.options]
    otext = {o.id: o.name for o in (*before.options, *after.options)}
    br = [r.id for r in before.rules]
    ar = [r.id for r in after.rules]
    # Readers know a rule by its reason, never by its id: the reason's first sentence.
    rtext = {r.id: _first_sentence(r.because) for r in (*before.rules, *after.rules)}
    return ModelDiff(
        model_before=before.id,
        model_after=after.id,
        questions_added=items(added(bq, aq), qtext),
        questions_removed=items(added(aq, bq), qtext),
        choices_added=items(added(bc, ac), ctext),
        choices_removed=items(added(ac, bc), ctext),
        options_added=items(added(bo, ao), otext),
        options_removed=items(added(ao, bo), otext),
        rules_added=items(added(br, ar), rtext),
        rules_removed=items(added(ar, br), rtext),
        paths_before=len(before_paths),
        paths_after=len(after_paths),
        changes=tuple(changes),
    )


def _first_sentence(text: str, limit: int = 120) -> str:
    sentence = " ".join(text.split()).split(". ")[0].rstrip(".")
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def verdict(model: Model, steps: tuple[tuple[str, str], ...]) -> Verdict:
    """What `model` says for a path's answers (see the module docstring)."""
    a = analysis(model)
    by_index: dict[int, str] = {}
    for question, choice in steps:
        qi = a.qindex.get(question)
        if qi is None:
            continue  # not a question of this version: never asked, the answer is dropped
        if choice not in a.choices[qi]:
            return Verdict("unreachable", missing=(question, choice))
        by_index[qi] = choice
    state = tuple(by_index.get(qi) for qi in range(len(model.questions)))
    outcomes = a.outcomes(state)
    if len(outcomes) == 1:
        (option_ids, _), = outcomes
        return _decided(model, option_ids)
    _, _, next_qi = a.walk(by_index)
    order = {o.id: i for i, o in enumerate(model.options)}
    possible = sorted({ids for ids, _ in outcomes},
                      key=lambda ids: [order[i] for i in ids] or [len(order)])
    return Verdict(
        "open",
        next_question=model.questions[next_qi].id if next_qi >= 0 else None,
        possible=tuple(possible),
        possible_names=tuple(tuple(model.option(i).name for i in ids) for ids in possible),
    )


def _decided(model: Model, option_ids: tuple[str, ...]) -> Verdict:
    return Verdict("decided", options=tuple(option_ids),
                   names=tuple(model.option(i).name for i in option_ids))


def _answers(model: Model, steps: tuple[tuple[str, str], ...]) -> tuple[Answer, ...]:
    result = []
    for question, choice in steps:
        q = model.question(question)
        result.append(Answer(question, choice, q.text, q.choice(choice).label))
    return tuple(result)


# --------------------------------------------------------------------------- rendering


def _group(shown: tuple[str, ...]) -> str:
    if not shown:
        return "no recommendation"
    return shown[0] if len(shown) == 1 else " + ".join(shown) + " (tie)"


def describe(v: Verdict, side: str, *, names: bool = False) -> str:
    """A verdict in words; `side` is `before` or `after` (it words unreachable paths);
    `names` uses option names instead of ids."""
    if v.kind == "decided":
        return _group(v.names if names else v.options)
    if v.kind == "open":
        groups = v.possible_names if names else v.possible
        could = " or ".join(_group(g) for g in groups)
        return f"asks more: {v.next_question} next (could end in {could})"
    question, choice = v.missing or ("", "")
    if side == "before":
        return f"not reachable before: {question}={choice} is new"
    return f"no longer reachable: {question}={choice} was removed"


def _answers_text(change: PathChange, sep: str = ", ") -> str:
    return sep.join(f"{a.question}={a.choice}" for a in change.answers) or "(no answers)"


def _summary(diff: ModelDiff) -> str:
    n = len(diff.changes)
    counts = f"({diff.paths_before} paths before, {diff.paths_after} after)"
    if n == 0:
        return f"No answer path changed its recommendation {counts}."
    noun = "answer path" if n == 1 else "answer paths"
    return f"{n} {noun} changed recommendation {counts}:"


def _model_name(diff: ModelDiff) -> str:
    if diff.model_before == diff.model_after:
        return diff.model_after
    return f"{diff.model_before} -> {diff.model_after}"


def to_text(diff: ModelDiff, before: str = "before", after: str = "after") -> str:
    """The diff as plain text for a terminal; `before` and `after` label the two versions."""
    lines = [f"Model {_model_name(diff)}: {before} -> {after}"]
    structure = [(heading, items) for heading, items in diff.structure if items]
    for heading, items in structure:
        lines.append(f"{heading}: " + ", ".join(item.id for item in items))
    if not structure:
        lines.append("No questions, choices, options or rules added or removed.")
    lines.append(_summary(diff))
    for n, change in enumerate(diff.changes, 1):
        lines.append(f"{n}. {_answers_text(change)}")
        lines.append(f"   before: {describe(change.before, 'before')}")
        lines.append(f"   after:  {describe(change.after, 'after')}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text for one Markdown table cell."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text else f"``{text}``"


def to_markdown(diff: ModelDiff, before: str = "before", after: str = "after") -> str:
    """The diff as Markdown to paste into a pull request."""
    name = " → ".join(_code(m) for m in dict.fromkeys((diff.model_before, diff.model_after)))
    lines = [f"### How the answers change: {name}, {_code(before)} → {_code(after)}", ""]
    structure = [(heading, items) for heading, items in diff.structure if items]
    for heading, items in structure:
        shown = ", ".join(_code(i.id) + (f" ({_cell(i.text)})" if i.text else "") for i in items)
        lines.append(f"- **{heading}:** {shown}")
    if not structure:
        lines.append("- No questions, choices, options or rules added or removed.")
    lines += ["", f"**{_summary(diff)}**"]
    if diff.changes:
        lines += ["", "| # | Answers | Before | After |", "|---|---|---|---|"]
        for n, change in enumerate(diff.changes, 1):
            answers = ", ".join(_code(f"{a.question}={a.choice}") for a in change.answers)
            cells = [str(n), answers or "(no answers)",
                     _cell(describe(change.before, "before", names=True)),
                     _cell(describe(change.after, "after", names=True))]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
