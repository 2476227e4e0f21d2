"""`python -m advisor`: the guide in a terminal (ask, questions, recommend, check, paths, diff).

The model is `--model PATH`; without it, `docs/models/orchestration.yml` under the current
directory, else under the repository that holds this package. Exit status: 0 on success,
1 when `check` finds errors, 2 on bad input (one line on stderr).

`diff A B` compares two versions of the model: each of A and B is a file, or a git revision at
which `git show REV:PATH` reads the model (PATH is `--model`, relative to the repository), or
`REV:PATH` itself. It exits 0 whether or not the answers changed.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from advisor.diff import diff_models, to_markdown, to_text
from advisor.engine import Result, recommend
from advisor.model import AdvisorError, Model, ModelError, Question
from advisor.paths import enumerate_paths
from advisor.source import ModelFile, load_model_bytes, load_model_file
from advisor.tree import open_questions

__all__ = ["main"]

DEFAULT_MODEL = Path("docs", "models", "orchestration.yml")


class CliError(Exception):
    """Bad input: reported as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line on stderr and exit status 2 (argparse would also print the usage)."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def default_model() -> Path:
    """`docs/models/orchestration.yml` under the current directory, else under the repo root."""
    here = Path.cwd() / DEFAULT_MODEL
    repo = Path(__file__).resolve().parent.parent / DEFAULT_MODEL
    return here if here.exists() or not repo.exists() else repo


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except CliError as err:
        print(f"advisor: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("advisor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped reading (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="advisor", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model", type=Path, default=None, metavar="PATH",
        help=f"the model file (default: {DEFAULT_MODEL} under the current directory, "
             "else under the repository root)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)

    ask = commands.add_parser(
        "ask", help="answer the quiz in the terminal",
        description="Ask the quiz's questions one at a time, only those that can still change "
                    "the answer, then print the recommendation with why, why not the others, "
                    "what would change it and the caveats. Answer with a choice's number or id; "
                    "'b' goes back one question, 'r' starts again.")
    ask.set_defaults(run=_ask)

    questions = commands.add_parser(
        "questions", help="list every question and its choices",
        description="List every question of the model with the ids of its choices, as used by "
                    "'recommend --answer QID=CHOICE'.")
    questions.add_argument("--format", choices=("text", "json"), default="text")
    questions.set_defaults(run=_questions)

    rec = commands.add_parser(
        "recommend", help="recommend from answers given as arguments",
        description="Recommend from the answers given with --answer. When they do not decide "
                    "yet, name the next question and list every question still open.")
    rec.add_argument("--answer", action="append", default=[], metavar="QID=CHOICE",
                     help="one answer; repeat for more")
    rec.add_argument("--format", choices=("text", "json"), default="text")
    rec.set_defaults(run=_recommend)

    chk = commands.add_parser(
        "check", help="report every problem of models (exit 1 on errors)",
        description="Report every problem of each model, one per line with its file and line "
                    "(the same check every build runs). Exit status 1 when any model has "
                    "errors; warnings alone do not fail.")
    chk.add_argument("models", nargs="*", type=Path, metavar="MODEL",
                     help="model files (default: --model)")
    chk.set_defaults(run=_check)

    paths = commands.add_parser(
        "paths", help="list every answer path and where it leads",
        description="List every way through the quiz: the answers it asks for, in asking "
                    "order, and the recommendation they lead to. 'text' is for reading, "
                    "'markdown' for pasting, 'csv' and 'json' for other tools.")
    paths.add_argument("--format", choices=("text", "markdown", "csv", "json"), default="text")
    paths.set_defaults(run=_paths)

    diff = commands.add_parser(
        "diff", help="how the answers change between two versions of the model",
        description="List every answer path whose recommendation differs between two versions "
                    "of the model, and the questions, choices, options and rules added or "
                    "removed. Each version is a file, a git revision (the model is read at "
                    "--model's path there) or REV:PATH.")
    diff.add_argument("before", metavar="A", help="the old version: a file or a git revision")
    diff.add_argument("after", metavar="B", help="the new version: a file or a git revision")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                      help="markdown gives text to paste into a pull request")
    diff.set_defaults(run=_diff)
    return parser


# --------------------------------------------------------------------------- loading


def _model_path(args: argparse.Namespace) -> Path:
    path: Path = args.model or default_model()
    return path


def _read(path: Path, *, logic: bool = True) -> ModelFile:
    """The model file, read and checked; `ModelError` if it has errors."""
    try:
        return load_model_file(path, logic=logic)
    except FileNotFoundError:
        raise CliError(f"model file not found: {path} (pass --model PATH)") from None
    except OSError as err:
        raise CliError(f"cannot read {path}: {err.strerror or err}") from None


def _errors(err: ModelError) -> str:
    """The first error and how many more."""
    errors = [p for p in err.problems if p.severity == "error"]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{errors[0]}{more}"


def _load(args: argparse.Namespace) -> Model:
    path = _model_path(args)
    try:
        return _read(path).model
    except ModelError as err:
        raise CliError(f"{_errors(err)}; run: python -m advisor check {path}") from None


# --------------------------------------------------------------------------- commands


BACK, RESTART = "back", "restart"


def _ask(args: argparse.Namespace) -> int:
    model = _load(args)
    width = terminal_width()
    print(_wrap(model.title, width))
    print(_wrap("Answer with a number; 'b' goes back one question, 'r' starts again.", width))
    answers: dict[str, str] = {}
    asked: list[str] = []  # question ids in the order they were answered
    while True:
        result = recommend(model, answers)
        question = result.next_question
        if question is None:
            break
        n_asked = len(result.path) + 1
        print()
        print(_wrap(f"[{n_asked} of at most {result.total_max}] "
                    f"{question.text}", width, "", "  "))
        if question.help:
            print(_wrap(question.help, width, "  ", "  "))
        for n, choice in enumerate(question.choices, 1):
            text = f"{n}) {choice.label}" + (f" - {choice.help}" if choice.help else "")
            print(_wrap(text, width, "  ", "     "))
        picked = _read_choice(question.choices)
        if picked == BACK:
            if not asked:
                print("This is the first question: nothing to go back to.")
                continue
            del answers[asked.pop()]
        elif picked == RESTART:
            answers.clear()
            asked.clear()
            print("Starting again.")
        else:
            answers[question.id] = picked
            asked.append(question.id)
    print()
    print(render_text(result, width))
    return 0


def _read_choice(choices: Sequence[Any]) -> str:
    """A choice id, or BACK or RESTART."""
    while True:
        try:
            line = input(f"Choose 1-{len(choices)} (b back, r restart): ").strip()
        except EOFError:
            print()
            raise CliError("input ended before the quiz finished") from None
        if line.isdigit() and 1 <= int(line) <= len(choices):
            choice_id: str = choices[int(line) - 1].id
            return choice_id
        for choice in choices:
            if line == choice.id:
                found: str = choice.id
                return found
        if line.lower() in ("b", "back"):
            return BACK
        if line.lower() in ("r", "restart"):
            return RESTART
        print(f"Please type a number from 1 to {len(choices)}, b to go back or r to restart.")


def _questions(args: argparse.Namespace) -> int:
    model = _load(args)
    if args.format == "json":
        data = [{"id": q.id, "text": q.text, "help": q.help,
                 "choices": [{"id": c.id, "label": c.label, "help": c.help} for c in q.choices]}
                for q in model.questions]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    for q in model.questions:
        print(f"{q.id}: {q.text}")
        for c in q.choices:
            print(f"  {c.id}: {c.label}")
    return 0


def _recommend(args: argparse.Namespace) -> int:
    answers: dict[str, str] = {}
    for item in args.answer:
        question, sep, choice = item.partition("=")
        if not sep or not question or not choice:
            raise CliError(f"--answer expects QID=CHOICE, got '{item}'")
        if answers.get(question, choice) != choice:
            raise CliError(f"question '{question}' is answered twice")
        answers[question] = choice
    model = _load(args)
    try:
        result = recommend(model, answers)
    except AdvisorError as err:
        raise CliError(str(err)) from None
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render_text(result, terminal_width(), open_questions(model, answers)))
    return 0


