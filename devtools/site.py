"""Building the real guide and serving a built site on 127.0.0.1."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import yaml

ROOT = Path(__file__).resolve().parent.parent


def build_site(
    site_dir: Path,
    *extra: str,
    config: Path | None = None,
    site_url: str | None = None,
    env: Mapping[str, str] | None = None,
    program: str = "mkdocs",
    strict: bool = True,
    cwd: Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run the real `<program> build --strict` in a subprocess, as an author would: the guide's
    `mkdocs.yml` unless `config` names another, into `site_dir`, output captured. Never `-q`:
    MkDocs 1.6 drops warnings under `-q` before `--strict` counts them.

    `site_url`: where the site will be served (Material's instant navigation only works
    there), passed as `GUIDE_SITE_URL`. `env`: the build's environment, this process's by
    default (`NO_MKDOCS_2_WARNING=1` is always added).
    `program` may be `properdocs`. `cwd`: the folder the build runs in, the repository's root
    by default.
    """
    environment = {**(os.environ if env is None else env), "NO_MKDOCS_2_WARNING": "1"}
    if site_url:
        environment["GUIDE_SITE_URL"] = site_url
    command = [sys.executable, "-m", program, "build", *(["--strict"] if strict else []),
               "-f", str(config or ROOT / "mkdocs.yml"), "-d", str(site_dir), *extra]
    return subprocess.run(command, cwd=cwd or ROOT, env=environment, capture_output=True,
                          text=True, timeout=timeout, check=False)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml as plain data; `!ENV [NAME, default]` becomes its default."""


_ConfigLoader.add_constructor(
    "!ENV",
    lambda loader, node: loader.construct_sequence(node)[-1],  # type: ignore[arg-type]
)


def load_config_data(path: Path) -> dict[str, Any]:
    """mkdocs.yml as a dict, to write a variant of the guide's config."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    assert isinstance(data, dict)
    return data


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site with the types browsers insist on (module scripts, wasm) and no
    request log; `extra_headers` go on every response."""

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
def serve(
    site_dir: Path,
    headers: dict[str, str] | None = None,
    handler: type[Handler] = Handler,
) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 at a free port; yield its base URL. `handler` may be a
    subclass of `Handler`."""
    bound = type("BoundHandler", (handler,), {"extra_headers": dict(headers or {})})
    server = _Server(("127.0.0.1", 0), functools.partial(bound, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class BuildFailed(RuntimeError):
    """`build_site` ended with an error; the message holds MkDocs' output."""


@contextlib.contextmanager
def build_and_serve(site_dir: Path, config: Path | None = None) -> Iterator[str]:
    """Serve `site_dir` on 127.0.0.1 at a free port, build the guide (or `config`) into it for
    that address (Material's instant navigation needs the real `site_url`), and yield the URL.
    Raises `BuildFailed` when the build fails."""
    site_dir.mkdir(parents=True, exist_ok=True)
    with serve(site_dir) as url:
        result = build_site(site_dir, config=config, site_url=url)
        if result.returncode != 0:
            raise BuildFailed(f"mkdocs build failed:\n{result.stderr}")
        yield url
