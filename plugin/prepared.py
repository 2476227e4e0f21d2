"""What ``advisor-prepare`` leaves in ``docs_dir`` for engines that do not run MkDocs plugins
(Zensical), and how the engines recognise it.

``advisor-prepare`` runs the MkDocs plugin's own hooks (one implementation for every engine)
and writes their results as files: the generated pages, the browser assets and the verified
runtime under ``docs_dir``, plus a manifest, ``assets/advisor/.prepared.json``, that records

- ``inputs``: the files the results come from (config, models) and a digest of the plugin's
  and the engine's code, so that a build can tell when they are out of date;
- ``outputs``: every file written (size and modification time), so that the MkDocs plugin can
  leave them out instead of reporting them as pages an author wrote over generated ones;
- ``pages``: for each page with quiz markers, the HTML of each quiz, rendered by the plugin for
  that page's address.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

PREFIX = "assets/advisor"
MANIFEST = f"{PREFIX}/.prepared.json"
FORMAT = 1

PREPARE_FIX = (
    "run `advisor-prepare` (it reads the advisor plugin's options in mkdocs.yml) before "
    "`zensical build -f zensical.yml`, and again whenever the models or the plugin change"
)
PLUGIN_FIX = (
    "for MkDocs or ProperDocs, add `- advisor` (with its `models`) under `plugins:` in "
    f"mkdocs.yml; for Zensical, {PREPARE_FIX}"
)

_PACKAGES = (Path(__file__).parent, Path(__file__).parent.parent / "advisor")
_CODE_SUFFIXES = {".py", ".js", ".mjs", ".css", ".html", ".md", ".json"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_digest() -> str:
    """One digest over the plugin's and the engine's sources, templates and assets."""
    digest = hashlib.sha256()
    for package in _PACKAGES:
        for path in sorted(package.rglob("*")):
            if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(package.parent)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def input_digests(root: Path, paths: list[Path]) -> dict[str, str]:
    """SHA-256 of each input, keyed by its path relative to ``root`` (the config's folder)."""
    out = {}
    for path in paths:
        key = path.resolve().relative_to(root.resolve()).as_posix()
        out[key] = sha256_bytes(path.read_bytes()) if path.is_file() else "missing"
    return out


def manifest_path(docs_dir: Path) -> Path:
    return docs_dir / MANIFEST


def read(docs_dir: Path) -> dict[str, Any] | None:
    """The manifest in ``docs_dir``, or None when there is none (or not ours)."""
    path = manifest_path(docs_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return data


def stat_key(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def is_output(docs_dir: Path, manifest: dict[str, Any] | None, src_uri: str) -> bool:
    """Whether ``docs_dir/src_uri`` is a file advisor-prepare wrote and nobody changed since."""
    if manifest is None or src_uri not in manifest.get("outputs", {}):
        return False
    path = docs_dir / src_uri
    return path.is_file() and stat_key(path) == manifest["outputs"][src_uri]


def stale_inputs(root: Path, manifest: dict[str, Any]) -> list[str]:
    """The inputs that changed since the manifest was written ("code" for the plugin)."""
    recorded: dict[str, str] = manifest.get("inputs", {})
    now = input_digests(root, [root / name for name in recorded])
    changed = [name for name in recorded if now.get(name) != recorded[name]]
    if manifest.get("code") != code_digest():
        changed.append("the advisor plugin's code")
    return changed


def without_outputs(files: Any, docs_dir: Path) -> Any:
    """MkDocs' ``Files`` less what advisor-prepare left in ``docs_dir`` (the plugin generates
    those again itself); a file someone changed since is kept, and reported as usual."""
    manifest = read(docs_dir)
    if manifest is None:
        return files
    for file in list(files):
        if is_output(docs_dir, manifest, file.src_uri):
            files.remove(file)
    return files
