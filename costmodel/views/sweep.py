"""`sweep`'s result shown: one row per input value, one column per stack (text, Markdown, CSV), and JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costmodel import __version__
from costmodel.core.interval import Span
from costmodel.safe_text import for_format
from costmodel.views.composition import composition_json, notes, shared_json
from costmodel.views.formatting import (
    PER_CALL_PLACES,
    Column,
    Row,
    Rows,
    float_exact,
    float_text,
    span_text,
    table,
    whatif_column,
    whatif_json,
    whatif_lines,
)

if TYPE_CHECKING:  # the annotation only: the sweep pulls in numpy
    from costmodel.analyses.sweep import SweepResult


def sweep_rows(result: SweepResult, exact: bool = False) -> Rows:
    """One row per swept value; `exact` writes every number unrounded (low..high for a range), as CSV does."""
    rows: list[Row] = []
    for index, value in enumerate(result.values):
        row: Row = {"value": float_exact(float(value)) if exact else float_text(float(value))}
        for stack, curve in result.curves.items():
            low, high = curve.per_call_low[index], curve.per_call_high[index]
            if exact:
                row[stack] = float_exact(low) if low == high else f"{float_exact(low)}..{float_exact(high)}"
            else:
                row[stack] = span_text(Span(Decimal(repr(float(low))), Decimal(repr(float(high)))), PER_CALL_PLACES)
        rows.append(row)
    # A stack lacking a needed role says so in its own column's header, in every format (CSV has no other note).
    columns = [Column("value", result.field.name, "right")] + [
        Column(stack, f"{stack} ({result.currency}/call"
               + (f", missing {', '.join(curve.composition.missing_roles)})" if curve.composition.missing_roles else ")"),
               "right")
        for stack, curve in result.curves.items()
    ]
    return Rows(rows, columns)


def sweep_document(result: SweepResult) -> dict[str, Any]:
    """The JSON shape of `sweep`: every float as its shortest round-trip decimal."""
    return {
        "command": "sweep",
        "costmodel_version": __version__,
        "scenario": result.scenario,
        "field": result.field.name,
        "as_of": result.as_of,
        "currency": result.currency,
        **whatif_json(result.whatif),
        "number_type": "float64",
        "values": [float_exact(v) for v in result.values],
        "stacks": {
            stack: {
                "architecture": curve.architecture,
                "per_call_low": [float_exact(v) for v in curve.per_call_low],
                "per_call_high": [float_exact(v) for v in curve.per_call_high],
                **composition_json(curve.composition),
            }
            for stack, curve in result.curves.items()
        },
        "unpriced": result.unpriced,
        **shared_json(result.shared),
    }


def sweep_text(result: SweepResult, fmt: str) -> str:
    """`sweep` as text or Markdown (rounded), or as CSV (exact)."""
    view = sweep_rows(result, exact=fmt == "csv")
    if fmt == "csv":
        return table(*whatif_column(view.rows, view.columns, result.whatif), fmt)
    body = table(view.rows, view.columns, fmt)
    head = f"{for_format(result.scenario, fmt)}: cost per call as {for_format(result.field.label, fmt)} varies"
    lines = [f"**{head}**" if fmt == "markdown" else head, f"prices in force on {result.as_of} · {result.currency}",
             *whatif_lines(result.whatif, fmt),
             *notes(result.shared, {stack: curve.composition for stack, curve in result.curves.items()}, fmt),
             "", body.rstrip("\n")]
    lines += [f"Not shown: {for_format(reason, fmt)}" for reason in result.unpriced.values()]
    lines.append("Sweeps use float64 (compare is exact); per-call figures rounded to 5 places.")
    return "\n".join(lines) + "\n"
