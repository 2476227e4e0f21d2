"""Reasons in plain words: nothing a reader sees names a rule by its id or reads like a template.

Every answer path of both guide models is walked through the engine, and everything a reader
is shown is checked: the texts of the result (reason, caveats, reasons against the others,
what would change it), the decision record, the terminal's answer and the browser's reply.
Identifier fields (`id`, `rule`, `option`, `question`, `choice`...) are data, not text, and are
left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from advisor import enumerate_paths, load_model, recommend
from advisor.cli import render_text
from advisor.source import read_model_file
from advisor.web import handle

ROOT = Path(__file__).resolve().parents[2]
MODEL_IDS = ("orchestration", "adoption")
#: Keys whose values are identifiers the page uses, never shown as text.
ID_KEYS = {"id", "rule", "option", "options", "outcome", "question", "choice", "from", "to",
           "model", "source", "url"}
TEMPLATES = ("this fits when the answer is", "settle the outcome by rule", "this option's rule",
             "No rule recommends this option")


def _texts(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v, key)
    elif isinstance(value, str) and key not in ID_KEYS:
        yield value


def _model(model_id: str) -> tuple[Any, dict[str, Any]]:
    data, _ = read_model_file(ROOT / "docs" / "models" / f"{model_id}.yml")
    return load_model(data), data


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_no_rule_id_or_template_in_anything_a_reader_sees(model_id: str) -> None:
    model, data = _model(model_id)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(r.id) for r in model.rules)
                         + r")(?![\w-])")
    handle(json.dumps({"op": "load", "model": data, "version": "test"}))
    paths = enumerate_paths(model)
    assert len(paths) > 20
    for path in paths:
        answers = dict(path.steps)
        result = recommend(model, answers, version="test")
        reply = json.loads(handle(json.dumps({"op": "recommend", "model": model.id,
                                              "answers": answers})))
        assert reply["ok"], reply
        shown = [*_texts(result.to_dict()), result.decision_record(), render_text(result),
                 *_texts(reply)]
        for text in shown:
            found = pattern.search(text)
            assert found is None, f"rule id {found.group(0)!r} shown for {answers}: {text}"
            for template in TEMPLATES:
                assert template not in text, (answers, text)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_one_reason_per_option_and_none_repeated(model_id: str) -> None:
    model, _ = _model(model_id)
    for path in enumerate_paths(model):
        result = recommend(model, dict(path.steps))
        assert all(len(w.reasons) == 1 for w in result.why_not)
        reasons = [w.reason for w in result.why_not]
        assert len(reasons) == len(set(reasons)), reasons
        out = " ".join(render_text(result).split())  # the terminal wraps long lines
        for reason in reasons:
            assert out.count(" ".join(reason.split())) == 1, reason


def test_reasons_compose_the_authors_line_with_the_readers_answers() -> None:
    model, _ = _model("orchestration")
    answers = {"scale": "no", "lock-in": "acceptable", "extend": "no", "complexity": "simple",
               "aws-services": "no", "sagemaker": "heavily", "ends-in": "endpoint",
               "devops": "no"}
    result = recommend(model, answers)
    reasons = {w.option.id: w.reason for w in result.why_not}
    assert reasons["step-functions"].startswith(
        "Step Functions earns its keep on very complex flows")
    assert "your flow is a straight line of a few steps" in reasons["step-functions"]
    assert reasons["sagemaker-plus-codepipeline"].endswith(
        "here, the people who build the pipeline also deploy the endpoint.")
