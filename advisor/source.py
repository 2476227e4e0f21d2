"""Reading a model file: bytes in, a validated model, the line of every YAML path and the
warnings out. The plugin, the CLI, the benchmark and "What changed" (old versions from git) all
load models through `load_model_file` / `load_model_bytes`.

This is the only engine-side module that uses PyYAML, imported when a file is read, so the rest
of the package runs without it (in Pyodide the browser gets JSON). The reader is strict:

- duplicate keys, merge keys (`<<`) and non-scalar keys are refused;
- YAML 1.2 booleans only: `yes`, `no`, `on`, `off` stay strings (choice ids like `yes` work);
- dates stay strings (`reviewed: 2026-11-27` reads as "2026-11-27");
- files over 1 MiB, empty files, bytes that are not UTF-8 and a top level that is not a mapping
  are refused; so are paths that are not regular files (a directory, a FIFO, a device such as
  `/dev/zero`) and symbolic link loops. At most `MAX_BYTES + 1` bytes are ever read.

Every refusal is a `ModelError` whose problem names the file, the line, the column and a fix.

Where PyYAML has libyaml, the file is parsed by libyaml (about ten times faster) and walked by
the same strict builder: the lines come from libyaml's node marks, so they cost nothing. If
libyaml refuses the text, or it holds a character the pure-Python reader refuses, the
pure-Python reader reads it again, so the message is always that reader's.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import importlib
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from advisor.check import validate
from advisor.model import Model, ModelError, Problem, short

__all__ = ["MAX_BYTES", "ModelFile", "load_model_bytes", "load_model_file", "read_capped",
           "read_model_bytes", "read_model_file"]

MAX_BYTES = 1024 * 1024
_MAX_NODES = 200_000  # bounds alias expansion ("billion laughs")
_MAX_DEPTH = 50  # a model nests a handful of levels; deeper is refused before Python's limit
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


@dataclass(frozen=True)
class ModelFile:
    """A model file, read and validated."""

    file: str  # the name messages give it
    model: Model
    data: dict[str, Any]  # the plain data the model was built from (the browser gets it as JSON)
    lines: Mapping[str, int]  # YAML path -> 1-based line
    warnings: tuple[Problem, ...]  # problems that do not stop loading, with file and line
    digest: str  # SHA-256 of the file's bytes: the key to cache anything derived from it


def _fail(file: str, message: str, fix: str, line: int | None = None) -> ModelError:
    return ModelError([Problem("", message, fix, file=file, line=line)])


def load_model_file(
    path: str | os.PathLike[str], *, file: str | None = None, logic: bool = True
) -> ModelFile:
    """Read, check and load a model file (`file`: its name in messages, the path by default).

    Raises `ModelError` when the file cannot be read or the model has errors; its `problems`
    are then every problem found, warnings included, sorted by line. `OSError` if the file
    cannot be opened. `logic=False` checks the structure and references only, not the walk
    of every answer path (old versions, whose logic was checked when they were built).
    """
    shown = str(path) if file is None else file
    return load_model_bytes(read_capped(path, shown), shown, logic=logic)


def load_model_bytes(raw: bytes, file: str, *, logic: bool = True) -> ModelFile:
    """`load_model_file` for content already in memory (a version read from git)."""
    data, lines = read_model_bytes(raw, file)
    model, problems = validate(data, file=file, lines=lines, logic=logic)
    if model is None:
        raise ModelError(problems)
    return ModelFile(file, model, data, lines, tuple(problems),
                     hashlib.sha256(raw).hexdigest())


def read_model_file(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, int]]:
    """Read a YAML model: `(data, lines)`, `lines` mapping YAML paths to 1-based lines.

    YAML paths look like `rules[3].when.owner`; the top level is `""`. Raises `ModelError` for
    a file that cannot be read as a model (see the module docstring), `OSError` if it cannot
    be opened (`FileNotFoundError` when nothing is there).
    """
    return read_model_bytes(read_capped(path, str(path)), str(path))


def read_model_bytes(raw: bytes, file: str) -> tuple[dict[str, Any], dict[str, int]]:
    """`read_model_file` for content already in memory; `file` names it in messages."""
    yaml: Any = importlib.import_module("yaml")  # lazily: the engine runs without PyYAML
    if len(raw) > MAX_BYTES:
        raise _fail(file, f"the file is {len(raw)} bytes; models are limited to {MAX_BYTES} "
                    "bytes (1 MiB)", "split the guide into several models")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise _fail(file, f"not UTF-8: byte 0x{raw[err.start]:02x} at column {column} "
                    "cannot be decoded", "save the file as UTF-8", line) from None
    fast = _loader_class(yaml, fast=True)
    if fast is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        try:
            return _read(yaml, fast, text, file)
        except (ModelError, yaml.YAMLError, RecursionError, ValueError):
            pass  # the pure-Python reader below words the message
    return _read(yaml, _loader_class(yaml, fast=False), text, file)


def _read(yaml: Any, loader_class: Any, text: str,
          file: str) -> tuple[dict[str, Any], dict[str, int]]:
    loader = None
    try:
        loader = loader_class(text)  # the pure reader refuses unprintable characters at once
        node = loader.get_single_node()
        if node is None:
            raise _fail(file, "the file is empty",
                        "write a model: see docs/authoring.md for the format", 1)
        if not isinstance(node, yaml.MappingNode):
            found = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
            raise _fail(file, "the top level must be a mapping (schema:, id:, questions: ...), "
                        f"found {found}", "start the file with 'schema: 1' and the other keys",
                        node.start_mark.line + 1)
        builder = _Builder(yaml, loader, file)
        data = builder.build(node, "")
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at column {mark.column + 1}" if mark else ""
        message = f"YAML syntax error{where}: {err.problem or err.context or 'invalid YAML'}"
        if err.problem and err.context:
            context = err.context_mark
            message += f" ({err.context}" + (
                f" at line {context.line + 1}, column {context.column + 1})" if context else ")")
        raise _fail(file, message,
                    "check the indentation, the quotes and the ':' after each key around there",
                    mark.line + 1 if mark else None) from None
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        raise _fail(file, f"unprintable character #x{err.character:04x} at column {column}",
                    "delete it, or save the file as plain UTF-8 text", line) from None
    except yaml.YAMLError as err:
        raise _fail(file, f"YAML error: {err}", "fix the YAML syntax") from None
    except RecursionError:  # PyYAML composes nested nodes recursively
        reached = getattr(loader, "line", None)  # where the reader had got to
        raise _fail(file, f"the YAML nests lists or mappings too deeply (over {_MAX_DEPTH} "
                    "levels) or an alias contains itself",
                    "write the model with plain, shallow lists and mappings",
                    reached + 1 if isinstance(reached, int) else None) from None
    except ValueError as err:  # e.g. an integer longer than Python converts (4,300 digits)
        raise _fail(file, f"a value cannot be read: {short(str(err), 120)}",
                    "write it as a quoted string or a shorter number") from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, builder.lines


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_capped(path: str | os.PathLike[str], file: str) -> bytes:
    """The file's bytes, at most `MAX_BYTES + 1` of them, from a regular file only.

    Opened without blocking, so a FIFO is refused instead of waiting for a writer; the type is
    checked on the open descriptor, so what is read is what was checked.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _fail(file, "the path is a symbolic link loop (a link that leads back to "
                        "itself)", "point the link at the model file, or replace the link "
                        "with the file") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise _fail(file, f"the path is {kind}, not a regular file",
                        "give the path of a YAML model file")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        size = max(info.st_size, len(raw))
        raise _fail(file, f"the file is {size} bytes; models are limited to {MAX_BYTES} "
                    "bytes (1 MiB)", "split the guide into several models")
    return raw


