"""What a reader meets first on the pages issue 14 reshaped, read from the built HTML: the
performance page opens with its targets and folds the rest."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path


class _Article(HTMLParser):
    """The article's text outside and inside <details>, and its tables as lists of rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside_article = False
        self.folded = 0
        self.skip = 0
        self.visible: list[str] = []
        self.hidden: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.details = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.inside_article = True
        elif tag == "details":
            self.folded += 1
            self.details += 1
        elif tag in ("script", "style", "summary"):
            self.skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.inside_article = False
        elif tag == "details":
            self.folded -= 1
        elif tag in ("script", "style", "summary"):
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None and self.tables:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if not self.inside_article or self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        (self.hidden if self.folded else self.visible).append(data)


def article(path: Path) -> _Article:
    parsed = _Article()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def test_performance_page_opens_with_its_targets_numbered_from_1(built_site: Path) -> None:
    page = article(built_site / "performance" / "index.html")
    header, *rows = page.tables[0]
    assert header == ["#", "Target", "Last measured", "Result"]
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert len(rows) >= 5
    for row in rows:
        assert re.match(r"(met|missed)\b", row[3]), row
    # the rest is folded: a short page until the reader opens a section
    visible = " ".join(page.visible).split()
    hidden = " ".join(page.hidden).split()
    assert len(visible) < 500, len(visible)
    assert len(hidden) > 2000
    assert page.details >= len(rows)
