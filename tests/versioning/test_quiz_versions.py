"""In a real Chromium: the quiz result and the decision record a reader copies carry the guide
version, and each version published with mike answers with its own model."""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import choose, quiz, recommendation
from tests.sitetools import serve
from tests.versioning.guiderepo import build, git_env

pytestmark = pytest.mark.e2e

CAPTURE_CLIPBOARD = """
window.__copied = [];
Object.defineProperty(navigator, "clipboard", {value: {
  writeText: async (text) => { window.__copied.push(text); }}});
"""


@pytest.fixture(scope="module")
def versioned_url(guide_repo: tuple[Path, dict[str, str]],
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    repo, _ = guide_repo
    site = tmp_path_factory.mktemp("quiz-site")
    done = build(repo, site)
    assert done.returncode == 0, done.stderr
    with serve(site) as url:
        yield url


def test_result_and_copied_record_carry_the_version(
    page: Page, versioned_url: str, guide_repo: tuple[Path, dict[str, str]],
) -> None:
    _, commits = guide_repo
    label = f"{commits['second']} (2026-03-02)"
    page.add_init_script(CAPTURE_CLIPBOARD)
    page.goto(versioned_url)
    root = quiz(page)
    choose(page, root, "size", "medium")
    assert recommendation(root) == ["batch"]
    result = root.locator("[data-advisor-result]")
    expect(result.locator(".advisor__version")).to_have_text(f"Guide version {label}")
    result.locator("[data-advisor-copy]").click()
    expect(result).to_contain_text("Copied.")
    copied = page.evaluate("window.__copied")
    assert len(copied) == 1
    assert copied[0].startswith("# Decision: AWS Batch\n")
    assert copied[0].endswith(f"\nGuide version: {label}\n")


@pytest.fixture(scope="module")
def published_url(mike_repo: tuple[Path, dict[str, str]],
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The gh-pages branch mike wrote, checked out and served as a static host would."""
    repo, _ = mike_repo
    out = tmp_path_factory.mktemp("gh-pages")
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=repo, env=git_env(),
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(out, filter="data")
    with serve(out) as url:
        yield url


@pytest.mark.parametrize(("version", "expected"), [("1.0", "lambda"), ("2.0", "fargate"),
                                                   ("latest", "fargate")])
def test_each_published_version_answers_with_its_own_model(
    page: Page, published_url: str, version: str, expected: str,
) -> None:
    page.goto(f"{published_url}{version}/")
    root = quiz(page)
    choose(page, root, "size", "small")
    assert recommendation(root) == [expected]
