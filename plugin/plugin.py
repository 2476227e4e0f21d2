"""``AdvisorPlugin``: the glue between the guide models, MkDocs and the browser runtime.

Every hook does one thing and says why it exists. The decisions themselves are made by the
``advisor`` package; this module validates, renders and ships.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

import advisor
from advisor.source import ModelFile

from . import changes, freshness, log, marker, pages, prepared, render, size, widget
from . import files as docsfiles
from .cache import Cache, Kept, code_digest
from .config import AdvisorConfig
from .runtime import Runtime, RuntimeVerifier, build_archive, hashed_name, install_runtime
from .snapshot import Snapshot, SnapshotMaker
from .version import GuideVersion, guide_version

if TYPE_CHECKING:  # a build does not need the server (about 15 ms of imports)
    from mkdocs.livereload import LiveReloadServer

ASSETS = Path(__file__).with_name("assets")
PREFIX = "assets/advisor"


@dataclass(frozen=True)
class LoadedModel:
    """One guide model as the build sees it."""

    src_uri: str  # relative to docs_dir, e.g. "models/orchestration.yml"
    source: ModelFile  # the checked model, its lines and warnings
    payload: bytes  # the model as the browser gets it (JSON)
    json_uri: str  # where the browser fetches it, content-hashed

    @property
    def model(self) -> advisor.Model:
        return self.source.model


class AdvisorPlugin(BasePlugin[AdvisorConfig]):  # type: ignore[no-untyped-call]
    """Validates the guide models, renders their pages and embeds the quiz."""

    def __init__(self) -> None:
        # Survive `mkdocs serve` rebuilds: hashing the 13 MB runtime happens once per change,
        # a model is checked (and its old versions diffed) once per content.
        self._verifier = RuntimeVerifier()
        self._cache = Cache()
        self.models: dict[str, LoadedModel] = {}
        self.runtime: Runtime | None = None
        self.assets: dict[str, str] = {}
        self._generated: list[File] = []
        self._pages: dict[str, list[pages.GeneratedPage]] = {}
        #: HTML that goes into generated pages once written, by src_uri (``on_post_page``)
        self.inserts: dict[str, tuple[tuple[str, str], ...]] = {}
        #: ... and right after Markdown, by src_uri (``on_page_content``), with their ids
        self.blocks: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {}
        self._use_directory_urls = True
        self.bytes_copied = 0
        self.version = GuideVersion(None, None)
        self._snapshots = SnapshotMaker()  # plugin/snapshot.py
        self.snapshot: Snapshot | None = None
        self._serving = False
        self._archive_bytes = 0
        self._repo_url: str | None = None
        self._histories: changes.KeptHistories | None = None  # What changed, kept on disk
        self._rendered_pages: Kept[tuple[Any, ...]] | None = None  # generated pages, kept
        self._installing: threading.Thread | None = None  # the runtime's copy into the site
        self._installing_into: Path | None = None  # ... and the site folder it copies into
        #: Copy the runtime into the site while the pages build (see ``_start_install``);
        #: advisor-prepare, which installs it elsewhere in ``on_post_build``, turns it off.
        self.copy_early = True
        self._installed: int | BaseException | None = None  # bytes it copied, or its error

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Exists so that MkDocs keeps this plugin object alive across `serve` rebuilds."""
        self._serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Fail fast, before any page: load and check every model and verify the runtime; then
        register what the build adds (assets, the planned pages and their nav section)."""
        if not config.repo_url and config.edit_uri:
            # An edit link needs a repository: without repo_url MkDocs would warn about every
            # page ("not a valid URL"), and fail --strict; the site shows no edit links instead.
            config.edit_uri = None
        self.models = {}
        self.runtime = None
        self._generated = []
        self._pages = {}
        self.inserts = {}
        self.blocks = {}
        self._wait_install()  # a copy left running by an aborted build (mkdocs serve)
        self._installed = None
        if not self.config.models:
            log.warning(
                "advisor: no models are listed under plugins.advisor.models, so the plugin does "
                "nothing: no quiz, no generated pages, no runtime. Fix: list a model (see "
                "docs/authoring.md), or remove 'advisor' from plugins in mkdocs.yml."
            )
            return config
        docs_dir = Path(config.docs_dir)
        for src_uri in self.config.models:
            if any(m.src_uri == src_uri for m in self.models.values()):
                raise PluginError(
                    f"advisor: the model '{src_uri}' is listed twice under "
                    f"plugins.advisor.models. Fix: list each model once."
                )
            loaded = self._load_model(docs_dir, src_uri)
            if loaded.model.id in self.models:
                raise PluginError(
                    f"advisor: models '{self.models[loaded.model.id].src_uri}' and '{src_uri}' "
                    f"both have the id '{loaded.model.id}'. Fix: give each model its own id."
                )
            self.models[loaded.model.id] = loaded

        config_dir = Path(config.config_file_path).parent
        self.version = guide_version(
            config_dir, [docs_dir / m.src_uri for m in self.models.values()]
        )
        stamp = f"Guide version {self.version.label}"
        config.copyright = f"{config.copyright} · {stamp}" if config.copyright else stamp

        runtime_dir = self.config.runtime_dir or str(config_dir / "node_modules" / "pyodide")
        self.runtime = self._verifier.verify(Path(runtime_dir))
        render.keep_compiled(self.runtime.source_dir.parent / ".cache" / "advisor-templates")

        self._generated = []
        # The widget's scripts and styles, content-hashed (plugin/widget.py)
        built = widget.build_assets()
        self.assets = {name: uri for name, (uri, _) in built.items()}
        for uri, content in built.values():
            self._generated.append(File.generated(config, uri, content=content))
        archive = build_archive(Path(advisor.__file__).parent)
        self.assets["advisor.zip"] = f"{PREFIX}/{hashed_name('advisor', '.zip', archive)}"
        self._generated.append(File.generated(config, self.assets["advisor.zip"], content=archive))
        for loaded in self.models.values():
            self._generated.append(File.generated(config, loaded.json_uri, content=loaded.payload))
        # The worker's memory snapshot (plugin/snapshot.py); serve only reuses a cached one.
        self.snapshot = self._snapshots.get(
            self.runtime, archive, [m.payload for m in self.models.values()],
            make=not self._serving,
        ) if self.config.snapshot else None
        if self._snapshots.error:
            log.warning(
                "advisor: no Pyodide memory snapshot in this build, so the quiz starts Python "
                "the slower stock way: %s. Fix: install Node 20+ and run `npm ci`, or set "
                "`snapshot: false` under plugins.advisor.", self._snapshots.error)
        self._archive_bytes = len(archive)
        self._repo_url = config.repo_url
        config.extra_css.append(self.assets["widget.css"])
        config.extra_css.append(self.assets["pages.css"])  # the generated pages' look
        config.extra_javascript.append(self.assets["widget.js"])

        self._use_directory_urls = config.use_directory_urls
        self._pages = {}
        if self.config.generate_pages:
            for model_id, loaded in self.models.items():
                self._pages[model_id] = pages.plan(loaded.model)
                if config.nav is not None:
                    pages.add_to_nav(config.nav, loaded.model, self._pages[model_id])
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Warn about guidance not reviewed within ``max_age_days``: a strict build fails until
        someone re-checks it against its sources (plugin/freshness.py)."""
        models = [m.source for m in self.models.values()]
        for message in freshness.warnings(config, models, self.config.max_age_days):
            log.warning(message)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add what the browser loads (advisor archive, models, widget assets) and render the
        pages generated from each model (here, once the authored pages are known, so they can
        link to the quiz), so they are built, searched and linked like authored ones."""
        if self.copy_early:
            self._start_install(config)
        docs_dir = Path(config.docs_dir)
        files = prepared.without_outputs(files, docs_dir)  # left by advisor-prepare
        files = docsfiles.without_link_loops(files, docs_dir)
        files = docsfiles.model_files(
            files, docs_dir, self.config.models, publish=self.config.publish_models
        )
        for file in self._generated:
            files.append(file)
        quiz_pages = self._find_quiz_pages(files)
        for model_id, planned in self._pages.items():
            loaded = self.models[model_id]
            generated = self._rendered(config, loaded, planned, quiz_pages.get(model_id))
            for page in generated:
                if files.get_file_from_path(page.src_uri) is not None:
                    raise PluginError(
                        f"advisor: docs/{page.src_uri} exists, but the plugin generates that "
                        f"page from '{loaded.src_uri}'. Fix: move or rename the file."
                    )
                files.append(pages.as_file(config, page, loaded.src_uri))
                if page.inserts:
                    self.inserts[page.src_uri] = page.inserts
                if page.blocks or page.anchors:
                    self.blocks[page.src_uri] = (page.blocks, page.anchors)
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Replace each quiz marker (plugin/marker.py) with the quiz, first question
        rendered at build time so the reader can start before Python has loaded."""

        seen: dict[str, int] = {}  # quizzes of each model on this page so far

        def quiz(match: re.Match[str]) -> str:
            model_id = match.group("model")
            if model_id not in self.models:
                line = markdown.count("\n", 0, match.start()) + 1
                known = ", ".join(sorted(self.models)) or "none"
                raise PluginError(
                    f"advisor: {page.file.src_uri}:{line}: the marker names the model "
                    f"'{model_id}', which is not configured (configured: {known}). Fix: use "
                    f"one of those ids, or add the model under plugins.advisor.models in "
                    f"mkdocs.yml."
                )
            seen[model_id] = seen.get(model_id, 0) + 1
            return render.widget(self._widget_context(model_id, page, seen[model_id]))

        return marker.replace(markdown, quiz)

    @event_priority(-100)  # last: the theme's environment as the other plugins left it
    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        """Keep the theme's compiled templates beside the plugin's own: MkDocs gives the
        theme's Jinja environment no bytecode cache, so every build process compiled Material's
        templates again (about 40 of them, a fifth of a second). Keyed by each template's source
        and the environment's settings (``render.CompiledTemplates``): an upgraded theme or a
        changed override is compiled afresh."""
        kept = self._kept()
        if kept is not None:
            render.keep_compiled(kept / "advisor-theme", env)
        return env

    @event_priority(100)  # first: the page whole before any other plugin reads its HTML
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Put a generated page's blocks of HTML back where Markdown left their placeholders
        (``pages.split_html``): Markdown would have passed them through as they are, after
        parsing tens of kilobytes of HTML to find that out. The search index and every other
        plugin read the whole page; its ids count for MkDocs' check of links to anchors."""
        found = self.blocks.get(page.file.src_uri)
        if not found:
            return html
        blocks, anchors = found
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= set(anchors)
        return pages.fill(html, blocks, page.file.src_uri)

    @event_priority(100)  # first: before any plugin that rewrites the written HTML
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Put the decision diagram into its page once the page is written, where its
        placeholder is (``pages.fill``): Markdown never parses the large SVG, and the search
        index, built from the page's content before this, keeps its labels out (the page's
        list of the same tree is indexed)."""
        inserts = self.inserts.get(page.file.src_uri)
        if not inserts:
            return output
        return pages.fill(output, inserts, page.file.src_uri)

    def _install(self, site_dir: Path) -> None:
        """Install the verified Pyodide boot files and the snapshot into the site (copies,
        never links); runs in ``self._installing`` while MkDocs builds the pages."""
        assert self.runtime is not None
        try:
            # Beside the runtime, where tools keep caches (node_modules/.cache), outside the
            # work tree.
            cache = self.runtime.source_dir.parent / ".cache" / "advisor-gzip"
            copied = install_runtime(
                self.runtime, site_dir, cache if self.config.gzip else None, self._verifier)
            if self.snapshot is not None:
                copied += self._snapshots.install(
                    self.snapshot, site_dir, PREFIX, gzip_copy=self.config.gzip)
            self._installed = copied
        except BaseException as error:  # handed to the build in on_post_build
            self._installed = error

    def _start_install(self, config: MkDocsConfig) -> None:
        """Copy the runtime (55 MB with the snapshot) while MkDocs renders the pages: the copy
        waits on the disk and the kernel, the pages on Python, so on two cores they overlap.
        Started after MkDocs has emptied the site folder (a clean build does that between
        ``on_pre_build`` and ``on_files``)."""
        self._wait_install()
        if self.runtime is None:  # no models: nothing to run
            return
        self._installed = None
        self._installing_into = Path(config.site_dir)
        self._installing = threading.Thread(
            target=self._install, args=(Path(config.site_dir),), name="advisor-install",
            daemon=True)
        self._installing.start()

    def _wait_install(self) -> int | BaseException | None:
        if self._installing is not None:
            self._installing.join()
            self._installing = None
        return self._installed

    @event_priority(-100)  # last: after every other plugin has written the site
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Wait for the runtime's copy into the site (see ``_start_install``)."""
        if self.runtime is None:  # no models: nothing to run
            return
        if self._installing is None or self._installing_into != Path(config.site_dir):
            # on_files did not start it (a caller of the hooks alone, advisor-prepare), or
            # started it into another folder than the one the caller now names
            self._wait_install()
            self._start_install(config)
        done = self._wait_install()
        self._installed = None
        if isinstance(done, BaseException):
            raise done
        self.bytes_copied = done or 0
        log.debug("Pyodide runtime and snapshot installed, %d bytes copied", self.bytes_copied)

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves no copy running into the next one (``mkdocs serve``)."""
        self._wait_install()
        self._installed = None

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Rebuild when the engine or the widget changes, not only the docs."""
        server.watch(str(Path(advisor.__file__).parent))
        server.watch(str(ASSETS))
        return server

    # -- helpers -------------------------------------------------------------------------------

    def whole_markdown(self, file: File) -> str:
        """A page's Markdown with what the plugin puts into its HTML (its blocks, then the
        diagram) written in: what advisor-prepare writes for engines without this plugin."""
        blocks = self.blocks.get(file.src_uri, ((), ()))[0]
        inserts = (*blocks, *self.inserts.get(file.src_uri, ()))
        if not inserts:
            return file.content_string
        return pages.fill(file.content_string, inserts, file.src_uri)

    def _url(self, src_uri: str) -> str:
        return pages.url_of(src_uri, self._use_directory_urls)

    @staticmethod
    def _find_quiz_pages(files: Files) -> dict[str, str]:
        """The first page holding each model's quiz, so generated pages can link to it."""
        found: dict[str, str] = {}
        for file in sorted(files.documentation_pages(), key=lambda f: f.src_uri):
            if file.generated_by is not None:
                continue
            for match in marker.markers(file.content_string):
                found.setdefault(match.group("model"), file.src_uri)
        return found

    def _load_model(self, docs_dir: Path, src_uri: str) -> LoadedModel:
        path = docs_dir / src_uri
        if not os.path.lexists(path):  # a link loop or a folder is there: reading names it
            raise PluginError(
                f"advisor: the model '{src_uri}' listed under plugins.advisor.models was not "
                f"found in '{docs_dir}'. Fix: correct the path (it is relative to docs_dir)."
            )
        try:
            # The structure first, then the answer paths counted up to max_paths, and only
            # then the check that walks every path (plugin/size.py).
            shallow = self._cache.model_file(path, logic=False)
            size.check_path_count(shallow.model, path, self.config.max_paths)
            source = self._cache.model_file(path)
        except OSError as error:
            raise PluginError(
                f"advisor: the model '{path}' cannot be read: {error.strerror or error}. Fix: "
                "check the file and its permissions."
            ) from None
        except advisor.ModelError as error:
            errors = [p for p in error.problems if p.severity == "error"]
            for problem in error.problems:
                if problem.severity != "error":
                    log.warning("%s", problem)
            listing = "\n".join(f"  {p}" for p in errors)
            raise PluginError(
                f"advisor: the model '{src_uri}' has {len(errors)} problem(s):\n{listing}"
            ) from None
        for problem in source.warnings:
            log.warning("%s", problem)
        payload = json.dumps(
            source.data, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
        json_uri = f"{PREFIX}/models/{hashed_name(source.model.id, '.json', payload)}"
        return LoadedModel(src_uri, source, payload, json_uri)

    def _kept(self) -> Path | None:
        """Where builds keep what they computed: beside the runtime, in node_modules/.cache."""
        return self.runtime.source_dir.parent / ".cache" if self.runtime is not None else None

    def _rendered(
        self, config: MkDocsConfig, loaded: LoadedModel, planned: list[pages.GeneratedPage],
        quiz_uri: str | None,
    ) -> tuple[pages.GeneratedPage, ...]:
        """``pages.render_pages``, or the pages an earlier build rendered from the same inputs:
        the model's content, the plan, where the quiz is, the URL style, its history's key (git's
        HEAD and the file, see ``changes.KeptHistories``), the guide version, the repository,
        ``max_age_days`` and the code and templates that render them."""
        if self._histories is None:
            kept = self._kept()
            self._histories = changes.KeptHistories(kept and kept / "advisor-changes")
        if self._rendered_pages is None:
            kept = self._kept()
            self._rendered_pages = Kept(kept and kept / "advisor-pages", tuple)
        history = self._histories.key(
            Path(config.docs_dir, loaded.src_uri), loaded.source.digest, changes.MAX_COMMITS)
        inputs = json.dumps([
            code_digest(*pages.CODE), loaded.source.digest, loaded.src_uri,
            Path(config.docs_dir).name,
            [dataclasses.asdict(page) for page in planned], quiz_uri, config.use_directory_urls,
            history, self.version.label, config.repo_url, self.config.max_age_days,
        ])
        key = hashlib.sha256(inputs.encode()).hexdigest()
        found = self._rendered_pages.get(key)
        if found is None:
            found = tuple(pages.render_pages(
                loaded.model,
                planned,
                quiz_uri=quiz_uri,
                use_directory_urls=config.use_directory_urls,
                what_changed=functools.partial(self._what_changed, config, loaded),
            ))
            self._rendered_pages.put(key, found)
        return found

    def _what_changed(self, config: MkDocsConfig, loaded: LoadedModel) -> dict[str, Any]:
        """What the "What changed" page reads: the model file's git history, diffed."""
        if self._histories is None:
            kept = self._kept()
            self._histories = changes.KeptHistories(kept and kept / "advisor-changes")
        found = changes.kept_history(
            Path(config.docs_dir, loaded.src_uri),
            loaded.model,
            kept=self._histories,
            cache=self._cache,
            current_key=loaded.source.digest,
        )
        context = changes.page_context(
            loaded.model,
            f"{Path(config.docs_dir).name}/{loaded.src_uri}",
            found,
            self.version.label,
            repo_url=config.repo_url,
        )
        context["reviews"] = changes.reviews(loaded.model, self.config.max_age_days)
        return context

    def _widget_context(self, model_id: str, page: Page, instance: int = 1) -> dict[str, Any]:
        """The quiz's template context; the `instance`-th quiz of this model on the page gets
        its own URL parameter and element ids (`orchestration`, then `orchestration-2`)."""
        assert self.runtime is not None
        loaded = self.models[model_id]
        param = model_id if instance == 1 else f"{model_id}-{instance}"

        def rel(uri: str) -> str:
            return get_relative_url(uri, page.file.url)

        first = advisor.recommend(loaded.model, {})
        settings = {
            "model": model_id,
            "param": param,
            "modelUrl": rel(loaded.json_uri),
            "worker": rel(self.assets["worker.mjs"]),
            "indexUrl": rel(self.runtime.folder) + "/",
            "archive": rel(self.assets["advisor.zip"]),
            "lock": {"info": self.runtime.lock_info, "packages": {}},
            "fallback": rel(self._url(f"{model_id}/paths.md")),
            # "See your path": this + "#<model>=<question>:<choice>,..." for the answers on the
            # result's path, in asking order (templates/decision-tree.md, plugin/diagram.py).
            "diagramUrl": rel(self._url(f"{model_id}/decision-tree.md")),
            "optionUrls": {
                o.id: rel(self._url(f"{model_id}/options/{o.id}.md")) for o in loaded.model.options
            },
            "version": self.version.label,
            **widget.settings_extra(
                boot_timeout=self.config.boot_timeout,
                answer_timeout=self.config.answer_timeout,
                total_bytes=widget.download_bytes(
                    self.runtime.sizes, len(loaded.payload), self._archive_bytes
                ),
                repo_url=self._repo_url,
            ),
        }
        if not self.config.generate_pages:
            # Those pages do not exist: no link to them (the quiz shows option names as text).
            settings.update(fallback=None, diagramUrl=None, optionUrls={})
        if self.snapshot is not None:
            settings["snapshot"] = self.snapshot.settings(rel(self.snapshot.uri(PREFIX)))
            # fetched beside the runtime, with the trimmed standard library in place of the whole
            settings["downloadBytes"] += self.snapshot.bytes + self.snapshot.stdlib.bytes - \
                self.runtime.sizes["python_stdlib.zip"]
        return {
            "model": loaded.model,
            "param": param,
            "first": first,
            "first_question": first.next_question,
            "settings": json.dumps(settings, sort_keys=True),
            "fallback": settings["fallback"],
        }
