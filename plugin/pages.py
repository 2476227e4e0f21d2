"""Pages generated from a guide model: one per option, the comparison matrix, the decision
diagram, every answer path and "What changed". They are ordinary MkDocs pages (navigation,
search, --strict, edit link to the model file); their content comes from the engine, the model
and (for "What changed") the model's git history only.

``plan`` lists them from the model alone while the config is read, ``add_to_nav`` puts them in
an explicit nav, and ``render_pages`` writes them once the files are known: the one place where
generated pages are planned and rendered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from html import escape
from html.parser import HTMLParser
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

import advisor
from advisor.tree import decision_tree

from . import changes, diagram, render, size
from .render import slot

#: What renders the pages: a change to any of it makes every kept page's key new.
CODE = ("advisor/*.py", "plugin/*.py", "plugin/templates/*")


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    title: str
    template: str
    option: str | None = None
    content: str = ""
    wide: bool = False  # no table of contents: the page's diagram or table takes its room
    #: HTML that goes into the page once it is written, by its placeholder in ``content``
    #: (``fill``): the decision diagram and the answer-path tables, which neither Markdown nor
    #: the search index should read.
    inserts: tuple[tuple[str, str], ...] = ()
    #: The page's blocks of HTML, by their placeholder in ``content`` (``split_html``): they go
    #: into the page's HTML right after Markdown (``AdvisorPlugin.on_page_content``), so the
    #: search index reads them, and Markdown does not parse what it would pass through as is.
    blocks: tuple[tuple[str, str], ...] = ()
    anchors: tuple[str, ...] = ()  # the ids in ``blocks`` and ``inserts``, for link checks


#: Where the decision diagram goes in its page's Markdown, and then in its HTML.
DIAGRAM_SLOT = slot("diagram")


def fill(text: str, inserts: tuple[tuple[str, str], ...], where: str) -> str:
    """``text`` (the page's Markdown or HTML) with each placeholder replaced by its HTML. A
    placeholder that is not there exactly once stops the build: something between the Markdown
    and the written page (a Markdown extension, a theme, a plugin) removed or copied it."""
    for placeholder, html in inserts:
        found = text.count(placeholder)
        if found != 1:
            raise PluginError(
                f"advisor: {where}: the page should hold the placeholder {placeholder} once, where "
                f"the plugin puts part of the page, but holds it {found} time(s). Fix: keep "
                "empty elements in pages (a plugin that rewrites the HTML should run after "
                "advisor), or report it with the lists of plugins and markdown_extensions in "
                "mkdocs.yml."
            )
        text = text.replace(placeholder, html)
    return text


#: Elements that start a raw HTML block in Python-Markdown, which passes such a block through
#: as it is (its ``BLOCK_LEVEL_ELEMENTS``, those a generated page can hold).
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul"})
VOID_TAGS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr"})


class _Blocks(HTMLParser):
    """Reads a stretch of a generated page: whether Markdown would pass it through untouched
    (nothing at its top level but block-level elements, each starting a line, and comments),
    and the ids it holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.raw = True
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if v and (k == "id" or (k == "name" and tag == "a"))]
        if self.depth == 0 and (tag not in BLOCK_TAGS or self.getpos()[1] != 0):
            self.raw = False
        if tag not in VOID_TAGS:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.depth -= 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1
        if self.depth < 0:
            self.raw = False

    def handle_data(self, data: str) -> None:
        if self.depth == 0 and data.strip():
            self.raw = False

    def handle_entityref(self, name: str) -> None:
        if self.depth == 0:
            self.raw = False

    handle_charref = handle_entityref

    def handle_decl(self, decl: str) -> None:
        self.raw = False

    def handle_pi(self, data: str) -> None:
        self.raw = False


def _read(html: str) -> _Blocks:
    reader = _Blocks()
    reader.feed(html)
    reader.close()
    if reader.depth != 0:
        reader.raw = False
    return reader


def split_html(content: str) -> tuple[
        str, tuple[tuple[str, str], ...], tuple[str, ...]]:
    """A generated page's Markdown with each stretch between its headings that Markdown would
    pass through as it is (raw HTML blocks only) replaced by a placeholder (``slot``); the
    stretches by placeholder; the ids in all of them. Markdown then reads a few lines instead
    of tens of kilobytes of HTML, and writes the same page once the stretches are back."""
    start = 0
    if content.startswith("---\n"):  # front matter
        start = content.index("\n---\n", 3) + 5
    out = [content[:start]]
    blocks: list[tuple[str, str]] = []
    anchors: list[str] = []
    stretch: list[str] = []

    def flush() -> None:
        text = "".join(stretch)
        stretch.clear()
        html = text.strip()
        if not html:
            out.append(text)
            return
        reader = _read(html)
        anchors.extend(reader.ids)
        if not reader.raw:
            out.append(text)
            return
        here = slot(f"html-{len(blocks)}")
        blocks.append((here, html))
        lead = text[: len(text) - len(text.lstrip())]
        tail = text[len(text.rstrip()):]
        out.append(f"{lead}{here}{tail}")

    for line in content[start:].splitlines(keepends=True):
        if line.startswith("#"):
            flush()
            out.append(line)
        else:
            stretch.append(line)
    flush()
    return "".join(out), tuple(blocks), tuple(anchors)


