"""The plugin's options, as a typed MkDocs config: a wrong option is a config error naming it."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class Bounded(c.Type[int]):
    """A whole number within ``[low, high]``: ``true``, ``0`` or ``-5`` where a count of seconds
    is meant are refused with the range, not taken as numbers."""

    def __init__(self, low: int, high: int, *, default: int, unit: str) -> None:
        super().__init__(int, default=default)
        self.low, self.high, self.unit = low, high, unit

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            shown = str(value).lower() if isinstance(value, bool) else repr(value)
            raise base.ValidationError(
                f"expected a whole number of {self.unit} from {self.low:,} to {self.high:,}, "
                f"found {shown}. Fix: write a number, without quotes."
            )
        if not self.low <= value <= self.high:
            raise base.ValidationError(
                f"{value:,} is out of range: it must be from {self.low:,} to {self.high:,} "
                f"{self.unit}. Fix: write a number in that range."
            )
        return value


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
    ``<model id>/`` and is embedded with a marker line (plugin/marker.py,
    docs/use-in-your-site.md): ``[Every answer](<model id>/paths.md "advisor: <model id>")``."""

    runtime_dir = c.Optional(c.Dir(exists=True))
    """Where the Pyodide npm package was installed; default ``node_modules/pyodide`` beside
    ``mkdocs.yml``."""

    # An hour at most: a browser timer holds at most 2**31 - 1 ms (24.8 days) and fires at once
    # when given more, and no reader waits an hour for a quiz.
    boot_timeout = Bounded(1, 3600, default=30, unit="seconds")
    """Seconds the quiz waits for Python to start in the browser before it shows an error with
    a retry button and the link to the static answer paths (1 to 3,600)."""

    answer_timeout = Bounded(1, 600, default=10, unit="seconds")
    """Seconds the quiz waits for Python's answer to one click, once Python runs, before it
    shows an error with a retry button (1 to 600)."""

    max_age_days = Bounded(1, 36_500, default=365, unit="days")
    """Guidance whose ``reviewed`` date is older than this many days raises a build warning
    (so ``mkdocs build --strict`` fails)."""

    max_paths = Bounded(1, 100_000, default=1000, unit="answer paths")
    """The most answer paths a model may have; a model with more stops the build with a message
    (the paths are counted only up to this). Every path is a row of the generated pages: a
    model with tens of thousands of them once took minutes to build and wrote pages of tens of
    megabytes. At the default the build takes seconds (bench/build.py measures the series)."""

    gzip = c.Type(bool, default=True)
    """Write ``.gz`` copies of the large runtime files beside them, for static hosts that serve
    pre-compressed files (nginx ``gzip_static``): 13.4 MB become 6.3 MB on the wire. They are
    made once and kept in ``node_modules/.cache/advisor-gzip`` beside the runtime."""

    generate_pages = c.Type(bool, default=True)
    """Render option pages, the comparison matrix, the decision diagram and the answer paths."""

    publish_models = c.Type(bool, default=False)
    """Also publish the model files themselves (the YAML under the models' folders, comments
    included) in the site. Off by default: readers get the pages and the quiz built from them."""

    snapshot = c.Type(bool, default=True)
    """Boot the quiz's Python from a memory snapshot made at build time (advisor imported, models
    loaded) instead of starting it in the reader's browser: see the Performance page. Made under
    Node once per content and kept in ``node_modules/.cache/advisor-snapshot`` (the eight used
    last); the worker falls back to the stock boot when it is missing or does not match the
    runtime."""
