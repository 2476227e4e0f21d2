"""The "What changed" page of a model, built from the git history of its file.

For every commit on the first-parent line of ``HEAD`` that changed the model file (the changes
as the main branch received them: a merged pull request is one entry), newest first and at most
``MAX_COMMITS``, the page shows the date, the subject and what ``advisor.diff`` finds between
the file before and after that commit: the answer paths whose recommendation changed and the
questions, choices, options and rules added or removed. Uncommitted changes to the model come
first, so an author sees them while writing. A build outside git, or without git, shows a plain
note instead; a shallow clone says that older history is missing.

Git is asked three to five times per model and build (``git log --raw`` names the file's blobs,
one ``git cat-file --batch`` reads them all); parsed models and diffs are cached by blob id for
the life of the process, so ``mkdocs serve`` rebuilds cost little.
"""

from __future__ import annotations

import functools
import importlib
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

import advisor
from advisor.diff import ModelDiff, Verdict, diff_models

from . import render

MAX_COMMITS = 50
TITLE = "What changed"
_CACHE_LIMIT = 1000
_models: dict[str, advisor.Model | str] = {}  # blob id -> model, or why it cannot be read
_diffs: dict[tuple[str, str], ModelDiff] = {}


@dataclass(frozen=True)
class Entry:
    """One change of the model file.

    ``kind``: ``changed`` (``diff`` is set), ``added`` (the file appears; ``diff`` is None),
    ``removed`` (the file was deleted), ``earliest`` (the oldest commit of a shallow clone,
    whose parent was not fetched) or ``unreadable`` (``note`` says why no diff).
    ``commit`` is None for uncommitted changes.
    """

    commit: str | None
    date: str | None
    subject: str
    kind: str
    diff: ModelDiff | None = None
    model: advisor.Model | None = None  # the version after the change, when readable
    note: str = ""


@dataclass(frozen=True)
class History:
    """The changes of one model file; ``note`` explains a missing or partial history."""

    entries: tuple[Entry, ...] = ()
    total: int = 0  # commits that changed the file (first-parent line)
    note: str = ""
    available: bool = True


class Loaded(Protocol):
    """What this module needs of the plugin's loaded model."""

    src_uri: str
    data: dict[str, Any]
    model: advisor.Model


def page_uri(model: advisor.Model) -> str:
    """Where the page lives, relative to docs_dir: beside the model's other generated pages."""
    return f"{model.id}/changes.md"


def files(
    config: MkDocsConfig, models: Iterable[Loaded], version: str, max_age_days: int
) -> list[File]:
    """The "What changed" page of each model, as generated files whose edit link opens the
    model; each is added to the model's section of an explicit ``nav`` (see ``add_to_nav``)."""
    result = []
    for loaded in models:
        src_uri = page_uri(loaded.model)
        if Path(config.docs_dir, src_uri).exists():
            raise PluginError(
                f"advisor: docs/{src_uri} exists, but the plugin generates that page from "
                f"'{loaded.src_uri}'. Fix: move or rename the file."
            )
        found = history(Path(config.docs_dir, loaded.src_uri), loaded.model)
        context = page_context(
            loaded.model, f"{Path(config.docs_dir).name}/{loaded.src_uri}", found, version
        )
        context["reviews"] = reviews(loaded.data, max_age_days)
        file = File.generated(config, src_uri, content=render.page("changes.md", context))
        file.edit_uri = loaded.src_uri
        result.append(file)
        if config.nav is not None:
            add_to_nav(config.nav, loaded.model.title, src_uri)
    return result


def add_to_nav(nav: list[Any], section: str, src_uri: str) -> None:
    """Put the page in the model's section of the nav (the section the plugin adds for the
    generated pages), before its Options. Does nothing if the nav already names the page, or if
    there is no such section (an author who places the generated pages by hand places this one
    too)."""

    def mentioned(item: Any) -> bool:
        if isinstance(item, dict):
            return any(mentioned(v) for v in item.values())
        if isinstance(item, list):
            return any(mentioned(v) for v in item)
        return bool(item == src_uri)

    if mentioned(nav):
        return
    for item in nav:
        if isinstance(item, dict) and isinstance(item.get(section), list):
            entries = item[section]
            at = next(
                (i for i, e in enumerate(entries) if isinstance(e, dict) and "Options" in e),
                len(entries),
            )
            entries.insert(at, {TITLE: src_uri})
            return


