"""advisor.web.handle: JSON in, JSON out, never an exception or a traceback."""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

import pytest

from advisor import load_model, recommend
from advisor.web import handle


def call(request: Any) -> dict[str, Any]:
    reply = handle(request if isinstance(request, str) else json.dumps(request))
    assert isinstance(reply, str)
    data: dict[str, Any] = json.loads(reply)
    return data


@pytest.fixture
def loaded(guide_data: dict[str, Any]) -> str:
    reply = call({"op": "load", "model": guide_data, "version": "abc1234 2026-11-27"})
    assert reply["ok"] is True
    return str(reply["model"])


def test_load_reports_the_runtime(guide_data: dict[str, Any]) -> None:
    reply = call({"op": "load", "model": guide_data, "version": None})
    assert set(reply) == {"ok", "model", "reused", "runtime"}
    assert reply["reused"] is False
    assert reply["ok"] is True
    assert reply["model"] == "test-guide"
    assert reply["runtime"] == {"version": sys.version, "platform": sys.platform}


def test_recommend_round_trip(loaded: str, guide_data: dict[str, Any]) -> None:
    answers = {"complexity": "simple", "owner": "devops"}
    reply = call({"op": "recommend", "model": loaded, "answers": answers, "lenient": False})
    assert reply["ok"] is True
    assert reply["ignored"] == []
    assert reply["answers"] == answers
    expected = recommend(load_model(guide_data), answers, version="abc1234 2026-11-27")
    assert reply["result"] == expected.to_dict()
    assert reply["result"]["decision_record"].endswith("Guide version: abc1234 2026-11-27\n")


def test_lenient_drops_bad_answers_and_says_why(loaded: str) -> None:
    reply = call({"op": "recommend", "model": loaded, "lenient": True,
                  "answers": {"complexity": "simple", "owner": "<script>", "x": ["y"]}})
    assert reply["ok"] is True
    assert reply["result"]["path"][0]["choice"] == "simple"
    assert reply["result"]["next_question"]["id"] == "owner"
    assert reply["ignored"] == [
        {"question": "owner", "choice": "<script>", "reason":
         "unknown choice '<script>' for question 'owner'; valid choices: devops, ml, platform"},
        {"question": "x", "choice": "<list>", "reason":
         "unknown question 'x'; valid questions: complexity, owner, gpu, services"},
    ]


def test_lenient_takes_url_pairs_keeping_the_first_of_a_repeat(loaded: str) -> None:
    reply = call({"op": "recommend", "model": loaded, "lenient": True, "answers": [
        ["complexity", "simple"], ["complexity", "branching"], ["owner"], [["x"], "y"],
        ["owner", "devops"]]})
    assert reply["ok"] is True
    assert reply["answers"] == {"complexity": "simple", "owner": "devops"}
    assert [o["id"] for o in reply["result"]["recommendation"]] == ["codepipeline"]
    assert [i["reason"] for i in reply["ignored"]] == [
        "'complexity' was answered twice; the first answer is kept",
        "not a question:choice pair",
        "question ids must be strings, not list",
    ]


def test_lenient_accepts_any_answers_value(loaded: str) -> None:
    reply = call({"op": "recommend", "model": loaded, "lenient": True, "answers": "owner=ml"})
    assert reply["ok"] is True
    assert reply["ignored"][0]["reason"].startswith("answers must be a mapping")


@pytest.mark.parametrize(("request_json", "kind", "message"), [
    ("{not json", "RequestError", "the request is not valid JSON: Expecting property name "
                                  "enclosed in double quotes: line 1 column 2 (char 1)"),
    ("[1, 2]", "RequestError", "a request must be a JSON object with an 'op'"),
    ('{"op": "fly"}', "RequestError", "unknown op 'fly'; valid ops: load, recommend"),
    ('{"op": "load", "model": [1]}', "RequestError",
     "'load' needs 'model': the model data as a JSON object"),
    ('{"op": "load", "model": {}, "version": 3}', "RequestError",
     "'version' must be a string or null"),
    ("[" * 100_000, "RequestError", None),
])
def test_bad_requests(request_json: str, kind: str, message: str | None) -> None:
    reply = call(request_json)
    assert reply["ok"] is False
    assert reply["error"]["type"] == kind
    if message is not None:
        assert reply["error"]["message"] == message


def test_a_quiz_for_a_model_the_page_did_not_load(loaded: str) -> None:
    """The page loaded a model file that holds another model: say so, with the fix. (The
    process may have loaded other models before, so only the one this test loaded is named.)"""
    reply = call({"op": "recommend", "model": "nope"})
    assert reply["ok"] is False
    assert reply["error"]["type"] == "RequestError"
    message = reply["error"]["message"]
    assert message.startswith("this quiz is for the model 'nope', but the model file the page "
                              "loaded holds ")
    assert f"'{loaded}'" in message
    assert message.endswith(": the site's files do not match each other (a model file was "
                            "replaced, or a page is left from another build). Fix: build the "
                            "site again and publish all of it")


