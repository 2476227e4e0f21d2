"""Locked-down hosting: the guide served with the Content-Security-Policy of docs/security.md.

The documented header must be the one computed from the build (`tests.reliability.csp`), and
the quiz must reach a recommendation under it with no violation (in the page or in its
workers); that every page loads without one is checked on the crawl of
tests/reliability/test_crawl.py. Two controls show what the policy's parts are for: without
the inline-script hashes the quiz still works but Material's own script breaks; without
'wasm-unsafe-eval' Python cannot start and the quiz says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.reliability.browser import Watch, answer_all, quiz, settle
from tests.reliability.conftest import QUICK_TIMEOUT
from tests.reliability.csp import documented, inline_scripts, policy
from tests.sitetools import serve

pytestmark = pytest.mark.e2e

def test_the_documented_policy_is_the_one_this_build_needs(built_site: Path) -> None:
    assert documented() == policy(built_site), (
        "Material's inline scripts changed: regenerate the header in docs/security.md with "
        "`.venv/bin/python -m tests.reliability.csp site` after `mkdocs build`")


def test_the_policy_allows_only_materials_three_inline_scripts(built_site: Path) -> None:
    starts = sorted({body.split("=")[0].split("(")[0] for body in
                     inline_scripts(built_site).values()})
    assert starts == ["__md_scope", "var palette", "var target"]


@pytest.fixture(scope="module")
def csp_url(built_site: Path) -> Iterator[str]:
    with serve(built_site, headers={"Content-Security-Policy": documented()}) as url:
        yield url


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


def settings(page: Page) -> dict[str, object]:
    raw = quiz(page).get_attribute("data-advisor-settings") or "{}"
    data: dict[str, object] = json.loads(raw)
    return data


def test_the_quiz_works_under_the_policy(context: BrowserContext, csp_url: str) -> None:
    page = context.new_page()
    watch = Watch().attach(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(csp_url + "quiz/")
    root = quiz(page)
    assert answer_all(page, root)
    assert watch.csp(page) == []
    assert watch.errors == []
    # The advisor package is fetched by its content-hashed name, from the site.
    archive = str(settings(page)["archive"])
    assert re.fullmatch(r"\.\./assets/advisor/advisor-[0-9a-f]{12}\.zip", archive)
    assert any(url.endswith(archive.removeprefix("..")) for url in requested)


def test_no_page_needs_an_inline_style_attribute(built_site: Path) -> None:
    styled = sorted(str(p.relative_to(built_site)) for p in built_site.rglob("*.html")
                    if ' style="' in p.read_text(encoding="utf-8"))
    assert styled == []


def search_works(page: Page) -> bool:
    field = page.locator("input.md-search__input")
    field.click()
    field.press_sequentially("CodePipeline", delay=30)  # Material reads keystrokes
    try:
        page.locator(".md-search-result__list li").first.wait_for(timeout=10_000)
    except PlaywrightTimeout:
        return False
    return True


def test_search_works_under_the_policy(context: BrowserContext, csp_url: str) -> None:
    page = context.new_page()
    watch = Watch().attach(page)
    page.goto(csp_url + "choosing-a-tool/")
    assert search_works(page)
    assert watch.csp(page) == []


def without(directive_part: str) -> str:
    return re.sub(rf" {directive_part}", "", documented())


def test_without_the_hashes_the_quiz_works_but_material_breaks(
    context: BrowserContext, built_site: Path
) -> None:
    bare = without(r"'sha256-[^']+'")
    assert "sha256" not in bare
    with serve(built_site, headers={"Content-Security-Policy": bare}) as url:
        page = context.new_page()
        watch = Watch().attach(page)
        page.goto(url + "quiz/")
        assert answer_all(page, quiz(page))
        blocked = watch.csp(page)
        assert blocked, "Material's inline scripts ran without their hashes"
        assert all("inline" in line.lower() or "script-src" in line for line in blocked)
        assert any("__md_get is not defined" in error for error in watch.errors)
        page.goto(url + "choosing-a-tool/")
        assert not search_works(page)


def test_without_wasm_unsafe_eval_the_quiz_says_it_cannot_start(
    context: BrowserContext, quick_site: Path
) -> None:
    strict = without("'wasm-unsafe-eval'")
    with serve(quick_site, headers={"Content-Security-Policy": strict}) as url:
        page = context.new_page()
        watch = Watch().attach(page)
        page.goto(url + "quiz/")
        root = quiz(page)
        settle(page, root, timeout=(QUICK_TIMEOUT + 30) * 1000)
        assert root.get_attribute("data-advisor-state") == "error"
        assert root.locator("[data-advisor-retry]").count() == 1
        assert any("webassembly" in line.lower() for line in watch.csp(page))
