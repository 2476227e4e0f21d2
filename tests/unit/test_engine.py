"""recommend(): adaptive asking, first match, ties, explanations, progress, errors."""

from __future__ import annotations

import json

import pytest

from advisor import AdvisorError, AnswerError, Model, recommend
from tests.unit.helpers import build

RESULT_KEYS = {
    "model", "complete", "path", "unused", "next_question", "progress", "recommendation", "tie",
    "rule", "trace", "why_not", "what_would_change", "caveats",
}


def asked(result_dict: dict[str, object]) -> list[str]:
    path = result_dict["path"]
    assert isinstance(path, list)
    return [step["question"] for step in path]


# --------------------------------------------------------------------------- adaptive asking


def test_first_question_of_the_guide(guide: Model) -> None:
    result = recommend(guide, {}).to_dict()
    assert result["complete"] is False
    assert result["next_question"] == {
        "id": "complexity", "text": "How complex is the workflow?", "help": "Count the branches.",
        "choices": [{"id": "simple", "label": "A straight line of steps", "help": ""},
                    {"id": "branching", "label": "Branches, retries or parallel steps",
                     "help": ""}],
    }
    assert result["progress"] == {"answered": 0, "remaining_max": 4, "total_max": 4}
    assert result["recommendation"] == []
    assert result["rule"] is None
    assert result["tie"] is None
    assert "decision_record" not in result


def test_asks_only_what_can_change_the_outcome(guide: Model) -> None:
    result = recommend(guide, {"complexity": "simple", "owner": "devops"}).to_dict()
    assert result["complete"] is True
    assert asked(result) == ["complexity", "owner"]  # gpu and services never asked
    assert [o["id"] for o in result["recommendation"]] == ["codepipeline"]
    assert result["rule"] == {
        "id": "devops-simple",
        "because": "A straight line of steps is what DevOps engineers already run in "
                   "CodePipeline.",
        "sources": [{"source": "article",
                     "title": "Machine learning pipelines at AWS - which service should I use?",
                     "url": "https://www.chaosgears.com/blog/machine-learning-pipelines-at-aws-"
                            "which-service-should-i-use",
                     "section": ""}],
        "lead": "A straight line of steps is what DevOps engineers already run in "
                "CodePipeline.",
        "rest": ""}
    assert result["next_question"] is None
    assert result["progress"] == {"answered": 2, "remaining_max": 0, "total_max": 2}


def test_skips_questions_the_remaining_rules_ignore(guide: Model) -> None:
    # For data scientists only `services` still matters: `gpu` is skipped.
    result = recommend(guide, {"complexity": "branching", "owner": "ml"})
    assert result.next_question is not None
    assert result.next_question.id == "services"
    assert result.remaining_max == 1


def test_first_rule_that_matches_decides() -> None:
    model = build({"a": ["x", "y"], "b": ["x", "y"]}, [
        {"id": "first", "when": {"a": "x"}, "recommend": "one"},
        {"id": "second", "when": {"a": "x", "b": "x"}, "recommend": "two"},
        {"id": "rest", "recommend": "three"},
    ])
    result = recommend(model, {"a": "x", "b": "x"})
    assert result.rule is not None
    assert result.rule.id == "first"
    assert [o.id for o in result.recommendation] == ["one"]
    assert [s.question.id for s in result.path] == ["a"]
    assert result.unused == ("b",)


def test_questions_are_asked_in_model_order_when_both_matter() -> None:
    model = build({"b": ["x", "y"], "a": ["x", "y"]}, [
        {"id": "ab", "when": {"a": "x", "b": "x"}, "recommend": "one"},
        {"id": "rest", "recommend": "two"},
    ])
    assert recommend(model, {}).next_question.id == "b"  # type: ignore[union-attr]


def test_a_question_that_cannot_change_anything_is_not_asked_first() -> None:
    model = build({"early": ["x", "y"], "late": ["x", "y"]}, [
        {"id": "e", "when": {"early": "x", "late": "x"}, "recommend": "one"},
        {"id": "l", "when": {"late": "x"}, "recommend": "one"},
        {"id": "rest", "recommend": "two"},
    ])
    # "early" changes nothing: late=x gives one either way, late=y gives two.
    result = recommend(model, {"early": "x", "late": "y"})
    assert [s.question.id for s in result.path] == ["late"]
    assert result.unused == ("early",)


