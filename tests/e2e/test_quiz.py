"""The quiz as a reader uses it, in a real Chromium against the built guide."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from advisor import enumerate_paths, recommend
from advisor.source import load_model_file
from devtools.quiz import UNANSWERED, answer_all, choose, quiz, recommendation, settle
from tests.conftest import REPO
from tests.sitetools import ROOT

pytestmark = pytest.mark.e2e

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# A SageMaker-heavy team with a DevOps team and a simple flow that ends in an endpoint: the
# article's "two black boxes" (SageMaker Projects) case.
TWO_BLACK_BOXES = [
    ("scale", "no"),
    ("lock-in", "acceptable"),
    ("extend", "no"),
    ("complexity", "simple"),
    ("aws-services", "no"),
    ("sagemaker", "heavily"),
    ("ends-in", "endpoint"),
    ("devops", "yes"),
]


def link(answers: list[tuple[str, str]]) -> str:
    return "quiz/?orchestration=" + ",".join(f"{q}:{c}" for q, c in answers)


def test_full_quiz_by_mouse_explains_the_result(page: Page, site_url: str) -> None:
    page.goto(site_url + "quiz/")
    root = quiz(page)
    for question, choice in TWO_BLACK_BOXES:
        expect(root.locator(f'fieldset[data-question="{question}"]')).to_be_visible()
        choose(page, root, question, choice)
    assert recommendation(root) == ["sagemaker-plus-codepipeline"]
    result = root.locator("[data-advisor-result]")
    expect(result).to_be_focused()  # a pointer answer moves focus to the result
    # The summary first: the recommendation, why, and the answers that decided it.
    summary = result.locator("[data-advisor-summary]")
    expect(summary).to_contain_text("Why: ")
    expect(summary).to_contain_text("SageMaker Projects")
    expect(summary.locator(".advisor__decided")).to_contain_text(
        "How much does the team work in SageMaker?")
    # Then folded, in this order, each opened by its summary line.
    folds = result.locator("details[data-advisor-fold] > summary")
    expect(folds).to_have_text([
        "Why not the 5 other options", "What one different answer would change",
        re.compile(r"Caveats \(\d+\)"), "Sources", "Decision record"])
    why_not = result.locator(".advisor__why-not > li")
    expect(why_not.first).to_be_hidden()
    folds.first.click()
    expect(why_not).to_have_count(5)
    expect(why_not.first).to_be_visible()
    expect(root.locator("[data-advisor-progress]")).to_have_text("Done: 8 questions answered")
    expect(root.locator("[data-advisor-status]")).to_contain_text(
        "Recommendation: SageMaker Pipelines handed to CodePipeline"
    )
    expect(result).to_contain_text("Guide version")
    # The option link leads to the generated page of that option.
    result.locator("[data-recommendation] a").click()
    expect(page).to_have_url(site_url + "orchestration/options/sagemaker-plus-codepipeline/")
    expect(page.locator("h1")).to_contain_text(
        "SageMaker Pipelines handed to CodePipeline (two black boxes)"
    )


def test_full_quiz_by_keyboard_alone(page: Page, site_url: str) -> None:
    page.goto(site_url + "quiz/")
    root = quiz(page)
    # Tab from the top of the page into the quiz's first question.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('[data-advisor] fieldset') !== null"):
            break
    else:
        pytest.fail("Tab never reached the quiz")
    for _ in range(15):
        if root.locator("[data-recommendation]").count():
            break
        page.keyboard.press("Space")  # choose the focused (first) choice
        settle(page, root)
        # Keyboard answers keep focus where the reader is; Tab moves on to the next question.
        focused_in = page.evaluate(
            "document.activeElement.closest('fieldset[data-question]')?.dataset.question"
        )
        assert focused_in is not None
        if not root.locator("[data-recommendation]").count():
            page.keyboard.press("Tab")
            page.wait_for_function(
                "document.activeElement.closest('fieldset[data-question]:not(:has(input:checked))')"
            )
    assert len(recommendation(root)) >= 1
    expect(root.locator("[data-advisor-status]")).to_contain_text("Recommendation")
    # The focused control shows a visible focus ring.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    # The copy button, in the result above the questions, is reachable by keyboard.
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-advisor-copy')"):
            break
    else:
        pytest.fail("Tab never reached the 'Copy as decision record' button")


def test_changing_an_earlier_answer_keeps_the_rest(page: Page, site_url: str) -> None:
    page.goto(site_url + "quiz/")
    root = quiz(page)
    for question, choice in TWO_BLACK_BOXES:
        choose(page, root, question, choice)
    assert recommendation(root) == ["sagemaker-plus-codepipeline"]
    # Change "ends in" from an endpoint to a trained model: SageMaker Pipelines alone is enough,
    # and the DevOps question is no longer needed.
    choose(page, root, "ends-in", "model-or-batch")
    assert recommendation(root) == ["sagemaker-pipelines"]
    expect(root.locator('fieldset[data-question="devops"]')).to_have_count(0)
    # Change it back: the DevOps answer given before is still there, no question is re-asked.
    choose(page, root, "ends-in", "endpoint")
    assert recommendation(root) == ["sagemaker-plus-codepipeline"]
    expect(root.locator('fieldset[data-question="devops"] input[value="yes"]')).to_be_checked()
    # Back removes the last answer; Start over clears everything.
    root.get_by_role("button", name="Back").click()
    settle(page, root)
    expect(root.locator(UNANSWERED)).to_have_attribute("data-question", "devops")
    assert recommendation(root) == []
    root.get_by_role("button", name="Start over").click()
    settle(page, root)
    expect(root.locator("fieldset[data-question]")).to_have_count(1)
    expect(root.locator("input:checked")).to_have_count(0)
    assert "orchestration=" not in page.url


def test_a_shared_link_reopens_the_same_result(page: Page, browser: Browser, site_url: str) -> None:
    page.goto(site_url + "quiz/")
    root = quiz(page)
    given = answer_all(page, root, pick=1)
    expected = recommendation(root)
    shared = page.url
    assert parse_qs(urlsplit(shared).query)["orchestration"] == [
        ",".join(f"{q}:{c}" for q, c in given)
    ]

    other = browser.new_page()  # another reader, another context
    other.goto(shared)
    root2 = quiz(other)
    settle(other, root2)
    assert recommendation(root2) == expected
    expect(root2.locator("fieldset[data-question] input:checked")).to_have_count(len(given))
    other.close()


def test_a_malformed_link_opens_cleanly_and_says_what_was_ignored(
    page: Page, site_url: str
) -> None:
    page.goto(site_url + "quiz/?orchestration=scale:no,colour:blue,scale:yes,lock-in:maybe,extend")
    root = quiz(page)
    settle(page, root)
    notice = root.locator("[data-advisor-notice]")
    expect(notice).to_contain_text("Part of the link was ignored")
    expect(notice).to_contain_text("colour")
    expect(notice).to_contain_text("answered twice")
    expect(notice).to_contain_text("maybe")
    # The valid answer is kept; the quiz continues at the first question still open.
    expect(root.locator('fieldset[data-question="scale"] input[value="no"]')).to_be_checked()
    expect(root.locator(UNANSWERED)).to_have_attribute("data-question", "lock-in")
    assert recommendation(root) == []


@pytest.mark.cold_boot  # a reader's first visit
def test_two_quizzes_on_a_page_boot_one_runtime(page: Page, two_quiz_url: str) -> None:
    workers: list[str] = []
    wasm: list[str] = []
    page.on("worker", lambda worker: workers.append(worker.url))
    page.on(
        "request",
        lambda request: (
            wasm.append(request.url) if request.url.endswith("pyodide.asm.wasm") else None
        ),
    )
    page.goto(two_quiz_url + "two/")
    first, second = quiz(page, 0), quiz(page, 1)
    answer_all(page, first)
    second.scroll_into_view_if_needed()
    answer_all(page, second)
    assert first.get_attribute("data-advisor-model") == "orchestration"
    assert second.get_attribute("data-advisor-model") == "adoption"
    assert len([w for w in workers if "/assets/advisor/worker-" in w]) == 1
    assert len(wasm) == 1


#: Every text the quiz's status line shows, in order.
RECORD_STATUS = """
window.__status = [];
new MutationObserver(() => {
  const status = document.querySelector("[data-advisor] [data-advisor-status]");
  const text = status ? status.textContent.trim() : "";
  if (text && text !== window.__status[window.__status.length - 1]) window.__status.push(text);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
LOADED = re.compile(r"Starting Python in your browser: ([0-9.]+) of ([0-9.]+) MB loaded")


@pytest.mark.cold_boot  # a reader's first visit
def test_a_first_visit_counts_the_megabytes_as_they_arrive(page: Page, quick_url: str) -> None:
    """On a slow connection the reader sees the download move, up to its stated size."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 20, "downloadThroughput": 8_000_000,
        "uploadThroughput": -1})  # bytes/s: the runtime takes a second or two
    page.add_init_script(RECORD_STATUS)
    page.goto(quick_url + "quiz/")
    root = quiz(page)
    choose(page, root, "scale", "no")
    assert root.get_attribute("data-advisor-state") == "ready", root.inner_text()
    counts = [(float(m[1]), float(m[2])) for m in map(LOADED.match, page.evaluate(
        "window.__status")) if m]
    assert len({done for done, _ in counts}) >= 3, counts  # it moved, more than once
    assert [done for done, _ in counts] == sorted(done for done, _ in counts), counts
    assert all(done <= total for done, total in counts), counts
    assert counts[-1][0] >= 0.8 * counts[-1][1], counts  # most of it was counted


@pytest.mark.cold_boot  # a reader's first visit
def test_pages_without_a_quiz_load_no_pyodide_bytes(page: Page, site_url: str) -> None:
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    for path in (
        "",
        "choosing-a-tool/",
        "orchestration/compare/",
        "orchestration/decision-tree/",
        "orchestration/options/step-functions/",
    ):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    runtime = [
        url
        for url in loaded
        if "/pyodide-" in url or "/worker-" in url or "/advisor-" in url or "/models/" in url
    ]
    assert runtime == []


@pytest.mark.cold_boot  # a reader's first visit
def test_missing_runtime_ends_in_error_with_retry(page: Page, quick_url: str) -> None:
    # Pyodide waits on a wasm that never comes until the boot limit: the quick site's is 15 s.
    page.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="not found"))
    page.goto(quick_url + "quiz/")
    root = quiz(page)
    choose(page, root, "scale", "no")
    expect(root).to_have_attribute("data-advisor-state", "error")
    status = root.locator("[data-advisor-status]")
    expect(status).to_contain_text("could not start Python")
    expect(
        status.get_by_role("link", name="See every answer and its recommendation")
    ).to_have_attribute("href", "../orchestration/paths/")
    # The runtime comes back: "Try again" recovers, with the answer already given.
    page.unroute("**/pyodide.asm.wasm")
    status.get_by_role("button", name="Try again").click()
    settle(page, root)
    expect(root).to_have_attribute("data-advisor-state", "ready")
    expect(root.locator(UNANSWERED)).to_have_attribute("data-question", "lock-in")


def test_quiz_starts_again_after_instant_navigation(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("navigation", name="Navigation").get_by_role(
        "link", name="Take the quiz"
    ).first.click()
    expect(page).to_have_url(site_url + "quiz/")
    assert page.evaluate("window.__sameDocument === true"), "Material did not navigate instantly"
    root = quiz(page)
    answer_all(page, root)
    assert recommendation(root)
    # Away and back again: a fresh quiz that works, on the runtime already booted.
    page.get_by_role("navigation", name="Navigation").get_by_role(
        "link", name="How to choose a tool"
    ).first.click()
    page.go_back()
    root = quiz(page)
    settle(page, root)
    assert page.evaluate("window.__sameDocument === true")
    choose(page, root, "scale", "yes")
    assert recommendation(root) == ["airflow-kubeflow"]


def test_dark_mode_uses_material_colours(browser: Browser, site_url: str) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site_url + link(TWO_BLACK_BOXES))
    root = quiz(page)
    settle(page, root)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    colours = page.evaluate("""() => {
        const root = document.querySelector('[data-advisor]');
        const page = getComputedStyle(document.body);
        return {bg: getComputedStyle(root).backgroundColor, fg: getComputedStyle(root).color,
                pageBg: page.backgroundColor};
    }""")
    assert colours["bg"] == colours["pageBg"]
    assert colours["bg"] != "rgb(255, 255, 255)"
    assert colours["fg"] != "rgb(34, 34, 34)"
    context.close()


def test_fits_a_375px_screen(browser: Browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site_url + link(TWO_BLACK_BOXES))
    root = quiz(page)
    settle(page, root)
    assert recommendation(root) == ["sagemaker-plus-codepipeline"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways: {width}px"
    box = root.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 375
    context.close()


#: Forgets the colour scheme the reader chose, which Material keeps in local storage.
FORGET_PALETTE = """for (const key of Object.keys(localStorage)) {
  if (key.endsWith("__palette")) localStorage.removeItem(key);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("answered", [False, True], ids=["before", "after"])
def test_axe_finds_no_wcag_violations(page: Page, site_url: str, answered: bool,
                                      scheme: str) -> None:
    """In both of the guide's colour schemes (Material follows the reader's system setting):
    once, the outlined buttons (Back, Start over, Copy link, See your path) were drawn in the
    primary colour, 2.3:1 on the dark background."""
    # A reader who never chose a scheme: Material follows the system's (a choice made on an
    # earlier page of this shared browser context would win).
    page.add_init_script(FORGET_PALETTE)
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + "quiz/")
    expect(page.locator("body")).to_have_attribute(
        "data-md-color-scheme", {"light": "default", "dark": "slate"}[scheme])
    root = quiz(page)
    settle(page, root)
    if answered:
        answer_all(page, root)
        # Judged at rest: a pointer left over a link would show Material's hover colour.
        page.mouse.move(0, 0)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.cold_boot  # a reader's first visit
def test_without_webassembly_the_quiz_points_to_the_static_paths(page: Page, site_url: str) -> None:
    page.add_init_script("delete globalThis.WebAssembly")
    page.goto(site_url + "quiz/")
    root = quiz(page)
    expect(root).to_have_attribute("data-advisor-state", "unsupported")
    status = root.locator("[data-advisor-status]")
    expect(status).to_contain_text("cannot run the quiz")
    status.get_by_role("link", name="See every answer and its recommendation").click()
    expect(page).to_have_url(site_url + "orchestration/paths/")
    expect(page.locator("tr[id^=path-]").first).to_be_attached()  # in folded groups


def checked(root: Locator) -> list[str]:
    return [f.get_attribute("data-question") or ""
            for f in root.locator("fieldset[data-question]:has(input:checked)").all()]


def test_back_and_forward_step_through_the_answers(page: Page, site_url: str) -> None:
    page.goto(site_url + "quiz/")
    root = quiz(page)
    for question, choice in TWO_BLACK_BOXES[:3]:
        choose(page, root, question, choice)
    # The address holds the answers, readably (not scale%3Ano%2C...).
    assert page.url.endswith("quiz/?orchestration=scale:no,lock-in:acceptable,extend:no")
    page.go_back()
    expect(root.locator(UNANSWERED)).to_have_attribute("data-question", "extend")
    settle(page, root)
    assert checked(root) == ["scale", "lock-in"]
    assert page.url.endswith("quiz/?orchestration=scale:no,lock-in:acceptable")
    page.go_back()
    expect(root.locator(UNANSWERED)).to_have_attribute("data-question", "lock-in")
    page.go_forward()
    expect(root.locator(UNANSWERED)).to_have_attribute("data-question", "extend")
    page.go_forward()
    expect(root.locator('fieldset[data-question="extend"] input[value="no"]')).to_be_checked()
    settle(page, root)
    assert checked(root) == ["scale", "lock-in", "extend"]
    # Back to before the first answer, still on the quiz page; once more leaves it.
    for _ in range(3):
        page.go_back()
    expect(root.locator("input:checked")).to_have_count(0)
    assert page.url == site_url + "quiz/"


def test_copy_link_copies_the_address_with_the_answers(browser: Browser, site_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + "quiz/")
    root = quiz(page)
    settle(page, root)
    expect(root.get_by_role("button", name="Copy link")).to_be_hidden()  # nothing to share yet
    choose(page, root, "scale", "no")
    choose(page, root, "lock-in", "acceptable")
    root.get_by_role("button", name="Copy link").click()
    expect(root.locator("[data-advisor-controls] [role=status]")).to_contain_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == site_url + "quiz/?orchestration=scale:no,lock-in:acceptable"
    # The copied link opens the same quiz state for another reader.
    other = context.new_page()
    other.goto(copied)
    root2 = quiz(other)
    settle(other, root2)
    assert checked(root2) == ["scale", "lock-in"]
    context.close()


def test_report_link_opens_a_prefilled_issue(page: Page, two_quiz_url: str) -> None:
    page.goto(two_quiz_url + link(TWO_BLACK_BOXES))
    root = quiz(page)
    settle(page, root)
    report = root.get_by_role("link", name="Report a problem with this advice")
    expect(report).to_have_attribute("target", "_blank")
    href = report.get_attribute("href") or ""
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REPO + "/issues/new"
    query = parse_qs(parts.query)
    assert query["title"] == [
        "Advice: SageMaker Pipelines handed to CodePipeline (two black boxes)"]
    body = query["body"][0]
    # The answers, the recommendation and the guide version, as the decision record has them.
    assert "# Decision: SageMaker Pipelines handed to CodePipeline" in body
    assert "How much does the team work in SageMaker?" in body
    version = root.locator(".advisor__version").inner_text().removeprefix("Guide version ")
    assert f"Guide version: {version}" in body
    assert unquote(href).count("Decision:") == 1


def test_no_report_link_without_a_github_repository(page: Page, site_url: str) -> None:
    page.goto(site_url + link(TWO_BLACK_BOXES))
    root = quiz(page)
    settle(page, root)
    expect(root.locator("[data-recommendation]")).to_have_count(1)
    expect(root.get_by_role("link", name="Report a problem with this advice")).to_have_count(0)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 812)], ids=["1280", "375"])
