"""`compare`'s result shown: its table (text, Markdown, CSV and the report) and its JSON document."""

from __future__ import annotations

from typing import Any

from costmodel.analyses.compare import Comparison
from costmodel.analyses.estimate import LIFECYCLE_WARNING_DAYS, Bill, LifecycleWarning
from costmodel.safe_text import for_format
from costmodel.views.baseline import baseline_lines, change_cells, change_json, change_keys, delta_text, percent_text
from costmodel.views.composition import (
    changed_text,
    composition_json,
    missing_text,
    missing_warnings,
    notes,
    shared_json,
)
from costmodel.views.envelope import document
from costmodel.views.formatting import (
    MONTHLY_PLACES,
    PER_CALL_PLACES,
    Column,
    Figure,
    Rows,
    csv_bool,
    figure,
    fx_line,
    multiple_text,
    provenance_marks,
    quantity_text,
    span_columns,
    span_keys,
    table,
    whatif_column,
    whatif_lines,
)

TEXT_COLUMNS = ("rank", "stack", "architecture", "per_call", "per_month", "multiple")
"""What `compare` shows; the note column is added when a stack is unpriced."""


def costing_header(command: str, result: Comparison | Bill) -> dict[str, Any]:
    """The envelope and the fields every costing JSON document starts with."""
    if isinstance(result, Comparison):
        lifecycle = [warning for _, warning in result.warnings]
        compositions = {row.stack: row.composition for row in result.rows}
    else:
        lifecycle, compositions = result.warnings, {result.stack: result.composition}
    warnings = ([result.fx.warning] if result.fx and result.fx.warning else []) + [w.text for w in lifecycle]
    payload = {"scenario": result.scenario, "fx": vars(result.fx) if result.fx else None,
               "calls_per_month": result.calls_per_month}
    return document(command, payload, as_of=result.as_of, currency=result.currency, whatif=result.whatif,
                    warnings=warnings + missing_warnings(result.shared, compositions))


def comparison_rows(result: Comparison) -> Rows:
    """One row per stack, cheapest first, unpriced stacks last."""
    cur = result.currency
    rows = [
        {
            "rank": str(row.rank) if row.rank else "–",
            "stack": row.stack + provenance_marks(row.estimate, row.secondary),
            "architecture": row.architecture,
            "per_call": figure(row.per_call, PER_CALL_PLACES),
            "per_month": figure(row.per_month, MONTHLY_PLACES, grouping=True),
            # The always-on GPU floor, where a stack has one.
            "fixed_per_month": figure(row.fixed_per_month, MONTHLY_PLACES, grouping=True)
            if row.fixed_per_month and row.fixed_per_month.high > 0 else "–",
            "multiple": Figure(multiple_text(row.multiple_of_cheapest), row.multiple_of_cheapest),
            "note": row.unpriced or "",
            "warnings": "; ".join(w.text for stack, w in result.warnings if stack == row.stack),
            "missing": missing_text(row.composition),
            "added": changed_text(row.composition)[0],
            "replaced": changed_text(row.composition)[1],
            **_delta_cells(result, row.stack),
        }
        for row in result.rows
    ]
    columns = [
        Column("rank", "#", "right"),
        Column("stack", "stack"),
        Column("architecture", "architecture"),
        Column("per_call", f"per call ({cur})", "right"),
        Column("per_month", f"per month ({cur})", "right"),
        Column("fixed_per_month", f"GPU floor ({cur}/month)", "right"),
        Column("multiple", "× cheapest", "right"),
        Column("note", "note"),
        Column("warnings", "lifecycle warnings"),
        Column("missing", "missing roles"),
        Column("added", "added"),
        Column("replaced", "replaced"),
        Column("delta_call", f"Δ per call ({cur})", "right"),
        Column("delta_pct", "Δ %", "right"),
        Column("delta_month", f"Δ per month ({cur})", "right"),
    ]
    return Rows(rows, columns)


