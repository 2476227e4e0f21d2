"""The steps a reader takes in the quiz, through the widget's test contract (a
`[data-advisor]` root with `data-advisor-state`, one `fieldset[data-question]` of radios per
question, `[data-recommendation]` on a result)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

#: Python has answered: the quiz is ready (or failed) and no request is in flight.
SETTLED = """root => ['ready', 'error', 'unsupported'].includes(root.dataset.advisorState)
    && root.getAttribute('aria-busy') !== 'true'"""
#: A question still waiting for its answer.
UNANSWERED = "fieldset[data-question]:not(:has(input:checked))"


def quiz(page: Page, index: int = 0) -> Locator:
    """The page's `index`-th quiz."""
    return page.locator("[data-advisor]").nth(index)


def settle(page: Page, root: Locator, timeout: float = 60_000) -> None:
    """Wait until Python has answered (or the quiz has given up)."""
    page.wait_for_function(SETTLED, arg=root.element_handle(), timeout=timeout)


def choose(page: Page, root: Locator, question: str, choice: str) -> None:
    """Click one answer and wait for Python's reply."""
    root.locator(f'fieldset[data-question="{question}"] input[value="{choice}"]').check()
    settle(page, root)


def answer_all(page: Page, root: Locator, pick: int = 0, limit: int = 20) -> list[tuple[str, str]]:
    """Answer every question Python asks with its `pick`-th choice (or the last, if fewer)
    until a recommendation shows; return the answers given, in order. Fails when the quiz
    leaves the ready state or gives no recommendation within `limit` answers."""
    answered: list[tuple[str, str]] = []
    for _ in range(limit):
        if root.locator("[data-recommendation]").count():
            return answered
        fieldset = root.locator(UNANSWERED).first
        radios = fieldset.locator("input[type=radio]")
        radio = radios.nth(min(pick, radios.count() - 1))
        answered.append(
            (fieldset.get_attribute("data-question") or "", radio.get_attribute("value") or "")
        )
        radio.check()
        settle(page, root)
        assert root.get_attribute("data-advisor-state") == "ready", root.inner_text()
    raise AssertionError(f"no recommendation after {limit} answers: {answered}")


def recommendation(root: Locator) -> list[str]:
    """The ids of the options recommended (two or more for a tie), none before the end."""
    return [
        r.get_attribute("data-recommendation") or ""
        for r in root.locator("[data-recommendation]").all()
    ]
