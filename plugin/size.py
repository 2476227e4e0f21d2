"""Bounds on what one model makes the build write.

Every answer path is a row of the paths page and a branch of the decision diagram, and the
number of paths grows as the product of the answers the rules tell apart: a valid 5 KB model
(30 questions, 15 rules of two conditions each) has 65,535 paths, and once took 155 s to build
and wrote a 52 MB page. So:

- a model with more than ``max_paths`` answer paths stops the build with a message that says
  so, the limit and what to do; the paths are counted only up to the limit;
- a generated page whose content would pass ``CONTENT_BYTES`` is written as a summary instead
  (each recommendation and how many paths lead to it), so that no page passes 1 MB;
- a generated page over ``SEARCH_BYTES`` is kept out of the search index (Material's
  ``search: exclude: true``), which would otherwise hold a copy of every row.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

import advisor
from advisor.engine import ModelTooComplex

from . import render

#: No generated page is written over this many bytes of HTML, the theme's included.
PAGE_BYTES = 1_000_000
#: A generated page's own content over this is summarised: the theme adds some 40 KB around it.
CONTENT_BYTES = 900_000
#: A generated page's content over this stays out of the search index.
SEARCH_BYTES = 100_000


def check_path_count(model: advisor.Model, path: Path, limit: int) -> None:
    """Stop the build when the model read from ``path`` has more than ``limit`` answer paths.

    Runs before the full check, which walks every path: counting stops at the first path past
    the limit, so a model with millions of paths is refused in a fraction of a second."""
    try:
        count = advisor.count_paths(model, limit)
    except ModelTooComplex:
        count = limit + 1
    if count > limit:
        try:  # the exact count where it is cheap (paths below alike states counted once)
            total = advisor.total_paths(model)
        except ModelTooComplex:
            total = None
        has = f"{total:,}" if total is not None else f"more than {limit:,}"
        raise PluginError(
            f"advisor: {path}: the model has {has} answer paths (the limit is "
            f"plugins.advisor.max_paths: {limit:,}). Every path is a row of the generated "
            "pages and a branch of the diagram: a model with tens of thousands of paths takes "
            "minutes to build and writes pages of tens of megabytes. Fix: give the rules fewer "
            "conditions, or conditions that accept several choices, so that fewer answer "
            "combinations lead to different outcomes; or split the guide into several models; "
            "or, knowing the build grows with the count, raise max_paths in mkdocs.yml."
        )


def fit(content: str, model: advisor.Model, context: dict[str, Any], *,
        extra_bytes: int = 0) -> str:
    """A generated page's Markdown (front matter first) as it may be written: summarised when
    too large, and out of the search index when large. ``extra_bytes``: HTML that goes into
    the page once it is written (the decision diagram, see ``pages.fill``), which counts for
    the page's size but is not indexed."""
    if len(content.encode()) + extra_bytes > CONTENT_BYTES:
        front, _, body = content.partition("\n---\n")
        paths = advisor.enumerate_paths(model)
        outcomes = Counter(p.outcome for p in paths)
        summary = render.page("too-large.md", {
            **context,
            "heading": body.lstrip().partition("\n")[0].lstrip("# ").strip(),
            "count": len(paths),
            "megabytes": len(content.encode()) / 1e6,
            "outcomes": outcomes.most_common(),
        })
        content = f"{front}\n---\n\n{summary}"
    if len(content.encode()) > SEARCH_BYTES:
        content = content.replace("---\n", "---\nsearch:\n  exclude: true\n", 1)
    return content
