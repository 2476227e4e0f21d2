"""Building the real guide and serving it on 127.0.0.1 for the tests and the benchmark."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import yaml

ROOT = Path(__file__).resolve().parent.parent


def build_site(
    site_dir: Path, *extra: str, config: Path | None = None, site_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `mkdocs build --strict` in a subprocess, as an author would. `site_url` is
    where the site will be served (Material's instant navigation only works there)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if site_url:
        env["GUIDE_SITE_URL"] = site_url
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",  # no -q: MkDocs 1.6 drops warnings under -q before --strict counts them
            "-f",
            str(config or ROOT / "mkdocs.yml"),
            "-d",
            str(site_dir),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml as plain data; `!ENV [NAME, default]` becomes its default."""


_ConfigLoader.add_constructor(
    "!ENV",
    lambda loader, node: loader.construct_sequence(node)[-1],  # type: ignore[arg-type]
)


def load_config_data(path: Path) -> dict[str, Any]:
    """mkdocs.yml as a dict, to write a variant of the guide's config for a test."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    assert isinstance(data, dict)
    return data


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".zip": "application/zip",
    }
    extra_headers: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that drops a connection (an aborted or cancelled fetch) is not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextlib.contextmanager
def serve(site_dir: Path, headers: dict[str, str] | None = None) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 at a free port; yield its base URL."""
    handler = type("Handler", (_Handler,), {"extra_headers": dict(headers or {})})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_args() -> dict[str, object]:
    """Debian's Chromium where it is installed (this machine, CI); Playwright's own elsewhere."""
    args: dict[str, object] = {"args": list(CHROMIUM_FLAGS)}
    if Path("/usr/bin/chromium").exists():
        args["executable_path"] = "/usr/bin/chromium"
    return args
