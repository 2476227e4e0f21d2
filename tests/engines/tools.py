"""Running the three engines (MkDocs, ProperDocs, Zensical) and advisor-prepare as commands, and
a browser context that refuses every request that would leave 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Request, Route

BIN = Path(sys.executable).parent


def run(
    args: list[str], cwd: Path, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A command of this environment's bin folder (as a user's shell would find it)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {}),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@contextmanager
def local_only(browser: Browser, site_url: str) -> Iterator[tuple[BrowserContext, list[str]]]:
    """A new browser context whose requests to anywhere but the site are refused and listed."""
    origin = urlsplit(site_url).netloc
    refused: list[str] = []
    context = browser.new_context()

    def guard(route: Route, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != origin:
            refused.append(request.url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", guard)
    try:
        yield context, refused
    finally:
        context.close()


def copy_tracked(src: Path, dst: Path) -> None:
    """The files of ``src`` that git tracks (not what advisor-prepare or a build left there)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--", "."], cwd=src, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / name, dst / name)
