"""The pages generated from the models, as a reader sees them in a real Chromium: the decision
diagram, the comparison matrix, the answer paths, What changed, at 1280 and 375 px wide."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

import advisor
from advisor.source import read_model_file
from plugin.diagram import anchor
from tests.sitetools import ROOT

pytestmark = pytest.mark.e2e

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
MODELS = ["orchestration", "adoption"]


def load(model_id: str) -> advisor.Model:
    data, _ = read_model_file(ROOT / "docs" / "models" / f"{model_id}.yml")
    return advisor.load_model(data)


def open_page(browser: Browser, url: str, width: int, scheme: str = "light") -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    return page


SIDEWAYS = """() => ({page: document.documentElement.scrollWidth - window.innerWidth,
    boxes: [...document.querySelectorAll('[role=region]')].map(
        r => r.scrollWidth - r.clientWidth)})"""

TEXT_OUTSIDE_BOX = """() => [...document.querySelectorAll('.advisor-d-node')].flatMap(g => {
    const box = g.querySelector(':scope > .advisor-d-box').getBBox();
    const text = g.querySelector(':scope > .advisor-d-text').getBBox();
    return text.x + text.width <= box.x + box.width && text.y + text.height <= box.y + box.height
        ? [] : [g.querySelector(':scope > .advisor-d-text').textContent];
})"""


@pytest.mark.parametrize("model_id", MODELS)
def test_diagram_fits_1280_px_and_its_text_fits_its_boxes(
    browser: Browser, site_url: str, model_id: str
) -> None:
    page = open_page(browser, f"{site_url}{model_id}/decision-tree/", 1280)
    svg = page.locator(".advisor-diagram__svg")
    assert svg.count() == 1
    assert page.evaluate(SIDEWAYS) == {"page": 0, "boxes": [0]}
    questions = {q.text for q in load(model_id).questions}
    drawn = page.locator(".advisor-d-node--question > .advisor-d-text").all_text_contents()
    assert set(drawn) <= questions  # the lines of a box join into the words as written
    assert page.evaluate(TEXT_OUTSIDE_BOX) == []
    page.context.close()


def test_diagram_scrolls_inside_its_box_at_375_px(browser: Browser, site_url: str) -> None:
    page = open_page(browser, site_url + "adoption/decision-tree/", 375)
    sideways = page.evaluate(SIDEWAYS)
    assert sideways["page"] == 0
    assert sideways["boxes"][0] > 0  # the diagram scrolls in its own box, not the page
    page.context.close()


HIGHLIGHTED = """() => ({
    ticks: [...document.querySelectorAll('.advisor-d-tick')]
        .filter(t => getComputedStyle(t).strokeWidth === '5px')
        .map(t => t.closest('.advisor-d-branch').dataset.choices),
    boxes: [...document.querySelectorAll('.advisor-d-box')]
        .filter(b => getComputedStyle(b).strokeWidth === '4px')
        .map(b => b.parentNode.dataset.question || b.parentNode.dataset.options),
    note: getComputedStyle(document.querySelector('.advisor-diagram__yours')).display,
})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_path_in_the_address_is_highlighted(browser: Browser, site_url: str,
                                              scheme: str) -> None:
    model = load("orchestration")
    path = next(p for p in advisor.enumerate_paths(model) if len(p.steps) >= 6)
    url = f"{site_url}orchestration/decision-tree/#{anchor(model.id, path.steps)}"
    page = open_page(browser, url, 1280, scheme)
    lit = page.evaluate(HIGHLIGHTED)
    # one line lit per answer on the path, the chosen answer each time
    assert len(lit["ticks"]) == len(path.steps)
    for (_, choice), choices in zip(path.steps, lit["ticks"], strict=True):
        assert choice in choices.split()
    # every question on the path and the outcome at its end
    assert lit["boxes"] == [q for q, _ in path.steps] + [" ".join(path.outcome)]
    assert lit["note"] == "block"
    # the outcome is in view
    outcome = page.locator(f'[id="{anchor(model.id, path.steps)}"]')
    assert outcome.bounding_box() is not None
    box = outcome.bounding_box() or {}
    assert 0 <= box["y"] <= 900
    # without an anchor nothing is lit
    page.goto(f"{site_url}orchestration/decision-tree/")
    page.reload()
    assert page.evaluate(HIGHLIGHTED) == {"ticks": [], "boxes": [], "note": "none"}
    page.context.close()


