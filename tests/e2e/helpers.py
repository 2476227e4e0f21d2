"""The tests' old name for `devtools.quiz` (the steps a reader takes in the quiz):
`from tests.e2e.helpers import choose` reads `devtools.quiz.choose`."""

from __future__ import annotations

import devtools.quiz as _steps


def __getattr__(name: str) -> object:
    return getattr(_steps, name)
