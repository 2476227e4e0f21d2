"""The two-commit guide repository, made once per session (tests that change it copy it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.versioning.guiderepo import git, make_repo, mike


@pytest.fixture(scope="session")
def guide_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """`(repository, {"first": short id, "second": short id})`; do not modify it."""
    repo = tmp_path_factory.mktemp("guide-repo")
    return repo, make_repo(repo)


@pytest.fixture(scope="session")
def mike_repo(guide_repo: tuple[Path, dict[str, str]],
              tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A clone of the guide repository where `mike deploy` published the first commit as 1.0
    and the second as 2.0 (alias `latest`) onto a local gh-pages branch; nothing is pushed."""
    repo, commits = guide_repo
    clone = tmp_path_factory.mktemp("mike") / "guide"
    git(clone.parent, "clone", "-q", str(repo), str(clone))
    git(clone, "checkout", "-q", commits["first"])
    mike(clone, "deploy", "1.0")
    git(clone, "checkout", "-q", "main")
    mike(clone, "deploy", "2.0", "latest")
    return clone, commits
