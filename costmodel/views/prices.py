"""`prices`'s result shown: the prices in force on a date (text, Markdown, CSV) and JSON; a sheet price exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costmodel.core.interval import Span
from costmodel.data.meters import PRICE_FIELDS
from costmodel.data.records import AudioTokenRates, PricePeriod, Range, Sku, record_dict
from costmodel.views.envelope import document
from costmodel.views.formatting import Column, Row, Rows, csv_bool, span_columns, span_keys, table

if TYPE_CHECKING:
    from costmodel.data.provenance import Provenance


def provenance_marker(period: PricePeriod) -> str:
    """What a price rests on, in one word for tables: "" (the vendor's own source), secondary, or estimate."""
    if period.source_kind == "secondary":
        return "secondary"
    return "estimate" if period.estimate else ""

PricedSku = tuple[Sku, PricePeriod]
"""A SKU and its price period in force on the listed date."""


def sheet_price(value: Decimal | Range | None) -> dict[str, str] | None:
    """A price exactly as the sheet writes it (5.00 stays 5.00), for JSON: {low, high} like every amount of a
    document, a point with both ends equal."""
    if value is None:
        return None
    low, high = (value.low, value.high) if isinstance(value, Range) else (value, value)
    return {"low": format(low, "f"), "high": format(high, "f")}


def price_list_rows(priced: list[PricedSku]) -> Rows:
    """One row per price field of each SKU, SKUs in the order given."""
    rows: list[Row] = [
        {
            "sku": sku.id,
            "kind": sku.kind,
            "price": str(Span.of(value)),
            "unit": f"USD per {PRICE_FIELDS[name].unit}",
            "from": period.effective_from.isoformat()
            + (" (or earlier)" if period.effective_from_basis == "lower-bound" else ""),
            "estimate": provenance_marker(period),
            "source": period.source,
            "checked": period.checked.isoformat(),
        }
        for sku, period in priced
        for name, value in period.prices().items()
    ]
    columns = [
        Column("sku", "SKU"), Column("kind", "kind"), Column("price", "price", "right"), Column("unit", "unit"),
        Column("from", "in force from"), Column("estimate", "basis"), Column("checked", "checked"),
        Column("source", "source"),
    ]
    return Rows(rows, columns)


def price_list_csv(priced: list[PricedSku]) -> str:
    """`prices` as numeric CSV: one row per price field of each SKU, the price as exact `price_low`/`price_high` plain
    decimals in `currency` per `unit`, the flags true/false, dates ISO."""
    rows = [
        {
            "sku": sku.id, "kind": sku.kind, "price_field": name, **span_columns("price", Span.of(value)),
            "currency": "USD", "unit": PRICE_FIELDS[name].unit, "effective_from": period.effective_from.isoformat(),
            "effective_from_basis": period.effective_from_basis, "estimate": csv_bool(period.estimate),
            "source_kind": period.source_kind, "checked": period.checked.isoformat(), "source": period.source,
        }
        for sku, period in priced
        for name, value in period.prices().items()
    ]
    keys = ("effective_from", "effective_from_basis", "estimate", "source_kind", "checked", "source")
    columns = [Column("sku", "sku"), Column("kind", "kind"), Column("price_field", "price_field"), *span_keys("price"),
               Column("currency", "currency"), Column("unit", "unit"), *(Column(key, key) for key in keys)]
    return table(columns=columns, rows=rows, fmt="csv")


def price_list_document(priced: list[PricedSku], on: date, missing: int) -> dict[str, Any]:
    """The JSON shape of `prices`: one entry per SKU, its prices exactly as written."""
    return document("prices", {
        "skus": [
            {
                "id": sku.id,
                "kind": sku.kind,
                "name": sku.name,
                "effective_from": period.effective_from,
                "effective_from_basis": period.effective_from_basis,
                "prices": {name: sheet_price(value) for name, value in period.prices().items()},
                "billing_increment_seconds": format(period.billing_increment_seconds, "f"),
                "minimum_billed_seconds": format(period.minimum_billed_seconds, "f"),
                "estimate": period.estimate,
                "source_kind": period.source_kind,
                "source": period.source,
                "checked": period.checked,
                "note": period.note,
                "audio_tokens": _rates_json(sku.audio_tokens) if sku.audio_tokens else None,
            }
            for sku, period in priced
        ],
        "without_price_in_force": missing,
    }, as_of=on, currency="USD")


def price_list_text(priced: list[PricedSku], on: date, missing: int, fmt: str) -> str:
    """`prices` as a titled table, bare Markdown, or numeric CSV."""
    if fmt == "csv":
        return price_list_csv(priced)
    view = price_list_rows(priced)
    text = table(view.rows, view.columns, fmt)
    if fmt == "table":
        text = f"Prices in force on {on} (USD)\n\n{text}"
        if missing:
            text += (f"\n{missing} SKU(s) had no price in force on {on} (not yet launched, price unknown that "
                     "early, or withdrawn).\n")
        text += ("\nbasis: secondary = read only from a copy of the vendor's price (mirror, reseller, news); "
                 "estimate = derived or assumed (see the note). \"(or earlier)\": first recorded then.\n")
    return text


def provenance_document(summary: Provenance) -> dict[str, Any]:
    """The JSON shape of `prices --provenance`."""
    return document("prices --provenance", {
        "periods_by_source_kind": summary.by_kind,
        "stack_periods_by_source_kind": summary.stack_by_kind,
        "lower_bound_starts": summary.lower_bound_starts,
        "unstated_starts": summary.unstated_starts,
        "oldest_checked": [
            {"sku": ref.sku, "effective_from": ref.period.effective_from, "checked": ref.period.checked,
             "source": ref.period.source}
            for ref in summary.oldest_checked
        ],
    }, as_of=None, currency=None)


def provenance_text(summary: Provenance, fmt: str) -> str:
    """`prices --provenance` as tables: periods by source kind, then the oldest reads."""
    kinds: list[Row] = [
        {"kind": kind, "all": str(summary.by_kind[kind]), "stacks": str(summary.stack_by_kind[kind])}
        for kind in summary.by_kind
    ]
    kind_columns = [Column("kind", "source kind"), Column("all", "price periods", "right"),
                    Column("stacks", "periods of SKUs in stacks", "right")]
    oldest: list[Row] = [
        {"sku": ref.sku, "from": ref.period.effective_from.isoformat(), "checked": ref.period.checked.isoformat(),
         "source": ref.period.source}
        for ref in summary.oldest_checked
    ]
    oldest_columns = [Column("sku", "SKU"), Column("from", "in force from"), Column("checked", "source read"),
                      Column("source", "source")]
    if fmt == "csv":
        return table(kinds, kind_columns, "csv")
    bold = "**" if fmt == "markdown" else ""
    return "\n".join([
        f"{bold}Price periods by source kind{bold}", "", table(kinds, kind_columns, fmt),
        f"{summary.lower_bound_starts} period(s) start on a date known only as a lower bound (first recorded); "
        f"{summary.unstated_starts} do not say how their start is known.", "",
        f"{bold}Oldest source reads{bold}", "", table(oldest, oldest_columns, fmt),
    ])


def _rates_json(rates: AudioTokenRates) -> dict[str, Any]:
    """Audio token rates as the file format writes them: numbers as their exact text, dates ISO."""
    def one(value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value, "f")  # as written, never with an exponent
        return value.isoformat() if isinstance(value, date) else value

    return {name: one(value) for name, value in record_dict(rates).items()}
