"""Pages generated from a guide model: one per option, the comparison matrix, the decision
diagram and every answer path. They are ordinary MkDocs pages (navigation, search, --strict,
edit link to the model file); their content comes from the engine and the model only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

import advisor
from advisor.tree import decision_tree

from . import render


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    title: str
    content: str


def page_uri(model_id: str, kind: str, option_id: str | None = None) -> str:
    """Where a generated page lives, relative to docs_dir."""
    if kind == "option":
        return f"{model_id}/options/{option_id}.md"
    return f"{model_id}/{kind}.md"


def model_pages(
    model: advisor.Model, data: dict[str, Any], version: str | None
) -> list[GeneratedPage]:
    """Every page generated for one model, in navigation order."""
    context = render.model_context(model, data)
    context["version"] = version
    pages = [
        GeneratedPage(
            page_uri(model.id, "compare"), "Comparison matrix", render.page("compare.md", context)
        ),
        GeneratedPage(
            page_uri(model.id, "decision-tree"),
            "Decision diagram",
            render.page("decision-tree.md", {**context, "tree": decision_tree(model)}),
        ),
        GeneratedPage(
            page_uri(model.id, "paths"),
            "Every answer path",
            render.page("paths.md", {**context, "paths": advisor.enumerate_paths(model)}),
        ),
    ]
    for option in context["options"]:
        pages.append(
            GeneratedPage(
                page_uri(model.id, "option", option["id"]),
                option["name"],
                render.page("option.md", {**context, "option": option}),
            )
        )
    return pages


def as_file(config: MkDocsConfig, page: GeneratedPage, model_src_uri: str) -> File:
    """A generated page as an MkDocs file whose edit link opens the model it comes from."""
    file = File.generated(config, page.src_uri, content=page.content)
    file.edit_uri = model_src_uri
    return file


def add_to_nav(nav: list[Any], model: advisor.Model, generated: list[GeneratedPage]) -> None:
    """Append a section for the model's generated pages to an explicit ``nav``, unless the
    author already placed any of them there by hand."""
    wanted = {page.src_uri for page in generated}

    def mentioned(item: Any) -> bool:
        if isinstance(item, str):
            return item in wanted
        if isinstance(item, dict):
            return any(mentioned(v) for v in item.values())
        if isinstance(item, list):
            return any(mentioned(v) for v in item)
        return False

    if mentioned(nav):
        return
    options = [{p.title: p.src_uri} for p in generated if "/options/" in p.src_uri]
    others = [{p.title: p.src_uri} for p in generated if "/options/" not in p.src_uri]
    nav.append({model.title: [*others, {"Options": options}]})
