"""advisor-prepare run again over its own output, as an author does while `zensical serve`
watches the folder: what it writes again is replaced in place (never deleted first, never
rewritten when unchanged), and what it no longer writes goes, unless someone changed it."""

from __future__ import annotations

from pathlib import Path

from plugin import prepared
from plugin.prepare import prepare
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

    # Nothing changed: nothing is written (a watching server has nothing to rebuild).
    assert prepare(config) == []
    assert outputs(docs) == second
