"""Launching Chromium for the guide's tests, benchmark and screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

#: Headless, and nothing that talks to other hosts (the tests allow 127.0.0.1 only).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def launch_args() -> dict[str, Any]:
    """Playwright's launch options: Debian's Chromium where it is installed (this machine, CI),
    Playwright's own elsewhere, with `CHROMIUM_FLAGS`."""
    args: dict[str, Any] = {"args": list(CHROMIUM_FLAGS)}
    if DEBIAN_CHROMIUM.exists():
        args["executable_path"] = str(DEBIAN_CHROMIUM)
    return args


def launch(playwright: Playwright, **options: Any) -> Browser:
    """Chromium, launched with `launch_args()` (and any other Playwright launch option)."""
    return playwright.chromium.launch(**{**launch_args(), **options})
