"""A memory snapshot of Pyodide with the advisor imported and the guide's models loaded, for
the quiz's worker to boot from instead of starting Python (see docs/performance.md).

``plugin/snapshot.mjs`` makes it under Node from the very files the site ships: the pinned
runtime, the advisor archive and the models' JSON, with the trimmed standard library that the
snapshot boot mounts in place of Pyodide's whole one (plugin/stdlib.py: 1.2 MB of 2.5 MB). It
is made once per content of those inputs (and of the script), kept in
``node_modules/.cache/advisor-snapshot`` beside the runtime with a ``.gz`` copy and its zip,
and the same inputs always give the same bytes, so builds stay reproducible.

Making one takes a Pyodide boot under Node (5-15 s on a busy two-core machine), once per
change of the advisor or a model; every other build finds it in the cache. The page names it
by its content hash and carries its description (Pyodide version, size, SHA-256, and the same
for its zip); the worker checks them, and that the snapshot was made with that very zip, and
boots the stock way when anything is missing or does not match, so a failure
here costs the reader time, never the quiz.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import stdlib
from .runtime import MANIFEST, Runtime, _place

SCRIPT = Path(__file__).with_name("snapshot.mjs")
STDLIB_CODE = Path(stdlib.__file__)
#: Seconds a snapshot may take to make; a Pyodide boot under Node takes 5-15 s.
TIMEOUT = 300
#: Snapshots the cache keeps, the most recently used (each about 37 MB with its .gz copy; an
#: author's edits to a model make a new one each time), and trimmed standard libraries.
KEPT_SNAPSHOTS = 8
KEPT_STDLIBS = 8


@dataclass(frozen=True)
class Stdlib:
    """The trimmed standard library the snapshot is made and booted with (plugin/stdlib.py)."""

    cached: Path
    bytes: int
    sha256: str  # its name in the site

    def uri(self, folder: str) -> str:
        return f"{folder}/stdlib-{self.sha256[:12]}.zip"


@dataclass(frozen=True)
class Snapshot:
    """A made snapshot: where it is cached, where it goes in the site, what the worker checks."""

    key: str  # SHA-256 of the inputs: the name in the cache
    cache: Path
    pyodide: str
    bytes: int
    sha256: str  # of the snapshot: its name in the site
    stdlib: Stdlib  # made and booted together: the worker checks the pair

    @property
    def cached(self) -> Path:
        return self.cache / f"{self.key}.bin"

    def uri(self, folder: str) -> str:
        return f"{folder}/snapshot-{self.sha256[:12]}.bin"

    def settings(self, url: str) -> dict[str, object]:
        """What the page tells the worker (plugin/assets/worker.mjs checks each): ``url`` is
        the snapshot's, relative to the page; its standard library sits beside it."""
        folder = url.rpartition("/")[0]
        name = self.stdlib.uri("").lstrip("/")
        return {"url": url, "pyodide": self.pyodide, "bytes": self.bytes, "sha256": self.sha256,
                "stdlib": {"url": f"{folder}/{name}" if folder else name,
                           "bytes": self.stdlib.bytes, "sha256": self.stdlib.sha256}}


