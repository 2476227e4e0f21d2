"""What makes the build faster without changing what it writes (issue 16, the build's time):
the theme's compiled templates, kept beside the plugin's own in ``node_modules/.cache`` (a
second `mkdocs build` compiles no template again, writes the same site, and an edited template
is compiled afresh); and the generated pages' HTML, which Markdown would pass through as it is
and which the plugin therefore puts back after Markdown (the same pages, the same anchors)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import jinja2
import markdown
import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import get_files

from plugin import pages, render
from plugin.plugin import AdvisorPlugin
from plugin.render import CompiledTemplates
from tests.sitetools import ROOT, build_site
from tests.tiny import tiny_model

TINY = tiny_model()

BANNER = '{% extends "base.html" %}\n{% block announce %}{{ text }}{% endblock %}\n'


def project(root: Path, banner: str) -> Path:
    """A one-quiz Material site whose runtime folder is a link in ``root/node_modules``, so that
    its kept files (``root/node_modules/.cache``) are its own; a theme override prints
    ``banner`` at the top of every page."""
    (root / "docs" / "models").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "models" / "tiny.yml").write_text(TINY, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Tiny\n\n<!-- advisor: tiny -->\n", encoding="utf-8")
    (root / "overrides").mkdir(exist_ok=True)
    (root / "overrides" / "main.html").write_text(
        BANNER.replace("{{ text }}", banner), encoding="utf-8")
    runtime = root / "node_modules" / "pyodide"
    if not runtime.exists():
        runtime.parent.mkdir(parents=True)
        runtime.symlink_to(ROOT / "node_modules" / "pyodide", target_is_directory=True)
    config = {
        "site_name": "Tiny",
        "theme": {"name": "material", "font": False, "custom_dir": "overrides"},
        "plugins": ["search", {"advisor": {
            "models": ["models/tiny.yml"], "runtime_dir": str(runtime),
            "snapshot": False, "gzip": False}}],
    }
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def kept(root: Path) -> dict[str, tuple[int, int]]:
    """The kept compiled theme templates: (inode, mtime) by file name. Jinja writes an entry
    only when it compiled the template (to a new file, renamed over the old one)."""
    folder = root / "node_modules" / ".cache" / "advisor-theme"
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob("*.cache")}


def digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_second_build_compiles_no_theme_template_and_an_edited_one_again(
    tmp_path: Path,
) -> None:
    config = project(tmp_path, "First banner")
    first = build_site(tmp_path / "site-1", config=config, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    compiled = kept(tmp_path)
    # main.html, base.html and the partials Material includes: dozens of templates.
    assert len(compiled) >= 20, sorted(compiled)

    second = build_site(tmp_path / "site-2", config=config, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert kept(tmp_path) == compiled  # nothing compiled, nothing written
    assert digests(tmp_path / "site-1") == digests(tmp_path / "site-2")
    assert "First banner" in (tmp_path / "site-2" / "index.html").read_text(encoding="utf-8")

    project(tmp_path, "Second banner")  # an edited override (or an upgraded theme)
    third = build_site(tmp_path / "site-3", config=config, cwd=tmp_path)
    assert third.returncode == 0, third.stderr
    page = (tmp_path / "site-3" / "index.html").read_text(encoding="utf-8")
    assert "Second banner" in page
    assert "First banner" not in page
    rewritten = [name for name, stat in kept(tmp_path).items() if compiled.get(name) != stat]
    assert len(rewritten) == 1  # main.html alone was compiled again


def test_environments_configured_differently_never_share_compiled_code(tmp_path: Path) -> None:
    """Jinja's own cache keys an entry by the template alone; whitespace control, delimiters
    and extensions change the compiled code, so they are part of the key here."""
    (tmp_path / "t").mkdir()
    (tmp_path / "kept").mkdir()
    (tmp_path / "t" / "page.html").write_text("{% if yes %}\nshown{% endif %}", encoding="utf-8")
    outputs = []
    for trim in (False, True, False):
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "t")),
                                 trim_blocks=trim,
                                 bytecode_cache=CompiledTemplates(str(tmp_path / "kept")))
        outputs.append(env.get_template("page.html").render(yes=True))
    assert outputs == ["\nshown", "shown", "\nshown"]
    assert len(list((tmp_path / "kept").glob("*.cache"))) == 2


def test_generated_pages_are_what_markdown_makes_of_them_whole() -> None:
    """Each generated page of both guides, its HTML blocks put back after Markdown and its
    diagram after that, is the HTML Markdown makes of the whole page, with the same ids."""
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir="unused")
    plugin = config.plugins["advisor"]
    assert isinstance(plugin, AdvisorPlugin)
    plugin.config.snapshot = False
    plugin.copy_early = False  # nothing is copied: no site is written
    config.plugins._current_plugin = "advisor"  # as MkDocs sets it while it runs the hooks
    config = plugin.on_config(config)
    files = plugin.on_files(get_files(config), config=config)
    generated = [f for f in files.documentation_pages() if f.generated_by is not None]
    assert len(generated) == 19  # five overview pages per guide, a page for each option
    assert {f.src_uri for f in generated} == set(plugin.blocks)
    split = 0
    for file in generated:
        blocks, anchors = plugin.blocks[file.src_uri]
        split += len(blocks)
        inserts = plugin.inserts.get(file.src_uri, ())
        whole = pages.fill(pages.fill(file.content_string, blocks, file.src_uri), inserts, "")
        md = markdown.Markdown(extensions=config.markdown_extensions,
                               extension_configs=config.mdx_configs)
        expected = md.convert(whole)
        md.reset()
        fast = md.convert(file.content_string)
        assert len(fast) < len(expected) / 2, file.src_uri  # Markdown read little of it
        assert pages.fill(pages.fill(fast, blocks, file.src_uri), inserts, "") == expected
        ids = set(re.findall(r'\sid="([^"]+)"', expected))
        markdown_ids = set(re.findall(r'\sid="([^"]+)"', fast))
        assert ids - markdown_ids <= set(anchors), file.src_uri
    assert split >= len(generated)


def test_html_that_markdown_would_change_stays_markdown() -> None:
    """Only stretches of raw block-level HTML, each element starting a line, are set aside."""
    page = "---\ntitle: T\n---\n\n# T\n\n<p>kept</p>\n\n## H\n\n<span>inline</span>\n"
    content, blocks, _ = pages.split_html(page)
    slot = '<div data-advisor-slot="html-0"></div>'
    assert blocks == ((slot, "<p>kept</p>"),)
    assert content == (f"---\ntitle: T\n---\n\n# T\n\n{slot}\n\n## H\n\n"
                       "<span>inline</span>\n")
    for stretch in ("<p>a</p> <p>b</p>", "<p>a</p>\ntext *here*", "<div>open", "&amp; <p>x</p>"):
        assert pages.split_html(f"# T\n\n{stretch}\n")[1] == (), stretch


def test_links_to_anchors_in_generated_html_pass_a_strict_build(tmp_path: Path) -> None:
    """MkDocs checks links to anchors against the ids Markdown saw; those in the blocks put
    back after Markdown, and in the diagram, count too."""
    config = project(tmp_path, "Banner")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["validation"] = {"anchors": "warn"}  # MkDocs only reports them by default
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(
        "# Tiny\n\n<!-- advisor: tiny -->\n\n[The first way](tiny/paths.md#path-1) and "
        "[its place in the diagram](tiny/decision-tree.md#tiny=size:small).\n", encoding="utf-8")
    done = build_site(tmp_path / "site", config=config, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (tmp_path / "docs" / "index.md").write_text(
        "# Tiny\n\n<!-- advisor: tiny -->\n\n[Nowhere](tiny/paths.md#path-99)\n",
        encoding="utf-8")
    done = build_site(tmp_path / "site", config=config, cwd=tmp_path)
    assert done.returncode != 0
    assert "path-99" in done.stderr


def test_a_site_that_strips_html_comments_gets_the_whole_pages(tmp_path: Path) -> None:
    """The placeholders are empty elements, not comments: ``pymdownx.striphtml`` (which removes
    comments from every page) leaves them, and the pages come out whole."""
    config = project(tmp_path, "Banner")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["markdown_extensions"] = ["pymdownx.striphtml"]
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    done = build_site(tmp_path / "site", config=config, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    tree = (tmp_path / "site" / "tiny" / "decision-tree" / "index.html").read_text("utf-8")
    assert tree.count('<svg class="advisor-diagram__svg"') == 1
    paths = (tmp_path / "site" / "tiny" / "paths" / "index.html").read_text("utf-8")
    assert paths.count('<tr id="path-') == 2
    for page in (tree, paths):
        assert "data-advisor-slot" not in page


def test_a_written_page_that_lost_the_diagram_placeholder_stops_the_build() -> None:
    """A plugin that drops the placeholder before the advisor puts the diagram in would leave
    the page without it: the build says so instead."""
    inserts = ((pages.DIAGRAM_SLOT, "<svg></svg>"),)
    assert pages.fill(f"<p>{pages.DIAGRAM_SLOT}</p>", inserts, "x.md") == "<p><svg></svg></p>"
    for output in ("<p></p>", pages.DIAGRAM_SLOT * 2):
        with pytest.raises(PluginError, match=r"x\.md: .*placeholder.* Fix: "):
            pages.fill(output, inserts, "x.md")


def test_the_kept_templates_folder_does_not_grow_without_end(tmp_path: Path) -> None:
    folder = tmp_path / "kept"
    folder.mkdir()
    for n in range(render.KEPT_TEMPLATES + 30):
        entry = folder / f"__jinja2_{n:040x}.cache"
        entry.write_bytes(b"old")
        os.utime(entry, ns=(n * 10**9, n * 10**9))
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": "{{ 1 + 1 }}"}))
    render.keep_compiled(folder, env)
    assert env.get_template("page.html").render() == "2"
    names = {p.name for p in folder.glob("*.cache")}
    assert len(names) == render.KEPT_TEMPLATES + 1  # the newest kept, and the one just written
    assert f"__jinja2_{0:040x}.cache" not in names
    assert f"__jinja2_{render.KEPT_TEMPLATES + 29:040x}.cache" in names
