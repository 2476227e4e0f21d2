"""The quiz boots Python from the build's memory snapshot (plugin/snapshot.py) with the trimmed
standard library it was made with (plugin/stdlib.py), and from the stock runtime whenever the
snapshot or that library is missing, truncated, corrupt, made for another Pyodide or another
snapshot, or refused by Pyodide itself: the reader gets the same answers either way, and no
error.

Faults are injected in the browser with `page.route`: on the worker's request for the
snapshot, or on the quiz page, whose settings describe the snapshot. The site is the guide
built with a generous boot time limit: a fallback is a failed attempt and then a stock boot,
which on a busy two-core machine can outlast the default 30 s.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from tests.reliability.browser import Watch, answer_all, quiz
from tests.reliability.project import make_project
from tests.sitetools import ROOT, build_and_serve

pytestmark = pytest.mark.e2e

#: Keeps the worker's boot reply (where the boot time went, and whether the snapshot was used).
CAPTURE_BOOT = """
window.__boot = [];
window.__loads = [];  // the worker's replies to "load"
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(url, options) {
    super(url, options);
    this.addEventListener("message", (event) => {
      const value = event.data && event.data.value;
      if (value && typeof value === "object" && "loadPyodideMs" in value) window.__boot.push(value);
      if (typeof value === "string" && value.includes('"reused"')) {
        window.__loads.push(JSON.parse(value));
      }
    });
  }
};
"""


@pytest.fixture(scope="module")
def snapshot_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    project = make_project(tmp_path_factory.mktemp("snapshot"), boot_timeout=180,
                           snapshot=True)
    site = project.root / "site"
    with build_and_serve(site, project.config) as url:
        yield site, url


@pytest.fixture(scope="module")
def built_site(snapshot_site: tuple[Path, str]) -> Path:
    return snapshot_site[0]


@pytest.fixture(scope="module")
def site_url(snapshot_site: tuple[Path, str]) -> str:
    return snapshot_site[1]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


def quiz_settings(site: Path) -> dict[str, Any]:
    page = (site / "quiz" / "index.html").read_text(encoding="utf-8")
    found = re.search(r'data-advisor-settings="([^"]*)"', page)
    assert found
    data: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return data


def snapshot_files(site: Path) -> tuple[bytes, dict[str, Any]]:
    """The snapshot's bytes and what the quiz page says of it."""
    described = quiz_settings(site)["snapshot"]
    return (site / "quiz" / described["url"]).resolve().read_bytes(), described


def run_quiz(page: Page, url: str) -> tuple[list[str], dict[str, Any], Watch]:
    watch = Watch().attach(page)
    page.add_init_script(CAPTURE_BOOT)
    page.goto(url + "quiz/")
    picks = answer_all(page, quiz(page))
    boots = page.evaluate("window.__boot")
    assert len(boots) == 1, boots
    return picks, boots[0], watch