@pytest.mark.parametrize("path", [
    "orchestration/decision-tree/",
    "orchestration/decision-tree/#orchestration=scale:yes",
    "performance/",
    "orchestration/compare/",
    "orchestration/paths/",
    "orchestration/changes/",
])
def test_axe_finds_no_wcag_violations_on_generated_pages(page: Page, site_url: str,
                                                         path: str) -> None:
    page.goto(site_url + path)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


CLIPPED = """() => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    return {page: document.documentElement.scrollWidth - window.innerWidth,
            tables: [...document.querySelectorAll('article table')].flatMap(t => {
                const wrap = t.closest('.md-typeset__scrollwrap, [role=region]') || t;
                return wrap.scrollWidth - wrap.clientWidth > 1
                    ? [t.querySelector('th, td').textContent] : [];
            })};
}"""


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("path", ["performance/", "orchestration/paths/",
                                  "orchestration/changes/", "adoption/changes/"])
def test_no_table_is_clipped(browser: Browser, site_url: str, path: str, width: int) -> None:
    page = open_page(browser, site_url + path, width)
    assert page.evaluate(CLIPPED) == {"page": 0, "tables": []}
    page.context.close()


@pytest.mark.parametrize("model_id", MODELS)
def test_matrix_keeps_option_names_in_view_and_becomes_cards_on_a_phone(
    browser: Browser, site_url: str, model_id: str
) -> None:
    page = open_page(browser, f"{site_url}{model_id}/compare/", 1280)
    region = page.locator(".advisor-matrix")
    first = page.locator(".advisor-matrix tbody th").first
    before = first.bounding_box()
    assert region.evaluate("r => { r.scrollLeft = r.scrollWidth; return r.scrollLeft; }") > 300
    after = first.bounding_box()
    assert before is not None
    assert after is not None
    assert abs(after["x"] - before["x"]) <= 2  # the name stays put while the criteria scroll
    # a cell is wide enough for more than three words a line: at least 11rem
    assert page.locator(".advisor-matrix td").first.evaluate("td => td.clientWidth") >= 200
    assert page.evaluate(SIDEWAYS)["page"] == 0
    page.context.close()
    page = open_page(browser, f"{site_url}{model_id}/compare/", 375)
    assert page.evaluate(SIDEWAYS) == {"page": 0, "boxes": [0]}
    cell = page.locator(".advisor-matrix td").first
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"') == cell.get_attribute("data-label")
    rows = page.locator(".advisor-matrix tbody tr")
    first_box, second_box = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert first_box is not None
    assert second_box is not None
    assert second_box["y"] >= first_box["y"] + first_box["height"]  # cards, one under another
    assert first_box["width"] <= 375
    page.context.close()


def test_paths_open_at_a_linked_way(browser: Browser, site_url: str) -> None:
    page = open_page(browser, f"{site_url}orchestration/paths/", 1280)
    assert page.locator("details[open]").count() == 0
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2000  # folded: the groups' titles only
    page.goto(f"{site_url}orchestration/paths/#path-3")
    assert page.locator("details[open]").count() == 1
    assert page.locator("#path-3").is_visible()
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [
    "orchestration/compare/",
    "orchestration/paths/#path-3",
    "adoption/changes/",
    "adoption/decision-tree/#adoption=fit:exact,saves-time:yes",
    "performance/",
])
def test_axe_on_a_phone_in_both_schemes(browser: Browser, site_url: str, path: str,
                                        scheme: str) -> None:
    page = open_page(browser, site_url + path, 375, scheme)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()
    page.context.close()


def test_a_link_from_another_page_lights_the_path_with_instant_navigation(
    browser: Browser, site_url: str
) -> None:
    """What the quiz's "see your path" link does: Material loads the diagram without a page
    load (navigation.instant), and the path is still lit."""
    model = load("orchestration")
    path = advisor.enumerate_paths(model)[0]
    target = f"{site_url}orchestration/decision-tree/#{anchor(model.id, path.steps)}"
    page = open_page(browser, site_url + "quiz/", 1280)
    page.evaluate("""href => {
        const a = document.createElement('a');
        a.href = href; a.textContent = 'See your path'; a.id = 'see-path';
        document.querySelector('article').prepend(a);
    }""", target)
    page.evaluate("window.__same_document = true")
    page.click("#see-path")
    page.wait_for_url(target)
    page.wait_for_function("document.querySelector('.advisor-diagram__svg') !== null")
    assert page.evaluate("window.__same_document === true")  # no full page load happened
    page.wait_for_function("""() => getComputedStyle(
        document.querySelector('.advisor-diagram__yours')).display === 'block'""")
    lit = page.evaluate(HIGHLIGHTED)
    assert len(lit["ticks"]) == len(path.steps)
    page.context.close()
