"""One crawl of every page of the built guide, for two promises a reader's browser keeps.

The site is served with the Content-Security-Policy of docs/security.md to a fresh browser
context (an empty cache) that records every request of every page and of its workers, and
refuses any request for another host, so that nothing leaves the machine even if a test
fails. Each quiz on the way is waited for until Python has answered, so its worker's
requests count too. Then:

- offline: every page, the quiz included, asks only the server it came from (the static scan
  in tests/reliability/test_offline.py backs this up);
- locked-down hosting: no page breaks the policy (tests/reliability/test_csp.py has the rest).

Under the policy, a load from another host may be stopped by the browser before it is a
request; the offline test therefore also fails on any violation that names another host.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Request, Route

from tests.reliability.browser import crawl, quiz, settle
from tests.reliability.csp import documented
from tests.sitetools import serve

pytestmark = pytest.mark.e2e

URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"()]+", re.IGNORECASE)


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


@dataclass
class Crawl:
    origin: str
    pages: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL asked for, in order
    refused: list[str] = field(default_factory=list)  # requests for another host
    violations: list[str] = field(default_factory=list)  # "path: CSP violation or error"
    dialogs: list[str] = field(default_factory=list)
    quizzes: dict[str, str] = field(default_factory=dict)  # path -> the quiz's state


@pytest.fixture(scope="module")
def crawled(browser: Browser, built_site: Path) -> Iterator[Crawl]:
    with serve(built_site, headers={"Content-Security-Policy": documented()}) as url:
        done = Crawl(origin=urlsplit(url).netloc)
        context = browser.new_context()

        def guard(route: Route, request: Request) -> None:
            if foreign(request.url, done.origin):
                done.refused.append(request.url)
                route.abort("blockedbyclient")
            else:
                route.continue_()

        context.route("**/*", guard)
        context.on("request", lambda request: done.requests.append(request.url))
        try:
            for path, page, watch in crawl(context, url, page_paths(built_site)):
                done.pages.append(path)
                if page.locator("[data-advisor]").count():
                    root = quiz(page)
                    settle(page, root)
                    done.quizzes[path] = f"{root.get_attribute('data-advisor-state')}: " + (
                        "" if root.get_attribute("data-advisor-state") == "ready"
                        else root.inner_text())
                done.violations += [f"{path}: {v}" for v in watch.csp(page) + watch.errors]
                done.dialogs += [f"{path}: {d}" for d in watch.dialogs]
        finally:
            context.close()
        yield done


def test_a_crawl_of_every_page_stays_on_the_local_server(
    crawled: Crawl, built_site: Path
) -> None:
    assert crawled.pages == page_paths(built_site)
    assert len(crawled.pages) >= 25
    assert len(crawled.quizzes) >= 2
    assert set(crawled.quizzes.values()) == {"ready: "}, crawled.quizzes
    assert any(url.endswith("/pyodide.asm.wasm") for url in crawled.requests)
    assert any("/search/search_index.json" in url for url in crawled.requests)
    assert crawled.dialogs == []
    assert crawled.refused == []
    assert [url for url in crawled.requests if foreign(url, crawled.origin)] == []
    named = [v for v in crawled.violations
             if any(foreign(u, crawled.origin) for u in URL.findall(v.split(": ", 1)[1]))]
    assert named == [], "the policy stopped a load from another host"


def test_every_page_loads_under_the_policy(crawled: Crawl) -> None:
    # Inline style attributes have their own test (tests/reliability/test_csp.py).
    inline_style = ("style-src-attr", "Applying inline style")
    assert [v for v in crawled.violations if not any(m in v for m in inline_style)] == []
