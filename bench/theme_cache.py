"""A MkDocs hook for the benchmark's build without the plugin: the same bytecode cache for the
theme's templates that the plugin gives them (plugin.render.CompiledTemplates), so that the
ratio can also be taken without that saving, which helps any MkDocs site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

FOLDER = Path(__file__).resolve().parent.parent / "node_modules" / ".cache" / "bench-theme"


def on_env(env: jinja2.Environment, **kwargs: Any) -> jinja2.Environment:
    if env.bytecode_cache is None:
        FOLDER.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(FOLDER))
    return env
