"""The corpus of broken models: each file's exact problem lines (file, line, path, message, fix).

`tests/broken_models/expected.txt` holds, for every `*.yml` in that folder, a `== NAME` header
followed by the lines `python -m advisor check NAME` prints for it (run from that folder).
After a deliberate change of wording, regenerate it with
`python -m tests.unit.test_broken_models` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from advisor.model import ModelError
from advisor.source import load_model_file

CORPUS = Path(__file__).resolve().parent.parent / "broken_models"
EXPECTED = CORPUS / "expected.txt"


def problem_lines(name: str) -> list[str]:
    """What check reports for one corpus file, read from inside the corpus folder."""
    try:
        return [str(p) for p in load_model_file(name).warnings]
    except ModelError as err:
        return [str(p) for p in err.problems]


def expected() -> dict[str, list[str]]:
    """The expected lines per file name, parsed from expected.txt."""
    return read_expected(EXPECTED)


def read_expected(path: Path) -> dict[str, list[str]]:
    """An expected.txt: `== NAME` lines, each followed by that file's problem lines."""
    table: dict[str, list[str]] = {}
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            current = table.setdefault(line[3:], [])
        elif line:
            current.append(line)
    return table


NAMES = sorted(p.name for p in CORPUS.glob("*.yml"))


def test_the_corpus_is_large_and_fully_specified() -> None:
    assert len(NAMES) >= 20
    assert sorted(expected()) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_broken_model_reports_exactly(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    want = expected()[name]
    assert want, f"{name} must have at least one expected problem"
    assert problem_lines(name) == want


@pytest.mark.parametrize("name", NAMES)
def test_every_problem_names_file_line_and_fix(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    for line in expected()[name]:
        assert line.startswith(f"{name}:"), line
        assert line.split(":")[1].isdigit(), line
        assert "(fix: " in line, line


if __name__ == "__main__":  # regenerate expected.txt (review the diff!)
    os.chdir(CORPUS)
    out = []
    for name in NAMES:
        out += [f"== {name}", *problem_lines(name), ""]
    EXPECTED.write_text("\n".join(out), encoding="utf-8")
