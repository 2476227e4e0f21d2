"""The plugin's options are a typed MkDocs config: good ones load, wrong ones name the option."""

from __future__ import annotations

from plugin.plugin import AdvisorPlugin


def test_good_options_load_without_errors_or_warnings() -> None:
    plugin = AdvisorPlugin()
    errors, warnings = plugin.load_config(
        {"models": ["models/orchestration.yml"], "boot_timeout": 20, "max_age_days": 180}
    )
    assert (errors, warnings) == ([], [])
    assert plugin.config.boot_timeout == 20


def test_defaults() -> None:
    plugin = AdvisorPlugin()
    assert plugin.load_config({}) == ([], [])
    assert plugin.config.models == []
    assert plugin.config.boot_timeout == 30
    assert plugin.config.generate_pages is True


def test_wrong_type_names_the_option() -> None:
    errors, _ = AdvisorPlugin().load_config({"boot_timeout": "soon"})
    assert [name for name, _ in errors] == ["boot_timeout"]
    assert "expected a whole number of seconds" in str(errors[0][1])


def test_unknown_option_is_reported() -> None:
    _, warnings = AdvisorPlugin().load_config({"modles": ["x.yml"]})
    assert [name for name, _ in warnings] == ["modles"]