@functools.cache
def _loader_class(yaml: Any, *, fast: bool) -> Any:
    """A SafeLoader with YAML 1.2 booleans and no timestamps (dates stay strings): libyaml's
    when `fast` (None without libyaml), else the pure-Python one."""
    base = getattr(yaml, "CSafeLoader", None) if fast else yaml.SafeLoader
    if base is None:
        return None

    class Loader(base):  # type: ignore[misc,valid-type]
        pass

    resolvers = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, regexp) for tag, regexp in entries
                if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
        if kept:
            resolvers[first] = kept
    Loader.yaml_implicit_resolvers = resolvers
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
    return Loader


class _Builder:
    """Turns a node tree into plain data, recording lines and refusing duplicate keys."""

    def __init__(self, yaml: Any, loader: Any, file: str) -> None:
        self.yaml = yaml
        self.loader = loader
        self.file = file
        self.lines: dict[str, int] = {}
        self.nodes = 0

    def fail(self, node: Any, message: str, fix: str) -> ModelError:
        """`message` holds `{column}`, filled with the node's column."""
        mark = node.start_mark
        return _fail(self.file, message.format(column=mark.column + 1), fix, mark.line + 1)

    def build(self, node: Any, path: str, depth: int = 0) -> Any:
        self.nodes += 1
        if depth > _MAX_DEPTH:
            raise self.fail(node, f"lists or mappings nest over {_MAX_DEPTH} levels deep at "
                            "column {column} (or an alias contains itself)",
                            "write the model with plain, shallow lists and mappings")
        if self.nodes > _MAX_NODES:
            raise self.fail(node, "the file expands to too many values at column {column} "
                            "(aliases?)",
                            "write the model without repeated aliases")
        self.lines.setdefault(path, node.start_mark.line + 1)
        yaml = self.yaml
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            first_line: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "merge key '<<' at column {column}: merge keys are "
                                    "not supported",
                                    "write the keys out in full")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "a key at column {column} is a list or mapping; keys "
                                    "must be plain values",
                                    "write a simple key such as an id")
                key = self.loader.construct_object(key_node)
                line = key_node.start_mark.line + 1
                if key in result:
                    raise self.fail(key_node, f"duplicate key '{short(key)}' at column {{column}} "
                                    f"(first at line {first_line[key]})",
                                    "remove one of the two keys")
                first_line[key] = line
                child = f"{path}.{key}" if path else str(key)
                self.lines.setdefault(child, line)
                result[key] = self.build(value_node, child, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, f"{path}[{i}]", depth + 1)
                    for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node)
        except ValueError as err:  # e.g. an integer over Python's 4,300-digit conversion limit
            raise self.fail(node, f"the value at column {{column}} cannot be read: "
                            f"{short(str(err), 80)}",
                            "write it as a quoted string or a shorter number") from None
