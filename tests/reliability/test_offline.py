"""Offline: every page of the built guide, the quiz included, asks only the server it came
from. The crawl of tests/reliability/test_crawl.py checks it in a browser; the static scan
of the HTML and CSS below backs it up."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

#: Attributes through which a page loads something by itself (links to follow are not loads).
LOADS = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\ssrc=\"(?P<src>[^\"]+)\""
    r"|<link\b(?=[^>]*\srel=\"(?:stylesheet|preload|modulepreload|icon|manifest|prefetch)\")"
    r"[^>]*\shref=\"(?P<href>[^\"]+)\"")
CSS_URL = re.compile(r"url\(\s*['\"]?(?P<url>[^'\")]+)")


def test_no_page_or_stylesheet_names_another_host(built_site: Path) -> None:
    found = []
    for html in built_site.rglob("*.html"):
        for match in LOADS.finditer(html.read_text(encoding="utf-8")):
            url = match["src"] or match["href"]
            if urlsplit(url).netloc or url.startswith("//"):
                found.append(f"{html.relative_to(built_site)}: {url}")
    for css in built_site.rglob("*.css"):
        for match in CSS_URL.finditer(css.read_text(encoding="utf-8")):
            if re.match(r"(https?:)?//", match["url"]):
                found.append(f"{css.relative_to(built_site)}: {match['url']}")
    assert found == []
