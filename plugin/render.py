"""Jinja2 rendering of everything the plugin writes into pages. Autoescape is on: model text is
shown as text, never interpreted as HTML."""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup, escape

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("plugin", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def widget(context: dict[str, Any]) -> str:
    """The quiz for one model: a raw HTML block that Markdown leaves alone."""
    # Blank lines around the block keep Python-Markdown from wrapping it in a paragraph.
    return "\n\n" + _env.get_template("widget.html").render(context).strip() + "\n\n"


_MD_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_{}[]()#+-.!|~"})


def _md(text: str) -> Markup:
    """Text for a Markdown line (a heading): HTML-escaped and Markdown-escaped, so that it is
    shown exactly as written."""
    return Markup(str(escape(text)).translate(_MD_SPECIAL))


_env.filters["md"] = _md


def page(template: str, context: dict[str, Any]) -> str:
    """A generated Markdown page."""
    return _env.get_template(template).render(context)


def _labels(question: dict[str, Any], choice_ids: list[str]) -> str:
    names = {c["id"]: c["label"] for c in question["choices"]}
    return " or ".join(f"“{names[c]}”" for c in choice_ids)


#: What an option may leave out (see advisor.model.Option), as the templates read it.
OPTION_DEFAULTS: dict[str, Any] = {
    "strengths": [],
    "caveats": [],
    "suits": "",
    "avoid": [],
    "reviewed": None,
}


def model_context(model: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The model as the templates read it: plain data, with every reference resolved to the
    words a reader sees."""
    questions = {q["id"]: q for q in data["questions"]}
    sources = {
        key: {"title": key, "author": "", **value} for key, value in data.get("sources", {}).items()
    }
    options = []
    for option in data["options"]:
        rules = []
        for index, rule in enumerate(data["rules"]):
            recommend = rule["recommend"]
            ids = [recommend] if isinstance(recommend, str) else list(recommend)
            if option["id"] not in ids:
                continue
            when = []
            for qid, allowed in (rule.get("when") or {}).items():
                allowed_ids = [allowed] if isinstance(allowed, str) else list(allowed)
                when.append(
                    {
                        "question": questions[qid]["text"],
                        "answer": _labels(questions[qid], allowed_ids),
                    }
                )
            rules.append(
                {
                    "id": rule["id"],
                    "number": index + 1,
                    "because": rule["because"],
                    "when": when,
                    "tie": len(ids) > 1,
                    "reviewed": rule.get("reviewed"),
                    "decide": rule.get("decide"),
                    "with": [i for i in ids if i != option["id"]],
                }
            )
        options.append(
            {
                **OPTION_DEFAULTS,
                **option,
                "matrix": {c["id"]: "—" for c in data.get("criteria", [])}
                | option.get("matrix", {}),
                "sources": [{"section": "", **ref} for ref in option.get("sources", [])],
                "rules": rules,
            }
        )
    names = {o["id"]: o["name"] for o in options}
    return {
        "model": model,
        "data": data,
        "title": data["title"],
        "questions": data["questions"],
        "question_by_id": questions,
        "choice_label": {
            q["id"]: {c["id"]: c["label"] for c in q["choices"]} for q in data["questions"]
        },
        "options": options,
        "option_names": names,
        "criteria": data.get("criteria", []),
        "sources": sources,
    }
