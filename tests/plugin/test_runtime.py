"""The runtime the site ships is the pinned one, verified byte for byte, and installed cheaply."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from plugin import runtime as runtime_module
from plugin.runtime import (
    BOOT_FILES,
    GZIP_FILES,
    MANIFEST,
    RuntimeVerifier,
    build_archive,
    install_runtime,
)

ROOT = Path(__file__).resolve().parents[2]
PYODIDE = ROOT / "node_modules" / "pyodide"


@pytest.fixture
def runtime_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pyodide"
    shutil.copytree(PYODIDE, target)
    return target


def test_the_pinned_runtime_verifies() -> None:
    runtime = RuntimeVerifier().verify(PYODIDE)
    assert runtime.version == "314.0.7"
    assert runtime.lock_info["python"].startswith("3.14")
    assert runtime.folder == "assets/advisor/pyodide-314.0.7"


def test_missing_runtime_names_the_fetch_command(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match=r"was not found at .*Fix: run `advisor-runtime fetch`"):
        RuntimeVerifier().verify(tmp_path / "node_modules" / "pyodide")


def test_missing_file_is_named(runtime_copy: Path) -> None:
    (runtime_copy / "pyodide.asm.wasm").unlink()
    with pytest.raises(
        PluginError, match=r"lacks pyodide\.asm\.wasm\. Fix: run `advisor-runtime fetch`"
    ):
        RuntimeVerifier().verify(runtime_copy)


def test_tampered_runtime_is_refused(runtime_copy: Path) -> None:
    with (runtime_copy / "python_stdlib.zip").open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(PluginError, match=r"python_stdlib\.zip' does not match the SHA-256"):
        RuntimeVerifier().verify(runtime_copy)


def test_other_version_is_refused(runtime_copy: Path) -> None:
    package = runtime_copy / "package.json"
    package.write_text(package.read_text().replace('"version": "314.0.7"', '"version": "314.0.6"'))
    with pytest.raises(PluginError, match=r"holds Pyodide 314\.0\.6, but the guide is pinned"):
        RuntimeVerifier().verify(runtime_copy)


def test_second_install_copies_nothing(tmp_path: Path) -> None:
    runtime = RuntimeVerifier().verify(PYODIDE)
    install_runtime(runtime, tmp_path)
    for name in BOOT_FILES:
        assert (tmp_path / runtime.folder / name).read_bytes()[:64] == (
            PYODIDE / name
        ).read_bytes()[:64]
    assert install_runtime(runtime, tmp_path) == 0


def test_archive_is_reproducible_and_holds_only_the_engine() -> None:
    package = ROOT / "advisor"
    first, second = build_archive(package), build_archive(package)
    assert first == second
    names = zipfile.ZipFile(BytesIO(first)).namelist()
    assert "advisor/__init__.py" in names
    assert "advisor/web.py" in names
    assert not {"advisor/cli.py", "advisor/source.py"} & set(names)
    assert names == sorted(names)


def test_gzip_copies_hold_the_runtime_and_are_made_once(tmp_path: Path) -> None:
    runtime = RuntimeVerifier().verify(PYODIDE)
    cache = tmp_path / "cache"
    install_runtime(runtime, tmp_path / "site", cache)
    folder = tmp_path / "site" / runtime.folder
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"):
        packed = (folder / f"{name}.gz").read_bytes()
        assert gzip.decompress(packed) == (PYODIDE / name).read_bytes()
        assert len(packed) < (PYODIDE / name).stat().st_size
    assert not (folder / "python_stdlib.zip.gz").exists()  # gzip would save 2% on it
    made = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    gz_bytes = sum((folder / f"{name}.gz").stat().st_size for name in GZIP_FILES)
    boot_bytes = sum((PYODIDE / name).stat().st_size for name in BOOT_FILES)
    # Another site gets its own copies (no links into the cache or node_modules)...
    assert install_runtime(runtime, tmp_path / "site2", cache) in (0, gz_bytes + boot_bytes)
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == made  # not made again
    # ... and a rebuild into a site that still holds them copies nothing.
    assert install_runtime(runtime, tmp_path / "site2", cache) == 0


def test_builds_at_once_share_a_cold_cache_without_harm(tmp_path: Path) -> None:
    """Two builds (or a build beside `mkdocs serve`, or the test suite's workers) once wrote
    the same `<name>.gz.part` in the shared cache: one truncated the other's half-written copy,
    which then failed its check ("changed while it was compressed") or vanished before its
    rename. Each now writes a file of its own and renames it into place."""
    runtime = RuntimeVerifier().verify(PYODIDE)
    digests = json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]
    cache = tmp_path / "cache"
    sites = [tmp_path / f"site{n}" for n in range(4)]
    with ThreadPoolExecutor(len(sites)) as pool:
        list(pool.map(lambda site: install_runtime(runtime, site, cache), sites))
    for site in sites:
        for name in GZIP_FILES:
            packed = (site / runtime.folder / f"{name}.gz").read_bytes()
            assert gzip.decompress(packed) == (PYODIDE / name).read_bytes(), (site, name)
    kept = {p.name for p in cache.iterdir()}
    assert {f"{name}.{digests[name][:16]}.gz" for name in GZIP_FILES} <= kept
    assert not [name for name in kept if name.endswith(".part")]  # nothing half-written left


def test_a_new_build_process_hashes_only_changed_runtime_files(
    runtime_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a build checked is kept beside the runtime: the next build process (a new
    verifier) hashes nothing while the files are untouched, and a file rewritten with the same
    size and modification time is hashed again and refused."""
    hashed: list[str] = []
    original = runtime_module.sha256_file

    def counting(path: Path) -> str:
        hashed.append(path.name)
        return original(path)

    monkeypatch.setattr(runtime_module, "sha256_file", counting)
    RuntimeVerifier().verify(runtime_copy)
    assert "pyodide.asm.wasm" in hashed
    hashed.clear()
    RuntimeVerifier().verify(runtime_copy)
    assert hashed == []

    stdlib = runtime_copy / "python_stdlib.zip"
    before = stdlib.stat()
    data = bytearray(stdlib.read_bytes())
    data[100] ^= 0xFF
    stdlib.write_bytes(bytes(data))
    os.utime(stdlib, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (stdlib.stat().st_size, stdlib.stat().st_mtime_ns) == (before.st_size,
                                                                  before.st_mtime_ns)
    with pytest.raises(PluginError, match=r"python_stdlib\.zip' does not match the SHA-256"):
        RuntimeVerifier().verify(runtime_copy)
    assert hashed == ["python_stdlib.zip"]
