"""The quiz marker as a Python-Markdown extension: ``markdown_extensions: [plugin.extension]``.

- Under Zensical, which runs Markdown extensions but not MkDocs plugins, it replaces each
  marker with the quiz that ``advisor-prepare`` rendered for that page (see plugin/prepared.py),
  and fails the build, saying what to run, when that was not done or is out of date.
- Under MkDocs or ProperDocs with the ``advisor`` plugin it has nothing to do: the plugin has
  already replaced the markers. Without the plugin, it warns (so ``--strict`` fails) and says
  what to add; the marker's link stays, so readers see it and reach the answer paths.
"""

from __future__ import annotations

import posixpath
import re
import sys
from html import escape
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown  # type: ignore[import-untyped]
from markdown.preprocessors import Preprocessor  # type: ignore[import-untyped]

from . import log, marker, prepared


class AdvisorBuildError(Exception):
    """Stops a Zensical build; the message names the page and the fix."""


class _Checked:
    """The manifest of one docs folder, checked again whenever it or one of its inputs changes
    (``zensical serve`` keeps this process for many builds)."""

    def __init__(self) -> None:
        self.key: tuple[tuple[str, int], ...] = ()
        self.manifest: dict[str, Any] | None = None
        self.stale: list[str] = []

    @staticmethod
    def _stamp(
        root: Path, docs_dir: Path, manifest: dict[str, Any] | None
    ) -> tuple[tuple[str, int], ...]:
        inputs = list(manifest.get("inputs", {})) if manifest else []
        paths = [prepared.manifest_path(docs_dir), *(root / name for name in inputs)]
        return tuple((str(p), p.stat().st_mtime_ns if p.exists() else 0) for p in paths)

    def load(self, root: Path, docs_dir: Path) -> tuple[dict[str, Any] | None, list[str]]:
        before = self._stamp(root, docs_dir, self.manifest)
        if before == self.key:
            return self.manifest, self.stale
        # Each file's time is taken before the file is read: advisor-prepare may write while a
        # preview rebuilds, and what it writes after a read must look new to the next build.
        # (Taken after the reads, the key once matched files newer than what was read, and the
        # preview showed "Quiz not prepared" until the next edit.)
        manifest = prepared.read(docs_dir)
        key = (before[0], *self._stamp(root, docs_dir, manifest)[1:])
        self.stale = [] if manifest is None else prepared.stale_inputs(root, manifest)
        self.manifest, self.key = manifest, key
        return self.manifest, self.stale


_checked = _Checked()


def _zensical_page(md: Markdown) -> Any | None:
    """Zensical's page being rendered, or None under any other engine."""
    try:
        from zensical.extensions.context import ContextPreprocessor  # noqa: PLC0415
    except ImportError:
        return None
    context = ContextPreprocessor.from_markdown(md)
    return None if context is None else context


def _serving() -> bool:
    """Whether this is `zensical serve` (a build stops on errors; a preview should not)."""
    return len(sys.argv) > 1 and sys.argv[1] == "serve" and "zensical" in Path(sys.argv[0]).name


def _mkdocs_page(md: Markdown) -> str:
    """The page MkDocs (or ProperDocs) is rendering, from the link processor it adds to each
    page's Markdown; "a page" if that internal detail ever changes."""
    try:
        return f"docs/{md.treeprocessors['relpath'].file.src_uri}"
    except (KeyError, AttributeError):
        return "a page"


