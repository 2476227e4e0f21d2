"""Broken models, beyond `tests/broken_models`: YAML syntax, encodings, empty and huge files,
duplicate keys, and references across the two guide models.

Each case must yield a message naming the file, the line and a fix, never a traceback, and a
real `mkdocs build --strict` of a copy of the project with the broken model must stop with
that message. `broken_models/expected.txt` holds the exact lines (`== NAME` then the lines, as
in `tests/broken_models/expected.txt`); regenerate it with
`python -m tests.reliability.test_broken_models` and review the diff.

The builds run in parallel, once per module, so that twenty `mkdocs build` runs cost a few
seconds.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from advisor.model import ModelError
from advisor.source import MAX_BYTES, load_model_file
from tests.reliability.project import Project, make_project
from tests.unit.helpers import synthetic
from tests.unit.test_broken_models import read_expected

CORPUS = Path(__file__).resolve().parent / "broken_models"
EXPECTED = CORPUS / "expected.txt"
NAMES = sorted(p.name for p in CORPUS.glob("*.yml"))

#: Corpus files that currently escape as an exception instead of a message. Once fixed, the
#: strict xfail turns into a failure: add the exact lines to expected.txt and remove the entry.
BUGS: dict[str, str] = {}


def problem_lines(path: Path, name: str) -> list[str]:
    """What the advisor reports for one model file, with `name` as the file's name."""
    try:
        return [str(p) for p in load_model_file(path, file=name).warnings]
    except ModelError as err:
        return [str(p) for p in err.problems]


def expected() -> dict[str, list[str]]:
    return read_expected(EXPECTED)


def bug(name: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.xfail(strict=True, reason=BUGS[name])] if name in BUGS else []


CASES = [pytest.param(name, marks=bug(name), id=name) for name in NAMES]


# -------------------------------------------------------------------- the corpus, in process


def test_the_corpus_is_fully_specified() -> None:
    assert len(NAMES) >= 30
    assert sorted(expected()) == sorted(set(NAMES) - set(BUGS))
    assert set(BUGS) <= set(NAMES)


@pytest.mark.parametrize("name", [n for n in NAMES if n not in BUGS])
def test_reports_exactly(name: str) -> None:
    assert problem_lines(CORPUS / name, name) == expected()[name]


@pytest.mark.parametrize("name", CASES)
def test_yields_a_message_not_an_exception(name: str) -> None:
    """Any exception other than ModelError, or a problem without file, line and fix, fails."""
    lines = problem_lines(CORPUS / name, name)
    assert lines
    for line in lines:
        assert re.match(rf"{re.escape(name)}:\d+: .+ \(fix: .+\)$", line), line


