"""Offline: every page of the built guide, the quiz included, asks only the server it came
from. A Playwright crawl records every request of every page and of its workers; anything
for another host is recorded and refused, so that nothing leaves the machine even if the
test fails. A static scan of the HTML and CSS backs the crawl up."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Request, Route

from tests.reliability.browser import crawl, quiz, settle

pytestmark = pytest.mark.e2e

#: Attributes through which a page loads something by itself (links to follow are not loads).
LOADS = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\ssrc=\"(?P<src>[^\"]+)\""
    r"|<link\b(?=[^>]*\srel=\"(?:stylesheet|preload|modulepreload|icon|manifest|prefetch)\")"
    r"[^>]*\shref=\"(?P<href>[^\"]+)\"")
CSS_URL = re.compile(r"url\(\s*['\"]?(?P<url>[^'\")]+)")


def page_paths(site: Path) -> list[str]:
    """Every page of the site as a URL path."""
    paths = []
    for html in sorted(site.rglob("*.html")):
        relative = html.relative_to(site).as_posix()
        paths.append(relative.removesuffix("index.html"))
    return paths


def foreign(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.netloc != origin


def test_no_page_or_stylesheet_names_another_host(built_site: Path) -> None:
    found = []
    for html in built_site.rglob("*.html"):
        for match in LOADS.finditer(html.read_text(encoding="utf-8")):
            url = match["src"] or match["href"]
            if urlsplit(url).netloc or url.startswith("//"):
                found.append(f"{html.relative_to(built_site)}: {url}")
    for css in built_site.rglob("*.css"):
        for match in CSS_URL.finditer(css.read_text(encoding="utf-8")):
            if re.match(r"(https?:)?//", match["url"]):
                found.append(f"{css.relative_to(built_site)}: {match['url']}")
    assert found == []


def test_a_crawl_of_every_page_stays_on_the_local_server(
    browser: Browser, built_site: Path, site_url: str
) -> None:
    origin = urlsplit(site_url).netloc
    paths = page_paths(built_site)
    assert len(paths) >= 25
    requests: list[str] = []
    refused: list[str] = []
    context = browser.new_context()

    def guard(route: Route, request: Request) -> None:
        if foreign(request.url, origin):
            refused.append(request.url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", guard)
    context.on("request", lambda request: requests.append(request.url))
    quizzes = 0
    for path, page, watch in crawl(context, site_url, paths):
        if page.locator("[data-advisor]").count():
            quizzes += 1
            root = quiz(page)
            settle(page, root)  # the quiz boots when in view: its worker's requests count
            assert root.get_attribute("data-advisor-state") == "ready", (path, root.inner_text())
        assert watch.dialogs == []
    context.close()
    assert quizzes >= 2
    assert any(url.endswith("/pyodide.asm.wasm") for url in requests)
    assert any("/search/search_index.json" in url for url in requests)
    assert refused == []
    assert [url for url in requests if foreign(url, origin)] == []