class QuizPreprocessor(Preprocessor):  # type: ignore[misc]
    """Replaces quiz markers before Markdown's raw-HTML pass, so the quiz stays one block."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        markers = list(marker.markers(text))
        context = _zensical_page(self.md)
        if context is None:
            page = _mkdocs_page(self.md)
            for match in markers:
                line = text.count("\n", 0, match.start()) + 1
                log.warning(
                    "advisor: %s:%d holds the quiz marker for '%s', but no advisor ran, so "
                    "readers get a plain link instead of the quiz (and the generated pages are "
                    "missing). Fix: %s.",
                    page, line, match.group("model"), prepared.PLUGIN_FIX,
                )
            return lines
        from zensical.config import get_config  # noqa: PLC0415

        config = get_config()
        root = Path(config["root_dir"])
        page = str(context.page.path)
        manifest, stale = _checked.load(root, root / config["docs_dir"])
        if markers:
            try:
                text = self._quizzes(text, markers, page, manifest, stale)
            except AdvisorBuildError as error:
                if not _serving():
                    raise
                # `zensical serve` would stop: keep it running, and say it in the page instead.
                print(f"WARNING: {error}", file=sys.stderr)
                note = self.md.htmlStash.store(
                    '<div class="admonition warning"><p class="admonition-title">Quiz not '
                    f"prepared</p><p>{escape(str(error))}</p></div>"
                )
                text = marker.replace(text, lambda m: f"\n{note}\n\n{m.group(0)}")
        if manifest is not None:
            text = self._with_assets(text, manifest.get("assets", {"css": [], "js": []}), page)
        return text.split("\n")

    def _quizzes(
        self,
        text: str,
        markers: list[re.Match[str]],
        page: str,
        manifest: dict[str, Any] | None,
        stale: list[str],
    ) -> str:
        where = f"advisor: docs/{page}"
        if manifest is None:
            raise AdvisorBuildError(
                f"{where} holds a quiz marker, but the advisor's pages, assets and runtime "
                f"were not prepared. Fix: {prepared.PREPARE_FIX}."
            )
        if stale:
            raise AdvisorBuildError(
                f"{where}: the prepared quiz is out of date ({', '.join(stale)} changed since "
                f"advisor-prepare ran). Fix: {prepared.PREPARE_FIX}."
            )
        quizzes = manifest["pages"].get(page, [])
        found = [m.group("model") for m in markers]
        if [q["model"] for q in quizzes] != found:
            raise AdvisorBuildError(
                f"{where}: its quiz markers ({', '.join(found)}) are not the ones advisor-prepare "
                f"saw. Fix: {prepared.PREPARE_FIX}."
            )
        # One block-level element per quiz, stashed so Markdown leaves it alone and does not
        # wrap it in <p>.
        blocks = iter(f'<div class="advisor-embed">\n{q["html"]}\n</div>' for q in quizzes)
        return marker.replace(text, lambda _: "\n" + self.md.htmlStash.store(next(blocks)) + "\n")

    def _with_assets(self, text: str, assets: dict[str, Any], page: str) -> str:
        """The stylesheets first and the scripts last, as MkDocs links the plugin's
        ``extra_css`` and ``extra_javascript`` from every page. Relative to the page's source:
        Zensical resolves ``href`` and ``src`` in a page as it resolves Markdown links."""
        here = posixpath.dirname(page) or "."

        def rel(path: str) -> str:
            return escape(posixpath.relpath(path, here))

        links = "".join(f'<link rel="stylesheet" href="{rel(p)}">' for p in assets["css"])
        scripts = "".join(
            f'<script src="{rel(s["path"])}"'
            + (f' type="{escape(s["type"])}"' if s["type"] else "")
            + (" async" if s["async"] else "")
            + (" defer" if s["defer"] else "")
            + "></script>"
            for s in assets["js"]
        )
        head = self.md.htmlStash.store(f'<div class="advisor-assets" hidden>{links}</div>')
        tail = self.md.htmlStash.store(f'<div class="advisor-assets" hidden>{scripts}</div>')
        return f"{head}\n\n{text}\n\n{tail}\n"


class AdvisorExtension(Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: Markdown) -> None:
        # Above the raw HTML pass (20) and below whitespace normalisation (30).
        md.preprocessors.register(QuizPreprocessor(md), "advisor_quiz", 25)


def makeExtension(**kwargs: Any) -> AdvisorExtension:
    return AdvisorExtension(**kwargs)
