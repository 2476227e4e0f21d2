"""``python -m bench``: measure the reader's wait and the build's cost; print one table and
write the figures as JSON to bench/results/ (see docs/performance.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from advisor import enumerate_paths
from advisor.source import load_model_file
from bench import browser, build, engine, snapshot
from bench.floor import write_floor
from bench.report import Row, fmt, markdown, stats, table
from bench.server import serve
from devtools import build_site

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MODEL = "orchestration"
READ_MS = 1000


# ------------------------------------------------------------------------------- set-up


def build_guide(site: Path, base: str) -> None:
    """`mkdocs build --strict` of the guide, with `site_url` set to where it is served."""
    result = build_site(site, site_url=base)
    if result.returncode != 0:
        raise SystemExit(f"bench: mkdocs build failed:\n{result.stderr}")


def quiz_settings(site: Path) -> dict[str, Any]:
    text = (site / "quiz" / "index.html").read_text(encoding="utf-8")
    found = re.search(r'data-advisor-settings="([^"]*)"', text)
    if not found:
        raise SystemExit("bench: the built quiz page has no [data-advisor-settings]")
    return json.loads(html.unescape(found.group(1)))


def runtime_folder(site: Path) -> Path:
    folders = sorted((site / "assets" / "advisor").glob("pyodide-*"))
    if not folders:
        raise SystemExit("bench: the built site has no assets/advisor/pyodide-*/ folder")
    return folders[0]


Path_ = list[tuple[str, str]]


def answer_paths() -> tuple[Path_, Path_, list[Path_]]:
    """The longest path (the impatient reader), a five-answer path (the reader at one answer
    a second) and up to six paths spread over the model (warm latency)."""
    model = load_model_file(ROOT / "docs" / "models" / f"{MODEL}.yml").model
    paths = [list(p.steps) for p in enumerate_paths(model)]
    longest = max(paths, key=len)
    # The reader at one answer a second: the shortest path of at least five answers (enough
    # for Python to be warm by the last one; a longer one only makes the run longer).
    reader_path = min((p for p in paths if len(p) >= 5), key=len, default=longest)
    step = max(1, len(paths) // 6)
    spread = [paths[i] for i in range(0, len(paths), step)][:6]
    return longest, reader_path, spread


def write_gzip_copies(folder: Path) -> dict[str, dict[str, Any]]:
    """`FILE.gz` beside each runtime file that gzip -9 makes at least 10 % smaller (no
    timestamp in the header), as nginx's `gzip_static` wants. `python_stdlib.zip` is already
    compressed and gets none."""
    sizes = {}
    for name in build.RUNTIME_FILES:
        raw = (folder / name).read_bytes()
        packed = gzip.compress(raw, compresslevel=9, mtime=0)
        kept = len(packed) <= 0.9 * len(raw)
        if kept:
            (folder / f"{name}.gz").write_bytes(packed)
        sizes[name] = {"raw": len(raw), "gzip": len(packed), "written": kept}
    return sizes


# ------------------------------------------------------------------------------- browser


def browser_figures(base: str, state: Any, *, runs: int, tmp: Path, log: Any) -> dict[str, Any]:
    longest, reader_path, spread = answer_paths()
    out: dict[str, Any] = {"runs": [], "paths": {
        "immediate": longest, "reader": reader_path, "latency": spread}}
    with sync_playwright() as playwright:
        chrome = browser.Browser(playwright, tmp)
        for i in range(runs):
            run: dict[str, Any] = {}

            def floor_block(run: dict[str, Any] = run) -> None:
                with chrome.profile() as (_, page):
                    run["floor_cold"] = browser.floor_visit(page, base, state, chrome.cpu)
                    run["floor_warm"] = browser.floor_visit(page, base, state, chrome.cpu)

            def quiz_block(run: dict[str, Any] = run) -> None:
                with chrome.profile() as (_, page):
                    browser.reading(page, longest, 0)
                    run["quiz_cold"] = browser.quiz_immediate(
                        page, base, state, longest, chrome.cpu)
                    run["latency"] = browser.warm_latency(page, spread)
                    run["quiz_warm"] = browser.quiz_immediate(
                        page, base, state, longest, chrome.cpu)

            blocks = [floor_block, quiz_block]
            for block in blocks if i % 2 == 0 else reversed(blocks):
                block()
            with chrome.profile() as (context, home):
                # The home page first (a page without a quiz, cold), then the quiz as a reader
                # who came from it: the theme's files are cached, the runtime is not.
                run["home"] = browser.quiet_visit(home, base, state, 1500, cpu=chrome.cpu)
                page = context.new_page()
                browser.reading(page, reader_path, READ_MS)
                run["reader"] = browser.reader(page, base, state, reader_path)
            run["load_average"] = os.getloadavg()[0]
            out["runs"].append(run)
            log(f"  run {i + 1}/{runs} (load average {run['load_average']:.1f}): floor "
                f"{run['floor_cold']['ready_ms']:.0f} ms cold, "
                f"{run['floor_warm']['ready_ms']:.0f} ms warm; quiz first question "
                f"{run['quiz_cold']['first_question_ms']:.0f} ms cold, "
                f"{run['quiz_warm']['first_question_ms']:.0f} ms warm")
        with chrome.profile() as (_, page):
            out["quiz_idle"] = browser.quiet_visit(
                page, base + "quiz/", state, 0,
                until="() => { const s = document.querySelector('[data-advisor]')"
                      ".getAttribute('data-advisor-state');"
                      " return s === 'ready' || s === 'error' || performance.now() > 20000; }",
            )
        out["chromium"] = chrome.version
        out["foreign_requests"] = chrome.foreign
    return out


def gzip_figures(
    site: Path, floor: Path, *, runs: int, mbit: float, tmp: Path, log: Any,
) -> dict[str, Any]:
    """What `gzip_static` saves: bytes, and the floor's cold boot with and without the .gz
    copies, on localhost and behind a `mbit` Mbit/s link (a limit the server applies)."""
    sizes = write_gzip_copies(runtime_folder(site))
    variants = [("raw", False, None), ("gzip", True, None),
                (f"raw {mbit:g} Mbit/s", False, mbit), (f"gzip {mbit:g} Mbit/s", True, mbit)]
    results: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in variants}
    private: dict[str, Any] = {}
    with sync_playwright() as playwright:
        chrome = browser.Browser(playwright, tmp)
        for i in range(runs):
            for name, gz, limit in variants if i % 2 == 0 else reversed(variants):
                with serve(site, floor, gzip_static=gz, mbit_per_second=limit) as (base, state), \
                        chrome.profile() as (_, page):
                    results[name].append(browser.floor_visit(page, base, state))
            log(f"  gzip run {i + 1}/{runs}: " + ", ".join(
                f"{name} {results[name][-1]['ready_ms']:.0f} ms" for name, _, _ in variants))
        # A private window (Playwright's default context, in-memory cache): what a second
        # visit downloads again.
        for name, gz in (("raw", False), ("gzip", True)):
            with serve(site, floor, gzip_static=gz) as (base, state), \
                    browser.private_context(playwright) as page:
                first = browser.floor_visit(page, base, state)
                second = browser.floor_visit(page, base, state)
                private[name] = {"first_visit": first["bytes"], "second_visit": second["bytes"],
                                 "second_ready_ms": second["ready_ms"]}
    for name in build.RUNTIME_FILES:
        (runtime_folder(site) / f"{name}.gz").unlink(missing_ok=True)
    return {"sizes": sizes, "mbit": mbit, "floor": results, "private_window": private}


# ------------------------------------------------------------------------------- summary


def col(runs: list[dict[str, Any]], *keys: str) -> list[float | None]:
    out = []
    for run in runs:
        value: Any = run
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        out.append(value)
    return out


def rows_for(results: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    b = results.get("browser")
    if b:
        runs = b["runs"]
        n_imm = len(b["paths"]["immediate"])
        floor_cold = col(runs, "floor_cold", "ready_ms")
        floor_warm = col(runs, "floor_warm", "ready_ms")
        rows += [
            Row("floor", "Floor, cold cache: page start → Python ready", "ms", floor_cold),
            Row("floor", "Floor, warm cache", "ms", floor_warm),
            Row("1", "Quiz, cold: first answer → first question from Python", "ms",
                col(runs, "quiz_cold", "first_question_ms"), "floor cold", floor_cold, True,
                "≤ 1.10x floor", 1.10, "ratio"),
            Row("1", f"Quiz, cold: first answer → recommendation ({n_imm} answers, at once)",
                "ms", col(runs, "quiz_cold", "recommendation_ms"), "floor cold", floor_cold,
                True, "≤ 1.10x floor", 1.10, "ratio"),
            Row("1", "  of which Pyodide's boot in the quiz page (worker start → loadPyodide "
                "done)", "ms", col(runs, "quiz_cold", "breakdown", "load_pyodide_ms"),
                "floor's boot", col(runs, "floor_cold", "boot_ms"), True),
            Row("1", "  and after it (advisor package, model, first call, render)", "ms",
                col(runs, "quiz_cold", "breakdown", "after_pyodide_ms")),
            Row("1", "Browser CPU time, cold: quiz page start → result (every process)", "ms",
                col(runs, "quiz_cold", "cpu_ms"), "floor", col(runs, "floor_cold", "cpu_ms"),
                True),
            Row("1", "Browser CPU time, cold: home page (no quiz), load + 1.5 s", "ms",
                col(runs, "home", "cpu_ms")),
            Row("1", "Quiz, warm: first answer → first question from Python", "ms",
                col(runs, "quiz_warm", "first_question_ms"), "floor warm", floor_warm, True,
                "≤ 1.10x floor", 1.10, "ratio"),
            Row("1", f"Quiz, warm: first answer → recommendation ({n_imm} answers)", "ms",
                col(runs, "quiz_warm", "recommendation_ms"), "floor warm", floor_warm, True,
                "≤ 1.10x floor", 1.10, "ratio"),
            Row("2", f"Reader at 1 answer/s ({len(b['paths']['reader'])} answers): "
                "last answer → recommendation", "ms",
                col(runs, "reader", "last_answer_to_recommendation_ms"),
                "its Python call", col(runs, "reader", "last_call_ms"),
                target="≤ 50 ms", limit=50),
        ]
        samples = [s for run in runs for s in run["latency"]]
        rows += [
            Row("3", f"Warm: one answer → next question or result, in the DOM "
                f"({len(samples)} answers)", "ms", [s["dom"] for s in samples],
                "Python call", [s["python"] for s in samples], target="≤ 20 ms", limit=20),
            Row("3", "Warm: one answer → the next frame after it", "ms",
                [s["frame"] for s in samples]),
            Row("4", "Main thread: long tasks while Python boots (worker start → "
                "first question)", "ms", col(runs, "quiz_cold", "longtasks_boot_ms"),
                "floor", col(runs, "floor_cold", "longtasks_ms"), target="≤ 100 ms", limit=100),
            Row("4", "Main thread: long tasks, page start → first question from Python", "ms",
                col(runs, "quiz_cold", "longtasks_load_ms"), "home page (no quiz)",
                col(runs, "home", "longtasks_ms")),
            Row("5", "Bytes: home page (no quiz), everything", "B",
                col(runs, "home", "after_wait", "total")),
            Row("5", "Bytes: home page (no quiz), Pyodide files", "B",
                col(runs, "home", "after_wait", "pyodide"), target="0 B", limit=0),
        ]
        idle = b["quiz_idle"]
        rows += [
            Row("5", "Bytes: quiz page, no input, at the load event", "B",
                [idle["at_load"]["total"]]),
            Row("5", "Bytes: quiz page, no input, once idle (quiz in view starts Python)", "B",
                [idle["after_wait"]["total"]]),
            Row("5", "Bytes: quiz page after the result (cold)", "B",
                col(runs, "quiz_cold", "bytes", "total"), "floor page",
                col(runs, "floor_cold", "bytes", "total"), True),
        ]
    g = results.get("gzip")
    if g:
        raw = sum(v["raw"] for v in g["sizes"].values())
        packed = sum(v["gzip"] if v["written"] else v["raw"] for v in g["sizes"].values())
        fl = g["floor"]
        mbit = g["mbit"]
        rows += [
            Row("5", "Bytes: Pyodide files with gzip_static (.gz copies)", "B", [packed],
                "as is", [raw], True),
            Row("5", "Floor cold, localhost, with .gz copies", "ms",
                [r["ready_ms"] for r in fl["gzip"]], "as is",
                [r["ready_ms"] for r in fl["raw"]], True),
            Row("5", f"Floor cold at {mbit:g} Mbit/s, with .gz copies", "ms",
                [r["ready_ms"] for r in fl[f"gzip {mbit:g} Mbit/s"]], "as is",
                [r["ready_ms"] for r in fl[f"raw {mbit:g} Mbit/s"]], True),
            Row("5", "Private window, second visit: bytes downloaded again, .gz copies", "B",
                [g["private_window"]["gzip"]["second_visit"]["total"]], "as is",
                [g["private_window"]["raw"]["second_visit"]["total"]], True),
        ]
    sn = results.get("snapshot")
    if sn:
        rows += snapshot_rows(sn)
    bd = results.get("build")
    if bd:
        rows += [
            Row("6", f"Build (mkdocs build, CLI): with the plugin ({bd['pages_with_plugin']} "
                "pages)", "s", bd["cli_with_plugin_s"],
                f"plugin removed ({bd['pages_without_plugin']} pages)",
                bd["cli_without_plugin_s"], True, "≤ 1.3x", 1.3, "ratio"),
            Row("6", "Build (CLI): the plugin without its generated pages (the same "
                f"{bd['pages_without_plugin']} pages)", "s", bd["cli_plugin_no_generated_pages_s"],
                "plugin removed", bd["cli_without_plugin_s"], True, "≤ 1.3x", 1.3, "ratio"),
            Row("6", "Build in-process (no interpreter start-up): with the plugin", "s",
                bd["api_with_plugin_s"], "plugin removed", bd["api_without_plugin_s"], True),
        ]
        if bd.get("cli_without_plugin_theme_cache_s"):  # the plugin's own cost (bench/build.py)
            rows.append(Row(
                "6", "Build (CLI): with the plugin, against the build without it given the "
                "theme's template cache too", "s", bd["cli_with_plugin_s"],
                "plugin removed, theme cache", bd["cli_without_plugin_theme_cache_s"], True))
        for where, info in bd["rebuild"].items():
            label = "same file system" if where == "same_fs" else "another file system"
            steps = {s["build"]: s for s in info["steps"]}
            # A clean build empties the site folder, so it copies the runtime again (a clone
            # where the file system offers one): the site never links into node_modules.
            rows.append(Row(
                "7", f"Second build (clean), {label}: runtime bytes copied", "B",
                [steps["second (clean)"]["bytes_copied"]], "first build",
                [steps["first"]["bytes_copied"]]))
            rows.append(Row("7", f"Third build with --dirty, {label}: bytes copied", "B",
                            [steps["third (--dirty)"]["bytes_copied"]], target="0 B", limit=0))
        for row in bd.get("paths_series", []):
            # Build time against answer-path count (plugin/size.py): CPU seconds, which the
            # load of a shared machine does not inflate; past max_paths the build must stop.
            stopped = row["returncode"] != 0
            rows.append(Row(
                "7", f"Build of a model with {row['paths']:,} answer paths"
                + (" (over max_paths: stops)" if stopped else "") + ": CPU", "s",
                [row["cpu_s"]], "wall clock", [row["wall_s"]], target="≤ 10 s", limit=10))
    en = results.get("engine")
    if en:
        for item in en["shipped"] + en["synthetic"]:
            rows.append(Row(
                "9", f"check, {item['model']}: {item['paths']:,} paths "
                f"(longest {item['longest_path']})", "ms",
                [s * 1000 for s in item["check_s"]], "enumerate_paths",
                [s * 1000 for s in item["enumerate_s"]]))
    return rows


def snapshot_rows(sn: dict[str, Any]) -> list[Row]:
    """Cold first answer, snapshot against stock boot, at localhost and behind the link."""
    runs = sn["runs"]
    rows = []
    for net, snap_target, snap_limit in (("localhost", "≤ 0.50x floor", 0.5),
                                         (f"{sn['mbit']:g} Mbit/s", "≤ 1.00x floor", 1.0)):
        floor = col(runs, f"floor, {net}", "ready_ms")
        rows += [
            Row("8", f"Floor, cold, {net} (.gz copies): page start → Python ready", "ms", floor),
            Row("8", f"Quiz, cold, {net}, snapshot boot: first answer → first question", "ms",
                col(runs, f"quiz snapshot, {net}", "first_question_ms"), "floor", floor, True,
                snap_target, snap_limit, "ratio"),
            Row("8", f"Quiz, cold, {net}, stock boot: first answer → first question", "ms",
                col(runs, f"quiz stock, {net}", "first_question_ms"), "floor", floor, True),
            Row("8", f"Quiz, cold, {net}, snapshot boot: page start → first question", "ms",
                col(runs, f"quiz snapshot, {net}", "nav_to_first_question_ms"),
                "stock boot", col(runs, f"quiz stock, {net}", "nav_to_first_question_ms"), True),
        ]
    warm = col(runs, "floor, localhost, warm", "ready_ms")
    rows += [
        Row("8", "Floor, warm, localhost: page start → Python ready", "ms", warm),
        Row("8", "Quiz, warm, localhost, snapshot boot: first answer → first question", "ms",
            col(runs, "quiz snapshot, localhost, warm", "first_question_ms"), "floor warm", warm,
            True, "≤ 0.50x floor", 0.5, "ratio"),
        Row("8", "Quiz, warm, localhost, stock boot: first answer → first question", "ms",
            col(runs, "quiz stock, localhost, warm", "first_question_ms"), "floor warm", warm,
            True, "≤ 1.00x floor", 1.0, "ratio"),
    ]
    used = [run[f"quiz snapshot, {net}"].get("snapshot") for run in runs
            for net in ("localhost", f"{sn['mbit']:g} Mbit/s")]
    rows.append(Row("8", "Snapshot boots that used the snapshot (of all snapshot visits)", "",
                    [sum(u == "used" for u in used)], "visits", [len(used)]))
    kept = [run["quiz stock, localhost, warm"].get("snapshot") for run in runs]
    rows.append(Row("8", "Stock-boot page, warm: visits booted from the snapshot the first "
                    "visit kept in Cache Storage", "", [sum(k == "stored" for k in kept)],
                    "visits", [len(kept)]))
    rows.append(Row("8", "Bytes: snapshot, .gz copy", "B",
                    [v for k, v in sn["gzip_sizes"].items() if k.startswith("snapshot-")],
                    "runtime .gz copies", [sum(v for k, v in sn["gzip_sizes"].items()
                                               if not k.startswith("snapshot-"))], True))
    return rows


def details(results: dict[str, Any]) -> str:
    """Per-file bytes and the quiz's boot breakdown, printed after the table."""
    out = []
    b = results.get("browser")
    if b:
        first = b["runs"][0]
        listings = [
            ("home page (no quiz)", first["home"]["after_wait"]),
            ("quiz page, no input, at load", b["quiz_idle"]["at_load"]),
            ("quiz page, no input, once idle", b["quiz_idle"]["after_wait"]),
            ("quiz page after the result (cold)", first["quiz_cold"]["bytes"]),
            ("floor page (cold)", first["floor_cold"]["bytes"]),
        ]
        for title, summary in listings:
            out.append(f"\nBytes, {title}: {fmt(summary['total'], 'B')} in "
                       f"{summary['requests']} responses")
            for path, info in sorted(summary["files"].items(), key=lambda kv: -kv[1]["bytes"]):
                extra = f" x{info['requests']}" if info["requests"] > 1 else ""
                out.append(f"  {info['bytes']:>10,}  {path}{extra}")
        parts: dict[str, list[float]] = {}
        for run in b["runs"]:
            for key, value in (run["quiz_cold"].get("breakdown") or {}).items():
                if value is not None:
                    parts.setdefault(key, []).append(value)
        if parts:
            out.append("\nQuiz, cold: where the wait goes (median of runs)")
            for key, values in parts.items():
                out.append(f"  {statistics.median(values):>8.1f} ms  {key}")
        starts = [(r["quiz_cold"]["worker_created_ms"], r["quiz_cold"]["interaction_ms"],
                   r["floor_cold"]["worker_created_ms"]) for r in b["runs"]]
        out.append("\nQuiz, cold: worker started at {:.0f} ms, first answer at {:.0f} ms "
                   "(floor worker at {:.0f} ms), medians".format(
                       *(statistics.median(x) for x in zip(*starts, strict=False))))
        if b["foreign_requests"]:
            out.append(f"\nRequests that left 127.0.0.1: {b['foreign_requests']}")
    bd = results.get("build")
    if bd:
        out.append("\nBuild, in-process, time inside the plugin (mean of diagnostic builds)")
        for key, value in sorted(bd["plugin_parts_s"].items(), key=lambda kv: -kv[1]):
            out.append(f"  {value * 1000:>8.1f} ms  {key}")
        for key, value in bd["plugin_hooks_s"].items():
            out.append(f"  {value * 1000:>8.1f} ms  on_{key} (whole hook)")
        nopages = stats(bd["api_plugin_no_generated_pages_s"])
        if nopages:
            out.append(f"  plugin with generate_pages: false: {nopages['median']:.2f} s "
                       "in-process (median)")
    return "\n".join(out)