def test_stops_when_the_outcome_is_fixed_before_any_rule_is_satisfied() -> None:
    model = build({"a": ["x", "y"], "b": ["x", "y"]}, [
        {"id": "ax-bx", "when": {"a": "x", "b": "x"}, "recommend": "one"},
        {"id": "ax-by", "when": {"a": "x", "b": "y"}, "recommend": "one"},
        {"id": "rest", "recommend": "two"},
    ])
    result = recommend(model, {"a": "x"})
    data = result.to_dict()
    assert data["complete"] is True
    assert asked(data) == ["a"]
    assert [o["id"] for o in data["recommendation"]] == ["one"]
    # No rule is satisfied by a=x alone: the first rule that decides on some completion.
    assert data["rule"]["id"] == "ax-bx"
    assert data["trace"] == [{"question": "a", "question_text": "A?", "choice": "x",
                              "choice_label": "X", "rule": "ax-bx"}]


def test_prefers_a_satisfied_rule_when_several_lead_to_the_outcome() -> None:
    model = build({"a": ["x", "y"], "b": ["x", "y"]}, [
        {"id": "ax-bx", "when": {"a": "x", "b": "x"}, "recommend": "one"},
        {"id": "ax", "when": {"a": "x"}, "recommend": "one"},
        {"id": "rest", "recommend": "two"},
    ])
    result = recommend(model, {"a": "x", "b": "y"})
    assert result.complete
    assert [s.question.id for s in result.path] == ["a"]
    assert result.rule is not None
    assert result.rule.id == "ax"
    assert [(s.question.id, r.id) for s, r in result.trace] == [("a", "ax")]


def test_xor_rules_fall_back_to_the_first_live_rule() -> None:
    model = build({"a": ["x", "y"], "b": ["x", "y"]}, [
        {"id": "same-x", "when": {"a": "x", "b": "x"}, "recommend": "one"},
        {"id": "same-y", "when": {"a": "y", "b": "y"}, "recommend": "one"},
        {"id": "rest", "recommend": "two"},
    ])
    # Neither question alone changes the possible outcomes; both are needed.
    first = recommend(model, {})
    assert first.next_question is not None
    assert first.next_question.id == "a"
    assert first.remaining_max == 2
    result = recommend(model, {"a": "y", "b": "x"})
    assert [s.question.id for s in result.path] == ["a", "b"]
    assert result.rule is not None
    assert result.rule.id == "rest"


def test_answers_off_the_path_are_kept_and_used_after_a_change(guide: Model) -> None:
    answers = {"complexity": "simple", "owner": "devops", "services": "many"}
    first = recommend(guide, answers)
    assert first.unused == ("services",)
    changed = recommend(guide, {**answers, "owner": "ml"})
    assert changed.unused == ()
    assert [o.id for o in changed.recommendation] == ["step-functions"]


def test_result_depends_only_on_path_answers(guide: Model) -> None:
    with_extra = recommend(guide, {"complexity": "simple", "owner": "devops", "gpu": "no"})
    without = recommend(guide, {"complexity": "simple", "owner": "devops"})
    a, b = with_extra.to_dict(), without.to_dict()
    assert a.pop("unused") == ["gpu"]
    assert b.pop("unused") == []
    assert a == b


# --------------------------------------------------------------------------- ties


def test_a_tie_lists_every_option_and_what_decides(guide: Model) -> None:
    answers = {"complexity": "simple", "owner": "platform", "gpu": "yes",
               "services": "sagemaker-only"}
    data = recommend(guide, answers).to_dict()
    assert [o["id"] for o in data["recommendation"]] == ["sagemaker-pipelines", "step-functions"]
    assert data["tie"] == {"options": ["sagemaker-pipelines", "step-functions"],
                           "decide": "Pick the one your platform team already operates."}
    assert data["rule"]["id"] == "platform-tie"
    assert [o["option"] for o in data["why_not"]] == ["codepipeline"]
    assert "Either **Amazon SageMaker Pipelines** or **AWS Step Functions**" in (
        data["decision_record"])


def test_tie_options_are_in_model_order_whatever_the_rule_says() -> None:
    model = build({"a": ["x", "y"]}, [
        {"id": "tie", "when": {"a": "x"}, "recommend": ["two", "one"], "decide": "Taste."},
        {"id": "rest", "recommend": "one"},
    ], options=["one", "two"])
    result = recommend(model, {"a": "x"})
    assert [o.id for o in result.recommendation] == ["one", "two"]
    assert result.tie == "Taste."


