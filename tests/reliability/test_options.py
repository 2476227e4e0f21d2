"""Every numeric option of the plugin is checked for its range, with a message that names the
option: `boot_timeout: 2200000` once overflowed the browser's timer (2**31 - 1 ms) and the quiz
gave up after half a second; `0`, `-5` and `true` were taken as they were."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from plugin.plugin import AdvisorPlugin
from tests.reliability.project import make_project

REFUSED = [
    ("boot_timeout", 0, "0 is out of range: it must be from 1 to 3,600 seconds"),
    ("boot_timeout", -5, "-5 is out of range: it must be from 1 to 3,600 seconds"),
    ("boot_timeout", True, "expected a whole number of seconds from 1 to 3,600, found true"),
    ("boot_timeout", 2_200_000, "2,200,000 is out of range: it must be from 1 to 3,600 seconds"),
    ("boot_timeout", "30", "expected a whole number of seconds from 1 to 3,600, found '30'"),
    ("boot_timeout", 1.5, "found 1.5"),
    ("max_age_days", 0, "0 is out of range: it must be from 1 to 36,500 days"),
    ("max_age_days", -1, "-1 is out of range"),
    ("max_age_days", False, "found false"),
    ("max_paths", 0, "0 is out of range: it must be from 1 to 100,000 answer paths"),
    ("max_paths", 100_001, "100,001 is out of range"),
    ("max_paths", True, "found true"),
]


@pytest.mark.parametrize(("option", "value", "says"), REFUSED,
                         ids=[f"{o}={v!r}" for o, v, _ in REFUSED])
def test_out_of_range_values_are_refused_naming_the_option(
    option: str, value: object, says: str
) -> None:
    errors, _ = AdvisorPlugin().load_config({option: value})
    assert [name for name, _ in errors] == [option]
    assert says in str(errors[0][1])
    assert "Fix: " in str(errors[0][1])


@pytest.mark.parametrize(("option", "value"), [
    ("boot_timeout", 1), ("boot_timeout", 3600), ("max_age_days", 1), ("max_age_days", 36_500),
    ("max_paths", 1), ("max_paths", 100_000),
])
def test_the_ends_of_each_range_are_accepted(option: str, value: int) -> None:
    plugin = AdvisorPlugin()
    assert plugin.load_config({option: value}) == ([], [])
    assert plugin.config[option] == value


def test_a_build_with_a_timer_overflow_stops_naming_the_option(tmp_path: Path) -> None:
    done = make_project(tmp_path / "p", boot_timeout=2_200_000).build()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "option 'boot_timeout'" in done.stderr
    assert "2,200,000 is out of range: it must be from 1 to 3,600 seconds" in done.stderr


def test_every_numeric_option_has_a_range() -> None:
    """An option added later with a bare `c.Type(int)` would take `true`, 0 and -5 again."""
    from plugin.config import AdvisorConfig, Bounded  # noqa: PLC0415

    numeric = {name: option for name, option in AdvisorConfig._schema
               if isinstance(option.default, int) and not isinstance(option.default, bool)}
    assert {"boot_timeout", "max_age_days", "max_paths"} <= set(numeric)
    for name, option in numeric.items():
        assert isinstance(option, Bounded), f"{name} takes any number"
        errors, _ = AdvisorPlugin().load_config({name: True})
        assert [n for n, _ in errors] == [name]


def test_the_guide_gives_the_quiz_the_default_time_limits(built_site: Path) -> None:
    """The guide sets neither limit: its quiz page carries the defaults (30 s to start Python,
    10 s per answer), which the quiz's timers read; the time-outs themselves are tested on a
    site with shorter ones (tests/reliability/test_runtime_failures.py)."""
    page = (built_site / "quiz" / "index.html").read_text(encoding="utf-8")
    raw = re.search(r'data-advisor-settings="([^"]+)"', page)
    assert raw
    settings = json.loads(html.unescape(raw.group(1)))
    assert (settings["bootTimeoutMs"], settings["answerTimeoutMs"]) == (30_000, 10_000)
