"""No dangling links in any configuration. With `generate_pages: false` the quiz's fallback
link ("See every answer and its recommendation", and the one for readers without JavaScript)
and every recommendation link pointed at pages that do not exist, and `--strict` did not notice:
they are in the quiz's HTML and settings, which MkDocs does not check. Now the quiz shows
option names as text and offers no link to pages that were not generated; a crawler checks
every address of the built site, in both configurations."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from tests.reliability.links import dangling_links
from tests.reliability.project import Project
from tests.sitetools import ROOT

MODEL = (ROOT / "docs" / "models" / "adoption.yml").read_text(encoding="utf-8")


def settings_of(html: str) -> dict[str, object]:
    found = re.search(r'data-advisor-settings="([^"]*)"', html)
    assert found, "no quiz on the page"
    data: dict[str, object] = json.loads(unescape(found.group(1)))
    return data


def test_without_generated_pages_nothing_links_to_them(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "docs" / "models").mkdir(parents=True)
    (root / "docs" / "models" / "guide.yml").write_text(MODEL, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Guide\n\n<!-- advisor: adoption -->\n",
                                            encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Guide\ntheme: {name: material, font: false}\nplugins:\n  - search\n"
        "  - advisor:\n      models: [models/guide.yml]\n      generate_pages: false\n"
        f"      runtime_dir: {ROOT / 'node_modules' / 'pyodide'}\n"
        "      gzip: false\n", encoding="utf-8")
    site = tmp_path / "site"
    done = Project(root).build(site)
    assert done.returncode == 0, done.stderr
    assert not (site / "adoption").exists()  # no generated pages
    assert dangling_links(site) == []
    settings = settings_of((site / "index.html").read_text(encoding="utf-8"))
    assert not settings.get("fallback")
    assert not settings.get("optionUrls")
    assert not settings.get("diagramUrl")


def test_the_guide_has_no_dangling_links(built_site: Path) -> None:
    """On the session's build of the guide (links to its own address are absolute: the
    crawler leaves those, as links to another host, and checks every relative one)."""
    site = built_site
    assert dangling_links(site) == []
    settings = settings_of((site / "quiz" / "index.html").read_text(encoding="utf-8"))
    assert settings["fallback"] == "../orchestration/paths/"  # the crawler did check these
