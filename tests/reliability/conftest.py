"""Fixtures of the reliability tests: a second build of the guide with a short boot time limit,
so that time-outs are tested in seconds, served at the address it was built for (so that
Material's instant navigation works on it, as on the published guide)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from tests.reliability.project import make_project
from tests.sitetools import serve

#: plugins.advisor.boot_timeout of the quick site: well above a cold boot on a 2-core machine
#: (2 s idle, 10 s and more when it is busy), half the default 30 s.
QUICK_TIMEOUT = 15


@pytest.fixture(scope="session")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The guide built from a copy of its config with `boot_timeout: QUICK_TIMEOUT`, and the
    URL it is served at (also its `site_url`)."""
    project = make_project(tmp_path_factory.mktemp("quick"), boot_timeout=QUICK_TIMEOUT)
    site = project.root / "site"
    site.mkdir()
    with serve(site) as url:
        with mock.patch.dict(os.environ, {"GUIDE_SITE_URL": url}):
            result = project.build(site)
        assert result.returncode == 0, result.stderr
        yield site, url


@pytest.fixture(scope="session")
def quick_site(quick: tuple[Path, str]) -> Path:
    return quick[0]


@pytest.fixture(scope="session")
def quick_url(quick: tuple[Path, str]) -> str:
    return quick[1]
