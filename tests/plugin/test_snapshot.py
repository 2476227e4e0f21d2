"""The build's memory snapshot (plugin/snapshot.py, plugin/snapshot.mjs): made from the very
inputs the site ships, named by their hash, the same bytes every time it is made, and a build
that cannot make one says so and still builds (the quiz then boots the stock way).

Pyodide's snapshot API is private (`_makeSnapshot`, `makeMemorySnapshot`, `_loadSnapshot`):
these tests and tests/reliability/test_snapshot_boot.py pin what the guide relies on.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest

import advisor
from plugin.runtime import Runtime, RuntimeVerifier, build_archive
from plugin.snapshot import SCRIPT, SnapshotMaker, inputs_key, make_now
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
    base = inputs_key(runtime, archive(), payloads())
    assert base == inputs_key(runtime, archive(), payloads())
    first, second = payloads()
    assert inputs_key(runtime, archive() + b" ", [first, second]) != base
    assert inputs_key(runtime, archive(), [first + b" ", second]) != base
    assert inputs_key(runtime, archive(), [second, first]) != base
    assert inputs_key(runtime, archive(), [first]) != base
    assert SCRIPT.read_bytes()  # the script is an input too (read by inputs_key)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_two_snapshots_made_from_scratch_are_identical(
    runtime: Runtime, tmp_path: Path
) -> None:
    made = [make_now(runtime, archive(), payloads(), cache=tmp_path / name)
            for name in ("one", "two")]
    first, second = (path.read_bytes() for path in made)
    assert len(first) > 1_000_000
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    info = json.loads(made[0].with_suffix(".json").read_text(encoding="utf-8"))
    assert info.pop("stamp")[::2] == [len(first), len(made[0].with_name(made[0].name + ".gz")
                                                      .read_bytes())]
    packed = made[0].with_name(made[0].name + ".gz").read_bytes()
    assert info == {"pyodide": runtime.version, "bytes": len(first),
                    "sha256": hashlib.sha256(first).hexdigest(), "inputs": made[0].stem,
                    "gzip_sha256": hashlib.sha256(packed).hexdigest()}
    assert gzip.decompress(packed) == first


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
def test_a_damaged_cached_snapshot_is_made_again(runtime: Runtime, tmp_path: Path) -> None:
    made = make_now(runtime, archive(), payloads(), cache=tmp_path)
    good = made.read_bytes()
    made.write_bytes(good[:1000] + bytes([good[1000] ^ 0xFF]) + good[1001:])  # one byte flipped
    assert make_now(runtime, archive(), payloads(), cache=tmp_path) == made
    assert made.read_bytes() == good
