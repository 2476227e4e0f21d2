"""The built guide says which version of the guidance it is, how current, and what changed.

Builds the two-commit guide repository with `mkdocs build --strict` (ADVISOR_TODAY fixed, so
the tests do not age with the calendar)."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from advisor import web
from tests.versioning.guiderepo import MODEL_V2, build, git
from tests.versioning.htmltext import article_text

FOOTER = re.compile(r'<div class="md-copyright__highlight">\s*(.*?)\s*</div>', re.S)


@pytest.fixture(scope="module")
def site(guide_repo: tuple[Path, dict[str, str]],
         tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo, _ = guide_repo
    out = tmp_path_factory.mktemp("versioned-site")
    done = build(repo, out)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return out


def settings(page: Path) -> dict[str, object]:
    found = re.search(r'data-advisor-settings="([^"]*)"', page.read_text(encoding="utf-8"))
    assert found, f"no quiz on {page}"
    data: dict[str, object] = json.loads(html.unescape(found.group(1)))
    return data


def test_every_page_shows_the_commit_and_its_date(
    site: Path, guide_repo: tuple[Path, dict[str, str]],
) -> None:
    _, commits = guide_repo
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 10  # home, 404, matrix, diagram, paths, changes, sources, 3 options
    for page in pages:
        footer = FOOTER.findall(page.read_text(encoding="utf-8"))
        assert footer == [f"Guide version {commits['second']} (2026-03-02)"], page


def test_the_quiz_puts_the_version_into_the_decision_record(
    site: Path, guide_repo: tuple[Path, dict[str, str]],
) -> None:
    """What the browser's worker does: load the model JSON the page names, with the page's
    version, then ask for a recommendation."""
    _, commits = guide_repo
    data = settings(site / "index.html")
    label = f"{commits['second']} (2026-03-02)"
    assert data["version"] == label
    model = json.loads((site / str(data["modelUrl"])).read_text(encoding="utf-8"))
    loaded = json.loads(web.handle(json.dumps({"op": "load", "model": model,
                                               "version": data["version"]})))
    assert loaded["ok"], loaded
    reply = json.loads(web.handle(json.dumps({"op": "recommend", "model": "tiny",
                                              "answers": {"size": "medium"}})))
    record = reply["result"]["decision_record"]
    assert record.startswith("# Decision: AWS Batch\n")
    assert record.endswith(f"\nGuide version: {label}\n")


def test_option_pages_show_when_they_were_reviewed(site: Path) -> None:
    text = article_text((site / "tiny" / "options" / "fargate" / "index.html").read_text())
    assert "Last reviewed against its sources on 2026-03-01." in text.splitlines()


def test_what_changed_page(site: Path, guide_repo: tuple[Path, dict[str, str]]) -> None:
    _, commits = guide_repo
    text = article_text((site / "tiny" / "changes" / "index.html").read_text(encoding="utf-8"))
    assert text == f"""\
