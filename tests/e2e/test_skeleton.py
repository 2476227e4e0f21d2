"""The whole chain: a real build, the real Pyodide served by the site, a real Chromium."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


@pytest.mark.cold_boot  # a reader's first visit
def test_quiz_answer_reaches_python_in_the_browser(page: Page, site_url: str) -> None:
    origin = urlsplit(site_url).netloc
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    response = page.goto(site_url + "quiz/")
    assert response is not None
    # As built: idle, with the first question already in the page before any script runs.
    assert 'data-advisor-state="idle"' in response.text()
    quiz = page.locator("[data-advisor]").first

    # Answer until the engine, running inside Pyodide, returns a recommendation: always the
    # first choice of whatever question Python asks next.
    started = time.perf_counter()
    for _ in range(20):
        if quiz.locator("[data-recommendation]").count():
            break
        question = quiz.locator("fieldset[data-question]:not(:has(input:checked))").first
        question.locator("input[type=radio]").first.check()
        page.wait_for_function(
            """root => root.getAttribute('data-advisor-state') === 'error'
                || root.querySelector('[data-recommendation]')
                || root.querySelector('fieldset[data-question]:not(:has(input:checked))')""",
            arg=quiz.element_handle(),
            timeout=60_000,
        )
    expect(quiz.locator("[data-recommendation]").first).to_be_visible()
    elapsed = time.perf_counter() - started

    expect(quiz).to_have_attribute("data-advisor-state", "ready")
    assert "emscripten" in (quiz.get_attribute("data-advisor-runtime") or "")
    print(f"first click to recommendation: {elapsed:.2f} s")

    # The worker's own requests are seen too (the runtime is fetched by the worker).
    assert any(url.endswith("/pyodide.asm.wasm") for url in requests)
    foreign = [
        url
        for url in requests
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != origin
    ]
    assert foreign == [], f"requests left the local server: {foreign}"