# --------------------------------------------------------------------------- explanations


def test_why_not_names_the_answer_that_rules_an_option_out(guide: Model) -> None:
    data = recommend(guide, {"complexity": "simple", "owner": "devops"}).to_dict()
    # One reason per option: the author's line, then the reader's own answers as facts: those
    # contradicting its rules first and, for a rule an earlier one pre-empts, the deciding
    # answers it does not share.
    sagemaker = ("It suits data scientists who work in SageMaker; here, DevOps engineers will "
                 "maintain it and you answered \u201cA straight line of steps\u201d.")
    step_functions = ("It pays off when the workflow calls many AWS services; here, DevOps "
                      "engineers will maintain it and you answered \u201cA straight line of "
                      "steps\u201d.")
    assert data["why_not"] == [
        {"option": "sagemaker-pipelines", "name": "Amazon SageMaker Pipelines",
         "reason": sagemaker, "reasons": [sagemaker]},
        {"option": "step-functions", "name": "AWS Step Functions",
         "reason": step_functions, "reasons": [step_functions]},
    ]


def test_why_not_without_author_lines_or_facts_falls_back_to_plain_words() -> None:
    model = build({"a": ["x", "y", "z"]}, [
        {"id": "yz", "when": {"a": ["y", "z"]}, "recommend": "one"},
        {"id": "rest", "recommend": "two"},
    ], options=["one", "two", "three"])
    data = recommend(model, {"a": "x"}).to_dict()
    assert [(w["option"], w["reasons"]) for w in data["why_not"]] == [
        ("one", ["ONE fits other situations; here, you answered \u201cX\u201d."]),
        ("three", ["THREE fits other situations."]),
    ]


def test_why_not_when_an_earlier_rule_decides_names_the_deciding_answers() -> None:
    model = build({"a": ["x", "y"], "b": ["x", "y"]}, [
        {"id": "first", "when": {"a": "x"}, "recommend": "one"},
        {"id": "second", "when": {"b": "x"}, "recommend": "two"},
        {"id": "rest", "recommend": "two"},
    ], options=["one", "two"])
    data = recommend(model, {"a": "x"}).to_dict()
    assert [w["reason"] for w in data["why_not"]] == [
        "TWO fits other situations; here, you answered \u201cX\u201d."]


def test_why_not_names_first_the_answers_that_made_an_earlier_rule_win() -> None:
    # Option two's rule 'late' holds, but 'first' decides before it: Q1 is why two lost, so
    # it comes before P1, which only rules out two's other rule.
    model = build({"p": ["p1", "p2"], "q": ["q1", "q2"]}, [
        {"id": "blocked", "when": {"p": "p2"}, "recommend": "two"},
        {"id": "first", "when": {"q": "q1"}, "recommend": "one"},
        {"id": "late", "when": {"p": "p1"}, "recommend": "two"},
        {"id": "rest", "recommend": "one"},
    ], options=["one", "two"])
    data = recommend(model, {"p": "p1", "q": "q1"}).to_dict()
    assert [w["reason"] for w in data["why_not"]] == [
        "TWO fits other situations; here, you answered \u201cQ1\u201d and you answered "
        "\u201cP1\u201d."]


def test_why_not_names_a_near_miss_before_a_rule_that_never_applied() -> None:
    # 'near' fails only on B1, with its other two conditions met; 'far' fails on A1 alone.
    # Both answers rule out one rule each: the near miss comes first, though asked last.
    model = build({"a": ["a1", "a2"], "c": ["c1", "c2"], "d": ["d1", "d2"], "b": ["b1", "b2"]}, [
        {"id": "far", "when": {"a": "a2"}, "recommend": "two"},
        {"id": "near", "when": {"c": "c1", "d": "d1", "b": "b2"}, "recommend": "two"},
        {"id": "rest", "recommend": "one"},
    ], options=["one", "two"])
    data = recommend(model, {"a": "a1", "c": "c1", "d": "d1", "b": "b1"}).to_dict()
    assert asked(data) == ["a", "c", "d", "b"]
    assert [w["reason"] for w in data["why_not"]] == [
        "TWO fits other situations; here, you answered \u201cB1\u201d and you answered "
        "\u201cA1\u201d."]


