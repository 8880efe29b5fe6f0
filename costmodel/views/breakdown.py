"""`breakdown`'s result shown: the itemised bill and per-turn tables (text, Markdown, CSV, the report) and JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from costmodel.analyses.estimate import Bill, LineItem
from costmodel.core.interval import Span
from costmodel.data.meters import REGIONAL_UPLIFT, line_unit
from costmodel.safe_text import for_format
from costmodel.views.baseline import baseline_lines, change_cells, change_json, change_keys, delta_text, percent_text
from costmodel.views.capacity import component_summary
from costmodel.views.comparison import costing_header, lifecycle_json, lifecycle_lines
from costmodel.views.composition import composition_json, missing_text, notes, shared_json
from costmodel.views.formatting import (
    LINE_PLACES,
    MONTHLY_PLACES,
    PER_CALL_PLACES,
    Column,
    Row,
    Rows,
    csv_bool,
    figure,
    fx_line,
    money_text,
    provenance_marks,
    quantity_text,
    span_columns,
    span_keys,
    span_text,
    table,
    whatif_column,
    whatif_lines,
)

TURN_QUANTITIES = {
    "audio_in": ("audio in", "usd_per_million_audio_input_tokens"),
    "audio_cached": ("audio cached", "usd_per_million_cached_audio_input_tokens"),
    "text_in": ("text in", "usd_per_million_input_tokens"),
    "text_cached": ("text cached", "usd_per_million_cached_input_tokens"),
    "audio_out": ("audio out", "usd_per_million_audio_output_tokens"),
    "text_out": ("text out", "usd_per_million_output_tokens"),
}
"""Per-turn table column → (header, the price field whose token count it shows)."""


def price_unit(line: LineItem, currency: str) -> str:
    """`GBP per 1M input tokens`: the unit of a line's price, from its price field and the bill's currency."""
    return f"{currency} per {line_unit(line.price_field)}"


def citation(line: LineItem) -> str:
    """A line's source as the bill lists it once below the table."""
    return f"{line.source} (checked {line.checked}, price from {line.effective_from})"


def breakdown_rows(result: Bill) -> Rows:
    """One row per priced meter, in the stack's component order."""
    cur = result.currency
    # Sources are long; tables cite them by number and list them once below.
    sources = list(dict.fromkeys(citation(line) for line in result.lines))
    added = {c.role for c in result.composition.added}
    replaced = {r.role for r in result.composition.replaced}
    rows: list[Row] = [
        {
            "component": line.role,
            "sku": line.sku + provenance_marks(line.estimate, line.secondary),
            "meter": line.meter,
            # An uplift's quantity is money (the charges it multiplies): shown to the places of a line's cost.
            "quantity": (span_text(line.quantity, LINE_PLACES) if line.price_field == REGIONAL_UPLIFT
                         else quantity_text(line.quantity)) + (" /month" if line.per == "month" else ""),
            "unit_price": f"{line.unit_price} per {line_unit(line.price_field)}",
            "per_call": figure(line.cost_per_call, LINE_PLACES),
            "per_month": figure(line.cost_per_month, MONTHLY_PLACES, grouping=True),
            "from": line.effective_from.isoformat(),
            "source": line.source,
            "ref": f"[{sources.index(citation(line)) + 1}]",
            # Lines of shared components (--with, the scenario's with:), and the needed roles the stack lacks.
            "shared": "added" if line.role in added else "replaced" if line.role in replaced else "",
            "missing": missing_text(result.composition),
            **({"delta_call": delta_text(result.baseline.lines[index], LINE_PLACES),
                "delta_pct": percent_text(result.baseline.lines[index])} if result.baseline else {}),
        }
        for index, line in enumerate(result.lines)
    ]
    columns = [
        Column("component", "component"), Column("sku", "SKU"), Column("meter", "meter"),
        Column("quantity", "quantity", "right"), Column("unit_price", f"unit price ({cur})", "right"),
        Column("per_call", f"per call ({cur})", "right"), Column("per_month", f"per month ({cur})", "right"),
        Column("from", "price from"), Column("source", "source"), Column("ref", "source"),
        Column("shared", "shared"), Column("missing", "missing roles"),
        Column("delta_call", f"Δ per call ({cur})", "right"), Column("delta_pct", "Δ %", "right"),
    ]
    return Rows(rows, columns)


def _token_count(value: Decimal | None) -> str:
    return "" if value is None else quantity_text(Span.of(value))