def _check(args: argparse.Namespace) -> int:
    failed = False
    for path in args.models or [_model_path(args)]:
        try:
            loaded = _read(path)
        except ModelError as err:
            for problem in err.problems:
                print(problem)
            failed = True
            continue
        for problem in loaded.warnings:
            print(problem)
        model = loaded.model
        print(f"{path}: ok ({len(model.questions)} questions, {len(model.options)} options, "
              f"{len(model.rules)} rules, {len(enumerate_paths(model))} answer paths)")
    return 1 if failed else 0


def _paths(args: argparse.Namespace) -> int:
    model = _load(args)
    paths = enumerate_paths(model)
    if args.format == "json":
        data = [{"steps": [{"question": q, "choice": c} for q, c in p.steps],
                 "outcome": list(p.outcome), "rule": p.rule, "decide": p.decide} for p in paths]
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["path", "answers", "recommendation", "rule"])
        for n, p in enumerate(paths, 1):
            writer.writerow([n, "; ".join(f"{q}={c}" for q, c in p.steps), " + ".join(p.outcome),
                             p.rule or ""])
        print(out.getvalue(), end="")
    elif args.format == "text":
        width = terminal_width()
        for n, p in enumerate(paths, 1):
            names = " or, equally, ".join(model.option(o).name for o in p.outcome)
            print(_wrap(f"{n}. {names or 'no recommendation'}", width, "", "   "))
            for q, c in p.steps:
                question = model.question(q)
                print(_wrap(f"{question.text} {question.choice(c).label}", width, "   ", "     "))
            if p.decide:
                print(_wrap(f"What decides between them: {p.decide}", width, "   ", "     "))
            print()
    else:
        print("| # | Answers | Recommendation | Rule |")
        print("|---|---------|----------------|------|")
        for n, p in enumerate(paths, 1):
            answers = "; ".join(f"{q}: {model.question(q).choice(c).label}" for q, c in p.steps)
            names = " or ".join(model.option(o).name for o in p.outcome) or "(none)"
            cells = [str(n), answers, names, p.rule or ""]
            print("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return 0


def _diff(args: argparse.Namespace) -> int:
    model_path = _model_path(args)
    before = _version(args.before, model_path)
    after = _version(args.after, model_path)
    result = diff_models(before, after)
    if args.format == "json":
        data = {"before": args.before, "after": args.after, **result.to_dict()}
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif args.format == "markdown":
        print(to_markdown(result, args.before, args.after), end="")
    else:
        print(to_text(result, args.before, args.after), end="")
    return 0


def _version(spec: str, model_path: Path) -> Model:
    """One side of `diff`: a file if one has that name, else a git revision."""
    if Path(spec).is_file():
        try:
            return _read(Path(spec), logic=False).model
        except ModelError as err:
            raise CliError(f"the model {spec} cannot be read: {_errors(err)}") from None
    if ":" in spec:  # REV:PATH, as git spells it
        cwd, obj, shown = Path.cwd(), spec, spec
    else:
        folder = model_path.resolve().parent
        cwd = folder if folder.is_dir() else Path.cwd()
        name = model_path.name if folder.is_dir() else str(model_path)
        prefix = _git(cwd, "rev-parse", "--show-prefix").stdout_bytes.decode().strip()
        obj, shown = f"{spec}:./{name}", f"{spec}:{prefix}{name}"
    rev = spec.split(":", 1)[0] or "HEAD"
    found = _git(cwd, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if found.returncode != 0:
        reason = found.stderr.strip().splitlines()[-1] if found.stderr.strip() else (
            f"no commit '{rev}'")
        raise CliError(f"'{spec}' is neither a file nor a git revision ({reason})")
    blob = _git(cwd, "cat-file", "blob", obj)
    if blob.returncode != 0:
        raise CliError(f"no model at {shown}: the file does not exist in that revision "
                       "(pass --model PATH)")
    try:
        return load_model_bytes(blob.stdout_bytes, shown, logic=False).model
    except ModelError as err:
        raise CliError(f"the model at {shown} cannot be read: {_errors(err)}") from None


@dataclasses.dataclass
class _Done:
    returncode: int
    stdout_bytes: bytes
    stderr: str


def _git(cwd: Path, *args: str) -> _Done:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60,
                              check=False)
    except FileNotFoundError:
        return _Done(127, b"", "git is not installed")
    except (OSError, subprocess.SubprocessError) as err:
        return _Done(1, b"", f"git failed: {err}")
    return _Done(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))


