"""The memory snapshot against the stock boot: cold first answer at localhost and behind a
link of N Mbit/s (Chromium's own network emulation, CDP ``Network.emulateNetworkConditions``),
with the ``.gz`` copies served as ``gzip_static`` serves them, all in one run.

Three pages per network, each in a fresh browser profile (cold cache), in alternating order:
the floor (a blank page that boots stock Pyodide), the quiz as built (boots from the snapshot)
and the same quiz page with the snapshot left out of its settings (``quiz-stock/``, written
beside ``quiz/`` so that every relative URL stays the same): the stock boot of the quiz.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from bench import browser
from bench.server import serve

STOCK_PAGE = "quiz-stock"
GZIP_NAMES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")


def write_stock_quiz(site: Path) -> None:
    """``quiz-stock/index.html``: the quiz page whose settings name no snapshot."""
    text = (site / "quiz" / "index.html").read_text(encoding="utf-8")

    def strip(match: re.Match[str]) -> str:
        settings = json.loads(html.unescape(match.group(1)))
        settings.pop("snapshot", None)
        return f'data-advisor-settings="{html.escape(json.dumps(settings, sort_keys=True))}"'

    text, count = re.subn(r'data-advisor-settings="([^"]*)"', strip, text)
    if count != 1:
        raise SystemExit("bench: the quiz page has no single [data-advisor-settings]")
    (site / STOCK_PAGE).mkdir(exist_ok=True)
    (site / STOCK_PAGE / "index.html").write_text(text, encoding="utf-8")


def ensure_gzip(site: Path) -> dict[str, int]:
    """The `.gz` copies the build makes (runtime and snapshot), made here if the build had
    `gzip: false`; their sizes."""
    runtime = next((site / "assets" / "advisor").glob("pyodide-*"))
    files = [runtime / name for name in GZIP_NAMES]
    files += list((site / "assets" / "advisor").glob("snapshot-*.bin"))
    sizes = {}
    for path in files:
        packed = path.with_name(path.name + ".gz")
        if not packed.exists():
            packed.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
        sizes[path.name] = packed.stat().st_size
    return sizes


def _emulate(context: Any, page: Any, mbit: float | None) -> None:
    if mbit is None:
        return
    rate = mbit * 1e6 / 8  # bytes per second
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 20, "downloadThroughput": rate, "uploadThroughput": rate})


def measure(
    site: Path, floor: Path, path: list[tuple[str, str]], *, runs: int, mbit: float,
    tmp: Path, log: Any,
) -> dict[str, Any]:
    write_stock_quiz(site)
    sizes = ensure_gzip(site)
    networks: list[tuple[str, float | None]] = [("localhost", None), (f"{mbit:g} Mbit/s", mbit)]
    pages = ["floor", "quiz snapshot", "quiz stock"]
    out: dict[str, Any] = {"mbit": mbit, "gzip_sizes": sizes, "runs": []}
    with sync_playwright() as playwright:
        chrome = browser.Browser(playwright, tmp)
        with serve(site, floor, gzip_static=True) as (base, state):
            for i in range(runs):
                run: dict[str, Any] = {}
                for net, limit in networks:
                    order = pages if i % 2 == 0 else list(reversed(pages))
                    for name in order:
                        with chrome.profile() as (context, page):
                            _emulate(context, page, limit)
                            if name != "floor":
                                browser.reading(page, path, 0)
                            # Cold, and at localhost warm too (the same page again).
                            for visit in ("cold", "warm") if limit is None else ("cold",):
                                figures = _visit(name, page, base, state, path=path, chrome=chrome)
                                run[f"{name}, {net}" + (", warm" if visit == "warm" else "")] \
                                    = figures
                run["load_average"] = os.getloadavg()[0]
                out["runs"].append(run)
                log(f"  snapshot run {i + 1}/{runs} (load average {run['load_average']:.1f}): "
                    + "; ".join(
                        f"{key} {_ms(value)}" for key, value in run.items()
                        if key != "load_average"))
    return out


def _visit(
    name: str, page: Any, base: str, state: Any, *, path: list[tuple[str, str]], chrome: Any,
) -> dict[str, Any]:
    if name == "floor":
        return browser.floor_visit(page, base, state, chrome.cpu)
    figures = browser.quiz_immediate(
        page, base, state, path, chrome.cpu,
        url=None if name == "quiz snapshot" else STOCK_PAGE + "/")
    boots = page.evaluate("window.__bench.bootPhases || null")
    figures["snapshot"] = (boots or {}).get("snapshot")
    return figures


def _ms(figures: dict[str, Any]) -> str:
    value = figures.get("ready_ms", figures.get("first_question_ms"))
    return f"{value:.0f} ms" if value is not None else "n/a"
