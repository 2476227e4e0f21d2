"""The reliability tests' site is the guide built with a short boot time limit (the `quick`
fixture, in tests/conftest.py, shared with the end-to-end tests' two-quiz page)."""

from __future__ import annotations

#: plugins.advisor.boot_timeout of the quick site: well above a cold boot on a 2-core machine
#: (2 s idle, 10 s and more when it is busy), half the default 30 s.
QUICK_TIMEOUT = 15
#: plugins.advisor.answer_timeout of the quick site: far above an answer (milliseconds, the
#: first one with the snapshot the worker keeps: well under a second), half the default 10 s.
QUICK_ANSWER = 5
