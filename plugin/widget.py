"""The quiz's browser files and the settings each quiz reads.

The widget is a handful of small ES modules (``plugin/assets/*.mjs``) plus a classic entry
script (``widget.js``) that imports them. Each file is served under a content-hashed name, so
browsers may cache it forever; a file that names a sibling (``"./quiz.mjs"``) gets that
sibling's hashed name written in at build time, leaves first. No import map is needed, so the
strict Content-Security-Policy (docs/security.md) needs no inline script for the quiz.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

from .runtime import BOOT_FILES, hashed_name

ASSETS = Path(__file__).with_name("assets")
PREFIX = "assets/advisor"
#: The page loads this classic script; it imports the modules only where a quiz is.
ENTRY = "widget.js"
STYLE = "widget.css"
#: The generated pages' look (the diagram, the matrix, the option pages).
PAGES_STYLE = "pages.css"
WORKER = "worker.mjs"
#: A sibling asset named in a string literal: `"./quiz.mjs"`.
_SIBLING = re.compile(r"""(["'])\./([\w.-]+\.m?js)\1""")

#: How long after a pointer press a change counts as made with the pointer (then focus moves
#: on to the next question or the result; a keyboard reader's focus stays where it is).
POINTER_WINDOW_MS = 1500
#: How many of the entries Python dropped from a link the notice names (the rest are counted).
NOTICE_ITEMS = 5


def build_assets() -> dict[str, tuple[str, bytes]]:
    """Every widget file: name -> (site URI with the content hash, content)."""
    built: dict[str, tuple[str, bytes]] = {}

    def build(name: str, chain: tuple[str, ...]) -> str:
        if name in built:
            return built[name][0]
        if name in chain:
            raise PluginError(f"advisor: the widget's modules import each other in a circle: "
                              f"{' -> '.join((*chain, name))}")
        path = ASSETS / name
        if not path.is_file():
            raise PluginError(f"advisor: plugin/assets/{chain[-1]} names './{name}', "
                              f"which is not in plugin/assets")
        text = path.read_text(encoding="utf-8")

        def hashed(match: re.Match[str]) -> str:
            uri = build(match.group(2), (*chain, name))
            return f"{match.group(1)}./{uri.rsplit('/', 1)[1]}{match.group(1)}"

        content = _SIBLING.sub(hashed, text).encode("utf-8") if path.suffix != ".css" else (
            path.read_bytes())
        stem, suffix = name.rsplit(".", 1)
        built[name] = (f"{PREFIX}/{hashed_name(stem, '.' + suffix, content)}", content)
        return built[name][0]

    for name in (ENTRY, STYLE, PAGES_STYLE, WORKER):
        build(name, ())
    return built


def issues_url(repo_url: str | None) -> str | None:
    """Where a reader opens a new issue, for a repository on GitHub; None otherwise."""
    if not repo_url:
        return None
    parts = urlsplit(repo_url)
    path = [p for p in parts.path.split("/") if p]
    if parts.scheme != "https" or parts.netloc != "github.com" or len(path) < 2:
        return None
    return f"https://github.com/{path[0]}/{path[1].removesuffix('.git')}/issues/new"


def download_bytes(runtime_sizes: dict[str, int], *sizes: int) -> int:
    """The bytes a first visit fetches before the quiz answers: the runtime's boot files (their
    sizes as verified against the manifest), plus the advisor archive and the model."""
    return sum(runtime_sizes[name] for name in BOOT_FILES) + sum(sizes)


def settings_extra(*, boot_timeout: int, answer_timeout: int, total_bytes: int,
                   repo_url: str | None) -> dict[str, Any]:
    """The numbers and addresses the widget shows or waits on, decided here, not in JS."""
    return {
        "bootTimeoutMs": boot_timeout * 1000,
        "answerTimeoutMs": answer_timeout * 1000,
        "pointerWindowMs": POINTER_WINDOW_MS,
        "noticeItems": NOTICE_ITEMS,
        "downloadBytes": total_bytes,
        "reportUrl": issues_url(repo_url),
    }