def _digest(parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def stdlib_key(runtime: Runtime, archive: bytes) -> str:
    """SHA-256 over everything that decides the trimmed standard library's bytes."""
    return _digest([b"stdlib " + runtime.version.encode(), MANIFEST.read_bytes(),
                    STDLIB_CODE.read_bytes(), archive])


def inputs_key(runtime: Runtime, archive: bytes, payloads: list[bytes], *, stdlib: str) -> str:
    """SHA-256 over everything that decides the snapshot's bytes (``stdlib``: the SHA-256 of
    the trimmed standard library it is made with)."""
    return _digest([
        b"pyodide " + runtime.version.encode(),
        MANIFEST.read_bytes(),  # the runtime files' digests, as verified
        SCRIPT.read_bytes(),
        b"stdlib " + stdlib.encode(),
        archive,
        *payloads,
    ])


def _advisor_sources(archive: bytes, folder: Path) -> list[Path]:
    """The advisor archive's modules, written into ``folder`` for plugin/stdlib.py to read."""
    paths = []
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        for member in sorted(files.namelist()):
            if member.endswith(".py"):
                paths.append(folder / member.replace("/", "_"))
                paths[-1].write_bytes(files.read(member))
    return paths


class SnapshotMaker:
    """Makes or reuses the snapshot of a build's inputs and installs it into the site.

    One object lives as long as the plugin, so that ``mkdocs serve`` rebuilds do not check the
    cached snapshot again."""

    def __init__(self, cache: Path | None = None) -> None:
        self._cache = cache  # default: node_modules/.cache/advisor-snapshot
        self._error: str | None = None
        self._checked: dict[tuple[str, int, int], Snapshot | None] = {}  # cached, found whole
        self._stdlibs: dict[tuple[str, int, int], Stdlib] = {}  # cached, found whole

    def cache_dir(self, runtime: Runtime) -> Path:
        return self._cache or runtime.source_dir.parent / ".cache" / "advisor-snapshot"

    @property
    def error(self) -> str | None:
        """Why the last snapshot asked for could not be made (None if it was)."""
        return self._error

    def get(
        self, runtime: Runtime, archive: bytes, payloads: list[bytes], *, make: bool = True,
    ) -> Snapshot | None:
        """The snapshot of these inputs, from the cache or made now; None when it cannot be
        made (``error`` says why) or, with ``make=False`` (``mkdocs serve``), is not cached."""
        self._error = None
        cache = self.cache_dir(runtime)
        trimmed = self.stdlib(runtime, archive, cache, make=make)
        if trimmed is None:
            return None
        key = inputs_key(runtime, archive, payloads, stdlib=trimmed.sha256)
        found = self._intact(cache, key, trimmed)
        if found is not None:
            with contextlib.suppress(OSError):  # most recently used: the last to be dropped
                os.utime(cache / f"{key}.json")
        if found is not None or not make:
            return found
        node = shutil.which("node")
        if node is None:
            self._error = "`node` is not on PATH"
            return None
        self._make(node, runtime, archive, payloads, key=key, cache=cache, trimmed=trimmed)
        return None if self._error else self._intact(cache, key, trimmed)

    def stdlib(
        self, runtime: Runtime, archive: bytes, cache: Path, *, make: bool = True,
    ) -> Stdlib | None:
        """The trimmed standard library for this advisor archive, from the cache (checked
        against its SHA-256 once per process and file) or made now (0.4 s); None when it is
        not cached and ``make`` is False, or cannot be written (``error`` says why)."""
        path = cache / f"stdlib-{stdlib_key(runtime, archive)}.zip"
        try:
            stat = path.stat()
        except OSError:
            stat = None
        if stat is not None:
            mark = (path.name, stat.st_size, stat.st_mtime_ns)
            if mark not in self._stdlibs:
                data = path.read_bytes()
                recorded = path.with_suffix(".sha256")
                digest = hashlib.sha256(data).hexdigest()
                if recorded.is_file() and recorded.read_text(encoding="utf-8").strip() == digest:
                    self._stdlibs[mark] = Stdlib(path, len(data), digest)
            if mark in self._stdlibs:
                return self._stdlibs[mark]
        if not make:
            return None
        try:
            cache.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix="advisor-stdlib-", dir=cache) as tmp:
                work = Path(tmp)
                data = stdlib.trimmed_zip(runtime.source_dir / "python_stdlib.zip",
                                          _advisor_sources(archive, work))
                (work / "stdlib.sha256").write_text(
                    hashlib.sha256(data).hexdigest() + "\n", encoding="utf-8")
                (work / "stdlib.zip").write_bytes(data)
                (work / "stdlib.sha256").replace(path.with_suffix(".sha256"))
                os.replace(work / "stdlib.zip", path)  # last: its presence means both are whole
        except (OSError, ValueError) as error:
            self._error = f"the trimmed standard library: {type(error).__name__}: {error}"
            return None
        return self.stdlib(runtime, archive, cache, make=False)

    def _intact(self, cache: Path, key: str, trimmed: Stdlib) -> Snapshot | None:
        """The cached snapshot, if it has the size and SHA-256 its JSON records and its .gz
        copy holds the same bytes. Files still as they were written (the sizes and times the
        JSON records) are not hashed again: a build would spend about 0.1 s on it, and the
        worker checks the SHA-256 itself before it uses the snapshot."""
        try:
            info = json.loads((cache / f"{key}.json").read_text(encoding="utf-8"))
            stat = (cache / f"{key}.bin").stat()
            gz = (cache / f"{key}.bin.gz").stat()
        except (OSError, ValueError):
            return None
        mark = (key, stat.st_size, stat.st_mtime_ns + gz.st_size)
        stamp = [stat.st_size, stat.st_mtime_ns, gz.st_size, gz.st_mtime_ns]
        if info.get("stdlib_sha256") != trimmed.sha256:
            return None
        if mark not in self._checked and info.get("stamp") == stamp:
            self._checked[mark] = Snapshot(
                key, cache, info["pyodide"], info["bytes"], info["sha256"], trimmed)
        if mark not in self._checked:
            data = (cache / f"{key}.bin").read_bytes()
            packed = (cache / f"{key}.bin.gz").read_bytes()
            whole = (len(data) == info.get("bytes")
                     and hashlib.sha256(data).hexdigest() == info.get("sha256")
                     and hashlib.sha256(packed).hexdigest() == info.get("gzip_sha256"))
            self._checked[mark] = Snapshot(
                key, cache, info["pyodide"], info["bytes"], info["sha256"],
                trimmed) if whole else None
        return self._checked[mark]

    def _make(
        self, node: str, runtime: Runtime, archive: bytes, payloads: list[bytes], *, key: str,
        cache: Path, trimmed: Stdlib,
    ) -> None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix="advisor-snapshot-", dir=cache) as tmp:
                work = Path(tmp)
                (work / "advisor.zip").write_bytes(archive)
                models = []
                for index, payload in enumerate(payloads):
                    models.append(str(work / f"model-{index}.json"))
                    Path(models[-1]).write_bytes(payload)
                spec = {"runtime": str(runtime.source_dir), "archive": str(work / "advisor.zip"),
                        "stdlib": str(trimmed.cached), "models": models,
                        "out": str(work / "snapshot.bin")}
                (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
                done = subprocess.run(
                    [node, str(SCRIPT), str(work / "spec.json")], capture_output=True,
                    text=True, timeout=TIMEOUT, check=False,
                )
                if done.returncode != 0:
                    tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
                    self._error = f"{SCRIPT.name} exited {done.returncode}:\n{tail}"
                    return
                raw = work / "snapshot.bin"
                data = raw.read_bytes()
                # Level 6, not 9: on a 31.5 MB snapshot level 9 takes 2.8 s here against 0.6 s
                # for a copy 1 % larger (6.17 MB against 6.11 MB: 13 ms more at 40 Mbit/s).
                with (
                    (work / "snapshot.bin.gz").open("wb") as sink,
                    gzip.GzipFile(filename="", mode="wb", fileobj=sink, compresslevel=6,
                                  mtime=0) as out,
                ):
                    out.write(data)
                info = {"pyodide": runtime.version, "bytes": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(), "inputs": key,
                        "stdlib_sha256": trimmed.sha256,
                        "gzip_sha256": hashlib.sha256(
                            (work / "snapshot.bin.gz").read_bytes()).hexdigest()}
                made = [(work / name).stat() for name in ("snapshot.bin", "snapshot.bin.gz")]
                info["stamp"] = [made[0].st_size, made[0].st_mtime_ns,
                                 made[1].st_size, made[1].st_mtime_ns]
                (work / "snapshot.json").write_text(
                    json.dumps(info, sort_keys=True, indent=1) + "\n", encoding="utf-8")
                # The JSON last: its presence means the other two are complete.
                raw.replace(cache / f"{key}.bin")
                (work / "snapshot.bin.gz").replace(cache / f"{key}.bin.gz")
                (work / "snapshot.json").replace(cache / f"{key}.json")
        except (OSError, subprocess.SubprocessError) as error:
            self._error = f"{type(error).__name__}: {error}"
            return
        _drop_oldest(cache, trimmed.cached)

    @staticmethod
    def install(snapshot: Snapshot, site_dir: Path, folder: str, *, gzip_copy: bool) -> int:
        """Put the snapshot (and its .gz copy) and its standard library into the site; the
        bytes copied. The zip gets no .gz copy: its members are compressed already (gzip
        saves 2% on it, as on Pyodide's own)."""
        target = site_dir / snapshot.uri(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        copied = _place(snapshot.cached, target)
        copied += _place(snapshot.stdlib.cached, site_dir / snapshot.stdlib.uri(folder))
        if gzip_copy:
            copied += _place(snapshot.cached.with_name(snapshot.cached.name + ".gz"),
                             target.with_name(target.name + ".gz"))
        return copied


def _drop_oldest(cache: Path, in_use: Path) -> None:
    """Keep the cache from growing forever: the snapshots used least recently beyond
    ``KEPT_SNAPSHOTS`` go (their JSON first, so that a build looking at the same time finds
    none rather than half of one), and the trimmed standard libraries beyond ``KEPT_STDLIBS``
    (one dropped is made again in 0.4 s, the same bytes)."""
    def age(path: Path) -> int:
        return path.stat().st_mtime_ns

    with contextlib.suppress(OSError):
        for described in sorted(cache.glob("*.json"), key=age, reverse=True)[KEPT_SNAPSHOTS:]:
            for name in (described.name, described.stem + ".bin", described.stem + ".bin.gz"):
                (cache / name).unlink(missing_ok=True)
        zips = sorted(cache.glob("stdlib-*.zip"), key=age, reverse=True)
        for old in zips[KEPT_STDLIBS:]:
            if old != in_use:
                old.unlink(missing_ok=True)
                old.with_suffix(".sha256").unlink(missing_ok=True)


def make_now(
    runtime: Runtime, archive: bytes, payloads: list[bytes], cache: Path | None = None
) -> Path:
    """The cached snapshot of these inputs, made now if need be (for tests and tools)."""
    maker = SnapshotMaker(cache)
    snapshot = maker.get(runtime, archive, payloads)
    if snapshot is None:
        raise RuntimeError(f"no snapshot: {maker.error}")
    return snapshot.cached
