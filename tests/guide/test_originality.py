"""The guide is written in its own words: no run of six words copied from the source article.

Section names, the article's title and address and lists of product names are exempt; short
quoted terms stay under six words. The article is read from `../shared/reference/` beside the
repository; where it is missing the test is skipped, except under `CI=true`, where it fails: a
CI run must not pass by testing nothing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT.parent / "shared" / "reference" / "ml-pipelines-at-aws-article.txt"
RUN = 6
AUTHORED = (
    "docs/index.md",
    "docs/why-orchestration.md",
    "docs/choosing-a-tool.md",
    "docs/patterns.md",
    "docs/beyond-aws.md",
    "docs/models/orchestration.yml",
    "docs/models/adoption.yml",
    "tests/scenarios.yml",
)
EXEMPT = (
    "Machine learning pipelines at AWS — which service should I use?",
    "The less tools, the better",
    "It is all about the happiness",
    "Familiar is simple, simple becomes easy",
    "An algorithm to help you choose",
    "Hey, what about Airflow?",
    "SageMaker Pipelines, Step Functions and CodePipeline",
    # The article's address, whose path is its title.
    "https://www.chaosgears.com/blog/machine-learning-pipelines-at-aws-which-service-should-i-use",
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def article_runs(path: Path = ARTICLE) -> set[tuple[str, ...]]:
    """The article's runs of words; a skip where it is missing, a failure under CI."""
    if not path.is_file():
        message = f"the reference copy of the article is missing: {path}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: put it there before the tests run)")
        pytest.skip(message)
    return _runs(_words(path.read_text(encoding="utf-8")))


def test_a_missing_article_fails_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="article is missing"):
        article_runs(tmp_path / "nowhere.txt")


@pytest.mark.parametrize("name", AUTHORED)
def test_no_copied_runs_of_words(name: str) -> None:
    article = article_runs()
    text = re.sub(r"\s+", " ", (ROOT / name).read_text(encoding="utf-8"))
    for phrase in EXEMPT:
        text = text.replace(phrase, " | ")
    # Split at the exemptions so no run spans one.
    copied = sorted(
        " ".join(run) for part in text.split(" | ") for run in _runs(_words(part)) & article
    )
    assert not copied, f"{name} repeats the article word for word: {copied}"
