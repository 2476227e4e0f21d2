"""docs/use-in-your-site.md, followed to the letter in an empty folder outside the repository:
its files are written and its commands run as they stand on the page, the site is built with
MkDocs, ProperDocs and Zensical, and each site's quiz answers in Chromium."""

from __future__ import annotations

import re
import shlex
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from devtools.quiz import choose, quiz, recommendation, settle
from devtools.site import ROOT, serve
from plugin import fetch
from tests.engines.tools import local_only, run

PAGE = ROOT / "docs" / "use-in-your-site.md"
ENGINES = ("MkDocs", "ProperDocs", "Zensical")
DISTRIBUTIONS = {
    "MkDocs": "mkdocs",
    "ProperDocs": "properdocs",
    "Zensical": "zensical",
    "Material for MkDocs": "mkdocs-material",
}


@dataclass
class Block:
    section: str  # the nearest heading above the block
    lang: str
    title: str | None
    text: str


def blocks(markdown: str) -> list[Block]:
    found = []
    heading = ""
    fence = re.compile(r'^```(\w+)(?: title="([^"]+)")?\n(.*?)^```$', re.S | re.M)
    pos = 0
    for match in fence.finditer(markdown):
        for line in markdown[pos : match.start()].splitlines():
            if line.startswith("#"):
                heading = line.lstrip("#").strip()
        pos = match.end()
        found.append(Block(heading, match.group(1), match.group(2), match.group(3)))
    return found


def test_the_page_states_the_versions_the_suite_runs() -> None:
    text = PAGE.read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| ([^|]+?) \| ([0-9][^|]*?) \|$", text, re.M))
    for name, distribution in DISTRIBUTIONS.items():
        assert table[name] == version(distribution), name
    assert table["Pyodide (the browser runtime)"] == fetch.VERSION
    install = [b.text for b in blocks(text) if b.section == "1. Install"]
    assert install[0].split() == ["python", "-m", "pip", "install", "./ml-orchestration-guide"]
    assert install[1].split()[4:] == [
        f"properdocs=={version('properdocs')}", f"zensical=={version('zensical')}"
    ]


@pytest.fixture(scope="module")
def fresh_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The page's steps 2 to 7 in an empty folder; one built site per engine. Step 1 (install)
    is this environment, checked against the page by the test above."""
    work = tmp_path_factory.mktemp("fresh-site")
    assert not work.resolve().is_relative_to(ROOT)
    # Where `advisor-runtime fetch` keeps the tarball: the suite's cache, so it downloads once.
    env = {"XDG_CACHE_HOME": str(ROOT / ".cache")}
    sites = {}
    for block in blocks(PAGE.read_text(encoding="utf-8")):
        if block.section == "1. Install":
            continue
        if block.title:
            target = work / block.title
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
        elif block.lang == "sh":
            for line in block.text.splitlines():
                done = run(shlex.split(line), cwd=work, env=env)
                assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
                assert "WARNING" not in done.stderr, f"{line}\n{done.stderr}"
            if block.section in ENGINES:
                sites[block.section] = work / f"site-{block.section}"
                shutil.move(work / "site", sites[block.section])
    assert sorted(sites) == sorted(ENGINES)
    return sites


@pytest.mark.e2e
def test_each_engine_builds_a_site_whose_quiz_answers(
    browser: Browser, fresh_sites: dict[str, Path]
) -> None:
    for engine, site in fresh_sites.items():
        for page in ("commute/paths", "commute/compare", "commute/options/bike"):
            assert (site / page / "index.html").is_file(), (engine, page)
    with ExitStack() as stack:
        urls = {engine: stack.enter_context(serve(site)) for engine, site in fresh_sites.items()}
        for engine, url in urls.items():
            with local_only(browser, url) as (context, refused):
                page = context.new_page()
                page.goto(url)
                root = quiz(page)
                settle(page, root)
                assert root.get_attribute("data-advisor-state") == "ready", engine
                choose(page, root, "weather", "dry")
                choose(page, root, "distance", "near")
                assert recommendation(root) == ["bike"], (engine, root.inner_text())
                assert "A short dry ride is the fastest way in." in root.inner_text()
            assert refused == [], engine
