"""`breakeven`'s result shown: its crossings table (text, Markdown, CSV) and its JSON document."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costmodel import __version__
from costmodel.safe_text import for_format
from costmodel.views.composition import composition_json, notes, shared_json
from costmodel.views.formatting import PER_CALL_PLACES, Column, Row, Rows, float_exact, float_text, money, table

if TYPE_CHECKING:  # the annotation only: the solver pulls in numpy
    from costmodel.analyses.breakeven import BreakEven

SHOWN_CROSSINGS = 20
"""Crossings a table or Markdown shows; CSV and JSON list all."""


def breakeven_rows(result: BreakEven) -> Rows:
    """One row per crossing, lowest value first; the `end` column only matters with ranged inputs."""
    cur, name = result.currency, result.field.name
    rows: list[Row] = []
    for c in result.crossings:
        value = float_text(c.value)
        if name == "turns" and c.kind == "equal":
            value += f" ({c.cheaper_above} cheaper from {math.floor(c.value) + 1} turns)"
        elif name == "calls_per_month" and c.kind == "equal":
            value += f" ({c.cheaper_above} cheaper from {math.floor(c.value) + 1:,} calls)"
        rows.append({
            "value": value,
            "kind": "equal cost" if c.kind == "equal" else "step (costs jump)",
            "end": c.end,
            "a": money(Decimal(repr(c.cost_a)), PER_CALL_PLACES),
            "b": money(Decimal(repr(c.cost_b)), PER_CALL_PLACES),
            "below": c.cheaper_below,
            "above": c.cheaper_above,
        })
    columns = [Column("value", name, "right"), Column("kind", "crossing")]
    if result.is_range:
        columns.append(Column("end", "inputs at"))
    columns += [
        Column("a", f"{result.stack_a} ({cur}/call{_missing(result, result.stack_a)})", "right"),
        Column("b", f"{result.stack_b} ({cur}/call{_missing(result, result.stack_b)})", "right"),
        Column("below", "cheaper below"), Column("above", "cheaper above"),
    ]
    return Rows(rows, columns)


def _missing(result: BreakEven, stack: str) -> str:
    """`, missing tts` in a stack's column header when it lacks a needed role (the one note CSV carries)."""
    composition = result.compositions.get(stack)
    return f", missing {', '.join(composition.missing_roles)}" if composition and composition.missing_roles else ""


def breakeven_document(result: BreakEven) -> dict[str, Any]:
    """The JSON shape of `breakeven`: floats from the vector path written as shortest round-trip decimals."""
    return {
        "command": "breakeven",
        "costmodel_version": __version__,
        "scenario": result.scenario,
        "stack_a": result.stack_a,
        "stack_b": result.stack_b,
        "over": result.field.name,
        "between": {"low": float_exact(result.low), "high": float_exact(result.high)},
        "as_of": result.as_of,
        "currency": result.currency,
        "ranged_inputs": result.is_range,
        "crossings": [
            {
                "value": float_exact(c.value),
                "kind": c.kind,
                "end": c.end,
                "per_call_a": float_exact(c.cost_a),
                "per_call_b": float_exact(c.cost_b),
                "cheaper_below": c.cheaper_below,
                "cheaper_above": c.cheaper_above,
                "method": c.method,
            }
            for c in result.crossings
        ],
        "band": {"low": float_exact(result.band[0]), "high": float_exact(result.band[1])} if result.band else None,
        "cheaper_at_low": result.cheaper_at_low,
        "cheaper_at_high": result.cheaper_at_high,
        "notes": result.notes,
        **shared_json(result.shared),
        "stacks": {stack: composition_json(composition) for stack, composition in result.compositions.items()},
    }


def breakeven_text(result: BreakEven, fmt: str) -> str:
    """`breakeven` as text or Markdown (at most SHOWN_CROSSINGS rows), or every crossing as CSV."""
    cur, name = result.currency, result.field.name
    view = breakeven_rows(result)
    if fmt == "csv":
        return table(view.rows, view.columns, "csv")
    between = f"{float_text(result.low)} and {float_text(result.high)}"
    a, b = for_format(result.stack_a, fmt), for_format(result.stack_b, fmt)
    head = f"{for_format(result.scenario, fmt)}: {a} vs {b} as {for_format(name, fmt)} varies between {between}"
    lines = [f"**{head}**" if fmt == "markdown" else head,
             f"prices in force on {result.as_of} · {cur} per call", *notes(result.shared, result.compositions, fmt), ""]
    if not result.crossings:
        ends = result.cheaper_at_low
        cheaper = sorted(set(ends.values()) | set(result.cheaper_at_high.values()))
        who = cheaper[0] if len(cheaper) == 1 else " or ".join(cheaper)
        if who == "neither":
            lines.append(f"They never cross: {a} and {b} cost the same across the range.")
        else:
            lines.append(f"They never cross between {between}: {for_format(who, fmt)} is cheaper throughout.")
        return "\n".join(lines) + "\n"
    lines.append(table(view.rows[:SHOWN_CROSSINGS], view.columns, fmt).rstrip("\n"))
    if len(result.crossings) > SHOWN_CROSSINGS:
        lines.append(f"… and {len(result.crossings) - SHOWN_CROSSINGS} more crossings (--format csv or json lists all).")
    if result.band:
        lines.append(f"Break-even band with ranged inputs: {for_format(name, fmt)} from {float_text(result.band[0])} "
                     f"to {float_text(result.band[1])}.")
    lines += [f"Note: {for_format(note, fmt)}" for note in result.notes]
    lines.append("Break-evens are solved in float64 on the sweep formula; check one with "
                 "`costmodel compare SCENARIO --set FIELD=VALUE` (exact).")
    return "\n".join(lines) + "\n"
