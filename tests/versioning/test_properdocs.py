"""The guide builds with ProperDocs, the maintained fork of MkDocs 1.6, through the plugin's
`properdocs.plugins` entry point, and its warnings still fail a strict build."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.sitetools import build_site
from tests.versioning.guiderepo import build, git_env


def test_properdocs_finds_the_plugin_under_its_own_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from properdocs.plugins import get_plugins\n"
         "ep = get_plugins()['advisor']\nprint(ep.group, ep.value)"],
        capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, "properdocs.plugins plugin.plugin:AdvisorPlugin\n")


def test_properdocs_builds_the_guide(tmp_path: Path) -> None:
    done = build_site(tmp_path, program="properdocs", env=git_env())
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if not line.startswith("INFO")] == []
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<meta name="generator" content="mkdocs-ProperDocs 1.6' in index
    assert re.search(r"Guide version [0-9a-f]{7,} \(\d{4}-\d\d-\d\d\)", index)
    for page, model in (("quiz", "orchestration"), ("adoption", "adoption")):
        quiz = (tmp_path / page / "index.html").read_text(encoding="utf-8")
        assert f'data-advisor-model="{model}"' in quiz, page
    for model in ("orchestration", "adoption"):
        for page in ("compare", "decision-tree", "paths", "changes"):
            assert (tmp_path / model / page / "index.html").is_file(), (model, page)
    assert (tmp_path / "assets" / "advisor" / "pyodide-314.0.7" / "pyodide.asm.wasm").is_file()


def test_stale_guidance_fails_a_strict_properdocs_build(
    guide_repo: tuple[Path, dict[str, str]], tmp_path: Path,
) -> None:
    repo, _ = guide_repo
    done = build(repo, tmp_path, today="2027-03-02", program="properdocs")
    assert done.returncode == 1
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 8, done.stderr
    assert "options[0].reviewed: option 'batch' was last reviewed on 2026-03-01" in warnings[0]
