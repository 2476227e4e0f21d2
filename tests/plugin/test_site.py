"""The built guide, as `mkdocs build --strict` writes it: the pages generated from the models
show what the models say, and nothing is loaded from another host."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import advisor
from advisor.source import read_model_file
from plugin.diagram import anchor
from tests.sitetools import ROOT

MODELS = ["orchestration", "adoption"]


class _Page(HTMLParser):
    """Text and attributes of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def text_of(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(parse(path).text))


def norm(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


@pytest.fixture(scope="module", params=MODELS)
def model_data(request: pytest.FixtureRequest) -> dict:
    data, _ = read_model_file(ROOT / "docs" / "models" / f"{request.param}.yml")
    return data


def _text(statement: str | dict) -> str:
    return statement["text"] if isinstance(statement, dict) else statement


def _links(statement: str | dict, sources: dict) -> list[str]:
    """The addresses a statement cites, as its links must point."""
    if not isinstance(statement, dict):
        return []
    links = []
    for ref in statement.get("sources", []):
        url = sources[ref["source"]].get("url", "")
        if url:
            links.append(url + (f"#{ref['anchor']}" if ref.get("anchor") else ""))
    return links


def test_every_option_page_shows_every_field(built_site: Path, model_data: dict) -> None:
    sources = model_data["sources"]
    for option in model_data["options"]:
        page = built_site / model_data["id"] / "options" / option["id"] / "index.html"
        assert page.is_file(), f"no page for option {option['id']}"
        text = text_of(page)
        expected = [
            option["name"],
            option["summary"],
            option["suits"],
            option["reviewed"],
            *map(_text, option["strengths"]),
            *map(_text, option["avoid"]),
            *(c["text"] for c in option["caveats"]),
            *(_text(option["matrix"][c["id"]]) for c in model_data["criteria"]),
            *(sources[s["source"]]["title"] for s in option["sources"]),
            *(s["section"] for s in option["sources"] if s.get("section")),
            *([option["changed"]] if option.get("changed") else []),
        ]
        missing = [value for value in expected if norm(value) not in text]
        assert missing == [], f"{option['id']}: not shown: {missing}"
        # Every citation of a strength, caveat or matrix cell is a link a reader can open.
        hrefs = {attrs.get("href") for tag, attrs in parse(page).tags if tag == "a"}
        statements = [*option["strengths"], *option["caveats"],
                      *(option["matrix"][c["id"]] for c in model_data["criteria"])]
        cited = [url for st in statements for url in _links(st, sources)]
        assert cited, f"{option['id']}: no statement cites anything"
        assert [url for url in cited if url not in hrefs] == [], option["id"]
        for heading in (
            "When to use it",
            "Strengths",
            "When not to use it",
            "Caveats",
            "Who it suits",
            "How it compares",
            "Sources",
        ):
            assert heading in text


def test_option_pages_explain_when_the_quiz_recommends_them(
    built_site: Path, model_data: dict
) -> None:
    for rule in model_data["rules"]:
        ids = [rule["recommend"]] if isinstance(rule["recommend"], str) else rule["recommend"]
        for option_id in ids:
            page = built_site / model_data["id"] / "options" / option_id / "index.html"
            assert norm(rule["because"]) in text_of(page)


def test_matrix_lists_every_option_and_criterion(built_site: Path, model_data: dict) -> None:
    page = built_site / model_data["id"] / "compare" / "index.html"
    text = text_of(page)
    hrefs = {attrs.get("href") for tag, attrs in parse(page).tags if tag == "a"}
    for option in model_data["options"]:
        assert norm(option["name"]) in text
        for criterion in model_data["criteria"]:
            cell = option["matrix"][criterion["id"]]
            assert norm(_text(cell)) in text
            # A cell's sources are footnotes under the matrix, linked to the pages they cite.
            assert [u for u in _links(cell, model_data["sources"]) if u not in hrefs] == []
    for criterion in model_data["criteria"]:
        assert norm(criterion["label"]) in text
    # Two notes that cite two parts of one page must not read the same.
    notes = [re.sub(r"<[^>]+>", "", note) for note in re.findall(
        r'<li id="advisor-note-\d+">(.*?)</li>', page.read_text(encoding="utf-8"))]
    assert len(set(notes)) == len(notes), notes


def test_diagram_shows_every_question_and_option(built_site: Path, model_data: dict) -> None:
    page = built_site / model_data["id"] / "decision-tree" / "index.html"
    text = text_of(page)
    for question in model_data["questions"]:
        assert norm(question["text"]) in text, question["id"]
    linked = {attrs.get("data-option") for tag, attrs in parse(page).tags if tag == "a"}
    assert linked >= {option["id"] for option in model_data["options"]}


def test_the_diagram_is_in_its_page_and_out_of_the_search_index(
    built_site: Path, model_data: dict
) -> None:
    """The drawing goes into the written page (plugin/pages.py, ``fill``): one SVG with an
    anchor for every answer path, no placeholder left. The search index holds the page's list
    of the same tree, not the drawing's labels and title a second time."""
    model = advisor.load_model(model_data)
    page = built_site / model.id / "decision-tree" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert html.count('<svg class="advisor-diagram__svg"') == 1
    assert "data-advisor-slot" not in html
    anchors = {attrs.get("id") for tag, attrs in parse(page).tags
               if tag == "rect" and attrs.get("class") == "advisor-d-anchor"}
    assert anchors >= {anchor(model.id, path.steps) for path in advisor.enumerate_paths(model)}

    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"]
                    if doc["location"].startswith(f"{model.id}/decision-tree/"))
    assert "question boxes and" not in text  # the drawing's title
    for question in model_data["questions"]:  # the list of the same tree is indexed
        assert norm(question["text"]) in norm(text), question["id"]


