"""The standard library that the snapshot boot ships: the part of Pyodide's
``python_stdlib.zip`` that the advisor can need in the browser, the rest left out.

An interpreter booted from the build's memory snapshot (plugin/snapshot.py) already holds every
module imported while the snapshot was made; it reads the standard library's zip only for a
module imported later, on a rare path (``difflib`` for a close-match hint, ``traceback`` when
something fails). So the snapshot boot does not need the whole 2.5 MB zip, only:

- what starts Python and Pyodide (``site``, ``encodings`` and the codecs Python looks up by
  name, Pyodide's ``_pyodide`` and ``pyodide`` packages) and what ``plugin/snapshot.mjs`` uses
  while it makes the snapshot (``sysconfig``, ``pkgutil``, ``zipfile``);
- every standard module that the advisor's browser modules import, anywhere in them (imports
  inside functions too);
- and, for each of those, the modules it imports in turn, to the end (the closure).

The imports are found by reading the source text of each module (its ``import`` and ``from
... import`` statements), not by running it, and not with ``ast``: the zip holds Python 3.14
sources that an older Python cannot parse, and the selection must not depend on the Python that
runs the build. The reading finds more than is imported (a docstring line starting with
``import``), never less, except for imports by computed name: ``DYNAMIC`` lists those.

The zip's entries are copied byte for byte from the verified ``python_stdlib.zip`` (same
compression, same timestamps, same order), so the same inputs give the same bytes on any
machine. The snapshot is made with this very zip mounted (Python keeps the zip's table of
contents in its memory), and the worker checks the two as a pair.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path

#: Started with: Python's start-up, Pyodide's start-up, and what plugin/snapshot.mjs imports.
ROOTS = ("site", "encodings", "_pyodide", "pyodide", "sysconfig", "pkgutil", "zipfile",
         "importlib", "random", "json", "gc")

#: Imported by a name computed at run time, which no import statement shows: the codecs that
#: Python, JSON and the zip reader look up by name, and sysconfig's platform data.
DYNAMIC = ("encodings.aliases", "encodings.utf_8", "encodings.utf_8_sig", "encodings.ascii",
           "encodings.latin_1", "encodings.cp437", "encodings.raw_unicode_escape",
           "encodings.unicode_escape", "_sysconfigdata__emscripten_wasm32-emscripten")

#: Never in the worker, so never followed: what needs a terminal or a REPL, other processes, a
#: network client, or unpacks packages (the guide loads none). A module on this list that the
#: interpreter does import while the snapshot is made stops the build (the import fails), so the
#: list cannot hide a needed module silently.
NEVER = {
    "_pyrepl": "the interactive console", "pdb": "the debugger", "bdb": "the debugger",
    "pydoc": "help()", "pydoc_data": "help()", "doctest": "a test runner",
    "unittest": "a test runner", "cmd": "a terminal", "curses": "a terminal",
    "tty": "a terminal", "pty": "a terminal", "getpass": "a terminal",
    "rlcompleter": "a terminal", "multiprocessing": "other processes",
    "concurrent.futures.process": "other processes", "http": "a network client",
    "urllib.request": "a network client",
    "xmlrpc": "a network client", "ftplib": "a network client", "smtplib": "a network client",
    "imaplib": "a network client", "poplib": "a network client", "mailbox": "a network client",
    "webbrowser": "a browser window", "wsgiref": "a web server", "tarfile": "package unpacking",
    "asyncio.windows_events": "Windows", "asyncio.windows_utils": "Windows",
}

#: `if __name__ == "__main__":`: what follows runs only when the module is a script.
_MAIN = re.compile(r"^([ \t]*)if[ \t]+__name__[ \t]*==[ \t]*['\"]__main__['\"][ \t]*:", re.M)

#: `[if ...:|try:|else:] import a.b as c, d`, at the start of a line.
_PREFIX = r"^[ \t]*(?:(?:if|elif|else|try|except|finally|with)\b[^:\n]*:[ \t]*)?"
_IMPORT = re.compile(_PREFIX + r"import[ \t]+([\w., \t]+)", re.M)
#: `from .a.b import (c, d as e)` / `from a import b, c \` (line continued)
_FROM = re.compile(
    _PREFIX + r"from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]*(\([^)]*\)|(?:[^\n\\]|\\\n)*)", re.M)


def _names(text: str) -> list[str]:
    """`a.b as c, d` -> ["a.b", "d"], comments and parentheses left out."""
    text = re.sub(r"#[^\n]*", "", text).replace("\\\n", " ").strip("() \t\n")
    return [part.split()[0] for part in text.split(",") if part.split()]


def _without_main(source: str) -> str:
    """The source without its ``if __name__ == "__main__":`` blocks."""
    while (match := _MAIN.search(source)) is not None:
        indent = len(match.group(1))
        lines = source[match.end():].split("\n")
        end = 1
        while end < len(lines) and (not lines[end].strip()
                                    or len(lines[end]) - len(lines[end].lstrip()) > indent):
            end += 1
        source = source[: match.start()] + "\n".join(lines[end:])
    return source


def _never(name: str) -> bool:
    return any(name == never or name.startswith(never + ".") for never in NEVER)


def imported_names(source: str, module: str, *, package: bool) -> set[str]:
    """The dotted names a module's source imports (``from a import b`` gives ``a`` and
    ``a.b``, as b may be a submodule), relative imports resolved against ``module``; what
    only runs when the module is a script is left out."""
    source = _without_main(source)
    found: set[str] = set()
    for match in _IMPORT.finditer(source):
        found.update(name for name in _names(match.group(1)) if name != "*")
    for match in _FROM.finditer(source):
        dots, base, names = match.group(1), match.group(2), match.group(3)
        if dots:
            parts = module.split(".")
            if not package:
                parts = parts[:-1]
            parts = parts[: len(parts) - (len(dots) - 1)] if len(dots) > 1 else parts
            base = ".".join([*parts, base] if base else parts)
        if not base:
            continue
        found.add(base)
        found.update(f"{base}.{name}" for name in _names(names) if name != "*")
    return found


class StdlibIndex:
    """The modules of a ``python_stdlib.zip``: name -> member file."""

    def __init__(self, zip_path: Path) -> None:
        self.path = zip_path
        with zipfile.ZipFile(zip_path) as archive:
            self.infos = archive.infolist()
            self._sources = {i.filename: archive.read(i) for i in self.infos
                             if i.filename.endswith(".py")}
        self.files: dict[str, str] = {}
        for member in self._sources:
            stem = member[: -len(".py")]
            if stem.endswith("/__init__"):
                self.files[stem[: -len("/__init__")].replace("/", ".")] = member
            else:
                self.files[stem.replace("/", ".")] = member

    def source(self, name: str) -> str:
        return self._sources[self.files[name]].decode("utf-8", "replace")

    def is_package(self, name: str) -> bool:
        return self.files[name].endswith("/__init__.py")

    def package_modules(self, package: str) -> list[str]:
        prefix = package + "."
        return sorted(n for n in self.files if n == package or n.startswith(prefix))

    def closure(self, roots: Iterable[str]) -> set[str]:
        """Every module of the zip that ``roots`` import, directly or not, with the packages
        that hold them; names not in the zip (built-in modules, attributes) and the ``NEVER``
        families are skipped."""
        todo = list(roots)
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            parts = name.split(".")
            for end in range(1, len(parts) + 1):
                part = ".".join(parts[:end])
                if _never(part):
                    break
                if part in self.files and part not in seen:
                    seen.add(part)
                    todo.extend(imported_names(self.source(part), part,
                                               package=self.is_package(part)))
        return seen


def advisor_imports(sources: Iterable[Path]) -> set[str]:
    """What the advisor's browser modules import (relative imports left out: they are the
    advisor's own)."""
    found: set[str] = set()
    for path in sources:
        found |= {n for n in imported_names(path.read_text(encoding="utf-8"), "advisor.x",
                                            package=False) if not n.startswith("advisor")}
    return found


