"""A quiz marker inside a fenced code block or inline code is text, as a page that documents
the marker needs: it used to be expanded into ~3.8 KB of widget HTML, and the generated pages'
"take the quiz" links then pointed at that page."""

from __future__ import annotations

from pathlib import Path

from plugin import marker
from tests.reliability.project import make_project

COMMENT = "<!-- advisor: orchestration -->"
LINK = '[Every answer](orchestration/paths.md "advisor: orchestration")'

#: Sorted before quiz.md, so it would be taken as the page holding the quiz.
DOC = f"""# How to embed the quiz

Write `{COMMENT}` on a line of its own, or the link form `{LINK}`:

```markdown
{COMMENT}
```

~~~~
{LINK}
~~~~

- In a list:

    ```
    {COMMENT}
    ```

> ```
> {COMMENT}
> ```

`{COMMENT}`
"""


def test_markers_in_code_are_not_found() -> None:
    assert list(marker.markers(DOC)) == []
    assert marker.replace(DOC, lambda _: "QUIZ") == DOC
    live = f"{DOC}\n{COMMENT}\n\n```\n{LINK}\n```\n{LINK}\n"
    assert [m.group(0) for m in marker.markers(live)] == [COMMENT, LINK]
    unclosed = f"```\n{COMMENT}\n"  # Markdown reads an unclosed fence to the end
    assert list(marker.markers(unclosed)) == []


def test_a_page_that_shows_the_marker_in_code_keeps_it_as_text(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    project.write("a-embedding.md", DOC)
    site = tmp_path / "site"
    done = project.build(site)
    assert done.returncode == 0, done.stderr
    html = (site / "a-embedding" / "index.html").read_text(encoding="utf-8")
    assert "data-advisor-state" not in html  # no quiz widget
    assert html.count("&lt;!-- advisor: orchestration --&gt;") == 5
    # The generated pages' links to the quiz go to the page that holds it.
    paths = (site / "orchestration" / "paths" / "index.html").read_text(encoding="utf-8")
    assert "a-embedding/" not in paths
    assert 'href="../../quiz/"' in paths
