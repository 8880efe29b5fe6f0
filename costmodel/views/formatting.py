"""Money formatting and rows → text (table, markdown, csv, json); the rounding rules live here and only here.

Every cell and header goes through costmodel.safe_text for its format here, the one place tables are built:
a one-line terminal field, an escaped Markdown cell or a formula-proof CSV cell. JSON escapes every control.

Rounding (README "Money and rounding"): the engine is exact; only display rounds, half-up.
Per-call amounts show 5 decimal places, line items 6, monthly amounts 2 (cents), multiples 1.
JSON never rounds: money is an exact decimal string.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal

from costmodel.core.interval import Span
from costmodel.core.rounding import round_half_up
from costmodel.data.records import RECORDS, Range, record_dict
from costmodel.plain_dataclass import dataclass
from costmodel.safe_text import csv_cell, for_format, json_text, markdown, one_line
from costmodel.views.text_table import Align, layout

if TYPE_CHECKING:  # only for the annotation: listing commands never load the engine
    from costmodel.analyses.estimate import FxUsed
    from costmodel.core.overrides import WhatIf

FORMATS = ("table", "markdown", "csv", "json")
Format = Literal["table", "markdown", "csv", "json"]

PER_CALL_PLACES = 5
LINE_PLACES = 6
MONTHLY_PLACES = 2
MULTIPLE_PLACES = 1


def plain(value: Decimal) -> str:
    """An exact decimal as a plain string: no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def money(value: Decimal, places: int, grouping: bool = False) -> str:
    rounded = round_half_up(value, places)
    return f"{rounded:,.{places}f}" if grouping else f"{rounded:.{places}f}"


def span_text(value: Span[Decimal] | None, places: int, grouping: bool = False, unpriced: str = "unpriced") -> str:
    """A span for people: one figure for a point, LOW–HIGH for a range."""
    if value is None:
        return unpriced
    low = money(value.low, places, grouping)
    high = money(value.high, places, grouping)
    return low if low == high else f"{low}–{high}"


CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹"}
"""The symbol people read before an amount in these currencies; any other currency is written as its code and a
space (`CHF 0.04`), since `$` alone would not say which dollar. A table rather than babel: five symbols do not
earn a locale database, and a report should not read differently on machines with different locales."""


def with_symbol(amount: str, currency: str) -> str:
    """`£0.04449` from `0.04449`: an amount already formatted, with its currency's symbol (the sign stays first)."""
    sign, digits = ("-", amount[1:]) if amount.startswith("-") else ("", amount)
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency} {digits}"


def figure_with_symbol(text: str, currency: str) -> str:
    """A figure already rounded for people (`0.00164–0.01495`) with its currency's symbol on each end."""
    return "–".join(with_symbol(part, currency) for part in text.split("–"))


def money_text(value: Span[Decimal] | None, places: int, currency: str, grouping: bool = False,
               unpriced: str = "unpriced") -> str:
    """A span of money for people, each end with its currency's symbol: `£0.04449` or `£1,468.76–£2,203.14`."""
    return unpriced if value is None else figure_with_symbol(span_text(value, places, grouping), currency)


def multiple_text(value: Span[Decimal] | None) -> str:
    if value is None:
        return "–"
    low, high = money(value.low, MULTIPLE_PLACES), money(value.high, MULTIPLE_PLACES)
    return f"{low}×" if low == high else f"{low}–{high}×"


def quantity_text(value: Span[Decimal]) -> str:
    def one(d: Decimal) -> str:
        rounded = round_half_up(d, 3)
        return f"{rounded.normalize():,f}" if rounded != rounded.to_integral_value() else f"{int(rounded):,}"

    return one(value.low) if value.is_point else f"{one(value.low)}–{one(value.high)}"


def span_json(value: Span[Decimal] | None) -> dict[str, str] | None:
    return None if value is None else {"low": plain(value.low), "high": plain(value.high)}


RECORD_TYPES = tuple(RECORDS.values())


