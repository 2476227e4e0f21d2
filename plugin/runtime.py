"""The browser runtime: the pinned Pyodide files, verified and installed into the site, and the
advisor package packed as a reproducible zip that the page unpacks with ``unpackArchive``."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

#: The files a page needs to boot Pyodide. The lock file is not served: the page passes the
#: lock file's ``info`` inline (``lockFileContents``), since the guide loads no packages.
BOOT_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
LOCK_FILE = "pyodide-lock.json"
MANIFEST = Path(__file__).with_name("runtime-manifest.json")

#: Modules of ``advisor`` that only the terminal needs (they import PyYAML or argparse front
#: ends); everything else in the package goes to the browser.
NOT_FOR_BROWSER = frozenset({"cli.py", "__main__.py", "source.py"})

#: Fixed timestamp for archive members, so that two builds of one commit give identical bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

#: Files worth a pre-compressed copy for hosts that serve `name.gz` (nginx `gzip_static`):
#: together 13.4 MB shrink to 6.3 MB. The stdlib zip is left out: gzip saves 2% on it.
GZIP_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")

NPM_FIX = (
    "run `advisor-runtime fetch` in the folder that holds mkdocs.yml (it downloads and verifies "
    "the pinned Pyodide; `npm ci` does the same where a package.json pins it)"
)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Runtime:
    """A verified copy of the Pyodide npm package."""

    source_dir: Path
    version: str
    lock_info: dict[str, Any]
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        """Where the runtime lives in the site: versioned, so browsers may cache it forever."""
        return f"assets/advisor/pyodide-{self.version}"


class RuntimeVerifier:
    """Checks the runtime against the committed manifest, hashing each file only when it
    changed (``mkdocs serve`` rebuilds would otherwise hash 13 MB every time)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, int], str] = {}

    def _digest(self, path: Path) -> str:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if key not in self._known:
            self._known[key] = sha256_file(path)
        return self._known[key]

    def verify(self, source_dir: Path) -> Runtime:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        expected_version = manifest["version"]
        if not source_dir.is_dir():
            raise PluginError(
                f"advisor: the Pyodide runtime {expected_version} was not found at "
                f"'{source_dir}'. Fix: {NPM_FIX}."
            )
        missing = [
            name
            for name in (*BOOT_FILES, LOCK_FILE, "package.json")
            if not (source_dir / name).is_file()
        ]
        if missing:
            raise PluginError(
                f"advisor: the Pyodide runtime at '{source_dir}' lacks {', '.join(missing)}. "
                f"Fix: {NPM_FIX}."
            )
        version = json.loads((source_dir / "package.json").read_text(encoding="utf-8")).get(
            "version"
        )
        if version != expected_version:
            raise PluginError(
                f"advisor: '{source_dir}' holds Pyodide {version}, but the guide is pinned to "
                f"{expected_version} (plugin/runtime-manifest.json). Fix: {NPM_FIX}."
            )
        sizes = {}
        for name in (*BOOT_FILES, LOCK_FILE):
            path = source_dir / name
            if self._digest(path) != manifest["files"][name]:
                raise PluginError(
                    f"advisor: '{path}' does not match the SHA-256 recorded for Pyodide "
                    f"{expected_version} in plugin/runtime-manifest.json: the runtime was "
                    f"modified or is damaged, and the guide will not ship it. Fix: delete "
                    f"node_modules and {NPM_FIX}."
                )
            sizes[name] = path.stat().st_size
        lock = json.loads((source_dir / LOCK_FILE).read_text(encoding="utf-8"))
        return Runtime(source_dir, version, dict(lock["info"]), sizes)


def gzip_copy(src: Path, digest: str, cache_dir: Path) -> Path:
    """``src`` compressed with gzip -9, made once per content and kept in ``cache_dir``;
    byte-identical every time (no name, no timestamp in the header)."""
    cached = cache_dir / f"{src.name}.{digest[:16]}.gz"
    if not cached.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        part = cached.with_name(cached.name + ".part")
        with (
            src.open("rb") as fin,
            part.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out,
        ):
            shutil.copyfileobj(fin, out, 1 << 20)
        part.replace(cached)
    return cached


def _place(src: Path, dst: Path) -> int:
    """Hard-link ``src`` to ``dst`` (copy across file systems); the bytes copied."""
    if dst.exists():
        a, b = src.stat(), dst.stat()
        if a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns:
            return 0
        dst.unlink()
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
        return src.stat().st_size
    return 0


def install_runtime(runtime: Runtime, site_dir: Path, gzip_cache: Path | None = None) -> int:
    """Put the boot files into the built site, with ``.gz`` copies of the large ones when a
    cache folder is given; return the number of bytes copied.

    A file already there with the same size and time is kept, and a new one is hard-linked
    when the file system allows it, so a rebuild copies no runtime bytes.
    """
    target = site_dir / runtime.folder
    target.mkdir(parents=True, exist_ok=True)
    copied = sum(_place(runtime.source_dir / name, target / name) for name in BOOT_FILES)
    if gzip_cache is not None:
        digests = json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]
        for name in GZIP_FILES:
            packed = gzip_copy(runtime.source_dir / name, digests[name], gzip_cache)
            copied += _place(packed, target / f"{name}.gz")
    return copied


def browser_sources(package_dir: Path) -> list[Path]:
    """The advisor modules that the browser needs, in a stable order."""
    return sorted(p for p in package_dir.glob("*.py") if p.name not in NOT_FOR_BROWSER)


def build_archive(package_dir: Path) -> bytes:
    """Zip the advisor package for ``pyodide.unpackArchive``: byte-identical for identical
    sources (sorted members, fixed timestamps and permissions)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in browser_sources(package_dir):
            info = zipfile.ZipInfo(f"{package_dir.name}/{path.name}", date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def hashed_name(stem: str, suffix: str, content: bytes) -> str:
    """``stem-<12 hex of sha256>.suffix``: a new name whenever the content changes."""
    return f"{stem}-{hashlib.sha256(content).hexdigest()[:12]}{suffix}"
