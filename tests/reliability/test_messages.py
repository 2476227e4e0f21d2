"""Messages that misled, each now naming the real cause and the fix. (The model-file messages
are in broken_models/: `schema-quoted.yml`, `text-*.yml`; a symbolic link loop and what is not
a regular file are in test_model_files.py and test_docs_files.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from advisor import web
from tests.reliability.project import Project
from tests.sitetools import ROOT

MODELS = ROOT / "docs" / "models"


def model(name: str) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((MODELS / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture(autouse=True)
def fresh_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that has loaded nothing yet, as in a new page."""
    monkeypatch.setattr(web, "_MODELS", {})


def call(request: dict[str, object]) -> dict[str, object]:
    reply: dict[str, object] = json.loads(web.handle(json.dumps(request)))
    return reply


def test_a_model_file_holding_another_model_says_so() -> None:
    """The page for 'orchestration' fetched a model file that holds 'adoption'. Before: "model
    'orchestration' is not loaded; send a 'load' request first"."""
    assert call({"op": "load", "model": model("adoption.yml")})["ok"] is True
    reply = call({"op": "recommend", "model": "orchestration", "answers": {}})
    assert reply["ok"] is False
    message = reply["error"]["message"]  # type: ignore[index]
    assert "the model file the page loaded holds 'adoption'" in message
    assert "Fix: build the site again" in message
    assert "send a 'load' request first" not in message


def test_a_load_that_names_the_model_it_expects_refuses_another() -> None:
    reply = call({"op": "load", "model": model("adoption.yml"), "expect": "orchestration"})
    assert reply["ok"] is False
    assert "this quiz is for the model 'orchestration'" in reply["error"]["message"]  # type: ignore[index]
    assert call({"op": "load", "model": model("adoption.yml"), "expect": "adoption"})["ok"]


def test_a_request_before_any_load_still_says_to_load(tmp_path: Path) -> None:
    reply = call({"op": "recommend", "model": "orchestration", "answers": {}})
    assert "send a 'load' request first" in reply["error"]["message"]  # type: ignore[index]


def test_a_site_without_package_json_is_told_the_command_that_fetches_the_runtime(
    tmp_path: Path,
) -> None:
    """Before: "run `npm ci` in the folder that holds package.json", on a site that has none."""
    root = tmp_path / "site-of-our-own"
    (root / "docs" / "models").mkdir(parents=True)
    (root / "docs" / "models" / "adoption.yml").write_bytes((MODELS / "adoption.yml").read_bytes())
    (root / "docs" / "index.md").write_text("# Ours\n\n<!-- advisor: adoption -->\n")
    (root / "mkdocs.yml").write_text(
        "site_name: Ours\nplugins:\n  - advisor:\n      models: [models/adoption.yml]\n")
    done = Project(root).build()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "was not found at" in done.stderr
    assert "run `advisor-runtime fetch` in the folder that holds mkdocs.yml" in done.stderr
