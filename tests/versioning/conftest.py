"""The two-commit guide repository, made once per session (tests that change it copy it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.versioning.guiderepo import make_repo


@pytest.fixture(scope="session")
def guide_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """`(repository, {"first": short id, "second": short id})`; do not modify it."""
    repo = tmp_path_factory.mktemp("guide-repo")
    return repo, make_repo(repo)
