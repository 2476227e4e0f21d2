"""A static server for the benchmark: the built site, the floor page beside it, a log of every
body byte sent, and optionally ``gzip_static`` and a bandwidth limit.

It is ``devtools.serve`` with a handler that adds what a benchmark
needs: the exact bytes per request (the worker's requests included, which the browser's own
accounting would have to be gathered per target), a fixed ``Cache-Control`` so that warm-cache
figures do not depend on file ages, and a shared bandwidth limit to show what gzip saves on a
real link.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.server
import os
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools.site import Handler
from devtools.site import serve as serve_site

#: Where the floor page is served; it is not part of the guide.
FLOOR_PREFIX = "/__bench__/floor/"

#: GitHub Pages sends this for every file; a fixed value keeps warm-cache runs reproducible
#: (without it, Chromium's heuristic freshness depends on how old the files are).
CACHE_CONTROL = "max-age=600"

CHUNK = 64 * 1024


@dataclass
class Sent:
    """One response: the path asked for, the status, the body bytes sent, the encoding."""

    path: str
    status: int
    body: int
    encoding: str | None
    at: float


class Throttle:
    """A bandwidth limit shared by all connections (a token bucket with no burst)."""

    def __init__(self, bytes_per_second: float) -> None:
        self.rate = bytes_per_second
        self.cursor = 0.0
        self.lock = threading.Lock()

    def wait(self, size: int) -> None:
        with self.lock:
            start = max(time.perf_counter(), self.cursor)
            self.cursor = start + size / self.rate
            until = self.cursor
        delay = until - time.perf_counter()
        if delay > 0:
            time.sleep(delay)


@dataclass
class ServerState:
    floor_dir: Path | None
    gzip_static: bool
    throttle: Throttle | None
    log: list[Sent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mark(self) -> int:
        with self.lock:
            return len(self.log)

    def since(self, mark: int) -> list[Sent]:
        with self.lock:
            return list(self.log[mark:])


class BenchHandler(Handler):
    state: ServerState  # set on the subclass made per server

    def translate_path(self, path: str) -> str:
        plain = urllib.parse.urlsplit(path).path
        if self.state.floor_dir is not None and plain.startswith(FLOOR_PREFIX):
            saved = self.directory
            self.directory = str(self.state.floor_dir)
            try:
                return super().translate_path("/" + plain[len(FLOOR_PREFIX):])
            finally:
                self.directory = saved
        return super().translate_path(path)

    # -- bookkeeping ---------------------------------------------------------------------------

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "content-encoding":
            self._encoding = value
        super().send_header(keyword, value)

    def do_GET(self) -> None:
        self._status = 0
        self._encoding = None
        sent = 0
        handle = self.send_head()
        if handle:
            try:
                sent = self._copy(handle)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                handle.close()
        with self.state.lock:
            self.state.log.append(
                Sent(urllib.parse.urlsplit(self.path).path, self._status, sent, self._encoding,
                     time.perf_counter())
            )

    def _copy(self, source: Any) -> int:
        total = 0
        while chunk := source.read(CHUNK):
            if self.state.throttle is not None:
                self.state.throttle.wait(len(chunk))
            self.wfile.write(chunk)
            total += len(chunk)
        return total

    # -- gzip_static ---------------------------------------------------------------------------

    def send_head(self) -> Any:
        """Like nginx's ``gzip_static on``: serve ``FILE.gz`` as ``FILE`` with
        ``Content-Encoding: gzip`` when it exists and the client accepts gzip."""
        if not self.state.gzip_static:
            return super().send_head()
        path = self.translate_path(self.path)
        gz = path + ".gz"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and os.path.isfile(path) and os.path.isfile(gz)):
            return super().send_head()
        stat = os.stat(path)
        since = self.headers.get("If-Modified-Since")
        if since and "If-None-Match" not in self.headers:
            with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
                when = email.utils.parsedate_to_datetime(since)
                if int(stat.st_mtime) <= when.timestamp():
                    self.send_response(http.HTTPStatus.NOT_MODIFIED)
                    self.send_header("Vary", "Accept-Encoding")
                    self.end_headers()
                    return None
        handle = open(gz, "rb")  # noqa: SIM115 - closed by do_GET
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return handle


@contextlib.contextmanager
def serve(
    site_dir: Path,
    floor_dir: Path | None = None,
    *,
    gzip_static: bool = False,
    mbit_per_second: float | None = None,
    cache_control: str = CACHE_CONTROL,
) -> Iterator[tuple[str, ServerState]]:
    """Serve `site_dir` (and the floor page) on 127.0.0.1 at a free port; yield the base URL
    and the state holding the log of responses."""
    throttle = Throttle(mbit_per_second * 1e6 / 8) if mbit_per_second else None
    state = ServerState(floor_dir, gzip_static, throttle)
    handler = type("StatefulHandler", (BenchHandler,), {"state": state})
    with serve_site(site_dir, {"Cache-Control": cache_control}, handler) as url:
        yield url, state
