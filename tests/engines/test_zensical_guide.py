"""The guide built by Zensical: `advisor-prepare`, then `zensical build -f zensical.yml` (the
same mkdocs.yml, with what the plugin adds to it). Every generated page exists and is in the
navigation, the footer gives the guide version, the runtime in the site is the verified one, and
both quizzes answer in Chromium with no request leaving the local server."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, expect

from advisor.source import load_model_file
from devtools.quiz import answer_all, choose, quiz, recommendation, settle
from devtools.site import ROOT, load_config_data, serve
from plugin import pages, prepared
from plugin.prepare import ZENSICAL_CONFIG, ZENSICAL_HEADER
from plugin.runtime import BOOT_FILES, MANIFEST
from tests.engines.tools import copy_tracked, local_only, run

MODELS = ("orchestration", "adoption")
# The article's "two black boxes" case (as in tests/e2e/test_quiz.py), in the order asked.
TWO_BLACK_BOXES = [
    ("scale", "no"), ("lock-in", "acceptable"), ("extend", "no"), ("complexity", "simple"),
    ("aws-services", "no"), ("sagemaker", "heavily"), ("ends-in", "endpoint"), ("devops", "yes"),
]


def expected_pages(docs: Path) -> set[str]:
    """Every page the plugin plans for the guide's models: what a MkDocs build generates."""
    return {
        page.src_uri
        for model in MODELS
        for page in pages.plan(load_model_file(docs / "models" / f"{model}.yml").model)
    }


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    work = tmp_path_factory.mktemp("zensical-guide")
    copy_tracked(ROOT / "docs", work / "docs")
    with serve(work / "site") as url:
        config = load_config_data(ROOT / "mkdocs.yml")
        config["site_url"] = url
        for entry in config["plugins"]:
            if isinstance(entry, dict) and "advisor" in entry:
                entry["advisor"]["runtime_dir"] = str(ROOT / "node_modules" / "pyodide")
        (work / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
        done = run(["advisor-prepare"], cwd=work)
        assert done.returncode == 0, done.stderr
        assert (work / ZENSICAL_CONFIG).read_text("utf-8").startswith(ZENSICAL_HEADER)
        done = run(["zensical", "build", "--strict", "-f", ZENSICAL_CONFIG], cwd=work)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "No issues found" in done.stdout + done.stderr, done.stdout + done.stderr
        yield work, url


def test_every_generated_page_exists(zensical_site: tuple[Path, str]) -> None:
    work, _ = zensical_site
    site = work / "site"
    wanted = expected_pages(ROOT / "docs")
    assert len(wanted) > 12
    for src in wanted:
        html = site / src.removesuffix(".md") / "index.html"
        assert html.is_file(), src
    manifest = prepared.read(work / "docs")
    assert manifest is not None
    assert {p for p in manifest["outputs"] if p.endswith(".md")} == wanted
    # Every page links what the plugin adds to extra_css and extra_javascript under MkDocs
    # (the generated pages' look among them), the quiz pages their script once.
    assets = [*manifest["assets"]["css"], *(s["path"] for s in manifest["assets"]["js"])]
    assert any(name.startswith("assets/advisor/pages-") for name in assets)
    for page in ("orchestration/compare/", "adoption/paths/", "quiz/", ""):
        html = (site / page / "index.html").read_text(encoding="utf-8").replace("../", "")
        for name in assets:
            assert html.count(f'="{name}"') == 1, (page, name)
    # The decision diagram, which the plugin puts in the written page under MkDocs, is in the
    # prepared Markdown here: one drawing, no placeholder.
    for model in ("orchestration", "adoption"):
        html = (site / model / "decision-tree" / "index.html").read_text(encoding="utf-8")
        assert html.count('<svg class="advisor-diagram__svg"') == 1, model
        assert "data-advisor-slot" not in html, model
    # The generated pages come from the model, not from a stale copy: an option's name shows.
    assert "SageMaker Pipelines handed to CodePipeline" in (
        site / "orchestration/options/sagemaker-plus-codepipeline/index.html"
    ).read_text(encoding="utf-8")


class NavLinks(HTMLParser):
    """The (address, text) of every link in a page's navigation."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._open: list[str] | None = None
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and "md-nav__link" in (found.get("class") or "").split():
            self._open, self._href = [], found.get("href") or ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.links.append((self._href, " ".join("".join(self._open).split())))
            self._open = None


def test_the_navigation_and_footer_are_those_of_the_mkdocs_build(
    zensical_site: tuple[Path, str],
) -> None:
    """Once missing under Zensical: the section of generated pages the plugin appends to the
    nav, and the guide version the plugin adds to the footer."""
    work, _ = zensical_site
    home = (work / "site" / "index.html").read_text(encoding="utf-8")
    parser = NavLinks()
    parser.feed(home)
    links = set(parser.links)
    assert ("./quiz/", "Take the quiz") in links  # mkdocs.yml's own entries stay
    for model in MODELS:
        for page in pages.plan(load_model_file(ROOT / "docs" / "models" / f"{model}.yml").model):
            address = "./" + page.src_uri.removesuffix(".md") + "/"
            assert (address, page.title) in links, (address, page.title)
    assert "Guide version " in home.split('class="md-copyright"', 1)[1].split("</div>", 1)[0]


def test_the_site_serves_the_verified_runtime(zensical_site: tuple[Path, str]) -> None:
    work, _ = zensical_site
    digests = json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]
    folder = work / "site" / "assets" / "advisor" / "pyodide-314.0.7"
    for name in BOOT_FILES:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digests[name], name


@pytest.mark.e2e
def test_both_quizzes_answer_and_nothing_leaves_the_site(
    browser: Browser, zensical_site: tuple[Path, str]
) -> None:
    _, url = zensical_site
    with local_only(browser, url) as (context, refused):
        page = context.new_page()
        # Seven answers from a shared link (one call to Python), the last one clicked.
        *given, (question, choice) = TWO_BLACK_BOXES
        page.goto(url + "quiz/?orchestration=" + ",".join(f"{q}:{c}" for q, c in given))
        root = quiz(page)
        settle(page, root)
        assert root.get_attribute("data-advisor-state") == "ready", root.inner_text()
        assert "3.14" in (root.get_attribute("data-advisor-runtime") or "")
        choose(page, root, question, choice)
        assert recommendation(root) == ["sagemaker-plus-codepipeline"], root.inner_text()
        # The recommendation links to its generated option page, which Zensical built.
        root.locator("[data-recommendation] a").first.click()
        page.wait_for_url(f"{url}orchestration/options/sagemaker-plus-codepipeline/")
        expect(page.locator("h1")).to_contain_text("two black boxes")  # once swapped in
        # The second quiz, reached through Material's instant navigation from this page.
        page.goto(url)
        page.locator('a[href$="adoption/"]').filter(visible=True).first.click()
        page.wait_for_url(url + "adoption/")
        root = quiz(page)
        settle(page, root)
        answer_all(page, root)
        assert recommendation(root), root.inner_text()
    assert refused == []
