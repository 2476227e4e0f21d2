"""What the site serves from the runtime is verified, and it is the site's own copy.

- The `.gz` copies kept in `node_modules/.cache/advisor-gzip` are checked too: one edited in
  the cache was once shipped as it was. Now a cached copy is used only when it decompresses to
  the bytes the manifest pins; anything else is made again from the verified file.
- The site never aliases `node_modules`: its runtime files were hard links, so
  `echo x >> site/.../pyodide.mjs` changed `node_modules/pyodide/pyodide.mjs` and every later
  build failed with "the runtime was modified".
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from plugin.runtime import BOOT_FILES, GZIP_FILES, MANIFEST, RuntimeVerifier, install_runtime
from tests.reliability.project import PYODIDE, make_project

PINNED: dict[str, str] = json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]


def unpacked_sha256(path: Path) -> str:
    return hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest()


@pytest.fixture
def node_modules(tmp_path: Path) -> Path:
    """A copy of the installed runtime, as `node_modules/pyodide` of a project of our own."""
    target = tmp_path / "node_modules" / "pyodide"
    shutil.copytree(PYODIDE, target)
    return target


@pytest.mark.parametrize("damage", ["other-content", "appended", "truncated"])
def test_an_edited_gz_in_the_cache_is_never_shipped(
    damage: str, node_modules: Path, tmp_path: Path
) -> None:
    runtime = RuntimeVerifier().verify(node_modules)
    cache = node_modules.parent / ".cache" / "advisor-gzip"
    install_runtime(runtime, tmp_path / "first", cache)
    cached = next(cache.glob("pyodide.mjs.*.gz"))
    good = cached.read_bytes()
    if damage == "other-content":
        cached.write_bytes(gzip.compress(b"globalThis.pwned = true;\n"))
    elif damage == "appended":
        cached.write_bytes(good + gzip.compress(b"globalThis.pwned = true;\n"))  # a 2nd member
    else:
        cached.write_bytes(good[: len(good) // 2])

    site = tmp_path / "second"
    install_runtime(runtime, site, cache)
    folder = site / runtime.folder
    for name in GZIP_FILES:
        assert unpacked_sha256(folder / f"{name}.gz") == PINNED[name], name
    assert cached.read_bytes() == good  # made again from the verified file


def test_writing_to_the_built_site_never_touches_node_modules(
    node_modules: Path, tmp_path: Path
) -> None:
    project = make_project(tmp_path / "project", runtime_dir=str(node_modules), gzip=True,
                           snapshot=True)
    site = tmp_path / "site"
    done = project.build(site)
    assert done.returncode == 0, done.stderr
    folder = next((site / "assets" / "advisor").glob("pyodide-*"))
    shipped = [folder / n for n in BOOT_FILES] + [folder / f"{n}.gz" for n in GZIP_FILES]
    shipped += list((site / "assets" / "advisor").glob("snapshot-*.bin*"))  # and its .gz
    shipped += list((site / "assets" / "advisor").glob("stdlib-*.zip"))  # the snapshot's
    assert len(shipped) == len(BOOT_FILES) + len(GZIP_FILES) + 3, shipped
    project_files = {
        (p.stat().st_dev, p.stat().st_ino) for p in node_modules.parent.rglob("*") if p.is_file()
    }
    for path in shipped:
        info = path.stat()
        assert info.st_nlink == 1, f"{path.name} is a link"
        assert (info.st_dev, info.st_ino) not in project_files, path.name

    with (folder / "pyodide.mjs").open("a") as handle:  # a user editing the built site
        handle.write("x\n")
    with (folder / "pyodide.asm.wasm.gz").open("ab") as handle:
        handle.write(b"x")
    assert hashlib.sha256((node_modules / "pyodide.mjs").read_bytes()).hexdigest() == PINNED[
        "pyodide.mjs"]
    for gz in (node_modules.parent / ".cache" / "advisor-gzip").glob("*.gz"):
        assert unpacked_sha256(gz) in PINNED.values(), gz.name

    again = project.build(site)  # before: "does not match the SHA-256 ... modified"
    assert again.returncode == 0, again.stderr
    assert hashlib.sha256((folder / "pyodide.mjs").read_bytes()).hexdigest() == PINNED[
        "pyodide.mjs"]
    assert unpacked_sha256(folder / "pyodide.asm.wasm.gz") == PINNED["pyodide.asm.wasm"]