BASELINE_COLUMNS = ("delta_call", "delta_pct", "delta_month")
"""What `--baseline` adds to the table: each stack's change from the run without what-ifs."""


def _delta_cells(result: Comparison, stack: str) -> dict[str, str]:
    if result.baseline is None:
        return {}
    changes = result.baseline.get(stack)
    per_call, per_month = (changes.per_call, changes.per_month) if changes else (None, None)
    return {"delta_call": delta_text(per_call, PER_CALL_PLACES), "delta_pct": percent_text(per_call),
            "delta_month": delta_text(per_month, MONTHLY_PLACES, grouping=True)}


def comparison_csv(result: Comparison) -> str:
    """`compare` as numeric CSV: one header row, money as exact plain decimals in `_low`/`_high` columns named with
    the currency, booleans as true/false, every column always present (a `what-if` column last with what-ifs)."""
    cur = result.currency.lower()
    money = (f"per_call_{cur}", f"per_month_{cur}", f"fixed_per_month_{cur}")
    rows: list[dict[str, str]] = []
    for row in result.rows:
        added, replaced = changed_text(row.composition)
        rows.append({
            "rank": str(row.rank) if row.rank else "",
            "stack": row.stack,
            "architecture": row.architecture,
            **span_columns(money[0], row.per_call),
            **span_columns(money[1], row.per_month),
            **span_columns(money[2], row.fixed_per_month),
            **span_columns("multiple_of_cheapest", row.multiple_of_cheapest),
            "estimate": csv_bool(row.estimate),
            "secondary_source": csv_bool(row.secondary),
            "unpriced": csv_bool(row.unpriced is not None),
            "unpriced_reason": row.unpriced or "",
            "missing_roles": missing_text(row.composition),
            "added": added,
            "replaced": replaced,
            "lifecycle_warnings": "; ".join(w.text for stack, w in result.warnings if stack == row.stack),
            **_baseline_csv(result, row.stack, money),
        })
    columns = [
        Column("rank", "rank"), Column("stack", "stack"), Column("architecture", "architecture"),
        *span_keys(*money, "multiple_of_cheapest"),
        *(Column(key, key) for key in ("estimate", "secondary_source", "unpriced", "unpriced_reason", "missing_roles",
                                       "added", "replaced", "lifecycle_warnings")),
    ]
    if result.baseline is not None:
        columns += [Column("baseline_rank", "baseline_rank"), *change_keys(money[0], money[1])]
    return table(*whatif_column(rows, columns, result.whatif), "csv")


def _baseline_csv(result: Comparison, stack: str, money: tuple[str, ...]) -> dict[str, str]:
    """A stack's `--baseline` CSV cells: its baseline rank and per-call and per-month changes."""
    if result.baseline is None:
        return {}
    changes = result.baseline.get(stack)
    rank = changes.rank if changes else None
    return {"baseline_rank": str(rank) if rank else "",
            **change_cells(money[0], changes.per_call if changes else None),
            **change_cells(money[1], changes.per_month if changes else None)}


def baseline_json(result: Comparison, stack: str) -> dict[str, Any]:
    """`{"baseline": {rank, unpriced, per_call, per_month}}` of a stack's row, or {} without --baseline."""
    if result.baseline is None:
        return {}
    changes = result.baseline.get(stack)
    if changes is None:
        return {"baseline": None}
    return {"baseline": {"rank": changes.rank, "unpriced": changes.unpriced, "per_call": change_json(changes.per_call),
                         "per_month": change_json(changes.per_month)}}


def shared_columns(result: Comparison, fmt: str) -> tuple[str, ...]:
    """Columns on what shared components did: missing roles whenever a stack lacks one (every format), and in CSV,
    which has no line under a title, what was added and replaced whenever a component is shared."""
    keys: tuple[str, ...] = ("missing",) if result.incomplete else ()
    if fmt == "csv" and result.shared.components:
        keys += ("added", "replaced")
    return keys


