"""Price history diffs: what changed between two dates (or two pricing folders), and what it does to each bill.

The "old" side is one catalog at one date, the "new" side another catalog (often the same one) at another
date, so `--from 2024-06-01 --to 2025-06-01` and "last release's pricing/ vs today's" are the same question.
Changes are endpoint-wise: a range price 0.10–0.30 → 0.20–0.60 changed its low end by +100% and its high
end by +100%; the span of all possible ratios would be wider and say less.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from costmodel.analyses.estimate import estimate
from costmodel.core.interval import Span, float_ends
from costmodel.data.catalog import Catalog, price_in_force
from costmodel.data.meters import PRICE_FIELDS
from costmodel.data.records import PricePeriod, Range
from costmodel.errors import NoPriceError, require

if TYPE_CHECKING:
    import pandas

PriceStatus = Literal["changed", "added", "removed", "launched", "withdrawn"]
"""changed: both sides priced, values differ; added/removed: a price field appears/disappears on a priced SKU;
launched/withdrawn: the SKU has no price in force on the old/new side (never read as $0)."""


@dataclass(frozen=True)
class EndpointChange:
    """new − old at the low and high ends (a point has low == high), in money and in percent of old."""

    low: Decimal
    high: Decimal
    low_percent: Decimal | None
    high_percent: Decimal | None
    """None when the old end was 0 (no percentage of nothing)."""


def endpoint_change(old: Span[Decimal], new: Span[Decimal]) -> EndpointChange:
    def percent(before: Decimal, after: Decimal) -> Decimal | None:
        return None if before == 0 else (after - before) / before * 100

    return EndpointChange(
        low=new.low - old.low,
        high=new.high - old.high,
        low_percent=percent(old.low, new.low),
        high_percent=percent(old.high, new.high),
    )


@dataclass(frozen=True)
class PriceDiffRow:
    """One price field of one SKU that differs between the two sides."""

    sku: str
    price_field: str
    unit: str
    status: PriceStatus
    old: Decimal | Range | None
    new: Decimal | Range | None
    change: EndpointChange | None
    old_effective_from: date | None
    new_effective_from: date | None
    old_source: str | None
    new_source: str | None
    reason: str | None
    """Why a side has no price (the NoPriceError message), for launched/withdrawn rows."""


@dataclass(frozen=True)
class CostDiffRow:
    """Per-call cost of one scenario on one stack on both sides; None with a reason when a side is unpriced."""

    scenario: str
    stack: str
    old_per_call: Span[Decimal] | None
    new_per_call: Span[Decimal] | None
    change: EndpointChange | None
    changed: bool
    old_unpriced: str | None
    new_unpriced: str | None


@dataclass(frozen=True)
class PriceDiff:
    old_date: date
    new_date: date
    old_label: str
    new_label: str
    prices: list[PriceDiffRow]
    costs: list[CostDiffRow]

    def prices_frame(self) -> pandas.DataFrame:
        """Every price that differs, as a pandas DataFrame (floats, for display; the rows are exact)."""
        require("pandas", "notebooks", "Data frames")
        import pandas

        records = []
        for row in self.prices:
            record: dict[str, Any] = {"sku": row.sku, "price_field": row.price_field, "status": row.status}
            record["old_low"], record["old_high"] = float_ends(row.old)
            record["new_low"], record["new_high"] = float_ends(row.new)
            percent = row.change.low_percent if row.change else None
            record["change_percent_low"] = float(percent) if percent is not None else None
            record["old_effective_from"], record["new_effective_from"] = row.old_effective_from, row.new_effective_from
            records.append(record)
        return pandas.DataFrame.from_records(records)

    def costs_frame(self) -> pandas.DataFrame:
        """Per-call cost of each scenario × stack on both sides, as a pandas DataFrame (None where unpriced)."""
        require("pandas", "notebooks", "Data frames")
        import pandas

        records = []
        for row in self.costs:
            record: dict[str, Any] = {"scenario": row.scenario, "stack": row.stack, "changed": row.changed}
            record["old_per_call_low"], record["old_per_call_high"] = float_ends(row.old_per_call)
            record["new_per_call_low"], record["new_per_call_high"] = float_ends(row.new_per_call)
            record["unpriced"] = row.old_unpriced or row.new_unpriced
            records.append(record)
        return pandas.DataFrame.from_records(records)


def _period(catalog: Catalog, sku_id: str, on: date) -> tuple[PricePeriod | None, str | None]:
    if sku_id not in catalog.skus:
        return None, f"{sku_id} is not in this pricing folder"
    try:
        return price_in_force(catalog.skus[sku_id], on), None
    except NoPriceError as exc:
        return None, exc.message


def price_diff_rows(old: Catalog, old_date: date, new: Catalog, new_date: date) -> list[PriceDiffRow]:
    """Every price field that differs between the old side and the new side, SKUs in id order."""
    rows: list[PriceDiffRow] = []
    for sku_id in sorted(set(old.skus) | set(new.skus)):
        before, why_not_before = _period(old, sku_id, old_date)
        after, why_not_after = _period(new, sku_id, new_date)
        if before is None and after is None:
            continue
        old_prices = before.prices() if before else {}
        new_prices = after.prices() if after else {}
        for name in PRICE_FIELDS:
            a, b = old_prices.get(name), new_prices.get(name)
            if a is None and b is None:
                continue
            if a is not None and b is not None:
                if Span.of(a) == Span.of(b):
                    continue
                status: PriceStatus = "changed"
            elif before is None:
                status = "launched"
            elif after is None:
                status = "withdrawn"
            else:
                status = "added" if a is None else "removed"
            rows.append(
                PriceDiffRow(
                    sku=sku_id,
                    price_field=name,
                    unit=PRICE_FIELDS[name].unit,
                    status=status,
                    old=a,
                    new=b,
                    change=endpoint_change(Span.of(a), Span.of(b)) if a is not None and b is not None else None,
                    old_effective_from=before.effective_from if before else None,
                    new_effective_from=after.effective_from if after else None,
                    old_source=before.source if before else None,
                    new_source=after.source if after else None,
                    reason=why_not_before if before is None else why_not_after if after is None else None,
                )
            )
    return rows


def _per_call(catalog: Catalog, scenario: str, stack: str, on: date) -> tuple[Span[Decimal] | None, str | None]:
    if stack not in catalog.stacks:
        return None, f"stack {stack} is not in this pricing folder"
    if scenario not in catalog.scenarios:
        return None, f"scenario {scenario} is not in this scenarios folder"
    try:
        return estimate(catalog, scenario, stack, as_of=on).per_call, None
    except NoPriceError as exc:
        return None, exc.message


def cost_diff_rows(
    old: Catalog,
    old_date: date,
    new: Catalog,
    new_date: date,
    scenarios: list[str] | None = None,
    stacks: list[str] | None = None,
) -> list[CostDiffRow]:
    """Per-call cost of every scenario × stack on both sides (the ones named, else all known to either side)."""
    scenario_ids = scenarios or sorted(set(old.scenarios) | set(new.scenarios))
    stack_ids = stacks or sorted(set(old.stacks) | set(new.stacks))
    for scenario_id in scenario_ids:
        if scenario_id not in old.scenarios and scenario_id not in new.scenarios:
            new.scenario(scenario_id)  # raises UnknownIdError with suggestions
    for stack_id in stack_ids:
        if stack_id not in old.stacks and stack_id not in new.stacks:
            new.stack(stack_id)
    rows = []
    for scenario_id in scenario_ids:
        for stack_id in stack_ids:
            before, why_before = _per_call(old, scenario_id, stack_id, old_date)
            after, why_after = _per_call(new, scenario_id, stack_id, new_date)
            both = before is not None and after is not None
            rows.append(
                CostDiffRow(
                    scenario=scenario_id,
                    stack=stack_id,
                    old_per_call=before,
                    new_per_call=after,
                    change=endpoint_change(before, after) if before is not None and after is not None else None,
                    changed=(before != after) if both else (before is None) != (after is None),
                    old_unpriced=why_before,
                    new_unpriced=why_after,
                )
            )
    return rows


def price_diff(
    old: Catalog,
    old_date: date,
    new: Catalog,
    new_date: date,
    *,
    scenarios: list[str] | None = None,
    stacks: list[str] | None = None,
    old_label: str = "old",
    new_label: str = "new",
) -> PriceDiff:
    """Changed prices and their effect on per-call costs, between (old catalog, date) and (new catalog, date)."""
    return PriceDiff(
        old_date=old_date,
        new_date=new_date,
        old_label=old_label,
        new_label=new_label,
        prices=price_diff_rows(old, old_date, new, new_date),
        costs=cost_diff_rows(old, old_date, new, new_date, scenarios, stacks),
    )
