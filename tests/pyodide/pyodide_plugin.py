"""pytest plugin for the engine's unit tests inside Pyodide (`-p tests.pyodide.pyodide_plugin`).

`tests/pyodide/run.mjs` loads it; CPython's pytest never does. It skips, each with its reason,
only what cannot run in a browser's Python:

- tests marked `cpython_only` (the marker is registered in pyproject.toml);
- tests whose function or fixtures start processes (`subprocess`, `sys.executable`, ...),
  directly or through a helper function of their module: Pyodide has no processes;
- test modules importing a package that is not installed in Pyodide (run.mjs installs pytest,
  hypothesis and PyYAML's pure-Python code, nothing else).

It also writes a JSON summary (counts, and every skip with its reason) to the file given by
`--pyodide-report`, which run.mjs hands back to the caller. `--examples-share 0.2` makes the
property tests draw a fifth of their examples (`tests.unit.helpers.examples`).
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.helpers import EXAMPLES_SHARE

# What starts a process, as code (not in strings): these modules, and these attributes.
PROCESS_MODULES = {"subprocess", "multiprocessing", "pty", "concurrent.futures.process"}
PROCESS_ATTRIBUTES = {
    "sys": ("executable",),
    "os": ("system", "fork", "spawn", "exec", "popen", "posix_spawn"),
}
PROCESSES = "starts a process: Pyodide has no processes"
_counts: dict[str, int] = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
_skips: list[dict[str, str]] = []
_failures: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--pyodide-report", default=None, help="write a JSON summary of the run to this file"
    )
    parser.addoption(
        "--examples-share", type=float, default=None,
        help="draw this share (0 to 1) of each property test's examples (tests.unit.helpers)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cpython_only: cannot run inside Pyodide")
    share = config.getoption("--examples-share")
    if share is not None:
        if not 0 < share <= 1:
            raise pytest.UsageError(f"--examples-share {share}: give a share from 0 to 1")
        # Read when the test modules are imported, which is after this.
        os.environ[EXAMPLES_SHARE] = str(share)


def _missing_import(path: Path) -> str | None:
    """The first top-level package a test module imports that this interpreter lacks."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None  # let pytest report it
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    for name in names:
        top = name.split(".")[0]
        if top in sys.builtin_module_names or top in sys.modules:
            continue
        if importlib.util.find_spec(top) is None:
            return top
    return None


class _SkippedModule(pytest.Module):
    reason = ""

    def collect(self) -> Any:
        pytest.skip(self.reason)


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> Any:
    if not module_path.name.startswith("test_"):
        return None
    missing = _missing_import(module_path)
    if missing is None:
        return None
    module = _SkippedModule.from_parent(parent, path=module_path)
    module.reason = f"imports {missing}, which is not installed in Pyodide"
    return module


_spawners_of: dict[str, set[str]] = {}


def _starts_process(node: ast.AST) -> bool:
    """`os.system`, `os.fork...`, `sys.executable`, ... as code."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.attr.startswith(PROCESS_ATTRIBUTES.get(node.value.id, ("\0",)))
    )


def _spawners(module: object) -> set[str]:
    """Names of the module's functions (top level, or methods of its classes) that start
    processes, directly or through another such function (a `run()` helper calling
    `subprocess.run`)."""
    name = getattr(module, "__name__", "")
    if name in _spawners_of:
        return _spawners_of[name]
    try:
        tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    except (OSError, TypeError, SyntaxError):
        tree = ast.Module(body=[], type_ignores=[])
    # Names bound to process modules or their functions (`import subprocess`,
    # `from subprocess import run`) anywhere in the module.
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound |= {
                a.asname or a.name.split(".")[0] for a in node.names if a.name in PROCESS_MODULES
            }
        elif isinstance(node, ast.ImportFrom) and node.module in PROCESS_MODULES:
            bound |= {a.asname or a.name for a in node.names}
    uses: dict[str, set[str]] = {}
    found: set[str] = set()
    defs = [*tree.body, *(n for c in tree.body if isinstance(c, ast.ClassDef) for n in c.body)]
    for node in defs:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if names & bound or any(_starts_process(n) for n in ast.walk(node)):
                found.add(node.name)
            uses[node.name] = names
    changed = True
    while changed:
        grown = {f for f, names in uses.items() if names & found} - found
        found |= grown
        changed = bool(grown)
    _spawners_of[name] = found
    return found


def _starts_processes(item: pytest.Item) -> bool:
    funcs: list[Any] = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    if info is not None:
        for defs in info.name2fixturedefs.values():
            funcs += [d.func for d in defs]
    for found in funcs:
        if found is None:
            continue
        func = inspect.unwrap(found)
        module = inspect.getmodule(func)
        if module is not None and getattr(func, "__name__", "") in _spawners(module):
            return True
    return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("cpython_only"):
            item.add_marker(pytest.mark.skip(reason="marked cpython_only"))
        elif _starts_processes(item):
            item.add_marker(pytest.mark.skip(reason=PROCESSES))


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.skipped:
        _counts["skipped"] += 1
        _skips.append({"test": report.nodeid, "reason": _reason(report)})
    elif report.failed:
        _counts["errors"] += 1
        _failures.append(report.nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        _counts["passed"] += 1
    elif report.failed:
        _counts["failed" if report.when == "call" else "errors"] += 1
        _failures.append(report.nodeid)
    elif report.skipped:
        _counts["skipped"] += 1
        _skips.append({"test": report.nodeid, "reason": _reason(report)})


def pytest_unconfigure(config: pytest.Config) -> None:
    path = config.getoption("--pyodide-report")
    if path:
        Path(path).write_text(
            json.dumps(
                {
                    **_counts,
                    "skips": _skips,
                    "failures": _failures,
                    "python": sys.version,
                    "platform": sys.platform,
                    "examples_share": config.getoption("--examples-share") or 1,
                },
                indent=1,
            ),
            encoding="utf-8",
        )
