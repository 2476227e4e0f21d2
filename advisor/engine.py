"""The decision engine: adaptive asking and `recommend(model, answers) -> Result`.

Semantics (docs/authoring.md): rules form a decision list, the first rule whose `when`
conditions all hold decides. For a partial set of answers a rule is *contradicted* (an answered
question's choice is not allowed), *satisfied* (every condition answered and holding) or
*undetermined*. The first rule that is not contradicted decides if it is satisfied; if it is
undetermined the outcome is still open.

The *outcomes* of a partial state are the recommendations its completions can reach; they are
computed exactly by branching on a missing question of the first undetermined live rule, and
memoized on the state. A state is *complete* when one outcome is left (an outcome is the
recommended option ids plus, for a tie, the `decide` text). The quiz asks next the first
question in model order whose choices lead to different outcome sets; when no single question
does (XOR-like rules) it asks the first missing question of the first undetermined live rule.

*Deciding rules* of a state are the rules that decide on at least one of its completions. When a
state is complete before any rule is fully satisfied, several rules (all recommending the same
thing) may be deciding; the result then reports as `rule` the first deciding rule, in file order,
whose conditions the answers satisfy, or failing that the first deciding rule, and `trace` lists
the path answers any deciding rule names, each with the first such rule.

Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from advisor.model import (
    AdvisorError,
    AnswerError,
    Caveat,
    Choice,
    Condition,
    Model,
    Option,
    Question,
    Rule,
    SourceRef,
    short,
)

__all__ = [
    "IGNORED_LIMIT", "Change", "ModelTooComplex", "Result", "Step", "WhyNot", "cite", "recommend",
    "sanitize_answers",
]

State = tuple[str | None, ...]
Outcome = tuple[tuple[str, ...], str | None]  # (option ids in model order, tie text)
Reduced = tuple[tuple[int, ...], State]  # (live rule indexes, answers they name)
NO_OUTCOME: Outcome = ((), None)
#: The most dropped answers listed one by one (`sanitize_answers`, `advisor.web`); the rest
#: are counted.
IGNORED_LIMIT = 50
#: How many states one model's analysis may reduce before it gives up: three times what the
#: benchmark's 15-question, 3-choice model with 114,739 answer paths needs (about 480,000), and
#: some 10 to 20 seconds of work on a model far beyond that.
WORK_LIMIT = 1_500_000


class ModelTooComplex(AdvisorError):
    """The model has more answer combinations than the advisor analyses."""


class Analysis:
    """Memoized facts about one model's decision list. Get it with `analysis(model)`.

    Memo tables are keyed on a *reduced* state: the rules still live (not contradicted, up to
    and including the first satisfied one) and the answers to the questions those rules name.
    Everything the engine computes depends only on that, so states that differ in answers no
    live rule cares about share one entry.
    """

    def __init__(self, model: Model) -> None:
        self.work = 0  # states reduced so far; see WORK_LIMIT
        self.model = model
        self.qindex = {q.id: i for i, q in enumerate(model.questions)}
        self.choices = [tuple(c.id for c in q.choices) for q in model.questions]
        self.conds = [
            tuple(sorted((self.qindex[c.question], frozenset(c.choices)) for c in r.when))
            for r in model.rules
        ]
        self.qmask = [sum(1 << qi for qi, _ in conds) for conds in self.conds]
        order = {o.id: i for i, o in enumerate(model.options)}
        self.outcome_of: list[Outcome] = [
            (tuple(sorted(r.recommend, key=order.__getitem__)), r.decide if r.is_tie else None)
            for r in model.rules
        ]
        self.none = len(model.rules)  # the "rule" index meaning: no rule matches
        self.outcome_of.append(NO_OUTCOME)
        self.empty: State = (None,) * len(model.questions)
        self._deciders: dict[Reduced, frozenset[int]] = {}
        self._outcomes: dict[Reduced, frozenset[Outcome]] = {}
        self._next: dict[Reduced, int] = {}
        self._remaining: dict[Reduced, int] = {}

    @staticmethod
    def with_answer(state: State, qi: int, choice: str) -> State:
        """The state with question `qi` answered `choice`."""
        return (*state[:qi], choice, *state[qi + 1 :])

    def _reduce(self, state: State, rules: Iterable[int]) -> Reduced:
        self.work += 1
        if self.work > WORK_LIMIT:
            raise ModelTooComplex(
                f"the model has too many answer combinations to analyse (over {WORK_LIMIT:,} "
                "steps of the analysis)")
        live = []
        mask = 0
        for ri in rules:
            satisfied = True
            for qi, allowed in self.conds[ri]:
                value = state[qi]
                if value is None:
                    satisfied = False
                elif value not in allowed:
                    break
            else:
                live.append(ri)
                mask |= self.qmask[ri]
                if satisfied:
                    break
        kept = tuple([v if mask >> qi & 1 else None for qi, v in enumerate(state)])
        return tuple(live), kept

    def reduce(self, state: State) -> Reduced:
        """The reduced form of a state (see the class docstring)."""
        return self._reduce(state, range(len(self.conds)))

    def _child(self, reduced: Reduced, qi: int, choice: str) -> Reduced:
        live, state = reduced
        return self._reduce(self.with_answer(state, qi, choice), live)

    def first_live(self, state: State) -> tuple[int, int]:
        """(index of the first rule not contradicted, its first missing question or -1)."""
        live, kept = self.reduce(state)
        return self._first(live, kept)

    def _first(self, live: tuple[int, ...], state: State) -> tuple[int, int]:
        if not live:
            return self.none, -1
        ri = live[0]
        return ri, next((qi for qi, _ in self.conds[ri] if state[qi] is None), -1)

    def _deciders_r(self, reduced: Reduced) -> frozenset[int]:
        found = self._deciders.get(reduced)
        if found is None:
            ri, missing = self._first(*reduced)
            if missing < 0:
                found = frozenset((ri,))
            else:
                found = frozenset().union(
                    *(self._deciders_r(self._child(reduced, missing, c))
                      for c in self.choices[missing])
                )
            self._deciders[reduced] = found
        return found

    def _outcomes_r(self, reduced: Reduced) -> frozenset[Outcome]:
        found = self._outcomes.get(reduced)
        if found is None:
            found = frozenset(self.outcome_of[ri] for ri in self._deciders_r(reduced))
            self._outcomes[reduced] = found
        return found

    def _next_r(self, reduced: Reduced) -> int:
        found = self._next.get(reduced)
        if found is None:
            live, state = reduced
            mask = 0
            for ri in live:
                mask |= self.qmask[ri]
            found = -1
            for qi, value in enumerate(state):
                if value is not None or not mask >> qi & 1:
                    continue
                sets = {self._outcomes_r(self._child(reduced, qi, c)) for c in self.choices[qi]}
                if len(sets) > 1:
                    found = qi
                    break
            if found < 0:
                found = self._first(live, state)[1]
            self._next[reduced] = found
        return found

    def _remaining_r(self, reduced: Reduced) -> int:
        found = self._remaining.get(reduced)
        if found is None:
            found = 0
            if len(self._outcomes_r(reduced)) > 1:
                qi = self._next_r(reduced)
                found = 1 + max(self._remaining_r(self._child(reduced, qi, c))
                                for c in self.choices[qi])
            self._remaining[reduced] = found
        return found

    def deciders(self, state: State) -> frozenset[int]:
        """Indexes of the rules that decide on some completion of `state` (`none` if no rule)."""
        return self._deciders_r(self.reduce(state))

    def outcomes(self, state: State) -> frozenset[Outcome]:
        """The outcomes the completions of `state` can reach."""
        return self._outcomes_r(self.reduce(state))

    def complete(self, state: State) -> bool:
        """True when no further answer can change the outcome."""
        return len(self.outcomes(state)) == 1

    def next_question(self, state: State) -> int:
        """Index of the question to ask next in an incomplete state."""
        return self._next_r(self.reduce(state))

    def remaining(self, state: State) -> int:
        """The most questions any completion of `state` may still need."""
        return self._remaining_r(self.reduce(state))

    def walk(self, answers: Mapping[int, str]) -> tuple[State, list[int], int]:
        """Follow the adaptive path: (final state, asked question indexes, next question|-1)."""
        state = self.empty
        reduced = self.reduce(state)
        path: list[int] = []
        while True:
            if len(self._outcomes_r(reduced)) == 1:
                return state, path, -1
            qi = self._next_r(reduced)
            choice = answers.get(qi)
            if choice is None:
                return state, path, qi
            state = self.with_answer(state, qi, choice)
            reduced = self._child(reduced, qi, choice)
            path.append(qi)

    def tree(self) -> Iterator[tuple[State, tuple[int, ...], int]]:
        """Every node of the quiz, depth first with choices in model order:
        (state, asked question indexes, question asked there or -1 for a complete state)."""
        stack: list[tuple[State, Reduced, tuple[int, ...]]] = [
            (self.empty, self.reduce(self.empty), ())]
        while stack:
            state, reduced, asked = stack.pop()
            if len(self._outcomes_r(reduced)) == 1:
                yield state, asked, -1
                continue
            qi = self._next_r(reduced)
            yield state, asked, qi
            stack.extend((self.with_answer(state, qi, c), self._child(reduced, qi, c), (*asked, qi))
                         for c in reversed(self.choices[qi]))

    def satisfied(self, ri: int, state: State) -> bool:
        """True when every condition of rule `ri` is answered and holds in `state`."""
        return all(state[qi] in allowed for qi, allowed in self.conds[ri])

    def reported_rule(self, state: State) -> int:
        """The rule shown as deciding a complete state (see the module docstring)."""
        rules = sorted(self.deciders(state))
        for ri in rules:
            if ri != self.none and self.satisfied(ri, state):
                return ri
        return rules[0]


def analysis(model: Model) -> Analysis:
    """The memoized analysis of `model` (kept on the model, built once)."""
    found = model.memo.get("analysis")
    if not isinstance(found, Analysis):
        found = Analysis(model)
        model.memo["analysis"] = found
    return found


# --------------------------------------------------------------------------- answers


def _answer_problem(model: Model, key: object, value: object) -> str | None:
    """Why one answer is invalid, or None."""
    if not isinstance(key, str):
        return f"question ids must be strings, not {type(key).__name__} {short(key)}"
    try:
        question = model.question(key)
    except KeyError:
        valid = ", ".join(q.id for q in model.questions)
        return f"unknown question '{short(key)}'; valid questions: {valid}"
    if not isinstance(value, str):
        return (f"the answer to '{key}' must be a choice id (a string), "
                f"not {type(value).__name__} {short(value)}")
    if not any(c.id == value for c in question.choices):
        valid = ", ".join(c.id for c in question.choices)
        return f"unknown choice '{short(value)}' for question '{key}'; valid choices: {valid}"
    return None


def _not_a_mapping(raw: object) -> str:
    return ("answers must be a mapping of question id to choice id, "
            f"not {type(raw).__name__}")


def validate_answers(model: Model, answers: object) -> dict[str, str]:
    """The answers as a plain dict; raises `AnswerError` on the first invalid entry."""
    if not isinstance(answers, Mapping):
        raise AnswerError(_not_a_mapping(answers))
    clean: dict[str, str] = {}
    for key, value in answers.items():
        problem = _answer_problem(model, key, value)
        if problem:
            raise AnswerError(problem)
        clean[key] = value
    return clean


def sanitize_answers(model: Model, raw: object, *, limit: int | None = IGNORED_LIMIT
                     ) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Keep the valid answers of any input; never raises.

    Returns `(clean, ignored)`: `ignored` holds one `{"question", "choice", "reason"}` entry per
    entry dropped (texts shortened), at most `limit` plus one that counts the rest (every entry
    when `limit` is None, for a caller that caps and counts itself). Meant for answers read
    from a URL or another untrusted place.
    """
    clean: dict[str, str] = {}
    ignored: list[dict[str, str]] = []
    try:
        if not isinstance(raw, Mapping):
            return clean, [{"question": "", "choice": "", "reason": _not_a_mapping(raw)}]
        dropped = 0
        for key, value in raw.items():
            try:
                problem = _answer_problem(model, key, value)
            except Exception:  # a hostile mapping or key; drop the entry
                problem = "unreadable entry"
            if problem is None:
                clean[str(key)] = str(value)
                continue
            dropped += 1
            if limit is None or len(ignored) < limit:
                ignored.append({"question": short(key), "choice": short(value), "reason": problem})
        if dropped > len(ignored):
            ignored.append({"question": "", "choice": "",
                            "reason": f"{dropped - len(ignored)} more entries ignored"})
    except Exception:  # iterating a hostile mapping failed; keep what was read
        ignored.append({"question": "", "choice": "", "reason": "unreadable answers"})
    return clean, ignored


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Step:
    """One answer on the path."""

    question: Question
    choice: Choice

    def to_dict(self) -> dict[str, str]:
        """JSON-able form."""
        return {"question": self.question.id, "question_text": self.question.text,
                "choice": self.choice.id, "choice_label": self.choice.label}


