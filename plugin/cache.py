"""What the plugin keeps across `mkdocs serve` rebuilds, keyed by content hash (``Cache``),
and what it keeps on disk across build processes (``Kept``).

The plugin object lives as long as `mkdocs serve` does (see ``AdvisorPlugin.on_startup``); it
holds one ``Cache``. A rebuild after an edit of a page then reuses the checked models, the old
versions of each model read from git and their diffs, instead of doing that work again. Nothing
else in the plugin keeps state between builds (the runtime verifier keeps its own hashes).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from advisor.diff import ModelDiff
from advisor.model import ModelError
from advisor.source import ModelFile, load_model_bytes, read_capped

K = TypeVar("K")
V = TypeVar("V")

LIMIT = 1000  # entries per table; a long `serve` session starts again from empty past it


class Cache:
    """Checked models by content hash (SHA-256 of the file, or git's blob id for an old version
    read from git) and diffs by the pair of hashes."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, str, bool], ModelFile | ModelError] = {}
        self._diffs: dict[tuple[str, str], ModelDiff] = {}

    def model_file(self, path: Path, file: str | None = None, *, logic: bool = True) -> ModelFile:
        """`advisor.source.load_model_file`, checked again only when the bytes changed.
        Raises its ``ModelError`` (cached too: an unchanged broken file fails the same way)."""
        shown = str(path) if file is None else file
        raw = read_capped(path, shown)  # a regular file of at most 1 MiB, or a ModelError
        return self.model_bytes(hashlib.sha256(raw).hexdigest(), raw, shown, logic=logic)

    def model_bytes(self, key: str, raw: bytes, file: str, *, logic: bool = True) -> ModelFile:
        """`advisor.source.load_model_bytes`, cached: ``key`` is a hash of ``raw`` (``raw`` is
        not read when ``key`` is known, see ``known``)."""
        entry = self._models.get((key, file, logic))
        if entry is None:
            try:
                entry = load_model_bytes(raw, file, logic=logic)
            except ModelError as err:
                entry = err
            _put(self._models, (key, file, logic), entry)
        if isinstance(entry, ModelError):
            raise entry
        return entry

    def known(self, key: str, file: str, *, logic: bool = True) -> bool:
        """True when ``model_bytes`` would not need the bytes."""
        return (key, file, logic) in self._models

    def diff(self, before: str, after: str, compute: Callable[[], ModelDiff]) -> ModelDiff:
        """The diff between the versions hashed ``before`` and ``after``."""
        found = self._diffs.get((before, after))
        if found is None:
            found = _put(self._diffs, (before, after), compute())
        return found


def _put(table: dict[K, V], key: K, value: V) -> V:
    if len(table) >= LIMIT:
        table.clear()
    table[key] = value
    return value


ROOT = Path(__file__).resolve().parent.parent
KEPT_FILES = 64  # per folder: a few models over many commits and edits


@functools.cache
def code_digest(*patterns: str) -> str:
    """SHA-256 of the files matching ``patterns`` (under the repository's root), Python's
    version and pickle's: what a kept value was computed by."""
    digest = hashlib.sha256(f"{sys.version} pickle {pickle.HIGHEST_PROTOCOL}".encode())
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Kept(Generic[V]):
    """Values of type ``kind`` kept in memory and in ``folder`` (beside the runtime, in
    ``node_modules/.cache``), by a key that fixes every input they were computed from.

    A kept file is read back with ``pickle``: the folder is the project's own build cache, as
    trusted as the ``node_modules`` it sits in. A file that does not read back as a ``kind``
    is ignored (and written again by the caller)."""

    def __init__(self, folder: Path | None, kind: type[V]) -> None:
        self.folder = folder
        self.kind = kind
        self._memory: dict[str, V] = {}

    def get(self, key: str) -> V | None:
        found = self._memory.get(key)
        if found is None and self.folder is not None:
            try:
                loaded: Any = pickle.loads((self.folder / f"{key}.pickle").read_bytes())
            except Exception:  # missing, damaged or from other code: computed again
                return None
            if isinstance(loaded, self.kind):
                found = _put(self._memory, key, loaded)
        return found

    def put(self, key: str, value: V) -> None:
        _put(self._memory, key, value)
        if self.folder is None:
            return
        with contextlib.suppress(OSError):  # a read-only cache: computed again next time
            self.folder.mkdir(parents=True, exist_ok=True)
            # A name of its own: builds running side by side (a parallel test run) may write
            # the same key at once.
            part = self.folder / f"{key}.{os.getpid()}.{threading.get_ident()}.part"
            part.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            part.replace(self.folder / f"{key}.pickle")
            kept = sorted(self.folder.glob("*.pickle"), key=lambda f: f.stat().st_mtime_ns)
            for old in kept[:-KEPT_FILES]:  # the oldest go: the folder does not grow forever
                old.unlink(missing_ok=True)
