"""advisor-prepare run again over its own output, as an author does while `zensical serve`
watches the folder: what it writes again is replaced in place (never deleted first, never
rewritten when unchanged), and what it no longer writes goes, unless someone changed it. And
the zensical.yml it writes beside mkdocs.yml: what the plugin adds to the config, never over a
file of the author's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.source import load_model_file
from plugin import pages, prepared
from plugin.prepare import ZENSICAL_CONFIG, ZENSICAL_HEADER, PrepareError, prepare
from tests.engines.test_markers import site
from tests.tiny import tiny_model


def outputs(docs: Path) -> dict[str, list[int]]:
    manifest = prepared.read(docs)
    assert manifest is not None
    return manifest["outputs"]


def test_a_second_run_replaces_in_place_and_removes_only_its_own_leftovers(
    tmp_path: Path,
) -> None:
    work = site(tmp_path, plugin=True)
    docs, config = work / "docs", work / "mkdocs.yml"
    (docs / "models" / "other.yml").write_text(
        tiny_model("Other guide").replace("id: tiny", "id: other"), encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "models: [models/tiny.yml]", "models: [models/tiny.yml, models/other.yml]"),
        encoding="utf-8")
    assert prepare(config) == []
    first = outputs(docs)
    others = [uri for uri in first if uri.startswith("other/")]
    assert others
    kept_by_author, *gone = others
    (docs / kept_by_author).write_text("# Mine now\n", encoding="utf-8")
    runtime = next(uri for uri in first if uri.endswith("pyodide.asm.wasm"))

    # The other model goes; tiny's title changes.
    (docs / "models" / "other.yml").unlink()
    config.write_text(config.read_text(encoding="utf-8").replace(", models/other.yml", ""),
                      encoding="utf-8")
    (docs / "models" / "tiny.yml").write_text(tiny_model("Tiny, renamed"), encoding="utf-8")
    assert prepare(config) == []
    second = outputs(docs)

    assert not [uri for uri in gone if (docs / uri).exists()]
    assert (docs / kept_by_author).read_text(encoding="utf-8") == "# Mine now\n"
    assert not [uri for uri in second if uri.startswith("other/")]
    assert second[runtime] == first[runtime]  # unchanged: not written again
    renamed = [uri for uri in second if uri.startswith("tiny/") and uri.endswith(".md")
               and "Tiny, renamed" in (docs / uri).read_text(encoding="utf-8")]
    assert renamed
    assert all(second[uri] != first[uri] for uri in renamed)
    assert not list(docs.rglob("*.part"))
    # The model changed, so did the memory snapshot: the first one is gone (Zensical would
    # publish whatever is left in docs/), the new one and its standard library are recorded.
    snapshots = sorted((docs / prepared.PREFIX).glob("snapshot-*.bin"))
    assert len(snapshots) == 1
    assert {uri for uri in first if "/snapshot-" in uri} != {uri for uri in second
                                                            if "/snapshot-" in uri}
    assert snapshots[0].relative_to(docs).as_posix() in second
    assert len([uri for uri in second if "/stdlib-" in uri]) == 1
    # One left by an earlier advisor-prepare, which recorded none, goes too.
    (docs / prepared.PREFIX / "snapshot-000000000000.bin").write_bytes(b"old")

    # Nothing changed: nothing is written (a watching server has nothing to rebuild).
    assert prepare(config) == []
    assert outputs(docs) == second
    assert sorted((docs / prepared.PREFIX).glob("snapshot-*.bin")) == snapshots


def zensical_config(work: Path) -> dict[str, Any]:
    text = (work / ZENSICAL_CONFIG).read_text(encoding="utf-8")
    assert text.startswith(ZENSICAL_HEADER)
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_zensical_yml_adds_to_mkdocs_yml_what_the_plugin_adds_under_mkdocs(
    tmp_path: Path,
) -> None:
    """The nav section of generated pages (escaped as the plugin escapes it, since both engines
    print nav titles as written) and the guide version in the footer; mkdocs.yml itself is
    inherited, not copied."""
    work = site(tmp_path, plugin=True)
    config = work / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "nav:\n  - Home: index.md\n",
                      encoding="utf-8")
    (work / "docs" / "models" / "tiny.yml").write_text(tiny_model("Tiny & <small>"), "utf-8")
    assert prepare(config) == []
    data = zensical_config(work)
    model = load_model_file(work / "docs" / "models" / "tiny.yml").model
    section: list[Any] = []
    pages.add_to_nav(section, model, pages.plan(model))
    assert data == {"INHERIT": "mkdocs.yml", "copyright": data["copyright"], "nav": section}
    assert data["copyright"].startswith("Guide version ")
    assert "&amp;" in yaml.safe_dump(section)  # the case where escaping matters is covered

    # The author places the generated pages in the nav: the plugin adds none, nor does this.
    config.write_text(config.read_text(encoding="utf-8")
                      + "  - Compare: tiny/compare.md\n", encoding="utf-8")
    assert prepare(config) == []
    assert "nav" not in zensical_config(work)


def test_a_zensical_yml_of_the_authors_own_is_never_overwritten(tmp_path: Path) -> None:
    work = site(tmp_path, plugin=True)
    own = "site_name: Mine\n"
    (work / ZENSICAL_CONFIG).write_text(own, encoding="utf-8")
    with pytest.raises(PrepareError) as refused:
        prepare(work / "mkdocs.yml")
    assert str(work / ZENSICAL_CONFIG) in str(refused.value)
    assert "Fix: rename or move your zensical.yml" in str(refused.value)
    assert (work / ZENSICAL_CONFIG).read_text(encoding="utf-8") == own
    assert prepared.read(work / "docs") is None  # refused before anything was written
