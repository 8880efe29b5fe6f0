"""`sensitivity`'s result shown: each input moved down and up alone (text, Markdown, CSV), and JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costmodel.core.interval import Span
from costmodel.data.records import Range
from costmodel.safe_text import for_format
from costmodel.views.baseline import change_cells, change_json, change_keys, delta_text, percent_text
from costmodel.views.composition import composition_json, missing_warnings, notes, shared_json
from costmodel.views.envelope import document
from costmodel.views.formatting import (
    PER_CALL_PLACES,
    Column,
    Row,
    Rows,
    money,
    money_text,
    plain,
    quantity_text,
    span_columns,
    span_keys,
    span_text,
    table,
    whatif_column,
    whatif_lines,
)

if TYPE_CHECKING:
    from costmodel.analyses.sensitivity import SensitivityResult


def _quantity(value: Decimal | Range) -> str:
    return quantity_text(Span.of(value))


def _percent(result: SensitivityResult) -> str:
    return f"{float(result.by) * 100:g}%"


def sensitivity_rows(result: SensitivityResult) -> Rows:
    """One row per input that moves the cost, largest swing first."""
    cur, percent = result.currency, _percent(result)
    rows: list[Row] = [
        {
            "input": row.name,
            "base": _quantity(row.base_value),
            "down": f"{_quantity(row.down_value)} → {span_text(row.per_call_down, PER_CALL_PLACES)}",
            "up": f"{_quantity(row.up_value)} → {span_text(row.per_call_up, PER_CALL_PLACES)}",
            "swing": money(row.swing, PER_CALL_PLACES),
        }
        for row in result.rows
    ]
    columns = [
        Column("input", "input"), Column("base", "base value", "right"),
        Column("down", f"−{percent} → {cur}/call", "right"), Column("up", f"+{percent} → {cur}/call", "right"),
        Column("swing", f"largest move ({cur}/call)", "right"),
    ]
    return Rows(rows, columns)


def sensitivity_document(result: SensitivityResult) -> dict[str, Any]:
    """The JSON shape of `sensitivity`: every value an exact {low, high} pair, a point or a range alike."""
    return document("sensitivity", {
        "scenario": result.scenario,
        "stack": result.stack,
        "by": result.by,
        "per_call": result.per_call,
        "rows": [
            {
                # One shape for every row, so a reader need not test whether an input was given as a range.
                "input": row.name, "kind": row.kind, "base": Span.of(row.base_value), "down": Span.of(row.down_value),
                "up": Span.of(row.up_value),
                "per_call_down": row.per_call_down, "per_call_up": row.per_call_up, "swing": row.swing,
            }
            for row in result.rows
        ],
        "no_effect": result.no_effect,
        **({"baseline": {"per_call": change_json(result.baseline)}} if result.baseline else {}),
        **shared_json(result.shared),
        **composition_json(result.composition),
    }, as_of=result.as_of, currency=result.currency, whatif=result.whatif,
                    warnings=missing_warnings(result.shared, {result.stack: result.composition}))


def sensitivity_csv(result: SensitivityResult) -> str:
    """`sensitivity` as numeric CSV: each value and cost as exact plain decimals in `_low`/`_high` columns (cost
    columns named with the currency), the step as a fraction (`by`, 0.2 for ±20%), the swing a plain decimal; a
    `what-if` column last with what-ifs."""
    cur = result.currency.lower()
    rows = [
        {
            "input": row.name, "kind": row.kind, "by": plain(result.by),
            **span_columns("base", Span.of(row.base_value)), **span_columns("down", Span.of(row.down_value)),
            **span_columns("up", Span.of(row.up_value)), **span_columns(f"per_call_{cur}_down", row.per_call_down),
            **span_columns(f"per_call_{cur}_up", row.per_call_up), f"swing_{cur}": plain(row.swing),
            # --baseline: the base cost's change from the run without what-ifs, the same on every row.
            **(change_cells(f"per_call_{cur}", result.baseline) if result.baseline else {}),
        }
        for row in result.rows
    ]
    columns = [Column("input", "input"), Column("kind", "kind"), Column("by", "by"),
               *span_keys("base", "down", "up", f"per_call_{cur}_down", f"per_call_{cur}_up"),
               Column(f"swing_{cur}", f"swing_{cur}"),
               *(change_keys(f"per_call_{cur}") if result.baseline else [])]
    return table(*whatif_column(rows, columns, result.whatif), "csv")


def sensitivity_text(result: SensitivityResult, fmt: str) -> str:
    """`sensitivity` as text, Markdown or CSV."""
    view = sensitivity_rows(result)
    if fmt == "csv":
        return sensitivity_csv(result)
    percent = _percent(result)
    head = (f"{for_format(result.scenario, fmt)} on {for_format(result.stack, fmt)}: what moves cost per call, "
            f"each input ±{percent} alone")
    lines = [f"**{head}**" if fmt == "markdown" else head,
             f"base {money_text(result.per_call, PER_CALL_PLACES, result.currency)} per call · "
             f"prices in force on {result.as_of}", *whatif_lines(result.whatif, fmt),
             *([f"Change from baseline (the same run without the what-ifs): per call "
                f"{delta_text(result.baseline, PER_CALL_PLACES)} {result.currency} ({percent_text(result.baseline)}) "
                f"from {span_text(result.baseline.baseline, PER_CALL_PLACES)}"] if result.baseline else []),
             *notes(result.shared, {result.stack: result.composition}, fmt), "",
             table(view.rows, view.columns, fmt).rstrip("\n")]
    if result.no_effect:
        lines.append(f"No effect: {for_format(', '.join(result.no_effect), fmt)}.")
    return "\n".join(lines) + "\n"