def test_a_request_that_is_not_a_string() -> None:
    reply = json.loads(handle(b"{}"))  # type: ignore[arg-type]
    assert reply["error"] == {"type": "RequestError",
                              "message": "a request must be a JSON string, not bytes"}


def test_strict_answers_fail_with_answer_error(loaded: str) -> None:
    reply = call({"op": "recommend", "model": loaded, "answers": {"owner": "ops"}})
    assert reply == {"ok": False, "error": {
        "type": "AnswerError",
        "message": "unknown choice 'ops' for question 'owner'; valid choices: devops, ml, "
                   "platform"}}


def test_lenient_must_be_a_boolean(loaded: str) -> None:
    reply = call({"op": "recommend", "model": loaded, "answers": {}, "lenient": "yes"})
    assert reply["error"] == {"type": "RequestError", "message": "'lenient' must be true or false"}


def test_a_broken_model_lists_its_problems(guide_data: dict[str, Any]) -> None:
    broken = {**guide_data, "rules": [{**guide_data["rules"][0], "recommend": "nope"}]}
    reply = call({"op": "load", "model": broken})
    assert reply["ok"] is False
    assert reply["error"]["type"] == "ModelError"
    assert reply["error"]["message"] == (
        "rules[0].recommend: unknown option 'nope' (fix: use one of: codepipeline, "
        "sagemaker-pipelines, step-functions)")


def test_unexpected_failures_become_internal_errors(monkeypatch: pytest.MonkeyPatch,
                                                    loaded: str) -> None:
    def explode(*_: object, **__: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("advisor.web.recommend", explode)
    reply = call({"op": "recommend", "model": loaded, "answers": {}})
    assert reply == {"ok": False, "error": {"type": "InternalError",
                                            "message": "ZeroDivisionError: division by zero"}}
    assert "Traceback" not in json.dumps(reply)


def test_many_bad_url_pairs_are_capped_once_and_counted(loaded: str) -> None:
    """160 bad pairs (80 repeats, 80 unknown questions) once gave 102 entries, two of them
    English summaries the page had to parse: now one list capped once, and a count."""
    pairs = [["complexity", "simple"]]
    pairs += [["complexity", "branching"]] * 80 + [[f"q{i}", "x"] for i in range(80)]
    reply = call({"op": "recommend", "model": loaded, "lenient": True, "answers": pairs})
    assert reply["ok"] is True
    assert reply["ignored_total"] == 160
    assert len(reply["ignored"]) == 50
    assert not any("more entries" in i["reason"] for i in reply["ignored"])
    assert reply["answers"] == {"complexity": "simple"}


def test_progress_carries_of_at_most(loaded: str) -> None:
    reply = call({"op": "recommend", "model": loaded, "answers": {"complexity": "simple"}})
    progress = reply["result"]["progress"]
    assert progress["total_max"] == progress["answered"] + progress["remaining_max"]


def _source(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def test_a_model_held_from_the_same_file_is_reused_with_the_new_version(
    guide_data: dict[str, Any],
) -> None:
    source = _source(guide_data)
    first = call({"op": "load", "model": guide_data, "version": "old", "source": source})
    assert first["ok"] is True
    assert first["reused"] is False
    again = call({"op": "load", "source": source, "version": "abc1234 2026-12-01",
                  "expect": "test-guide"})
    assert again == {**first, "reused": True}
    answers = {"complexity": "simple", "owner": "devops"}
    reply = call({"op": "recommend", "model": "test-guide", "answers": answers, "lenient": False})
    assert reply["result"]["decision_record"].endswith("Guide version: abc1234 2026-12-01\n")


def test_a_load_by_an_unknown_source_asks_for_the_model(guide_data: dict[str, Any]) -> None:
    reply = call({"op": "load", "source": "0" * 64, "version": None})
    assert reply["ok"] is False
    assert reply["error"]["type"] == "UnknownSource"
    bad = call({"op": "load", "source": "not a digest", "version": None, "model": guide_data})
    assert bad["error"]["type"] == "RequestError"
    assert "SHA-256" in bad["error"]["message"]


def test_a_model_reloaded_from_another_file_forgets_the_first_file(
    guide_data: dict[str, Any],
) -> None:
    first = _source(guide_data)
    call({"op": "load", "model": guide_data, "version": None, "source": first})
    changed = {**guide_data, "title": "Another title"}
    assert call({"op": "load", "model": changed, "version": None,
                 "source": _source(changed)})["ok"] is True
    reply = call({"op": "load", "source": first, "version": None})
    assert reply["error"]["type"] == "UnknownSource"


def test_a_held_source_still_checks_the_expected_model(guide_data: dict[str, Any]) -> None:
    source = _source(guide_data)
    call({"op": "load", "model": guide_data, "version": None, "source": source})
    reply = call({"op": "load", "source": source, "version": None, "expect": "other"})
    assert reply["ok"] is False
    assert "this quiz is for the model 'other'" in reply["error"]["message"]
