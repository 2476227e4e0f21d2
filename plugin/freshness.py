"""Is the guidance still true? Every option and rule carries the date a person last checked it
against its sources (`reviewed`); the build warns about guidance older than `max_age_days`, so
`mkdocs build --strict` fails until someone re-checks it.

"Today" is the build machine's date, or `ADVISOR_TODAY` (YYYY-MM-DD) when set: tests and a
what-if build ("will anything go stale before the next release?") set it.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

import advisor
from advisor.source import ModelFile

TODAY_VARIABLE = "ADVISOR_TODAY"
FIX = "re-check it against its sources and update reviewed"


@dataclass(frozen=True)
class Stale:
    """One option or rule whose review is missing, too old or in the future."""

    path: str  # YAML path of the item, e.g. "options[2]"
    what: str  # "option 'codepipeline'"
    message: str
    fix: str

    def describe(self, file: str, lines: Mapping[str, int]) -> str:
        """The warning: file, line, YAML path, what is wrong and the fix."""
        key = f"{self.path}.reviewed"
        line = lines.get(key) or lines.get(self.path)
        where = f"{file}:{line}" if line else file
        return f"advisor: {where}: {key}: {self.what} {self.message}. Fix: {self.fix}."


def warnings(config: MkDocsConfig, models: Iterable[ModelFile], max_age_days: int) -> list[str]:
    """One warning per option or rule of the models whose review is missing, too old or in
    the future, naming the file and line (relative to mkdocs.yml's folder)."""
    on = today()
    found = []
    base = Path(config.config_file_path).parent
    for source in models:
        path = Path(source.file)
        shown = os.path.relpath(path, base) if path.is_relative_to(base) else str(path)
        found += [item.describe(shown, source.lines)
                  for item in stale(source.model, on, max_age_days)]
    return found


def today() -> datetime.date:
    """The date guidance ages against: `ADVISOR_TODAY` if set, else the local date."""
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    if not value:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise PluginError(
            f"advisor: {TODAY_VARIABLE}='{value}' is not a date. Fix: set it to YYYY-MM-DD, "
            f"or unset it to use today's date."
        ) from None


def stale(model: advisor.Model, on: datetime.date, max_age_days: int) -> list[Stale]:
    """The options and rules of a model not reviewed within `max_age_days` of `on`, in file
    order. A date more than a day ahead of `on` is reported too (a typo would otherwise keep
    the item fresh for ever; one day of slack covers time zones)."""
    found = []
    items: list[tuple[str, advisor.Option | advisor.Rule]] = [
        *((f"options[{i}]", o) for i, o in enumerate(model.options)),
        *((f"rules[{i}]", r) for i, r in enumerate(model.rules)),
    ]
    for path, item in items:
        what = f"{'option' if isinstance(item, advisor.Option) else 'rule'} '{item.id}'"
        reviewed = item.reviewed
        if not reviewed:
            found.append(
                Stale(
                    path,
                    what,
                    "has no reviewed date",
                    f'check it against its sources and add reviewed: "{on.isoformat()}"',
                )
            )
            continue
        date = datetime.date.fromisoformat(str(reviewed))
        age = (on - date).days
        if age > max_age_days:
            found.append(
                Stale(
                    path,
                    what,
                    f"was last reviewed on {date.isoformat()}, "
                    f"{age} days ago (the limit is max_age_days: {max_age_days})",
                    FIX,
                )
            )
        elif age < -1:
            found.append(
                Stale(
                    path,
                    what,
                    f"has a reviewed date in the future "
                    f"({date.isoformat()}; today is {on.isoformat()})",
                    "write the date the review actually happened",
                )
            )
    return found
