"""Shared fixtures: the real guide built once per test session and served on 127.0.0.1, and
pytest-playwright's `context` made warm: tests that take the `page` fixture share one browser
context (the runtime stays in its HTTP cache and Chromium keeps the compiled WebAssembly), so
only the tests marked `cold_boot` pay for a first visit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, BrowserContext

from tests.reliability.conftest import QUICK_ANSWER, QUICK_TIMEOUT
from tests.reliability.project import make_project
from tests.sitetools import ROOT, build_and_serve, launch_args, load_config_data

#: The slowest modules, collected first and in this order (every other module keeps its place
#: after them). `scripts/test.sh` hands whole modules to two workers in collection order, one
#: to each worker that is free, so this order decides which modules run side by side; the
#: seconds are what each took beside the other worker's (2 December 2026, at 4849331).
#: The Pyodide runs under Node start beside the snapshot-boot tests, and the modules that open
#: the most browser pages at once (snapshot boot, runtime failures) never start together:
#: sorted by these figures instead, those two started together and the suite took 435-450 s
#: instead of 354 s. A module in the wrong place costs time, never a test.
FIRST = [
    "tests/pyodide/test_in_pyodide.py",  # 47 s
    "tests/reliability/test_snapshot_boot.py",  # 119 s
    "tests/reliability/test_runtime_failures.py",  # 87 s
    "tests/e2e/test_quiz.py",  # 69 s
    "tests/reliability/test_hostile_links.py",  # 31 s
    "tests/reliability/test_answer_properties.py",  # 34 s
    "tests/e2e/test_pages.py",  # 63 s
    "tests/reliability/test_crawl.py",  # 16 s
    "tests/reliability/test_csp.py",  # 25 s
    "tests/reliability/test_model_size.py",  # 4 s
    "tests/versioning/test_quiz_versions.py",  # 21 s
    "tests/plugin/test_hooks.py",  # under 1 s
    "tests/reliability/test_broken_models.py",  # 13 s
    "tests/engines/test_fresh_site.py",  # 19 s
    "tests/engines/test_markers.py",  # 9 s
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the modules of `FIRST` first, in its order (a stable sort: each module's tests
    keep their order, and so do all other modules)."""
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        first.setdefault(item.nodeid.split("::", 1)[0], index)
    rank = {module: place for place, module in enumerate(FIRST)}

    def place(item: pytest.Item) -> tuple[int, int]:
        module = item.nodeid.split("::", 1)[0]
        return rank.get(module, len(FIRST)), first[module]

    items.sort(key=place)


#: The quick site's repository (the guide itself is built without one).
REPO = "https://github.com/example/ml-orchestration-guide"


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The guide as `mkdocs build --strict` writes it, served on 127.0.0.1 at a free port
    (the server starts first, so the build knows its address)."""
    site = tmp_path_factory.mktemp("site")
    with build_and_serve(site) as url:
        yield site, url


@pytest.fixture(scope="session")
def built_site(served_site: tuple[Path, str]) -> Path:
    return served_site[0]


@pytest.fixture(scope="session")
def site_url(served_site: tuple[Path, str]) -> str:
    return served_site[1]


@pytest.fixture(scope="session")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The one variant of the guide the tests build once for all: a copy of its config with
    `boot_timeout: QUICK_TIMEOUT` and `answer_timeout: QUICK_ANSWER` (so that time-outs are
    tested in seconds), a GitHub
    repository address, and two more pages, `two/` holding both quizzes and `twice/` holding
    one quiz twice (what the guide itself does not have), served at the address
    it was built for (so that Material's instant navigation works on it, as on the published
    guide). Yields the site folder and its URL."""
    # With the build's memory snapshot, as the guide (its models are the guide's, so the
    # snapshot comes from the cache the guide's build filled): a page boots from it in less than
    # half the CPU of a stock boot. The runtime faults of tests/reliability/test_runtime_failures.py
    # are faults of the stock boot, and take the snapshot away first (with it, the advisor
    # archive is not even unpacked); the snapshot's own faults and fallbacks are tested in
    # tests/reliability/test_snapshot_boot.py.
    project = make_project(tmp_path_factory.mktemp("quick"), boot_timeout=QUICK_TIMEOUT,
                           answer_timeout=QUICK_ANSWER, snapshot=True)
    project.write("two.md", "# Two quizzes\n\n<!-- advisor: orchestration -->\n\n"
                  "## The other one\n\n<!-- advisor: adoption -->\n")
    project.write("twice.md", "# The same quiz twice\n\n<!-- advisor: orchestration -->\n\n"
                  "## Again\n\n<!-- advisor: orchestration -->\n")
    config = yaml.safe_load(project.config.read_text(encoding="utf-8"))
    config["repo_url"] = REPO  # the quiz then offers "Report a problem with this advice"
    config["nav"] = [*load_config_data(ROOT / "mkdocs.yml")["nav"], {"Two quizzes": "two.md"}]
    project.config.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    site = project.root / "site"
    with build_and_serve(site, project.config) as url:
        yield site, url


@pytest.fixture(scope="session")
def quick_site(quick: tuple[Path, str]) -> Path:
    return quick[0]


@pytest.fixture(scope="session")
def quick_url(quick: tuple[Path, str]) -> str:
    return quick[1]


@pytest.fixture(scope="session")
def two_quiz_url(quick_url: str) -> str:
    """The quick site, whose page `two/` holds both quizzes."""
    return quick_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at Debian's Chromium when it is there."""
    return {**browser_type_launch_args, **launch_args()}


@pytest.fixture(scope="session")
def warm_context(
    browser: Browser, browser_context_args: dict[str, Any]
) -> Iterator[BrowserContext]:
    """One browser context for the whole session, for tests where a cold boot is not the point."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture
def context(
    request: pytest.FixtureRequest, warm_context: BrowserContext, new_context: Any
) -> Iterator[BrowserContext]:
    """pytest-playwright's `context` (and so `page`): the shared warm context, whose pages the
    test opened are closed after it; a fresh one, with an empty cache, for a test marked
    `cold_boot` (what a reader's first visit costs is what it is about)."""
    if request.node.get_closest_marker("cold_boot"):
        yield new_context()
        return
    before = set(warm_context.pages)
    yield warm_context
    for page in warm_context.pages:
        if page not in before:
            page.close()