def to_json(value: Any) -> Any:
    """Exact, stable JSON: Spans as {low, high} strings, Decimals as strings, dates ISO.

    Every JSON document goes through here, so any value a result can hold is handled once for all commands:
    pydantic models (a Range is {low, high}, like a Span) and dataclasses become objects of their fields.
    """
    if isinstance(value, Span):
        return span_json(value)
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        # JSON has no NaN or infinity (json.dumps would write the invalid tokens NaN and Infinity).
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((to_json(v) for v in value), key=str)
    if isinstance(value, Enum):
        return to_json(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, RECORD_TYPES):
        return to_json(record_dict(value))
    model_fields = getattr(type(value), "model_fields", None)
    if isinstance(model_fields, dict):  # a pydantic model (a file format), duck-typed so pydantic is not imported
        return to_json({name: getattr(value, name) for name in model_fields})
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    raise TypeError(f"no JSON form for {type(value).__name__}")


def dump_json(document: dict[str, Any]) -> str:
    return json_text(json.dumps(to_json(document), indent=2, ensure_ascii=False)) + "\n"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    align: Align = "left"


def table(rows: Sequence[Mapping[str, object]], columns: Sequence[Column], fmt: str) -> str:
    """Render display rows (already formatted strings) as a plain table, Markdown or CSV.

    Cells and headers are made safe for the format here, so no caller can forget one: the strings come from
    price sheets, stacks, scenarios and file names.
    """
    safe = {"csv": csv_cell, "markdown": markdown}.get(fmt, one_line)
    headers = [safe(c.header) for c in columns]
    body = [[safe(str(row.get(c.key, ""))) for c in columns] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(body)
        return buffer.getvalue()
    return layout(headers, body, [c.align for c in columns], markdown=fmt == "markdown") + "\n"


@dataclass(frozen=True)
class Figure:
    """A money cell: the rounded text people read and the exact span it was rounded from (for the report)."""

    text: str
    exact: Span[Decimal] | None

    def __str__(self) -> str:
        return self.text


Row = dict[str, "str | Figure"]
"""One display row: column key → its text (a Figure when the cell is money that the report keeps exact)."""


@dataclass(frozen=True)
class Rows:
    """A result's table: every row it has and every column it can show; each format picks its columns."""

    rows: list[Row]
    columns: list[Column]

    def shown(self, *keys: str) -> list[Column]:
        """The columns with these keys, in the order given."""
        by_key = {c.key: c for c in self.columns}
        return [by_key[key] for key in keys]


def figure(value: Span[Decimal] | None, places: int, grouping: bool = False) -> Figure:
    return Figure(span_text(value, places, grouping), value)


def fx_line(fx: FxUsed | None, fmt: str) -> str:
    """The exchange rate a costing used, cited with its date and source, for the line under a title."""
    if fx is None:
        return ""
    from costmodel.data.catalog import FX_OVERRIDE_SOURCE

    if fx.source == FX_OVERRIDE_SOURCE:
        return f"; 1 USD = {fx.per_usd} {fx.currency} (set with --fx-rate for this run, not a dated rate)"
    line = f"; 1 USD = {fx.per_usd} {fx.currency} (rate of {fx.effective_from}, {for_format(fx.source, fmt)})"
    return line + (f"\nWARNING: {for_format(fx.warning, fmt)}" if fx.warning else "")


def provenance_marks(estimate: bool, secondary: bool) -> str:
    """Markers after a stack or SKU: " *" uses an estimate, " †" uses a price read only from a secondary source."""
    return (" *" if estimate else "") + (" †" if secondary else "")


def float_text(value: float) -> str:
    """A float input value for people: 12,000 or 1,234.57 from a thousand up, six significant digits below."""
    if abs(value) >= 1000 and value == int(value):
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.2f}"
    return f"{value:.6g}"


COUNTED = ("calls_per_month", "turns", "peak_concurrent_calls", "_tokens", "_tokens_per_turn", "_characters")
"""Scenario fields (or name endings) that count things: a swept value of one reads best as a whole number."""


