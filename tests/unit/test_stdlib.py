"""The engine runs on the standard library alone (as in Pyodide): no PyYAML, no CLI."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from plugin.runtime import NOT_FOR_BROWSER, browser_sources
from tests.unit.helpers import REPO

PACKAGE = REPO / "advisor"
ENTRY_POINTS = ("__init__.py", "web.py")  # `import advisor`, and what the worker calls


def imports(package: Path, path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (lazy imports too), as dotted names;
    `from advisor import x` counts as `advisor.x` when x is a module of the package."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: inside the advisor package
                module = "advisor" + (f".{module}" if module else "")
            found.add(module)
            if module == "advisor":
                found |= {f"advisor.{a.name}" for a in node.names
                          if (package / f"{a.name}.py").is_file()}
    return found


def module_file(name: str) -> str | None:
    """`advisor.x` -> `x.py` for a module of the package, else None."""
    parts = name.split(".")
    return f"{parts[1]}.py" if parts[0] == "advisor" and len(parts) > 1 else None


def browser_problems(package: Path) -> list[str]:
    """What is wrong with the split between the browser's modules and the terminal's: the
    shipped modules (all but NOT_FOR_BROWSER) must import only the standard library and other
    shipped modules, and must be exactly those the worker's entry points import, directly or
    not (a module only the terminal or the build uses would otherwise ship unnoticed)."""
    shipped = {p.name for p in browser_sources(package)}
    problems = []
    for name in sorted(shipped):
        for imported in sorted(imports(package, package / name)):
            top = imported.split(".")[0]
            if top != "advisor" and top not in sys.stdlib_module_names:
                problems.append(f"{name} ships to the browser and imports {imported}, which "
                                "Pyodide lacks")
            elif module_file(imported) in NOT_FOR_BROWSER:
                problems.append(f"{name} ships to the browser and imports {imported}, which "
                                "plugin/runtime.py keeps out of it (NOT_FOR_BROWSER)")
    needed: set[str] = set()
    todo = list(ENTRY_POINTS)
    while todo:
        name = todo.pop()
        if name not in needed and name in shipped:
            needed.add(name)
            todo += [m for m in map(module_file, imports(package, package / name)) if m]
    problems += [f"{name} ships to the browser, but neither __init__.py nor web.py needs it: "
                 "add it to NOT_FOR_BROWSER in plugin/runtime.py"
                 for name in sorted(shipped - needed)]
    return problems


def test_the_browser_gets_what_it_needs_and_nothing_else() -> None:
    assert {p.name for p in PACKAGE.glob("*.py")} >= NOT_FOR_BROWSER, "a stale entry"
    assert browser_problems(PACKAGE) == []


def test_a_new_terminal_module_or_import_is_caught(tmp_path: Path) -> None:
    """The check above on a package with the two mistakes it exists for."""
    files = {
        "__init__.py": "from advisor.engine import recommend\n",
        "web.py": "import json\nfrom advisor import engine\n",
        "engine.py": "def recommend():\n    from advisor.cli import main  # a slip\n",
        "cli.py": "import argparse\nfrom advisor import terminal\n",
        "terminal.py": "import shutil\n",  # new, used by the CLI only, not listed
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert browser_problems(tmp_path) == [
        "engine.py ships to the browser and imports advisor.cli, which plugin/runtime.py keeps "
        "out of it (NOT_FOR_BROWSER)",
        "terminal.py ships to the browser, but neither __init__.py nor web.py needs it: add it "
        "to NOT_FOR_BROWSER in plugin/runtime.py",
    ]


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