def selected_modules(index: StdlibIndex, advisor_sources: Iterable[Path]) -> set[str]:
    """The modules the snapshot boot's zip holds (see the module's docstring)."""
    roots = {*ROOTS, *DYNAMIC, *advisor_imports(advisor_sources)}
    for package in ("_pyodide", "pyodide"):
        roots.update(m for m in index.package_modules(package) if not _never(m))
    return index.closure(roots)


def trimmed_zip(stdlib_zip: Path, advisor_sources: Iterable[Path]) -> bytes:
    """The snapshot boot's standard library: the selected members of ``stdlib_zip``, their
    bytes copied as they are, in the zip's own order, with the folders that hold them."""
    index = StdlibIndex(stdlib_zip)
    files = {index.files[name] for name in selected_modules(index, advisor_sources)}
    folders = {member[: i + 1] for member in files
               for i in range(len(member)) if member[i] == "/"}
    keep = [info for info in index.infos if info.filename in files | folders]
    return _copy_members(stdlib_zip, keep)


def _copy_members(source: Path, infos: list[zipfile.ZipInfo]) -> bytes:
    """A zip of these members of ``source``, their compressed data copied unchanged (no
    recompression: the bytes do not depend on this machine's zlib)."""
    out = bytearray()
    central = bytearray()
    with source.open("rb") as fh:
        for info in infos:
            fh.seek(info.header_offset)
            head = fh.read(30)
            if head[:4] != b"PK\x03\x04" or info.flag_bits & 0x08:
                raise ValueError(f"{source}: unexpected entry layout for {info.filename}")
            name_len, extra_len = struct.unpack("<HH", head[26:30])
            fh.seek(info.header_offset + 30 + name_len + extra_len)
            data = fh.read(info.compress_size)
            name = info.filename.encode("utf-8")
            year, month, day, hour, minute, second = info.date_time
            dostime = (hour << 11) | (minute << 5) | (second // 2)
            dosdate = ((year - 1980) << 9) | (month << 5) | day
            fields = (info.extract_version, info.flag_bits, info.compress_type, dostime, dosdate,
                      info.CRC, info.compress_size, info.file_size, len(name))
            offset = len(out)
            out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + name + data
            central += struct.pack(
                "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02",
                (info.create_system << 8) | info.create_version, *fields, 0, 0, 0,
                info.internal_attr, info.external_attr, offset) + name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(infos), len(infos),
                      len(central), len(out), 0)
    return bytes(out + central + end)
