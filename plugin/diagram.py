"""The decision diagram's layout: the adaptive quiz (advisor.tree.decision_tree) as boxes and
lines with positions, drawn as SVG by templates/_diagram.svg at build time.

The shape is an indented flowchart: each question is a box, its answers hang below it from a
vertical line, each answer's label above the box it leads to, one indent further right. The
width therefore grows with the depth of the tree (24 px a level), not with its number of
leaves, so both shipped guides fit a 1280 px screen without scrolling sideways; answers that
end the quiz come first under their question, so short ways out are seen at once instead of
below a long branch.

SVG does not wrap text: lines are broken here, from a table of character widths close to
DejaVu Sans (the widest of the usual system fonts), so the text fits its box in any of them.

Every node carries one invisible anchor element per answer path that reaches it, whose id is
the answers in the quiz's own link format, ``<model id>=<question>:<choice>,...``. A page
address ending in ``#`` plus that id highlights the reader's path with CSS alone (`:target`
and `:has()` in the plugin's pages.css), no script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Branch", "DNode", "Diagram", "anchor", "layout"]

WIDTH = 900  # widest drawing, px: Material's content column is 938 px at 1280 px without a toc
INDENT = 24  # from a question's box to its answers' boxes
PAD_X, PAD_Y = 8, 6  # text inside a box
LINE = 18  # line height in a box, px (14 px text, pages.css)
LABEL_LINE = 17  # line height of an answer label (13 px text, pages.css)
GAP = 8  # between a box and the next answer label
QUESTION_PX, LABEL_PX = 14, 13
MAX_BOX = 720  # a question box wider than this is hard to read in one line
LABEL_GAP = 8  # between an answer and the outcome box beside it


def _char_em(ch: str) -> float:
    """Advance width of a character in em, a little wider than DejaVu Sans Bold."""
    if ch in "il.,:;'!|":
        return 0.34
    if ch in "fjrt()[]-\u2019\u2018 ":
        return 0.44
    if ch in "mwMW":
        return 1.0
    if ch.isupper() or ch.isdigit():
        return 0.78
    return 0.66


def text_width(text: str, size: float, bold: bool = True) -> float:
    """Estimated width of `text` at font size `size` px, bold (boxes) or regular italic
    (answers). Measured in Chromium with DejaVu Sans, the real widths are 75-86% of the table's
    sum; the factors keep 5% to spare."""
    return sum(_char_em(ch) for ch in text) * size * (0.9 if bold else 0.84)


def wrap(text: str, width: float, size: float, bold: bool = True) -> list[str]:
    """Break `text` into lines no wider than `width` px (a word longer than a line stays
    whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, bold) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def anchor(model_id: str, steps: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
    """The id of the diagram's node reached by these answers (question id, choice id), in the
    order the quiz asked them: the quiz's link parameter, ``<model>=<q>:<c>,<q>:<c>``."""
    return f"{model_id}=" + ",".join(f"{q}:{c}" for q, c in steps)


@dataclass
class DNode:
    """A box: a question, or an outcome (the options recommended there)."""

    kind: str  # "question" | "outcome"
    x: float
    y: float
    w: float
    h: float
    lines: list[str]
    anchors: list[str]
    options: list[dict[str, str]] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    question: str | None = None  # question id

    @property
    def text_x(self) -> float:
        return self.x + PAD_X

    @property
    def text_y(self) -> float:
        """Baseline of the first line."""
        return self.y + PAD_Y + QUESTION_PX

    @property
    def mid(self) -> float:
        """Where a line from the left meets the box: the middle of its first line."""
        return self.y + PAD_Y + LINE / 2


@dataclass
class Branch:
    """An answer (one or more choices leading to the same place) and the line to its box."""

    choices: list[dict[str, str]]
    label: list[str]
    label_x: float
    label_y: float  # baseline of the first line
    trunk_x: float
    trunk_from: float  # the vertical line runs from here (the previous answer or the box)
    trunk_to: float  # down to the child's box
    tick_to: float  # the line across ends here: the child's box, or before an answer beside it
    node: DNode


@dataclass
class Diagram:
    root: DNode
    width: float
    height: float
    questions: int
    outcomes: int
    line: int = LINE
    label_line: int = LABEL_LINE


def _leaves(node: dict[str, Any]) -> int:
    if node["question"] is None:
        return 1
    return sum(_leaves(b["node"]) for b in node["branches"])


def layout(model_id: str, tree: dict[str, Any], width: float = WIDTH) -> Diagram:
    """Positions for every box, label and line of the tree (see the module docstring)."""
    counts = {"question": 0, "outcome": 0}
    right = [0.0]

    def box(kind: str, text: str, x: float, y: float) -> tuple[list[str], float, float]:
        avail = min(width - x, MAX_BOX if kind == "question" else width - x)
        lines = wrap(text, avail - 2 * PAD_X, QUESTION_PX)
        w = max(text_width(line, QUESTION_PX) for line in lines) + 2 * PAD_X
        return lines, round(min(w, width - x)), len(lines) * LINE + 2 * PAD_Y

    def place(node: dict[str, Any], x: float, y: float,
              reached: list[list[tuple[str, str]]]) -> tuple[DNode, float]:
        """The node's box at (x, y) and the y below its whole subtree."""
        anchors = [anchor(model_id, steps) for steps in reached if steps]
        if node["question"] is None:
            options = node["outcome"]["options"]
            text = " or, equally, ".join(o["name"] for o in options)
            lines, w, h = box("outcome", text, x, y)
            counts["outcome"] += 1
            right[0] = max(right[0], x + w)
            return DNode("outcome", x, y, w, h, lines, anchors, options=options), y + h
        question = node["question"]
        lines, w, h = box("question", question["text"], x, y)
        counts["question"] += 1
        right[0] = max(right[0], x + w)
        here = DNode("question", x, y, w, h, lines, anchors, question=question["id"])
        bottom = y + h
        previous = bottom
        # Answers that end the quiz first, then the smaller subtrees: short ways out are seen
        # right under their question. Stable: model order otherwise.
        ordered = sorted(node["branches"], key=lambda b: (b["node"]["question"] is not None,
                                                          _leaves(b["node"])))
        for b in ordered:
            cx = x + INDENT
            text = " or ".join(c["label"] for c in b["choices"])
            paths = [[*steps, (question["id"], c["id"])] for steps in reached
                     for c in b["choices"]]
            label_w = text_width(text, LABEL_PX, bold=False)
            child_node = b["node"]
            inline = False
            if child_node["question"] is None:
                # An outcome beside its answer when both fit on one line: half the height.
                names = " or, equally, ".join(o["name"] for o in child_node["outcome"]["options"])
                inline = (label_w + LABEL_GAP + text_width(names, QUESTION_PX) + 2 * PAD_X
                          <= width - cx)
            if inline:
                label = [text]
                child_y = bottom + GAP
                child, bottom = place(child_node, round(cx + label_w + LABEL_GAP), child_y, paths)
                label_y = child.mid + LABEL_PX / 2 - 2
            else:
                label = wrap(text, width - cx, LABEL_PX, bold=False)
                label_y = bottom + GAP + LABEL_PX
                child_y = bottom + GAP + len(label) * LABEL_LINE + 2
                child, bottom = place(child_node, cx, child_y, paths)
            right[0] = max(right[0], cx + max(text_width(t, LABEL_PX, bold=False) for t in label))
            here.branches.append(Branch(b["choices"], label, cx, label_y, x + INDENT / 2,
                                        previous, child.mid, cx - 3 if inline else cx, child))
            previous = child.mid
        return here, bottom

    root, bottom = place(tree, 0, 1, [[]])
    return Diagram(root, round(min(width, right[0] + 2)), round(bottom + 2),
                   counts["question"], counts["outcome"])
