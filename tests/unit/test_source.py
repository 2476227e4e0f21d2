"""advisor.source: strict YAML reading with the line of every YAML path."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import pytest

from advisor import ModelError, source
from advisor.source import MAX_BYTES, load_model_bytes, load_model_file, read_model_file
from tests.unit.helpers import GUIDE

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str | bytes, name: str = "model.yml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error_lines(path: Path) -> list[str]:
    with pytest.raises(ModelError) as info:
        read_model_file(path)
    return [str(p) for p in info.value.problems]


def test_lines_of_yaml_paths() -> None:
    data, lines = read_model_file(GUIDE)
    assert data["id"] == "test-guide"
    assert lines[""] == 1
    assert lines["questions"] == 20
    assert lines["questions[1]"] == 29
    assert lines["questions[1].choices[1].help"] == 37
    assert lines["rules[0].when.owner"] == 90
    assert lines["options[0].caveats[0].when.gpu"] == 62


def test_dates_and_yes_no_stay_strings(tmp_path: Path) -> None:
    data, _ = read_model_file(write(tmp_path, "a: 2026-11-27\nb: yes\nc: no\nd: on\ne: true\n"
                                              "f: 1\ng: ~\nh: 1.5\n"))
    assert data == {"a": "2026-11-27", "b": "yes", "c": "no", "d": "on", "e": True, "f": 1,
                    "g": None, "h": 1.5}


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    data, _ = read_model_file(write(tmp_path, b"\xef\xbb\xbfid: x\n"))
    assert data == {"id": "x"}


def test_file_over_one_mebibyte(tmp_path: Path) -> None:
    path = write(tmp_path, "# " + "x" * MAX_BYTES + "\n", "big.yml")
    assert error_lines(path) == [
        f"{path}: the file is {MAX_BYTES + 3} bytes; models are limited to 1048576 bytes (1 MiB) "
        "(fix: split the guide into several models)"]


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefg"):
        prev = "abcdefg"[i]
        lines.append(f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, "
                     f"*{prev}, *{prev}, *{prev}, *{prev}]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    (message,) = error_lines(path)
    assert "too many values" in message
    assert message.startswith(f"{path}:")


def test_non_scalar_key(tmp_path: Path) -> None:
    path = write(tmp_path, "id: x\n? [a, b]\n: c\n")
    assert error_lines(path) == [
        f"{path}:2: a key at column 3 is a list or mapping; keys must be plain values "
        "(fix: write a simple key such as an id)"]


def test_unknown_tag_is_a_yaml_error(tmp_path: Path) -> None:
    path = write(tmp_path, "id: !!python/object:os.system x\n")
    (message,) = error_lines(path)
    assert message.startswith(f"{path}:1: YAML syntax error at column 5: could not determine "
                              "a constructor for the tag")


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_model_file(tmp_path / "missing.yml")


def test_load_model_file_reports_check_errors_with_lines(tmp_path: Path) -> None:
    text = GUIDE.read_text(encoding="utf-8").replace("recommend: codepipeline",
                                                     "recommend: codepipe")
    path = write(tmp_path, text)
    with pytest.raises(ModelError) as info:
        load_model_file(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:91: rules[0].recommend: unknown option 'codepipe' (fix: use one of: "
        "codepipeline, sagemaker-pipelines, step-functions)"]


def test_load_model_file() -> None:
    loaded = load_model_file(GUIDE)
    assert loaded.model.id == "test-guide"
    assert loaded.file == str(GUIDE)
    assert loaded.lines["rules[0].when.owner"] == 90
    assert loaded.data["id"] == "test-guide"
    assert loaded.digest == hashlib.sha256(GUIDE.read_bytes()).hexdigest()
    assert loaded.warnings == ()


def test_warnings_come_with_the_model_and_errors_with_every_problem(tmp_path: Path) -> None:
    """A missing matrix cell is a warning: the model loads and carries it, with its line; next
    to an error, the ModelError lists both, by line."""
    text = GUIDE.read_text(encoding="utf-8")
    cell = ('    matrix:\n      complexity: {text: "Simple, linear flows", kind: reasoning, '
            'sources: [{source: article}]}\n')
    assert cell in text
    warned = write(tmp_path, text.replace(cell, "", 1), "warned.yml")
    loaded = load_model_file(warned, file="warned.yml")
    assert [(p.severity, p.file, p.path) for p in loaded.warnings] == [
        ("warning", "warned.yml", "options[0].matrix")]
    assert loaded.warnings[0].line is not None
    broken = write(tmp_path, warned.read_text(encoding="utf-8").replace(
        "recommend: codepipeline", "recommend: codepipe"), "broken.yml")
    with pytest.raises(ModelError) as info:
        load_model_file(broken)
    assert [p.severity for p in info.value.problems] == ["warning", "error"]


def test_bytes_in_memory_read_like_a_file() -> None:
    raw = GUIDE.read_bytes()
    assert load_model_bytes(raw, "HEAD:guide.yml").model == load_model_file(GUIDE).model
    with pytest.raises(ModelError) as info:
        load_model_bytes(raw + b"id: again\n", "HEAD:guide.yml")
    assert str(info.value).startswith("HEAD:guide.yml:111: duplicate key 'id' at column 1 "
                                      "(first at line ")


CORPORA = sorted(
    [*ROOT.glob("tests/broken_models/*.yml"), *ROOT.glob("tests/reliability/broken_models/*.yml"),
     *ROOT.glob("docs/models/*.yml"), GUIDE], key=str)


def _read_with(path: Path, fast: bool) -> object:
    yaml = importlib.import_module("yaml")
    try:
        text = path.read_bytes().decode("utf-8-sig")
        return source._read(yaml, source._loader_class(yaml, fast=fast), text, path.name)
    except ModelError as err:
        return str(err)
    except UnicodeDecodeError:
        return "not UTF-8"


@pytest.mark.skipif(not hasattr(importlib.import_module("yaml"), "CSafeLoader"),
                    reason="PyYAML without libyaml has no fast path")
def test_the_libyaml_fast_path_reads_every_file_alike_or_gives_way() -> None:
    """Where libyaml reads a file, the data and every line equal the pure-Python reader's;
    where it refuses one, `read_model_file` words the refusal as the pure-Python reader.
    One test over every corpus file (named in the failure), so that Pyodide, whose PyYAML has
    no libyaml, skips it once rather than once per file."""
    differ = []
    for path in CORPORA:
        fast, slow = _read_with(path, True), _read_with(path, False)
        if not isinstance(fast, str) and fast != slow:
            differ.append(f"{path.name}: the fast path reads other data or lines")
        try:
            got: object = read_model_file(path)
        except ModelError as err:
            got = str(err).replace(str(path), path.name)
        except UnicodeDecodeError:
            got = "not UTF-8"
        if isinstance(slow, str) and slow not in ("not UTF-8", got):
            differ.append(f"{path.name}: {got!r} != {slow!r}")
    assert len(CORPORA) > 60
    assert not differ, "\n".join(differ)
