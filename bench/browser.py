"""What the reader waits for: the quiz and the floor page in Chromium, driven by Playwright.

Every timestamp is taken inside the page (``probe.js``: ``performance.now()``, milliseconds
since the navigation started), so Playwright's own round trips never enter a figure. Bytes come
from the server's log of the bodies it sent, which includes the worker's requests.

Cold cache: a fresh browser profile (a persistent context in a new temporary folder, so the
HTTP cache lives on disk as in a reader's browser). Warm cache: the same page visited again in
that profile. Playwright's default ``new_context()`` keeps its cache in memory, and that cache
does not keep the 9.6 MB ``pyodide.asm.wasm`` (it is downloaded again on every visit): it would
measure a private window, which ``gzip_figures`` (in ``__main__``) reports separately.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Playwright

from bench.server import FLOOR_PREFIX, Sent, ServerState
from devtools.browser import launch_args

PROBE = (Path(__file__).with_name("probe.js")).read_text(encoding="utf-8")
TIMEOUT_MS = 90_000
ADVISOR_WORKER = "/assets/advisor/worker-"

# A reader, injected before the quiz page's own scripts: as soon as the widget has bound
# itself to the quiz ([data-advisor-bound]), each question of the path is answered `delay` ms
# after it appears (the first one `delay` ms after binding), by a click on its radio button.
# The probe records the times. Pages without a quiz are left alone.
READER_SCRIPT = """
(() => {
  const plan = %s;
  const install = (root) => {
    const want = new Map(plan.path);
    const handled = new Set();
    const look = () => {
      for (const fieldset of root.querySelectorAll("fieldset[data-question]")) {
        const q = fieldset.getAttribute("data-question");
        if (handled.has(q) || !want.has(q)) continue;
        handled.add(q);
        const input = fieldset.querySelector(`input[value="${CSS.escape(want.get(q))}"]`);
        const answer = () => input.click();
        if (plan.delay > 0) setTimeout(answer, plan.delay); else answer();
      }
    };
    window.__benchAnswerer = new MutationObserver(look);
    window.__benchAnswerer.observe(root, { subtree: true, childList: true });
    look();
  };
  const wait = new MutationObserver(() => {
    const root = document.querySelector("[data-advisor][data-advisor-bound]");
    if (root) {
      wait.disconnect();
      install(root);
    }
  });
  wait.observe(document, { subtree: true, childList: true, attributes: true,
                           attributeFilter: ["data-advisor-bound"] });
})();
"""


# Once Python is warm: for each path, "Start over", then answer each step as soon as the
# previous answer has been rendered; time each answer to the next question or the result.
LATENCY = """
async (paths) => {
  if (window.__benchAnswerer) window.__benchAnswerer.disconnect();
  const B = window.__bench;
  const root = document.querySelector("[data-advisor]");
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const until = async (test, what) => {
    const started = performance.now();
    let value;
    while (!(value = test())) {
      if (performance.now() - started > 15000) throw new Error(`timed out waiting for ${what}`);
      await sleep(2);
    }
    return value;
  };
  const samples = [];
  for (const path of paths) {
    const restart = root.querySelector("[data-advisor-restart]");
    if (restart && !restart.disabled) restart.click();
    await until(() => root.querySelectorAll("fieldset[data-question]").length === 1
      && !root.querySelector("[data-recommendation]")
      && !root.querySelector("fieldset[data-question] input:checked")
      && root.getAttribute("data-advisor-state") === "ready", "the restart");
    await sleep(30);
    for (let k = 0; k < path.length; k++) {
      const [q, c] = path[k];
      const last = k === path.length - 1;
      const next = last ? null : path[k + 1][0];
      const mark = { added: B.added.length, recs: B.recs.length, posts: B.posts.length };
      const input = root.querySelector(
        `fieldset[data-question="${CSS.escape(q)}"] input[value="${CSS.escape(c)}"]`);
      const t0 = performance.now();
      input.click();
      const entry = await until(() => (last ? B.recs[mark.recs]
        : B.added.slice(mark.added).find((e) => e[1] === next)), `the answer to ${q}`);
      const frame = await until(() => (last ? entry[2] : entry[3]), "the next frame");
      const post = B.posts.slice(mark.posts).find((p) => p[3] === "call");
      const reply = post && B.replies.find((r) => r[1] === post[1] && r[2] === post[2]);
      samples.push({ question: q, last, dom: entry[0] - t0, frame: frame - t0,
                     python: reply ? reply[0] - post[0] : null });
      await sleep(20);
    }
  }
  return samples;
}
"""

WORKER_RESOURCES = """
() => [performance.timeOrigin, performance.getEntriesByType("resource").map((e) => [
  new URL(e.name).pathname, e.startTime, e.responseEnd, e.transferSize])]
