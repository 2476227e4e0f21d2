"""plugin.freshness: which options and rules are due for review, and what "today" is."""

from __future__ import annotations

import datetime

import pytest
from mkdocs.exceptions import PluginError

from advisor import Model, Option, Rule
from plugin import freshness

DAY = datetime.date(2027, 3, 2)


def model(options: list[str | None], rules: list[tuple[str, str]]) -> Model:
    return Model(
        "m", "M", (),
        tuple(Option(f"o{n}", f"O{n}", "One.", reviewed=r) for n, r in enumerate(options)),
        tuple(Rule(ident, (), "Because.", reviewed=r) for ident, r in rules),
    )


def data(*reviewed: str | None) -> Model:
    return model(list(reviewed), [("r", "2027-03-02")])


def test_fresh_up_to_max_age_inclusive() -> None:
    assert freshness.stale(data("2026-03-02", "2027-03-02"), DAY, 365) == []
    found = freshness.stale(data("2026-03-01"), DAY, 365)
    assert [(s.path, s.message) for s in found] == [
        ("options[0]", "was last reviewed on 2026-03-01, 366 days ago (the limit is "
                       "max_age_days: 365)")]


def test_missing_and_future_dates_are_reported() -> None:
    found = freshness.stale(data(None, "2027-03-03", "2027-03-04"), DAY, 365)
    assert [(s.path, s.message) for s in found] == [
        ("options[0]", "has no reviewed date"),
        ("options[2]", "has a reviewed date in the future (2027-03-04; today is 2027-03-02)"),
    ]
    assert found[0].fix == 'check it against its sources and add reviewed: "2027-03-02"'


def test_rules_too() -> None:
    found = freshness.stale(model([], [("old", "2020-01-01")]), DAY, 365)
    assert found[0].describe("docs/models/m.yml", {"rules[0].reviewed": 12}) == (
        "advisor: docs/models/m.yml:12: rules[0].reviewed: rule 'old' was last reviewed on "
        "2020-01-01, 2617 days ago (the limit is max_age_days: 365). Fix: re-check it against "
        "its sources and update reviewed.")


def test_today_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_TODAY", "2030-01-31")
    assert freshness.today() == datetime.date(2030, 1, 31)
    monkeypatch.setenv("ADVISOR_TODAY", "")
    assert freshness.today() == datetime.date.today()
    monkeypatch.setenv("ADVISOR_TODAY", "31/01/2030")
    with pytest.raises(PluginError, match="ADVISOR_TODAY='31/01/2030' is not a date"):
        freshness.today()