# --------------------------------------------------------------------------- rendering


def terminal_width() -> int:
    """Columns to wrap output to: the terminal's width (COLUMNS, else 80 when not a terminal),
    at least 30."""
    return max(30, shutil.get_terminal_size((80, 24)).columns)


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> str:
    return textwrap.fill(text, width, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False)


def render_text(result: Result, width: int = 80,
                still_open: Sequence[Question] | None = None) -> str:
    """A result as plain text in titled sections, each line at most `width` columns.

    `still_open` lists the questions the quiz may still ask (see `advisor.tree.open_questions`);
    an undecided result shows them instead of what would change the answer.
    """
    sections: list[tuple[str, list[str]]] = []

    def para(text: str) -> str:
        return _wrap(text, width)

    def bullet(text: str) -> str:
        return _wrap(text, width, "- ", "  ")

    if not result.complete:
        body = []
        q = result.next_question
        if q is not None:
            body.append(para(f"Next question: {q.text} ({q.id})"))
            body.append(_wrap("choices: " + ", ".join(c.id for c in q.choices), width,
                              "  ", "  "))
            body.append(para(f"At most {result.remaining_max} more "
                             f"question{'s' if result.remaining_max != 1 else ''}."))
        sections.append(("Not decided yet", body))
    elif not result.recommendation:
        sections.append(("No recommendation", [para("No rule matches these answers.")]))
    else:
        title = "Recommendation" if result.tie is None else "Recommendation: a tie"
        body = [para(f"{o.name}: {o.summary}") for o in result.recommendation]
        if result.tie is not None:
            body.append(para(f"What decides between them: {result.tie}"))
        sections.append((title, body))
    if result.rule is not None:
        sections.append(("Why", [para(f"{result.rule.because}")]))
    if result.trace:
        sections.append(("Answers that decided it", [
            bullet(f"{s.question.text} {s.choice.label}") for s, _ in result.trace]))
    elif result.path and not result.complete:
        sections.append(("Answers so far", [
            bullet(f"{s.question.text} {s.choice.label}") for s in result.path]))
    if result.complete and result.why_not:
        sections.append(("Why not the others", [
            bullet(f"{w.option.name}: " + " ".join(w.reasons)) for w in result.why_not]))
    if not result.complete:
        if still_open:
            sections.append(("Questions still open", [
                bullet(f"{q.text} ({q.id}: {', '.join(c.id for c in q.choices)})")
                for q in still_open]))
    elif result.what_would_change:
        body = []
        for c in result.what_would_change:
            names = " or ".join(o.name for o in c.outcome) or "no recommendation"
            where = names if c.decided else f"more questions, then {names}"
            body.append(bullet(f"{c.question.text} {c.to_choice.label} (instead of "
                               f"{c.from_choice.label}): {where}"))
        sections.append(("What would change it", body))
    if result.caveats:
        sections.append(("Caveats", [bullet(f"{o.name}: {c.text}") for o, c in result.caveats]))
    if result.unused:
        sections.append(("Answers not used", [para(", ".join(result.unused))]))
    return "\n\n".join(f"{title}\n{'-' * len(title)}\n" + "\n".join(body)
                        for title, body in sections if body)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
