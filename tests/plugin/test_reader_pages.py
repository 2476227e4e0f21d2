"""What a reader meets on the pages issue 14 reshaped, read from the built HTML: the performance
page opens with its targets and folds the rest; titles tell the guides apart; repository and
edit links only when the site has a repository."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import advisor
from advisor.source import read_model_file
from tests.sitetools import ROOT, build_site


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


def test_a_repository_address_gives_repository_and_edit_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GUIDE_REPO_URL", "https://git.example.org/team/guide")
    site = tmp_path / "site"
    done = build_site(site)
    assert done.returncode == 0, done.stderr
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="https://git.example.org/team/guide"' in home  # the header's repository link
    assert 'href="https://git.example.org/team/guide/edit/main/docs/index.md"' in home
    for model_id in ("orchestration", "adoption"):
        for page in ["compare", "decision-tree", "paths", "changes"]:
            html = (site / model_id / page / "index.html").read_text(encoding="utf-8")
            edit = f"https://git.example.org/team/guide/edit/main/docs/models/{model_id}.yml"
            assert f'href="{edit}"' in html, (model_id, page)
        # What changed links each version to its commit there
        changes = (site / model_id / "changes" / "index.html").read_text(encoding="utf-8")
        assert re.search(r'href="https://git\.example\.org/team/guide/commit/[0-9a-f]{7,}"',
                         changes)


@pytest.mark.parametrize("model_id", ["orchestration", "adoption"])
def test_generated_pages_carry_the_short_title(built_site: Path, model_id: str) -> None:
    """The two guides' pages have different titles in the browser tab and in search, and the
    navigation names each guide's section by its short title."""
    data, _ = read_model_file(ROOT / "docs" / "models" / f"{model_id}.yml")
    short = data["short_title"]
    for page, title in [("compare", "Comparison matrix"), ("decision-tree", "Decision diagram"),
                        ("paths", "Every answer path"), ("changes", "What changed")]:
        html = (built_site / model_id / page / "index.html").read_text(encoding="utf-8")
        assert f"<title>{title}: {short} - " in html
        assert re.search(rf"<h1[^>]*>{re.escape(title)}: {re.escape(short)}<", html)
    option = data["options"][0]
    html = (built_site / model_id / "options" / option["id"] / "index.html").read_text()
    assert f"<title>{option['name']} · {short} - " in html
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    titles = {doc["title"] for doc in index["docs"] if doc["location"].startswith(model_id)}
    assert f"Comparison matrix: {short}" in titles
    nav = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'<span class="md-ellipsis">\s*{re.escape(short)}\s*</span>', nav)
    assert data["title"] not in nav.split('class="md-nav md-nav--primary"')[1]


def test_short_title_defaults_to_the_title() -> None:
    data, _ = read_model_file(ROOT / "docs" / "models" / "adoption.yml")
    del data["short_title"]
    assert advisor.load_model(data).short_title == data["title"]


@pytest.mark.parametrize("model_id", ["orchestration", "adoption"])
def test_matrix_has_one_row_per_option_and_a_column_per_criterion(
    built_site: Path, model_id: str
) -> None:
    data, _ = read_model_file(ROOT / "docs" / "models" / f"{model_id}.yml")
    page = article(built_site / model_id / "compare" / "index.html")
    header, *rows = page.tables[0]
    assert header == ["Option", *(c["label"] for c in data["criteria"]), "Last reviewed"]
    assert [row[0] for row in rows] == [o["name"] for o in data["options"]]
    model = advisor.load_model(data)
    for option, row in zip(model.options, rows, strict=True):
        cells = dict(option.matrix)
        for criterion, cell in zip(model.criteria, row[1:-1], strict=True):
            # the cell's text, then any footnote numbers
            assert cell.startswith(" ".join(cells[criterion.id].split())), (option.id, cell)
    html = (built_site / model_id / "compare" / "index.html").read_text(encoding="utf-8")
    for criterion in data["criteria"]:  # every cell names its column, for the phone's cards
        assert html.count(f'data-label="{criterion["label"]}"') == len(data["options"])


@pytest.mark.parametrize("model_id", ["orchestration", "adoption"])
def test_paths_are_grouped_by_recommendation_and_folded(built_site: Path, model_id: str) -> None:
    data, _ = read_model_file(ROOT / "docs" / "models" / f"{model_id}.yml")
    model = advisor.load_model(data)
    paths = advisor.enumerate_paths(model)
    page = article(built_site / model_id / "paths" / "index.html")
    outcomes = list(dict.fromkeys(p.outcome for p in paths))
    assert page.details == len(outcomes) == len(page.tables)
    assert len(" ".join(page.visible).split()) < 150  # everything else is folded
    seen = []
    for table in page.tables:
        header, *rows = table
        assert header == ["#", "The answers that decide it", "Also asked on the way"]
        numbers = [int(row[0]) for row in rows]
        outcome = {paths[n - 1].outcome for n in numbers}
        assert len(outcome) == 1  # one recommendation a group
        for number, row in zip(numbers, rows, strict=True):
            path = paths[number - 1]
            result = advisor.recommend(model, dict(path.steps))
            decided = [s.question.text for s, _ in result.trace]
            # the deciding answers first, each with its choice; the others after
            for text in decided:
                assert text in row[1]
                assert text not in row[2]
            assert len(decided) >= 1
        seen += numbers
    assert sorted(seen) == list(range(1, len(paths) + 1))