def swept_value_text(value: float, field: str) -> str:
    """A swept input's value for people, by what it measures: a count whole from 10 up (a log sweep's 251.189
    calls a month reads `251`), anything else (seconds, fractions, prices) to 4 significant digits; both grouped
    from 1,000. Machine formats write the exact value."""
    counted = field in COUNTED or field.endswith(COUNTED[3:])
    if counted and abs(value) >= 10:
        return f"{round(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{3 if counted else 4}g}"


def float_exact(value: float) -> str:
    """A float from the vector path as its shortest round-trip decimal, for JSON and CSV (nothing rounded)."""
    return plain(Decimal(repr(float(value))))


def float_span(low: float, high: float) -> Span[Decimal]:
    """A float pair of the vector path as an exact span of their shortest round-trip decimals."""
    return Span(Decimal(repr(float(low))), Decimal(repr(float(high))))


def whatif_text(whatif: WhatIf) -> str:
    """The what-ifs in one line, as given: `turns=12; openai/gpt-4o-mini.input ×0.5` (empty without any)."""
    parts = [f"{name}={_quantity_plain(value)}" for name, value in whatif.settings.items()]
    for change in whatif.price_changes:
        target = f"{change.sku}.{change.price_field}"
        if change.factor is not None:
            parts.append(f"{target} ×{plain(change.factor)}")
        elif change.value is not None:
            parts.append(f"{target}={_quantity_plain(change.value)}")
    return "; ".join(parts)


def _quantity_plain(value: Decimal | Range) -> str:
    return f"{plain(value.low)}–{plain(value.high)}" if isinstance(value, Range) else plain(value)


def whatif_lines(whatif: WhatIf, fmt: str) -> list[str]:
    """The line under a title naming the what-ifs, or none without any, so plain runs are unchanged."""
    if not whatif:
        return []
    text = f"what-if: {whatif_text(whatif)}"
    if fmt == "markdown":
        return [f"*{for_format(text, fmt)}*"]
    return [for_format(text, fmt)]


def whatif_column(rows: Sequence[Mapping[str, object]], columns: Sequence[Column],
                  whatif: WhatIf) -> tuple[list[Mapping[str, object]], list[Column]]:
    """A CSV table's rows and columns with a last `what-if` column (the same text on every row) when there are any.

    CSV has no title; a column, unlike a comment line, keeps the file one header row and plain data, so
    spreadsheets and `pandas.read_csv` read it unchanged, and a row copied elsewhere still says it is a what-if.
    """
    if not whatif:
        return list(rows), list(columns)
    text = whatif_text(whatif)
    return [{**row, "whatif": text} for row in rows], [*columns, Column("whatif", "what-if")]


def whatif_json(whatif: WhatIf | None) -> dict[str, Any]:
    """The `whatif` object of a JSON document: `{settings, prices}`, both empty without what-ifs (the envelope
    always has it, so a reader never tests whether the key exists)."""
    if not whatif:
        return {"settings": {}, "prices": []}
    # Values set are {low, high} like every quantity and amount of a document, a point with both ends equal.
    prices = [
        {"sku": change.sku, "field": change.price_field,
         "value": None if change.value is None else Span.of(change.value), "factor": change.factor}
        for change in whatif.price_changes
    ]
    return {"settings": {name: Span.of(value) for name, value in whatif.settings.items()}, "prices": prices}


def csv_bool(value: bool) -> str:
    """A boolean cell of a numeric CSV: `true`/`false`, which pandas.read_csv reads as bool (spreadsheets as text)."""
    return "true" if value else "false"


def span_columns(key: str, value: Span[Decimal] | None) -> dict[str, str]:
    """`KEY_low` and `KEY_high` cells of a numeric CSV: exact plain decimals (empty when there is no figure)."""
    if value is None:
        return {f"{key}_low": "", f"{key}_high": ""}
    return {f"{key}_low": plain(value.low), f"{key}_high": plain(value.high)}


def span_keys(*keys: str) -> list[Column]:
    """The `KEY_low`, `KEY_high` columns of each money or quantity key, in order (the header is the key)."""
    return [Column(f"{key}_{end}", f"{key}_{end}") for key in keys for end in ("low", "high")]