def test_why_not_while_incomplete_covers_only_options_already_ruled_out(guide: Model) -> None:
    result = recommend(guide, {"complexity": "branching"})
    assert not result.complete
    assert [w.option.id for w in result.why_not] == ["codepipeline"]
    assert result.why_not[0].reasons == (
        "AWS CodePipeline fits other situations; here, you answered \u201cBranches, retries or "
        "parallel steps\u201d.",)


def test_no_rule_id_in_any_reader_text(guide: Model) -> None:
    rule_ids = [r.id for r in guide.rules]
    for answers in ({"complexity": "simple", "owner": "devops"},
                    {"complexity": "branching", "owner": "platform", "gpu": "yes",
                     "services": "many"},
                    {"complexity": "branching", "owner": "ml", "services": "many"}):
        result = recommend(guide, answers)
        texts = [w.reason for w in result.why_not] + [result.decision_record()]
        for text in texts:
            for rule_id in rule_ids:
                assert rule_id not in text, (rule_id, text)


def test_what_would_change(guide: Model) -> None:
    data = recommend(guide, {"complexity": "simple", "owner": "ml",
                             "services": "sagemaker-only"}).to_dict()
    assert [o["id"] for o in data["recommendation"]] == ["sagemaker-pipelines"]
    changes = [(c["question"], c["from"], c["to"], c["outcome"], c["decided"])
               for c in data["what_would_change"]]
    assert changes == [
        ("owner", "ml", "devops", ["codepipeline"], True),
        ("owner", "ml", "platform", ["sagemaker-pipelines", "step-functions"], False),
        ("services", "sagemaker-only", "many", ["step-functions"], True),
    ]
    first = data["what_would_change"][0]
    assert first == {
        "question": "owner", "question_text": "Who will maintain it?", "from": "ml",
        "from_label": "Data scientists", "to": "devops", "to_label": "DevOps engineers",
        "outcome": ["codepipeline"], "outcome_names": ["AWS CodePipeline"], "decided": True}


def test_what_would_change_leaves_out_changes_with_the_same_outcome() -> None:
    model = build({"a": ["x", "y", "z"]}, [
        {"id": "x", "when": {"a": "x"}, "recommend": "one"},
        {"id": "y", "when": {"a": "y"}, "recommend": "two"},
        {"id": "rest", "recommend": "one"},
    ])
    result = recommend(model, {"a": "x"})
    assert [(c.to_choice.id, [o.id for o in c.outcome]) for c in result.what_would_change] == [
        ("y", ["two"])]


def test_caveats_shown_only_when_the_path_answers_meet_them(guide: Model) -> None:
    shown = recommend(guide, {"complexity": "simple", "owner": "devops", "gpu": "yes"})
    # gpu is not on the path (the quiz never asked it), so the GPU caveat does not apply to the
    # reader's answers: a caveat shows only when every condition of its `when` is answered.
    assert [c.text for _, c in shown.caveats] == ["Only linear flows."]
    hidden = recommend(guide, {"complexity": "branching", "owner": "ml",
                               "services": "sagemaker-only"})
    assert [o.id for o in hidden.recommendation] == ["sagemaker-pipelines"]
    assert hidden.caveats == ()  # "Only SageMaker steps." needs services=many
    met = recommend(guide, {"complexity": "branching", "owner": "platform", "gpu": "no",
                            "services": "many"})
    assert [o.id for o in met.recommendation] == ["step-functions"]


def test_caveats_carry_their_citations(guide: Model) -> None:
    data = recommend(guide, {"complexity": "simple", "owner": "devops"}).to_dict()
    assert data["caveats"] == [{
        "option": "codepipeline", "text": "Only linear flows.",
        "sources": [{"source": "article",
                     "title": "Machine learning pipelines at AWS - which service should I use?",
                     "url": "https://www.chaosgears.com/blog/machine-learning-pipelines-at-aws-"
                            "which-service-should-i-use", "section": ""}]}]
    record = recommend(guide, {"complexity": "simple", "owner": "devops"}).decision_record()
    assert ("- AWS CodePipeline: Only linear flows. ([Machine learning pipelines at AWS - which "
            "service should I use?](https://www.chaosgears.com/blog/machine-learning-pipelines-"
            "at-aws-which-service-should-i-use))") in record
    assert "## Sources" in record


