"""`check`: every problem of a model at once, structural first, then the logic of its rules.

Logic problems are found by walking every answer path the quiz can take:

- a path that ends with no recommendation (no rule matches);
- a rule that can never decide, because for every answer set it matches an earlier rule decides
  first (when its conditions equal an earlier rule's, it *conflicts* with that rule or
  *repeats* it);
- an option no path recommends; a question no path asks;
- (warning) a choice that changes nothing: choice C of question Q *changes nothing* when an
  earlier choice C' of Q exists such that, at every point of every path where Q is asked,
  answering C instead of C' gives the same recommendation whatever the later answers are.
  The reader then cannot tell C and C' apart by their effect: merge them, or add the rule that
  was meant to tell them apart.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from advisor.engine import Analysis, ModelTooComplex, State, analysis
from advisor.model import Model, Problem, Source, SourceRef, read_model

__all__ = ["check", "citation_problems", "is_specific_page", "validate"]

_SHOWN_PATHS = 5
_LAST_STEP = re.compile(r"(\.[^.\[]*|\[\d+\])$")


def check(
    data_or_model: Mapping[str, Any] | Model,
    *,
    file: str | None = None,
    lines: Mapping[str, int] | None = None,
) -> list[Problem]:
    """Every problem of a model: structure and references, then (if those are sound) logic.

    `file` and `lines` (YAML path -> line, from `advisor.source.read_model_file`) fill in where
    each problem is; a problem without its own line gets the line of its nearest parent.
    Problems come sorted by line.
    """
    return validate(data_or_model, file=file, lines=lines)[1]


def validate(
    data_or_model: Mapping[str, Any] | Model,
    *,
    file: str | None = None,
    lines: Mapping[str, int] | None = None,
    logic: bool = True,
) -> tuple[Model | None, list[Problem]]:
    """`check`, also returning the model it built: None when any problem is an error. The
    structure is validated once; `logic=False` skips the walk of every answer path."""
    if isinstance(data_or_model, Model):
        model: Model | None = data_or_model
        problems: list[Problem] = []
    else:
        model, problems = read_model(data_or_model)
    if model is not None:
        problems += citation_problems(model)
    if model is not None and logic:
        try:
            problems += logic_problems(model)
        except ModelTooComplex as err:
            problems.append(Problem(
                "questions", str(err),
                "split the guide into smaller models, or give rules fewer, broader conditions"))
    located = [_locate(p, file, lines or {}) for p in problems]
    if any(p.severity == "error" for p in located):
        model = None
    return model, sorted(located, key=lambda p: p.line or 0)  # stable: same line keeps order


def _locate(problem: Problem, file: str | None, lines: Mapping[str, int]) -> Problem:
    path = problem.path
    line = problem.line
    while line is None:
        line = lines.get(path)
        if not path:
            break
        parent = _LAST_STEP.sub("", path)
        path = "" if parent == path else parent
    return dataclasses.replace(problem, file=problem.file or file, line=line)


def logic_problems(model: Model) -> list[Problem]:
    """Problems found by walking every answer path of a structurally sound model."""
    a = analysis(model)
    problems: list[Problem] = []
    nodes = list(a.tree())
    asked_at: dict[int, list[State]] = {}
    reached: set[str] = set()
    dead_ends = []
    for state, asked, qi in nodes:
        if qi >= 0:
            asked_at.setdefault(qi, []).append(state)
            continue
        (option_ids, _), = a.outcomes(state)
        reached.update(option_ids)
        if not option_ids:
            dead_ends.append(", ".join(f"{model.questions[q].id}={state[q]}" for q in asked))

    fix = ("add a rule for these answers, or end the rules with a catch-all rule "
           "(a rule without 'when')")
    for answers in dead_ends[:_SHOWN_PATHS]:
        problems.append(Problem("rules", f"no rule matches the answers {answers or '(none)'}: "
                                "the quiz ends there without a recommendation", fix))
    if len(dead_ends) > _SHOWN_PATHS:
        problems.append(Problem("rules", f"{len(dead_ends) - _SHOWN_PATHS} more answer paths "
                                "end without a recommendation", fix))

    problems += _rule_problems(a)

    for i, option in enumerate(model.options):
        if option.id in reached:
            continue
        names = [r.id for r in model.rules if option.id in r.recommend]
        problems.append(Problem(
            f"options[{i}]", f"option '{option.id}' is never recommended: no answer path ends "
            "with it",
            f"the rules that recommend it ({', '.join(names)}) never decide: fix them, or remove "
            "the option" if names else "add a rule that recommends it, or remove the option"))

    for i, question in enumerate(model.questions):
        if i in asked_at:
            continue
        names = [r.id for r in model.rules if any(c.question == question.id for c in r.when)]
        problems.append(Problem(
            f"questions[{i}]", f"question '{question.id}' is never asked: no answer path needs it",
            f"the rules that name it ({', '.join(names)}) decide without it: check their "
            "conditions, or remove the question" if names
            else "name it in a rule's 'when', or remove the question"))

    problems += _inert_choices(a, asked_at)
    return problems


def _rule_problems(a: Analysis) -> list[Problem]:
    """Rules that can never decide: conflicting, repeated or shadowed."""
    problems = []
    model = a.model
    can_decide = a.deciders(a.empty)
    conds = [frozenset(c) for c in a.conds]
    for ri, rule in enumerate(model.rules):
        if ri in can_decide:
            continue
        path = f"rules[{ri}]"
        same = next((e for e in range(ri) if conds[e] == conds[ri]), None)
        if same is not None:
            other = model.rules[same]
            if a.outcome_of[same] == a.outcome_of[ri]:
                problems.append(Problem(
                    path, f"rule '{rule.id}' repeats the conditions and recommendation of rule "
                    f"'{other.id}' (rules[{same}]) and can never decide", "remove it"))
            else:
                problems.append(Problem(
                    path, f"rule '{rule.id}' conflicts with rule '{other.id}' (rules[{same}]): "
                    "same conditions, different recommendation; the earlier rule always decides",
                    "remove one of them, or add a condition that tells them apart"))
            continue
        earlier = [model.rules[e].id for e in range(ri)
                   if e in can_decide and _overlap(a.conds[e], a.conds[ri])]
        problems.append(Problem(
            path, f"rule '{rule.id}' can never decide: earlier rules ({', '.join(earlier)}) "
            "always decide first for the answers it matches",
            "move it above them, narrow their conditions, or remove it"))
    return problems


def _overlap(first: tuple[tuple[int, frozenset[str]], ...],
             second: tuple[tuple[int, frozenset[str]], ...]) -> bool:
    """True when some answer set satisfies both condition lists."""
    allowed = dict(first)
    return all(qi not in allowed or allowed[qi] & choices for qi, choices in second)


def _inert_choices(a: Analysis, asked_at: Mapping[int, list[State]]) -> list[Problem]:
    """Choices that change nothing (see the module docstring)."""
    problems = []
    memo: dict[tuple[State, State], bool] = {}
    for qi, states in sorted(asked_at.items()):
        question = a.model.questions[qi]
        choices = a.choices[qi]
        for j, choice in enumerate(choices):
            twin = next((earlier for earlier in choices[:j] if all(
                _same(a, a.with_answer(s, qi, earlier), a.with_answer(s, qi, choice), memo)
                for s in states)), None)
            if twin is None:
                continue
            problems.append(Problem(
                f"questions[{qi}].choices[{j}]",
                f"choice '{choice}' of question '{question.id}' changes nothing: wherever the "
                f"question is asked it leads to the same recommendations as '{twin}'",
                f"merge it with '{twin}', or add the rule that tells them apart", "warning"))
    return problems


def _same(a: Analysis, first: State, second: State, memo: dict[tuple[State, State], bool]) -> bool:
    """True when every completion of the two states (same unanswered questions) ends alike."""
    key = (first, second)
    found = memo.get(key)
    if found is None:
        one, two = a.outcomes(first), a.outcomes(second)
        if one != two:
            found = False
        elif len(one) == 1:
            found = True
        else:
            qi = a.first_live(first)[1]
            found = all(_same(a, a.with_answer(first, qi, c), a.with_answer(second, qi, c), memo)
                        for c in a.choices[qi])
        memo[key] = found
    return found


# --------------------------------------------------------------------------- citations


def is_specific_page(url: str) -> bool:
    """True when `url` names a page deeper than a site's or a product's home page.

    A home page (``https://aws.amazon.com/step-functions/``, ``https://docs.aws.amazon.com/``)
    says nothing about a particular capability; a documentation page has at least two path
    segments (``/step-functions/latest/dg/state-map-distributed.html``).
    """
    rest = url.split("://", 1)[-1].split("#", 1)[0].split("?", 1)[0]
    segments = [s for s in rest.split("/")[1:] if s and s not in ("index.html", "index.md")]
    return len(segments) >= 2


def citation_problems(model: Model) -> list[Problem]:
    """Sources a reader cannot open, and statements that do not cite what they rest on.

    A statement of kind "capability" (the default: what a service can or cannot do) must cite
    a specific page of a documentation source; one of kind "reasoning" must cite something,
    usually the article. Reported as warnings: the model still works, `mkdocs build --strict`
    and the guide's tests refuse it. A model none of whose sources has an address (written
    before sources had them) is not checked for citations.
    """
    problems: list[Problem] = []
    sources = {s.id: s for s in model.sources}
    if not any(s.url for s in model.sources):
        # A model from before sources had addresses: nothing to check citations against.
        return problems
    for source in model.sources:
        here = f"sources.{source.id}"
        if not source.url:
            problems.append(Problem(here, f"source '{source.id}' has no address a reader can "
                                    "open", "add url: https://... (the page itself)", "warning"))
        if source.read is None:
            problems.append(Problem(here, f"source '{source.id}' does not say when it was read",
                                    'add read: "YYYY-MM-DD", the day someone read the page',
                                    "warning"))

    def documented(refs: tuple[SourceRef, ...]) -> bool:
        return any(
            (src := sources.get(ref.source)) is not None and src.kind == "documentation"
            and bool(src.url) and is_specific_page(_link(src, ref))
            for ref in refs)

    def statement(path: str, option: str, text: str, kind: str,
                  refs: tuple[SourceRef, ...]) -> None:
        quoted = text if len(text) <= 60 else text[:59] + "…"
        if kind == "capability" and not documented(refs):
            problems.append(Problem(
                path, f"statement about {option} without a documentation page: “{quoted}”",
                "cite the documentation page that shows it (sources: [{source: id, anchor: "
                "...}], a page, not a home page), or mark it kind: reasoning and cite the "
                "text whose reasoning it follows", "warning"))
        elif kind == "reasoning" and not refs:
            problems.append(Problem(
                path, f"reasoning about {option} cites nothing: “{quoted}”",
                "cite the text whose reasoning it follows, for example {source: article, "
                "section: ...}", "warning"))

    for i, option in enumerate(model.options):
        for j, claim in enumerate(option.strengths):
            statement(f"options[{i}].strengths[{j}]", option.name, str(claim),
                      getattr(claim, "kind", "capability"), getattr(claim, "sources", ()))
        for j, caveat in enumerate(option.caveats):
            statement(f"options[{i}].caveats[{j}]", option.name, caveat.text, caveat.kind,
                      caveat.sources)
        for key, cell in option.matrix:
            statement(f"options[{i}].matrix.{key}", option.name, str(cell),
                      getattr(cell, "kind", "capability"), getattr(cell, "sources", ()))
    return problems


def _link(source: Source, ref: SourceRef) -> str:
    return source.link(ref)
