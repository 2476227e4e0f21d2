"""Publishing several versions with mike: each version is built from its own commit, and its
pages and quiz use that version's model."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from tests.versioning.guiderepo import git
from tests.versioning.htmltext import article_text


def show(repo: Path, path: str) -> str:
    return git(repo, "show", f"gh-pages:{path}")


def quiz_settings(page: str) -> dict[str, object]:
    found = re.search(r'data-advisor-settings="([^"]*)"', page)
    assert found
    data: dict[str, object] = json.loads(html.unescape(found.group(1)))
    return data


def test_versions_json_lists_both(mike_repo: tuple[Path, dict[str, str]]) -> None:
    repo, _ = mike_repo
    versions = json.loads(show(repo, "versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("2.0", ["latest"]), ("1.0", [])]
    files = git(repo, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert "1.0/index.html" in files
    assert "2.0/index.html" in files
    assert git(repo, "status", "--porcelain") == ""  # the build left the work tree clean


def test_each_version_shows_its_own_commit(mike_repo: tuple[Path, dict[str, str]]) -> None:
    repo, commits = mike_repo
    assert f"Guide version {commits['first']} (2026-01-15)" in show(repo, "1.0/index.html")
    assert f"Guide version {commits['second']} (2026-03-02)" in show(repo, "2.0/index.html")


def test_each_quiz_loads_its_own_model(mike_repo: tuple[Path, dict[str, str]]) -> None:
    repo, commits = mike_repo
    expected = {
        "1.0": (commits["first"], ["lambda", "batch", "sagemaker"], ["small", "large"]),
        "2.0": (commits["second"], ["batch", "sagemaker", "fargate"],
                ["small", "medium", "large"]),
    }
    urls = set()
    for version, (commit, options, sizes) in expected.items():
        page = show(repo, f"{version}/index.html")
        settings = quiz_settings(page)
        assert str(settings["version"]).startswith(commit)
        model = json.loads(show(repo, f"{version}/{settings['modelUrl']}"))
        assert [o["id"] for o in model["options"]] == options
        first = page[page.index('data-question="size"'):page.index("</fieldset>")]
        assert re.findall(r'value="([^"]+)"', first) == sizes
        urls.add(settings["modelUrl"])
    assert len(urls) == 2  # content-hashed: a browser never mixes the two models up


def test_each_version_has_its_own_history(mike_repo: tuple[Path, dict[str, str]]) -> None:
    repo, commits = mike_repo
    old = article_text(show(repo, "1.0/tiny/changes/index.html"))
    new = article_text(show(repo, "2.0/tiny/changes/index.html"))
    assert f"Version {commits['second']} of 2 March 2026." not in old
    assert f"Version {commits['first']} of 15 January 2026." in old
    assert f"Version {commits['second']} of 2 March 2026." in new
    assert "2026-01-10 | AWS Lambda, AWS Batch, Amazon SageMaker" in old
