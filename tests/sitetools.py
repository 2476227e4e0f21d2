"""The tests' old name for `devtools` (building the real guide, serving it on 127.0.0.1,
launching Chromium): `from tests.sitetools import build_site` reads `devtools.build_site`.
The code lives in `devtools`, shared with bench/ and scripts/."""

from __future__ import annotations

import devtools as _devtools


def __getattr__(name: str) -> object:
    return getattr(_devtools, name)
