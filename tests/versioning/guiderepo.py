"""A small guide in a temporary git repository, with two commits that change its model.

Commits use a fixed author, committer and dates, so their hashes are the same on every run:
the tests can compare exact output. The site reuses the project's pinned Pyodide runtime.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.sitetools import ROOT, build_site

RUNTIME = ROOT / "node_modules" / "pyodide"
TODAY = "2026-03-02"  # ADVISOR_TODAY for builds that must not age with the calendar
FIRST_DATE = "2026-01-15T12:00:00+00:00"
SECOND_DATE = "2026-03-02T09:30:00+00:00"

MODEL_V1 = """\
schema: 1
id: tiny
title: Which service should run our job?
sources:
  notes: {title: Our notes, author: The team}
criteria:
  - {id: cost, label: Cost}
questions:
  - id: size
    text: How big is the job?
    choices:
      - {id: small, label: Small}
      - {id: large, label: Large}
  - id: team
    text: Who runs it?
    choices:
      - {id: ops, label: An operations team}
      - {id: ml, label: The ML team}
options:
  - id: lambda
    name: AWS Lambda
    summary: Functions for short jobs.
    strengths: [It is simple.]
    caveats: []
    suits: Teams like ours.
    avoid: [Jobs it does not fit.]
    matrix: {cost: Low}
    sources: [{source: notes, section: Services}]
    reviewed: "2026-01-10"
  - id: batch
    name: AWS Batch
    summary: Queues of container jobs.
    strengths: [It is simple.]
    caveats: []
    suits: Teams like ours.
    avoid: [Jobs it does not fit.]
    matrix: {cost: Low}
    sources: [{source: notes, section: Services}]
    reviewed: "2026-01-10"
  - id: sagemaker
    name: Amazon SageMaker
    summary: Managed training jobs.
    strengths: [It is simple.]
    caveats: []
    suits: Teams like ours.
    avoid: [Jobs it does not fit.]
    matrix: {cost: Low}
    sources: [{source: notes, section: Services}]
    reviewed: "2026-01-10"
rules:
  - id: small-jobs
    when: {size: small}
    recommend: lambda
    because: Small jobs fit in a function.
    reviewed: "2026-01-10"
  - id: large-ops
    when: {size: large, team: ops}
    recommend: batch
    because: Operations teams run queues of containers.
    reviewed: "2026-01-10"
  - id: large-ml
    when: {size: large}
    recommend: sagemaker
    because: The ML team trains on SageMaker.
    reviewed: "2026-01-10"
"""

# The second version: a new question (gpu), a new choice (size: medium), Lambda replaced by
# Fargate for small jobs, and two new rules.
MODEL_V2 = """\
schema: 1
id: tiny
title: Which service should run our job?
sources:
  notes: {title: Our notes, author: The team}
criteria:
  - {id: cost, label: Cost}
questions:
  - id: size
    text: How big is the job?
    choices:
      - {id: small, label: Small}
      - {id: medium, label: Medium}
      - {id: large, label: Large}
  - id: gpu
    text: Does it need a GPU?
    choices:
      - {id: "yes", label: "Yes"}
      - {id: "no", label: "No"}
  - id: team
    text: Who runs it?
    choices:
      - {id: ops, label: An operations team}
      - {id: ml, label: The ML team}
options:
  - id: batch
    name: AWS Batch
    summary: Queues of container jobs.
    strengths: [It is simple.]
    caveats: []
    suits: Teams like ours.
    avoid: [Jobs it does not fit.]
    matrix: {cost: Low}
    sources: [{source: notes, section: Services}]
    reviewed: "2026-03-01"
  - id: sagemaker
    name: Amazon SageMaker
    summary: Managed training jobs.
    strengths: [It is simple.]
    caveats: []
    suits: Teams like ours.
    avoid: [Jobs it does not fit.]
    matrix: {cost: Low}
    sources: [{source: notes, section: Services}]
    reviewed: "2026-03-01"
  - id: fargate
    name: AWS Fargate
    summary: Containers without servers.
    strengths: [It is simple.]
    caveats: []
    suits: Teams like ours.
    avoid: [Jobs it does not fit.]
    matrix: {cost: Low}
    sources: [{source: notes, section: Services}]
    reviewed: "2026-03-01"
