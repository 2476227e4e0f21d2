"""The guide's version as git knows it at build time."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GuideVersion:
    commit: str | None  # short hash, None outside git
    date: str | None  # committer date, YYYY-MM-DD
    dirty: bool = False  # the models differ from that commit

    @property
    def label(self) -> str:
        if self.commit is None:
            return "unversioned build (not in a git repository)"
        text = f"{self.commit} ({self.date})"
        return text + " with uncommitted changes" if self.dirty else text


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def guide_version(directory: Path, paths: list[Path] | None = None) -> GuideVersion:
    """The commit checked out in ``directory``; ``dirty`` when any of ``paths`` (the models)
    has uncommitted changes. Outside git, or without git, an unversioned label."""
    line = _git(directory, "log", "-1", "--format=%h %cs")
    if not line:
        return GuideVersion(None, None)
    commit, date = line.split(" ", 1)
    dirty = False
    if paths:
        status = _git(directory, "status", "--porcelain", "--", *map(str, paths))
        dirty = bool(status)
    return GuideVersion(commit, date, dirty)
