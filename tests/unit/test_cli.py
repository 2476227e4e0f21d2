"""python -m advisor, run as a subprocess: exit codes, output formats, piped `ask`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor import cli
from tests.unit.helpers import GUIDE, REPO

BROKEN = REPO / "tests" / "broken_models"


def run(*args: str, stdin: str = "", cwd: Path = REPO,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100", **(env or {})}
    return subprocess.run([sys.executable, "-m", "advisor", *args], input=stdin, cwd=cwd,
                          capture_output=True, text=True, env=full_env, timeout=60, check=False)


def test_recommend_json_has_the_contract_keys() -> None:
    done = run("--model", str(GUIDE), "recommend", "--answer", "complexity=simple",
               "--answer", "owner=devops", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"model", "complete", "path", "unused", "next_question", "progress",
                         "recommendation", "tie", "rule", "trace", "why_not",
                         "what_would_change", "caveats", "decision_record"}
    assert data["recommendation"][0]["id"] == "codepipeline"


def test_recommend_text_comes_in_titled_sections() -> None:
    done = run("--model", str(GUIDE), "recommend", "--answer", "complexity=simple",
               "--answer", "owner=devops")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:7] == [
        "Recommendation",
        "--------------",
        "AWS CodePipeline: CI/CD pipelines that can also run simple training jobs.",
        "",
        "Why",
        "---",
        "A straight line of steps is what DevOps engineers already run in CodePipeline.",
    ]
    titles = [line for line, under in zip(done.stdout.splitlines(),
                                          done.stdout.splitlines()[1:], strict=False)
              if under and set(under) == {"-"} and len(under) == len(line)]
    assert titles == ["Recommendation", "Why", "Answers that decided it", "Why not the others",
                      "What would change it", "Caveats"]


@pytest.mark.parametrize("columns", [40, 72, 120])
def test_text_output_is_wrapped_to_the_terminal_width(columns: int) -> None:
    env = {"COLUMNS": str(columns)}
    outputs = [
        run("--model", str(GUIDE), "recommend", "--answer", "complexity=simple",
            "--answer", "owner=devops", env=env).stdout,
        run("recommend", "--answer", "scale=no", env=env).stdout,
        run("paths", env=env).stdout,
        run("--model", str(GUIDE), "ask", stdin="1\n1\n", env=env).stdout,
    ]
    for out in outputs:
        lines = out.splitlines()
        assert len(lines) > 10
        assert max(len(line) for line in lines) <= columns
    # wide terminals get long lines, not the same 80-column text
    assert (max(len(line) for line in outputs[2].splitlines()) > 80) is (columns > 80)


def test_recommend_incomplete_names_the_next_question() -> None:
    done = run("--model", str(GUIDE), "recommend", "--answer", "complexity=branching")
    assert done.returncode == 0
    assert done.stdout.splitlines()[:5] == [
        "Not decided yet",
        "---------------",
        "Next question: Who will maintain it? (owner)",
        "  choices: devops, ml, platform",
        "At most 3 more questions.",
    ]


def test_recommend_with_too_few_answers_lists_the_questions_still_open() -> None:
    done = run("--model", str(GUIDE), "recommend", "--answer", "complexity=branching")
    out = done.stdout
    assert "What would change it" not in out
    still_open = out.split("Questions still open\n--------------------\n")[1].splitlines()
    assert still_open == [
        "- Who will maintain it? (owner: devops, ml, platform)",
        "- Do steps need GPUs? (gpu: yes, no)",
        "- Which AWS services does the workflow call? (services: sagemaker-only, many)",
    ]
    # data scientists on a branching flow: GPUs no longer matter, only the services do
    ml = run("--model", str(GUIDE), "recommend", "--answer", "complexity=branching",
             "--answer", "owner=ml").stdout
    assert ml.split("Questions still open\n--------------------\n")[1].splitlines() == [
        "- Which AWS services does the workflow call? (services: sagemaker-only, many)",
    ]
    nothing = run("--model", str(GUIDE), "recommend").stdout
    assert "- How complex is the workflow? (complexity: simple, branching)" in nothing
    assert "What would change it" not in nothing


def test_every_subcommand_describes_itself_in_help() -> None:
    top = run("--help").stdout
    commands = ["ask", "questions", "recommend", "check", "paths", "diff"]
    for command in commands:
        assert f"    {command} " in top  # listed with its one-line help
        out = run(command, "--help").stdout
        usage, description = out.split("\n\n")[:2]
        assert usage.startswith(f"usage: advisor {command}")
        assert not description.startswith(("options:", "positional arguments:"))
        assert len(description.split()) >= 12, (command, description)


@pytest.mark.parametrize(("args", "message"), [
    (["recommend", "--answer", "owner=ops"],
     "advisor: error: unknown choice 'ops' for question 'owner'; valid choices: devops, ml, "
     "platform"),
    (["recommend", "--answer", "owner"],
     "advisor: error: --answer expects QID=CHOICE, got 'owner'"),
    (["recommend", "--answer", "owner=ml", "--answer", "owner=devops"],
     "advisor: error: question 'owner' is answered twice"),
    (["paths", "--format", "xml"], "advisor paths: error: argument --format: invalid choice: "
                                   "'xml' (choose from *"),
    (["fly"], "advisor: error: argument COMMAND: invalid choice: 'fly' (choose from *"),
])
def test_bad_input_is_one_line_and_status_2(args: list[str], message: str) -> None:
    done = run("--model", str(GUIDE), *args)
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    if message.endswith("*"):  # argparse's wording of the choices differs between versions
        assert line.startswith(message[:-1])
        assert line.endswith(" (see --help)")
    else:
        assert line == message


def test_missing_model_file() -> None:
    done = run("--model", "nowhere.yml", "questions")
    assert done.returncode == 2
    assert done.stderr == "advisor: error: model file not found: nowhere.yml (pass --model PATH)\n"


def test_a_broken_model_is_bad_input_for_other_commands() -> None:
    done = run("--model", str(BROKEN / "tie-without-decide.yml"), "questions")
    assert done.returncode == 2
    assert done.stderr == (
        f"advisor: error: {BROKEN / 'tie-without-decide.yml'}:14: rules[0]: a tie (recommend "
        "lists several options) needs 'decide' (fix: add decide: what decides between the tied "
        f"options); run: python -m advisor check {BROKEN / 'tie-without-decide.yml'}\n")


def test_check_ok() -> None:
    done = run("check", str(GUIDE))
    assert done.returncode == 0
    assert done.stdout == (f"{GUIDE}: ok (4 questions, 3 options, 5 rules, 15 answer paths)\n")


def test_check_failures_exit_1_with_one_problem_per_line() -> None:
    done = run("check", "shadowed-rule.yml", "empty.yml", "choice-changes-nothing.yml",
               cwd=BROKEN)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines == [
        "shadowed-rule.yml:10: questions[1]: question 'speed' is never asked: no answer path "
        "needs it (fix: the rules that name it (small-fast) decide without it: check their "
        "conditions, or remove the question)",
        "shadowed-rule.yml:18: options[2]: option 'three' is never recommended: no answer path "
        "ends with it (fix: the rules that recommend it (small-fast) never decide: fix them, or "
        "remove the option)",
        "shadowed-rule.yml:22: rules[2]: rule 'small-fast' can never decide: earlier rules "
        "(small) always decide first for the answers it matches (fix: move it above them, narrow "
        "their conditions, or remove it)",
        "empty.yml:1: the file is empty (fix: write a model: see docs/authoring.md for the "
        "format)",
        "choice-changes-nothing.yml:9: questions[0].choices[1]: warning: choice 'medium' of "
        "question 'size' changes nothing: wherever the question is asked it leads to the same "
        "recommendations as 'small' (fix: merge it with 'small', or add the rule that tells them "
        "apart)",
        "choice-changes-nothing.yml: ok (1 questions, 2 options, 2 rules, 3 answer paths)",
    ]


def test_warnings_alone_do_not_fail_check() -> None:
    assert run("check", "choice-changes-nothing.yml", cwd=BROKEN).returncode == 0


def test_ask_with_piped_answers() -> None:
    done = run("--model", str(GUIDE), "ask", stdin="1\nplatform\nbad\n1\n2\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[1 of at most 4] How complex is the workflow?" in out
    assert "  2) Data scientists - People who live in notebooks." in out
    assert "Please type a number from 1 to 2, b to go back or r to restart." in out
    assert "Recommendation\n--------------\nAWS Step Functions" in out
    assert "Why\n---\nStep Functions calls almost any AWS service." in out


def test_ask_goes_back_with_b_and_restarts_with_r() -> None:
    # simple -> back -> back again (nothing before) -> branching -> restart -> simple, devops
    done = run("--model", str(GUIDE), "ask", stdin="1\nb\nb\n2\nr\n1\n1\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    questions = [line for line in out.splitlines() if line.startswith("[")]
    assert questions == [
        "[1 of at most 4] How complex is the workflow?",
        "[2 of at most 4] Who will maintain it?",  # after "simple"
        "[1 of at most 4] How complex is the workflow?",  # b
        "[1 of at most 4] How complex is the workflow?",  # b with nothing to undo
        "[2 of at most 4] Who will maintain it?",  # after "branching"
        "[1 of at most 4] How complex is the workflow?",  # r
        "[2 of at most 4] Who will maintain it?",
    ]
    assert "nothing to go back to" in out
    assert "Starting again." in out
    # the restart forgot "branching": the answer is the simple flow's
    assert "Recommendation\n--------------\nAWS CodePipeline" in out
    decided = out.split("Answers that decided it")[1].split("Why not the others")[0]
    assert "A straight line of steps" in decided
    assert "Branches, retries" not in decided
    # back replaces the answer: branching, then back and a simple flow with DevOps
    back = run("--model", str(GUIDE), "ask", stdin="2\nb\n1\n1\n")
    assert back.returncode == 0, back.stderr
    assert "Recommendation\n--------------\nAWS CodePipeline" in back.stdout


def test_ask_stops_with_status_2_when_input_ends() -> None:
    done = run("--model", str(GUIDE), "ask", stdin="1\n")
    assert done.returncode == 2
    assert done.stderr == "advisor: error: input ended before the quiz finished\n"


def test_questions_json() -> None:
    done = run("--model", str(GUIDE), "questions", "--format", "json")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert [q["id"] for q in data] == ["complexity", "owner", "gpu", "services"]
    assert data[0]["choices"][0] == {"id": "simple", "label": "A straight line of steps",
                                     "help": ""}


def test_questions_text() -> None:
    done = run("--model", str(GUIDE), "questions")
    assert done.stdout.splitlines()[:3] == [
        "complexity: How complex is the workflow?",
        "  simple: A straight line of steps",
        "  branching: Branches, retries or parallel steps",
    ]


def test_paths_in_every_format() -> None:
    text = run("--model", str(GUIDE), "paths").stdout
    blocks = text.strip().split("\n\n")
    assert len(blocks) == 15
    assert blocks[0].splitlines() == [
        "1. AWS CodePipeline",
        "   How complex is the workflow? A straight line of steps",
        "   Who will maintain it? DevOps engineers",
    ]
    assert "|" not in text
    tie = next(b for b in blocks if " or, equally, " in b)
    assert "What decides between them:" in tie
    markdown = run("--model", str(GUIDE), "paths", "--format", "markdown").stdout.splitlines()
    assert markdown[:3] == [
        "| # | Answers | Recommendation | Rule |",
        "|---|---------|----------------|------|",
        "| 1 | complexity: A straight line of steps; owner: DevOps engineers | AWS CodePipeline "
        "| devops-simple |",
    ]
    assert len(markdown) == 2 + 15
    csv_lines = run("--model", str(GUIDE), "paths", "--format", "csv").stdout.splitlines()
    assert csv_lines[:2] == ["path,answers,recommendation,rule",
                             "1,complexity=simple; owner=devops,codepipeline,devops-simple"]
    assert "sagemaker-pipelines + step-functions" in csv_lines[4]
    data = json.loads(run("--model", str(GUIDE), "paths", "--format", "json").stdout)
    assert data[0] == {"steps": [{"question": "complexity", "choice": "simple"},
                                 {"question": "owner", "choice": "devops"}],
                       "outcome": ["codepipeline"], "rule": "devops-simple", "decide": None}


def test_default_model_prefers_the_current_directory(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.default_model() == REPO / "docs" / "models" / "orchestration.yml"
    (tmp_path / "docs" / "models").mkdir(parents=True)
    (tmp_path / "docs" / "models" / "orchestration.yml").write_text("id: x\n")
    assert cli.default_model() == tmp_path / "docs" / "models" / "orchestration.yml"


def test_output_cut_short_by_a_closed_pipe_is_not_an_error() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen([sys.executable, "-m", "advisor", "--model", str(GUIDE), "paths"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdout.read(10)
        proc.stdout.close()
        assert proc.wait(timeout=60) == 0
        assert b"Traceback" not in proc.stderr.read()