def reviews(data: dict[str, Any], max_age_days: int) -> dict[str, Any]:
    """When the options and rules were last reviewed, grouped by date, oldest first (items
    without a date first of all), for the page's table."""
    groups: dict[str, dict[str, list[str]]] = {}
    for option in data.get("options") or []:
        group = groups.setdefault(str(option.get("reviewed") or ""), {"options": [], "rules": []})
        group["options"].append(str(option.get("name") or option.get("id")))
    for rule in data.get("rules") or []:
        group = groups.setdefault(str(rule.get("reviewed") or ""), {"options": [], "rules": []})
        group["rules"].append(str(rule.get("id")))
    rows = [{"reviewed": date or None, **items} for date, items in sorted(groups.items())]
    return {"rows": rows, "max_age_days": max_age_days}


def history(model_file: Path, current: advisor.Model, limit: int = MAX_COMMITS) -> History:
    """The git history of ``model_file``; ``current`` is the model this build uses."""
    folder, name = model_file.parent, f"./{model_file.name}"
    inside = _git(folder, "rev-parse", "--is-inside-work-tree")
    if inside is None or inside.strip() != "true":
        return History(
            available=False,
            note=(
                "This copy of the guide was built outside a git repository (or without git), so "
                "the history of its guidance is not available here. The published site shows it."
            ),
        )
    head = _git(folder, "rev-parse", "--verify", "--quiet", "HEAD")
    total = _git(folder, "rev-list", "--count", "--first-parent", "HEAD", "--", name)
    entries: list[Entry] = []
    dirty = head is not None and _git(folder, "diff", "--quiet", "HEAD", "--", name) is None
    if head is None or not total or int(total) == 0:
        return History(
            note="The model has not been committed yet: its history starts with its first commit."
        )
    log = (
        _git(
            folder,
            "log",
            f"-n{limit}",
            "-m",
            "--first-parent",
            "--raw",
            "--no-renames",
            "--format=%x1e%h%x00%cs%x00%s",
            "--",
            name,
        )
        or ""
    )
    commits = _parse_log(log)
    blobs = {b for c in commits for b in c[3:5] if not _null(b)}
    if dirty and commits:
        blobs.add(commits[0][4])
    _read_blobs(folder, blobs)
    if dirty and commits:
        entries.append(_entry((None, None, "Not committed yet"), commits[0][4], None, current))
    shallow = (_git(folder, "rev-parse", "--is-shallow-repository") or "").strip() == "true"
    for n, (short, date, subject, old, new) in enumerate(commits):
        if _null(new):
            entries.append(Entry(short, date, subject, "removed"))
            continue
        after = _models.get(new)
        if _null(old):
            last = n == len(commits) - 1
            kind = "earliest" if shallow and last else "added"
            entries.append(
                Entry(
                    short,
                    date,
                    subject,
                    kind,
                    model=after if isinstance(after, advisor.Model) else None,
                    note=after if isinstance(after, str) else "",
                )
            )
            continue
        entries.append(_entry((short, date, subject), old, new, None))
    note = ""
    if shallow:
        note = (
            "This site was built from a shallow clone, so older changes are missing. "
            "Build from a full clone (for example fetch-depth: 0 in actions/checkout)."
        )
    return History(tuple(entries), int(total), note)


def page_context(
    model: advisor.Model, src_uri: str, found: History, version: str, limit: int = MAX_COMMITS
) -> dict[str, Any]:
    """What ``templates/changes.md`` reads: every verdict already in words."""
    entries = []
    for entry in found.entries:
        data: dict[str, Any] = {"entry": entry, "structure": [], "paths": []}
        if entry.diff is not None:
            texts = _texts(entry.diff, model, entry.model)
            data["structure"] = [
                (heading, [_item_text(heading, i.id, i.text) for i in items])
                for heading, items in entry.diff.structure
                if items
            ]
            data["paths"] = [
                {
                    "answers": [(a.question_text, a.choice_label) for a in change.answers],
                    "before": _verdict_text(change.before, "before", texts),
                    "after": _verdict_text(change.after, "after", texts),
                }
                for change in entry.diff.changes
            ]
            data["counts"] = (entry.diff.paths_before, entry.diff.paths_after)
        entries.append(data)
    return {
        "title": model.title,
        "file": src_uri,
        "history": found,
        "entries": entries,
        "limit": limit,
        "version": version,
    }


# --------------------------------------------------------------------------- git


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> str | None:
    """Git's output as text, or None when git is missing or the command fails."""
    raw = _git_bytes(cwd, *args, stdin=stdin)
    return None if raw is None else raw.decode("utf-8", "replace")


