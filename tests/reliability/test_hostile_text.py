"""Model text holding HTML, script, Markdown and template syntax is shown as text everywhere:
the generated pages, the navigation, page titles, search and the quiz.

The guide is built with its orchestration model's every text followed by `hostile.PAYLOAD`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from markupsafe import escape
from playwright.sync_api import Browser, BrowserContext, Page, expect

from advisor.source import read_model_file
from tests.reliability.browser import INJECTED, Watch, answer_all, quiz, settle
from tests.reliability.hostile import PAYLOAD, SHOWN, hostile
from tests.reliability.project import make_project
from tests.sitetools import serve


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile"))
    data, _ = read_model_file(project.docs / "models" / "orchestration.yml")
    project.write("models/orchestration.yml",
                  yaml.safe_dump(hostile(data), sort_keys=False, allow_unicode=True))
    result = project.build()
    assert result.returncode == 0, result.stderr
    return project.root / "site"


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    with serve(hostile_site) as url:
        yield url


@pytest.fixture
def reader(browser: Browser) -> Iterator[tuple[Page, Watch]]:
    context: BrowserContext = browser.new_context()
    page = context.new_page()
    watch = Watch().attach(page)
    yield page, watch
    context.close()


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_payload_reaches_every_kind_of_text(hostile_site: Path) -> None:
    """Guards the test itself: the payload is in the built pages, escaped."""
    escaped = str(escape(PAYLOAD.strip()))  # as Jinja's autoescape writes it
    compare = (hostile_site / "orchestration" / "compare" / "index.html").read_text("utf-8")
    assert compare.count(escaped) >= 10
    assert (hostile_site / "quiz" / "index.html").read_text("utf-8").count(escaped) >= 3


def test_no_page_holds_the_payload_as_markup(hostile_site: Path) -> None:
    raw = [str(p.relative_to(hostile_site)) for p in pages(hostile_site)
           if "<b data-xss>" in p.read_text("utf-8")]
    assert raw == []


@pytest.mark.parametrize("path", [
    "orchestration/compare/", "orchestration/decision-tree/", "orchestration/paths/",
    "orchestration/options/step-functions/", "quiz/",
])
def test_page_content_shows_the_payload_as_text(
    path: str, reader: tuple[Page, Watch], hostile_url: str
) -> None:
    page, _ = reader
    page.goto(hostile_url + path)
    content = page.locator("article.md-content__inner")
    text = content.inner_text()
    assert text.count(SHOWN) >= 1, text[:1000]
    assert content.locator(INJECTED).count() == 0
    # `*em*` stayed Markdown source, not emphasis.
    assert content.locator("em").filter(has_text=re.compile(r"^em$")).count() == 0


@pytest.mark.parametrize("path", ["", "orchestration/options/step-functions/"])
def test_navigation_and_title_show_the_payload_as_text(
    path: str, reader: tuple[Page, Watch], hostile_url: str
) -> None:
    page, watch = reader
    page.goto(hostile_url + path)
    page.wait_for_load_state("load")
    assert watch.dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator(INJECTED).count() == 0
    expect(page.locator("nav.md-nav--primary")).to_contain_text(SHOWN)
    if path:
        assert SHOWN in page.title()


def test_the_quiz_shows_the_payload_as_text(reader: tuple[Page, Watch],
                                            hostile_url: str) -> None:
    page, _ = reader
    page.goto(hostile_url + "quiz/")
    root = quiz(page)
    settle(page, root)
    answer_all(page, root)
    # Questions, help, choices and the whole result, rendered from Python's reply.
    text = root.inner_text()
    assert text.count(SHOWN) >= 10, text[:2000]
    assert root.locator(INJECTED).count() == 0
    assert root.locator("b, em, script").count() == 0


def test_search_results_show_the_payload_as_text(reader: tuple[Page, Watch],
                                                 hostile_url: str) -> None:
    page, _ = reader
    page.goto(hostile_url + "orchestration/compare/")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("CodePipeline", delay=30)  # Material reads keystrokes
    results = page.locator(".md-search-result__list")
    expect(results.locator("li").first).to_be_visible(timeout=15_000)
    assert results.locator(INJECTED).count() == 0
    assert results.locator("b").count() == 0
