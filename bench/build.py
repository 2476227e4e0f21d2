"""What the guide costs to build: ``mkdocs build`` with the plugin against the same pages with
the plugin removed, and how many runtime bytes a build copies."""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.utils.yaml import get_yaml_loader, yaml_load

from devtools import build_site

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")


def config_data() -> dict[str, Any]:
    """mkdocs.yml as plain data, read with mkdocs' own loader (so `!ENV` gets its value)."""
    with CONFIG.open("rb") as handle:
        data: dict[str, Any] = yaml_load(handle, get_yaml_loader())
    # Paths that MkDocs resolves against the config's folder, for a copy written elsewhere.
    data["watch"] = [str((CONFIG.parent / path).resolve()) for path in data.get("watch", [])]
    return data


def no_pages_config(folder: Path) -> Path:
    """Diagnostic: the guide with the plugin but `generate_pages: false` (strict off, since the
    links to the generated pages then dangle)."""
    data = config_data()
    data["docs_dir"] = str((CONFIG.parent / data.get("docs_dir", "docs")).resolve())
    for item in data.get("plugins", []):
        if isinstance(item, dict) and "advisor" in item:
            item["advisor"] = {**(item["advisor"] or {}), "generate_pages": False}
            # runtime_dir defaults to node_modules beside mkdocs.yml: keep pointing there.
            item["advisor"].setdefault("runtime_dir", str(ROOT / "node_modules" / "pyodide"))
    data["strict"] = False
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def plugin_free_config(folder: Path, *, theme_cache: bool = False) -> Path:
    """The guide's mkdocs.yml with the advisor plugin removed: the same docs, theme, extensions
    and nav. The quiz markers stay in the pages as plain links, and the links to the pages the
    plugin generates are left dangling, so `strict` is off for this build only. With
    ``theme_cache``, a hook (bench/theme_cache.py) keeps the theme's compiled templates as the
    plugin does: what the plugin itself adds, without a saving any site could have."""
    data = config_data()
    if theme_cache:
        data["hooks"] = [str(ROOT / "bench" / "theme_cache.py")]
    data["docs_dir"] = str((CONFIG.parent / data.get("docs_dir", "docs")).resolve())
    data["plugins"] = [
        p for p in data.get("plugins", [])
        if p != "advisor" and not (isinstance(p, dict) and "advisor" in p)
    ]
    data["strict"] = False
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def author_environment() -> dict[str, str]:
    """This process's environment as an author's shell has it: Python writes and reuses its
    compiled bytecode. With ``PYTHONDONTWRITEBYTECODE`` set (as on the machines the benchmark
    was first run on), every build compiled the plugin's and the engine's modules from source
    again, about 70 ms of CPU that a pip-installed or once-run plugin never pays, while MkDocs
    and Material come compiled from their install."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed_cli_build(config: Path, site: Path) -> float:
    """Wall-clock seconds of `python -m mkdocs build` in a subprocess, as an author runs it
    (interpreter start-up and imports included)."""
    started = time.perf_counter()
    result = build_site(site, config=config, strict=False, env=author_environment())
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build -f {config} failed:\n{result.stderr}")
    return elapsed


@contextlib.contextmanager
def quiet_mkdocs() -> Iterator[None]:
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _time_hooks(cfg: Any, into: dict[str, float]) -> None:
    """Wrap the advisor plugin's registered event handlers so that each adds its seconds."""
    plugin = cfg.plugins.get("advisor")
    if plugin is None:
        return
    for name, methods in cfg.plugins.events.items():
        for index, method in enumerate(methods):
            if getattr(method, "__self__", None) is not plugin:
                continue

            def timed(*args: Any, _method: Any = method, _name: str = name, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return _method(*args, **kwargs)
                finally:
                    into[_name] = into.get(_name, 0.0) + time.perf_counter() - started

            methods[index] = timed


#: Functions the plugin calls, timed in the diagnostic builds: (module, attribute, label).
PARTS = (
    ("advisor.source", "read_model_bytes", "read the model YAML (libyaml where present)"),
    ("advisor.source", "validate", "check and load the models (every answer path)"),
    ("plugin.changes", "kept_history", "What changed: git history and diffs (or kept ones)"),
    ("plugin.changes", "history", "  of which computed (git, old versions read and diffed)"),
    ("plugin.plugin", "guide_version", "guide version (git log, git status)"),
    ("plugin.runtime.RuntimeVerifier", "verify", "verify the runtime (SHA-256 of 13.4 MB)"),
    ("plugin.plugin", "build_archive", "zip the advisor package"),
    ("plugin.pages", "plan", "plan the generated pages"),
    ("plugin.pages", "render_pages", "render the generated pages' Markdown"),
    ("plugin.render", "widget", "render the quiz widget"),
    ("plugin.plugin", "install_runtime", "install the runtime (copies)"),
)


@contextlib.contextmanager
def timed_parts(into: dict[str, float]) -> Iterator[None]:
    """Temporarily wrap the functions of `PARTS` so that each adds its seconds to `into`.
    Measurement only: the originals are restored on exit."""
    saved = []
    for module_name, attribute, label in PARTS:
        parent, _, last = module_name.rpartition(".")
        if last[:1].isupper():  # a class: plugin.runtime.RuntimeVerifier
            owner: Any = getattr(importlib.import_module(parent), last)
        else:
            owner = importlib.import_module(module_name)
        original = owner.__dict__.get(attribute) or getattr(owner, attribute, None)
        if original is None:  # the plugin changed: time what is still there
            continue

        def timed(*args: Any, _f: Any = original, _label: str = label, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                into[_label] = into.get(_label, 0.0) + time.perf_counter() - started

        setattr(owner, attribute, timed)
        saved.append((owner, attribute, original))
    try:
        yield
    finally:
        for owner, attribute, original in reversed(saved):
            setattr(owner, attribute, original)


def api_build(
    config: Path, site: Path, *, dirty: bool = False, hooks: dict[str, float] | None = None,
) -> tuple[float, Any]:
    """One build through mkdocs' Python API; seconds and the config (for its plugins). With
    `hooks`, the seconds spent in each of the advisor plugin's event handlers are added to it."""
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    with quiet_mkdocs():
        started = time.perf_counter()
        cfg = load_config(config_file=str(config), site_dir=str(site))
        if hooks is not None:
            _time_hooks(cfg, hooks)
        cfg.plugins.on_startup(command="build", dirty=dirty)
        try:
            build(cfg, dirty=dirty)
        finally:
            cfg.plugins.on_shutdown()
        return time.perf_counter() - started, cfg


def runtime_files(site: Path) -> dict[str, tuple[int, int, int]]:
    """(device, inode, mtime_ns) of each runtime file in a built site."""
    folders = sorted((site / "assets" / "advisor").glob("pyodide-*"))
    if not folders:
        return {}
    out = {}
    for name in RUNTIME_FILES:
        stat = (folders[0] / name).stat()
        out[name] = (stat.st_dev, stat.st_ino, stat.st_mtime_ns)
    return out


def rebuild_copies(site: Path) -> dict[str, Any]:
    """Build twice into `site` (mkdocs' default clean build), then once more with --dirty;
    the bytes the plugin copied each time (`bytes_copied`) and whether the runtime files kept
    their inode and mtime."""
    source = ROOT / "node_modules" / "pyodide" / "pyodide.asm.wasm"
    steps = []
    before = None
    for label, dirty in (("first", False), ("second (clean)", False), ("third (--dirty)", True)):
        seconds, cfg = api_build(CONFIG, site, dirty=dirty)
        files = runtime_files(site)
        steps.append({
            "build": label,
            "seconds": seconds,
            "bytes_copied": cfg.plugins["advisor"].bytes_copied,
            "files_untouched": before is not None and files == before,
        })
        before = files
    site_wasm = runtime_files(site).get("pyodide.asm.wasm")
    return {
        "site": str(site),
        "same_file_system_as_node_modules": site.stat().st_dev == source.stat().st_dev,
        # Must stay False: a site file sharing node_modules' inode would let a write to the
        # built site change the project.
        "hard_linked": bool(site_wasm) and site_wasm[:2] == (
            source.stat().st_dev, source.stat().st_ino),
        "steps": steps,
    }


def measure(runs: int, tmp_root: Path) -> dict[str, Any]:
    """Figure 7. Builds alternate (with, without) so that drift hits both alike."""
    folder = Path(tempfile.mkdtemp(prefix="build-", dir=tmp_root))
    no_plugin = plugin_free_config(folder / "no-plugin")
    no_pages = no_pages_config(folder / "no-pages")
    cached = plugin_free_config(folder / "no-plugin-theme-cache", theme_cache=True)
    with_cli, without_cli, with_api, without_api = [], [], [], []
    no_pages_cli: list[float] = []
    cached_cli: list[float] = []
    # One untimed build each first: the OS file cache and (in-process) the imports.
    timed_cli_build(CONFIG, folder / "site-a")
    timed_cli_build(no_plugin, folder / "site-b")
    timed_cli_build(no_pages, folder / "site-e")
    timed_cli_build(cached, folder / "site-f")
    api_build(CONFIG, folder / "site-c")
    api_build(no_plugin, folder / "site-d")
    for i in range(runs):
        order = [(CONFIG, with_cli), (no_plugin, without_cli), (no_pages, no_pages_cli),
                 (cached, cached_cli)]
        for config, into in order if i % 2 == 0 else reversed(order):
            into.append(timed_cli_build(config, folder / f"site-{len(into)}-{config.parent.name}"))
    for i in range(max(1, min(runs, 3))):
        order_api = [(CONFIG, with_api), (no_plugin, without_api)]
        for config, into in order_api if i % 2 == 0 else reversed(order_api):
            into.append(api_build(config, folder / f"api-{len(into)}-{config.parent.name}")[0])
    # Where the plugin's time goes (in-process): its own hooks, and its generated pages.
    hooks: dict[str, float] = {}
    parts: dict[str, float] = {}
    hook_runs = max(1, min(runs, 3))
    no_pages_api = []
    for i in range(hook_runs):
        with timed_parts(parts):
            api_build(CONFIG, folder / f"hooks-{i}", hooks=hooks)
        no_pages_api.append(api_build(no_pages, folder / f"no-pages-{i}")[0])
    hooks = {name: seconds / hook_runs for name, seconds in hooks.items()}
    parts = {name: seconds / hook_runs for name, seconds in parts.items()}
    pages_with = len(list((folder / "site-a").rglob("index.html")))
    pages_without = len(list((folder / "site-b").rglob("index.html")))

    copies = {"same_fs": rebuild_copies(folder / "rebuild")}
    other = Path("/dev/shm")
    if other.is_dir() and os.access(other, os.W_OK) and (
        other.stat().st_dev != (ROOT / "node_modules").stat().st_dev
    ):
        cross = Path(tempfile.mkdtemp(prefix="guide-bench-", dir=other))
        try:
            copies["other_fs"] = rebuild_copies(cross / "site")
        finally:
            shutil.rmtree(cross, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "cli_with_plugin_s": with_cli,
        "cli_without_plugin_s": without_cli,
        "api_with_plugin_s": with_api,
        "api_without_plugin_s": without_api,
        "cli_plugin_no_generated_pages_s": no_pages_cli,
        "cli_without_plugin_theme_cache_s": cached_cli,
        "api_plugin_no_generated_pages_s": no_pages_api,
        "plugin_hooks_s": hooks,
        "plugin_parts_s": parts,
        "pages_with_plugin": pages_with,
        "pages_without_plugin": pages_without,
        "rebuild": copies,
        "paths_series": path_series(tmp_root),
    }


# --------------------------------------------------------------------------- build vs. paths


def wide_model(pairs: int, *, text: str = "") -> str:
    """A valid model with ``2 ** (pairs + 1) - 1`` answer paths: questions x1..xN and y1..yN of
    two choices, a rule ``when: {x_i: a, y_i: a}`` per pair and a catch-all. With 15 pairs
    (5 KB) it is the 65,535-path model that once took 155 s to build. ``text`` is appended to
    every question and label, to make each row of the generated pages longer."""
    lines = ["schema: 1", "id: wide", "title: Many answer paths", "questions:"]
    for prefix in "xy":
        for i in range(1, pairs + 1):
            lines += [
                f"  - id: {prefix}{i}",
                f"    text: Question {prefix}{i}{text}?",
                "    choices:",
                f"      - {{id: a, label: 'A{text}'}}",
                f"      - {{id: b, label: 'B{text}'}}",
            ]
    lines += [
        "options:",
        "  - {id: match, name: A pair matches, summary: Some pair is answered a and a.}",
        "  - {id: other, name: No pair matches, summary: Everything else.}",
        "rules:",
    ]
    lines += [
        f"  - {{id: pair-{i}, when: {{x{i}: a, y{i}: a}}, recommend: match, because: Pair {i}.}}"
        for i in range(1, pairs + 1)
    ]
    lines.append("  - {id: rest, recommend: other, because: No pair matches.}")
    return "\n".join(lines) + "\n"


def wide_site(folder: Path, pairs: int, *, text: str = "", **options: Any) -> Path:
    """A one-page site embedding ``wide_model(pairs, text=text)``; its mkdocs.yml."""
    (folder / "docs" / "models").mkdir(parents=True, exist_ok=True)
    (folder / "docs" / "models" / "wide.yml").write_text(wide_model(pairs, text=text),
                                                         encoding="utf-8")
    (folder / "docs" / "index.md").write_text("# Wide\n\n<!-- advisor: wide -->\n",
                                              encoding="utf-8")
    config = {
        "site_name": "Wide",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"advisor": {
            "models": ["models/wide.yml"],
            "runtime_dir": str(ROOT / "node_modules" / "pyodide"),
            "gzip": False,
            # The build's own cost, not the memory snapshot's: a new model would make one, a
            # Node run of seconds that depends on the machine, not on the paths.
            "snapshot": False,
            **options,
        }}],
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def cpu_build(config: Path, site: Path) -> dict[str, Any]:
    """`python -m mkdocs build` in a subprocess: wall and CPU seconds (CPU is what the machine's
    load does not change), the exit status, the largest page and the search index's size."""
    before = os.times()
    started = time.perf_counter()
    result = build_site(site, config=config, strict=False, cwd=config.parent, timeout=600,
                        env=author_environment())
    wall = time.perf_counter() - started
    after = os.times()
    pages = [p.stat().st_size for p in site.rglob("*.html")] if site.is_dir() else []
    index = site / "search" / "search_index.json"
    return {
        "wall_s": wall,
        "cpu_s": (after.children_user - before.children_user)
        + (after.children_system - before.children_system),
        "returncode": result.returncode,
        "largest_page_bytes": max(pages, default=0),
        "search_index_bytes": index.stat().st_size if index.exists() else 0,
        "stderr": result.stderr,
    }


def path_series(tmp_root: Path, pairs: range = range(1, 10)) -> list[dict[str, Any]]:
    """Build time against answer-path count: ``wide_model(k)`` for each ``k`` in ``pairs``
    (3 to 1,023 paths) with ``max_paths`` set just high enough, then the 65,535-path model at the
    default limit (it must stop at once)."""
    folder = Path(tempfile.mkdtemp(prefix="paths-", dir=tmp_root))
    rows = []
    try:
        for k in [*pairs, 15]:
            paths = 2 ** (k + 1) - 1
            options = {"max_paths": paths} if k != 15 else {}
            config = wide_site(folder / f"wide-{k}", k, **options)
            row = cpu_build(config, folder / f"wide-{k}" / "site")
            del row["stderr"]
            rows.append({"pairs": k, "paths": paths, **options, **row})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


if __name__ == "__main__":  # python -m bench.build: the path series alone
    print(f"{'paths':>7} {'max_paths':>9} {'wall s':>7} {'CPU s':>6} {'largest page':>13} "
          f"{'search index':>13}  exit")
    for row in path_series(Path(tempfile.gettempdir())):
        print(f"{row['paths']:>7,} {row.get('max_paths', 1000):>9,} {row['wall_s']:>7.2f} "
              f"{row['cpu_s']:>6.2f} {row['largest_page_bytes']:>13,} "
              f"{row['search_index_bytes']:>13,}  {row['returncode']}")
