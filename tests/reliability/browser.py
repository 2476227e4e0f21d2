"""Watching a page for what must never happen (dialogs, script errors, CSP violations) and the
few quiz steps the reliability tests take."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Locator, Page, Worker

# Python has answered: the quiz is ready (or failed) and no request is in flight.
SETTLED = """root => ['ready', 'error', 'unsupported'].includes(root.dataset.advisorState)
    && root.getAttribute('aria-busy') !== 'true'"""
UNANSWERED = "fieldset[data-question]:not(:has(input:checked))"
# Markup a hostile text could leave behind, were it ever parsed as HTML (payloads carry
# `data-xss`; the guide itself has none of these).
INJECTED = "[data-xss], img[src='x'], svg[onload], iframe, object, embed, [onerror], [onload]"
# Every `securitypolicyviolation` the document sees, kept for the test to read.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
"""


@dataclass
class Watch:
    """Dialogs, uncaught errors and console messages of a page and of its workers."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    console: list[str] = field(default_factory=list)  # every console message, any level

    def attach(self, page: Page) -> Watch:
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("console", self._console)
        page.on("worker", self._worker)
        return self

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        self.console.append(f"{message.type}: {message.text}")
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _worker(self, worker: Worker) -> None:
        worker.on("console", self._console)

    def csp(self, page: Page) -> list[str]:
        """CSP violations: the document's events plus every console line about the policy
        (violations inside a worker reach only the console)."""
        events: list[str] = page.evaluate("window.__violations || []")
        lines = [m for m in self.console if "content security policy" in m.lower()]
        return events + lines


def quiz(page: Page) -> Locator:
    return page.locator("[data-advisor]").first


def settle(page: Page, root: Locator, timeout: float = 60_000) -> None:
    page.wait_for_function(SETTLED, arg=root.element_handle(), timeout=timeout)


def answer_all(page: Page, root: Locator, limit: int = 20) -> list[str]:
    """Answer with the first choice until a recommendation; return the options recommended."""
    for _ in range(limit):
        found = [r.get_attribute("data-recommendation") or ""
                 for r in root.locator("[data-recommendation]").all()]
        if found:
            return found
        root.locator(UNANSWERED).first.locator("input[type=radio]").first.check()
        settle(page, root)
        assert root.get_attribute("data-advisor-state") == "ready", root.inner_text()
    raise AssertionError(f"no recommendation after {limit} answers")


def crawl(context: BrowserContext, base: str, paths: list[str],
          batch: int = 6) -> Iterator[tuple[str, Page, Watch]]:
    """Open every path, `batch` pages at a time (their loads overlap), each waited for until
    its network is idle; yield each to the caller, then close it."""
    for start in range(0, len(paths), batch):
        opened = []
        for path in paths[start:start + batch]:
            page = context.new_page()
            watch = Watch().attach(page)
            page.goto(base + path, wait_until="commit")
            opened.append((path, page, watch))
        for path, page, watch in opened:
            page.wait_for_load_state("networkidle")
            yield path, page, watch
            page.close()
