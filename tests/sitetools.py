"""The tests' names for what `devtools` provides: building the real guide, serving it on
127.0.0.1 and launching Chromium. The code lives in `devtools` (shared with bench/ and
scripts/); this module only keeps the tests' imports short."""

from __future__ import annotations

from devtools.browser import CHROMIUM_FLAGS, launch_args
from devtools.site import (
    ROOT,
    BuildFailed,
    Handler,
    build_and_serve,
    build_site,
    load_config_data,
    serve,
)

__all__ = ["CHROMIUM_FLAGS", "ROOT", "BuildFailed", "Handler", "build_and_serve", "build_site",
           "launch_args", "load_config_data", "serve"]
