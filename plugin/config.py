"""The plugin's options, as a typed MkDocs config: a wrong option is a config error naming it."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class AdvisorConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of the ``advisor`` plugin in ``mkdocs.yml``.

    ```yaml
    plugins:
      - advisor:
          models: [models/orchestration.yml, models/adoption.yml]
    ```
    """

    models = c.ListOfItems(c.Type(str), default=[])
    """Guide models, as paths relative to ``docs_dir``. Each gets its generated pages under
    ``<model id>/`` and can be embedded with ``<!-- advisor: <model id> -->``."""

    runtime_dir = c.Optional(c.Dir(exists=True))
    """Where the Pyodide npm package was installed; default ``node_modules/pyodide`` beside
    ``mkdocs.yml``."""

    boot_timeout = c.Type(int, default=30)
    """Seconds the quiz waits for Python to start in the browser before it shows an error with
    a retry button and the link to the static answer paths."""

    max_age_days = c.Type(int, default=365)
    """Guidance whose ``reviewed`` date is older than this many days raises a build warning
    (so ``mkdocs build --strict`` fails)."""

    gzip = c.Type(bool, default=True)
    """Write ``.gz`` copies of the large runtime files beside them, for static hosts that serve
    pre-compressed files (nginx ``gzip_static``): 13.4 MB become 6.3 MB on the wire. They are
    made once and kept in ``node_modules/.cache/advisor-gzip`` beside the runtime."""

    generate_pages = c.Type(bool, default=True)
    """Render option pages, the comparison matrix, the decision diagram and the answer paths."""