def test_answer_path_tables_stay_out_of_the_search_index(
    built_site: Path, model_data: dict
) -> None:
    """The paths page is found by its title, its introduction and the guide's reasons; the rows
    of its tables, which repeat the questions and answers of the diagram's list on every way
    through the quiz, are not in the index: the plugin puts them into the written page after
    the index has read it."""
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = [doc for doc in index["docs"]
            if doc["location"].startswith(f"{model_data['id']}/paths/")]
    text = norm(" ".join(doc["title"] + " " + doc["text"] for doc in docs))
    assert "Every answer path" in text
    assert "ways through the quiz" in text  # each group's summary
    assert "Also asked on the way" not in text  # a table's header
    model = advisor.load_model(model_data)
    for path in advisor.enumerate_paths(model)[:3]:
        result = advisor.recommend(model, dict(path.steps))
        if result.rule is not None:
            assert norm(result.rule.because) in text
    page = (built_site / model_data["id"] / "paths" / "index.html").read_text(encoding="utf-8")
    assert page.count('<tr id="path-') == len(advisor.enumerate_paths(model))
    assert "data-advisor-slot" not in page


def test_paths_page_lists_every_answer_path(built_site: Path, model_data: dict) -> None:
    page = built_site / model_data["id"] / "paths" / "index.html"
    rows = [
        attrs
        for tag, attrs in parse(page).tags
        if tag == "tr" and (attrs.get("id") or "").startswith("path-")
    ]
    assert len(rows) == len(advisor.enumerate_paths(advisor.load_model(model_data)))


def test_without_a_repository_no_page_links_to_one(built_site: Path, model_data: dict) -> None:
    """No GUIDE_REPO_URL when the test site is built: no repository link, no edit icons (the
    build with one is in tests/plugin/test_reader_pages.py)."""
    generated = [
        *(built_site / model_data["id"]).glob("*/index.html"),
        *(built_site / model_data["id"]).glob("options/*/index.html"),
    ]
    # matrix, diagram, paths, What changed (plugin/changes.py), Sources and review, one page per
    # option
    assert len(generated) == 5 + len(model_data["options"])
    for page in [built_site / "index.html", *generated]:
        classes = " ".join(attrs.get("class") or "" for tag, attrs in parse(page).tags)
        assert "md-content__button" not in classes, page
        assert "md-source" not in classes, page
        links = [v for _, attrs in parse(page).tags for k, v in attrs.items()
                 if k in ("href", "src") and v]
        assert not [v for v in links if "example.invalid" in v], page


def test_generated_pages_are_in_search_and_navigation(built_site: Path, model_data: dict) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    home_links = {
        attrs.get("href") for tag, attrs in parse(built_site / "index.html").tags if tag == "a"
    }
    for option in model_data["options"]:
        location = f"{model_data['id']}/options/{option['id']}/"
        assert location in locations
        assert location in home_links
    for kind in ("compare", "decision-tree", "paths"):
        assert f"{model_data['id']}/{kind}/" in locations


def test_no_page_loads_anything_from_another_host(built_site: Path) -> None:
    """Every resource a page loads (scripts, styles, icons, images, frames) is the site's own.
    Plain links may point elsewhere: the edit links go to the repository."""
    offenders = []
    for page in built_site.rglob("*.html"):
        for tag, attrs in parse(page).tags:
            loads = []
            if tag == "link" and attrs.get("rel") not in ("canonical", "alternate"):
                loads.append(attrs.get("href"))
            if tag in ("script", "img", "iframe", "source", "audio", "video", "embed", "object"):
                loads += [attrs.get("src"), attrs.get("data")]
            for url in filter(None, loads):
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    offenders.append(f"{page.relative_to(built_site)}: <{tag}> {url}")
    for css in built_site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if urlsplit(url).scheme not in ("", "data"):
                offenders.append(f"{css.relative_to(built_site)}: url({url})")
    assert offenders == []


def test_guide_version_is_on_every_page(built_site: Path) -> None:
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        assert "Guide version " in text_of(page), page


def test_no_page_names_a_rule_by_its_id(built_site: Path, model_data: dict) -> None:
    """Rules are explained in words; their ids are for authors and never shown to readers."""
    ids = [rule["id"] for rule in model_data["rules"]]
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        found = pattern.search(text_of(page))
        assert found is None, f"{page.relative_to(built_site)} shows rule id {found.group(0)!r}"


def test_sources_page_lists_every_statement_its_citation_and_every_lead(
    built_site: Path, model_data: dict
) -> None:
    page = built_site / model_data["id"] / "sources" / "index.html"
    text = text_of(page)
    hrefs = {attrs.get("href") for tag, attrs in parse(page).tags if tag == "a"}
    sources = model_data["sources"]
    for source in sources.values():
        assert norm(source["title"]) in text
        assert source["url"] in hrefs
        assert source["read"] in text
    for option in model_data["options"]:
        statements = [*option["strengths"], *option["caveats"],
                      *(option["matrix"][c["id"]] for c in model_data["criteria"])]
        for statement in statements:
            assert norm(_text(statement)) in text
            assert [u for u in _links(statement, sources) if u not in hrefs] == []
    for rule in model_data["rules"]:
        assert norm(rule["because"]) in text
    for lead in model_data.get("leads", []):
        assert lead["resolution"] in ("confirmed", "changed", "rejected")
        assert norm(lead["topic"]) in text
        assert norm(lead["note"]) in text
        assert [u for u in _links(lead, sources) if u not in hrefs] == []
