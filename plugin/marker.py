"""The quiz marker an author writes in a page, in one place for every engine.

Two forms, each alone on its line:

- ``[Every answer and its recommendation](orchestration/paths.md "advisor: orchestration")``:
  a Markdown link whose title names the model. The plugin (or, under Zensical, the Markdown
  extension) replaces the line with the quiz; wherever nothing expands it, readers still see
  the link, which should lead to the model's answer paths page.
- ``<!-- advisor: orchestration -->``: the first form, kept for existing pages. It is an HTML
  comment, so where nothing expands it readers see nothing: prefer the link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

#: One marker per line; ``model`` is the model id (possibly empty, which the plugin reports).
MARKER = re.compile(
    # The model id, read ahead from either form ...
    r"^(?=(?:<!--|[^\n]*\")[ \t]*advisor:[ \t]*(?P<model>[^\s>\"]*)[ \t]*(?:-->|\"\))[ \t]*$)"
    # ... then the whole line: the comment, or a link with that title.
    r"(?:<!--[^\n]*-->|\[[^\]\n]*\]\([^\n]*\))[ \t]*$",
    re.MULTILINE,
)

#: What an author should write, for messages.
EXAMPLE = '[Every answer and its recommendation](<model id>/paths.md "advisor: <model id>")'

#: The opening or closing line of a fenced code block (``` or ~~~, three or more), also in a
#: list item or a block quote.
_FENCE = re.compile(r"^[ \t>]*(?P<fence>`{3,}|~{3,})(?P<rest>[^\n]*)$")


def _fenced(text: str) -> list[tuple[int, int]]:
    """The spans of the fenced code blocks, where a marker is an example, not a quiz (an
    unclosed fence runs to the end, as Markdown reads it)."""
    spans = []
    opened: str | None = None
    start = offset = 0
    for line in text.splitlines(keepends=True):
        fence = _FENCE.match(line.rstrip("\r\n"))
        if opened is None:
            if fence and not (fence["fence"][0] == "`" and "`" in fence["rest"]):
                opened, start = fence["fence"], offset
        elif (fence and fence["fence"][0] == opened[0] and len(fence["fence"]) >= len(opened)
              and not fence["rest"].strip()):
            spans.append((start, offset + len(line)))
            opened = None
        offset += len(line)
    if opened is not None:
        spans.append((start, offset))
    return spans


def markers(text: str) -> Iterator[re.Match[str]]:
    """Every quiz marker in ``text`` outside fenced code blocks (the fences are looked for
    only in a page that holds a marker: most pages hold none)."""
    spans: list[tuple[int, int]] | None = None
    for match in MARKER.finditer(text):
        if spans is None:
            spans = _fenced(text)
        if not any(start <= match.start() < end for start, end in spans):
            yield match


def replace(text: str, quiz: Callable[[re.Match[str]], str]) -> str:
    """``text`` with each marker (outside fenced code) replaced by ``quiz(match)``."""
    out = []
    last = 0
    for match in markers(text):
        out.append(text[last : match.start()])
        out.append(quiz(match))
        last = match.end()
    out.append(text[last:])
    return "".join(out)
