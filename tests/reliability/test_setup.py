"""Set-up never destroys a working tree. With the npm registry unreachable, `scripts/setup.sh`
(run by `scripts/serve.sh` and `scripts/test.sh`) used to run `npm ci`, which empties
`node_modules` and then fails: the runtime was gone until the network came back.

`scripts/setup.sh` installs the runtime through `scripts/npm-runtime.sh`; these tests run that
script in a copy of the project with npm pointed at a closed port on 127.0.0.1 and an empty
npm cache, so that any download fails at once."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.sitetools import ROOT


def closed_port() -> int:
    """A port nothing listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The files the runtime install reads, and a copy of the installed node_modules."""
    root = tmp_path / "project"
    (root / "scripts").mkdir(parents=True)
    (root / "plugin").mkdir()
    for name in ("package.json", "package-lock.json", "scripts/npm-runtime.sh",
                 "plugin/runtime-manifest.json"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "node_modules", root / "node_modules", symlinks=True,
                    ignore=shutil.ignore_patterns(".cache"))
    return root


def offline_install(root: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "npm_config_registry": f"http://127.0.0.1:{closed_port()}/",
        "npm_config_cache": str(root.parent / "empty-npm-cache"),
        "npm_config_fetch_retries": "0",
        "npm_config_offline": "false",
    }
    return subprocess.run(["bash", "scripts/npm-runtime.sh"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=180, check=False)


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """(size, mtime_ns, inode) of every file under `folder`."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino)
            for p in folder.rglob("*") if p.is_file()}


def test_a_complete_node_modules_needs_no_network(project: Path) -> None:
    before = snapshot(project / "node_modules")
    done = offline_install(project)
    assert done.returncode == 0, done.stderr
    assert "npm ci not needed" in done.stdout
    assert snapshot(project / "node_modules") == before  # not reinstalled, not touched


def test_a_failed_install_puts_node_modules_back(project: Path) -> None:
    """A damaged runtime needs `npm ci`; the registry is unreachable, so it fails: the script
    says so and leaves node_modules exactly as it found it (no worse)."""
    stdlib = project / "node_modules" / "pyodide" / "python_stdlib.zip"
    with stdlib.open("ab") as handle:
        handle.write(b"\0")
    before = snapshot(project / "node_modules")
    done = offline_install(project)
    assert done.returncode != 0
    assert "`npm ci` failed" in done.stderr
    assert "node_modules was left as it was before" in done.stderr, done.stderr
    assert snapshot(project / "node_modules") == before
    assert not (project / ".node_modules.before-npm-ci").exists()


def test_setup_installs_the_runtime_through_the_safe_script() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    commands = [line for line in setup.splitlines() if not line.lstrip().startswith("#")]
    assert "bash scripts/npm-runtime.sh" in commands
    assert not [line for line in commands if "npm ci" in line]
