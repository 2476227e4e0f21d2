"""The browser runtime: the pinned Pyodide files, verified and installed into the site, and the
advisor package packed as a reproducible zip that the page unpacks with ``unpackArchive``."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import secrets
import shutil
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from . import log

#: The files a page needs to boot Pyodide. The lock file is not served: the page passes the
#: lock file's ``info`` inline (``lockFileContents``), since the guide loads no packages.
BOOT_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
LOCK_FILE = "pyodide-lock.json"
MANIFEST = Path(__file__).with_name("runtime-manifest.json")

#: Modules of ``advisor`` that only the terminal and the build need (they import PyYAML, are
#: argparse front ends, or serve the generated pages and "What changed"); everything else in
#: the package goes to the browser. tests/unit/test_stdlib.py checks that the rest is exactly
#: what ``advisor/__init__.py`` and ``advisor/web.py`` import.
NOT_FOR_BROWSER = frozenset({"cli.py", "__main__.py", "source.py", "diff.py", "tree.py"})

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

    def gz_digest(self, path: Path) -> str:
        """SHA-256 of what the gzip file ``path`` decompresses to ('' if it is not gzip)."""
        stat = path.stat()
        key = (f"gz:{path}", stat.st_size, stat.st_mtime_ns)
        if key not in self._known:
            digest = hashlib.sha256()
            try:
                with gzip.open(path, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
                self._known[key] = digest.hexdigest()
            except (OSError, EOFError, zlib.error):
                self._known[key] = ""
        return self._known[key]

    def check(self, path: Path, expected: str) -> None:
        """Refuse ``path`` unless its SHA-256 is ``expected`` (the manifest's)."""
        if self._digest(path) != expected:
            raise PluginError(
                f"advisor: '{path}' does not match the SHA-256 recorded for it in "
                f"plugin/runtime-manifest.json: the runtime was modified or is damaged, and the "
                f"guide will not ship it. Fix: delete node_modules and {NPM_FIX}."
            )

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
        checked = _Checked(source_dir.parent / ".cache" / "advisor-runtime-checked.json")
        for name in (*BOOT_FILES, LOCK_FILE):
            path = source_dir / name
            if checked.digest(path, self._digest) != manifest["files"][name]:
                raise PluginError(
                    f"advisor: '{path}' does not match the SHA-256 recorded for Pyodide "
                    f"{expected_version} in plugin/runtime-manifest.json: the runtime was "
                    f"modified or is damaged, and the guide will not ship it. Fix: delete "
                    f"node_modules and {NPM_FIX}."
                )
            sizes[name] = path.stat().st_size
        checked.save()
        lock = json.loads((source_dir / LOCK_FILE).read_text(encoding="utf-8"))
        return Runtime(source_dir, version, dict(lock["info"]), sizes)


class _Checked:
    """The runtime files' digests as the last build process computed them, kept beside the
    runtime (``node_modules/.cache``), each with the file's size, modification and change
    times and inode: a new build process hashes a file again (13 MB, about 13 ms in all) only
    when any of them changed. Writing a file, or copying another over it, sets its change time
    to now, which no tool can set back; so a modified file is always hashed again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changed = False
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            self.table: dict[str, list[Any]] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.table = {}

    def digest(self, path: Path, compute: Any) -> str:
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]
        entry = self.table.get(str(path))
        if isinstance(entry, list) and entry[:-1] == stamp and isinstance(entry[-1], str):
            return entry[-1]
        found: str = compute(path)
        self.table[str(path)] = [*stamp, found]
        self.changed = True
        return found

    def save(self) -> None:
        if not self.changed:
            return
        with contextlib.suppress(OSError):  # a read-only cache: hashed again next time
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part = private_part(self.path)
            part.write_text(json.dumps(self.table, sort_keys=True), encoding="utf-8")
            part.replace(self.path)


def gzip_copy(src: Path, digest: str, cache_dir: Path, verifier: RuntimeVerifier) -> Path:
    """``src`` compressed with gzip -9, made once per content and kept in ``cache_dir``;
    byte-identical every time (no name, no timestamp in the header).

    A copy already in the cache is used only when it decompresses to bytes whose SHA-256 is
    ``digest`` (checked once per size and modification time): an edited or damaged copy is
    made again from the verified file, never shipped.
    """
    cached = cache_dir / f"{src.name}.{digest[:16]}.gz"
    checked = cached.with_name(cached.name + ".checked")  # [size, mtime_ns] when it was
    if cached.exists():
        stat = cached.stat()
        try:  # unchanged since a build checked it: not decompressed again (~50 ms a build)
            if json.loads(checked.read_text(encoding="utf-8")) == [stat.st_size,
                                                                    stat.st_mtime_ns]:
                return cached
        except (OSError, ValueError):
            pass
        if verifier.gz_digest(cached) == digest:
            _mark_checked(checked, stat)
            return cached
        log.info("advisor: the cached copy '%s' does not decompress to the verified runtime "
                 "file (it was modified or is damaged); made again", cached)
    cache_dir.mkdir(parents=True, exist_ok=True)
    part = private_part(cached)  # two builds at once each write their own, then one wins
    try:
        with (
            src.open("rb") as fin,
            part.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out,
        ):
            shutil.copyfileobj(fin, out, 1 << 20)
        if verifier.gz_digest(part) != digest:  # src changed while it was read
            raise PluginError(
                f"advisor: '{src}' changed while it was compressed. Fix: build again.")
        part.replace(cached)
    finally:
        part.unlink(missing_ok=True)  # nothing half-written stays in the cache
    _mark_checked(checked, cached.stat())
    return cached


def _mark_checked(checked: Path, stat: os.stat_result) -> None:
    with contextlib.suppress(OSError):  # a read-only cache: checked again next time
        checked.write_text(json.dumps([stat.st_size, stat.st_mtime_ns]), encoding="utf-8")


def private_part(path: Path) -> Path:
    """A name beside ``path`` that no other process writes to: files in a cache shared by
    several builds (two `mkdocs build` runs, a build beside `mkdocs serve`) are written under
    it and then renamed into place, which is atomic, so no build reads another's half-written
    file."""
    return path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")


#: Linux's FICLONE ioctl: a copy-on-write clone of a whole file (Btrfs, XFS, bcachefs), which
#: shares blocks with the source until either side is written, so it is still a copy.
_FICLONE = 0x40049409


def _clone(src: Path, dst: Path) -> bool:
    """Make ``dst`` a copy-on-write clone of ``src`` where the file system offers it."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only

        with src.open("rb") as fin, dst.open("wb") as fout:
            fcntl.ioctl(fout.fileno(), _FICLONE, fin.fileno())
    except (ImportError, OSError):
        dst.unlink(missing_ok=True)
        return False
    return True


def _place(src: Path, dst: Path) -> int:
    """Copy ``src`` to ``dst`` with its modification time; the bytes copied.

    The site never shares a file with the project (a hard link would let a write to the built
    site change ``node_modules``). A ``dst`` that is already a separate file of the same size
    and modification time (set here, by the last copy) is kept: a ``--dirty`` build or a
    ``mkdocs serve`` rebuild copies nothing. Where the file system can clone, the copy is a
    clone and costs no bytes.
    """
    a = src.stat()
    if dst.exists():
        b = dst.stat()
        same_file = (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)  # an old hard link
        if (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns) and not same_file:
            return 0
    part = dst.with_name(dst.name + ".part")
    copied = 0
    if not _clone(src, part):
        shutil.copyfile(src, part)
        copied = a.st_size
    os.utime(part, ns=(a.st_atime_ns, a.st_mtime_ns))
    part.replace(dst)  # replaces an old hard link without writing through it
    return copied


def install_runtime(
    runtime: Runtime,
    site_dir: Path,
    gzip_cache: Path | None = None,
    verifier: RuntimeVerifier | None = None,
) -> int:
    """Put the boot files into the built site, with ``.gz`` copies of the large ones when a
    cache folder is given; return the number of bytes copied.

    Each file is checked against the manifest again (cheaply: its hash is kept per size and
    modification time), so what is copied is what was verified. The site gets copies, never
    links into ``node_modules``; a file already there from the last build is kept.
    """
    verifier = verifier or RuntimeVerifier()
    digests = json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]
    target = site_dir / runtime.folder
    target.mkdir(parents=True, exist_ok=True)
    copied = 0
    for name in BOOT_FILES:
        src = runtime.source_dir / name
        verifier.check(src, digests[name])
        copied += _place(src, target / name)
    if gzip_cache is not None:
        for name in GZIP_FILES:
            packed = gzip_copy(runtime.source_dir / name, digests[name], gzip_cache, verifier)
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
