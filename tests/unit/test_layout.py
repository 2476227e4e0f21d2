"""Who may import whom: the tests import the project, never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.unit.helpers import REPO

OUTSIDE_TESTS = sorted(
    p for folder in ("advisor", "plugin", "devtools", "bench", "scripts")
    for p in (REPO / folder).rglob("*.py")
)


@pytest.mark.parametrize("path", OUTSIDE_TESTS, ids=lambda p: str(p.relative_to(REPO)))
def test_nothing_outside_tests_imports_tests(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] != "tests", (
                f"{path.relative_to(REPO)} imports {name}: shared code belongs in devtools/")
