"""`sweep`'s result shown: one row per input value, one column per stack (text, Markdown, CSV), and JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from costmodel.safe_text import for_format
from costmodel.views.baseline import (
    SWEEP_BASELINE_NOTE,
    baseline_lines,
    change_cells,
    change_json,
    change_keys,
    delta_text,
    percent_text,
    point_change,
)
from costmodel.views.composition import composition_json, missing_text, missing_warnings, notes, shared_json
from costmodel.views.envelope import document
from costmodel.views.formatting import (
    PER_CALL_PLACES,
    Column,
    Row,
    Rows,
    csv_bool,
    float_exact,
    float_span,
    span_columns,
    span_keys,
    span_text,
    swept_value_text,
    table,
    whatif_column,
    whatif_lines,
)

if TYPE_CHECKING:  # the annotation only: the sweep pulls in numpy
    from costmodel.analyses.sweep import SweepResult


def sweep_rows(result: SweepResult) -> Rows:
    """One row per swept value (rounded for people; `sweep_csv` is the exact form)."""
    rows: list[Row] = []
    for index, value in enumerate(result.values):
        row: Row = {"value": swept_value_text(float(value), result.field.name)}
        for stack, curve in result.curves.items():
            row[stack] = span_text(float_span(curve.per_call_low[index], curve.per_call_high[index]), PER_CALL_PLACES)
            if result.baseline is not None:  # --baseline: the point's change from the sweep without what-ifs
                moved = point_change(result.baseline.get(stack), index)
                row[f"{stack} Δ"] = f"{delta_text(moved, PER_CALL_PLACES)} ({percent_text(moved)})"
        rows.append(row)
    # A stack lacking a needed role says so in its own column's header, in every format (CSV has no other note).
    columns = [Column("value", result.field.name, "right")] + [
        Column(stack, f"{stack} ({result.currency}/call"
               + (f", missing {', '.join(curve.composition.missing_roles)})" if curve.composition.missing_roles else ")"),
               "right")
        for stack, curve in result.curves.items()
    ]
    if result.baseline is not None:  # each stack's Δ column right after its cost column
        columns = [columns[0], *(column for stack in result.curves for column in (
            next(c for c in columns if c.key == stack), Column(f"{stack} Δ", f"Δ {stack}", "right")))]
    return Rows(rows, columns)


def sweep_document(result: SweepResult) -> dict[str, Any]:
    """The JSON shape of `sweep`: every float as its shortest round-trip decimal."""
    return document("sweep", {
        "scenario": result.scenario,
        "field": result.field.name,
        "number_type": "float64",
        "values": [float_exact(v) for v in result.values],
        "stacks": {
            stack: {
                "architecture": curve.architecture,
                "per_call_low": [float_exact(v) for v in curve.per_call_low],
                "per_call_high": [float_exact(v) for v in curve.per_call_high],
                **composition_json(curve.composition),
                # --baseline: one {baseline, change, percent} per swept value (null: no baseline curve).
                **({"baseline": [change_json(point_change(result.baseline.get(stack), index))
                                 for index in range(len(result.values))]} if result.baseline is not None else {}),
            }
            for stack, curve in result.curves.items()
        },
        "unpriced": result.unpriced,
        **shared_json(result.shared),
    }, as_of=result.as_of, currency=result.currency, whatif=result.whatif,
                    warnings=missing_warnings(result.shared, {s: c.composition for s, c in result.curves.items()}))


def sweep_csv(result: SweepResult) -> str:
    """`sweep` as numeric CSV, one row per swept value and stack (long form, so the shape does not depend on the
    stacks): the value and the per-call cost as shortest round-trip decimals in `_low`/`_high` columns named with
    the currency; an unpriced stack has a row per value with empty costs, `unpriced` true and the reason."""
    cur = result.currency.lower()
    money = f"per_call_{cur}"
    rows: list[dict[str, str]] = []
    for index, value in enumerate(result.values):
        common = {"field": result.field.name, "value": float_exact(float(value))}
        for stack, curve in result.curves.items():
            rows.append({**common, "stack": stack, "architecture": curve.architecture,
                         **span_columns(money, float_span(curve.per_call_low[index], curve.per_call_high[index])),
                         **(change_cells(money, point_change(result.baseline.get(stack), index))
                            if result.baseline is not None else {}),
                         "unpriced": csv_bool(False), "unpriced_reason": "",
                         "missing_roles": missing_text(curve.composition)})
        for stack, reason in result.unpriced.items():
            rows.append({**common, "stack": stack, "architecture": "", **span_columns(money, None),
                         **(change_cells(money, None) if result.baseline is not None else {}),
                         "unpriced": csv_bool(True), "unpriced_reason": reason, "missing_roles": ""})
    columns = [Column("field", "field"), Column("value", "value"), Column("stack", "stack"),
               Column("architecture", "architecture"), *span_keys(money),
               *(change_keys(money) if result.baseline is not None else []),
               *(Column(key, key) for key in ("unpriced", "unpriced_reason", "missing_roles"))]
    return table(*whatif_column(rows, columns, result.whatif), "csv")


def sweep_text(result: SweepResult, fmt: str) -> str:
    """`sweep` as text or Markdown (rounded), or as CSV (exact)."""
    if fmt == "csv":
        return sweep_csv(result)
    view = sweep_rows(result)
    body = table(view.rows, view.columns, fmt)
    head = f"{for_format(result.scenario, fmt)}: cost per call as {for_format(result.field.label, fmt)} varies"
    lines = [f"**{head}**" if fmt == "markdown" else head, f"prices in force on {result.as_of} · {result.currency}",
             *whatif_lines(result.whatif, fmt),
             *(baseline_lines(fmt, SWEEP_BASELINE_NOTE) if result.baseline is not None else []),
             *notes(result.shared, {stack: curve.composition for stack, curve in result.curves.items()}, fmt),
             "", body.rstrip("\n")]
    lines += [f"Not shown: {for_format(reason, fmt)}" for reason in result.unpriced.values()]
    lines.append("Sweeps use float64 (compare is exact); per-call figures rounded to 5 places.")
    return "\n".join(lines) + "\n"
