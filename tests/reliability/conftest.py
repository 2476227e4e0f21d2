"""Fixtures of the reliability tests: a second build of the guide with a short boot time limit,
so that time-outs are tested in seconds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.project import make_project
from tests.sitetools import serve

#: plugins.advisor.boot_timeout of the quick site: well above a cold boot on a 2-core machine
#: (2 s idle, 10 s and more when it is busy), half the default 30 s.
QUICK_TIMEOUT = 15


@pytest.fixture(scope="session")
def quick_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide built from a copy of its config with `boot_timeout: QUICK_TIMEOUT`."""
    project = make_project(tmp_path_factory.mktemp("quick"), boot_timeout=QUICK_TIMEOUT)
    result = project.build()
    assert result.returncode == 0, result.stderr
    return project.root / "site"


@pytest.fixture(scope="session")
def quick_url(quick_site: Path) -> Iterator[str]:
    with serve(quick_site) as url:
        yield url
