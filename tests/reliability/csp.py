"""The Content-Security-Policy for hosting the built guide, computed from the site itself.

The quiz needs no inline script. Material for MkDocs writes three small inline scripts into
every page (the `__md_scope`/`__md_get` helpers its bundle calls, the colour-palette restore
and the content-tab anchor fix); the policy allows exactly those by their SHA-256 instead of
`'unsafe-inline'`. The first one names the page's depth (`new URL("../..", location)`), so
there is one hash per depth. Inline `<script type="application/json">` blocks are data and
need nothing.

    .venv/bin/python -m tests.reliability.csp site

prints the header for a built site (docs/security.md shows it and explains each directive).
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from pathlib import Path

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
#: The page that documents the header, and the header's line in it.
DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
_HEADER = re.compile(r"^Content-Security-Policy: (?P<value>.+)$", re.MULTILINE)

#: Every directive except the script hashes, in the order the header lists them.
BASE = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("worker-src", "'self'"),
    ("connect-src", "'self'"),
    ("img-src", "'self' data:"),
    ("style-src", "'self'"),
    ("font-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'self'"),
)


def inline_scripts(site: Path) -> dict[str, str]:
    """SHA-256 (base64, as CSP writes it) of every executable inline script -> its start."""
    found: dict[str, str] = {}
    for page in sorted(site.rglob("*.html")):
        for match in _SCRIPT.finditer(page.read_text(encoding="utf-8")):
            attrs = match["attrs"]
            if "src=" in attrs or re.search(r"type=\"(?!module|text/javascript)", attrs):
                continue
            body = match["body"]
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
            found.setdefault(f"'sha256-{digest}'", body[:60])
    return found


def policy(site: Path) -> str:
    """The header value for a built site."""
    hashes = sorted(inline_scripts(site))
    parts = []
    for name, value in BASE:
        extra = f" {' '.join(hashes)}" if name == "script-src" and hashes else ""
        parts.append(f"{name} {value}{extra}")
    return "; ".join(parts)


def documented() -> str:
    """The header as docs/security.md shows it (which must be exactly once)."""
    found = _HEADER.findall(DOC.read_text(encoding="utf-8"))
    assert len(found) == 1, "docs/security.md must show the header exactly once"
    return str(found[0])


if __name__ == "__main__":
    print(f"Content-Security-Policy: {policy(Path(sys.argv[1] if len(sys.argv) > 1 else 'site'))}")
