"""``advisor-prepare``: what the MkDocs plugin adds to a build, written as files, for engines that
do not run MkDocs plugins (Zensical reads ``mkdocs.yml`` but ignores its ``plugins``).

It loads ``mkdocs.yml`` with MkDocs' own config loader and calls the advisor plugin's hooks
exactly as a build would, so both engines share one implementation: the models are checked,
the runtime is verified, and every generated page, browser asset and runtime file is written
under ``docs_dir``, with the quiz of each marked page pre-rendered into the manifest that the
Markdown extension (``plugin.extension``) reads while Zensical renders the page.

What the plugin changes in the config itself (the section of generated pages it appends to
an explicit ``nav``, the guide version it adds to ``copyright``) goes into ``zensical.yml``
beside ``mkdocs.yml``: a config that inherits ``mkdocs.yml`` (``INHERIT``, which Zensical
reads, appending lists as MkDocs does) and adds just that. ``zensical build -f zensical.yml``
then builds the site MkDocs builds, navigation and footer included.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError, PluginError
from mkdocs.structure.files import Files, get_files
from mkdocs.structure.pages import Page

from . import prepared
from .marker import markers as find_markers
from .plugin import AdvisorPlugin
from .runtime import private_part

GITIGNORE = "# Written by advisor-prepare: everything here is generated.\n*\n"
#: The config Zensical builds from, written beside mkdocs.yml.
ZENSICAL_CONFIG = "zensical.yml"
#: Its first line: a file that starts otherwise is someone's own, and is never overwritten.
ZENSICAL_HEADER = "# Written by advisor-prepare: do not edit it, nor commit it.\n"


class PrepareError(Exception):
    """advisor-prepare cannot go on; the message names the file and the fix."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _find_plugin(config: MkDocsConfig, config_file: Path) -> AdvisorPlugin:
    for name, plugin in config.plugins.items():
        if isinstance(plugin, AdvisorPlugin):
            # What MkDocs sets while it runs a plugin's hooks (File.generated reads it).
            config.plugins._current_plugin = name
            return plugin
    raise PrepareError(
        f"{config_file} names no `advisor` plugin. Fix: add `- advisor` with its `models` under "
        "`plugins:` (Zensical ignores the entry; advisor-prepare reads its options there)."
    )


def _check_watch(config: MkDocsConfig, config_file: Path, docs_dir: Path) -> None:
    """Zensical re-renders a page only when the page, the config or a watched file changes:
    unless the prepared files are watched, a page keeps a quiz that no longer exists."""
    for watched in config.watch:
        if docs_dir.resolve().is_relative_to(Path(watched).resolve()):
            return
    name = os.path.relpath(docs_dir, config_file.parent)
    raise PrepareError(
        f"{config_file} does not watch '{name}', so Zensical would keep serving pages with the "
        f"quiz of an earlier advisor-prepare from its cache. Fix: add `watch: [{name}]` to "
        f"{config_file.name}."
    )