def comparison_document(result: Comparison) -> dict[str, Any]:
    """The documented JSON shape of `compare` (README "JSON output")."""
    return {
        **costing_header("compare", result),
        "scenario_title": result.scenario_title,
        "rows": [
            {
                "rank": row.rank,
                "stack": row.stack,
                "title": row.title,
                "architecture": row.architecture,
                "per_call": row.per_call,
                "per_month": row.per_month,
                "fixed_per_month": row.fixed_per_month,
                "multiple_of_cheapest": row.multiple_of_cheapest,
                "estimate": row.estimate,
                "secondary_source": row.secondary,
                "unpriced": row.unpriced,
                **composition_json(row.composition),
                **baseline_json(result, row.stack),
            }
            for row in result.rows
        ],
        **shared_json(result.shared),
        "like_for_like": not result.incomplete,
        "lifecycle_warnings": [{"stack": stack, **lifecycle_json(warning)} for stack, warning in result.warnings],
    }


def lifecycle_json(warning: LifecycleWarning) -> dict[str, Any]:
    """A lifecycle warning in JSON: which SKU, on which date, what happens, and where that was announced."""
    return {"sku": warning.sku, "date": warning.date, "what": warning.what, "days": warning.days,
            "source": warning.source}


def lifecycle_lines(warnings: list[LifecycleWarning], fmt: str) -> list[str]:
    """Lifecycle warnings as text or Markdown lines under a table (empty when there are none)."""
    if not warnings:
        return []
    heading = f"Lifecycle warnings (within {LIFECYCLE_WARNING_DAYS} days):"
    if fmt == "markdown":  # a list needs a blank line after the paragraph before it
        return ["", heading, ""] + [f"- {for_format(warning.text, fmt)}" for warning in warnings]
    return ["", heading] + [f"  ! {for_format(warning.text, fmt)}" for warning in warnings]


def comparison_text(result: Comparison, fmt: str) -> str:
    """`compare` as a table, Markdown or CSV."""
    cur = result.currency
    view = comparison_rows(result)
    keys = TEXT_COLUMNS + (BASELINE_COLUMNS if result.baseline is not None else ()) + (
        ("note",) if any(row.unpriced for row in result.rows) else ()) + shared_columns(result, fmt)
    if fmt == "csv" and result.warnings:  # text and Markdown list them under the table
        keys += ("warnings",)
    if fmt == "csv":
        return comparison_csv(result)
    body = table(view.rows, view.shown(*keys), fmt)
    calls = quantity_text(result.calls_per_month)
    title = f"{for_format(result.scenario, fmt)}: {for_format(result.scenario_title, fmt)}"
    facts = f"{calls} calls/month · prices in force on {result.as_of} · {cur}{fx_line(result.fx, fmt)}"
    shared = whatif_lines(result.whatif, fmt) + (baseline_lines(fmt) if result.baseline is not None else [])
    shared += notes(result.shared, {row.stack: row.composition for row in result.rows}, fmt)
    header = f"{title}\n{facts}\n" + "".join(f"{line}\n" for line in shared) + "\n"
    if fmt == "markdown":
        header = f"**{title}**\n\n{facts}\n\n" + "".join(f"{line}\n\n" for line in shared)
    footer = (
        f"\nPer-call figures rounded half-up to {PER_CALL_PLACES} places, monthly to cents; ranges are low–high."
    )
    if any(row.estimate for row in result.rows):
        footer += "\n* uses an estimated or hypothetical figure (see `costmodel breakdown SCENARIO STACK`)."
    warnings = list(dict.fromkeys(warning for _, warning in result.warnings))
    if warnings:
        footer += "\n" + "\n".join(lifecycle_lines(warnings, fmt))
    if any(row.secondary for row in result.rows):
        footer += "\n† uses a price read from a secondary source (a copy of the vendor's price, not its own page)."
    return header + body + footer + "\n"
