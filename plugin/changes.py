"""The "What changed" page of a model, built from the git history of its file.

For every commit on the first-parent line of ``HEAD`` that changed the model file (the changes
as the main branch received them: a merged pull request is one entry), newest first and at most
``MAX_COMMITS``, the page shows the date, the subject and what ``advisor.diff`` finds between
the file before and after that commit: the answer paths whose recommendation changed and the
questions, choices, options and rules added or removed. Uncommitted changes to the model come
first, so an author sees them while writing. A build outside git, or without git, shows a plain
note instead; a shallow clone says that older history is missing.

Git is asked three to five times per model and build (``git log --raw`` names the file's blobs,
one ``git cat-file --batch`` reads those not cached yet). Each version is read by
``advisor.source`` like the current model (duplicate keys refused), its structure and
references checked; versions and diffs are kept in the plugin's ``Cache`` by blob id, so
``mkdocs serve`` rebuilds cost little. ``KeptHistories`` keeps a whole history on disk too,
keyed by everything it is computed from (``HEAD``, the file's path and content, the code that
reads and diffs it), so a new ``mkdocs build`` process asks git once per model instead of
reading and diffing every old version again.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import advisor
from advisor.diff import ModelDiff, Verdict, diff_models

from .cache import Cache, Kept, code_digest

MAX_COMMITS = 50
TITLE = "What changed"
#: A version whose changed ways outnumber this shows them folded, under a one-line summary, so
#: one large revision of the advice does not turn the page into a wall of tables.
UNFOLDED_PATHS = 5


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
    before: advisor.Model | None = None  # the version before a ``changed`` entry


@dataclass(frozen=True)
class History:
    """The changes of one model file; ``note`` explains a missing or partial history."""

    entries: tuple[Entry, ...] = ()
    total: int = 0  # commits that changed the file (first-parent line)
    note: str = ""
    available: bool = True


def page_uri(model: advisor.Model) -> str:
    """Where the page lives, relative to docs_dir: beside the model's other generated pages."""
    return f"{model.id}/changes.md"


def reviews(model: advisor.Model, max_age_days: int) -> dict[str, Any]:
    """When the options and the reasons for recommending them (the rules) were last reviewed,
    grouped by date, oldest first (items without a date first of all), for the page's table.
    Reasons are counted by the option(s) they recommend: a reader knows options, not rule ids."""
    names = {o.id: o.name for o in model.options}
    groups: dict[str, dict[str, Any]] = {}
    for option in model.options:
        group = groups.setdefault(option.reviewed or "", {"options": [], "reasons": {}})
        group["options"].append(option.name)
    for rule in model.rules:
        group = groups.setdefault(rule.reviewed or "", {"options": [], "reasons": {}})
        target = " and ".join(names[o] for o in rule.recommend)
        group["reasons"][target] = group["reasons"].get(target, 0) + 1
    rows = [
        {
            "reviewed": date or None,
            "options": items["options"],
            "reasons": [f"{count} for {target}"
                        for target, count in items["reasons"].items()],
        }
        for date, items in sorted(groups.items())
    ]
    return {"rows": rows, "max_age_days": max_age_days}


def history(
    model_file: Path,
    current: advisor.Model,
    *,
    limit: int = MAX_COMMITS,
    cache: Cache | None = None,
    current_key: str | None = None,
) -> History:
    """The git history of ``model_file``; ``current`` is the model this build uses, hashed
    ``current_key`` (its file's SHA-256) when the diff against it may be cached."""
    cache = cache or Cache()
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
    versions = _versions(folder, blobs, model_file.name, cache)
    if dirty and commits:
        entries.append(
            _entry((None, None, "Not committed yet"), commits[0][4], None, versions, cache,
                   current=current, current_key=current_key)
        )
    shallow = (_git(folder, "rev-parse", "--is-shallow-repository") or "").strip() == "true"
    for n, (short, date, subject, old, new) in enumerate(commits):
        if _null(new):
            entries.append(Entry(short, date, subject, "removed"))
            continue
        after = versions.get(new)
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
        entries.append(_entry((short, date, subject), old, new, versions, cache))
    note = ""
    if shallow:
        note = (
            "This site was built from a shallow clone, so older changes are missing. "
            "Build from a full clone (for example fetch-depth: 0 in actions/checkout)."
        )
    return History(tuple(entries), int(total), note)


