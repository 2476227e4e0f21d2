"""The engine runs on the standard library alone (as in Pyodide): no PyYAML, no CLI."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.helpers import REPO

PACKAGE = REPO / "advisor"
YAML_READERS = {"advisor.source", "advisor.cli", "advisor.__main__"}
ENGINE = sorted(p for p in PACKAGE.glob("*.py")
                if f"advisor.{p.stem}" not in YAML_READERS)


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: p.name)
def test_engine_modules_import_only_the_standard_library(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            assert name not in YAML_READERS, f"{path} imports {name}"
            assert top == "advisor" or top in sys.stdlib_module_names, f"{path} imports {name}"


def test_the_engine_works_with_pyyaml_missing(guide_data: dict[str, object]) -> None:
    script = (
        "import sys, json\n"
        "sys.modules['yaml'] = None  # any import of yaml now fails\n"
        "import advisor, advisor.web\n"
        "request = json.loads(sys.stdin.read())\n"
        "print(advisor.web.handle(json.dumps(request)))\n"
        "print(advisor.web.handle(json.dumps({'op': 'recommend', 'model': 'test-guide',\n"
        "    'answers': {'complexity': 'simple', 'owner': 'devops'}})))\n"
        "print(sorted(m for m in sys.modules if m.startswith('advisor')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps({"op": "load", "model": guide_data}),
        capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    load, result, modules = done.stdout.splitlines()
    assert json.loads(load)["ok"] is True
    assert json.loads(result)["result"]["recommendation"][0]["id"] == "codepipeline"
    assert "advisor.source" not in modules
    assert "advisor.cli" not in modules