def test_decision_record(guide: Model) -> None:
    result = recommend(guide, {"complexity": "simple", "owner": "devops"}, version="abc1234")
    record = result.decision_record()
    assert record.startswith("# Decision: AWS CodePipeline\n")
    for part in ("## Context", "- Who will maintain it? — DevOps engineers", "## Decision",
                 "We use **AWS CodePipeline**", "## Reasons", "## Alternatives considered",
                 "- **AWS Step Functions**: ", "## Caveats", "Guide version: abc1234"):
        assert part in record
    assert result.to_dict()["decision_record"] == record
    assert "Guide version: v2" in result.decision_record("v2")
    assert "Guide version: unknown" in recommend(
        guide, {"complexity": "simple", "owner": "devops"}).decision_record()


def test_no_decision_record_while_incomplete(guide: Model) -> None:
    with pytest.raises(AdvisorError, match="no decision yet"):
        recommend(guide, {}).decision_record()


def test_a_model_without_catch_all_can_end_with_no_recommendation() -> None:
    model = build({"a": ["x", "y"]}, [{"id": "x", "when": {"a": "x"}, "recommend": "one"}])
    data = recommend(model, {"a": "y"}).to_dict()
    assert data["complete"] is True
    assert data["recommendation"] == []
    assert data["rule"] is None
    assert data["trace"] == []
    assert "no recommendation" in data["decision_record"]


# --------------------------------------------------------------------------- the dict contract


def test_to_dict_has_exactly_the_contract_keys(guide: Model) -> None:
    incomplete = recommend(guide, {}).to_dict()
    assert set(incomplete) == RESULT_KEYS
    complete = recommend(guide, {"complexity": "simple", "owner": "devops"}).to_dict()
    assert set(complete) == RESULT_KEYS | {"decision_record"}
    assert json.loads(json.dumps(complete)) == complete
    assert set(complete["path"][0]) == {"question", "question_text", "choice", "choice_label"}
    assert set(complete["trace"][0]) == {"question", "question_text", "choice", "choice_label",
                                         "rule"}
    assert set(complete["why_not"][0]) == {"option", "name", "reason", "reasons"}
    assert set(complete["what_would_change"][0]) == {
        "question", "question_text", "from", "from_label", "to", "to_label", "outcome",
        "outcome_names", "decided"}
    assert set(complete["caveats"][0]) == {"option", "text", "sources"}
    assert set(complete["caveats"][0]["sources"][0]) == {"source", "title", "url", "section"}
    assert set(complete["recommendation"][0]) == {"id", "name", "summary", "sources"}


# --------------------------------------------------------------------------- bad answers


@pytest.mark.parametrize(("answers", "message"), [
    ({"colour": "red"}, "unknown question 'colour'; valid questions: complexity, owner, gpu, "
                        "services"),
    ({"owner": "ops"}, "unknown choice 'ops' for question 'owner'; valid choices: devops, ml, "
                       "platform"),
    ({"gpu": True}, "the answer to 'gpu' must be a choice id (a string), not bool True"),
    ({1: "x"}, "question ids must be strings, not int 1"),
    (["owner"], "answers must be a mapping of question id to choice id, not list"),
    ({"owner": "x" * 500}, "unknown choice '" + "x" * 39 + "…' for question 'owner'; valid "
                           "choices: devops, ml, platform"),
])
def test_bad_answers_raise_one_clear_line(guide: Model, answers: object, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        recommend(guide, answers)  # type: ignore[arg-type]
    assert str(info.value) == message
    assert "\n" not in str(info.value)
    assert isinstance(info.value, AdvisorError)


@pytest.mark.parametrize(("because", "lead", "rest"), [
    ("One. Two is here.", "One.", "Two is here."),
    ("Only one sentence, e.g. this one.", "Only one sentence, e.g. this one.", ""),
    ("It says “go.” Then\n  more.", "It says “go.”", "Then more."),
    ("Why? Because.", "Why?", "Because."),
])
def test_the_rule_reason_comes_with_its_first_sentence(because: str, lead: str,
                                                        rest: str) -> None:
    """The quiz's summary shows one sentence of why; the engine says which, once."""
    model = build(questions={"q": ["a", "b"]}, options=["x", "y"],
                  rules=[{"id": "r1", "when": {"q": "a"}, "recommend": "x", "because": because},
                         {"id": "r2", "recommend": "y"}])
    rule = recommend(model, {"q": "a"}).to_dict()["rule"]
    assert (rule["because"], rule["lead"], rule["rest"]) == (because, lead, rest)