#: The code whose output a kept history is: a change to any of it makes every key new.
CODE = ("advisor/*.py", "plugin/changes.py", "plugin/cache.py")


class KeptHistories:
    """Histories kept on disk (``folder``) and in memory (see ``cache.Kept``), by a key that
    fixes every input of ``history``."""

    def __init__(self, folder: Path | None) -> None:
        self.kept = Kept(folder, History)
        self.folder = folder

    def key(self, model_file: Path, current_key: str, limit: int) -> str | None:
        """The key of ``model_file``'s history now; None outside git or before a first commit
        (``history`` then says so, cheaply)."""
        out = _git(model_file.parent, "rev-parse", "--is-shallow-repository", "--show-prefix",
                   "--verify", "HEAD")
        lines = (out or "").splitlines()
        if len(lines) != 3:
            return None
        shallow, prefix, head = lines
        text = "\0".join([code_digest(*CODE), head, shallow, prefix + model_file.name,
                          current_key, str(limit)])
        return hashlib.sha256(text.encode()).hexdigest()

    def get(self, key: str) -> History | None:
        return self.kept.get(key)

    def put(self, key: str, found: History) -> None:
        self.kept.put(key, found)


def kept_history(
    model_file: Path,
    current: advisor.Model,
    *,
    kept: KeptHistories,
    limit: int = MAX_COMMITS,
    cache: Cache | None = None,
    current_key: str,
) -> History:
    """``history``, or the same history kept from an earlier build with the same inputs."""
    key = kept.key(model_file, current_key, limit)
    found = kept.get(key) if key else None
    if found is None:
        found = history(model_file, current, limit=limit, cache=cache, current_key=current_key)
        if key:
            kept.put(key, found)
    return found