def turn_rows(result: Bill) -> Rows:
    """What each turn of a multi-turn call sends and costs, per component (empty for a single-turn call)."""
    rows: list[Row] = []
    for row in result.turns:
        cells: Row = {"turn": str(row.turn), "sku": row.sku}
        for key, (_, price_field) in TURN_QUANTITIES.items():
            cells[key] = _token_count(row.quantities.get(price_field))
        cells["cost"] = span_text(Span.of(row.cost), LINE_PLACES)
        rows.append(cells)
    columns = [
        Column("turn", "turn", "right"), Column("sku", "SKU"),
        *(Column(key, header, "right") for key, (header, _) in TURN_QUANTITIES.items()),
        Column("cost", f"cost ({result.currency})", "right"),
    ]
    return Rows(rows, columns)


def breakdown_document(result: Bill) -> dict[str, Any]:
    """The documented JSON shape of `breakdown` (README "JSON output")."""
    return {
        **costing_header("breakdown", result),
        "stack": result.stack,
        "stack_title": result.stack_title,
        "architecture": result.architecture,
        "per_call": result.per_call,
        "per_month": result.per_month,
        "fixed_per_month": result.fixed_per_month,
        "estimate": result.estimate,
        **shared_json(result.shared),
        **composition_json(result.composition),
        "secondary_source": result.secondary,
        **({"baseline": {"per_call": change_json(result.baseline.total.per_call),
                         "per_month": change_json(result.baseline.total.per_month)}} if result.baseline else {}),
        "lines": [
            {
                "role": line.role,
                "sku": line.sku,
                "meter": line.meter,
                "price_field": line.price_field,
                "quantity": line.quantity,
                "per": line.per,
                "unit_price": line.unit_price,
                "price_unit": price_unit(line, result.currency),
                "cost_per_call": line.cost_per_call,
                "cost_per_month": line.cost_per_month,
                "fixed": line.fixed,
                "effective_from": line.effective_from,
                "source": line.source,
                "checked": line.checked,
                "estimate": line.estimate,
                "secondary_source": line.secondary,
                **({"baseline": change_json(result.baseline.lines[index])} if result.baseline else {}),
            }
            for index, line in enumerate(result.lines)
        ],
        "turns": [
            # Spans like every quantity and amount of the document (a turn's figures are points: both ends equal).
            {"turn": row.turn, "role": row.role, "sku": row.sku,
             "quantities": {field: Span.of(value) for field, value in row.quantities.items()}, "cost": Span.of(row.cost)}
            for row in result.turns
        ],
        "notes": result.notes,
        "capacity": [
            {"role": plan.role, "gpus": plan.gpus, "gpu_hours_per_month": plan.gpu_hours_per_month,
             "scaling": plan.scaling, "purchase": plan.purchase, "binding": plan.binding}
            for plan in result.capacity
        ],
        "audio_tokens": [
            {
                "sku": view.sku,
                "input_tokens_per_minute": view.input_tokens_per_minute,
                "output_tokens_per_minute": view.output_tokens_per_minute,
                "source": view.source,
                "checked": view.checked,
                "estimate": view.estimate,
            }
            for view in result.audio_tokens
        ],
        "lifecycle_warnings": [lifecycle_json(warning) for warning in result.warnings],
    }


def breakdown_csv(result: Bill) -> str:
    """`breakdown` as numeric CSV: one row per priced meter, quantities and money as exact plain decimals in
    `_low`/`_high` columns (money named with the currency), booleans as true/false, every column always present;
    a line's lifecycle warnings in its own column (a `what-if` column last with what-ifs)."""
    cur = result.currency.lower()
    money = (f"unit_price_{cur}", f"per_call_{cur}", f"per_month_{cur}")
    added = {c.role for c in result.composition.added}
    replaced = {r.role for r in result.composition.replaced}
    rows = [
        {
            "component": line.role, "sku": line.sku, "meter": line.meter, "price_field": line.price_field,
            **span_columns("quantity", line.quantity), "per": line.per,
            **span_columns(money[0], line.unit_price), "price_unit": price_unit(line, result.currency),
            **span_columns(money[1], line.cost_per_call), **span_columns(money[2], line.cost_per_month),
            "fixed": csv_bool(line.fixed), "estimate": csv_bool(line.estimate),
            "secondary_source": csv_bool(line.secondary), "effective_from": line.effective_from.isoformat(),
            "source": line.source, "checked": line.checked.isoformat(),
            "shared": "added" if line.role in added else "replaced" if line.role in replaced else "",
            "missing_roles": missing_text(result.composition),
            "lifecycle_warnings": "; ".join(w.text for w in result.warnings if w.sku == line.sku),
            **(change_cells(money[1], result.baseline.lines[index]) if result.baseline else {}),
        }
        for index, line in enumerate(result.lines)
    ]
    keys = ("component", "sku", "meter", "price_field", "quantity", "per", money[0], "price_unit", money[1], money[2],
            "fixed", "estimate", "secondary_source", "effective_from", "source", "checked", "shared", "missing_roles",
            "lifecycle_warnings")
    columns = [column for key in keys
               for column in (span_keys(key) if key in ("quantity", *money) else [Column(key, key)])]
    if result.baseline:
        columns += change_keys(money[1])
    return table(*whatif_column(rows, columns, result.whatif), "csv")


