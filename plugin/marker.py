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
