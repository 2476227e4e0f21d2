"""What a model path may be: a regular file of at most 1 MiB. Anything else (a device such as
`/dev/zero`, a FIFO, a directory, a symbolic link loop) is refused at once with a message that
names the path and the fix, by the terminal and by `mkdocs build`; nothing hangs, nothing reads
without bound, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.sitetools import ROOT


def advisor_check(path: Path | str) -> subprocess.CompletedProcess[str]:
    """`python -m advisor check PATH`, as an author runs it; 20 s is a hang."""
    return subprocess.run([sys.executable, "-m", "advisor", "check", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=20, check=False)


def make_fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yml"
    os.mkfifo(path)
    return path


def make_loop(tmp_path: Path) -> Path:
    path = tmp_path / "loop.yml"
    path.symlink_to("loop.yml")
    return path


def make_dir(tmp_path: Path) -> Path:
    path = tmp_path / "folder.yml"
    path.mkdir()
    return path


@pytest.mark.parametrize(("make", "says"), [
    (lambda _: Path("/dev/zero"), "the path is a character device, not a regular file"),
    (make_fifo, "the path is a named pipe (FIFO), not a regular file"),
    (make_dir, "the path is a directory, not a regular file"),
    (make_loop, "the path is a symbolic link loop"),
], ids=["dev-zero", "fifo", "directory", "symlink-loop"])
def test_check_refuses_what_is_not_a_model_file(
    make: Callable[[Path], Path], says: str, tmp_path: Path
) -> None:
    path = make(tmp_path)
    done = advisor_check(path)  # before: MemoryError (/dev/zero), a hang (FIFO)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{path}: {says}" in done.stdout
    assert "(fix: " in done.stdout