What changed: Which service should run our job?
How the advice of this guide changed over time, newest first: for each version of \
docs/models/tiny.yml, which answers now lead to a different recommendation and the reason the \
guide gives now, and which questions, answers and options came or went. This page was generated \
from git when this version of the guide was built: {commits['second']} (2026-03-02).
2 March 2026: advice changed for 3 ways through the quiz
Version {commits['second']} of 2 March 2026. The author's note: “Fargate for small jobs; ask \
about GPUs”
3 ways through the quiz now lead to different advice:
If you answer | Before | Now | Why, now
· How big is the job? Small | AWS Lambda | AWS Fargate | Small jobs run as one container.
· How big is the job? Large · Who runs it? An operations team | AWS Batch | Asks one more \
question first, “Does it need a GPU?”, then AWS Batch or Amazon SageMaker | —
· How big is the job? Medium | Not possible before: the answer “Medium” to “How big is the \
job?” is new | AWS Batch | Medium jobs queue well.
New question: “Does it need a GPU?”
New answer “Medium” to “How big is the job?”
New option: AWS Fargate
Option removed: AWS Lambda
New reason to recommend Amazon SageMaker: “GPU jobs train on SageMaker.”
New reason to recommend AWS Batch: “Medium jobs queue well.”
15 January 2026: the first version of this guide
Version {commits['first']} of 15 January 2026. The author's note: “First version of the guide”
The guide starts here. It asks up to 2 questions and recommends one of 3 options.
How current it is
A person checks every option and every reason for recommending it against the sources and \
records the date. The guide refuses to build when any of them has not been checked for more \
than 365 days.
Last reviewed | Options | Reasons to recommend them
2026-03-01 | AWS Batch, Amazon SageMaker, AWS Fargate | 2 for Amazon SageMaker, 1 for AWS \
Fargate, 2 for AWS Batch"""
    # no rule id anywhere a reader looks
    for rule_id in ("gpu-jobs", "small-jobs", "medium-jobs", "large-ops", "large-ml"):
        assert rule_id not in text


def test_what_changed_is_in_the_models_section_before_its_options(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    nav = page[page.index('class="md-nav md-nav--primary"'):]
    titles = [t.strip() for t in re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>',
                                            nav, re.S)]
    start = titles.index("Which service should run our job?")
    assert titles[start + 1:start + 7] == [
        "Comparison matrix", "Decision diagram", "Every answer path", "What changed",
        "Sources and review", "Options"]


def stale_warning(path: str, what: str) -> str:
    lines = MODEL_V2.splitlines()
    start = lines.index(f"  - id: {what.split(chr(39))[1]}")
    reviewed = next(n for n in range(start, len(lines)) if "reviewed:" in lines[n]) + 1
    return (f"WARNING -  advisor: docs/models/tiny.yml:{reviewed}: {path}.reviewed: "
            f"{what} was last reviewed on 2026-03-01, 366 days ago (the limit is max_age_days: "
            "365). Fix: re-check it against its sources and update reviewed.")


def test_guidance_older_than_max_age_fails_the_strict_build(
    guide_repo: tuple[Path, dict[str, str]], tmp_path: Path,
) -> None:
    repo, _ = guide_repo
    on_the_day = build(repo, tmp_path / "a", today="2027-03-01")  # 365 days: still fresh
    assert on_the_day.returncode == 0, on_the_day.stderr
    assert "WARNING" not in on_the_day.stderr
    late = build(repo, tmp_path / "b", today="2027-03-02")
    assert late.returncode == 1
    warnings = [line for line in late.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 8, late.stderr
    assert warnings[0] == stale_warning("options[0]", "option 'batch'")
    assert warnings[3] == stale_warning("rules[0]", "rule 'gpu-jobs'")
    assert "Aborted with 8 warnings in strict mode!" in late.stdout + late.stderr


def test_a_bad_advisor_today_is_refused(guide_repo: tuple[Path, dict[str, str]],
                                        tmp_path: Path) -> None:
    repo, _ = guide_repo
    done = build(repo, tmp_path / "a", today="next year")
    assert done.returncode == 1
    assert ("advisor: ADVISOR_TODAY='next year' is not a date. Fix: set it to YYYY-MM-DD, or "
            "unset it to use today's date.") in done.stderr


def test_outside_git_the_build_says_so(guide_repo: tuple[Path, dict[str, str]],
                                       tmp_path: Path) -> None:
    repo, _ = guide_repo
    copy = tmp_path / "export"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git"))
    done = build(copy, tmp_path / "site", env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert FOOTER.findall(index) == ["Guide version unversioned build (not in a git repository)"]
    changes = article_text((tmp_path / "site" / "tiny" / "changes" / "index.html").read_text())
    assert changes.splitlines()[2] == (
        "This copy of the guide was built outside a git repository (or without git), so the "
        "history of its guidance is not available here. The published site shows it.")


def test_uncommitted_changes_are_labelled_and_listed_first(
    guide_repo: tuple[Path, dict[str, str]], tmp_path: Path,
) -> None:
    repo, commits = guide_repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    model = clone / "docs" / "models" / "tiny.yml"
    model.write_text(MODEL_V2.replace("when: {size: medium}\n    recommend: batch",
                                      "when: {size: medium}\n    recommend: sagemaker"))
    done = build(clone, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert FOOTER.findall(index) == [
        f"Guide version {commits['second']} (2026-03-02) with uncommitted changes"]
    text = article_text((tmp_path / "site" / "tiny" / "changes" / "index.html").read_text())
    lines = text.splitlines()
    first = 2  # after the title and the introduction
    assert lines[first:first + 5] == [
        "Not committed yet: advice changed for 1 way through the quiz",
        "Changes in the working copy this site was built from, not in any commit yet.",
        "1 way through the quiz now leads to different advice:",
        "If you answer | Before | Now | Why, now",
        "· How big is the job? Medium | AWS Batch | Amazon SageMaker | Medium jobs queue well.",
    ]
