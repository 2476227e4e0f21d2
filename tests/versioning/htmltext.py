"""The text of a built page's article as a reader sees it: one line per block, table cells
separated by " | ", permalinks left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "tr", "ul", "table", "div"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.depth = 0  # inside <article>
        self.skip = 0  # inside a permalink
        self.cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if tag == "a" and ("class", "headerlink") in attrs:
            self.skip += 1
        if tag in ("td", "th"):
            if self.cell:
                self.parts.append(" | ")
            self.cell = True
        if tag == "li" and self.cell:
            self.parts.append(" · ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        if tag == "a" and self.skip:
            self.skip -= 1
        if tag == "tr":
            self.cell = False
        if self.depth and tag in _BLOCKS and not (self.cell and tag in ("li", "ul")):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def article_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
