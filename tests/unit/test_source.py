"""advisor.source: strict YAML reading with the line of every YAML path."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import ModelError
from advisor.source import MAX_BYTES, load_model_file, read_model_file
from tests.unit.helpers import GUIDE


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
    assert lines["questions"] == 13
    assert lines["questions[1]"] == 22
    assert lines["questions[1].choices[1].help"] == 29
    assert lines["rules[0].when.owner"] == 73
    assert lines["options[0].caveats[0].when.gpu"] == 53


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
        f"{path}:74: rules[0].recommend: unknown option 'codepipe' (fix: use one of: "
        "codepipeline, sagemaker-pipelines, step-functions)"]


def test_load_model_file() -> None:
    assert load_model_file(GUIDE).id == "test-guide"
