"""plugin.changes on the two-commit repository: the commit cap, shallow clones, the cache."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import load_model
from plugin import cache, changes, render
from tests.versioning.guiderepo import MODEL_V2, git

CURRENT = load_model(yaml.safe_load(MODEL_V2))


def page(found: changes.History, limit: int) -> str:
    context = changes.page_context(CURRENT, "docs/models/tiny.yml", found, "abc1234", limit)
    context["reviews"] = changes.reviews(CURRENT, 365)
    context["page_title"] = "What changed: Tiny"
    return render.page("changes.md", context)


def test_the_page_says_when_it_shows_only_the_latest_commits(
    guide_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, commits = guide_repo
    found = changes.history(repo / "docs" / "models" / "tiny.yml", CURRENT, limit=1)
    assert (found.total, [e.commit for e in found.entries]) == (2, [commits["second"]])
    assert found.entries[0].kind == "changed"
    text = page(found, limit=1)
    assert ("Showing the latest 1 of 2 versions of the model. <code>git log -- "
            "docs/models/tiny.yml</code> lists them all") in text


def test_a_shallow_clone_says_older_history_is_missing(
    guide_repo: tuple[Path, dict[str, str]], tmp_path: Path,
) -> None:
    repo, commits = guide_repo
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    found = changes.history(clone / "docs" / "models" / "tiny.yml", CURRENT)
    assert [(e.commit, e.kind) for e in found.entries] == [(commits["second"], "earliest")]
    assert found.note.startswith("This site was built from a shallow clone")
    assert "fetch-depth: 0" in found.note


def test_a_model_never_committed(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "tiny.yml").write_text(MODEL_V2, encoding="utf-8")
    found = changes.history(tmp_path / "tiny.yml", CURRENT)
    assert found.entries == ()
    assert found.note.startswith("The model has not been committed yet")


def test_commit_messages_are_shown_as_text_and_headings_say_what_moved(
    guide_repo: tuple[Path, dict[str, str]], tmp_path: Path,
) -> None:
    """A commit message is text: Markdown and HTML in it are shown, not interpreted; the
    headings are the date and what the change did to the advice, not the message."""
    repo, _ = guide_repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    model = clone / "docs" / "models" / "tiny.yml"
    model.write_text(MODEL_V2.replace("Medium jobs queue well.", "Medium jobs queue."))
    git(clone, "commit", "-q", "-am", "<script>alert(1)</script> *not emphasis*")
    found = changes.history(model, CURRENT)
    text = page(found, limit=50)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0].endswith(": wording only, no advice changed")
    assert headings[1] == "## 2 March 2026: advice changed for 3 ways through the quiz"
    assert not any("alert" in h for h in headings)
    note = next(line for line in text.splitlines() if "alert" in line)
    assert note.startswith('<p class="advisor-changes__commit">')  # raw HTML: no Markdown
    assert "<script>" not in note
    assert "“&lt;script&gt;alert(1)&lt;/script&gt; *not emphasis*”" in note



def test_an_unreadable_old_version_is_named_by_its_error(tmp_path: Path) -> None:
    """Old versions are read like the current model (duplicate keys refused too); the page
    names the version's first error, not a warning that comes before it in the file."""
    from tests.plugin.test_hooks import tiny  # noqa: PLC0415

    model = tmp_path / "tiny.yml"
    git(tmp_path, "init", "-q")
    good = tiny()
    broken = good.replace("title: Tiny guide\n", "title: Tiny guide\ncriteria:\n"
                          "  - {id: cost, label: Cost}\n").replace("recommend: b,",
                                                                   "recommend: c,")
    for text, subject in ((good, "First"), (broken, "Broken"), (good, "Fixed")):
        model.write_text(text, encoding="utf-8")
        git(tmp_path, "add", "tiny.yml")
        git(tmp_path, "commit", "-q", "-m", subject)
    found = changes.history(model, load_model(yaml.safe_load(good)))
    fixed = found.entries[0]
    assert (fixed.subject, fixed.kind) == ("Fixed", "unreadable")
    assert fixed.note == (
        "The version before this change cannot be read: tiny.yml:18: rules[1].recommend: "
        "unknown option 'c' (fix: use one of: a, b)")


