"""A sample of the reader scenarios (tests/scenarios.yml) answered by clicking through the quiz
in Chromium: the quiz asks only questions the reader can answer from their own situation, ends
in the expected recommendation, and shows the facts that decide it. The whole list runs through
the engine in tests/guide/test_scenarios.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.e2e.helpers import UNANSWERED, choose, quiz, recommendation, settle

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests" / "scenarios.yml").read_text(encoding="utf-8"))["scenarios"]


def _find(expect_id: str, must_answer: str) -> dict[str, Any]:
    """The first orchestration scenario expecting `expect_id` whose answers include
    `must_answer` (question=choice)."""
    question, choice = must_answer.split("=")
    return next(s for s in SCENARIOS if s["model"] == "orchestration"
                and s["expect"] == expect_id and s["answers"].get(question) == choice)


SAMPLE = [
    _find("sagemaker-pipelines", "devops=no"),  # the new endpoint step: one tool
    _find("codepipeline", "owner=devops"),  # GPU sizes no longer split the answer
    _find("step-functions-plus-sagemaker", "owner=split"),  # shared work, the black box
    _find("airflow-kubeflow", "existing=yes"),  # an orchestrator already in house
    _find("airflow-kubeflow", "existing=kubernetes"),  # Kubernetes, no orchestrator on it yet
]


@pytest.mark.parametrize("scenario", SAMPLE, ids=[s["expect"] for s in SAMPLE])
def test_scenario_clicked_through_the_quiz(page: Page, site_url: str,
                                            scenario: dict[str, Any]) -> None:
    page.goto(site_url + "quiz/")
    root = quiz(page)
    settle(page, root)
    answers = scenario["answers"]
    asked = []
    for _ in range(len(answers) + 1):
        if root.locator("[data-recommendation]").count():
            break
        question = root.locator(UNANSWERED).first.get_attribute("data-question") or ""
        assert question in answers, f"the quiz asks {question!r}, which the reader did not answer"
        asked.append(question)
        choose(page, root, question, answers[question])
    assert recommendation(root) == [scenario["expect"]]
    result = root.locator("[data-advisor-result]")
    for name in scenario["names"]:
        expect(result).to_contain_text(name)
    # No rule id and no machine template reaches the reader.
    text = result.inner_text()
    assert "this fits when the answer is" not in text
    assert "settle the outcome by rule" not in text
