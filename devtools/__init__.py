"""Working on the guide from Python: build it, serve it, launch Chromium, answer the quiz.

Used by the tests, the benchmark (`python -m bench`) and `scripts/`; it imports nothing from
them (nothing outside `tests/` imports `tests`). It is not part of the plugin's wheel: it is
its own small distribution (`devtools/pyproject.toml`), which `scripts/setup.sh` installs in
editable mode into the project's virtual environment.

- `devtools.site`: `build_site` (the real `mkdocs build --strict`, never `-q`) and `serve`
  (a built site on 127.0.0.1 at a free port);
- `devtools.browser`: how to launch Chromium here (Debian's, headless, no network chatter);
- `devtools.quiz`: the steps a reader takes in the quiz, through the widget's test contract.
"""

from devtools.browser import CHROMIUM_FLAGS, launch, launch_args
from devtools.site import (
    ROOT,
    BuildFailed,
    Handler,
    build_and_serve,
    build_site,
    load_config_data,
    serve,
)

__all__ = [
    "CHROMIUM_FLAGS",
    "ROOT",
    "BuildFailed",
    "Handler",
    "build_and_serve",
    "build_site",
    "launch",
    "launch_args",
    "load_config_data",
    "serve",
]
