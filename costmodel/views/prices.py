"""`prices`'s result shown: the prices in force on a date (text, Markdown, CSV) and JSON; a sheet price exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from costmodel import __version__
from costmodel.core.interval import Span
from costmodel.data.meters import PRICE_FIELDS
from costmodel.data.records import AudioTokenRates, PricePeriod, Range, Sku, record_dict
from costmodel.views.formatting import Column, Row, Rows, table

PricedSku = tuple[Sku, PricePeriod]
"""A SKU and its price period in force on the listed date."""


def sheet_price(value: Decimal | Range | None) -> str | dict[str, str] | None:
    """A price exactly as the sheet writes it (5.00 stays 5.00), for JSON; a range as {low, high}."""
    if value is None:
        return None
    if isinstance(value, Range):
        return {"low": format(value.low, "f"), "high": format(value.high, "f")}
    return format(value, "f")


def price_list_rows(priced: list[PricedSku]) -> Rows:
    """One row per price field of each SKU, SKUs in the order given."""
    rows: list[Row] = [
        {
            "sku": sku.id,
            "kind": sku.kind,
            "price": str(Span.of(value)),
            "unit": f"USD per {PRICE_FIELDS[name].unit}",
            "from": period.effective_from.isoformat(),
            "estimate": "estimate" if period.estimate else "",
            "source": period.source,
            "checked": period.checked.isoformat(),
        }
        for sku, period in priced
        for name, value in period.prices().items()
    ]
    columns = [
        Column("sku", "SKU"), Column("kind", "kind"), Column("price", "price", "right"), Column("unit", "unit"),
        Column("from", "in force from"), Column("estimate", "estimate"), Column("checked", "checked"),
        Column("source", "source"),
    ]
    return Rows(rows, columns)


def price_list_document(priced: list[PricedSku], on: date, missing: int) -> dict[str, Any]:
    """The JSON shape of `prices`: one entry per SKU, its prices exactly as written."""
    return {
        "command": "prices",
        "costmodel_version": __version__,
        "as_of": on,
        "currency": "USD",
        "skus": [
            {
                "id": sku.id,
                "kind": sku.kind,
                "name": sku.name,
                "effective_from": period.effective_from,
                "prices": {name: sheet_price(value) for name, value in period.prices().items()},
                "billing_increment_seconds": format(period.billing_increment_seconds, "f"),
                "minimum_billed_seconds": format(period.minimum_billed_seconds, "f"),
                "estimate": period.estimate,
                "source": period.source,
                "checked": period.checked,
                "note": period.note,
                "audio_tokens": _rates_json(sku.audio_tokens) if sku.audio_tokens else None,
            }
            for sku, period in priced
        ],
        "without_price_in_force": missing,
    }


def price_list_text(priced: list[PricedSku], on: date, missing: int, fmt: str) -> str:
    """`prices` as a titled table, or bare Markdown or CSV."""
    view = price_list_rows(priced)
    text = table(view.rows, view.columns, fmt)
    if fmt == "table":
        text = f"Prices in force on {on} (USD)\n\n{text}"
        if missing:
            text += f"\n{missing} SKU(s) had no price in force on {on} (not yet launched, or withdrawn).\n"
    return text


def _rates_json(rates: AudioTokenRates) -> dict[str, Any]:
    """Audio token rates as the file format writes them: numbers as their exact text, dates ISO."""
    def one(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        return value.isoformat() if isinstance(value, date) else value

    return {name: one(value) for name, value in record_dict(rates).items()}