# ------------------------------------------------------------------------------- main


def environment() -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                           text=True, check=False).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit + (" (uncommitted changes)" if dirty else ""),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_start": os.getloadavg(),
    }


def section(results: dict[str, Any], name: str, log: Any, measure: Any) -> None:
    """Run one part; if it fails, say so and keep the others."""
    try:
        results[name] = measure()
    except Exception as error:  # a benchmark reports what it could measure
        log(f"{name} figures failed: {type(error).__name__}: {error}")
        results.setdefault("errors", {})[name] = f"{type(error).__name__}: {error}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per browser figure (5)")
    parser.add_argument("--quick", action="store_true", help="2 runs, 1 for gzip")
    parser.add_argument("--mbit", type=float, default=40.0,
                        help="link speed for the gzip comparison, Mbit/s (40)")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["browser", "snapshot", "gzip", "build", "engine"],
                        help="leave a part out (repeatable)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON")
    args = parser.parse_args(argv)
    runs = 2 if args.quick else max(1, args.runs)
    gzip_runs = 1 if args.quick else max(1, min(runs, 2))
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    results: dict[str, Any] = {"environment": environment(), "runs": runs}
    tmp = Path(tempfile.mkdtemp(prefix="guide-bench-"))
    try:
        site = tmp / "site"
        site.mkdir()
        floor_dir = tmp / "floor"
        with serve(site, floor_dir) as (base, state):
            log(f"building the guide for {base}")
            build_guide(site, base)
            settings = quiz_settings(site)
            write_floor(floor_dir, "/" + runtime_folder(site).relative_to(site).as_posix() + "/",
                        settings["lock"])
            if "browser" not in args.skip:
                log(f"browser figures, {runs} runs")
                section(results, "browser", log, lambda: browser_figures(
                    base, state, runs=runs, tmp=tmp, log=log))
        if "snapshot" not in args.skip:
            log(f"snapshot figures, {runs} runs, localhost and {args.mbit:g} Mbit/s")
            section(results, "snapshot", log, lambda: snapshot.measure(
                site, floor_dir, answer_paths()[0], runs=runs, mbit=args.mbit, tmp=tmp,
                log=log))
        if "gzip" not in args.skip:
            log(f"gzip_static figures, {gzip_runs} run(s)")
            section(results, "gzip", log, lambda: gzip_figures(
                site, floor_dir, runs=gzip_runs, mbit=args.mbit, tmp=tmp, log=log))
        if "build" not in args.skip:
            log("build figures")
            section(results, "build", log, lambda: build.measure(runs, tmp))
        if "engine" not in args.skip:
            log("engine figures")
            section(results, "engine", log, lambda: engine.measure(runs))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["environment"]["load_average_end"] = os.getloadavg()
    results["environment"]["seconds"] = time.perf_counter() - started
    if results.get("browser"):
        results["environment"]["chromium"] = results["browser"]["chromium"]

    rows = rows_for(results)
    results["table"] = [row.summary() for row in rows]
    results["markdown"] = markdown(rows)
    env = results["environment"]
    print(f"\nGuide benchmarks, {env['date']}, commit {env['commit']}, {runs} runs, "
          f"Chromium {env.get('chromium', '?')}, {env['cpus']} CPUs, load average "
          f"{env['load_average_start'][0]:.1f} → {env['load_average_end'][0]:.1f}\n")
    print(table(rows))
    print(details(results))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (args.out / name).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    for name, error in results.get("errors", {}).items():
        print(f"\n{name} figures failed: {error}")
    print(f"\nJSON: {args.out / f'bench-{stamp}.json'} (and latest.json); "
          f"{env['seconds']:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
