"""`prices diff`'s result shown: the prices that moved, SKUs priced on one side, the effect on each bill; JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costmodel.core.interval import Span
from costmodel.data.meters import PRICE_ALIASES
from costmodel.data.records import Range
from costmodel.safe_text import for_format
from costmodel.views.envelope import document
from costmodel.views.formatting import (
    PER_CALL_PLACES,
    Column,
    Row,
    Rows,
    csv_bool,
    money,
    plain,
    span_columns,
    span_keys,
    span_text,
    table,
)
from costmodel.views.prices import sheet_price

if TYPE_CHECKING:
    from costmodel.analyses.price_diff import CostDiffRow, EndpointChange, PriceDiff

MOVED = frozenset({"changed", "added", "removed"})
"""Price statuses listed as moved; `launched` and `withdrawn` SKUs have a price on one side only."""


def _percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    text = money(value, 1)
    return ("+" if value > 0 else "") + ("0.0" if text == "-0.0" else text) + "%"


def _change_text(change: EndpointChange | None) -> str:
    """`-50.0%` for a point; `low -50.0% / high -40.0%` when the two ends moved differently."""
    if change is None:
        return "–"
    low, high = _percent(change.low_percent), _percent(change.high_percent)
    return low if low == high else f"low {low} / high {high}"


def _price_value(value: Decimal | Range | None) -> str:
    return "–" if value is None else str(Span.of(value))


def _signed(value: Decimal) -> str:
    text = money(value, PER_CALL_PLACES)
    return text if text.startswith("-") else "+" + text


def _cost_change(row: CostDiffRow) -> str:
    """`-0.00344 (-9.1%)`; ends shown apart when a range moved differently at each end."""
    if row.change is None:
        return "unpriced on one side" if row.changed else "–"
    c = row.change
    money_text = _signed(c.low) if _signed(c.low) == _signed(c.high) else f"{_signed(c.low)}/{_signed(c.high)}"
    return f"{money_text} ({_change_text(c)})"


def moved_price_rows(result: PriceDiff) -> Rows:
    """Every price that changed, appeared or went between the two sides."""
    short = {name: alias for alias, name in PRICE_ALIASES.items()}
    rows: list[Row] = [
        {
            "sku": r.sku, "field": short[r.price_field], "status": r.status,
            "old": _price_value(r.old), "new": _price_value(r.new), "change": _change_text(r.change),
            "unit": f"USD per {r.unit}",
            "old_from": r.old_effective_from.isoformat() if r.old_effective_from else "–",
            "new_from": r.new_effective_from.isoformat() if r.new_effective_from else "–",
            "old_source": r.old_source or "", "new_source": r.new_source or "",
        }
        for r in result.prices
        if r.status in MOVED
    ]
    columns = [
        Column("sku", "SKU"), Column("field", "price"), Column("status", "status"), Column("old", "old", "right"),
        Column("new", "new", "right"), Column("change", "change", "right"), Column("unit", "unit"),
        Column("old_from", "old from"), Column("new_from", "new from"), Column("old_source", "old source"),
        Column("new_source", "new source"),
    ]
    return Rows(rows, columns)


def one_side_rows(result: PriceDiff) -> Rows:
    """SKUs launched, first recorded or withdrawn in between, once each, with why they have no price on one side."""
    rows: dict[str, Row] = {}
    for r in result.prices:
        if r.status in {"launched", "first recorded", "withdrawn"} and r.sku not in rows:
            rows[r.sku] = {"sku": r.sku, "status": r.status, "why": " ".join((r.reason or "").split())}
    columns = [Column("sku", "SKU"), Column("status", "status"), Column("why", "no price in force because")]
    return Rows(list(rows.values()), columns)


def cost_effect_rows(result: PriceDiff, show_all: bool) -> Rows:
    """Per-call cost on both sides for each scenario × stack that changed (every pair with `show_all`)."""
    rows: list[Row] = [
        {
            "scenario": r.scenario, "stack": r.stack,
            "old": span_text(r.old_per_call, PER_CALL_PLACES),
            "new": span_text(r.new_per_call, PER_CALL_PLACES),
            "change": _cost_change(r),
            "why": " ".join((r.old_unpriced or r.new_unpriced or "").split()),
        }
        for r in result.costs
        if r.changed or show_all
    ]
    columns = [
        Column("scenario", "scenario"), Column("stack", "stack"), Column("old", "old per call", "right"),
        Column("new", "new per call", "right"), Column("change", "change", "right"), Column("why", "unpriced because"),
    ]
    # The reason column only when some pair is unpriced on a side.
    if not any(row["why"] for row in rows):
        columns.pop()
    return Rows(rows, columns)


def price_diff_document(result: PriceDiff) -> dict[str, Any]:
    """The JSON shape of `prices diff`: exact decimals, unpriced sides as null with the reason."""

    def change(c: EndpointChange | None) -> dict[str, Any] | None:
        return None if c is None else {"low": c.low, "high": c.high, "low_percent": c.low_percent,
                                       "high_percent": c.high_percent}

    return document("prices diff", {
        "from": {"label": result.old_label, "date": result.old_date},
        "to": {"label": result.new_label, "date": result.new_date},
        "prices": [
            {
                "sku": r.sku, "price_field": r.price_field, "unit": r.unit, "status": r.status,
                "old": sheet_price(r.old), "new": sheet_price(r.new), "change": change(r.change),
                "old_effective_from": r.old_effective_from, "new_effective_from": r.new_effective_from,
                "old_source": r.old_source, "new_source": r.new_source, "reason": r.reason,
            }
            for r in result.prices
        ],
        "costs": [
            {
                "scenario": r.scenario, "stack": r.stack, "changed": r.changed,
                "old_per_call": r.old_per_call, "new_per_call": r.new_per_call, "change": change(r.change),
                "old_unpriced": r.old_unpriced, "new_unpriced": r.new_unpriced,
            }
            for r in result.costs
        ],
    }, as_of=result.new_date, currency="USD")


def price_diff_csv(result: PriceDiff, show_all: bool) -> str:
    """The cost effect of `prices diff` as numeric CSV (several tables in one CSV would not load; JSON has all): one
    row per scenario × stack that changed (every pair with `show_all`), per-call costs as exact `_low`/`_high` plain
    decimals, the change new − old and as a fraction of old (0.1 for +10%), empty on a side that is unpriced."""
    rows: list[dict[str, str]] = []
    for r in result.costs:
        if not (r.changed or show_all):
            continue
        c = r.change
        rows.append({
            "scenario": r.scenario, "stack": r.stack, "changed": csv_bool(r.changed),
            **span_columns("old_per_call_usd", r.old_per_call), **span_columns("new_per_call_usd", r.new_per_call),
            **span_columns("change_usd", None if c is None else Span(c.low, c.high)),
            "change_fraction_low": "" if c is None or c.low_percent is None else plain(c.low_percent / 100),
            "change_fraction_high": "" if c is None or c.high_percent is None else plain(c.high_percent / 100),
            "old_unpriced": " ".join((r.old_unpriced or "").split()),
            "new_unpriced": " ".join((r.new_unpriced or "").split()),
        })
    columns = [Column("scenario", "scenario"), Column("stack", "stack"), Column("changed", "changed"),
               *span_keys("old_per_call_usd", "new_per_call_usd", "change_usd", "change_fraction"),
               Column("old_unpriced", "old_unpriced"), Column("new_unpriced", "new_unpriced")]
    return table(rows, columns, "csv")


def price_diff_text(result: PriceDiff, fmt: str, show_all: bool = False) -> str:
    """`prices diff` as text or Markdown (three tables), or its cost effect as CSV."""
    if fmt == "csv":
        return price_diff_csv(result, show_all)
    costs = cost_effect_rows(result, show_all)
    moved, one_side = moved_price_rows(result), one_side_rows(result)
    old = f"{for_format(result.old_label, fmt)} on {result.old_date}"
    new = f"{for_format(result.new_label, fmt)} on {result.new_date}"
    bold = "**" if fmt == "markdown" else ""
    hidden = len(result.costs) - len(costs.rows)
    out = [
        f"{bold}Prices that changed: {old} → {new} (USD){bold}", "",
        table(moved.rows, moved.columns, fmt) if moved.rows else "No price changed.\n",
    ]
    if one_side.rows:
        heading = "SKUs priced on one side only (launched, first recorded or withdrawn in between; never read as $0)"
        out += [f"{bold}{heading}{bold}", "", table(one_side.rows, one_side.columns, fmt)]
    out += [
        f"{bold}Effect on per-call cost (USD), scenario × stack{bold}", "",
        table(costs.rows, costs.columns, fmt) if costs.rows else "No per-call cost changed.\n",
    ]
    if hidden:
        out.append(f"{hidden} scenario × stack pair(s) cost the same on both sides (--all lists them).\n")
    out.append(
        "Change = new − old, and (new − old) / old in percent, end by end for ranges; "
        f"per-call costs rounded half-up to {PER_CALL_PLACES} places.\n"
    )
    return "\n".join(out)