def test_the_quiz_page_describes_the_snapshot_it_ships(built_site: Path) -> None:
    data, described = snapshot_files(built_site)
    package = json.loads(
        (ROOT / "node_modules" / "pyodide" / "package.json").read_text(encoding="utf-8"))
    assert described["pyodide"] == package["version"]
    assert described["bytes"] == len(data)
    assert described["sha256"] == hashlib.sha256(data).hexdigest()
    assert described["url"].endswith(f"snapshot-{described['sha256'][:12]}.bin")
    library = described["stdlib"]
    zipped = (built_site / "quiz" / library["url"]).resolve().read_bytes()
    assert library["url"].endswith(f"stdlib-{library['sha256'][:12]}.zip")
    assert library["bytes"] == len(zipped)
    assert library["sha256"] == hashlib.sha256(zipped).hexdigest()
    whole = ROOT / "node_modules" / "pyodide" / "python_stdlib.zip"
    assert len(zipped) < 0.6 * whole.stat().st_size
    # The quiz's "… of N MB loaded": what the snapshot boot fetches, whole stdlib left out.
    settings = quiz_settings(built_site)
    fetched = [built_site / "quiz" / settings[key] for key in ("archive", "modelUrl")]
    fetched += [built_site / "quiz" / settings["indexUrl"] / name
                for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")]
    assert settings["downloadBytes"] == sum(p.stat().st_size for p in fetched) + len(data) + \
        len(zipped)


def test_the_quiz_boots_from_the_snapshot(context: BrowserContext, site_url: str) -> None:
    page = context.new_page()
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    picks, boot, watch = run_quiz(page, site_url)
    assert boot["snapshot"] == "used"
    assert picks
    assert watch.errors == []
    # It mounts the trimmed standard library it was made with, not Pyodide's whole one.
    assert [url.rpartition("/")[2][:7] for url in asked if url.endswith(".zip")
            and "advisor-" not in url] == ["stdlib-"], asked
    # The snapshot holds the page's model, loaded from the very file the page names: the
    # worker finds it there instead of loading it again.
    assert [reply["reused"] for reply in page.evaluate("window.__loads")] == [True]


def _fulfil(pattern: str, body: bytes, status: int = 200) -> Callable[[Page], None]:
    def install(page: Page) -> None:
        def handler(route: Route) -> None:
            route.fulfill(status=status, body=body,
                          headers={"Content-Type": "application/octet-stream"})
        page.route(pattern, handler)
    return install


def _settings(edit: Callable[[dict[str, Any]], object]) -> Callable[[Page], None]:
    """The quiz page with its settings changed by `edit`."""
    def install(page: Page) -> None:
        def handler(route: Route) -> None:
            def rewrite(match: re.Match[str]) -> str:
                settings = json.loads(html.unescape(match.group(1)))
                edit(settings)
                return f'data-advisor-settings="{html.escape(json.dumps(settings))}"'

            text = re.sub(r'data-advisor-settings="([^"]*)"', rewrite, route.fetch().text())
            route.fulfill(body=text, headers={"Content-Type": "text/html; charset=utf-8"})
        page.route("**/quiz/", handler)
    return install


def _describe(**changes: Any) -> Callable[[Page], None]:
    """The quiz page with other values in its description of the snapshot."""
    return _settings(lambda settings: settings["snapshot"].update(changes))


def _corrupt(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 4096]) + \
        data[middle + 4096:]


def _other_build(data: bytes) -> bytes:
    """The snapshot with another Pyodide build id in its header (bytes 16-47), as a snapshot
    made by another build of the runtime has."""
    return data[:16] + bytes(32) + data[48:]


def _served(site: Path, name: str, body: bytes, **changes: Any) -> Callable[[Page], None]:
    """The quiz page naming `body` as its snapshot, written into the built site as `name` and
    served by the site's own server, as a host would serve a bad upload. (Through Playwright's
    routing, 30 MB cost seconds a test on their way through its protocol.) The page keeps its
    size and SHA-256 of the good snapshot unless `changes` say otherwise."""
    (site / "assets" / "advisor" / name).write_bytes(body)
    return _describe(url=f"../assets/advisor/{name}", **changes)


def _served_stdlib(site: Path, name: str, body: bytes, **changes: Any) -> Callable[[Page], None]:
    """The quiz page naming `body`, written into the built site as `name`, as the snapshot's
    standard library; with the good one's size and SHA-256 unless `changes` say otherwise."""
    if body:
        (site / "assets" / "advisor" / name).write_bytes(body)
    return _settings(lambda settings: settings["snapshot"]["stdlib"].update(
        url=f"../assets/advisor/{name}", **changes))


def _stdlib(site: Path) -> bytes:
    described = quiz_settings(site)["snapshot"]["stdlib"]
    return (site / "quiz" / described["url"]).resolve().read_bytes()


def _whole_stdlib(site: Path) -> Callable[[Page], None]:
    """Pyodide's whole python_stdlib.zip, named with its true size and SHA-256: it passes the
    download's check, and the snapshot itself tells it is not the zip it was made with."""
    body = (ROOT / "node_modules" / "pyodide" / "python_stdlib.zip").read_bytes()
    return _served_stdlib(site, "whole-stdlib.zip", body, bytes=len(body),
                          sha256=hashlib.sha256(body).hexdigest())


