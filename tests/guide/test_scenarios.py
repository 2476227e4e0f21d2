"""The guide's content, checked through the engine: clean models and reader scenarios.

`tests/scenarios.yml` holds situations as readers describe them, each with the recommendation
the article's reasoning leads to. The expectations were written from the article, not read off
the rules, so a rule change that breaks one is a change of guidance to review, not a test to
update without thought.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import check, load_model, recommend
from advisor.source import read_model_file

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "docs" / "models"
MODEL_IDS = ("orchestration", "adoption")
SCENARIOS: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests" / "scenarios.yml").read_text(encoding="utf-8")
)["scenarios"]
SECTIONS = (
    "Introduction",
    "The less tools, the better",
    "It is all about the happiness",
    "Familiar is simple, simple becomes easy",
    "An algorithm to help you choose",
    "Hey, what about Airflow?",
)


def _data(model_id: str) -> dict[str, Any]:
    data, _lines = read_model_file(MODELS / f"{model_id}.yml")
    return data


def _expected(scenario: dict[str, Any]) -> list[str]:
    expect = scenario["expect"]
    return sorted(expect) if isinstance(expect, list) else [expect]


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_model_checks_clean(model_id: str) -> None:
    path = MODELS / f"{model_id}.yml"
    data, lines = read_model_file(path)
    problems = check(data, file=str(path), lines=lines)
    assert not problems, "\n".join(str(p) for p in problems)


@pytest.mark.parametrize(
    "scenario", SCENARIOS, ids=[f"{i:02d}-{s['model']}" for i, s in enumerate(SCENARIOS)]
)
def test_scenario(scenario: dict[str, Any]) -> None:
    model = load_model(_data(scenario["model"]))
    result = recommend(model, scenario["answers"]).to_dict()
    assert result["complete"], (
        f"the quiz still wants {result['next_question']['id']!r} for: {scenario['situation']}"
    )
    got = sorted(option["id"] for option in result["recommendation"])
    assert got == _expected(scenario), (
        f"{scenario['situation']}\nexpected {_expected(scenario)} because {scenario['why']}\n"
        f"got {got} from rule {result['rule'] and result['rule']['id']}"
    )


def test_scenarios_are_well_formed() -> None:
    assert len(SCENARIOS) >= 14
    keys = {"situation", "model", "answers", "expect", "why"}
    for scenario in SCENARIOS:
        assert set(scenario) == keys, scenario
        assert scenario["model"] in MODEL_IDS
        assert any(f'"{section}"' in scenario["why"] for section in SECTIONS), (
            f"'why' must name an article section in quotes: {scenario['why']}"
        )


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_option_has_a_scenario(model_id: str) -> None:
    options = {o["id"] for o in _data(model_id)["options"]}
    covered = {o for s in SCENARIOS if s["model"] == model_id for o in _expected(s)}
    assert options <= covered, f"options without a scenario: {sorted(options - covered)}"


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_scenarios_include_a_tie(model_id: str) -> None:
    assert any(isinstance(s["expect"], list) for s in SCENARIOS if s["model"] == model_id)


def test_orchestration_option_ids_are_fixed() -> None:
    # The plugin, the pages and the links in index.md use these ids.
    ids = [o["id"] for o in _data("orchestration")["options"]]
    assert ids == [
        "sagemaker-pipelines",
        "step-functions",
        "codepipeline",
        "sagemaker-plus-codepipeline",
        "step-functions-plus-sagemaker",
        "airflow-kubeflow",
    ]


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_option_and_rule_is_sourced_and_reviewed(model_id: str) -> None:
    data = _data(model_id)
    for item in [*data["options"], *data["rules"]]:
        assert item.get("reviewed"), item["id"]
        assert item.get("sources"), item["id"]
        for ref in item["sources"]:
            assert ref["source"] == "article", item["id"]
            assert ref["section"] in SECTIONS, (item["id"], ref["section"])
    assert data["sources"]["article"]["published"] == "2022-04-05"


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_question_and_choice_has_help(model_id: str) -> None:
    for question in _data(model_id)["questions"]:
        assert question.get("help"), question["id"]
        for choice in question["choices"]:
            assert choice.get("help"), (question["id"], choice["id"])


def test_key_caveats_are_present() -> None:
    options = {o["id"]: o for o in _data("orchestration")["options"]}

    def caveats(option_id: str) -> list[dict[str, Any]]:
        return options[option_id]["caveats"]

    assert any(c.get("when") == {"gpu": ["yes"]} for c in caveats("codepipeline"))
    assert any("endpoint" in c["text"] for c in caveats("sagemaker-pipelines"))
    assert any("callback" in c["text"] for c in caveats("step-functions-plus-sagemaker"))
    assert any("Two tools" in c["text"] for c in caveats("step-functions-plus-sagemaker"))
    assert any("Two tools" in c["text"] for c in caveats("sagemaker-plus-codepipeline"))
    assert any("Nothing is free" in c["text"] for c in caveats("airflow-kubeflow"))
