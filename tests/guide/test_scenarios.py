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


def _explanation(result: dict[str, Any]) -> str:
    """Everything a reader is shown to explain a result, as one text."""
    parts = [result["rule"]["because"] if result["rule"] else ""]
    parts += [result["tie"]["decide"]] if result["tie"] else []
    parts += [c["text"] for c in result["caveats"]]
    parts += [w["reason"] for w in result["why_not"]]
    return " ".join(parts)


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
        f"got {got}: {result['rule'] and result['rule']['because']}"
    )
    # The facts that decide it are named in what the reader sees.
    explanation = _explanation(result)
    missing = [name for name in scenario["names"] if name not in explanation]
    assert not missing, f"not named: {missing}\nin: {explanation}"
    # The source that justifies it is cited by the reason, with the section or anchor.
    wanted = scenario["source"]
    cited = [c for c in result["rule"]["sources"] if c["source"] == wanted["source"]]
    assert cited, f"the reason does not cite {wanted['source']}: {result['rule']['sources']}"
    if "section" in wanted:
        assert wanted["section"] in [c["section"] for c in cited]
    if "anchor" in wanted:
        assert any(c["url"].endswith("#" + wanted["anchor"]) for c in cited)
    # Every citation is an address a reader can open.
    for citation in result["rule"]["sources"]:
        assert citation["url"].startswith("https://"), citation


def test_scenarios_are_well_formed() -> None:
    assert len(SCENARIOS) >= 30
    keys = {"situation", "model", "answers", "expect", "names", "source", "why"}
    for scenario in SCENARIOS:
        assert set(scenario) == keys, scenario
        assert scenario["model"] in MODEL_IDS
        assert scenario["names"], scenario["situation"]
        source = scenario["source"]
        assert source["source"] in _data(scenario["model"])["sources"], source
        if source["source"] == "article":
            assert source["section"] in SECTIONS, source


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_option_has_a_scenario(model_id: str) -> None:
    options = {o["id"] for o in _data(model_id)["options"]}
    covered = {o for s in SCENARIOS if s["model"] == model_id for o in _expected(s)}
    assert options <= covered, f"options without a scenario: {sorted(options - covered)}"


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_tie_says_what_decides_it(model_id: str) -> None:
    for rule in _data(model_id)["rules"]:
        if isinstance(rule["recommend"], list):
            assert rule.get("decide"), rule["id"]


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
        assert item.get("reviewed") == "2026-12-01", item["id"]
        assert item.get("sources"), item["id"]
        for ref in item["sources"]:
            assert ref["source"] in data["sources"], (item["id"], ref)
            if ref["source"] == "article":
                assert ref.get("section") in SECTIONS, (item["id"], ref)
    article = data["sources"]["article"]
    assert article["published"] == "2022-04-05"
    assert article["url"] == (
        "https://www.chaosgears.com/blog/machine-learning-pipelines-at-aws-which-service-should-i-use")
    assert article["kind"] == "reasoning"
    for source in data["sources"].values():
        assert source["url"].startswith("https://"), source
        assert source.get("read"), source


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_option_has_a_why_not_line(model_id: str) -> None:
    for option in _data(model_id)["options"]:
        assert option.get("why_not"), option["id"]


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

    assert any("GPU Small" in c["text"] for c in caveats("codepipeline"))
    assert any(c.get("when") == {"aws-services": ["yes"]} and "Glue" in c["text"]
               for c in caveats("sagemaker-pipelines"))
    assert any("task token" in c["text"] for c in caveats("step-functions-plus-sagemaker"))
    assert any("Two tools" in c["text"] for c in caveats("step-functions-plus-sagemaker"))
    assert any("Two tools" in c["text"] for c in caveats("sagemaker-plus-codepipeline"))
    assert any("Nothing is free" in c["text"] for c in caveats("airflow-kubeflow"))
    assert any("Kubeflow distribution" in c["text"] for c in caveats("airflow-kubeflow"))


def test_every_option_says_what_changed_since_the_article() -> None:
    for option in _data("orchestration")["options"]:
        assert option.get("changed"), option["id"]


def test_every_lead_is_resolved_with_the_page_checked() -> None:
    """The leads of ../shared/reference/aws-facts-to-verify.md, each resolved in the model."""
    leads = {lead["topic"]: lead for lead in _data("orchestration")["leads"]}
    assert set(leads) == {
        "SageMaker Pipelines and endpoints", "SageMaker Pipelines and other services",
        "SageMaker Pipelines authoring", "SageMaker Pipelines parallelism",
        "Step Functions starting a SageMaker pipeline", "Step Functions scale",
        "CodeBuild GPUs", "CodePipeline", "Managed Airflow", "Kubeflow on AWS", "Scheduling",
    }
    sources = _data("orchestration")["sources"]
    for topic, lead in leads.items():
        assert lead["resolution"] in ("confirmed", "changed", "rejected"), topic
        assert lead["reviewed"] == "2026-12-01", topic
        assert lead["sources"], topic
        for ref in lead["sources"]:
            assert sources[ref["source"]].get("kind", "documentation") == "documentation", ref
