"""The plugin's hooks in process, as MkDocs' own tests drive plugins: `load_config` on a small
project, then each hook called directly through the config's plugin collection (as a build
calls it). Fast enough to cover every error path of the hooks;
the real `mkdocs build` runs (tests/plugin/test_site.py, tests/reliability/test_broken_models.py)
show the same messages end to end."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, get_files
from mkdocs.structure.pages import Page

from plugin import pages
from plugin.plugin import AdvisorPlugin
from plugin.runtime import RuntimeVerifier
from tests.sitetools import ROOT
from tests.tiny import tiny_model

_VERIFIER = RuntimeVerifier()  # hashes the 13 MB runtime once for the whole module


def tiny(title: str = "Tiny guide") -> str:
    return tiny_model(title)


Project = Callable[..., tuple[MkDocsConfig, AdvisorPlugin]]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """`project(models={...}, pages={...}, nav=[...], options={...})`: write a small site and
    return its loaded config and the advisor plugin, before any hook ran."""
    monkeypatch.setenv("ADVISOR_TODAY", "2026-12-01")

    def make(
        models: dict[str, str] | None = None,
        pages: dict[str, str] | None = None,
        nav: list[Any] | None = None,
        **options: Any,
    ) -> tuple[MkDocsConfig, AdvisorPlugin]:
        models = {"models/tiny.yml": tiny()} if models is None else models
        pages = {"index.md": "# Tiny\n\n<!-- advisor: tiny -->\n"} if pages is None else pages
        for name, text in {**models, **pages}.items():
            (tmp_path / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
        settings = {
            "models": list(models),
            "runtime_dir": str(ROOT / "node_modules" / "pyodide"),
            # No memory snapshot (tests/plugin/test_snapshot.py is about it): each of these
            # small models would make its own, a Node run of 4-5 s on a fresh clone.
            "snapshot": False,
            **options,
        }
        config = load_config(
            config_file=None,
            site_name="Tiny",
            docs_dir=str(tmp_path / "docs"),
            site_dir=str(tmp_path / "site"),
            nav=nav,
            plugins={"advisor": settings},
        )
        config.config_file_path = str(tmp_path / "mkdocs.yml")
        plugin = config.plugins["advisor"]
        assert isinstance(plugin, AdvisorPlugin)
        plugin._verifier = _VERIFIER
        return config, plugin

    return make


def markdown_of(config: MkDocsConfig, plugin: AdvisorPlugin, src_uri: str, text: str) -> str:
    file = File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls)
    page = Page(None, file, config)
    return config.plugins.on_page_markdown(text, page=page, config=config, files=Files([file]))


# ------------------------------------------------------------------------------- on_config


def test_a_good_project_registers_models_assets_and_pages(project: Project) -> None:
    config, plugin = project(nav=["index.md"])
    config.plugins.on_config(config)
    assert list(plugin.models) == ["tiny"]
    assert plugin.assets["widget.js"] in config.extra_javascript
    assert config.nav == [
        "index.md",
        {"Tiny guide": [
            {"Comparison matrix": "tiny/compare.md"},
            {"Decision diagram": "tiny/decision-tree.md"},
            {"Every answer path": "tiny/paths.md"},
            {"What changed": "tiny/changes.md"},
            {"Sources and review": "tiny/sources.md"},
            {"Options": [{"Option A": "tiny/options/a.md"}, {"Option B": "tiny/options/b.md"}]},
        ]},
    ]


def test_a_title_with_markup_characters_keeps_what_changed_in_the_nav(project: Project) -> None:
    """The section's title is escaped for the page; the nav planner finds the section by the
    model's pages, not by that title (a `&`, `'` or `<` used to drop "What changed")."""
    config, _plugin = project(models={"models/tiny.yml": tiny('"\'R&D\' <guides>"')},
                             nav=["index.md"])
    config.plugins.on_config(config)
    ((title, entries),) = config.nav[1].items()
    assert title == "&#x27;R&amp;D&#x27; &lt;guides&gt;"
    assert {"What changed": "tiny/changes.md"} in entries


def test_pages_placed_by_hand_are_left_where_the_author_put_them(project: Project) -> None:
    nav = ["index.md", {"Matrix": "tiny/compare.md"}]
    config, _plugin = project(nav=list(nav))
    config.plugins.on_config(config)
    assert config.nav == nav


def test_a_missing_model_file(project: Project) -> None:
    config, plugin = project(models={})
    plugin.config.models = ["models/nowhere.yml"]
    with pytest.raises(PluginError, match=r"the model 'models/nowhere.yml' listed under "
                       r"plugins.advisor.models was not found in '.*docs'. Fix: correct the path"):
        config.plugins.on_config(config)


def test_a_model_listed_twice(project: Project) -> None:
    config, plugin = project()
    plugin.config.models = ["models/tiny.yml", "models/tiny.yml"]
    with pytest.raises(PluginError, match=re.escape(
        "'models/tiny.yml' is listed twice under plugins.advisor.models. Fix: list each model "
        "once.")):
        config.plugins.on_config(config)


def test_two_models_with_one_id(project: Project) -> None:
    config, _plugin = project(models={"models/tiny.yml": tiny(), "models/copy.yml": tiny()})
    with pytest.raises(PluginError, match=re.escape(
        "models 'models/tiny.yml' and 'models/copy.yml' both have the id 'tiny'. Fix: give "
        "each model its own id.")):
        config.plugins.on_config(config)


def test_a_broken_model_lists_every_error_with_file_and_line(project: Project) -> None:
    text = tiny().replace("recommend: b,", "recommend: c,") + "id: again\n"
    config, _plugin = project(models={"models/tiny.yml": text})
    with pytest.raises(PluginError) as info:
        config.plugins.on_config(config)
    path = Path(config.docs_dir, "models", "tiny.yml")
    assert str(info.value) == (
        "advisor: the model 'models/tiny.yml' has 1 problem(s):\n"
        f"  {path}:17: duplicate key 'id' at column 1 (first at line 2) "
        "(fix: remove one of the two keys)")
    (Path(config.docs_dir) / "models" / "tiny.yml").write_text(
        tiny().replace("recommend: b,", "recommend: c,"), encoding="utf-8")
    with pytest.raises(PluginError) as info:
        config.plugins.on_config(config)
    assert str(info.value) == (
        "advisor: the model 'models/tiny.yml' has 1 problem(s):\n"
        f"  {path}:16: rules[1].recommend: unknown option 'c' (fix: use one of: a, b)")


def test_model_warnings_are_logged_on_the_mkdocs_logger(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    text = tiny().replace("      - {id: large, label: Large}\n",
                          "      - {id: large, label: Large}\n      - {id: huge, label: Huge}\n")
    config, _plugin = project(models={"models/tiny.yml": text})
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.advisor"):
        config.plugins.on_config(config)
    assert [r.name for r in caplog.records] == ["mkdocs.plugins.advisor"]
    assert "choice 'huge' of question 'size' changes nothing" in caplog.records[0].getMessage()


def test_a_rebuild_reuses_the_checked_model_until_the_file_changes(project: Project) -> None:
    """`mkdocs serve` calls on_config on the same plugin object for every rebuild."""
    config, plugin = project()
    config.plugins.on_config(config)
    first = plugin.models["tiny"].source
    config.plugins.on_config(config)
    assert plugin.models["tiny"].source is first
    (Path(config.docs_dir) / "models" / "tiny.yml").write_text(
        tiny().replace("Small things.", "Small things fit."), encoding="utf-8")
    config.plugins.on_config(config)
    assert plugin.models["tiny"].source is not first
    assert plugin.models["tiny"].model.rule("small").because == "Small things fit."


# ------------------------------------------------------------------------- the other hooks


def test_stale_guidance_is_a_warning_per_item(
    project: Project, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config, _plugin = project()
    config.plugins.on_config(config)
    monkeypatch.setenv("ADVISOR_TODAY", "2030-01-01")
    with caplog.at_level(logging.WARNING):
        config.plugins.on_pre_build(config=config)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 4
    assert "advisor: docs/models/tiny.yml:11: options[0].reviewed: option 'a' was last " \
           "reviewed on 2026-11-27, 1131 days ago" in messages[0]
    assert "tiny.yml:16: rules[1].reviewed: rule 'rest'" in messages[3]


def test_a_bad_today_is_a_config_error(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    config, _plugin = project()
    config.plugins.on_config(config)
    monkeypatch.setenv("ADVISOR_TODAY", "tomorrow")
    with pytest.raises(PluginError, match="ADVISOR_TODAY='tomorrow' is not a date"):
        config.plugins.on_pre_build(config=config)


def test_a_marker_naming_an_unknown_model(project: Project) -> None:
    config, plugin = project()
    config.plugins.on_config(config)
    with pytest.raises(PluginError, match=r"advisor: quiz.md:3: the marker names the model "
                       r"'pricing', which is not configured \(configured: tiny\)"):
        markdown_of(config, plugin, "quiz.md", "# Quiz\n\n<!-- advisor: pricing -->\n")


def test_the_marker_becomes_the_quiz_with_its_first_question(project: Project) -> None:
    config, plugin = project()
    config.plugins.on_config(config)
    html = markdown_of(config, plugin, "index.md", "# Tiny\n\n<!-- advisor: tiny -->\n")
    assert 'data-advisor-model="tiny"' in html
    assert 'data-question="size"' in html
    assert "Question 1 of at most 1" in html


def test_an_authored_page_where_a_generated_one_goes(project: Project) -> None:
    pages = {"index.md": "# Tiny\n", "tiny/compare.md": "# Mine\n"}
    config, _plugin = project(pages=pages)
    config.plugins.on_config(config)
    with pytest.raises(PluginError, match=re.escape(
        "advisor: docs/tiny/compare.md exists, but the plugin generates that page from "
        "'models/tiny.yml'. Fix: move or rename")):
        config.plugins.on_files(get_files(config), config=config)


def test_generated_pages_link_to_the_quiz_and_edit_the_model(project: Project) -> None:
    config, plugin = project()
    config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    option = files.get_file_from_path("tiny/options/a.md")
    assert option is not None
    assert option.edit_uri == "models/tiny.yml"
    assert 'href="../../../">take the quiz</a>' in plugin.whole_markdown(option)
    changes = files.get_file_from_path("tiny/changes.md")
    assert changes is not None
    assert "# What changed" in changes.content_string


# ------------------------------------------------------------------------------- on_post_build


def test_the_runtime_is_copied_while_the_pages_build_and_waited_for_at_the_end(
    project: Project,
) -> None:
    config, plugin = project()
    config.plugins.on_config(config)
    config.plugins.on_files(get_files(config), config=config)  # the copy starts here
    config.plugins.on_post_build(config=config)  # and is waited for here
    assert plugin.runtime is not None
    folder = Path(config.site_dir) / plugin.runtime.folder
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        assert (folder / name).read_bytes() == (plugin.runtime.source_dir / name).read_bytes()
    assert plugin.bytes_copied > 10_000_000


def test_a_copy_that_fails_fails_the_build_at_its_end(
    project: Project, tmp_path: Path,
) -> None:
    config, plugin = project()
    config.plugins.on_config(config)
    # The site folder cannot be written: the copy fails in its thread, the build at the end.
    (tmp_path / "site").write_text("a file where the site folder goes", encoding="utf-8")
    config.plugins.on_files(get_files(config), config=config)
    with pytest.raises(NotADirectoryError, match="site"):
        config.plugins.on_post_build(config=config)
    assert plugin._installing is None


# ------------------------------------------------------------------------------- kept pages


def test_generated_pages_are_kept_across_builds_until_an_input_changes(
    project: Project, monkeypatch: pytest.MonkeyPatch,
) -> None:
    rendered: list[str] = []
    original = pages.render_pages

    def counting(model: Any, *args: Any, **kwargs: Any) -> Any:
        rendered.append(model.id)
        return original(model, *args, **kwargs)

    monkeypatch.setattr(pages, "render_pages", counting)
    title = f"Tiny guide {uuid.uuid4().hex}"  # a model no earlier run has kept pages of

    def build(**kwargs: Any) -> str:
        config, plugin = project(models={"models/tiny.yml": tiny(title)}, **kwargs)
        config.plugins.on_config(config)
        files = config.plugins.on_files(get_files(config), config=config)
        option = files.get_file_from_path("tiny/options/a.md")
        assert option is not None
        return plugin.whole_markdown(option)

    first = build()
    assert rendered == ["tiny"]
    assert build() == first  # a new plugin object, as in a new `mkdocs build` process
    assert rendered == ["tiny"]
    # The quiz moves to another page: its links change, so the pages are rendered again.
    moved = build(pages={"index.md": "# Tiny\n", "start.md": "# Start\n\n<!-- advisor: tiny -->\n"})
    assert rendered == ["tiny", "tiny"]
    assert moved != first
    assert 'href="../../../start/">take the quiz</a>' in moved