def page_context(
    model: advisor.Model,
    src_uri: str,
    found: History,
    version: str,
    limit: int = MAX_COMMITS,
    *,
    repo_url: str | None = None,
) -> dict[str, Any]:
    """What ``templates/changes.md`` reads: every change already in a reader's words (titles of
    questions and options, the reasons rules give; never an id). ``repo_url`` (the site's
    repository) links each version to its commit there."""
    entries = []
    for entry in found.entries:
        data: dict[str, Any] = {
            "entry": entry,
            "heading": _heading(entry),
            "date_text": _date_text(entry.date),
            "commit_url": _commit_url(repo_url, entry.commit),
            "news": [],
            "paths": [],
        }
        if entry.diff is not None:
            texts = _texts(entry.diff, model, entry.model, entry.before)
            data["news"] = _news(entry.diff, texts, entry.before, entry.model)
            data["paths"] = [
                {
                    "answers": [(a.question_text, a.choice_label) for a in change.answers],
                    "before": _verdict_text(change.before, "before", texts),
                    "after": _verdict_text(change.after, "after", texts),
                    "why": _why(change, entry.model),
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
        "unfolded_paths": UNFOLDED_PATHS,
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


def _versions(
    cwd: Path, blobs: set[str], name: str, cache: Cache
) -> dict[str, advisor.Model | str]:
    """Each blob's model, or why it cannot be read; the blobs not in ``cache`` are read with
    one ``git cat-file --batch``."""
    wanted = sorted(b for b in blobs if not cache.known(b, name, logic=False))
    contents: dict[str, bytes] = {}
    out = b""
    if wanted:
        stdin = "".join(f"{b}\n" for b in wanted).encode()
        out = _git_bytes(cwd, "cat-file", "--batch", stdin=stdin) or b""
    pos = 0
    for blob in wanted:
        header = []
        if b"\n" in out[pos:]:
            end = out.index(b"\n", pos)
            header = out[pos:end].decode().split()
        if len(header) != 3 or header[1] != "blob":
            break
        size = int(header[2])
        contents[blob] = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
    found: dict[str, advisor.Model | str] = {}
    for blob in blobs:
        if blob in wanted and blob not in contents:
            found[blob] = "git could not read this version of the file"
            continue
        try:
            found[blob] = cache.model_bytes(blob, contents.get(blob, b""), name,
                                            logic=False).model
        except advisor.ModelError as err:  # its problems hold the warnings too: name an error
            found[blob] = str(next(p for p in err.problems if p.severity == "error"))
    return found


def _entry(
    head: tuple[str | None, str | None, str],
    old: str,
    new: str | None,
    versions: dict[str, advisor.Model | str],
    cache: Cache,
    *,
    current: advisor.Model | None = None,
    current_key: str | None = None,
) -> Entry:
    """A change from blob ``old`` to blob ``new`` (None: ``current``, the working tree)."""
    short, date, subject = head
    before = versions.get(old)
    after = current if new is None else versions.get(new)
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
    key = new or current_key
    if key is None:
        found = diff_models(before, after)
    else:
        found = cache.diff(old, key, lambda: diff_models(before, after))
    return Entry(short, date, subject, "changed", found, after, before=before)


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


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _date_text(date: str | None) -> str:
    """``2026-03-02`` as a reader writes it: ``2 March 2026``."""
    try:
        year, month, day = (int(part) for part in (date or "").split("-"))
        return f"{day} {_MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return date or ""


def _commit_url(repo_url: str | None, commit: str | None) -> str | None:
    """The commit's page in the repository (GitHub, GitLab and Gitea spell it so)."""
    if not repo_url or not commit:
        return None
    return f"{repo_url.rstrip('/')}/commit/{commit}"


def _heading(entry: Entry) -> str:
    """What the change did to the advice, in a few words."""
    when = "Not committed yet" if entry.commit is None else _date_text(entry.date)
    if entry.kind == "added":
        what = "the first version of this guide"
    elif entry.kind == "earliest":
        what = "the earliest version this copy knows"
    elif entry.kind == "removed":
        what = "the guide was removed"
    elif entry.kind == "unreadable" or entry.diff is None:
        what = "not compared"
    elif entry.diff.changes:
        n = len(entry.diff.changes)
        what = f"advice changed for {n} {'way' if n == 1 else 'ways'} through the quiz"
    elif entry.diff.empty:
        what = "wording only, no advice changed"
    else:
        what = "questions or options changed, no advice moved"
    return f"{when}: {what}"


def _quoted(texts: list[str]) -> str:
    return ", ".join(f"“{t}”" for t in texts)


def _news(found: ModelDiff, texts: dict[str, str], before: advisor.Model | None,
          after: advisor.Model | None) -> list[str]:
    """The questions, answers, options and reasons added or removed, one sentence each."""
    news = []

    def plural(items: tuple[Any, ...], one: str, many: str) -> str:
        return one if len(items) == 1 else many

    if found.questions_added:
        news.append(plural(found.questions_added, "New question: ", "New questions: ")
                    + _quoted([i.text for i in found.questions_added]))
    if found.questions_removed:
        news.append("No longer asked: "
                    + _quoted([i.text for i in found.questions_removed]))
    for heading, items in (("New answer", found.choices_added),
                           ("Answer removed", found.choices_removed)):
        for item in items:
            question = texts.get(item.id.split(".", 1)[0], "")
            news.append(f"{heading} “{item.text}” to “{question}”")
    if found.options_added:
        news.append(plural(found.options_added, "New option: ", "New options: ")
                    + ", ".join(i.text for i in found.options_added))
    if found.options_removed:
        news.append(plural(found.options_removed, "Option removed: ", "Options removed: ")
                    + ", ".join(i.text for i in found.options_removed))
    for heading, items, version in (("New reason to recommend", found.rules_added, after),
                                    ("Reason removed for", found.rules_removed, before)):
        for item in items:
            rule = _rule(version, item.id)
            if rule is None:
                news.append(f"{heading} an option")
                continue
            names = " and ".join(_option_name(version, o) for o in rule.recommend)
            news.append(f"{heading} {names}: “{rule.because}”")
    return news


def _rule(model: advisor.Model | None, rule_id: str) -> advisor.Rule | None:
    try:
        return None if model is None else model.rule(rule_id)
    except KeyError:
        return None


def _option_name(model: advisor.Model | None, option_id: str) -> str:
    try:
        return option_id if model is None else model.option(option_id).name
    except KeyError:
        return option_id


def _why(change: Any, after: advisor.Model | None) -> str:
    """The reason the new version gives for its recommendation on these answers."""
    if after is None or change.after.kind != "decided":
        return ""
    answers = {a.question: a.choice for a in change.answers
               if a.question in {q.id for q in after.questions}
               and a.choice in {c.id for c in after.question(a.question).choices}}
    try:
        result = advisor.recommend(after, answers)
    except advisor.AdvisorError:
        return ""
    return result.rule.because if result.rule is not None else ""


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
