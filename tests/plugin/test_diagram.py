"""The decision diagram's layout (plugin/diagram.py), checked on both shipped guides without a
browser: it fits the width it was given, no two boxes overlap, and every answer path ends at
an outcome box that shows its recommendation, reachable by the path's anchor."""

from __future__ import annotations

import itertools

import pytest

import advisor
from advisor.source import read_model_file
from advisor.tree import decision_tree
from plugin import diagram
from tests.sitetools import ROOT


def nodes(node: diagram.DNode) -> list[diagram.DNode]:
    found = [node]
    for branch in node.branches:
        found += nodes(branch.node)
    return found


@pytest.fixture(scope="module", params=["orchestration", "adoption"])
def model(request: pytest.FixtureRequest) -> advisor.Model:
    data, _ = read_model_file(ROOT / "docs" / "models" / f"{request.param}.yml")
    return advisor.load_model(data)


def test_fits_the_content_column_at_1280(model: advisor.Model) -> None:
    drawn = diagram.layout(model.id, decision_tree(model))
    assert drawn.width <= diagram.WIDTH <= 938  # Material's column at 1280 px, no toc
    for node in nodes(drawn.root):
        assert node.x + node.w <= drawn.width
        assert node.y + node.h <= drawn.height
        for branch in node.branches:
            for line in branch.label:
                assert branch.label_x + diagram.text_width(line, diagram.LABEL_PX, False) <= (
                    drawn.width)


def test_boxes_and_labels_do_not_overlap(model: advisor.Model) -> None:
    drawn = diagram.layout(model.id, decision_tree(model))
    rows = sorted((n.y, n.y + n.h) for n in nodes(drawn.root))
    for (_, bottom), (top, _) in itertools.pairwise(rows):
        assert top >= bottom + diagram.GAP
    # labels above their box sit between the previous box and it
    for node in nodes(drawn.root):
        for branch in node.branches:
            if branch.tick_to == branch.node.x:  # label above the box
                assert branch.label_y + diagram.LABEL_LINE * (len(branch.label) - 1) < (
                    branch.node.y)
            else:  # beside the box, on its first line
                assert branch.node.y < branch.label_y < branch.node.y + branch.node.h
                assert branch.label_x < branch.node.x


def test_every_answer_path_has_an_anchor_at_its_outcome(model: advisor.Model) -> None:
    drawn = diagram.layout(model.id, decision_tree(model))
    by_anchor = {a: n for n in nodes(drawn.root) for a in n.anchors}
    assert len(by_anchor) == sum(len(n.anchors) for n in nodes(drawn.root))  # ids are unique
    paths = advisor.enumerate_paths(model)
    for path in paths:
        node = by_anchor[diagram.anchor(model.id, path.steps)]
        assert node.kind == "outcome"
        assert tuple(o["id"] for o in node.options) == path.outcome
        # every prefix of the path is a question box on the way
        for n in range(1, len(path.steps)):
            assert by_anchor[diagram.anchor(model.id, path.steps[:n])].kind == "question"
    outcomes = [n for n in nodes(drawn.root) if n.kind == "outcome"]
    assert drawn.outcomes == len(outcomes) <= len(paths)


def test_answers_that_end_the_quiz_come_first() -> None:
    data, _ = read_model_file(ROOT / "docs" / "models" / "orchestration.yml")
    model = advisor.load_model(data)
    root = diagram.layout(model.id, decision_tree(model)).root
    # The first question's "yes" ends the quiz: drawn right under it, not after the long "no".
    first = root.branches[0]
    assert first.node.kind == "outcome"
    assert [c["id"] for c in first.choices] == ["yes"]
    assert first.node.y < root.y + root.h + 40


def test_wrap_keeps_lines_within_the_width() -> None:
    text = "Does a DevOps team take part, either running the pipeline or deploying it?"
    lines = diagram.wrap(text, 200, 14)
    assert " ".join(lines) == text
    assert len(lines) > 1
    assert all(diagram.text_width(line, 14) <= 200 for line in lines)
    assert diagram.wrap("Supercalifragilistic", 10, 14) == ["Supercalifragilistic"]