def _git_bytes(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _null(blob: str) -> bool:
    """True for git's all-zero id: no file on that side of the change."""
    return set(blob) <= {"0"}


def _parse_log(text: str) -> list[tuple[str, str, str, str, str]]:
    """``(short hash, date, subject, old blob, new blob)`` per commit, newest first."""
    commits = []
    for record in text.split("\x1e")[1:]:
        header, _, rest = record.partition("\n")
        short, date, subject = [*header.split("\x00"), "", ""][:3]
        for line in rest.splitlines():
            if line.startswith(":"):
                fields = line[1:].split("\t", 1)[0].split()
                commits.append((short, date, subject, fields[2], fields[3]))
                break
    return commits


def _read_blobs(cwd: Path, blobs: set[str]) -> None:
    """Parse every blob not cached yet, with one ``git cat-file --batch``."""
    wanted = sorted(b for b in blobs if b not in _models)
    if not wanted:
        return
    out = _git_bytes(cwd, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in wanted).encode())
    if len(_models) > _CACHE_LIMIT:
        _models.clear()
        _diffs.clear()
    pos = 0
    for blob in wanted:
        header = []
        if out is not None and b"\n" in out[pos:]:
            end = out.index(b"\n", pos)
            header = out[pos:end].decode().split()
        if len(header) != 3 or header[1] != "blob":
            _models[blob] = "git could not read this version of the file"
            continue
        size = int(header[2])
        _models[blob] = _load(out[end + 1 : end + 1 + size])  # type: ignore[index]
        pos = end + 1 + size + 1


def _load(content: bytes) -> advisor.Model | str:
    """The model in ``content``, or why it cannot be read.

    Old versions are parsed with libyaml when PyYAML has it (about 30 times faster than the
    line-tracking reader the build uses for the current model; fifty versions would otherwise
    cost seconds per build), with the same YAML 1.2 booleans and dates kept as strings. They
    skip that reader's refusal of duplicate and merge keys: each version was checked when it
    was built."""
    yaml, loader = _loader()
    try:
        data = yaml.load(content.decode("utf-8-sig"), Loader=loader)
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        return f"it is not valid YAML ({str(err).splitlines()[0]})"
    if not isinstance(data, dict):
        return "its top level is not a mapping"
    try:
        return advisor.load_model(data)
    except advisor.ModelError as err:
        return str(err.problems[0])


@functools.cache
def _loader() -> tuple[Any, Any]:
    """PyYAML and a safe loader (libyaml's when available) with YAML 1.2 booleans and no
    timestamps, as ``advisor.source`` reads models."""
    yaml: Any = importlib.import_module("yaml")

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    Loader.yaml_implicit_resolvers = {
        first: kept
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
        if (
            kept := [
                (tag, rx)
                for tag, rx in entries
                if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
            ]
        )
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return yaml, Loader


def _entry(
    head: tuple[str | None, str | None, str],
    old: str,
    new: str | None,
    current: advisor.Model | None,
) -> Entry:
    """A change from blob ``old`` to blob ``new`` (None: ``current``, the working tree)."""
    short, date, subject = head
    before = _models.get(old)
    after = current if new is None else _models.get(new)
    if not isinstance(before, advisor.Model):
        return Entry(
            short,
            date,
            subject,
            "unreadable",
            note=f"The version before this change cannot be read: {before}",
        )
    if not isinstance(after, advisor.Model):
        return Entry(
            short, date, subject, "unreadable", note=f"This version cannot be read: {after}"
        )
    if new is None:
        found = diff_models(before, after)
    else:
        cached = _diffs.get((old, new))
        found = cached if cached is not None else diff_models(before, after)
        _diffs[(old, new)] = found
    return Entry(short, date, subject, "changed", found, after)


# --------------------------------------------------------------------------- words


def _texts(found: ModelDiff, *models: advisor.Model | None) -> dict[str, str]:
    """Question texts and choice labels by id (``q`` and ``q.c``), from the given models."""
    texts: dict[str, str] = {}
    for model in models:
        if model is None:
            continue
        for q in model.questions:
            texts.setdefault(q.id, q.text)
            for c in q.choices:
                texts.setdefault(f"{q.id}.{c.id}", c.label)
    for item in found.questions_removed:
        texts.setdefault(item.id, item.text)
    for item in found.choices_removed:
        texts.setdefault(item.id, item.text)
    return texts


def _item_text(heading: str, ident: str, text: str) -> str:
    if heading.startswith("Rules"):
        return ident
    return f"{text} ({ident})" if text else ident


def _verdict_text(v: Verdict, side: str, texts: dict[str, str]) -> str:
    if v.kind == "decided":
        return " or, equally, ".join(v.names) if v.names else "No recommendation"
    if v.kind == "open":
        could = " or ".join(
            " and ".join(g) + (", equally" if len(g) > 1 else "") if g else "no recommendation"
            for g in v.possible_names
        )
        asks = texts.get(v.next_question or "", v.next_question or "")
        return f"Asks one more question first, “{asks}”, then {could}"
    question, choice = v.missing or ("", "")
    label = texts.get(f"{question}.{choice}", choice)
    asked = texts.get(question, question)
    if side == "before":
        return f"Not possible before: the answer “{label}” to “{asked}” is new"
    return f"No longer possible: the answer “{label}” to “{asked}” was removed"
