"""A second site for what the guide itself does not have: a page holding two quizzes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import yaml

from tests.sitetools import ROOT, build_site, load_config_data, serve


@pytest.fixture(scope="session")
def two_quiz_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The guide plus a page `two/` with both quizzes on it, built and served."""
    work = tmp_path_factory.mktemp("two")
    shutil.copytree(ROOT / "docs", work / "docs")
    (work / "docs" / "two.md").write_text(
        "# Two quizzes\n\n<!-- advisor: orchestration -->\n\n## The other one\n\n"
        "<!-- advisor: adoption -->\n",
        encoding="utf-8",
    )
    with serve(work / "site") as url:
        config = load_config_data(ROOT / "mkdocs.yml")
        config["site_url"] = url
        config["nav"].append({"Two quizzes": "two.md"})
        config["plugins"][1]["advisor"]["runtime_dir"] = str(ROOT / "node_modules" / "pyodide")
        (work / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        result = build_site(work / "site", config=work / "mkdocs.yml")
        assert result.returncode == 0, result.stderr
        yield url
