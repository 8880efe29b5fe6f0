"""Reconcile: what each call was actually billed against costmodel's price of the same usage on the stack that served it.

The records' `actual_cost` (in `actual_cost_currency`, one currency per file) is compared with the replay
kernel's per-call cost on one stack, in that currency. A call is over (under) when its recorded cost is more
than `tolerance` above (below) the price. A stack with self-hosted parts gets its hourly GPU bill shared
equally by the calls, as in `replay`.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from costmodel.analyses.replay import (
    _shares,
    assumptions,
    call_profiles,
    price_calls,
    shares_needed,
)
from costmodel.analyses.sweep import prepare
from costmodel.core.backends import VectorOps
from costmodel.core.overrides import PriceChange
from costmodel.data.call_records import CallReader
from costmodel.data.catalog import Catalog
from costmodel.data.records import Scenario
from costmodel.errors import InputError

LARGEST = 20
"""Calls with the largest differences kept for the report."""


def _outside(actual: float, low: float, high: float) -> tuple[float, float]:
    """(amount recorded beyond the priced low..high, the end it is beyond): 0 inside the range."""
    if actual > high:
        return actual - high, high
    if actual < low:
        return actual - low, low
    return 0.0, high


@dataclass(frozen=True)
class CallDifference:
    """One call: recorded cost, costmodel's price (low..high; equal unless a price is a range)."""

    call_id: str
    actual: float
    priced: tuple[float, float]

    @property
    def difference(self) -> float:
        """Recorded minus the price (minus the nearer end of a priced range; 0 inside it)."""
        return _outside(self.actual, *self.priced)[0]

    @property
    def percent(self) -> float | None:
        gap, end = _outside(self.actual, *self.priced)
        return None if end == 0 else gap / end * 100


@dataclass(frozen=True)
class Reconciliation:
    """Recorded cost against costmodel's price of the same calls on one stack."""

    source: str
    stack: str
    as_of: date
    currency: str
    compared: int
    without_cost: int
    bad_rows: int
    actual_total: float
    priced_total: tuple[float, float]
    tolerance_percent: float
    over: int
    under: int
    largest: list[CallDifference]

    @property
    def difference(self) -> float:
        """Recorded total minus the priced total (its nearer end; 0 inside a priced range)."""
        return _outside(self.actual_total, *self.priced_total)[0]

    @property
    def difference_percent(self) -> float | None:
        gap, end = _outside(self.actual_total, *self.priced_total)
        return None if end == 0 else gap / end * 100


def reconcile(
    catalog: Catalog,
    calls: str | Path,
    stack: str,
    *,
    as_of: date | None = None,
    scenario: str | Scenario | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
    tolerance: float = 0.01,
    on_bad_row: Literal["fail", "skip"] = "fail",
    chunk_rows: int = 131_072,
) -> Reconciliation:
    """Compare each call's recorded cost with costmodel's price of its usage on `stack`, per call and in total."""
    import numpy

    as_of = as_of or date.today()
    base = assumptions(catalog, scenario)
    catalog.stack(stack)
    ops = VectorOps()
    currency: str | None = None
    prepared = None
    share: dict[str, tuple[float, float]] = {}
    actual_parts: list[float] = []
    priced_parts: tuple[list[float], list[float]] = ([], [])
    compared = without = over = under = 0
    largest: list[tuple[float, int, CallDifference]] = []
    reader = CallReader(calls, on_bad_row=on_bad_row, chunk_rows=chunk_rows)
    counter = 0
    for batch in reader:
        has_cost = ~numpy.isnan(batch.actual_cost)
        without += int((~has_cost).sum())
        if not has_cost.any():
            continue
        import pyarrow

        currencies = set(batch.actual_cost_currency.filter(pyarrow.array(has_cost)).unique().to_pylist()) - {None}
        if currency is None:
            currency = sorted(currencies)[0]
            prepared = prepare(catalog, base, [stack], as_of=as_of, currency=currency, settings=None,
                               price_changes=price_changes)
            if prepared.unpriced:
                raise InputError(next(iter(prepared.unpriced.values())))
            if shares_needed(prepared):
                share = _shares(prepared, base, calls, on_bad_row, chunk_rows, ops)
        if currencies - {currency}:
            raise InputError(f"recorded costs are in {currency} and {sorted(currencies - {currency})[0]}; reconcile one "
                             "currency at a time", path=reader.path)
        assert prepared is not None
        low, high = numpy.zeros(len(batch)), numpy.zeros(len(batch))
        with numpy.errstate(divide="ignore", invalid="ignore"):
            for rows, p in call_profiles(base, batch, ops):
                low[rows], high[rows] = price_calls(prepared, p, ops, len(rows))[stack]
        extra = share.get(stack, (0.0, 0.0))
        low, high = low[has_cost] + extra[0], high[has_cost] + extra[1]
        actual, ids = batch.actual_cost[has_cost], batch.call_id.filter(pyarrow.array(has_cost))
        compared += len(actual)
        actual_parts.append(float(actual.sum()))
        priced_parts[0].append(float(low.sum()))
        priced_parts[1].append(float(high.sum()))
        over += int((actual > high * (1 + tolerance)).sum())
        under += int((actual < low * (1 - tolerance)).sum())
        gap = numpy.maximum(actual - high, low - actual).clip(min=0)
        k = min(LARGEST, len(gap))
        for i in numpy.argpartition(gap, len(gap) - k)[len(gap) - k:].tolist():
            counter += 1
            item = (float(gap[i]), counter,
                    CallDifference(str(ids[i].as_py()), float(actual[i]), (float(low[i]), float(high[i]))))
            if len(largest) < LARGEST:
                heapq.heappush(largest, item)
            else:
                heapq.heappushpop(largest, item)
    if compared == 0:
        raise InputError("no call has a recorded actual_cost to reconcile", path=reader.path)
    assert currency is not None
    return Reconciliation(
        source=str(calls), stack=stack, as_of=as_of, currency=currency, compared=compared, without_cost=without,
        bad_rows=reader.bad.count, actual_total=math.fsum(actual_parts),
        priced_total=(math.fsum(priced_parts[0]), math.fsum(priced_parts[1])),
        tolerance_percent=tolerance * 100, over=over, under=under,
        largest=[item[2] for item in sorted(largest, reverse=True)],
    )

