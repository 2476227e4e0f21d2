"""A temporary copy of the guide project, for builds that must differ from the real one: a
broken or hostile model, a tampered runtime, a short boot time limit.

The copy holds `docs/` and a `mkdocs.yml` derived from the real one; it points at the real
`node_modules/pyodide` unless told otherwise. It is built with the same `mkdocs build --strict`
as the real guide (`devtools.build_site`).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.sitetools import ROOT, build_site

PYODIDE = ROOT / "node_modules" / "pyodide"


@dataclass
class Project:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def write(self, relative: str, content: str | bytes) -> Path:
        """Write a file under docs/ (bytes as they are, text as UTF-8)."""
        path = self.docs / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def build(self, site: Path | None = None, timeout: float = 300,
              ) -> subprocess.CompletedProcess[str]:
        return build_site(site or self.root / "site", config=self.config, timeout=timeout)


def project_plugins() -> list[Any]:
    """The real mkdocs.yml's `plugins` list, read as MkDocs reads it (with `!ENV` tags)."""
    from mkdocs.utils.yaml import get_yaml_loader  # noqa: PLC0415

    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.load(text, Loader=get_yaml_loader())  # MkDocs' own loader: safe, with !ENV
    plugins: list[Any] = config["plugins"]
    return plugins


def advisor_options(plugins: list[Any]) -> dict[str, Any]:
    """The `advisor` plugin's options inside a plugins list (the same dict, for editing)."""
    for entry in plugins:
        if isinstance(entry, dict) and "advisor" in entry:
            options: dict[str, Any] = entry["advisor"]
            return options
    raise AssertionError("mkdocs.yml has no 'advisor' plugin entry")


def make_project(where: Path, **options: Any) -> Project:
    """Copy the guide's docs into `where`, with a mkdocs.yml that inherits the real one
    (`INHERIT`) and replaces only `docs_dir` and the advisor plugin's `options`."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "docs", where / "docs")
    plugins = project_plugins()
    advisor = advisor_options(plugins)
    advisor["runtime_dir"] = str(PYODIDE)
    # No .gz copies of the runtime: the real build's tests check them; a copy serves without.
    advisor["gzip"] = False
    # No memory snapshot unless the test asks for one (`snapshot=True`): the real build's tests
    # and tests/reliability/test_snapshot_boot.py check it, and on a fresh clone each project
    # whose models differ would make its own (a Node run of 4-5 s).
    advisor["snapshot"] = False
    advisor.update(options)
    config = {"INHERIT": str(ROOT / "mkdocs.yml"), "docs_dir": str(where / "docs"),
              "plugins": plugins}
    (where / "mkdocs.yml").write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return Project(where)
