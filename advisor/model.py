"""The guide model: frozen dataclasses, problems and errors, and `load_model`.

`load_model` turns plain data (what a YAML or JSON reader returns) into a validated `Model`.
It checks the structure (keys, types, ids, dates) and, when the structure is sound, every
reference (question, choice, option, source and criterion ids). The logic of the rules is
checked by `advisor.check`. Standard library only.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AdvisorError",
    "AnswerError",
    "Caveat",
    "Choice",
    "Claim",
    "Condition",
    "Criterion",
    "Lead",
    "Model",
    "ModelError",
    "Option",
    "Problem",
    "Question",
    "Rule",
    "Source",
    "SourceRef",
    "load_model",
]

SCHEMA_VERSION = 1
ID_PATTERN = re.compile(r"[a-z0-9-]+")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Texts shown on one line (headings, navigation, labels): no line breaks, no control characters.
ONE_LINE = frozenset({"name", "label", "title", "short_title", "section", "author", "url"})
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _is_control(ch: str) -> bool:
    """A C0 or C1 control character (Unicode category Cc)."""
    return ch < " " or "\x7f" <= ch <= "\x9f"
#: An address a reader can open: https, a host with a dot, no spaces.
URL_PATTERN = re.compile(r"https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/[^\s]*)?")
ANCHOR_PATTERN = re.compile(r"[A-Za-z0-9_.:%-][A-Za-z0-9_.:%/-]*")


# --------------------------------------------------------------------------- problems, errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a model: where (`path`, `file`, `line`), what, and how to fix it."""

    path: str
    message: str
    fix: str
    severity: str = "error"
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        elif self.line:
            parts.append(f"line {self.line}")
        if self.path:
            parts.append(self.path)
        parts.append("warning: " + self.message if self.severity == "warning" else self.message)
        text = ": ".join(parts)
        return f"{text} (fix: {self.fix})" if self.fix else text


class AdvisorError(Exception):
    """Base class of every error the advisor raises on purpose."""


class ModelError(AdvisorError):
    """A model that cannot be used; `problems` lists every problem found, one per line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid model")


class AnswerError(AdvisorError):
    """Answers that name an unknown question or choice, or that are not strings."""


def short(value: object, limit: int = 40) -> str:
    """A safe, short rendering of any value for messages (never raises)."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        text = f"<a {value.bit_length()}-bit integer>"  # repr() refuses over 4,300 digits
    elif value is None or isinstance(value, bool | int | float):
        text = repr(value)
    else:
        text = f"<{type(value).__name__}>"
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Choice:
    """One possible answer to a question.

    `fact` restates the answer as a fact about the reader's situation ("your flow is a straight
    line of a few steps"); the engine uses it when it explains a recommendation.
    """

    id: str
    label: str
    help: str = ""
    fact: str = ""
    sources: tuple[SourceRef, ...] = ()

    @property
    def as_fact(self) -> str:
        """The answer as a fact about the reader, for explanations."""
        return self.fact or f"you answered \u201c{self.label}\u201d"


@dataclass(frozen=True)
class Question:
    """A question the quiz may ask; `choices` in the order they are offered."""

    id: str
    text: str
    choices: tuple[Choice, ...]
    help: str = ""
    sources: tuple[SourceRef, ...] = ()

    def choice(self, choice_id: str) -> Choice:
        """The choice with this id (KeyError if there is none)."""
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        raise KeyError(choice_id)


@dataclass(frozen=True)
class Condition:
    """`question` must be answered with one of `choices`."""

    question: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class SourceRef:
    """A citation: a source id from the model's `sources`, optionally the section cited (its
    heading, shown to readers) and the anchor on the page (`#anchor` is added to the link)."""

    source: str
    section: str = ""
    anchor: str = ""


#: Kinds of source: a page documenting what a service does, or a text cited for its reasoning.
SOURCE_KINDS = ("documentation", "reasoning")
#: Kinds of statement: what a service can do (needs a documentation page), or reasoning.
CLAIM_KINDS = ("capability", "reasoning")


@dataclass(frozen=True)
class Source:
    """Something the guidance is drawn from: a page a reader can open (`url`, https) and the
    date someone read it (`read`)."""

    id: str
    title: str
    author: str = ""
    published: str | None = None
    url: str = ""
    read: str | None = None
    kind: str = "documentation"

    def link(self, ref: SourceRef) -> str:
        """The address of a citation of this source ('' when the source has none)."""
        if not self.url:
            return ""
        return f"{self.url.split('#')[0]}#{ref.anchor}" if ref.anchor else self.url


