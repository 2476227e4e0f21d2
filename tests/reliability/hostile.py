"""A guide model whose every text carries HTML, script, Markdown and template syntax."""

from __future__ import annotations

from typing import Any

#: Appended to every text of the model. Were it ever parsed as HTML, Markdown or a template,
#: an element with `data-xss` would appear, `window.__xss` would be set, an alert would open,
#: or the text would change (`*em*` into emphasis, `{{ 7*7 }}` into 49, `&amp;` into &).
PAYLOAD = (' <b data-xss>B</b><img src=x onerror="window.__xss=1;alert(1)" data-xss>'
           "<script>window.__xss=2</script> *em* {{ 7*7 }} &amp; ]]>-->")
#: What must be shown instead: the payload itself, as text (whitespace as the browser shows it).
SHOWN = PAYLOAD.strip()

#: Keys whose values are ids, dates or numbers, not text.
NOT_TEXT = frozenset({"id", "schema", "recommend", "source", "reviewed", "published", "when",
                      "url", "read", "kind", "resolution", "anchor"})


def hostile(data: Any, key: str = "") -> Any:
    """A copy of model data with PAYLOAD appended to every text."""
    if key in NOT_TEXT:
        return data
    if isinstance(data, dict):
        return {k: hostile(v, k) for k, v in data.items()}
    if isinstance(data, list):
        return [hostile(item, key) for item in data]
    if isinstance(data, str):
        return data + PAYLOAD
    return data
