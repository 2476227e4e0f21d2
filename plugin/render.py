"""Jinja2 rendering of everything the plugin writes into pages. Autoescape is on: model text is
shown as text, never interpreted as HTML."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

import advisor

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("plugin", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode cache in a folder, keyed also by what the environment compiles with.

    Jinja names an entry by the template's name and file and checks, on reading, the
    template's source checksum and its own and Python's version: an edited or upgraded template
    is compiled afresh. What it does not check is the environment's settings, which change the
    compiled code too (delimiters, whitespace control, extensions, which filters and tests
    exist and what they are passed): those go into the entry's name here, so that the theme's
    environment, the plugin's and a differently configured one never read each other's code.
    Jinja writes each entry to a temporary file and renames it, so builds running side by side
    never read half a file."""

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str,
    ) -> jinja2.bccache.Bucket:
        key = self.get_cache_key(f"{compile_settings(environment)}|{name}", filename)
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket


def _named(value: Any) -> str:
    """A callable by its place in the code (a repr would hold its address, new every run)."""
    return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"


def compile_settings(env: jinja2.Environment) -> str:
    """A digest of everything in ``env`` that the compiled code of a template depends on."""
    def passed(table: Mapping[str, Any]) -> list[tuple[str, str]]:
        return sorted((name, str(getattr(f, "jinja_pass_arg", ""))) for name, f in table.items())

    settings = [
        env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
        env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
        _named(env.autoescape) if callable(env.autoescape) else env.autoescape,
        _named(env.finalize) if env.finalize is not None else None,
        _named(env.code_generator_class), sorted(env.extensions),
        getattr(env, "newstyle_gettext", None), passed(env.filters), passed(env.tests),
    ]
    return hashlib.sha256(repr(settings).encode()).hexdigest()


def keep_compiled(folder: Path, env: jinja2.Environment | None = None) -> None:
    """Keep the compiled templates of ``env`` (the plugin's own by default) in ``folder``
    (beside the runtime, in node_modules/.cache), so that a new build process does not compile
    them again (see ``CompiledTemplates``). An environment that already has a bytecode cache
    keeps it. The folder keeps its ``KEPT_TEMPLATES`` newest entries: another theme version,
    an override elsewhere or other settings add entries, which would otherwise pile up."""
    env = _env if env is None else env
    if env.bytecode_cache is None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            kept = sorted(folder.glob("__jinja2_*.cache"), key=lambda f: f.stat().st_mtime_ns)
            for old in kept[:-KEPT_TEMPLATES]:
                old.unlink(missing_ok=True)
        except OSError:
            return  # a read-only cache: compile every time
        env.bytecode_cache = CompiledTemplates(str(folder))


#: Compiled templates kept per folder: a theme has a few dozen.
KEPT_TEMPLATES = 200


def widget(context: dict[str, Any]) -> str:
    """The quiz for one model: a raw HTML block that Markdown leaves alone."""
    # Blank lines around the block keep Python-Markdown from wrapping it in a paragraph.
    return "\n\n" + _env.get_template("widget.html").render(context).strip() + "\n\n"


def slot(name: str) -> str:
    """A placeholder for part of a page's HTML: an empty element, which Markdown passes
    through, the search index finds no text in, and extensions that strip HTML comments from
    pages (``pymdownx.striphtml``) keep."""
    return f'<div data-advisor-slot="{name}"></div>'


@jinja2.pass_context
def _unsearched(context: Any, html: str) -> Markup:
    """``{% filter unsearched %}...{% endfilter %}``: HTML that the plugin puts into the written
    page after the search index has read it (``pages.render_pages``), kept in the list that the
    context's ``unsearched`` holds; a placeholder in its place."""
    kept = context.get("unsearched")
    if kept is None:  # a page rendered without that list: the HTML stays where it is
        return Markup(html)
    placeholder = slot(f"unsearched-{len(kept)}")
    kept.append((placeholder, str(html)))
    return Markup(placeholder)


_env.filters["unsearched"] = _unsearched


_MD_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_{}[]()#+-.!|~"})


def _md(text: str) -> Markup:
    """Text for a Markdown line (a heading): HTML-escaped and Markdown-escaped, so that it is
    shown exactly as written."""
    return Markup(str(escape(text)).translate(_MD_SPECIAL))


_env.filters["md"] = _md


def citations_of(model: advisor.Model, item: Any) -> list[dict[str, str]]:
    """The citations of anything that cites (a strength, a caveat, a matrix cell, a rule) as
    links: {source, title, url, section}."""
    return advisor.cite(model, getattr(item, "sources", ()))


def footnotes(model: advisor.Model, options: Any, criteria: Any
              ) -> tuple[dict[tuple[str, str], list[int]], list[dict[str, Any]]]:
    """Numbered notes for the comparison matrix: for each (option id, criterion id) cell the
    numbers of the notes it cites, and the notes in order ({number, title, url, section})."""
    numbers: dict[tuple[str, str, str], int] = {}
    notes: list[dict[str, Any]] = []
    cells: dict[tuple[str, str], list[int]] = {}
    for option in options:
        for criterion in criteria:
            marks = []
            for c in citations_of(model, option.matrix.get(criterion.id)):
                key = (c["source"], c["url"], c["section"])
                if key not in numbers:
                    numbers[key] = len(notes) + 1
                    notes.append({"number": numbers[key], **c})
                if numbers[key] not in marks:
                    marks.append(numbers[key])
            cells[(option.id, criterion.id)] = marks
    return cells, notes


