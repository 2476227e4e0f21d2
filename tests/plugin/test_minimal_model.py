"""A model with only the required fields builds every page (the optional ones are omitted on
the pages, not rendered as blanks or errors), and its text is shown as text."""

from __future__ import annotations

from pathlib import Path

from tests.sitetools import ROOT, build_site

TINY = """\
schema: 1
id: tiny
title: Tiny <b>guide</b>
questions:
  - id: size
    text: How <i>big</i>?
    choices:
      - {id: small, label: Small}
      - {id: large, label: Large}
options:
  - {id: a, name: "Option <script>alert(1)</script>", summary: The first.}
  - {id: b, name: Option B, summary: The second.}
rules:
  - {id: small, when: {size: small}, recommend: a, because: Small things.}
  - {id: rest, recommend: b, because: Everything else.}
"""


def test_a_minimal_model_builds_every_page(tmp_path: Path) -> None:
    (tmp_path / "docs" / "models").mkdir(parents=True)
    (tmp_path / "docs" / "models" / "tiny.yml").write_text(TINY, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text("# Tiny\n\n<!-- advisor: tiny -->\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Mini\nplugins:\n  - advisor:\n      models: [models/tiny.yml]\n"
        f"      runtime_dir: {ROOT / 'node_modules' / 'pyodide'}\n",
        encoding="utf-8",
    )
    done = build_site(tmp_path / "site", config=tmp_path / "mkdocs.yml", strict=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    # Missing review dates are warnings (a --strict build fails on them), not crashes.
    assert "rule 'rest' has no reviewed date" in done.stderr
    site = tmp_path / "site"
    for page in ("compare", "decision-tree", "paths", "options/a", "options/b"):
        assert (site / "tiny" / page / "index.html").is_file(), page
    option = (site / "tiny" / "options" / "a" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in option
    assert "Option &lt;script&gt;alert(1)&lt;/script&gt;" in option
    assert "Strengths" not in option  # an empty section is left out
    assert "Not yet reviewed against its sources." in option
    quiz = (site / "index.html").read_text(encoding="utf-8")
    assert "How &lt;i&gt;big&lt;/i&gt;?" in quiz