def breakdown_text(result: Bill, fmt: str) -> str:
    """`breakdown` as text or Markdown (the bill, per-turn table, totals, sources, notes), or the bill as CSV."""
    cur = result.currency
    view = breakdown_rows(result)
    bill = ("component", "sku", "meter", "quantity", "unit_price", "per_call", "per_month")
    if fmt == "csv":
        return breakdown_csv(result)
    # Text and Markdown cite each source by number and list them under the table.
    keys = (*bill, *(("delta_call", "delta_pct") if result.baseline else ()), "ref")
    out = [
        f"{for_format(result.scenario, fmt)} on {for_format(result.stack, fmt)}: {for_format(result.stack_title, fmt)}",
        f"{quantity_text(result.calls_per_month)} calls/month · prices in force on {result.as_of} · {cur}"
        f"{fx_line(result.fx, fmt)}",
        *whatif_lines(result.whatif, fmt),
        *(baseline_lines(fmt) if result.baseline else []),
        *notes(result.shared, {result.stack: result.composition}, fmt),
        "",
        table(view.rows, view.shown(*keys), fmt),
    ]
    if result.turns:
        turns = turn_rows(result)
        out += ["Per turn (tokens; each turn re-sends the conversation so far):", "",
                table(turns.rows, turns.columns, fmt)]
    total = (
        f"Total per call: {money_text(result.per_call, PER_CALL_PLACES, cur)} · "
        f"per month: {money_text(result.per_month, MONTHLY_PLACES, cur, grouping=True)}"
    )
    if result.fixed_per_month.high > 0:
        # Self-hosted minimum GPUs are "the GPU floor"; a monthly fee (plan, number rental) is fixed too, but not GPUs.
        gpus_only = all(line.price_field == "usd_per_gpu_hour" for line in result.lines if line.fixed)
        what = "the fixed GPU floor" if gpus_only else "paid whatever the volume"
        total += f" (of which {money_text(result.fixed_per_month, MONTHLY_PLACES, cur, grouping=True)} is {what})"
    out.append(total)
    if result.baseline:
        total_change = result.baseline.total
        out.append(
            f"Change from baseline: per call {delta_text(total_change.per_call, PER_CALL_PLACES)} {cur} "
            f"({percent_text(total_change.per_call)}) · per month "
            f"{delta_text(total_change.per_month, MONTHLY_PLACES, grouping=True)} {cur}"
        )
    for plan in result.capacity:
        out.append(f"GPU plan: {for_format(component_summary(plan), fmt)} (see costmodel capacity).")
    for audio in result.audio_tokens:
        spoken = (f", one minute of its speech {audio.output_tokens_per_minute:,} tokens"
                  if audio.output_tokens_per_minute else "")
        out.append(
            f"Audio tokens: {for_format(audio.sku, fmt)} turns one minute of caller audio into "
            f"{audio.input_tokens_per_minute:,} tokens{spoken} ({'estimate; ' if audio.estimate else ''}"
            f"{for_format(audio.source, fmt)}, checked {audio.checked})."
        )
    # Sources and notes are prose: whitespace (line breaks included) folds to one space before it is made safe.
    sources = dict.fromkeys(citation(line) for line in result.lines)
    out += ["", "Sources:"] + [
        f"  [{number}] {for_format(' '.join(text.split()), fmt)}" for number, text in enumerate(sources, start=1)
    ]
    out += lifecycle_lines(result.warnings, fmt)
    if any(line.secondary for line in result.lines):
        out += ["", "† Price read from a secondary source (a copy of the vendor's price, not its own page)."]
    if result.notes:
        out += ["", "* Estimates, hypotheticals and secondary-source notes:"] + [
            f"  - {for_format(' '.join(note.split()), fmt)}" for note in result.notes
        ]
    return "\n".join(out) + "\n"