class Claim(str):
    """A statement of the guide (a strength, a matrix cell, an 'avoid' line) with its citations.

    It is the statement's text (a `str`, so it reads and compares as the text) carrying
    `sources` and `kind`: "capability" for what a service can do, which must cite a specific
    documentation page, or "reasoning" for the guide's or the article's judgement.
    """

    sources: tuple[SourceRef, ...]
    kind: str

    def __new__(cls, text: str, sources: Iterable[SourceRef] = (),
                kind: str = "capability") -> Claim:
        self = super().__new__(cls, text)
        self.sources = tuple(sources)
        self.kind = kind
        return self


@dataclass(frozen=True)
class Criterion:
    """A row of the comparison matrix."""

    id: str
    label: str


@dataclass(frozen=True)
class Caveat:
    """A warning shown with a recommendation, unless the reader's answers contradict `when`."""

    text: str
    when: tuple[Condition, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    kind: str = "capability"


@dataclass(frozen=True)
class Option:
    """Something the guide may recommend."""

    id: str
    name: str
    summary: str
    strengths: tuple[str, ...] = ()
    caveats: tuple[Caveat, ...] = ()
    suits: str = ""
    avoid: tuple[str, ...] = ()
    matrix: tuple[tuple[str, str], ...] = ()
    sources: tuple[SourceRef, ...] = ()
    reviewed: str | None = None
    why_not: str = ""
    changed: str = ""


@dataclass(frozen=True)
class Rule:
    """An entry of the decision list: the first rule whose `when` holds decides."""

    id: str
    recommend: tuple[str, ...]
    because: str
    when: tuple[Condition, ...] = ()
    decide: str | None = None
    sources: tuple[SourceRef, ...] = ()
    reviewed: str | None = None

    @property
    def is_tie(self) -> bool:
        """True when the rule recommends two or more options."""
        return len(self.recommend) > 1


#: How a lead (a fact that may have changed since the sources were written) was resolved.
LEAD_RESOLUTIONS = ("confirmed", "changed", "rejected")


@dataclass(frozen=True)
class Lead:
    """A fact someone suspected had changed, and what checking it found: `confirmed` (it holds
    and is cited), `changed` (the model changed because of it) or `rejected` (with the reason in
    `note`). `sources` are the pages checked; `reviewed` the day they were."""

    topic: str
    claim: str
    resolution: str
    note: str
    sources: tuple[SourceRef, ...] = ()
    reviewed: str | None = None


@dataclass(frozen=True)
class Model:
    """A validated guide model. Build it with `load_model`."""

    id: str
    title: str
    questions: tuple[Question, ...]
    options: tuple[Option, ...]
    rules: tuple[Rule, ...]
    intro: str = ""
    sources: tuple[Source, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    schema: int = SCHEMA_VERSION
    #: A few words that tell this guide from others on the same site (navigation, page titles);
    #: the title when the model gives none.
    short_title: str = ""
    #: Facts checked against today's sources, and what became of each (see `Lead`).
    leads: tuple[Lead, ...] = ()
    # Lookups and the engine's memo tables; not part of the value.
    _index: dict[str, dict[str, Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.short_title:
            object.__setattr__(self, "short_title", self.title)
        self._index["question"] = {q.id: q for q in self.questions}
        self._index["option"] = {o.id: o for o in self.options}
        self._index["rule"] = {r.id: r for r in self.rules}

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError if there is none)."""
        q: Question = self._index["question"][question_id]
        return q

    def option(self, option_id: str) -> Option:
        """The option with this id (KeyError if there is none)."""
        o: Option = self._index["option"][option_id]
        return o

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError if there is none)."""
        r: Rule = self._index["rule"][rule_id]
        return r


# --------------------------------------------------------------------------- reading plain data


_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "true/false"),
    (int, "a number"),
    (float, "a number"),
    (str, "a string"),
    (list, "a list"),
    (dict, "a mapping"),
    (datetime.date, "a date"),
)


def _type_name(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, list) and not value:
        return "an empty list"
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


class _Reader:
    """Walks plain data, collecting problems; each method returns None when a value is bad."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, path: str, message: str, fix: str, severity: str = "error") -> None:
        self.problems.append(Problem(path, message, fix, severity))

    def wrong_type(self, path: str, value: object, expected: str, example: str) -> None:
        found = _type_name(value)
        fix = f"write {example}"
        if isinstance(value, bool):
            fix += " (YAML reads unquoted yes/no/on/off as true/false: quote the value)"
        self.error(path, f"expected {expected}, found {found}", fix)

    def mapping(
        self,
        value: object,
        path: str,
        required: Mapping[str, str],
        optional: Mapping[str, str],
        what: str,
    ) -> dict[str, Any] | None:
        """Check a mapping's keys; `required` maps each key to what it holds (used in fixes).

        Returns the mapping even when keys are missing or unknown (those are reported), so the
        caller goes on to report problems inside it; None when it is not a mapping at all.
        """
        if not isinstance(value, Mapping):
            self.wrong_type(path, value, f"a mapping ({what})", "keys like " + _keys(required))
            return None
        allowed = list(required) + list(optional)
        for key in value:
            if not isinstance(key, str):
                self.error(
                    _join(path, str(key)),
                    f"keys must be strings, found {_type_name(key)} {short(key)}",
                    "allowed keys: " + ", ".join(allowed),
                )
            elif key not in allowed:
                import difflib  # noqa: PLC0415 - costs ~50 ms of start-up in Pyodide

                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.error(
                    _join(path, key),
                    f"unknown key '{short(key)}' in {what}",
                    f"{hint}allowed keys: " + ", ".join(allowed),
                )
        for key, holds in required.items():
            if key not in value:
                self.error(path, f"missing key '{key}' in {what}", f"add '{key}:' with {holds}")
        return dict(value)

    def text(self, data: Mapping[str, Any], key: str, path: str, example: str) -> str | None:
        value = data.get(key)
        if value is None and key not in data:
            return ""
        if not isinstance(value, str):
            self.wrong_type(_join(path, key), value, "a string", f"{key}: {example}")
            return None
        if not value.strip():
            self.error(_join(path, key), f"'{key}' is empty", f"write {key}: {example}")
            return None
        if not any(ch.isprintable() and not ch.isspace() for ch in value):
            self.error(_join(path, key), f"'{key}' has no visible character (only spaces or "
                       "invisible characters such as U+200B)", f"write {key}: {example}")
            return None
        if key in ONE_LINE:
            bad = next((ch for ch in value if ch in _LINE_BREAKS or _is_control(ch)), None)
            if bad is not None:
                what = "a line break" if bad in _LINE_BREAKS else "a control character"
                self.error(_join(path, key), f"'{key}' holds {what} (U+{ord(bad):04X}) at "
                           f"character {value.index(bad) + 1}; a {key} is shown on one line",
                           "write it on one line without control characters: in YAML a plain "
                           "or quoted string, not a '|' block")
                return None
        return value

    def ident(self, data: Mapping[str, Any], path: str, what: str) -> str | None:
        if "id" not in data:
            return None  # reported as a missing key
        value = data.get("id")
        if not isinstance(value, str):
            self.wrong_type(_join(path, "id"), value, f"a {what} id (a string)", "id: my-id")
            return None
        if not ID_PATTERN.fullmatch(value):
            self.error(
                _join(path, "id"),
                f"bad {what} id '{short(value)}': ids use only a-z, 0-9 and '-'",
                f"write it as '{_slug(value)}'",
            )
            return None
        return value

    def strings(self, data: Mapping[str, Any], key: str, path: str) -> tuple[str, ...] | None:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.wrong_type(_join(path, key), value, "a list of strings", f"{key}: [one, two]")
            return None
        result = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.wrong_type(f"{path}.{key}[{i}]", item, "a string", "a short sentence")
                return None
            result.append(item)
        return tuple(result)

    def date(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        value = data.get(key)
        if value is None and key not in data:
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value.isoformat()
        fix = f'write {key}: "YYYY-MM-DD", for example {key}: "2026-11-27"'
        if not isinstance(value, str):
            self.wrong_type(_join(path, key), value, "a date as a string", fix[6:])
            return None
        try:
            if not DATE_PATTERN.fullmatch(value):
                raise ValueError(value)
            datetime.date.fromisoformat(value)
        except ValueError:
            self.error(_join(path, key), f"bad date '{short(value)}': expected YYYY-MM-DD", fix)
            return None
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str, example: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.wrong_type(_join(path, key), value, "a list", example)
            return []
        return value

    def unique(self, ids: Iterable[tuple[str | None, str]], what: str) -> None:
        seen: dict[str, str] = {}
        for ident, path in ids:
            if ident is None:
                continue
            if ident in seen:
                self.error(
                    path,
                    f"duplicate {what} id '{ident}' (also at {seen[ident]})",
                    f"give each {what} its own id",
                )
            else:
                seen[ident] = path

    # ----------------------------------------------------------------- the parts of a model

    def conditions(self, value: object, path: str) -> tuple[Condition, ...] | None:
        if value is None:
            self.wrong_type(path, value, "a mapping of question id -> choice id(s)",
                            "when: {question-id: choice-id}, or remove 'when' for a catch-all")
            return None
        if not isinstance(value, Mapping):
            self.wrong_type(path, value, "a mapping of question id -> choice id(s)",
                            "when: {question-id: choice-id}")
            return None
        result = []
        ok = True
        for key, choices in value.items():
            if not isinstance(key, str):
                self.error(_join(path, str(key)),
                           f"question ids must be strings, found {_type_name(key)} {short(key)}",
                           "write a question id as the key")
                ok = False
                continue
            here = _join(path, key)
            if isinstance(choices, str):
                result.append(Condition(key, (choices,)))
                continue
            if not isinstance(choices, list) or not choices:
                self.wrong_type(here, choices, "a choice id or a non-empty list of choice ids",
                                f"{key}: choice-id, or {key}: [choice-a, choice-b]")
                ok = False
                continue
            bad = [i for i, c in enumerate(choices) if not isinstance(c, str)]
            if bad:
                self.wrong_type(f"{here}[{bad[0]}]", choices[bad[0]], "a choice id (a string)",
                                "the id of one of the question's choices")
                ok = False
                continue
            dupes = sorted({c for c in choices if choices.count(c) > 1})
            if dupes:
                self.error(here, f"choice '{dupes[0]}' is listed twice",
                           "list each choice once")
                ok = False
                continue
            result.append(Condition(key, tuple(choices)))
        return tuple(result) if ok else None

    def source_refs(self, data: Mapping[str, Any], path: str) -> tuple[SourceRef, ...] | None:
        refs = []
        ok = True
        for i, item in enumerate(self.items(data, "sources", path, "sources: [{source: id}]")):
            here = f"{path}.sources[{i}]"
            m = self.mapping(item, here, {"source": "the id of one of the model's sources"},
                             {"section": "the section cited",
                              "anchor": "the anchor on the page, without '#'"},
                             "a source reference")
            if m is None or "source" not in m:
                ok = False
                continue
            source = m["source"]
            section = self.text(m, "section", here, "the section cited")
            anchor = self.text(m, "anchor", here, "the anchor on the page, without '#'")
            if anchor and not ANCHOR_PATTERN.fullmatch(anchor):
                self.error(f"{here}.anchor", f"bad anchor '{short(anchor)}'",
                           "write the fragment of the page's address without '#' or spaces, "
                           "for example anchor: step-type-emr")
                anchor = None
            if not isinstance(source, str):
                self.wrong_type(f"{here}.source", source, "a source id (a string)",
                                "source: an id from the model's sources")
                ok = False
            elif section is None or anchor is None:
                ok = False
            else:
                refs.append(SourceRef(source, section, anchor))
        if not isinstance(data.get("sources", []), list):
            return None
        return tuple(refs) if ok else None

    def kind(self, data: Mapping[str, Any], path: str, kinds: tuple[str, ...]) -> str | None:
        value = data.get("kind", kinds[0])
        if value not in kinds:
            self.error(_join(path, "kind"), f"unknown kind '{short(value)}'",
                       "write kind: " + " or kind: ".join(kinds))
            return None
        return str(value)

    def claim(self, value: object, path: str, example: str) -> Claim | None:
        """A statement: a string, or {text, sources, kind} when it cites something."""
        if isinstance(value, str):
            if not value.strip():
                self.error(path, "the statement is empty", f"write {example}")
                return None
            return Claim(value)
        m = self.mapping(value, path, {"text": example},
                         {"sources": "[{source: id, section: ..., anchor: ...}]",
                          "kind": "capability or reasoning"}, "a statement")
        if m is None or "text" not in m:
            return None
        text = self.text(m, "text", path, example)
        sources = self.source_refs(m, path)
        kind = self.kind(m, path, CLAIM_KINDS)
        if text is None or sources is None or kind is None:
            return None
        return Claim(text, sources, kind)

    def claims(self, data: Mapping[str, Any], key: str, path: str) -> tuple[str, ...] | None:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.wrong_type(_join(path, key), value, "a list of statements",
                            f"{key}: [one, two], or [{{text: ..., sources: [...]}}]")
            return None
        found = [self.claim(item, f"{path}.{key}[{i}]", "a short sentence")
                 for i, item in enumerate(value)]
        if any(c is None for c in found):
            return None
        return tuple(c for c in found if c is not None)

    def url(self, data: Mapping[str, Any], path: str) -> str | None:
        value = self.text(data, "url", path, "https://...")
        if not value:
            return value
        match = URL_PATTERN.fullmatch(value)
        if match is None:
            self.error(_join(path, "url"), f"bad address '{short(value)}'",
                       "write the page's full https address, for example "
                       "url: https://docs.aws.amazon.com/step-functions/latest/dg/welcome.html")
            return None
        return value

    def source(self, ident: object, value: object, path: str) -> Source | None:
        m = self.mapping(value, path, {"title": "the title of the source"},
                         {"author": "who wrote it", "published": '"YYYY-MM-DD"',
                          "url": "https://...", "read": '"YYYY-MM-DD", the day it was read',
                          "kind": "documentation or reasoning"}, "a source")
        if m is None:
            return None
        if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
            self.error(path, f"bad source id '{short(ident)}': ids use only a-z, 0-9 and '-'",
                       f"rename it to '{_slug(str(ident))}'")
            return None
        title = self.text(m, "title", path, "the title of the source")
        author = self.text(m, "author", path, "who wrote it")
        url = self.url(m, path)
        published = self.date(m, "published", path)
        read = self.date(m, "read", path)
        kind = self.kind(m, path, SOURCE_KINDS)
        if title is None or author is None or url is None or kind is None:
            return None
        if ("published" in m and published is None) or ("read" in m and read is None):
            return None
        return Source(ident, title, author, published, url, read, kind)

    def lead(self, value: object, path: str) -> Lead | None:
        m = self.mapping(value, path,
                         {"topic": "what the lead is about", "claim": "what was suspected",
                          "resolution": "confirmed, changed or rejected",
                          "note": "what checking found, and what it changed"},
                         {"sources": "[{source: id}]", "reviewed": '"YYYY-MM-DD"'}, "a lead")
        if m is None:
            return None
        topic = self.text(m, "topic", path, "what the lead is about")
        claim = self.text(m, "claim", path, "what was suspected")
        note = self.text(m, "note", path, "what checking found")
        resolution = m.get("resolution")
        if "resolution" in m and resolution not in LEAD_RESOLUTIONS:
            self.error(_join(path, "resolution"), f"unknown resolution '{short(resolution)}'",
                       "write resolution: " + ", ".join(LEAD_RESOLUTIONS))
            return None
        sources = self.source_refs(m, path)
        reviewed = self.date(m, "reviewed", path)
        if (topic is None or claim is None or note is None or sources is None
                or not isinstance(resolution, str) or ("reviewed" in m and reviewed is None)):
            return None
        return Lead(topic, claim, resolution, note, sources, reviewed)

    def choice(self, value: object, path: str) -> Choice | None:
        m = self.mapping(value, path, {"id": "an id of a-z, 0-9 and '-'",
                                       "label": "the text shown to the reader"},
                         {"help": "a short help text",
                          "fact": "the answer as a fact about the reader, for explanations",
                          "sources": "[{source: id}]"}, "a choice")
        if m is None:
            return None
        ident = self.ident(m, path, "choice")
        label = self.text(m, "label", path, "the text shown to the reader")
        help_ = self.text(m, "help", path, "a short help text")
        fact = self.text(m, "fact", path, "your flow is a straight line of a few steps")
        sources = self.source_refs(m, path)
        if ident is None or label is None or help_ is None or fact is None or sources is None:
            return None
        return Choice(ident, label, help_, fact, sources)

    def question(self, value: object, path: str) -> Question | None:
        m = self.mapping(value, path,
                         {"id": "an id of a-z, 0-9 and '-'", "text": "the question asked",
                          "choices": "two or more choices: [{id: ..., label: ...}, ...]"},
                         {"help": "a short help text", "sources": "[{source: id}]"},
                         "a question")
        if m is None:
            return None
        ident = self.ident(m, path, "question")
        text = self.text(m, "text", path, "the question asked")
        help_ = self.text(m, "help", path, "a short help text")
        sources = self.source_refs(m, path)
        if "choices" not in m:
            return None
        raw = m["choices"]
        if not isinstance(raw, list):
            self.wrong_type(f"{path}.choices", raw, "a list of choices",
                            "choices: [{id: ..., label: ...}, ...]")
            return None
        choices = [self.choice(c, f"{path}.choices[{i}]") for i, c in enumerate(raw)]
        self.unique(((c.id if c else None, f"{path}.choices[{i}].id")
                     for i, c in enumerate(choices)), "choice")
        if len(raw) < 2:
            self.error(f"{path}.choices", f"a question needs two or more choices, found {len(raw)}",
                       "add choices, or remove the question")
            return None
        if ident is None or text is None or help_ is None or None in choices or sources is None:
            return None
        return Question(ident, text, tuple(c for c in choices if c), help_, sources)

    def caveat(self, value: object, path: str) -> Caveat | None:
        m = self.mapping(value, path, {"text": "the caveat shown with the recommendation"},
                         {"when": "{question-id: choice-id}", "sources": "[{source: id}]",
                          "kind": "capability or reasoning"}, "a caveat")
        if m is None:
            return None
        text = self.text(m, "text", path, "the caveat shown with the recommendation")
        when = self.conditions(m["when"], f"{path}.when") if "when" in m else ()
        sources = self.source_refs(m, path)
        kind = self.kind(m, path, CLAIM_KINDS)
        if text is None or when is None or sources is None or kind is None:
            return None
        return Caveat(text, when, sources, kind)

    def option(self, value: object, path: str) -> Option | None:
        m = self.mapping(
            value, path, {"id": "an id of a-z, 0-9 and '-'", "name": "the option's name",
                          "summary": "one sentence"},
            {"strengths": "[...]", "caveats": "[{text: ...}]", "suits": "who it suits",
             "avoid": "[...]", "matrix": "{criterion-id: text}", "sources": "[{source: id}]",
             "reviewed": '"YYYY-MM-DD"',
             "why_not": "one line: when this option would be the one to pick",
             "changed": "what changed since the article, and what it does to the advice"},
            "an option")
        if m is None:
            return None
        ident = self.ident(m, path, "option")
        name = self.text(m, "name", path, "the name of the option")
        summary = self.text(m, "summary", path, "one sentence")
        suits = self.text(m, "suits", path, "who it suits")
        why_not = self.text(m, "why_not", path, "when this option would be the one to pick")
        changed = self.text(m, "changed", path, "what changed since the article")
        strengths = self.claims(m, "strengths", path)
        avoid = self.claims(m, "avoid", path)
        caveats = [self.caveat(c, f"{path}.caveats[{i}]")
                   for i, c in enumerate(self.items(m, "caveats", path, "caveats: [{text: ...}]"))]
        matrix = self._matrix(m, path)
        sources = self.source_refs(m, path)
        reviewed = self.date(m, "reviewed", path)
        if (ident is None or name is None or summary is None or suits is None
                or strengths is None or avoid is None or matrix is None or sources is None
                or why_not is None or changed is None):
            return None
        if (None in caveats or ("reviewed" in m and reviewed is None)
                or not isinstance(m.get("caveats", []), list)):
            return None
        return Option(ident, name, summary, strengths, tuple(c for c in caveats if c), suits,
                      avoid, matrix, sources, reviewed, why_not, changed)

    def _matrix(self, m: Mapping[str, Any], path: str) -> tuple[tuple[str, str], ...] | None:
        value = m.get("matrix", {})
        if not isinstance(value, Mapping):
            self.wrong_type(f"{path}.matrix", value, "a mapping of criterion id -> text",
                            "matrix: {criterion-id: short text}")
            return None
        cells = []
        for key, text in value.items():
            here = _join(f"{path}.matrix", str(key))
            if not isinstance(key, str):
                self.wrong_type(here, key, "a criterion id (a string) as the key",
                                "criterion-id: short text")
                return None
            if not isinstance(text, str | Mapping):
                self.wrong_type(here, text, "the cell's text (a string)", f"{key}: short text")
                return None
            cell = self.claim(text, here, "the cell's short text")
            if cell is None:
                return None
            cells.append((key, cell))
        return tuple(cells)

    def rule(self, value: object, path: str) -> Rule | None:
        m = self.mapping(
            value, path,
            {"id": "an id of a-z, 0-9 and '-'",
             "recommend": "an option id, or a list of two or more for a tie",
             "because": "the reason shown to the reader when this rule decides"},
            {"when": "{question-id: choice-id}", "decide": "what decides a tie",
             "sources": "[{source: id}]", "reviewed": '"YYYY-MM-DD"'},
            "a rule")
        if m is None:
            return None
        ident = self.ident(m, path, "rule")
        because = self.text(m, "because", path, "the reason shown when this rule decides")
        decide = self.text(m, "decide", path, "what decides between the tied options")
        when = self.conditions(m["when"], f"{path}.when") if "when" in m else ()
        recommend = (self._recommend(m["recommend"], f"{path}.recommend")
                     if "recommend" in m else None)
        sources = self.source_refs(m, path)
        reviewed = self.date(m, "reviewed", path)
        if recommend is not None and len(recommend) > 1 and "decide" not in m:
            self.error(path, "a tie (recommend lists several options) needs 'decide'",
                       "add decide: what decides between the tied options")
            return None
        if recommend is not None and len(recommend) == 1 and "decide" in m:
            self.error(f"{path}.decide", "'decide' is only for ties (recommend lists one option)",
                       "remove 'decide', or recommend a list of two or more options")
            return None
        if (ident is None or because is None or decide is None or when is None
                or recommend is None or sources is None):
            return None
        if "reviewed" in m and reviewed is None:
            return None
        return Rule(ident, recommend, because, when, decide or None, sources, reviewed)

    def _recommend(self, value: object, path: str) -> tuple[str, ...] | None:
        if isinstance(value, str):
            return (value,)
        example = "recommend: option-id, or recommend: [option-a, option-b] for a tie"
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.wrong_type(path, value, "an option id or a list of option ids", example)
            return None
        if len(value) < 2:
            self.error(path, f"a list needs two or more option ids (a tie), found {len(value)}",
                       "write a single option id as a string: recommend: option-id")
            return None
        dupes = sorted({v for v in value if value.count(v) > 1})
        if dupes:
            self.error(path, f"option '{dupes[0]}' is listed twice", "list each option once")
            return None
        return tuple(value)

    # ----------------------------------------------------------------- the whole model

    def model(self, data: object) -> Model | None:
        m = self.mapping(
            data, "",
            {"schema": f"the format version, {SCHEMA_VERSION}",
             "id": "the model's id, of a-z, 0-9 and '-'", "title": "the title of the guide",
             "questions": "the list of questions", "options": "the list of options",
             "rules": "the ordered list of rules"},
            {"short_title": "a few words for the navigation and page titles",
             "intro": "one paragraph", "sources": "{id: {title: ...}}",
             "criteria": "[{id: ..., label: ...}]",
             "leads": "[{topic: ..., claim: ..., resolution: confirmed, note: ...}]"},
            "the model")
        if m is None:
            return None
        schema = m.get("schema")
        if isinstance(schema, str) and schema.strip() == str(SCHEMA_VERSION):
            self.error("schema", f"schema is the string '{short(schema)}', not the number "
                       f"{SCHEMA_VERSION}", f"write schema: {SCHEMA_VERSION} without quotes")
        elif "schema" in m and (schema != SCHEMA_VERSION or isinstance(schema, bool)):
            self.error("schema", f"unsupported schema {short(schema)}; this advisor reads "
                       f"schema {SCHEMA_VERSION}", f"write schema: {SCHEMA_VERSION}")
        ident = self.ident(m, "", "model")
        title = self.text(m, "title", "", "the title of the guide")
        intro = self.text(m, "intro", "", "one paragraph shown above the quiz")
        short_title = self.text(m, "short_title", "", "Choosing an orchestrator")

        raw_sources = m.get("sources", {})
        sources: list[Source | None] = []
        if isinstance(raw_sources, Mapping):
            sources = [self.source(k, v, f"sources.{k}") for k, v in raw_sources.items()]
        else:
            self.wrong_type("sources", raw_sources, "a mapping of source id -> source",
                            "sources: {article: {title: ...}}")
            sources = [None]

        criteria: list[Criterion | None] = []
        for i, c in enumerate(self.items(m, "criteria", "", "criteria: [{id: ..., label: ...}]")):
            cm = self.mapping(c, f"criteria[{i}]", {"id": "a criterion id", "label": "its label"},
                              {}, "a criterion")
            cid = self.ident(cm, f"criteria[{i}]", "criterion") if cm is not None else None
            label = self.text(cm, "label", f"criteria[{i}]", "the row label") if cm else None
            criteria.append(Criterion(cid, label) if cid and label else None)
        self.unique(((c.id if c else None, f"criteria[{i}].id") for i, c in enumerate(criteria)),
                    "criterion")

        parts: dict[str, list[Any]] = {}
        for key, reader in (("questions", self.question), ("options", self.option),
                            ("rules", self.rule)):
            raw = self.items(m, key, "", f"{key}: [...]")
            if isinstance(m.get(key), list) and not raw:
                self.error(key, f"'{key}' is empty", f"add at least one entry to {key}")
            parts[key] = [reader(v, f"{key}[{i}]") for i, v in enumerate(raw)]
            self.unique(((p.id if p else None, f"{key}[{i}].id")
                         for i, p in enumerate(parts[key])), key[:-1])

        leads = [self.lead(v, f"leads[{i}]")
                 for i, v in enumerate(self.items(m, "leads", "", "leads: [{topic: ...}]"))]

        if (self.problems or ident is None or title is None or intro is None
                or short_title is None or None in leads):
            return None
        return Model(
            id=ident, title=title, intro=intro, short_title=short_title,
            leads=tuple(lead for lead in leads if lead),
            sources=tuple(s for s in sources if s), criteria=tuple(c for c in criteria if c),
            questions=tuple(parts["questions"]), options=tuple(parts["options"]),
            rules=tuple(parts["rules"]), schema=SCHEMA_VERSION,
        )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _keys(keys: Iterable[str]) -> str:
    return ", ".join(keys)


def _slug(value: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")
    return slug or "my-id"


# --------------------------------------------------------------------------- references


def reference_problems(model: Model) -> list[Problem]:
    """Every id a model names that does not exist (questions, choices, options, sources...)."""
    problems: list[Problem] = []
    questions = {q.id: q for q in model.questions}
    options = [o.id for o in model.options]
    sources = [s.id for s in model.sources]
    criteria = [c.id for c in model.criteria]

    def conditions(conds: tuple[Condition, ...], path: str) -> None:
        for cond in conds:
            here = f"{path}.{cond.question}"
            question = questions.get(cond.question)
            if question is None:
                problems.append(Problem(here, f"unknown question '{cond.question}'",
                                        "use one of: " + ", ".join(questions)))
                continue
            valid = [c.id for c in question.choices]
            for i, choice in enumerate(cond.choices):
                if choice not in valid:
                    where = here if len(cond.choices) == 1 else f"{here}[{i}]"
                    problems.append(Problem(
                        where, f"unknown choice '{choice}' for question '{question.id}'",
                        "use one of: " + ", ".join(valid)))

    def refs(items: tuple[SourceRef, ...], path: str) -> None:
        for i, ref in enumerate(items):
            if ref.source not in sources:
                fix = ("use one of: " + ", ".join(sources)) if sources else (
                    f"add '{ref.source}' under the model's sources")
                problems.append(Problem(f"{path}.sources[{i}].source",
                                        f"unknown source '{ref.source}'", fix))

    for i, lead in enumerate(model.leads):
        refs(lead.sources, f"leads[{i}]")
    for i, question in enumerate(model.questions):
        refs(question.sources, f"questions[{i}]")
        for j, choice in enumerate(question.choices):
            refs(choice.sources, f"questions[{i}].choices[{j}]")
    for i, option in enumerate(model.options):
        for j, caveat in enumerate(option.caveats):
            conditions(caveat.when, f"options[{i}].caveats[{j}].when")
            refs(caveat.sources, f"options[{i}].caveats[{j}]")
        for key in ("strengths", "avoid"):
            for j, claim in enumerate(getattr(option, key)):
                refs(getattr(claim, "sources", ()), f"options[{i}].{key}[{j}]")
        for key, cell in option.matrix:
            refs(getattr(cell, "sources", ()), f"options[{i}].matrix.{key}")
        for key, _ in option.matrix:
            if key not in criteria:
                fix = ("use one of: " + ", ".join(criteria)) if criteria else (
                    "add the criterion under the model's criteria")
                problems.append(Problem(f"options[{i}].matrix.{key}",
                                        f"unknown criterion '{key}'", fix))
        cells = {key for key, _ in option.matrix}
        missing = [c for c in criteria if c not in cells]
        if missing:
            problems.append(Problem(
                f"options[{i}].matrix", f"no cell for criteria {', '.join(missing)}",
                "add one cell per criterion id to matrix", "warning"))
        refs(option.sources, f"options[{i}]")
    for i, rule in enumerate(model.rules):
        conditions(rule.when, f"rules[{i}].when")
        for j, option_id in enumerate(rule.recommend):
            if option_id not in options:
                where = f"rules[{i}].recommend" + (f"[{j}]" if rule.is_tie else "")
                problems.append(Problem(where, f"unknown option '{option_id}'",
                                        "use one of: " + ", ".join(options)))
        refs(rule.sources, f"rules[{i}]")
    return problems


def read_model(data: object) -> tuple[Model | None, list[Problem]]:
    """Structure then references: the model (None if any error) and every problem found."""
    reader = _Reader()
    model = reader.model(data)
    problems = reader.problems
    if model is not None:
        problems = problems + reference_problems(model)
    if any(p.severity == "error" for p in problems):
        model = None
    return model, problems


def load_model(data: Mapping[str, Any]) -> Model:
    """Build a validated `Model` from plain data (as read from YAML or JSON).

    Raises `ModelError` listing every structural and reference problem at once. Warnings
    (such as a missing matrix cell) do not stop loading; `check` reports them.
    """
    model, problems = read_model(data)
    if model is None:
        raise ModelError([p for p in problems if p.severity == "error"])
    return model
