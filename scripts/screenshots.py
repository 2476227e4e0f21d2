"""Screenshots of the built guide, for looking at it as a reader would.

    .venv/bin/python scripts/screenshots.py [SITE_DIR] [OUT_DIR]

Builds the guide (unless SITE_DIR is given), serves it on 127.0.0.1 and writes PNGs of every
kind of page: home, option page, matrix, diagram (whole, and with a reader's path highlighted),
answer paths (folded, and opened at one way), What changed, performance, and the quiz (question,
result, error), in light and dark mode, at 1280 px and 375 px wide.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import advisor
from advisor.source import read_model_file
from devtools import build_site, launch, serve
from devtools.quiz import answer_all, quiz, settle
from plugin.diagram import anchor

ROOT = Path(__file__).resolve().parent.parent


def longest_path() -> str:
    """The diagram's anchor for the orchestration guide's longest answer path."""
    model = advisor.load_model(read_model_file(ROOT / "docs/models/orchestration.yml")[0])
    path = max(advisor.enumerate_paths(model), key=lambda p: len(p.steps))
    return anchor(model.id, path.steps)


# name: (address, whole page?)
PAGES = {
    "home": ("", True),
    "option": ("orchestration/options/sagemaker-pipelines/", True),
    "matrix": ("orchestration/compare/", True),
    "diagram": ("orchestration/decision-tree/", True),
    "diagram-adoption": ("adoption/decision-tree/", True),
    "diagram-path": ("orchestration/decision-tree/#" + longest_path(), False),
    "paths": ("orchestration/paths/", True),
    "paths-open": ("orchestration/paths/#path-3", False),
    "changes": ("orchestration/changes/", True),
    "performance": ("performance/", True),
}


def main() -> None:
    given = len(sys.argv) > 1 and sys.argv[1]
    site = Path(given) if given else Path(tempfile.mkdtemp()) / "site"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    if not given:
        result = build_site(site)
        if result.returncode:
            sys.exit(result.stderr)
    with serve(site) as url, sync_playwright() as p:
        browser = launch(p)
        for scheme in ("light", "dark"):
            for width in (1280, 375):
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, color_scheme=scheme
                )
                page = context.new_page()
                for name, (path, whole) in PAGES.items():
                    page.goto(url + path)
                    page.screenshot(path=out / f"{name}-{scheme}-{width}.png", full_page=whole)
                page.goto(url + "quiz/")
                page.screenshot(path=out / f"quiz-question-{scheme}-{width}.png", full_page=True)
                settle(page, quiz(page))
                answer_all(page, quiz(page))
                page.screenshot(path=out / f"quiz-result-{scheme}-{width}.png", full_page=True)
                context.close()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.route("**/pyodide.asm.wasm", lambda route: route.abort())
        page.goto(url + "quiz/")
        page.locator("fieldset[data-question] input").first.check()
        page.wait_for_selector("[data-advisor-state=error]", timeout=60_000)
        page.screenshot(path=out / "quiz-error-light-1280.png", full_page=True)
        browser.close()
    print(f"screenshots in {out.resolve()}")


if __name__ == "__main__":
    main()
