"""A crawler for a built site: every internal link and resource a page names, the quiz's own
addresses included (its `data-advisor-settings`: model, worker, runtime, answer paths, option
and diagram pages), must lead to a file the site holds."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

ATTRIBUTES = {"href", "src"}
SETTINGS_URLS = ("modelUrl", "worker", "archive", "fallback", "diagramUrl")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ATTRIBUTES:
                self.urls.append(value)
            elif name == "data-advisor-settings":
                settings = json.loads(value)
                self.urls += [settings[k] for k in SETTINGS_URLS if settings.get(k)]
                self.urls += list((settings.get("optionUrls") or {}).values())
                if settings.get("indexUrl"):  # the runtime's folder: the loader must be there
                    self.urls.append(settings["indexUrl"] + "pyodide.mjs")


def _target(site: Path, page: Path, url: str) -> Path | None:
    """The file `url` on `page` leads to, or None for an outside or in-page link."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    here = "/" + page.relative_to(site).as_posix()
    path = unquote(urlsplit(urljoin(here, parts.path)).path)
    target = site / PurePosixPath(path).relative_to("/")
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def dangling_links(site: Path) -> list[str]:
    """`page: url` for each internal address that leads nowhere."""
    found = []
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            target = _target(site, page, url)
            if target is not None and not target.is_file():
                found.append(f"{page.relative_to(site)}: {url}")
    return found
