"""What lies in `docs/` beside the pages: model files the config does not list, raw model YAML,
symbolic link loops, and a plugin with no models at all.

- A model file on disk but not in `mkdocs.yml` was skipped without a word, and every
  `docs/models/*.yml` (listed or not, comments included) was published as raw YAML.
- A directory symlink loop in `docs/models` ended the build with an `OSError` traceback; a
  listed model that is a link loop was reported as "not found".
- A plugin with no models still required Pyodide, shipped 17 MB and stamped "unversioned
  build" into every footer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.reliability.project import Project, make_project
from tests.sitetools import ROOT, build_site


def build(project: Project, site: Path, *, strict: bool) -> subprocess.CompletedProcess[str]:
    """`mkdocs build`, with or without --strict (warnings stop only a strict build)."""
    return build_site(site, config=project.config, strict=strict)


def without_strict(project: Project) -> None:
    data = yaml.safe_load(project.config.read_text(encoding="utf-8"))
    data["strict"] = False
    project.config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_unlisted_models_are_named_and_raw_models_are_not_published(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    without_strict(project)
    unlisted = project.write("models/pricing.yml", "# draft: not ready\nschema: 1\nid: pricing\n")
    site = tmp_path / "site"
    done = build(project, site, strict=False)
    assert done.returncode == 0, done.stderr
    assert (
        "advisor: docs/models/pricing.yml is in a models folder but not listed under "
        "plugins.advisor.models, so it is not checked and has no pages and no quiz, and it is "
        "not published. Fix: add 'models/pricing.yml' to plugins.advisor.models in mkdocs.yml, "
        "or move it out of docs/models/."
    ) in done.stderr
    assert not list(site.rglob("*.yml")), "raw model YAML in the site"
    assert (site / "orchestration" / "paths" / "index.html").is_file()  # the pages are built
    assert build(project, tmp_path / "strict", strict=True).returncode == 1  # a warning

    unlisted.unlink()
    published = make_project(tmp_path / "q", publish_models=True)
    done = build(published, tmp_path / "site2", strict=True)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "site2" / "models").glob("*.yml")) == [
        "adoption.yml", "orchestration.yml"]


def test_a_directory_link_loop_in_the_models_folder_is_left_out(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    without_strict(project)
    (project.docs / "models" / "self").symlink_to(".")
    (project.docs / "models" / "loop").symlink_to("loop")
    site = tmp_path / "site"
    done = build(project, site, strict=False)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert "advisor: docs/models/self is a symbolic link loop" in done.stderr
    assert "advisor: docs/models/loop is a symbolic link loop" in done.stderr
    assert done.stderr.count("symbolic link loop") == 2
    assert not (site / "models").exists()


def test_a_listed_model_that_is_a_link_loop_is_named_as_one(tmp_path: Path) -> None:
    """Before: "was not found", which sends the author looking for a file that is there."""
    project = make_project(tmp_path / "p")
    model = project.docs / "models" / "orchestration.yml"
    model.unlink()
    model.symlink_to("orchestration.yml")
    done = project.build()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"{model}: the path is a symbolic link loop" in done.stderr
    assert "was not found" not in done.stderr


def test_a_plugin_without_models_does_nothing_but_warn(tmp_path: Path) -> None:
    """No runtime anywhere (no node_modules, no runtime_dir), a page without a marker."""
    root = tmp_path / "p"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# A site\n\nNo quiz here.\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: A site\nplugins:\n  - search\n  - advisor\n", encoding="utf-8")
    project = Project(root)
    site = tmp_path / "site"
    done = build(project, site, strict=False)
    assert done.returncode == 0, done.stderr
    assert "advisor: no models are listed under plugins.advisor.models, so the plugin does " \
           "nothing" in done.stderr
    assert not (site / "assets" / "advisor").exists()  # nothing shipped
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "Guide version" not in page
    assert "unversioned" not in page
    assert sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) < 3_000_000
    assert build(project, tmp_path / "strict", strict=True).returncode == 1  # a warning


def test_preparing_a_site_without_models_says_there_is_nothing_to_prepare(
    tmp_path: Path,
) -> None:
    """advisor-prepare (for Zensical) runs the plugin's hooks: before, an assertion failed."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# A site\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: A site\nwatch: [docs]\nplugins:\n  - advisor\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "plugin.prepare"], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "no models are listed under plugins.advisor.models, so there is nothing to " \
           "prepare" in done.stdout + done.stderr
