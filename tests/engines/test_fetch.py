"""`advisor-runtime fetch`: the pinned Pyodide without npm, verified, and offline once fetched."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from devtools.site import ROOT, serve
from plugin import fetch
from plugin.runtime import RuntimeVerifier

#: Kept between runs (git-ignored), so the suite downloads the 6.5 MB tarball once per machine.
CACHE = ROOT / ".cache" / "advisor-runtime"


def test_pins_agree_with_npm_and_the_manifest() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    entry = lock["packages"]["node_modules/pyodide"]
    assert (entry["version"], entry["integrity"]) == (fetch.VERSION, fetch.INTEGRITY)
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["pyodide"] == fetch.VERSION
    manifest = json.loads(fetch.MANIFEST.read_text(encoding="utf-8"))
    assert manifest["version"] == fetch.VERSION


def test_fetch_gives_a_runtime_the_plugin_accepts_then_works_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "site-a" / "node_modules" / "pyodide"
    done = subprocess.run(
        [sys.executable, "-m", "plugin.fetch", "fetch", str(first), "--cache", str(CACHE)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "verified and written to" in done.stdout
    assert sorted(p.name for p in first.iterdir()) == sorted(fetch.WANTED)
    assert RuntimeVerifier().verify(first).version == fetch.VERSION
    assert "already complete and verified" in fetch.fetch(first, cache_dir=CACHE)

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the second fetch went to the network")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    second = tmp_path / "site-b" / "runtime"
    message = fetch.fetch(second, cache_dir=CACHE)
    assert message.startswith(f"Pyodide {fetch.VERSION} unpacked from the cache")
    assert RuntimeVerifier().verify(second).version == fetch.VERSION


def test_a_registry_serving_other_bytes_is_refused(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    (registry / "pyodide" / "-").mkdir(parents=True)
    (registry / "pyodide" / "-" / fetch.tarball_name()).write_bytes(b"not the pinned tarball")
    target = tmp_path / "runtime"
    with serve(registry) as url:
        done = subprocess.run(
            [sys.executable, "-m", "plugin.fetch", "fetch", str(target),
             "--cache", str(tmp_path / "cache"), "--registry", url],
            capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "does not match the integrity recorded for pyodide 314.0.7" in done.stderr
    assert "Traceback" not in done.stderr
    assert not target.exists()
    assert not (tmp_path / "cache" / fetch.tarball_name()).exists()


def test_an_unreachable_registry_says_what_to_do(tmp_path: Path) -> None:
    with serve(tmp_path) as url:
        pass  # the port is closed again: nothing answers there
    done = subprocess.run(
        [sys.executable, "-m", "plugin.fetch", "fetch", str(tmp_path / "rt"),
         "--cache", str(tmp_path / "cache"), "--registry", url],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith(f"advisor-runtime: could not download {url}")
    assert "copy pyodide-314.0.7.tgz into the cache folder" in done.stderr
