"""Fixtures of the engine's unit tests."""

from __future__ import annotations

from typing import Any

import pytest

from advisor import Model, load_model
from advisor.source import read_model_file
from tests.unit.helpers import GUIDE


@pytest.fixture(scope="session")
def guide_data() -> dict[str, Any]:
    """The unit tests' guide-shaped model, as read from YAML."""
    data, _ = read_model_file(GUIDE)
    return data


@pytest.fixture
def guide(guide_data: dict[str, Any]) -> Model:
    """A freshly loaded guide model (its own memo tables)."""
    return load_model(guide_data)