def test_a_version_that_moves_many_ways_folds_them_under_one_line(
    guide_repo: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One large revision of the advice must not turn the page into a wall of tables: past
    UNFOLDED_PATHS changed ways, the table sits in a folded section under a one-line summary."""
    repo, _ = guide_repo
    found = changes.history(repo / "docs" / "models" / "tiny.yml", CURRENT)
    assert len(found.entries[0].diff.changes) == 3  # type: ignore[union-attr]
    unfolded = page(found, limit=50)
    assert "<p>3 ways through the quiz now lead to different advice:</p>" in unfolded
    assert "<details" not in unfolded
    monkeypatch.setattr(changes, "UNFOLDED_PATHS", 2)
    folded = page(found, limit=50)
    assert ('<details class="advisor-fold">\n<summary>3 ways through the quiz now lead to '
            "different advice</summary>") in folded
    table = folded.index("<table>", folded.index("<summary>3 ways"))
    assert table < folded.index("</details>")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_build_process_reads_the_kept_history_until_an_input_changes(
    guide_repo: tuple[Path, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "clone", "-q", f"file://{guide_repo[0]}", str(repo))
    model = repo / "docs" / "models" / "tiny.yml"
    folder = tmp_path / "kept"
    first = changes.kept_history(model, CURRENT, kept=changes.KeptHistories(folder),
                                 current_key=_digest(model))
    assert len(list(folder.glob("*.pickle"))) == 1

    computed: list[Path] = []
    original = changes.history

    def counting(path: Path, *args: Any, **kwargs: Any) -> changes.History:
        computed.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(changes, "history", counting)
    # A new process (a new KeptHistories): the same inputs give the same page, from disk.
    again = changes.kept_history(model, CURRENT, kept=changes.KeptHistories(folder),
                                 current_key=_digest(model))
    assert computed == []
    assert page(again, 50) == page(first, 50)

    # An uncommitted edit changes the key: computed, and the page shows the edit.
    model.write_text(model.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = changes.kept_history(model, CURRENT, kept=changes.KeptHistories(folder),
                                  current_key=_digest(model))
    assert computed == [model]
    assert edited.entries[0].commit is None  # "Not committed yet"

    # A commit too (HEAD moves): computed again, with the new commit.
    git(repo, "commit", "-qam", "A third version")
    committed = changes.kept_history(model, CURRENT, kept=changes.KeptHistories(folder),
                                     current_key=_digest(model))
    assert computed == [model, model]
    assert committed.total == 3
    assert committed.entries[0].subject == "A third version"


def test_a_damaged_kept_history_is_computed_again(
    guide_repo: tuple[Path, dict[str, str]], tmp_path: Path,
) -> None:
    model = guide_repo[0] / "docs" / "models" / "tiny.yml"
    folder = tmp_path / "kept"
    first = changes.kept_history(model, CURRENT, kept=changes.KeptHistories(folder),
                                 current_key=_digest(model))
    (kept,) = folder.glob("*.pickle")
    kept.write_bytes(kept.read_bytes()[:100])
    again = changes.kept_history(model, CURRENT, kept=changes.KeptHistories(folder),
                                 current_key=_digest(model))
    assert page(again, 50) == page(first, 50)
    assert len(kept.read_bytes()) > 100  # written again whole


def test_outside_git_nothing_is_kept(tmp_path: Path) -> None:
    (tmp_path / "tiny.yml").write_text(MODEL_V2, encoding="utf-8")
    folder = tmp_path / "kept"
    found = changes.kept_history(tmp_path / "tiny.yml", CURRENT,
                                 kept=changes.KeptHistories(folder),
                                 current_key=_digest(tmp_path / "tiny.yml"))
    assert found.available is False
    assert not folder.exists()


def test_the_kept_folder_keeps_only_the_newest_files(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEPT_FILES", 3)
    kept = cache.Kept(tmp_path / "kept", changes.History)
    for n in range(5):
        kept.put(f"{n:064x}", changes.History(note=str(n)))
        time.sleep(0.05)  # file times are coarser than a loop's turn on some file systems
    names = sorted(path.name for path in (tmp_path / "kept").glob("*.pickle"))
    assert names == [f"{n:064x}.pickle" for n in (2, 3, 4)]
    fresh = cache.Kept(tmp_path / "kept", changes.History)
    found = fresh.get(f"{4:064x}")
    assert found is not None
    assert found.note == "4"
    assert fresh.get(f"{0:064x}") is None
