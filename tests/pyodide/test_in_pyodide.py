"""The engine inside real Pyodide under Node: its unit tests pass there, and it answers exactly
as CPython does on every answer path of the shipped models.

One Node process (`run.mjs`, one Pyodide boot) does both: it writes the equivalence snapshot of
the models (read here with PyYAML, passed as JSON) and runs tests/unit with pytest. The tests
below check its exit status, its report and the snapshot against the same snapshot made here.
Each runs twice: on a stock boot, and on an interpreter booted from the memory snapshot the
quiz's worker boots from (plugin/snapshot.py), whose advisor modules were imported at build time
(there every property test draws a fifth of its examples, and the equivalence snapshot keeps
to the answer paths and states: the other inputs were explored on the first).
Skipped only when `node` or `node_modules/pyodide` is missing; `bash scripts/test.sh` sets both
up, and the wheels Pyodide needs (`.cache/pyodide-wheels/`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from advisor.source import read_model_file
from tests.pyodide.equivalence import counts, differences, snapshot, without_combinations

pytestmark = pytest.mark.pyodide

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO / "tests" / "pyodide" / "run.mjs"
PYODIDE = REPO / "node_modules" / "pyodide" / "pyodide.mjs"
WHEELS = REPO / ".cache" / "pyodide-wheels"
MODELS = {name: REPO / "docs" / "models" / f"{name}.yml" for name in ("orchestration", "adoption")}
TIMEOUT = 600  # seconds; the run takes 30 s on an idle 2-core machine, 90 s on a busy one
RUN_AT_LEAST = 0.8  # of the unit tests run (not skipped) inside Pyodide
SNAPSHOT_EXAMPLES = 0.2  # the share of each property test's examples the second run draws


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float
    report: dict[str, Any]
    snapshot: dict[str, Any] | None
    every_combination: bool  # the equivalence snapshot holds every combination of answers

    def explain(self) -> str:
        tail = "\n".join(self.output.splitlines()[-150:])
        return f"run.mjs exited {self.returncode} after {self.seconds:.1f} s:\n{tail}"


def memory_snapshot(models: dict[str, Any]) -> list[str]:
    """run.mjs's arguments for the memory snapshot of the advisor and these models, as the
    plugin makes it, and the trimmed standard library it was made with."""
    import advisor  # noqa: PLC0415
    from plugin.runtime import RuntimeVerifier, build_archive  # noqa: PLC0415
    from plugin.snapshot import SnapshotMaker  # noqa: PLC0415

    runtime = RuntimeVerifier().verify(PYODIDE.parent)
    payloads = [json.dumps(data, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":")).encode() for data in models.values()]
    maker = SnapshotMaker()
    made = maker.get(runtime, build_archive(Path(advisor.__file__).parent), payloads)
    assert made is not None, maker.error
    return ["--memory-snapshot", str(made.cached), "--stdlib", str(made.stdlib.cached)]


@pytest.fixture(scope="module")
def models() -> dict[str, Any]:
    """What the browser gets: the shipped models read in CPython, as JSON."""
    return {
        name: json.loads(json.dumps(read_model_file(path)[0])) for name, path in MODELS.items()
    }


@pytest.fixture(scope="module")
def cpython(models: dict[str, Any]) -> dict[str, Any]:
    """The equivalence snapshot made here, once for both runs (4 s: 14,000 answer sets)."""
    return snapshot(models)


@pytest.fixture(scope="module", params=["stock boot", "memory snapshot"])
def pyodide_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                models: dict[str, Any]) -> Run:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the engine cannot be run in Pyodide here")
    if not PYODIDE.exists():
        pytest.skip("node_modules/pyodide is missing: run `npm ci` (bash scripts/setup.sh)")
    assert any(WHEELS.glob("pytest-*.whl")), (
        f"no pytest wheel in {WHEELS}: run `bash scripts/setup.sh` to fetch the wheels"
    )
    work = tmp_path_factory.mktemp("pyodide")
    (work / "models.json").write_text(json.dumps(models), encoding="utf-8")
    command = [
        node,
        str(RUNNER),
        "--models",
        str(work / "models.json"),
        "--snapshot",
        str(work / "snapshot.json"),
        "--report",
        str(work / "report.json"),
        # The second run checks the snapshot's interpreter on every answer path and state; the
        # 13,824 other combinations of answers were compared on the first (-7 s).
        *([*memory_snapshot(models), "--paths-only"] if request.param == "memory snapshot"
          else []),
        "--",
        "-q",
        "-rs",
        # The second run is about the snapshot's interpreter, not about more random inputs:
        # every property test runs, on a fifth of the examples the stock boot drew (-9 s).
        *(["--examples-share", str(SNAPSHOT_EXAMPLES)] if request.param == "memory snapshot"
          else []),
    ]
    start = time.monotonic()
    try:
        done = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
        returncode, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as err:
        out = (err.stdout or b"") + (err.stderr or b"")
        text = out.decode(errors="replace") if isinstance(out, bytes) else out
        pytest.fail(f"run.mjs did not finish in {TIMEOUT} s:\n{text[-20_000:]}")
    seconds = time.monotonic() - start
    report = (
        json.loads((work / "report.json").read_text(encoding="utf-8"))
        if (work / "report.json").exists()
        else {}
    )
    snap = (
        json.loads((work / "snapshot.json").read_text(encoding="utf-8"))
        if (work / "snapshot.json").exists()
        else None
    )
    print(f"\nPyodide run ({request.param}): {seconds:.1f} s\n{output[-3000:]}")
    run = Run(returncode, output, seconds, report, snap, request.param == "stock boot")
    boot = report.get("boot", {})
    if request.param == "memory snapshot":
        # Booted from the snapshot: the advisor was there before run.mjs gave Python any file.
        assert boot.get("memorySnapshot") is True, run.explain()
        assert "advisor.web" in boot.get("preloaded", []), run.explain()
        assert report.get("examples_share") == SNAPSHOT_EXAMPLES, run.explain()
    else:
        assert boot.get("preloaded") == [], run.explain()
        assert report.get("examples_share") == 1, run.explain()
    return run


def test_runs_on_python_314_in_emscripten(pyodide_run: Run) -> None:
    assert pyodide_run.snapshot is not None, pyodide_run.explain()
    assert pyodide_run.snapshot["python"].startswith("3.14."), pyodide_run.explain()
    assert pyodide_run.snapshot["platform"] == "emscripten"
    assert pyodide_run.report.get("platform") == "emscripten", pyodide_run.explain()


def test_unit_tests_pass_inside_pyodide(pyodide_run: Run) -> None:
    report = pyodide_run.report
    assert pyodide_run.returncode == 0, pyodide_run.explain()
    assert report, pyodide_run.explain()
    assert report["failed"] == report["errors"] == 0, pyodide_run.explain()
    ran = report["passed"]
    total = ran + report["skipped"]
    assert ran >= RUN_AT_LEAST * total, (
        f"only {ran} of {total} unit tests ran in Pyodide; skipped:\n"
        + "\n".join(f"{s['test']}: {s['reason']}" for s in report["skips"])
    )
    for skip in report["skips"]:
        assert skip["reason"], f"{skip['test']} skipped without a reason"


def test_shipped_models_are_clean_inside_pyodide(pyodide_run: Run) -> None:
    assert pyodide_run.snapshot is not None, pyodide_run.explain()
    for name, model in pyodide_run.snapshot["models"].items():
        assert model["check"] == [], f"advisor.check in Pyodide: {name}: {model['check']}"


def test_pyodide_answers_exactly_as_cpython(pyodide_run: Run, cpython: dict[str, Any]) -> None:
    assert pyodide_run.snapshot is not None, pyodide_run.explain()
    mine = cpython if pyodide_run.every_combination else without_combinations(cpython)
    theirs = pyodide_run.snapshot
    assert counts(theirs) == counts(mine)
    for name, sizes in counts(mine).items():
        assert sizes["paths"] > 0, name
        assert (sizes["all_answers"] > 0) is pyodide_run.every_combination, name
        assert mine["models"][name]["check"] == [], name
    found = differences(mine, theirs)
    assert not found, "CPython and Pyodide differ:\n" + "\n".join(found)
    assert theirs["models"]["orchestration"]["runtime"] == {
        "version": theirs["python"],
        "platform": "emscripten",
    }
