"""No silent disappearance: a quiz marker that no engine expands stays visible as a link to the
answer paths, and a build that needs the advisor but runs without it fails saying what to add."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from devtools.site import ROOT
from plugin import extension, prepared
from plugin.marker import MARKER, markers, replace
from tests.engines.tools import BIN, run
from tests.tiny import tiny_model

MODEL = tiny_model()
LINK = '[See every answer and its result](tiny/paths.md "advisor: tiny")'
PLUGIN = (
    "  - advisor:\n      models: [models/tiny.yml]\n"
    f"      runtime_dir: {ROOT / 'node_modules' / 'pyodide'}\n"
)


def site(folder: Path, *, plugin: bool, watch: bool = True) -> Path:
    (folder / "docs" / "models").mkdir(parents=True)
    (folder / "docs" / "models" / "tiny.yml").write_text(MODEL, encoding="utf-8")
    (folder / "docs" / "index.md").write_text(f"# Tiny\n\nIntro.\n\n{LINK}\n\nAfter.\n", "utf-8")
    (folder / "mkdocs.yml").write_text(
        "site_name: Tiny\ntheme:\n  name: material\n  font: false\n"
        + ("watch:\n  - docs\n" if watch else "")
        + "markdown_extensions:\n  - plugin.extension\n"
        + "plugins:\n  - search\n"
        + (PLUGIN if plugin else ""),
        encoding="utf-8",
    )
    return folder


def test_both_marker_forms_name_their_model() -> None:
    text = "\n".join([
        "<!-- advisor: one -->",
        '[Open the advisor: quiz](x/paths.md "advisor: two")  ',
        "Text <!-- advisor: inline --> is not a marker.",
        "[a plain link](three/paths.md)",
        '[title elsewhere](four/paths.md "four")',
    ])
    assert [m.group("model") for m in MARKER.finditer(text)] == ["one", "two"]
    # In a fenced code block a marker is an example for the reader, not a quiz.
    example = f"```markdown\n{text}\n````\n\n<!-- advisor: five -->\n\n~~~\n<!-- advisor: six -->\n"
    assert [m.group("model") for m in markers(example)] == ["five"]
    assert replace(example, lambda m: "QUIZ").count("QUIZ") == 1


@pytest.mark.parametrize("program", ["mkdocs", "properdocs"])
def test_without_the_plugin_the_marker_stays_visible_and_strict_fails(
    tmp_path: Path, program: str
) -> None:
    work = site(tmp_path, plugin=False)
    done = run([program, "build", "--strict"], cwd=work)
    assert done.returncode == 1
    marker = "advisor: docs/index.md:5 holds the quiz marker for 'tiny', but no advisor ran"
    assert marker in done.stderr
    assert "add `- advisor` (with its `models`) under `plugins:` in mkdocs.yml" in done.stderr
    assert "run `advisor-prepare`" in done.stderr
    done = run([program, "build"], cwd=work)
    assert done.returncode == 0, done.stderr
    html = (work / "site" / "index.html").read_text(encoding="utf-8")
    assert ">See every answer and its result</a>" in html
    assert "data-advisor" not in html


def test_advisor_prepare_needs_docs_watched(tmp_path: Path) -> None:
    done = run(["advisor-prepare"], cwd=site(tmp_path, plugin=True, watch=False))
    assert done.returncode == 1
    assert "does not watch 'docs'" in done.stderr
    assert "Fix: add `watch: [docs]` to mkdocs.yml." in done.stderr


def test_zensical_without_advisor_prepare_fails_and_says_so(tmp_path: Path) -> None:
    work = site(tmp_path, plugin=True)
    done = run(["zensical", "build"], cwd=work)
    assert done.returncode != 0
    assert ("advisor: docs/index.md holds a quiz marker, but the advisor's pages, assets and "
            "runtime were not prepared. Fix: run `advisor-prepare`") in done.stderr
    done = run(["advisor-prepare"], cwd=work)
    assert done.returncode == 0, done.stderr
    done = run(["zensical", "build", "--strict"], cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    html = (work / "site" / "index.html").read_text(encoding="utf-8")
    assert 'data-advisor-model="tiny"' in html
    assert "See every answer and its result" not in html
    # A model changed after advisor-prepare: the build refuses the stale quiz.
    model = work / "docs" / "models" / "tiny.yml"
    model.write_text(MODEL.replace("How big?", "How large?"), encoding="utf-8")
    later = model.stat().st_mtime + 2  # Zensical compares watched files' times in whole seconds
    os.utime(model, (later, later))
    done = run(["zensical", "build"], cwd=work)
    assert done.returncode != 0
    assert "the prepared quiz is out of date (docs/models/tiny.yml changed" in done.stderr
    # MkDocs builds the same folder with the plugin, leaving advisor-prepare's files out.
    done = run(["mkdocs", "build", "--strict", "-d", str(tmp_path / "mk")], cwd=work)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mk" / "tiny" / "paths" / "index.html").is_file()


def test_zensical_serve_shows_a_stale_quiz_in_the_page_and_recovers(tmp_path: Path) -> None:
    """A preview keeps running: the stale quiz becomes a warning in the page, and the quiz
    comes back once advisor-prepare has run again. Zensical 0.0.73's preview stopped instead,
    one suite in three ("I/O error: No such file or directory"), when advisor-prepare deleted
    its files before writing them again; it now replaces them in place (test_prepare.py). Were
    it to stop, a new `zensical serve` must show the quiz, as docs/use-in-your-site.md says."""
    work = site(tmp_path, plugin=True)
    assert run(["advisor-prepare"], cwd=work).returncode == 0

    def serve() -> tuple[subprocess.Popen[str], int]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return subprocess.Popen(
            [str(BIN / "zensical"), "serve", "-a", f"127.0.0.1:{port}"], cwd=work,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}), port

    server, port = serve()
    errors = ""
    try:
        assert until(port, 'data-advisor-model="tiny"')
        model = work / "docs" / "models" / "tiny.yml"
        model.write_text(MODEL.replace("How big?", "How large?"), encoding="utf-8")
        later = model.stat().st_mtime + 2
        os.utime(model, (later, later))
        page = until(port, "Quiz not prepared")
        assert "docs/models/tiny.yml changed since advisor-prepare ran" in page
        assert ">See every answer and its result</a>" in page
        assert run(["advisor-prepare"], cwd=work).returncode == 0
        try:
            page = until(port, 'data-advisor-model="tiny"')
        except AssertionError:
            if server.poll() is None:
                raise
            _, errors = server.communicate(timeout=30)
            assert "No such file or directory" in errors, errors[-3000:]
            server, port = serve()
            page = until(port, 'data-advisor-model="tiny"')
        assert "How large?" in page
    finally:
        server.terminate()
        _, more = server.communicate(timeout=30)
    assert "Traceback" not in more, more[-3000:]


def test_a_model_edited_while_a_preview_checks_it_is_seen_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`zensical serve` keeps one check of the prepared quiz between builds, by the files'
    times. An edit that lands while a build is checking (hashing) the model must count for the
    next build: the check once took the times after reading, so it matched the edited file
    and the preview kept the old state until the next edit (found by the serve test above,
    once in five runs of the suite)."""
    work = site(tmp_path, plugin=True)
    assert run(["advisor-prepare"], cwd=work).returncode == 0
    model = work / "docs" / "models" / "tiny.yml"
    check = prepared.stale_inputs

    def edited_meanwhile(root: Path, manifest: dict[str, object]) -> list[str]:
        found = check(root, manifest)
        model.write_text(MODEL.replace("How big?", "How large?"), encoding="utf-8")
        return found

    checked = extension._Checked()
    with monkeypatch.context() as patch:
        patch.setattr(prepared, "stale_inputs", edited_meanwhile)
        manifest, stale = checked.load(work, work / "docs")
    assert manifest is not None
    assert stale == []  # what was read: the model as advisor-prepare saw it
    _, stale = checked.load(work, work / "docs")
    assert stale == ["docs/models/tiny.yml"]


def until(port: int, text: str, timeout: float = 60) -> str:
    """The served home page once it holds ``text`` (the server rebuilds in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                page = response.read().decode()
        except OSError:
            page = ""
        if text in page:
            return page
        time.sleep(0.5)
    said = re.findall(r"Quiz not prepared[^<]*(?:<[^>]*>[^<]*){0,6}", page)
    raise AssertionError(f"the served page never held {text!r}; it says: {said or page[:300]!r}")
