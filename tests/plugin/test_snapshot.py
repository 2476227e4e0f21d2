"""The build's memory snapshot (plugin/snapshot.py, plugin/snapshot.mjs) and the trimmed
standard library it is made and booted with (plugin/stdlib.py): made from the very inputs the
site ships, named by their hash, the same bytes every time they are made, and a build that
cannot make them says so and still builds (the quiz then boots the stock way).

Pyodide's snapshot API is private (`_makeSnapshot`, `makeMemorySnapshot`, `_loadSnapshot`):
these tests and tests/reliability/test_snapshot_boot.py pin what the guide relies on.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import advisor
from plugin import stdlib
from plugin.runtime import Runtime, RuntimeVerifier, browser_sources, build_archive
from plugin.snapshot import (
    KEPT_SNAPSHOTS,
    KEPT_STDLIBS,
    SCRIPT,
    SnapshotMaker,
    _drop_oldest,
    inputs_key,
    make_now,
    stdlib_key,
)
from tests.sitetools import ROOT

PYODIDE = ROOT / "node_modules" / "pyodide"
MODELS = [ROOT / "docs" / "models" / f"{name}.yml" for name in ("orchestration", "adoption")]


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    if not (PYODIDE / "pyodide.mjs").exists():
        pytest.skip("node_modules/pyodide is missing: run `npm ci` (bash scripts/setup.sh)")
    return RuntimeVerifier().verify(PYODIDE)


def payloads() -> list[bytes]:
    from advisor.source import read_model_file  # noqa: PLC0415

    return [json.dumps(read_model_file(path)[0], sort_keys=True, ensure_ascii=False,
                       separators=(",", ":")).encode() for path in MODELS]


def archive() -> bytes:
    return build_archive(Path(advisor.__file__).parent)


def test_the_name_changes_with_every_input(runtime: Runtime) -> None:
    key = "0" * 64  # the trimmed standard library's SHA-256
    base = inputs_key(runtime, archive(), payloads(), stdlib=key)
    assert base == inputs_key(runtime, archive(), payloads(), stdlib=key)
    first, second = payloads()
    assert inputs_key(runtime, archive() + b" ", [first, second], stdlib=key) != base
    assert inputs_key(runtime, archive(), [first + b" ", second], stdlib=key) != base
    assert inputs_key(runtime, archive(), [second, first], stdlib=key) != base
    assert inputs_key(runtime, archive(), [first], stdlib=key) != base
    assert inputs_key(runtime, archive(), payloads(), stdlib="1" * 64) != base
    assert SCRIPT.read_bytes()  # the script is an input too (read by inputs_key)
    assert stdlib_key(runtime, archive() + b" ") != stdlib_key(runtime, archive())


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_damaged_snapshot_is_made_again_from_scratch_to_the_same_bytes(
    runtime: Runtime, tmp_path: Path
) -> None:
    """Made twice from scratch (the second time because the cached copy lost a byte), a
    snapshot has the same bytes; and the cache, full of older snapshots, drops the oldest of
    them. (The trimmed zip's own determinism: test_the_trimmed_stdlib_is_a_deterministic_copy.)"""
    for age in range(KEPT_SNAPSHOTS):
        for suffix in (".json", ".bin", ".bin.gz"):
            (tmp_path / f"{age:064x}{suffix}").write_bytes(b"x")
            os.utime(tmp_path / f"{age:064x}{suffix}", ns=(0, (100 - age) * 10**9))
    made = make_now(runtime, archive(), payloads(), cache=tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == KEPT_SNAPSHOTS
    assert not list(tmp_path.glob(f"{KEPT_SNAPSHOTS - 1:064x}.*"))
    first = made.read_bytes()
    assert len(first) > 1_000_000
    zipped = next(tmp_path.glob("stdlib-*.zip")).read_bytes()
    info = json.loads(made.with_suffix(".json").read_text(encoding="utf-8"))
    packed = made.with_name(made.name + ".gz").read_bytes()
    assert info.pop("stamp")[::2] == [len(first), len(packed)]
    assert info == {"pyodide": runtime.version, "bytes": len(first),
                    "sha256": hashlib.sha256(first).hexdigest(), "inputs": made.stem,
                    "gzip_sha256": hashlib.sha256(packed).hexdigest(),
                    "stdlib_sha256": hashlib.sha256(zipped).hexdigest()}
    assert gzip.decompress(packed) == first

    made.write_bytes(first[:1000] + bytes([first[1000] ^ 0xFF]) + first[1001:])  # one byte
    assert make_now(runtime, archive(), payloads(), cache=tmp_path) == made
    assert made.read_bytes() == first
    assert gzip.decompress(made.with_name(made.name + ".gz").read_bytes()) == first


def test_serve_uses_only_a_cached_snapshot(runtime: Runtime, tmp_path: Path) -> None:
    maker = SnapshotMaker(tmp_path)
    assert maker.get(runtime, archive(), payloads(), make=False) is None
    assert maker.error is None
    assert list(tmp_path.iterdir()) == []


def test_without_node_the_build_is_told_why(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    maker = SnapshotMaker(tmp_path)
    assert maker.get(runtime, archive(), payloads()) is None
    assert maker.error is not None
    assert "node" in maker.error


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_model_pyodide_cannot_load_is_named(runtime: Runtime, tmp_path: Path) -> None:
    maker = SnapshotMaker(tmp_path)
    assert maker.get(runtime, archive(), [b'{"id": "broken"}']) is None
    assert maker.error is not None
    assert "a model does not load in Pyodide" in maker.error


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_cache_keeps_the_snapshots_used_last(tmp_path: Path) -> None:
    """Each edit of a model makes a snapshot of about 37 MB: the cache drops the ones used
    least recently beyond KEPT_SNAPSHOTS (every file of each), and the oldest trimmed
    standard libraries beyond KEPT_STDLIBS, but never the one just used."""
    total = KEPT_SNAPSHOTS + 3
    for age in range(total):  # entry 0 is the newest
        for suffix in (".json", ".bin", ".bin.gz"):
            entry = tmp_path / f"{age:064x}{suffix}"
            entry.write_bytes(b"x")
            os.utime(entry, ns=(0, (10_000 - age) * 10**9))
        zipped = tmp_path / f"stdlib-{age:064x}.zip"
        zipped.write_bytes(b"PK")
        zipped.with_suffix(".sha256").write_text("0\n", encoding="utf-8")
        os.utime(zipped, ns=(0, (10_000 - age) * 10**9))
    in_use = tmp_path / f"stdlib-{total - 1:064x}.zip"  # the oldest, but in use

    _drop_oldest(tmp_path, in_use)

    kept = sorted(int(path.stem, 16) for path in tmp_path.glob("*.json"))
    assert kept == list(range(KEPT_SNAPSHOTS))
    for age in range(KEPT_SNAPSHOTS, total):
        assert not list(tmp_path.glob(f"{age:064x}.*")), age
    zips = sorted(int(path.stem.removeprefix("stdlib-"), 16)
                  for path in tmp_path.glob("stdlib-*.zip"))
    assert zips == [*range(KEPT_STDLIBS), total - 1]
    assert len(list(tmp_path.glob("stdlib-*.sha256"))) == len(zips)


def test_a_snapshot_found_in_the_cache_counts_as_used(runtime: Runtime) -> None:
    made = make_now(runtime, archive(), payloads())  # the guide's: cached by its build
    described = made.with_suffix(".json")
    os.utime(described, ns=(0, 10**9))
    assert make_now(runtime, archive(), payloads()) == made
    assert described.stat().st_mtime_ns > 10**9


# -- the trimmed standard library the snapshot boots with (plugin/stdlib.py) -----------------

STDLIB_ZIP = PYODIDE / "python_stdlib.zip"

#: What asks Pyodide's Python, booted the stock way with the whole standard library unpacked
#: into a folder, which standard modules a script imports, to the end: Python's own
#: modulefinder (it reads the compiled code, so imports inside functions count too), not the
#: source reading plugin/stdlib.py does. It skips the families plugin/stdlib.py never ships.
FINDER = r"""
import fs from "node:fs";
import path from "node:path";
const [runtime, scripts] = [path.resolve(process.argv[2]) + path.sep, process.argv[3]];
const excludes = process.argv[4];
const { loadPyodide } = await import(path.join(runtime, "pyodide.mjs"));
const lock = JSON.parse(fs.readFileSync(path.join(runtime, "pyodide-lock.json"), "utf-8"));
const py = await loadPyodide({ indexURL: runtime,
                               lockFileContents: { info: lock.info, packages: {} } });
py.unpackArchive(new Uint8Array(fs.readFileSync(path.join(runtime, "python_stdlib.zip"))), "zip",
                 { extractDir: "/stdlib" });
py.FS.mkdirTree("/scripts");
for (const name of fs.readdirSync(scripts)) {
  py.FS.writeFile(`/scripts/${name}`, fs.readFileSync(path.join(scripts, name)));
}
console.log(py.runPython(`
import json, modulefinder, os
found = set()
for name in sorted(os.listdir("/scripts")):
    finder = modulefinder.ModuleFinder(path=["/stdlib", "/scripts"],
                                       excludes=json.loads(${JSON.stringify(excludes)}))
    finder.run_script(f"/scripts/{name}")
    found |= {m for m, module in finder.modules.items()
              if module.__file__ and module.__file__.startswith("/stdlib/")}
json.dumps(sorted(found))
`));
"""


def finder_closure(runtime: Runtime, scripts: dict[str, str], tmp_path: Path) -> set[str]:
    """The standard modules these scripts import, directly or not, by Python's modulefinder
    running in Pyodide (see FINDER)."""
    folder = tmp_path / "scripts"
    folder.mkdir()
    for name, text in scripts.items():
        (folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "finder.mjs").write_text(FINDER, encoding="utf-8")
    done = subprocess.run(["node", str(tmp_path / "finder.mjs"), str(runtime.source_dir),
                           str(folder), json.dumps(sorted(stdlib.NEVER))],
                          capture_output=True, text=True, timeout=300, check=True)
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return set(found)


def zip_modules(data: bytes) -> set[str]:
    names = set()
    for member in zipfile.ZipFile(io.BytesIO(data)).namelist():
        if member.endswith(".py"):
            stem = member.removesuffix(".py").removesuffix("/__init__")
            names.add(stem.replace("/", "."))
    return names


def test_the_trimmed_stdlib_is_a_deterministic_copy_of_pyodides(runtime: Runtime) -> None:
    sources = browser_sources(Path(advisor.__file__).parent)
    data = stdlib.trimmed_zip(STDLIB_ZIP, sources)
    assert data == stdlib.trimmed_zip(STDLIB_ZIP, sources)
    whole = zipfile.ZipFile(STDLIB_ZIP)
    trimmed = zipfile.ZipFile(io.BytesIO(data))
    assert trimmed.testzip() is None
    for info in trimmed.infolist():  # each member as Pyodide ships it: bytes, time, mode
        original = whole.getinfo(info.filename)
        assert (info.date_time, info.external_attr, info.compress_type, info.CRC) == (
            original.date_time, original.external_attr, original.compress_type, original.CRC)
        assert trimmed.read(info) == whole.read(original)
    assert len(data) < 0.6 * STDLIB_ZIP.stat().st_size  # the point of it
    assert {"xml.dom", "xml.etree", "unittest", "doctest", "pdb", "_pyrepl", "http"}.isdisjoint(
        zip_modules(data))


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_every_stdlib_module_the_advisor_may_import_is_in_the_trimmed_zip(
    runtime: Runtime, tmp_path: Path
) -> None:
    """Whatever the advisor's browser modules import, at once or on a rare path (difflib for a
    close-match hint), and what those import in turn: a new import (say of xml.dom.minidom,
    inside a function) must bring its modules into the zip, or this fails."""
    package = Path(advisor.__file__).parent
    sources = {p.name: p.read_text(encoding="utf-8") for p in browser_sources(package)}
    # The advisor's own relative imports are not modulefinder's business here.
    scripts = {name: "\n".join(line for line in text.splitlines()
                               if not line.lstrip().startswith("from ."))
               for name, text in sources.items()}
    scripts["lazy_xml.py"] = "def f():\n    import xml.dom.minidom\n    return xml\n"
    needed = finder_closure(runtime, scripts, tmp_path)
    assert {"difflib", "json.decoder", "xml.dom.minidom", "xml.parsers.expat"} <= needed
    extra = tmp_path / "lazy_xml.py"
    extra.write_text(scripts["lazy_xml.py"], encoding="utf-8")
    present = zip_modules(stdlib.trimmed_zip(
        STDLIB_ZIP, [*browser_sources(package), extra]))
    assert needed - present == set()
    assert "xml.dom.minidom" in present
    # ... and without that import, xml stays out.
    assert "xml.dom.minidom" not in zip_modules(
        stdlib.trimmed_zip(STDLIB_ZIP, browser_sources(package)))