def _write(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` unless it is there already, by renaming a finished copy over
    it: a server watching the folder (``zensical serve``) never finds the file missing or
    half-written, and an unchanged file is left alone (no rebuild for nothing)."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    part = private_part(path)
    part = part.with_name(f".{part.name}")  # a dotfile: no engine takes it for a page
    part.write_bytes(data)
    os.replace(part, path)


def _remove_stale(docs_dir: Path, previous: dict[str, Any] | None, kept: set[str]) -> None:
    """Delete what the last run wrote and this one did not, where nobody changed it since.
    Last, once the new files are in place: Zensical 0.0.73's server stopped ("I/O error: No
    such file or directory") when files it was rebuilding from vanished under it."""
    for src_uri in (previous or {}).get("outputs", {}):
        if src_uri not in kept and prepared.is_output(docs_dir, previous, src_uri):
            (docs_dir / src_uri).unlink()


def _remove_unrecorded_snapshots(docs_dir: Path, kept: set[str]) -> None:
    """Snapshots and standard libraries that no manifest lists: advisor-prepare recorded none
    before 2 December 2026, so every model change left one (31 MB, and 5 MB for its .gz copy)
    that Zensical then published. Only in the assets folder advisor-prepare owns."""
    folder = docs_dir / prepared.PREFIX
    if not _ours(folder):
        return
    for pattern in ("snapshot-*.bin", "snapshot-*.bin.gz", "stdlib-*.zip"):
        for path in folder.glob(pattern):
            if path.relative_to(docs_dir).as_posix() not in kept:
                path.unlink(missing_ok=True)


def _ours(folder: Path) -> bool:
    """A folder this command made: it does not exist yet, or holds our .gitignore."""
    ignore = folder / ".gitignore"
    return not folder.exists() or (
        ignore.is_file() and ignore.read_text(encoding="utf-8") == GITIGNORE
    )


def _zensical_path(config_file: Path) -> Path:
    """Where ``zensical.yml`` goes; refused, before anything is written, if a file there is
    someone's own."""
    path = config_file.parent / ZENSICAL_CONFIG
    if path.exists() and not path.read_bytes().startswith(ZENSICAL_HEADER.encode()):
        raise PrepareError(
            f"{path} exists and was not written by advisor-prepare, which writes the config "
            f"Zensical builds from there. Fix: rename or move your {ZENSICAL_CONFIG}, then run "
            "advisor-prepare again."
        )
    return path


def _zensical_config(
    path: Path, config_file: Path, config: MkDocsConfig, nav_before: int | None
) -> None:
    """Write ``zensical.yml``: ``mkdocs.yml`` and what the plugin changed in it."""
    data: dict[str, Any] = {"INHERIT": config_file.name}
    if config.copyright:
        data["copyright"] = config.copyright
    if config.nav is not None and nav_before is not None:  # entries before the plugin ran
        # Appended to mkdocs.yml's nav by INHERIT (Zensical merges lists by appending). Its
        # titles stay escaped: Zensical, like MkDocs, prints nav titles as they are written.
        added = config.nav[nav_before:]
        if added:
            data["nav"] = added
    text = ZENSICAL_HEADER + (
        f"# {config_file.name} with what the advisor plugin adds to it under MkDocs. Build with\n"
        f"# `zensical build -f {ZENSICAL_CONFIG}` after advisor-prepare, which writes it again.\n"
    ) + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    _write(path, text.encode())


def _assets(config: MkDocsConfig, before_css: int, before_js: int) -> dict[str, Any]:
    """What the plugin added to ``extra_css`` and ``extra_javascript`` (Zensical does not see
    it): the extension links them from every page, as MkDocs does."""
    scripts = [
        {
            "path": str(getattr(script, "path", script)),
            "type": getattr(script, "type", None) or "",
            "async": bool(getattr(script, "async_", False)),
            "defer": bool(getattr(script, "defer", False)),
        }
        for script in config.extra_javascript[before_js:]
    ]
    return {"css": [str(path) for path in config.extra_css[before_css:]], "js": scripts}


def prepare(config_file: Path, *, strict: bool | None = None) -> list[str]:
    """Write everything; return the warnings (raises PrepareError on failure, and on warnings
    when the config, or ``strict``, says strict)."""
    config_file = config_file.resolve()
    collect = _Collect()
    logging.getLogger("mkdocs").addHandler(collect)
    try:
        try:
            config = load_config(str(config_file))
        except ConfigurationError as error:
            raise PrepareError(f"{config_file}: {error}") from None
        plugin = _find_plugin(config, config_file)
        plugin.copy_early = False  # the runtime goes into docs_dir, in on_post_build below
        docs_dir = Path(config.docs_dir)
        _check_watch(config, config_file, docs_dir)
        zensical_config = _zensical_path(config_file)
        previous = prepared.read(docs_dir)  # replaced in place; what is left over goes last
        n_css, n_js = len(config.extra_css), len(config.extra_javascript)
        nav_before = None if config.nav is None else len(config.nav)
        try:
            plugin.on_startup(command="build", dirty=False)
            config = plugin.on_config(config)
            plugin.on_pre_build(config=config)
            files = prepared.without_outputs(get_files(config), docs_dir)
            authored = {file.src_uri for file in files}
            files = plugin.on_files(files, config=config) or files
            pages = _render_quizzes(plugin, config, files, authored)
            assets = _assets(config, n_css, n_js)
        except PluginError as error:
            raise PrepareError(str(error)) from None

        # Folders wholly generated (the assets prefix, each model's folder unless an author
        # keeps files there) get a .gitignore, so prepared files stay out of the repository.
        owned = {docs_dir / prepared.PREFIX}
        outputs: dict[str, list[int]] = {}
        for file in files:
            if file.src_uri not in authored:
                top = docs_dir / file.src_uri.split("/", 1)[0]
                in_prefix = file.src_uri.startswith(prepared.PREFIX + "/")
                if "/" in file.src_uri and not in_prefix and _ours(top):
                    owned.add(top)
                path = docs_dir / file.src_uri
                path.parent.mkdir(parents=True, exist_ok=True)
                if file.src_uri in plugin.blocks or file.src_uri in plugin.inserts:
                    # What the plugin puts into the HTML goes into the Markdown here.
                    _write(path, plugin.whole_markdown(file).encode())
                else:
                    _write(path, file.content_bytes)
                outputs[file.src_uri] = prepared.stat_key(path)
        # The verified runtime, where the plugin would install it in the site (copies).
        if plugin.runtime is None:  # no models: the plugin did nothing
            raise PrepareError(
                "advisor: no models are listed under plugins.advisor.models, so there is "
                "nothing to prepare. Fix: list a model (see docs/authoring.md)."
            )
        runtime_dir = docs_dir / plugin.runtime.folder
        site_dir = config.site_dir
        config.site_dir = str(docs_dir)
        try:
            plugin.on_post_build(config=config)
        finally:
            config.site_dir = site_dir
        for path in sorted(runtime_dir.rglob("*")):
            if path.is_file():
                outputs[path.relative_to(docs_dir).as_posix()] = prepared.stat_key(path)
        # The memory snapshot (and its .gz copy) and its standard library, installed beside
        # the runtime's folder: recorded, so that the next run removes them once they change.
        if plugin.snapshot is not None:
            snapshot = plugin.snapshot.uri(prepared.PREFIX)
            for uri in (snapshot, f"{snapshot}.gz", plugin.snapshot.stdlib.uri(prepared.PREFIX)):
                if (docs_dir / uri).is_file():
                    outputs[uri] = prepared.stat_key(docs_dir / uri)
        for folder in owned:
            _write(folder / ".gitignore", GITIGNORE.encode())
        _remove_stale(docs_dir, previous, set(outputs))
        _remove_unrecorded_snapshots(docs_dir, set(outputs))

        root = config_file.parent
        models = [docs_dir / loaded.src_uri for loaded in plugin.models.values()]
        manifest = {
            "format": prepared.FORMAT,
            "inputs": prepared.input_digests(root, [config_file, *models]),
            "code": prepared.code_digest(),
            "outputs": outputs,
            "pages": pages,
            "assets": assets,
        }
        path = prepared.manifest_path(docs_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, json.dumps(manifest, indent=1, sort_keys=True).encode())
        _zensical_config(zensical_config, config_file, config, nav_before)
    finally:
        logging.getLogger("mkdocs").removeHandler(collect)
    warnings = [record.getMessage() for record in collect.records]
    if warnings and (config.strict if strict is None else strict):
        raise PrepareError(
            f"{len(warnings)} warning(s) in strict mode:\n" + "\n".join(warnings)
        )
    return warnings


def _render_quizzes(
    plugin: AdvisorPlugin,
    config: MkDocsConfig,
    files: Files,
    authored: set[str],
) -> dict[str, list[dict[str, str]]]:
    """Each marked page's quizzes, rendered by the plugin for that page's address."""
    pages: dict[str, list[dict[str, str]]] = {}
    for file in files.documentation_pages():
        if file.src_uri not in authored:
            continue
        markers = list(find_markers(file.content_string))
        if not markers:
            continue
        page = Page(None, file, config)
        quizzes = []
        for match in markers:
            html = plugin.on_page_markdown(match.group(0), page=page, config=config, files=files)
            quizzes.append({"model": match.group("model"), "html": html.strip()})
        pages[file.src_uri] = quizzes
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="advisor-prepare",
        description=(
            "Write the advisor's generated pages, assets and verified runtime into docs_dir, "
            "for engines that do not run MkDocs plugins (Zensical), and zensical.yml beside "
            "mkdocs.yml. Then run `zensical build -f zensical.yml`."
        ),
    )
    parser.add_argument(
        "-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
        help="the site's mkdocs.yml (default: ./mkdocs.yml)",
    )
    parser.add_argument(
        "-s", "--strict", action="store_true", default=None,
        help="fail on warnings (default: the config's `strict`)",
    )
    args = parser.parse_args(argv)
    if not args.config_file.is_file():
        print(f"advisor-prepare: {args.config_file} not found. Fix: run it in the folder that "
              "holds mkdocs.yml, or pass -f PATH.", file=sys.stderr)
        return 1
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        warnings = prepare(args.config_file, strict=args.strict)
    except PrepareError as error:
        print(f"advisor-prepare: {error}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    print("advisor-prepare: generated pages, assets, the verified runtime and zensical.yml "
          "written; now run `zensical build -f zensical.yml`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