def page(template: str, context: dict[str, Any]) -> str:
    """A generated Markdown page."""
    return _env.get_template(template).render(context)


def diagram_svg(diagram: Any, title: str) -> str:
    """The decision diagram (a ``plugin.diagram.Diagram``) as inline SVG, titled ``title``."""
    return str(_env.get_template("_diagram.svg").module.svg(diagram, title))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Answered:
    """One condition of a rule in words: the question and the answers that meet it."""

    question: str
    answer: str  # “Label” or “Other label”


@dataclass(frozen=True)
class RuleView:
    """A rule as an option page shows it. Reads through to the ``advisor.Rule`` (``id``,
    ``because``, ``decide``, ``reviewed``, ``sources``...); ``when`` is in words."""

    rule: advisor.Rule
    number: int  # 1-based position in the decision list
    when: tuple[Answered, ...]
    tied_with: tuple[str, ...]  # the other options of a tie, by id

    @property
    def tie(self) -> bool:
        return self.rule.is_tie

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "rule":
            raise AttributeError(name)
        return getattr(self.rule, name)


@dataclass(frozen=True)
class OptionView:
    """An option as the pages show it. Reads through to the ``advisor.Option`` (``id``,
    ``name``, ``summary``, ``strengths``, ``caveats``, ``sources``, ``reviewed``...), plus the
    rules that recommend it and its matrix row by criterion id ("—" where it has no cell)."""

    option: advisor.Option
    rules: tuple[RuleView, ...]
    matrix: Mapping[str, str]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "option":
            raise AttributeError(name)
        return getattr(self.option, name)


def model_context(model: advisor.Model) -> dict[str, Any]:
    """What every generated page's template reads, derived from the validated model: the
    ``advisor`` objects themselves, and lookups by id with every reference resolved to the
    words a reader sees."""
    questions = {q.id: q for q in model.questions}

    def answered(condition: advisor.Condition) -> Answered:
        question = questions[condition.question]
        labels = " or ".join(f"“{question.choice(c).label}”" for c in condition.choices)
        return Answered(question.text, labels)

    options = tuple(
        OptionView(
            option,
            tuple(
                RuleView(
                    rule,
                    number,
                    tuple(answered(c) for c in rule.when),
                    tuple(i for i in rule.recommend if i != option.id),
                )
                for number, rule in enumerate(model.rules, 1)
                if option.id in rule.recommend
            ),
            {c.id: "—" for c in model.criteria} | dict(option.matrix),
        )
        for option in model.options
    )
    return {
        "model": model,
        "cites": lambda item: citations_of(model, item),
        "footnotes": footnotes,
        "title": model.title,
        "questions": model.questions,
        "question_by_id": questions,
        "choice_label": {q.id: {c.id: c.label for c in q.choices} for q in model.questions},
        "options": options,
        "option_names": {o.id: o.name for o in model.options},
        "criteria": model.criteria,
        "sources": {s.id: s for s in model.sources},
    }


@dataclass(frozen=True)
class PathRow:
    """One answer path as the paths page shows it: the answers the deciding rule names first
    (``deciding``), then the other answers the quiz asked on the way (``other``), each as
    ``(question text, choice label)``. ``number`` is its place in ``enumerate_paths``."""

    number: int
    deciding: tuple[tuple[str, str], ...]
    other: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PathGroup:
    """Every answer path that ends in the same recommendation."""

    options: tuple[str, ...]  # option ids (several: a tie)
    decide: str | None  # what decides a tie
    reasons: tuple[str, ...]  # the deciding rules' reasons, once each, in rule order
    rows: tuple[PathRow, ...]


def path_groups(model: advisor.Model, paths: list[advisor.AnswerPath]) -> list[PathGroup]:
    """The answer paths grouped by where they lead, in the model's option order (ties after
    the single options), each path with the answers that decide it first."""
    order = {o.id: i for i, o in enumerate(model.options)}
    grouped: dict[tuple[str, ...], list[tuple[PathRow, advisor.Rule | None, str | None]]] = {}
    for number, path in enumerate(paths, 1):
        result = advisor.recommend(model, dict(path.steps))
        named = {step.question.id for step, _ in result.trace}

        def words(steps: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
            return tuple((model.question(q).text, model.question(q).choice(c).label)
                         for q, c in steps)

        row = PathRow(number, words([s for s in path.steps if s[0] in named]),
                      words([s for s in path.steps if s[0] not in named]))
        grouped.setdefault(path.outcome, []).append((row, result.rule, path.decide))
    groups = []
    for outcome in sorted(grouped, key=lambda o: (len(o) != 1, [order[i] for i in o])):
        entries = grouped[outcome]
        rules = sorted({r.id: r for _, r, _ in entries if r is not None}.values(),
                       key=model.rules.index)
        reasons = tuple(dict.fromkeys(r.because for r in rules))
        decide = next((d for _, _, d in entries if d), None)
        groups.append(PathGroup(outcome, decide, reasons, tuple(row for row, _, _ in entries)))
    return groups