"""


# ------------------------------------------------------------------------------- profiles

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 10.0


def cpu_ms(marker: str) -> float | None:
    """CPU time (user + system, ms) used so far by the browser processes whose command line
    holds `marker` (the profile folder): the browser, its renderers, GPU and network
    processes. Linux only; None elsewhere. A figure of work done, which other processes on
    the machine do not inflate the way they inflate wall-clock time."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    total = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() not in (entry / "cmdline").read_bytes():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total * TICK_MS


class Browser:
    """Launches a fresh Chromium profile per cold measurement and cleans it up."""

    def __init__(self, playwright: Playwright, tmp_root: Path) -> None:
        self.playwright = playwright
        self.tmp_root = tmp_root
        self.version = ""
        self.foreign: list[str] = []  # requests to anywhere but 127.0.0.1 (expected: none)
        self.folder = ""

    def cpu(self) -> float | None:
        """CPU ms used so far by the current profile's browser processes."""
        return cpu_ms(f"--user-data-dir={self.folder}") if self.folder else None

    def _watch(self, request: Any) -> None:
        url = request.url
        if not url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")):
            self.foreign.append(url)

    @contextlib.contextmanager
    def profile(self) -> Iterator[tuple[BrowserContext, Page]]:
        folder = Path(tempfile.mkdtemp(prefix="profile-", dir=self.tmp_root))
        self.folder = str(folder)
        context = self.playwright.chromium.launch_persistent_context(str(folder), **launch_args())
        try:
            if context.browser is not None:
                self.version = context.browser.version
            context.add_init_script(PROBE)
            context.on("request", self._watch)
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            yield context, page
        finally:
            context.close()
            self.folder = ""
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def private_context(playwright: Playwright) -> Iterator[Page]:
    """Playwright's default context: an in-memory cache, like a private window."""
    browser = playwright.chromium.launch(**launch_args())
    try:
        context = browser.new_context()
        context.add_init_script(PROBE)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page
    finally:
        browser.close()


# ------------------------------------------------------------------------------- helpers


def files(sent: list[Sent]) -> dict[str, dict[str, Any]]:
    """Body bytes per path, as sent by the server."""
    out: dict[str, dict[str, Any]] = {}
    for item in sent:
        entry = out.setdefault(item.path, {"bytes": 0, "requests": 0, "statuses": []})
        entry["bytes"] += item.body
        entry["requests"] += 1
        entry["statuses"].append(int(item.status))
        if item.encoding:
            entry["encoding"] = item.encoding
    return out


def is_runtime(path: str) -> bool:
    return "/assets/advisor/pyodide-" in path


def byte_summary(sent: list[Sent]) -> dict[str, Any]:
    per_file = files(sent)
    runtime = sum(v["bytes"] for k, v in per_file.items() if is_runtime(k))
    return {
        "total": sum(v["bytes"] for v in per_file.values()),
        "pyodide": runtime,
        "requests": sum(v["requests"] for v in per_file.values()),
        "repeated": sorted(k for k, v in per_file.items() if v["requests"] > 1),
        "files": per_file,
    }


def overlap(longtasks: list[list[float]], start: float, end: float) -> float:
    """Milliseconds of long tasks inside [start, end]."""
    total = 0.0
    for begin, duration in longtasks:
        total += max(0.0, min(end, begin + duration) - max(start, begin))
    return total


def _settle(page: Page) -> dict[str, Any]:
    page.wait_for_timeout(150)  # let the last frame and long-task entries arrive
    return page.evaluate("window.__bench")


# ------------------------------------------------------------------------------- the floor


def _cpu(cpu: Any) -> float | None:
    return cpu() if cpu is not None else None


def _spent(cpu: Any, before: float | None) -> float | None:
    after = _cpu(cpu)
    return after - before if after is not None and before is not None else None


def floor_visit(page: Page, base: str, state: ServerState, cpu: Any = None) -> dict[str, Any]:
    """Open the floor page and wait until Python has run `import sys` in its worker. `cpu`
    (`Browser.cpu`) adds the browser's CPU time for the visit."""
    mark = state.mark()
    before = _cpu(cpu)
    page.goto(base + FLOOR_PREFIX.lstrip("/"))
    page.wait_for_function("() => document.documentElement.dataset.state", timeout=TIMEOUT_MS)
    spent = _spent(cpu, before)
    floor = page.evaluate("window.__floor")
    probe = _settle(page)
    if floor.get("error") or not (floor.get("reply") or {}).get("ok"):
        raise RuntimeError(f"the floor page failed: {floor}")
    return {
        "ready_ms": floor["ready"],
        "boot_ms": floor["ready"] - floor["created"],
        "worker_created_ms": floor["created"],
        "longtasks_ms": overlap(probe["longtasks"], 0, floor["ready"]),
        "cpu_ms": spent,
        "bytes": byte_summary(state.since(mark)),
    }


