"""The smallest guide model the plugin's tests build a site from: one question, two options,
two rules (`small` -> option a, anything else -> option b)."""

from __future__ import annotations


def tiny_model(title: str = "Tiny guide") -> str:
    """The model `tiny` as YAML, titled `title`."""
    return f"""\
schema: 1
id: tiny
title: {title}
questions:
  - id: size
    text: How big?
    choices:
      - {{id: small, label: Small}}
      - {{id: large, label: Large}}
options:
  - {{id: a, name: Option A, summary: The first., reviewed: "2026-11-27"}}
  - {{id: b, name: Option B, summary: The second., reviewed: "2026-11-27"}}
rules:
  - {{id: small, when: {{size: small}}, recommend: a, because: Small things.,
      reviewed: "2026-11-27"}}
  - {{id: rest, recommend: b, because: Everything else., reviewed: "2026-11-27"}}
"""