def test_the_result_summary_fits_the_first_screen(
    browser: Browser, site_url: str, width: int, height: int
) -> None:
    """A shared link opens on the answer: the recommendation, why and the deciding answers
    all within the first screen, under the page's fixed header."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(site_url + link(TWO_BLACK_BOXES))
    root = quiz(page)
    settle(page, root)
    summary = root.locator("[data-advisor-summary]")
    expect(summary.locator("[data-recommendation]")).to_be_visible()
    page.wait_for_function("() => document.activeElement !== null")
    box = summary.bounding_box()
    header = page.locator("header.md-header").bounding_box()
    assert box is not None
    assert header is not None
    assert box["y"] >= header["y"] + header["height"] - 1, (box, header)
    assert box["y"] + box["height"] <= height, (box, height)
    for part in ("Why: ", "Decided by your answers", "Copy as decision record"):
        expect(summary).to_contain_text(part)
    context.close()


def test_the_reason_and_each_caveat_link_the_pages_they_cite(page: Page, site_url: str) -> None:
    """Citations sit next to what they support: the reason's after it, each caveat's after
    that caveat (the Sources fold lists them again)."""
    model = load_model_file(Path(ROOT, "docs", "models", "orchestration.yml")).model
    expected = recommend(model, dict(TWO_BLACK_BOXES)).to_dict()
    caveats = [c for c in expected["caveats"] if c["sources"]]
    assert expected["rule"]["sources"]  # the case must exercise both
    assert caveats

    page.goto(site_url + link(TWO_BLACK_BOXES))
    root = quiz(page)
    settle(page, root)
    result = root.locator("[data-advisor-result]")
    because = result.locator(".advisor__because .advisor__cites a")
    expect(because).to_have_count(len(expected["rule"]["sources"]))
    assert [because.nth(i).get_attribute("href") for i in range(because.count())] == [
        s["url"] for s in expected["rule"]["sources"]]
    items = result.locator(".advisor__caveats > li")
    expect(items).to_have_count(len(expected["caveats"]))
    for index, caveat in enumerate(expected["caveats"]):
        hrefs = items.nth(index).locator(".advisor__cites a")
        expect(hrefs).to_have_count(len(caveat["sources"]))
        assert [hrefs.nth(i).get_attribute("href") for i in range(hrefs.count())] == [
            s["url"] for s in caveat["sources"] if s["url"]]


def test_a_tie_shows_the_options_side_by_side_with_what_decides(
    page: Page, site_url: str
) -> None:
    """Where the guide finds two options equally fit, both are cards next to each other, under
    a heading that counts them, with the text that decides between them."""
    model = load_model_file(Path(ROOT, "docs", "models", "adoption.yml")).model
    tied = next(p for p in enumerate_paths(model) if len(p.outcome) > 1)
    expected = recommend(model, dict(tied.steps)).to_dict()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + "adoption/?adoption=" + ",".join(f"{q}:{c}" for q, c in tied.steps))
    root = quiz(page)
    settle(page, root)
    assert recommendation(root) == list(tied.outcome)
    result = root.locator("[data-advisor-result]")
    expect(result.locator(".advisor__result-title")).to_have_text(
        "Two options fit equally well")
    expect(result.locator(".advisor__decide")).to_contain_text(expected["tie"]["decide"].strip())
    first, second = (root.locator("[data-recommendation]").nth(i).bounding_box() for i in (0, 1))
    assert first is not None
    assert second is not None
    assert abs(first["y"] - second["y"]) < 2  # side by side
    assert second["x"] >= first["x"] + first["width"]