# ------------------------------------------------------------------------------- the quiz


def _advisor_times(probe: dict[str, Any]) -> dict[str, float | None]:
    workers = [w for w in probe["workers"] if ADVISOR_WORKER in w[1]]
    if not workers:
        return {"worker_created_ms": None}
    url = workers[0][1]
    posts = [p for p in probe["posts"] if p[1] == url]
    replies = {r[2]: r[0] for r in probe["replies"] if r[1] == url}

    def span(op: str) -> tuple[float | None, float | None]:
        post = next((p for p in posts if p[3] == op), None)
        if post is None:
            return None, None
        return post[0], replies.get(post[2])

    boot = span("boot")
    load = span("load")
    call = span("call")

    def took(pair: tuple[float | None, float | None]) -> float | None:
        return pair[1] - pair[0] if pair[0] is not None and pair[1] is not None else None

    return {
        "worker_created_ms": workers[0][0],
        "boot_posted_ms": boot[0],
        "boot_done_ms": boot[1],
        "load_done_ms": load[1],
        "load_ms": took(load),
        "first_call_ms": took(call),
        "first_call_done_ms": call[1],
    }


def _worker_resources(page: Page, page_origin: float) -> dict[str, list[float]]:
    """Fetch start and end of each file the advisor worker loaded, on the page's clock."""
    for worker in page.workers:
        if ADVISOR_WORKER in worker.url:
            try:
                origin, entries = worker.evaluate(WORKER_RESOURCES)
            except Exception:  # a diagnostic; the figures do not need it
                return {}
            shift = origin - page_origin
            return {path: [start + shift, end + shift, size]
                    for path, start, end, size in entries}
    return {}


def reading(page: Page, path: list[tuple[str, str]], delay_ms: int) -> None:
    """Make every later quiz page of `page` answer `path` by itself (see READER_SCRIPT)."""
    page.add_init_script(READER_SCRIPT % json.dumps({"path": path, "delay": delay_ms}))


def quiz_immediate(
    page: Page, base: str, state: ServerState, path: list[tuple[str, str]], cpu: Any = None,
    *, url: str | None = None,
) -> dict[str, Any]:
    """The impatient reader (`page` prepared with `reading(page, path, 0)`): answers the first
    question the moment the widget can take it, and every later one the moment it appears.
    `cpu` (`Browser.cpu`) adds the browser's CPU time from the page's start to the result;
    `url` is the quiz page's path (default ``quiz/``)."""
    mark = state.mark()
    before = _cpu(cpu)
    page.goto(base + (url or "quiz/"), wait_until="domcontentloaded")
    page.wait_for_function(
        "() => document.querySelector('[data-recommendation]')"
        " || document.querySelector('[data-advisor-state=error]')",
        timeout=TIMEOUT_MS,
    )
    spent = _spent(cpu, before)
    probe = _settle(page)
    if not probe["recs"]:
        raise RuntimeError("the quiz ended in its error state")
    page_origin = page.evaluate("performance.timeOrigin")
    resources = _worker_resources(page, page_origin)
    dcl = page.evaluate(
        "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
    )
    times = _advisor_times(probe)
    click = next(c for c in probe["changes"] if c[1] == path[0][0])[0]
    second = path[1][0] if len(path) > 1 else None
    served = next((a for a in probe["added"] if a[1] == second and a[0] > click), None)
    rec = probe["recs"][0]
    first_question = served[0] if served else rec[0]
    boot_start = times["worker_created_ms"] or 0.0
    zip_fetch = next((v for k, v in resources.items() if k.endswith(".zip")
                      and "/advisor-" in k), None)
    model_fetch = next((v for k, v in resources.items() if "/models/" in k), None)
    breakdown = {}
    phases = probe.get("bootPhases")  # measured inside the worker (worker.mjs boot())
    if phases and zip_fetch and times["boot_done_ms"] is not None:
        pyodide_ready = times["boot_done_ms"] - phases["waitPackageMs"] - phases["unpackImportMs"]
        breakdown = {
            "load_pyodide_ms": phases["loadPyodideMs"],
            "advisor_zip_fetch_ms": zip_fetch[1] - zip_fetch[0],  # overlaps the boot
            "wait_for_zip_after_pyodide_ms": phases["waitPackageMs"],
            "unpack_and_import_ms": phases["unpackImportMs"],
            "model_fetch_ms": (model_fetch[1] - model_fetch[0]) if model_fetch else None,
            "load_ms": times["load_ms"],
            "first_call_ms": times["first_call_ms"],
            "render_ms": (first_question - times["first_call_done_ms"])
            if times["first_call_done_ms"] is not None else None,
            "after_pyodide_ms": first_question - pyodide_ready,
        }
    return {
        "dcl_ms": dcl,
        "interaction_ms": click,
        **times,
        "first_question_ms": first_question - click,
        "first_question_frame_ms": ((served[3] if served else rec[2]) or first_question) - click,
        "nav_to_first_question_ms": first_question,
        "recommendation_ms": rec[0] - click,
        "answers": len(path),
        "cpu_ms": spent,
        "longtasks_boot_ms": overlap(probe["longtasks"], boot_start, first_question),
        "longtasks_load_ms": overlap(probe["longtasks"], 0, first_question),
        "longtasks": probe["longtasks"],
        "breakdown": breakdown,
        "worker_resources": resources,
        "bytes": byte_summary(state.since(mark)),
    }


