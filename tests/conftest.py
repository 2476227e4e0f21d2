"""Shared fixtures: the real guide built once per test session and served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sitetools import build_site, launch_args, serve


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The guide as `mkdocs build --strict` writes it, served on 127.0.0.1 at a free port
    (the server starts first, so the build knows its address)."""
    site = tmp_path_factory.mktemp("site")
    with serve(site) as url:
        result = build_site(site, site_url=url)
        assert result.returncode == 0, f"mkdocs build failed:\n{result.stderr}"
        yield site, url


@pytest.fixture(scope="session")
def built_site(served_site: tuple[Path, str]) -> Path:
    return served_site[0]


@pytest.fixture(scope="session")
def site_url(served_site: tuple[Path, str]) -> str:
    return served_site[1]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at Debian's Chromium when it is there."""
    return {**browser_type_launch_args, **launch_args()}