def plan(model: advisor.Model, *, what_changed: bool = True) -> list[GeneratedPage]:
    """The pages generated for one model, in navigation order, before rendering: known from the
    model alone, so the navigation can list them while the config is read."""
    pages = [
        GeneratedPage(f"{model.id}/compare.md", "Comparison matrix", "compare.md", wide=True),
        GeneratedPage(f"{model.id}/decision-tree.md", "Decision diagram", "decision-tree.md",
                      wide=True),
        GeneratedPage(f"{model.id}/paths.md", "Every answer path", "paths.md", wide=True),
    ]
    if what_changed:
        pages.append(GeneratedPage(changes.page_uri(model), changes.TITLE, "changes.md",
                                   wide=True))
    pages.append(GeneratedPage(f"{model.id}/sources.md", "Sources and review", "sources.md",
                               wide=True))
    pages += [
        GeneratedPage(f"{model.id}/options/{o.id}.md", o.name, "option.md", option=o.id)
        for o in model.options
    ]
    return pages


def url_of(src_uri: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives the page built from ``src_uri``."""
    return File(src_uri, src_dir=None, dest_dir="", use_directory_urls=use_directory_urls).url


def render_pages(
    model: advisor.Model,
    planned: list[GeneratedPage],
    *,
    quiz_uri: str | None,
    use_directory_urls: bool,
    what_changed: Callable[[], Mapping[str, Any]] | None = None,
) -> list[GeneratedPage]:
    """The planned pages with their Markdown. Links between pages are relative, so the site
    works from any folder of any host. ``what_changed`` gives what ``changes.md`` reads (see
    ``changes.page_context``); it is called only when that page is planned."""
    context = render.model_context(model)
    templates = {p.template for p in planned}
    extra: dict[str, Any] = {}
    if "decision-tree.md" in templates:
        extra["tree"] = decision_tree(model)
        extra["diagram"] = diagram.layout(model.id, extra["tree"])
    if "paths.md" in templates:
        extra["paths"] = advisor.enumerate_paths(model)
        extra["path_groups"] = render.path_groups(model, extra["paths"])
    if "changes.md" in templates and what_changed is not None:
        extra.update(what_changed())
    options = {o.id: o for o in context["options"]}
    rendered = []
    for page in planned:
        here = url_of(page.src_uri, use_directory_urls)

        def link(target: str, here: str = here) -> str:
            return get_relative_url(url_of(target, use_directory_urls), here)

        def option_link(option_id: str, link: Any = link) -> str:
            return str(link(f"{model.id}/options/{option_id}.md"))

        page_context = {
            **context,
            **extra,
            "link": link,
            "option_link": option_link,
            "compare_link": link(f"{model.id}/compare.md"),
            "tree_link": link(f"{model.id}/decision-tree.md"),
            "paths_link": link(f"{model.id}/paths.md"),
            "quiz_link": link(quiz_uri) if quiz_uri else None,
            "option": options.get(page.option or ""),
        }
        # The browser tab and search tell the guides apart by the model's short title: an
        # overview page's heading carries it, an option page (named by its option) its tab.
        if page.option is None:
            heading = tab = f"{page.title}: {model.short_title}"
        else:
            heading, tab = page.title, f"{page.title} · {model.short_title}"
        page_context["page_title"] = heading
        unsearched: list[tuple[str, str]] = []  # filled by the templates (render.py)
        page_context["unsearched"] = unsearched
        inserts: tuple[tuple[str, str], ...] = ()
        if page.template == "decision-tree.md":
            drawing = extra["diagram"]
            inserts = ((DIAGRAM_SLOT, render.diagram_svg(drawing, (
                f"Decision diagram of “{model.title}”: {drawing.questions} question boxes and "
                f"{drawing.outcomes} recommendations. The same tree follows as a list."))),)
            page_context["diagram_slot"] = Markup(DIAGRAM_SLOT)
        # Material prints a front-matter title into <title> as it is, where it would run the
        # page title through `striptags` (which unescapes): so the escaped title goes here.
        hide = "hide:\n  - toc\n" if page.wide else ""
        front = f"---\ntitle: {json.dumps(str(escape(tab)))}\n{hide}---\n\n"
        markdown = render.page(page.template, page_context)
        inserts += tuple(unsearched)
        content = size.fit(front + markdown, model, page_context,
                           extra_bytes=sum(len(h.encode()) for _, h in inserts))
        inserts = tuple(i for i in inserts if i[0] in content)  # none when summarised
        content, blocks, anchors = split_html(content)
        anchors += tuple(a for _, html in inserts for a in _read(html).ids)
        rendered.append(replace(page, content=content, inserts=inserts, blocks=blocks,
                                anchors=anchors))
    return rendered


def as_file(config: MkDocsConfig, page: GeneratedPage, model_src_uri: str) -> File:
    """A generated page as an MkDocs file whose edit link opens the model it comes from."""
    file = File.generated(config, page.src_uri, content=page.content)
    file.edit_uri = model_src_uri
    return file


def add_to_nav(nav: list[Any], model: advisor.Model, generated: list[GeneratedPage]) -> None:
    """Append a section for the model's generated pages to an explicit ``nav``, unless the
    author already placed any of them there by hand (then the author places them all).

    The section is found again by nothing but this call: it is built whole, pages first and
    the options in a sub-section, keyed by the pages' paths (which hold the model id), never by
    the section's title."""
    wanted = {page.src_uri for page in generated}

    def mentioned(item: Any) -> bool:
        if isinstance(item, str):
            return item in wanted
        if isinstance(item, dict):
            return any(mentioned(v) for v in item.values())
        if isinstance(item, list):
            return any(mentioned(v) for v in item)
        return False

    if mentioned(nav):
        return
    # MkDocs and Material write navigation titles into pages unescaped (they trust mkdocs.yml);
    # these come from the model, whose text is always shown as text.
    options = [{escape(p.title): p.src_uri} for p in generated if p.option is not None]
    others = [{escape(p.title): p.src_uri} for p in generated if p.option is None]
    nav.append({escape(model.short_title): [*others, {"Options": options}]})