def warm_latency(page: Page, paths: list[list[tuple[str, str]]]) -> list[dict[str, Any]]:
    """Answer latencies with Python warm (run on a page whose quiz has answered once)."""
    return page.evaluate(LATENCY, [[list(step) for step in p] for p in paths])


def reader(
    page: Page, base: str, state: ServerState, path: list[tuple[str, str]],
) -> dict[str, Any]:
    """A reader who spends a second on each question (`page` prepared with
    `reading(page, path, 1000)`): the first answer a second after the quiz is ready to take
    it (about when the page has loaded), each later one a second after it appears."""
    mark = state.mark()
    page.goto(base + "quiz/", wait_until="load")
    page.wait_for_function(
        "() => document.querySelector('[data-recommendation]')"
        " || document.querySelector('[data-advisor-state=error]')",
        timeout=TIMEOUT_MS,
    )
    probe = _settle(page)
    if not probe["recs"]:
        raise RuntimeError("the quiz ended in its error state")
    changes = probe["changes"]
    rec = probe["recs"][0]
    waits = []  # each answer to what it brought (next question or the result)
    for k, (question, _) in enumerate(path):
        asked = next(c[0] for c in changes if c[1] == question)
        if k + 1 < len(path):
            shown = next(a[0] for a in probe["added"] if a[1] == path[k + 1][0] and a[0] > asked)
        else:
            shown = rec[0]
        waits.append(shown - asked)
    times = _advisor_times(probe)
    last_post = next((p for p in probe["posts"] if p[3] == "call" and p[0] >= changes[-1][0]), None)
    last_reply = last_post and next(
        (r[0] for r in probe["replies"] if r[1] == last_post[1] and r[2] == last_post[2]), None)
    return {
        "first_answer_ms": changes[0][0],
        "last_call_ms": (last_reply - last_post[0]) if last_post and last_reply else None,
        "last_answer_ms": changes[-1][0],
        "last_answer_to_recommendation_ms": rec[0] - changes[-1][0],
        "last_answer_to_frame_ms": (rec[2] or rec[0]) - changes[-1][0],
        "waits_ms": waits,
        "python_ready_ms": times.get("boot_done_ms"),
        "bytes": byte_summary(state.since(mark)),
    }


def quiet_visit(
    page: Page, url: str, state: ServerState, wait_ms: int, *, until: str | None = None,
    cpu: Any = None,
) -> dict[str, Any]:
    """Open a page, touch nothing, wait `wait_ms` (or until the JS test `until` holds, at
    most `TIMEOUT_MS`); return what was downloaded at load and by the end (and with `cpu`,
    the browser's CPU time for the visit)."""
    mark = state.mark()
    before = _cpu(cpu)
    page.goto(url, wait_until="load")
    at_load = state.since(mark)
    if until:
        page.wait_for_function(until, timeout=TIMEOUT_MS)
        page.wait_for_timeout(300)
    else:
        page.wait_for_timeout(wait_ms)
    spent = _spent(cpu, before)
    probe = page.evaluate("window.__bench")
    quiz_state = page.evaluate(
        "(() => { const q = document.querySelector('[data-advisor]');"
        " return q ? q.getAttribute('data-advisor-state') : null; })()"
    )
    return {
        "at_load": byte_summary(at_load),
        "after_wait": byte_summary(state.since(mark)),
        "waited_ms": None if until else wait_ms,
        "quiz_state": quiz_state,
        "worker_created_ms": _advisor_times(probe).get("worker_created_ms"),
        "longtasks_ms": sum(d for _, d in probe["longtasks"]),
        "cpu_ms": spent,
    }
