"""Watching a page for what must never happen (dialogs, script errors, CSP violations), and
crawling the site. The quiz steps come from `devtools.quiz`, as in the other tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, Worker

from devtools.quiz import UNANSWERED, answer_all, quiz, recommendation, settle

__all__ = ["INJECTED", "UNANSWERED", "Watch", "answer_all", "crawl", "quiz", "recommendation",
           "settle"]

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

    def forget(self) -> None:
        """Start again with nothing seen (the page goes on to another address)."""
        self.dialogs, self.errors, self.console = [], [], []

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


def crawl(context: BrowserContext, base: str, paths: list[str],
          batch: int = 6) -> Iterator[tuple[str, Page, Watch]]:
    """Open every path in one of `batch` tabs (their loads overlap), each waited for until its
    network is idle, and yield it to the caller with what was watched while it was open. A
    tab goes on to its next path as a reader's does: its scripts stay compiled (a new tab for
    each path cost a third more CPU)."""
    tabs: list[tuple[Page, Watch]] = []
    try:
        for start in range(0, len(paths), batch):
            opened = []
            for slot, path in enumerate(paths[start:start + batch]):
                if slot == len(tabs):
                    page = context.new_page()
                    tabs.append((page, Watch().attach(page)))
                page, watch = tabs[slot]
                watch.forget()
                page.goto(base + path, wait_until="commit")
                opened.append((path, page, watch))
            for path, page, watch in opened:
                page.wait_for_load_state("networkidle")
                yield path, page, watch
    finally:
        for page, _ in tabs:
            page.close()