rules:
  - id: gpu-jobs
    when: {size: large, gpu: "yes"}
    recommend: sagemaker
    because: GPU jobs train on SageMaker.
    reviewed: "2026-03-01"
  - id: small-jobs
    when: {size: small}
    recommend: fargate
    because: Small jobs run as one container.
    reviewed: "2026-03-01"
  - id: medium-jobs
    when: {size: medium}
    recommend: batch
    because: Medium jobs queue well.
    reviewed: "2026-03-01"
  - id: large-ops
    when: {size: large, team: ops}
    recommend: batch
    because: Operations teams run queues of containers.
    reviewed: "2026-03-01"
  - id: large-ml
    when: {size: large}
    recommend: sagemaker
    because: The ML team trains on SageMaker.
    reviewed: "2026-03-01"
"""

#: The guide's config. Without the build's memory snapshot: each version, and each `today`,
#: would make one of its own (about 7 s each), and nothing here is about it
#: (tests/reliability/test_snapshot_boot.py is). Each version's quiz then boots the stock way
#: and keeps a snapshot in the browser beside the other versions' ones, and
#: tests/versioning/test_quiz_versions.py checks that each still answers with its own model.
MKDOCS_YML = f"""\
site_name: A versioned guide
site_url: https://guide.example.invalid/
docs_dir: docs
strict: true
theme:
  name: material
  font: false
plugins:
  - search
  - advisor:
      models: [models/tiny.yml]
      runtime_dir: {RUNTIME}
      snapshot: false
nav:
  - Home: index.md
"""

INDEX_MD = "# A versioned guide\n\n<!-- advisor: tiny -->\n"


def git_env() -> dict[str, str]:
    """Git without the user's or the system's configuration, with a fixed identity."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Guide Author",
        "GIT_AUTHOR_EMAIL": "author@example.invalid",
        "GIT_COMMITTER_NAME": "Guide Author",
        "GIT_COMMITTER_EMAIL": "author@example.invalid",
    })
    return env


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = git_env()
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout


def make_repo(repo: Path) -> dict[str, str]:
    """The guide with MODEL_V1 committed, then MODEL_V2; returns the short commit ids
    (`first`, `second`)."""
    (repo / "docs" / "models").mkdir(parents=True)
    (repo / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (repo / "docs" / "index.md").write_text(INDEX_MD, encoding="utf-8")
    (repo / ".gitignore").write_text("site/\n", encoding="utf-8")
    model = repo / "docs" / "models" / "tiny.yml"
    model.write_text(MODEL_V1, encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "First version of the guide", date=FIRST_DATE)
    model.write_text(MODEL_V2, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Fargate for small jobs; ask about GPUs", date=SECOND_DATE)
    return {
        "first": git(repo, "rev-parse", "--short", "HEAD~1").strip(),
        "second": git(repo, "rev-parse", "--short", "HEAD").strip(),
    }


def build(repo: Path, site: Path, *, today: str = TODAY, program: str = "mkdocs",
          strict: bool = True, env: dict[str, str] | None = None,
          ) -> subprocess.CompletedProcess[str]:
    """`<program> build` of the guide in `repo` into `site`, as an author runs it."""
    return build_site(site, config=repo / "mkdocs.yml", program=program, strict=strict,
                      cwd=repo, env={**git_env(), "ADVISOR_TODAY": today, **(env or {})})


def advisor(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m advisor ARGS` run in `repo`."""
    env = {**git_env(), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "advisor", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def mike(repo: Path, *args: str) -> str:
    """`mike ARGS` in `repo` (mike runs `properdocs build`, or `mkdocs build` without
    ProperDocs, found on PATH: this virtual environment's first)."""
    bin_dir = Path(sys.executable).parent
    env = {**git_env(), "NO_MKDOCS_2_WARNING": "1", "ADVISOR_TODAY": TODAY,
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(bin_dir / "mike"), *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"mike {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout
