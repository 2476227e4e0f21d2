"""Who may import whom: the tests import the project, never the other way round."""

from __future__ import annotations

import ast

import pytest

from tests.unit.helpers import REPO

OUTSIDE_TESTS = sorted(
    p for folder in ("advisor", "plugin", "devtools", "bench", "scripts")
    for p in (REPO / folder).rglob("*.py")
)


@pytest.mark.cpython_only  # the repository's other folders are not copied into Pyodide
def test_nothing_outside_tests_imports_tests() -> None:
    found = []
    for path in OUTSIDE_TESTS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            found += [f"{path.relative_to(REPO)} imports {name}" for name in names
                      if name.split(".")[0] == "tests"]
    assert len(OUTSIDE_TESTS) > 20
    assert not found, f"shared code belongs in devtools/: {found}"
