"""`python -m advisor diff` between two commits of a guide, between files, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sitetools import ROOT
from tests.versioning.guiderepo import MODEL_V1, MODEL_V2, advisor, git

MODEL = "docs/models/tiny.yml"

EXPECTED_TEXT = """\
Model tiny: HEAD~1 -> HEAD
Questions added: gpu
Choices added: size.medium
Options added: fargate
Options removed: lambda
Rules added: gpu-jobs, medium-jobs
3 answer paths changed recommendation (3 paths before, 5 after):
1. size=small
   before: lambda
   after:  fargate
2. size=large, team=ops
   before: batch
   after:  asks more: gpu next (could end in batch or sagemaker)
3. size=medium
   before: not reachable before: size=medium is new
   after:  batch
"""

EXPECTED_MARKDOWN = (
    "### How the answers change: `tiny`, `HEAD~1` → `HEAD`\n"
    "\n"
    "- **Questions added:** `gpu` (Does it need a GPU?)\n"
    "- **Choices added:** `size.medium` (Medium)\n"
    "- **Options added:** `fargate` (AWS Fargate)\n"
    "- **Options removed:** `lambda` (AWS Lambda)\n"
    "- **Rules added:** `gpu-jobs` (GPU jobs train on SageMaker), `medium-jobs` (Medium jobs "
    "queue well)\n"
    "\n"
    "**3 answer paths changed recommendation (3 paths before, 5 after):**\n"
    "\n"
    "| # | Answers | Before | After |\n"
    "|---|---|---|---|\n"
    "| 1 | `size=small` | AWS Lambda | AWS Fargate |\n"
    "| 2 | `size=large`, `team=ops` | AWS Batch"
    " | asks more: gpu next (could end in AWS Batch or Amazon SageMaker) |\n"
    "| 3 | `size=medium` | not reachable before: size=medium is new | AWS Batch |\n"
)


def test_text_between_two_commits(guide_repo: tuple[Path, dict[str, str]]) -> None:
    repo, _ = guide_repo
    done = advisor(repo, "--model", MODEL, "diff", "HEAD~1", "HEAD")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == EXPECTED_TEXT


def test_markdown_for_a_pull_request(guide_repo: tuple[Path, dict[str, str]]) -> None:
    repo, _ = guide_repo
    done = advisor(repo, "--model", MODEL, "diff", "HEAD~1", "HEAD", "--format", "markdown")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == EXPECTED_MARKDOWN


def test_commit_ids_and_rev_path_name_the_same_versions(
    guide_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, commits = guide_repo
    by_id = advisor(repo, "--model", MODEL, "diff", commits["first"], commits["second"])
    by_path = advisor(repo, "diff", f"HEAD~1:{MODEL}", f"main:{MODEL}")
    assert by_id.returncode == by_path.returncode == 0
    body = EXPECTED_TEXT.split("\n", 1)[1]
    assert by_id.stdout == f"Model tiny: {commits['first']} -> {commits['second']}\n{body}"
    assert by_path.stdout == f"Model tiny: HEAD~1:{MODEL} -> main:{MODEL}\n{body}"


def test_from_a_subdirectory_the_model_path_is_relative_to_it(
    guide_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, _ = guide_repo
    done = advisor(repo / "docs", "--model", "models/tiny.yml", "diff", "HEAD~1", "HEAD")
    assert done.stdout == EXPECTED_TEXT


def test_between_two_files(tmp_path: Path) -> None:
    (tmp_path / "v1.yml").write_text(MODEL_V1, encoding="utf-8")
    (tmp_path / "v2.yml").write_text(MODEL_V2, encoding="utf-8")
    done = advisor(tmp_path, "diff", "v1.yml", "v2.yml")
    assert done.returncode == 0, done.stderr
    assert done.stdout == EXPECTED_TEXT.replace("HEAD~1 -> HEAD", "v1.yml -> v2.yml")


def test_a_file_against_a_revision(guide_repo: tuple[Path, dict[str, str]],
                                   tmp_path: Path) -> None:
    repo, _ = guide_repo
    (tmp_path / "v2.yml").write_text(MODEL_V2, encoding="utf-8")
    done = advisor(repo, "--model", MODEL, "diff", "HEAD", str(tmp_path / "v2.yml"))
    assert done.returncode == 0, done.stderr
    assert "No answer path changed its recommendation (5 paths before, 5 after)." in done.stdout


def test_no_change_exits_zero(guide_repo: tuple[Path, dict[str, str]]) -> None:
    repo, _ = guide_repo
    done = advisor(repo, "--model", MODEL, "diff", "HEAD", "HEAD")
    assert done.returncode == 0
    assert done.stdout == (
        "Model tiny: HEAD -> HEAD\n"
        "No questions, choices, options or rules added or removed.\n"
        "No answer path changed its recommendation (5 paths before, 5 after).\n"
    )


def test_json(guide_repo: tuple[Path, dict[str, str]]) -> None:
    repo, _ = guide_repo
    done = advisor(repo, "--model", MODEL, "diff", "HEAD~1", "HEAD", "--format", "json")
    data = json.loads(done.stdout)
    assert data["before"] == "HEAD~1"
    assert data["questions_added"] == ["gpu"]
    assert data["changes"][1] == {
        "answers": [{"question": "size", "choice": "large"},
                    {"question": "team", "choice": "ops"}],
        "origin": "before",
        "before": {"kind": "decided", "options": ["batch"]},
        "after": {"kind": "open", "next_question": "gpu", "possible": [["batch"], ["sagemaker"]]},
    }


@pytest.mark.parametrize(("args", "message"), [
    (["diff", "nope", "HEAD"],
     "advisor: error: 'nope' is neither a file nor a git revision (no commit 'nope')"),
    (["--model", "docs/models/other.yml", "diff", "HEAD~1", "HEAD"],
     "advisor: error: no model at HEAD~1:docs/models/other.yml: the file does not exist in that "
     "revision (pass --model PATH)"),
    (["diff", "HEAD"], "advisor diff: error: the following arguments are required: B "
     "(see --help)"),
])
def test_bad_input_is_one_line_and_exit_2(guide_repo: tuple[Path, dict[str, str]],
                                          args: list[str], message: str) -> None:
    repo, _ = guide_repo
    done = advisor(repo, "--model", MODEL, *args) if args[0] == "diff" else advisor(repo, *args)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == message + "\n"


def test_outside_git(tmp_path: Path) -> None:
    (tmp_path / "v1.yml").write_text(MODEL_V1, encoding="utf-8")
    done = advisor(tmp_path, "--model", "v1.yml", "diff", "HEAD", "v1.yml")
    assert done.returncode == 2
    assert done.stderr.startswith("advisor: error: 'HEAD' is neither a file nor a git revision (")
    assert done.stderr.count("\n") == 1


def test_a_broken_version_names_revision_file_and_line(
    guide_repo: tuple[Path, dict[str, str]], tmp_path: Path,
) -> None:
    repo, _ = guide_repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    (clone / MODEL).write_text(MODEL_V2.replace("recommend: fargate", "recommend: [fargate]\n"
                                                "    recommend: batch"), encoding="utf-8")
    git(clone, "commit", "-q", "-am", "Broken")
    done = advisor(clone, "--model", MODEL, "diff", "HEAD~1", "HEAD")
    first = MODEL_V2.splitlines().index("    recommend: fargate") + 1
    assert done.returncode == 2
    assert done.stderr == (
        f"advisor: error: the model at HEAD:{MODEL} cannot be read: HEAD:{MODEL}:{first + 1}: "
        f"duplicate key 'recommend' at column 5 (first at line {first}) (fix: remove one of the "
        "two keys)\n")


def test_the_example_on_the_versions_page_is_this_output() -> None:
    page = (ROOT / "docs" / "versions.md").read_text(encoding="utf-8")
    assert f"```text\n{EXPECTED_TEXT}```" in page
