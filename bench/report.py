"""Statistics and the printed table."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


def stats(values: Sequence[float | None]) -> dict[str, float] | None:
    clean = [float(v) for v in values if v is not None]
    if not clean:
        return None
    return {"median": statistics.median(clean), "min": min(clean), "max": max(clean),
            "n": len(clean)}


@dataclass
class Row:
    """One line of the table: a figure over the runs, its reference from the same runs."""

    number: str
    figure: str
    unit: str  # "ms", "s", "B", "x" or ""
    values: list[float | None]
    reference: str = ""
    reference_values: list[float | None] = field(default_factory=list)
    ratio: bool = False  # show the median of the per-run ratios figure/reference
    target: str = ""
    limit: float | None = None  # the target as a number: met when the measure <= limit
    measure: str = "median"  # what the limit applies to: "median" or "ratio"

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "figure": self.figure, "unit": self.unit, "stats": stats(self.values),
            "values": self.values,
        }
        if self.reference:
            out["reference"] = self.reference
            out["reference_stats"] = stats(self.reference_values)
            out["reference_values"] = self.reference_values
        if self.ratio:
            out["ratio_stats"] = stats(self.ratios())
        if self.target:
            out["target"] = self.target
            out["met"] = self.met()
            out["off_by"] = self.off_by()
        return out

    def ratios(self) -> list[float | None]:
        return [
            (v / r) if v is not None and r not in (None, 0) else None
            for v, r in zip(self.values, self.reference_values, strict=False)
        ]

    def measured(self) -> float | None:
        source = self.ratios() if self.measure == "ratio" else self.values
        found = stats(source)
        return found["median"] if found else None

    def met(self) -> bool | None:
        value = self.measured()
        if self.limit is None or value is None:
            return None
        return value <= self.limit

    def off_by(self) -> str:
        value = self.measured()
        if self.limit is None or value is None or value <= self.limit:
            return ""
        if self.measure == "ratio":
            return f"+{value - self.limit:.2f}x"
        excess = value - self.limit
        if self.limit:
            return f"+{fmt(excess, self.unit)} ({100 * excess / self.limit:.0f} % over)"
        return f"+{fmt(excess, self.unit)}"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value:,.0f} ms" if abs(value) >= 100 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "B":
        if abs(value) >= 1e6:
            return f"{value / 1e6:.2f} MB"
        if abs(value) >= 1e3:
            return f"{value / 1e3:.1f} kB"
        return f"{value:.0f} B"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:.2f}"


HEADERS = ("#", "figure", "median", "min", "max", "reference (median)", "ratio", "target", "")


def table(rows: list[Row]) -> str:
    lines = []
    for row in rows:
        s = stats(row.values)
        ref = stats(row.reference_values) if row.reference else None
        ratio = stats(row.ratios()) if row.ratio else None
        verdict = {True: "met", False: f"MISSED {row.off_by()}", None: ""}[row.met()]
        lines.append((
            row.number, row.figure,
            fmt(s["median"], row.unit) if s else "n/a",
            fmt(s["min"], row.unit) if s else "",
            fmt(s["max"], row.unit) if s else "",
            f"{row.reference}: {fmt(ref['median'], row.unit)}" if ref else row.reference,
            f"{ratio['median']:.2f}x" if ratio else "",
            row.target, verdict,
        ))
    widths = [max(len(str(x)) for x in col) for col in zip(HEADERS, *lines, strict=False)]
    out = []
    for index, cells in enumerate([HEADERS, *lines]):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(rows: list[Row]) -> str:
    """The same table as Markdown, for docs/performance.md."""
    out = ["| # | Figure | Median | Min | Max | Reference (median) | Ratio | Target | Result |",
           "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        s = stats(row.values)
        ref = stats(row.reference_values) if row.reference else None
        ratio = stats(row.ratios()) if row.ratio else None
        verdict = {True: "met", False: f"**missed** {row.off_by()}", None: ""}[row.met()]
        cells = [
            row.number, row.figure,
            fmt(s["median"], row.unit) if s else "n/a",
            fmt(s["min"], row.unit) if s else "",
            fmt(s["max"], row.unit) if s else "",
            f"{row.reference}: {fmt(ref['median'], row.unit)}" if ref else row.reference,
            f"{ratio['median']:.2f}x" if ratio else "",
            row.target, verdict,
        ]
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out)