@dataclass(frozen=True)
class WhyNot:
    """Why an option is not recommended."""

    option: Option
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The one reason shown to readers."""
        return " ".join(self.reasons)


@dataclass(frozen=True)
class Change:
    """Changing one path answer to `to` would lead elsewhere."""

    question: Question
    from_choice: Choice
    to_choice: Choice
    outcome: tuple[Option, ...]
    decided: bool


@dataclass(frozen=True)
class Result:
    """What `recommend` returns: the recommendation and its explanation.

    - `complete`: no further answer can change the outcome; `next_question` is then None,
      otherwise the question to ask next.
    - `path`: the answers the quiz used, in asking order; `unused`: answered questions off the
      path (kept, so changing an earlier answer does not lose them). Everything else depends
      only on `path`.
    - `remaining_max`: the most further questions any way of answering may still need.
    - `recommendation`: the option(s) when complete (several for a tie, `tie` then holds the
      rule's `decide` text); empty while incomplete, or when no rule matches (a broken model).
    - `rule` and `trace`: the deciding rule and the path answers the deciding rule(s) name
      (see the module docstring for outcomes fixed before one rule is fully satisfied).
    - `why_not`: every option that can no longer be recommended, in model order, with one reason
      per rule recommending it: the path answer that contradicts the rule, or the earlier rule
      that decides first. While incomplete, options still possible are left out.
    - `what_would_change`: each single change of a path answer (the other path answers kept)
      that leads to a different outcome: `decided` with the new recommendation, or not decided
      with the options still possible then.
    - `caveats`: the recommended options' caveats whose `when` the path answers meet (a caveat
      about a question the quiz did not ask is left out).

    Citations in `to_dict()` (a contract with the widget): `rule.sources`,
    `caveats[].sources` and `recommendation[].sources` are lists of
    `{source, title, url, section}`, `url` being the page's https address with the cited
    anchor; `why_not[].reason` is the one reason shown for each option (`reasons` holds it
    alone, for older readers).
    """

    model: Model
    complete: bool
    path: tuple[Step, ...]
    unused: tuple[str, ...]
    next_question: Question | None
    remaining_max: int
    recommendation: tuple[Option, ...]
    tie: str | None
    rule: Rule | None
    trace: tuple[tuple[Step, Rule], ...]
    why_not: tuple[WhyNot, ...]
    what_would_change: tuple[Change, ...]
    caveats: tuple[tuple[Option, Caveat], ...]
    version: str | None = None

    @property
    def total_max(self) -> int:
        """The most questions the whole quiz may take with these answers ("of at most")."""
        return len(self.path) + self.remaining_max

    def to_dict(self) -> dict[str, Any]:
        """JSON-able data; the keys are a contract with the browser widget and the CLI."""
        q = self.next_question
        data: dict[str, Any] = {
            "model": self.model.id,
            "complete": self.complete,
            "path": [s.to_dict() for s in self.path],
            "unused": list(self.unused),
            "next_question": None if q is None else {
                "id": q.id, "text": q.text, "help": q.help,
                "choices": [{"id": c.id, "label": c.label, "help": c.help} for c in q.choices],
            },
            "progress": {"answered": len(self.path), "remaining_max": self.remaining_max,
                         "total_max": self.total_max},
            "recommendation": [{"id": o.id, "name": o.name, "summary": o.summary}
                               for o in self.recommendation],
            "tie": None if self.tie is None else {
                "options": [o.id for o in self.recommendation], "decide": self.tie},
            "rule": None if self.rule is None else {
                "id": self.rule.id, "because": self.rule.because,
                "sources": cite(self.model, self.rule.sources),
                **dict(zip(("lead", "rest"), _lead(self.rule.because), strict=True))},
            "trace": [{**s.to_dict(), "rule": r.id} for s, r in self.trace],
            "why_not": [{"option": w.option.id, "name": w.option.name,
                         "reason": w.reason, "reasons": list(w.reasons)}
                        for w in self.why_not],
            "what_would_change": [{
                "question": c.question.id, "question_text": c.question.text,
                "from": c.from_choice.id, "from_label": c.from_choice.label,
                "to": c.to_choice.id, "to_label": c.to_choice.label,
                "outcome": [o.id for o in c.outcome], "outcome_names": [o.name for o in c.outcome],
                "decided": c.decided} for c in self.what_would_change],
            "caveats": [{"option": o.id, "text": c.text, "sources": cite(self.model, c.sources)}
                        for o, c in self.caveats],
        }
        for entry, option in zip(data["recommendation"], self.recommendation, strict=True):
            entry["sources"] = cite(self.model, option.sources)
        if self.complete:
            data["decision_record"] = self.decision_record()
        return data

    def decision_record(self, version: str | None = None) -> str:
        """A short Markdown decision record; `version` defaults to the one given to recommend.

        Raises `AdvisorError` while the answers do not decide yet.
        """
        if not self.complete:
            raise AdvisorError("no decision yet: answer the remaining questions first")
        version = version if version is not None else self.version
        names = " and ".join(o.name for o in self.recommendation) or "no recommendation"
        lines = [f"# Decision: {names}", "", "## Context", "", self.model.title, ""]
        lines += [f"- {s.question.text} — {s.choice.label}" for s in self.path] or ["- none"]
        lines += ["", "## Decision", ""]
        if not self.recommendation:
            lines.append("The guide has no recommendation for these answers.")
        elif self.tie is not None:
            lines.append("Either " + " or ".join(f"**{o.name}**" for o in self.recommendation)
                         + f". What decides between them: {self.tie}")
        else:
            option = self.recommendation[0]
            lines.append(f"We use **{option.name}**: {option.summary}")
        if self.rule is not None:
            lines += ["", "## Reasons", "", self.rule.because + _md_links(self.model,
                                                                         self.rule.sources)]
        if self.trace:
            lines += ["", "Answers that decided it:", ""]
            lines += [f"- {s.question.text} — {s.choice.label}" for s, _ in self.trace]
        if self.why_not:
            lines += ["", "## Alternatives considered", ""]
            lines += [f"- **{w.option.name}**: {w.reason}" for w in self.why_not]
        if self.caveats:
            lines += ["", "## Caveats", ""]
            lines += [f"- {o.name}: {c.text}{_md_links(self.model, c.sources)}"
                      for o, c in self.caveats]
        cited = [ref for o in self.recommendation for ref in o.sources]
        if self.rule is not None:
            cited += list(self.rule.sources)
        sources = _unique(cite(self.model, tuple(cited)))
        if sources:
            lines += ["", "## Sources", ""]
            lines += [f"- {_md_link(c)}" for c in sources]
        lines += ["", f"Guide version: {version or 'unknown'}", ""]
        return "\n".join(lines)


def cite(model: Model, refs: tuple[SourceRef, ...]) -> list[dict[str, str]]:
    """Citations as plain data a page can render as links: {source, title, url, section}.

    `url` is the page's address with the cited anchor ('' when the source has no address).
    """
    sources = {s.id: s for s in model.sources}
    cited = []
    for ref in refs:
        source = sources.get(ref.source)
        if source is None:
            continue
        cited.append({"source": source.id, "title": source.title, "url": source.link(ref),
                      "section": ref.section})
    return cited


def _unique(citations: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for c in citations:
        key = (c["url"] or c["source"], c["section"])
        if key not in seen:
            seen.add(key)
            kept.append(c)
    return kept


def _md_link(citation: dict[str, str]) -> str:
    title = citation["title"].replace("[", "(").replace("]", ")")
    section = f", “{citation['section']}”" if citation["section"] else ""
    return f"[{title}]({citation['url']}){section}" if citation["url"] else title + section


def _md_links(model: Model, refs: tuple[SourceRef, ...]) -> str:
    citations = _unique(cite(model, refs))
    if not citations:
        return ""
    return " (" + "; ".join(_md_link(c) for c in citations) + ")"


def recommend(model: Model, answers: Mapping[str, str], *, version: str | None = None) -> Result:
    """Walk the adaptive path through `answers` and explain where it leads.

    `answers` maps question ids to choice ids; answers the path does not reach are kept and
    reported in `unused`. The result depends only on the answers on the path. `version` (for
    example a git commit and date) is written into the decision record. Raises `AnswerError`
    for unknown ids or non-string entries.
    """
    clean = validate_answers(model, answers)
    a = analysis(model)
    by_index = {a.qindex[k]: v for k, v in clean.items()}
    state, asked, next_qi = a.walk(by_index)
    outcomes = a.outcomes(state)
    complete = len(outcomes) == 1
    path = tuple(Step(model.questions[qi], model.questions[qi].choice(state[qi] or ""))
                 for qi in asked)
    on_path = {step.question.id for step in path}
    unused = tuple(q.id for q in model.questions if q.id in clean and q.id not in on_path)
    deciders = a.deciders(state)

    recommendation: tuple[Option, ...] = ()
    tie = None
    rule = None
    trace: tuple[tuple[Step, Rule], ...] = ()
    caveats: tuple[tuple[Option, Caveat], ...] = ()
    if complete:
        (option_ids, tie), = outcomes
        recommendation = tuple(model.option(o) for o in option_ids)
        reported = a.reported_rule(state)
        if reported != a.none:
            rule = model.rules[reported]
            trace = _trace(a, path, reported, deciders)
        caveats = tuple((o, c) for o in recommendation for c in o.caveats
                        if _holds(a, state, c.when))

    return Result(
        model=model,
        complete=complete,
        path=path,
        unused=unused,
        next_question=model.questions[next_qi] if next_qi >= 0 else None,
        remaining_max=a.remaining(state),
        recommendation=recommendation,
        tie=tie,
        rule=rule,
        trace=trace,
        why_not=_why_not(a, state, path, outcomes, deciders),
        what_would_change=_what_would_change(a, state, asked, outcomes),
        caveats=caveats,
        version=version,
    )


def _holds(a: Analysis, state: State, when: tuple[Condition, ...]) -> bool:
    """True when every condition of `when` is answered in `state` and holds: a caveat about a
    question the reader was not asked does not apply to their answers."""
    return all(state[a.qindex[c.question]] in c.choices for c in when)


_SENTENCE_END = re.compile(r"""[.!?]["\u201d\u2019)]?(\s+)(?=["\u201c(]?[A-Z])""")


def _lead(text: str) -> tuple[str, str]:
    """`text` as (its first sentence, the rest): the quiz's summary shows the first, the rest
    where there is room. A sentence ends at `.`, `!` or `?` followed by a capital letter, so
    "e.g. an endpoint" stays whole."""
    text = " ".join(text.split())
    match = _SENTENCE_END.search(text)
    if match is None:
        return text, ""
    return text[: match.start(1)], text[match.end(1):]


def _contradicts(a: Analysis, state: State, when: tuple[Condition, ...]) -> bool:
    """True when an answer in `state` is not allowed by one of the conditions `when`."""
    for cond in when:
        value = state[a.qindex[cond.question]]
        if value is not None and value not in cond.choices:
            return True
    return False


def _trace(a: Analysis, path: tuple[Step, ...], reported: int,
           deciders: frozenset[int]) -> tuple[tuple[Step, Rule], ...]:
    """The path answers the deciding rule(s) name, each with the rule that names it."""
    rules = [reported, *sorted(r for r in deciders if r not in (reported, a.none))]
    trace = []
    for step in path:
        qi = a.qindex[step.question.id]
        for ri in rules:
            if any(q == qi for q, _ in a.conds[ri]):
                trace.append((step, a.model.rules[ri]))
                break
    return tuple(trace)


def _join_facts(facts: list[str]) -> str:
    if len(facts) <= 1:
        return "".join(facts)
    return ", ".join(facts[:-1]) + " and " + facts[-1]


def _why_not(a: Analysis, state: State, path: tuple[Step, ...], outcomes: frozenset[Outcome],
             deciders: frozenset[int]) -> tuple[WhyNot, ...]:
    """For each option no outcome of `state` can recommend, one reason in plain words.

    The option's own `why_not` line (when it would be the one to pick) is composed with the
    reader's answers that rule it out: the path answers contradicting its rules (those that
    contradict the most of them first, then in asking order; at most three) and, for a rule
    that still holds but comes after the deciding one, the deciding answers it does not share.
    """
    model = a.model
    possible = {o for option_ids, _ in outcomes for o in option_ids}
    deciding = sorted(r for r in deciders if r != a.none)
    first_decider = deciding[0] if deciding else None
    result = []
    for option in model.options:
        if option.id in possible:
            continue
        against: list[Step] = []  # answers that contradict one of the option's rules
        overruled: set[int] = set()  # answers of an earlier rule that decided before one of its own
        for rule in model.rules:
            if option.id not in rule.recommend:
                continue
            contradicted = False
            for step in path:
                cond = next((c for c in rule.when if c.question == step.question.id), None)
                if cond is not None and step.choice.id not in cond.choices:
                    if step not in against:
                        against.append(step)
                    contradicted = True
                    break
            if contradicted or first_decider is None:
                continue
            # One of its rules still holds, but an earlier rule decides first: name the
            # deciding rule's answers that this rule does not share.
            mine = {c.question: c.choices for c in rule.when}
            named = {c.question for c in model.rules[first_decider].when}
            won = [s for s in path if s.question.id in named
                   and s.choice.id not in mine.get(s.question.id, ())]
            overruled.update(id(s) for s in won)
            against += [s for s in won if s not in against]
        # The answers that made an earlier rule decide before one of the option's own rules that
        # held come first: they are why it lost. Then the answers that rule out most of its
        # rules; among those, the answers that stopped a rule the reader's other answers came
        # closest to (a near miss says more than a rule that never applied); then in asking
        # order.
        answered = {s.question.id: s.choice.id for s in path}
        rules = [rule for rule in model.rules if option.id in rule.recommend]

        def blocks(rule: Rule, step: Step) -> bool:
            return any(c.question == step.question.id and step.choice.id not in c.choices
                       for c in rule.when)

        def held(rule: Rule, answered: Mapping[str, str] = answered) -> int:
            return sum(1 for c in rule.when if answered.get(c.question) in c.choices)

        weight = {id(s): sum(1 for rule in rules if blocks(rule, s)) for s in against}
        near = {id(s): max((held(rule) for rule in rules if blocks(rule, s)), default=0)
                for s in against}
        against.sort(key=lambda s: (id(s) not in overruled, -weight[id(s)], -near[id(s)],
                                    path.index(s)))
        lead = option.why_not.strip().rstrip(".") or f"{option.name} fits other situations"
        facts = [s.choice.as_fact for s in against[:3]]
        reason = f"{lead}; here, {_join_facts(facts)}." if facts else f"{lead}."
        result.append(WhyNot(option, (reason[0].upper() + reason[1:],)))
    return tuple(result)


def _what_would_change(a: Analysis, state: State, asked: list[int],
                       outcomes: frozenset[Outcome]) -> tuple[Change, ...]:
    """Each single change of a path answer that leads to different outcomes."""
    model = a.model
    answers = {qi: state[qi] or "" for qi in asked}
    changes = []
    for qi in asked:
        question = model.questions[qi]
        for choice in question.choices:
            if choice.id == answers[qi]:
                continue
            other, _, _ = a.walk({**answers, qi: choice.id})
            reached = a.outcomes(other)
            if reached == outcomes:
                continue
            ids = {o for option_ids, _ in reached for o in option_ids}
            changes.append(Change(question, question.choice(answers[qi]), choice,
                                  tuple(o for o in model.options if o.id in ids),
                                  len(reached) == 1))
    return tuple(changes)