Faults = Callable[[Path, bytes], list[Callable[[Page], None]]]
FAULTS: dict[str, tuple[Faults, str]] = {
    "missing": (lambda site, data: [_fulfil("**/snapshot-*.bin", b"not found", 404)],
                "could not be loaded (404"),
    "truncated": (lambda site, data: [_served(site, "truncated.bin", data[: len(data) // 2])],
                  "bytes, not"),
    "corrupt": (lambda site, data: [_served(site, "corrupt.bin", _corrupt(data))],
                "does not match its SHA-256"),
    "another Pyodide version": (lambda site, data: [_describe(pyodide="0.27.7")],
                                "made for Pyodide 0.27.7"),
    # Pyodide's own check: the bytes and the page agree, but the snapshot is for another build.
    "another build of the runtime": (
        lambda site, data: [_served(site, "other-build.bin", _other_build(data),
                                    sha256=hashlib.sha256(_other_build(data)).hexdigest())],
        "build id mismatch"),
    # The snapshot's standard library (plugin/stdlib.py), served bad by the site itself.
    "standard library missing": (
        lambda site, data: [_served_stdlib(site, "stdlib-missing.zip", b"")],
        "standard library could not be loaded (404"),
    "standard library truncated": (
        lambda site, data: [_served_stdlib(site, "stdlib-truncated.zip",
                                           _stdlib(site)[: len(_stdlib(site)) // 2])],
        "standard library has"),
    "standard library corrupt": (
        lambda site, data: [_served_stdlib(site, "stdlib-corrupt.zip", _corrupt(_stdlib(site)))],
        "standard library does not match its SHA-256"),
    "another standard library": (lambda site, data: [_whole_stdlib(site)],
                                 "made with another standard library"),
}


@pytest.fixture(scope="module")
def stock_answers(browser: Browser, site_url: str) -> list[str]:
    """What the quiz recommends when the page names no snapshot (stock boot)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        _settings(lambda settings: settings.pop("snapshot"))(page)
        picks, boot, _ = run_quiz(page, site_url)
        assert boot["snapshot"] is None  # the page named none: no attempt
        return picks
    finally:
        context.close()


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_bad_snapshot_falls_back_to_the_stock_boot(
    context: BrowserContext, built_site: Path, site_url: str, fault: str,
    stock_answers: list[str],
) -> None:
    data, _ = snapshot_files(built_site)
    make, reason = FAULTS[fault]
    page = context.new_page()
    for install in make(built_site, data):
        install(page)
    picks, boot, watch = run_quiz(page, site_url)
    assert boot["snapshot"] != "used"
    assert reason in (boot["snapshot"] or ""), boot
    assert picks == stock_answers
    assert watch.errors == []


# -- a snapshot the reader's browser keeps (Cache Storage) when it boots the stock way -------

STORED = """async () => {
  const store = await caches.open("advisor-snapshots");
  const found = [];
  for (const request of await store.keys()) {
    const response = await store.match(request);
    const body = await response.arrayBuffer();
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", body)),
                              (b) => b.toString(16).padStart(2, "0")).join("");
    found.push({url: request.url, bytes: Number(response.headers.get("x-advisor-bytes")),
                size: body.byteLength, pyodide: response.headers.get("x-advisor-pyodide"),
                whole: digest === response.headers.get("x-advisor-sha256"), sha256: digest});
  }
  return found;
}"""


def quiz_settings_version() -> str:
    package = json.loads(
        (ROOT / "node_modules" / "pyodide" / "package.json").read_text(encoding="utf-8"))
    return str(package["version"])


def _no_build_snapshot(page: Page) -> None:
    _settings(lambda settings: settings.pop("snapshot"))(page)


def _stored(page: Page) -> list[dict[str, Any]]:
    """What the site keeps in Cache Storage, once the worker has written a whole snapshot
    (it writes after the model's load, while the reader answers)."""
    found: list[dict[str, Any]] = []
    for _ in range(120):
        found = page.evaluate(STORED)
        if found and all(item["whole"] for item in found):
            return found
        page.wait_for_timeout(250)
    return found


def test_a_stock_boot_keeps_a_snapshot_that_the_next_visit_boots_from(
    context: BrowserContext, site_url: str, stock_answers: list[str],
) -> None:
    first = context.new_page()
    _no_build_snapshot(first)
    picks, boot, watch = run_quiz(first, site_url)
    assert boot["snapshot"] is None  # nothing kept yet: the stock boot
    assert picks == stock_answers
    stored = _stored(first)
    assert len(stored) == 1, stored
    assert stored[0]["size"] == stored[0]["bytes"] > 1_000_000
    assert stored[0]["whole"]
    assert stored[0]["pyodide"] == quiz_settings_version()
    assert watch.errors == []
    first.close()

    second = context.new_page()
    _no_build_snapshot(second)
    picks, boot, watch = run_quiz(second, site_url)
    assert boot["snapshot"] == "stored"
    assert picks == stock_answers
    assert [reply["reused"] for reply in second.evaluate("window.__loads")] == [True]
    assert watch.errors == []


#: Replace what is kept with other bytes or another description, keeping its key.
SPOIL = """async (how) => {
  const store = await caches.open("advisor-snapshots");
  const [request] = await store.keys();
  const response = await store.match(request);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const headers = Object.fromEntries(response.headers.entries());
  let body = bytes;
  if (how === "corrupt") {
    body = bytes.slice();
    for (let i = 0; i < 4096; i++) body[(body.length >> 1) + i] ^= 0xff;
  }
  if (how === "truncated") body = bytes.slice(0, bytes.length >> 1);
  if (how === "another Pyodide version") headers["x-advisor-pyodide"] = "0.27.7";
  await store.put(request, new Response(body, {headers}));
}"""

SPOILED = {
    "corrupt": "the stored snapshot does not match its SHA-256",
    "truncated": "bytes, not",
    "another Pyodide version": "the stored snapshot was made for Pyodide 0.27.7",
}


@pytest.fixture(scope="module")
def keeping(browser: Browser) -> Iterator[BrowserContext]:
    """One browser context for the spoiled-copy tests below: each needs a good kept copy to
    spoil, and each ends by checking that the stock boot kept a good one again, which the next
    one spoils (a stock visit first only when there is none: one boot, not one per test)."""
    context = browser.new_context()
    yield context
    context.close()


def _with_a_good_copy(context: BrowserContext, site_url: str) -> Page:
    """A page of the site in `context`, once the context keeps one whole snapshot (made by a
    stock visit if it keeps none yet)."""
    page = context.new_page()
    _no_build_snapshot(page)
    page.goto(site_url)
    kept = page.evaluate(STORED)
    if not (len(kept) == 1 and kept[0]["whole"]):
        run_quiz(page, site_url)
        kept = _stored(page)
    assert len(kept) == 1
    assert kept[0]["whole"]
    return page


@pytest.mark.parametrize("how", sorted(SPOILED))
def test_a_spoiled_stored_snapshot_falls_back_to_the_stock_boot_and_is_replaced(
    keeping: BrowserContext, site_url: str, stock_answers: list[str], how: str,
) -> None:
    first = _with_a_good_copy(keeping, site_url)
    first.evaluate(SPOIL, how)
    first.close()

    second = keeping.new_page()
    _no_build_snapshot(second)
    picks, boot, watch = run_quiz(second, site_url)
    assert SPOILED[how] in (boot["snapshot"] or ""), boot
    assert picks == stock_answers
    assert watch.errors == []
    # The spoiled copy is dropped and the stock boot keeps a good one again.
    again = _stored(second)
    assert len(again) == 1
    assert again[0]["whole"]
    assert again[0]["size"] == again[0]["bytes"]
    assert again[0]["pyodide"] == quiz_settings_version()
    second.close()


def test_a_kept_snapshot_without_the_pages_model_is_renewed(
    keeping: BrowserContext, site_url: str, built_site: Path,
) -> None:
    """After a model changes (the advisor does not), the first visit from the kept copy loads
    the new model and keeps a copy with it; the next visit finds it there."""
    first = _with_a_good_copy(keeping, site_url)
    (kept,) = first.evaluate(STORED)
    first.close()

    model_file = (built_site / "quiz" / quiz_settings(built_site)["modelUrl"]).resolve()
    changed = json.loads(model_file.read_text(encoding="utf-8"))
    changed["title"] = changed["title"] + " (revised)"
    body = json.dumps(changed).encode()

    def revised(page: Page) -> None:
        _no_build_snapshot(page)
        _fulfil(f"**/{model_file.name}", body)(page)

    second = keeping.new_page()
    revised(second)
    picks, boot, watch = run_quiz(second, site_url)
    assert boot["snapshot"] == "stored"
    assert [reply["reused"] for reply in second.evaluate("window.__loads")] == [False]
    assert picks
    assert watch.errors == []
    renewed: list[dict[str, Any]] = []
    for _ in range(120):
        renewed = second.evaluate(STORED)
        if len(renewed) == 1 and renewed[0]["whole"] and renewed[0]["sha256"] != kept["sha256"]:
            break
        second.wait_for_timeout(250)
    assert len(renewed) == 1
    assert renewed[0]["sha256"] != kept["sha256"], "the kept snapshot was not renewed"
    second.close()

    third = keeping.new_page()
    revised(third)
    _, boot, _ = run_quiz(third, site_url)
    assert boot["snapshot"] == "stored"
    assert [reply["reused"] for reply in third.evaluate("window.__loads")] == [True]
