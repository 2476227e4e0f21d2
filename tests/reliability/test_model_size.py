"""Model size: a valid 5 KB model with 30 questions and 15 rules `when: {x_i: a, y_i: a}` plus
a catch-all has 65,535 answer paths; `mkdocs build` took 155 s on it and wrote a 52 MB paths
page, a 24 MB diagram and a 25 MB search index, without a word.

Now a model with more than `max_paths` answer paths (default 1,000) stops the build at once
with the limit and the fix; a model within the limit builds in seconds; no generated page
passes 1 MB (a page that would is written as a summary) and large ones stay out of the search
index. Times are CPU seconds of the build process, which the load of a shared machine does not
inflate; `python -m bench.build` prints the series of build time against path count."""

from __future__ import annotations

import json
from pathlib import Path

import advisor
from advisor.engine import analysis
from bench.build import cpu_build, wide_model, wide_site
from plugin.size import PAGE_BYTES

LONG = " with a longer text, as real guides have, about forty characters"


def load(pairs: int) -> advisor.Model:
    import yaml  # noqa: PLC0415

    return advisor.load_model(yaml.safe_load(wide_model(pairs)))


def search_locations(site: Path) -> set[str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {doc["location"].split("#")[0] for doc in index["docs"]}


def test_the_65535_path_model_stops_at_once_with_the_limit_and_the_fix(tmp_path: Path) -> None:
    assert len(wide_model(15)) < 6000  # the 5 KB model of the issue
    built = cpu_build(wide_site(tmp_path, 15), tmp_path / "site")
    assert built["returncode"] == 1
    assert built["cpu_s"] <= 10, built  # before: 155 s
    stderr = built["stderr"]
    assert "Traceback" not in stderr
    assert "wide.yml: the model has 65,535 answer paths" in stderr
    assert "the limit is plugins.advisor.max_paths: 1,000" in stderr
    assert "Fix: give the rules fewer conditions" in stderr
    assert "raise max_paths in mkdocs.yml" in stderr


def test_counting_the_paths_stops_past_the_limit() -> None:
    model = load(15)
    assert advisor.count_paths(model, 1000) == 1001
    assert analysis(model).work < 50_000  # the whole tree takes 264,000 steps
    assert advisor.count_paths(load(3), 1000) == 15 == len(advisor.enumerate_paths(load(3)))


def test_the_exact_count_is_cheap_where_paths_are_alike() -> None:
    """The message names the count: paths below equal states of the analysis are counted
    once, within a bound on the states visited (None past it)."""
    model = load(15)
    assert advisor.total_paths(model) == 65_535
    assert analysis(model).work < 50_000
    assert advisor.total_paths(load(9)) == 1023 == len(advisor.enumerate_paths(load(9)))
    assert advisor.total_paths(load(15), states=10) is None


def test_a_model_within_the_default_limit_builds_in_seconds(tmp_path: Path) -> None:
    """511 paths at the default limit: the diagram page is 0.8 MB, under the cap, and kept out
    of the search index; the paths page is in it by its title and summaries, without the rows
    of its tables (the plugin puts them into the page after the index has read it)."""
    site = tmp_path / "site"
    built = cpu_build(wide_site(tmp_path, 8), site)
    assert built["returncode"] == 0, built["stderr"]
    assert built["cpu_s"] <= 10, built
    assert built["largest_page_bytes"] <= PAGE_BYTES
    locations = search_locations(site)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    paths_text = " ".join(doc["text"] for doc in index["docs"]
                          if doc["location"].startswith("wide/paths/"))
    assert "wide/paths/" in locations
    assert len(paths_text) < 5_000  # summaries and reasons, not 511 rows
    assert (site / "wide" / "paths" / "index.html").read_text("utf-8").count('<tr id="path-') == 511
    assert "wide/decision-tree/" not in locations
    assert "wide/compare/" in locations  # small generated pages stay searchable
    assert built["search_index_bytes"] < 100_000


def test_pages_that_would_pass_1_mb_are_summarised(tmp_path: Path) -> None:
    """1,023 paths with longer texts (max_paths raised to allow them): the paths page and the
    diagram would be several MB; they are written as a summary of where the paths lead."""
    site = tmp_path / "site"
    built = cpu_build(wide_site(tmp_path, 9, text=LONG, max_paths=1023), site)
    assert built["returncode"] == 0, built["stderr"]
    assert built["cpu_s"] <= 10, built
    for page in site.rglob("*.html"):
        assert page.stat().st_size <= PAGE_BYTES, page
    for name in ("paths", "decision-tree"):
        html = (site / "wide" / name / "index.html").read_text(encoding="utf-8")
        assert "This guide has 1,023 answer paths: this page would take" in html
        assert ">No pair matches</a></td><td>512<" in html
        assert ">A pair matches</a></td><td>511<" in html