def test_a_python_tag_is_never_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`!!python/object/apply:os.system [touch ...]` is data to the strict loader."""
    monkeypatch.chdir(tmp_path)
    problem_lines(CORPUS / "syntax-python-tag.yml", "syntax-python-tag.yml")
    assert not (tmp_path / "pwned-by-yaml").exists()


def oversized() -> bytes:
    """A valid model padded with a comment to one byte over the limit."""
    body = (CORPUS / "duplicate-nested-key.yml").read_bytes().replace(b", label: Tiny", b"")
    return body + b"#" * (MAX_BYTES + 1 - len(body) - 1) + b"\n"


def test_a_file_over_one_mib(tmp_path: Path) -> None:
    path = tmp_path / "huge.yml"
    path.write_bytes(oversized())
    assert problem_lines(path, "huge.yml") == [
        f"huge.yml: the file is {MAX_BYTES + 1} bytes; models are limited to {MAX_BYTES} bytes "
        "(1 MiB) (fix: split the guide into several models)"]


def test_a_file_of_exactly_one_mib_is_read(tmp_path: Path) -> None:
    path = tmp_path / "limit.yml"
    path.write_bytes(oversized()[:-2] + b"\n")
    assert path.stat().st_size == MAX_BYTES
    assert problem_lines(path, "limit.yml") == []


# -------------------------------------------------------------------- real `mkdocs build` runs


@dataclass(frozen=True)
class BuildCase:
    """A change to a copy of the project and the lines the build must print."""

    id: str
    change: Callable[[Project], None]
    expect: Callable[[Project], list[str]]  # regular expressions, one per expected line
    models: tuple[str, ...] = ("models/orchestration.yml", "models/adoption.yml")
    reason: str | None = None  # a known bug: xfail(strict)
    timeout: float = 120  # seconds; a failing build stops in on_config, in about one second


def replace_in(project: Project, relative: str, old: str, new: str) -> int:
    """Replace the first `old` in a docs file; return its line number."""
    path = project.docs / relative
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def line_of(project: Project, relative: str, needle: str) -> int:
    text = (project.docs / relative).read_text(encoding="utf-8")
    return text.count("\n", 0, text.index(needle)) + 1


def corpus_case(name: str) -> BuildCase:
    """The orchestration model replaced by a corpus file."""

    def change(project: Project) -> None:
        project.write("models/orchestration.yml", (CORPUS / name).read_bytes())

    def expect(project: Project) -> list[str]:
        path = str(project.docs / "models" / "orchestration.yml")
        return [re.escape(path + line[len(name):]) for line in expected().get(name, ["?"])]

    return BuildCase(name, change, expect, reason=BUGS.get(name))


def oversized_case() -> BuildCase:
    def change(project: Project) -> None:
        project.write("models/orchestration.yml", oversized())

    def expect(project: Project) -> list[str]:
        return [re.escape(f"{project.docs / 'models' / 'orchestration.yml'}: the file is "
                          f"{MAX_BYTES + 1} bytes; models are limited to")]

    return BuildCase("over-one-mib", change, expect)


def too_complex_case() -> BuildCase:
    """A 20 KB model (60 questions, 120 rules) that `check` once analysed for minutes, then
    gave up after 10 to 20 s (advisor.engine.WORK_LIMIT): its paths are now counted first,
    only up to plugins.advisor.max_paths, and the build stops within a second or two."""

    def change(project: Project) -> None:
        data = synthetic(questions=60, choices=3, rules=120, seed=0)
        data["id"] = "orchestration"
        project.write("models/orchestration.yml", yaml.safe_dump(data, sort_keys=False))

    def expect(project: Project) -> list[str]:
        return [re.escape(f"{project.docs / 'models' / 'orchestration.yml'}: the model has ")
                + r"(\d{1,3}(,\d{3})+|more than 1,000) answer paths "
                + re.escape("(the limit is plugins.advisor.max_paths: 1,000)")]

    return BuildCase("too-complex-to-analyse", change, expect)


def same_id(project: Project) -> None:
    project.write("models/copy.yml", (project.docs / "models/orchestration.yml").read_bytes())


def marker_in_quiz(project: Project) -> None:
    marker = '"advisor: orchestration")'
    replace_in(project, "quiz.md", marker, marker + "\n\n<!-- advisor: pricing -->")


def option_of_other_model(project: Project) -> None:
    replace_in(project, "models/adoption.yml", "    recommend: stay",
               "    recommend: step-functions")


def question_of_other_model(project: Project) -> None:
    replace_in(project, "models/adoption.yml", "      fit: twists", '      gpu: "yes"')


def source_of_other_model(project: Project) -> None:
    replace_in(project, "models/adoption.yml", "sources:\n",
               'sources:\n  adoption-notes: {title: Notes, author: Us, published: "2026-01-01"}\n')
    replace_in(project, "models/orchestration.yml", "{source: article,",
               "{source: adoption-notes,")


def page_clash(project: Project) -> None:
    project.write("orchestration/paths.md", "# My own paths page\n")


def adoption_rules_line(project: Project) -> int:
    return line_of(project, "models/adoption.yml", "  - id: reshapes-the-problem") + 3


CROSS = [
    BuildCase(
        "two-models-one-id", same_id,
        lambda p: [re.escape("advisor: models 'models/orchestration.yml' and 'models/copy.yml' "
                             "both have the id 'orchestration'. Fix: give each model its own id.")],
        models=("models/orchestration.yml", "models/adoption.yml", "models/copy.yml")),
    BuildCase(
        "one-model-listed-twice", lambda p: None,
        lambda p: [r"advisor: .*'models/orchestration\.yml'.* listed twice"],
        models=("models/orchestration.yml", "models/orchestration.yml")),
    BuildCase(
        "marker-names-an-unknown-model", marker_in_quiz,
        lambda p: [re.escape("advisor: quiz.md:10: the marker names the model 'pricing', which "
                             "is not configured (configured: adoption, orchestration). Fix: use "
                             "one of those ids, or add the model under plugins.advisor.models "
                             "in mkdocs.yml.")]),
    BuildCase(
        "marker-names-the-unconfigured-other-model", lambda p: None,
        lambda p: [re.escape("advisor: adoption.md:8: the marker names the model 'adoption', "
                             "which is not configured (configured: orchestration).")],
        models=("models/orchestration.yml",)),
    BuildCase(
        "rule-recommends-an-option-of-the-other-model", option_of_other_model,
        lambda p: [re.escape(f"{p.docs / 'models' / 'adoption.yml'}:{adoption_rules_line(p)}: "
                             "rules[0].recommend: unknown option 'step-functions' (fix: use one "
                             "of: adopt, try-for-a-day, stay)")]),
    BuildCase(
        "rule-asks-a-question-of-the-other-model", question_of_other_model,
        lambda p: [re.escape(f"{p.docs / 'models' / 'adoption.yml'}:")
                   + r"\d+: " + re.escape("rules[0].when.gpu: unknown question 'gpu' (fix: use "
                                          "one of: fit, saves-time, backing, extensible, "
                                          "new-problems, learnability, mission-critical, "
                                          "experience)")]),
    BuildCase(
        "option-cites-a-source-of-the-other-model", source_of_other_model,
        lambda p: [re.escape(f"{p.docs / 'models' / 'orchestration.yml'}:")
                   + r"\d+: [a-z]+\[\d+\]\.sources\[\d+\]\.source: "
                   + re.escape("unknown source 'adoption-notes' (fix: use one of: article, ")]),
    BuildCase(
        "page-clashes-with-a-generated-page", page_clash,
        lambda p: [re.escape("advisor: docs/orchestration/paths.md exists, but the plugin "
                             "generates that page from 'models/orchestration.yml'. Fix: move or "
                             "rename the file.")]),
]

#: One corpus file per kind goes through a real build (every file is read in process above:
#: the plugin turns any ModelError into the same build error), and every known bug.
BUILT = ["duplicate-nested-key.yml", "empty-whitespace.yml", "encoding-utf16-le.yml",
         "huge-alias-bomb.yml", "syntax-python-tag.yml", "syntax-tab-indent.yml", *sorted(BUGS)]
BUILD_CASES = [*(corpus_case(n) for n in BUILT), oversized_case(), too_complex_case(), *CROSS]


Built = tuple[Project, subprocess.CompletedProcess[str]]


def run_build(case: BuildCase, where: Path) -> Built:
    project = make_project(where, models=list(case.models))
    case.change(project)
    try:
        done = project.build(where / "site", timeout=case.timeout)
    except subprocess.TimeoutExpired as err:
        done = subprocess.CompletedProcess(err.cmd, -9, "", f"timed out after {case.timeout} s")
    return project, done


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Built]]:
    root = tmp_path_factory.mktemp("broken-builds")
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case.id: pool.submit(run_build, case, root / case.id) for case in BUILD_CASES}
        yield {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("case", [
    pytest.param(case, id=case.id, marks=[pytest.mark.xfail(strict=True, reason=case.reason)]
                 if case.reason else [])
    for case in BUILD_CASES
])
def test_mkdocs_build_stops_with_the_message(
    case: BuildCase, builds: dict[str, Built]
) -> None:
    project, done = builds[case.id]
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-3000:]
    assert done.returncode == 1, output[-3000:]
    assert "Aborted with a BuildError!" in output
    for pattern in case.expect(project):
        assert re.search(pattern, output), f"{pattern}\nnot in:\n{output}"


def test_many_cases_were_tried() -> None:
    assert len(NAMES) + 2 + len(CROSS) >= 40
    assert set(BUILT) <= set(NAMES)


if __name__ == "__main__":  # regenerate expected.txt (review the diff!)
    out = []
    for name in NAMES:
        if name not in BUGS:
            out += [f"== {name}", *problem_lines(CORPUS / name, name), ""]
    EXPECTED.write_text("\n".join(out), encoding="utf-8")
