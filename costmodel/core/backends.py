"""The two numeric backends the usage formulas run on: exact Decimal Spans (compare, breakdown) and numpy arrays (sweeps).

The usage formulas are written once against `Ops[M]`; `EXACT` evaluates them on `Span[Decimal]`, a
`VectorOps` on `Span[FloatArray]` (one value per swept point).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any, Protocol, cast

from costmodel.core.interval import M, Span
from costmodel.data.records import Range

if TYPE_CHECKING:
    from costmodel.core.interval import FloatArray


class Ops(Protocol[M]):
    """The few operations beyond + - * / that usage formulas need, for one numeric backend."""

    def const(self, value: Decimal | Range | int) -> Span[M]: ...

    def ceil(self, value: Span[M]) -> Span[M]: ...

    def maximum(self, a: Span[M], b: Span[M]) -> Span[M]: ...

    def bill(self, seconds: Span[M], increment: Decimal, minimum: Decimal) -> Span[M]: ...

    def scale(self, quantity: Span[M], unit_price: Span[M], per_unit: Span[M]) -> Span[M]:
        """quantity × unit price ÷ the price's quantity per unit: what a per-call meter costs."""
        ...

    def band(self, value: Span[M], start: Decimal, end: Decimal | None) -> Span[M]:
        """The part of `value` lying between start and end (None: no end), end by end: volume tiers, allowances."""
        ...

    def all_units(
        self, units: Span[M], starts: list[Decimal], prices: list[Span[M]], offset: Decimal
    ) -> tuple[Span[M], Span[M]]:
        """All-units tiers: (cost, unit price) when every billed unit (units beyond `offset`, the included ones)
        is priced at the tier the month's units reach.

        Tier i runs from starts[i] (starts[0] = 0) to the next start, in the same units as `units`. The cost is
        not monotone in the units (a few more can cost less), so for a range it is the bound over every tier
        the range touches.
        """
        ...


def _ceil_decimal(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


class ExactOps:
    """Spans of Decimals: exact, for per-call figures."""

    def const(self, value: Decimal | Range | int) -> Span[Decimal]:
        return Span.of(value)

    def ceil(self, value: Span[Decimal]) -> Span[Decimal]:
        return value.map(_ceil_decimal)

    def maximum(self, a: Span[Decimal], b: Span[Decimal]) -> Span[Decimal]:
        return Span(max(a.low, b.low), max(a.high, b.high))

    def bill(self, seconds: Span[Decimal], increment: Decimal, minimum: Decimal) -> Span[Decimal]:
        def one(s: Decimal) -> Decimal:
            if s <= 0:
                return Decimal(0)
            return max(minimum, _ceil_decimal(s / increment) * increment)

        return seconds.map(one)

    def scale(self, quantity: Span[Decimal], unit_price: Span[Decimal], per_unit: Span[Decimal]) -> Span[Decimal]:
        return quantity * unit_price / per_unit

    def band(self, value: Span[Decimal], start: Decimal, end: Decimal | None) -> Span[Decimal]:
        def one(v: Decimal) -> Decimal:
            inside = max(v - start, Decimal(0))
            return inside if end is None else min(inside, end - start)

        return value.map(one)

    def all_units(
        self, units: Span[Decimal], starts: list[Decimal], prices: list[Span[Decimal]], offset: Decimal
    ) -> tuple[Span[Decimal], Span[Decimal]]:
        low, high = units.low, units.high
        costs_low, costs_high, prices_low, prices_high = [], [], [], []
        for i, (start, price) in enumerate(zip(starts, prices, strict=True)):
            end = starts[i + 1] if i + 1 < len(starts) else None
            if high < start or (end is not None and low >= end):
                continue  # the range does not touch this tier
            costs_low.append(price.low * max(max(low, start) - offset, Decimal(0)))
            costs_high.append(price.high * max((high if end is None else min(high, end)) - offset, Decimal(0)))
            prices_low.append(price.low)
            prices_high.append(price.high)
        return Span(min(costs_low), max(costs_high)), Span(min(prices_low), max(prices_high))


class VectorOps:
    """Spans whose ends are numpy float64 arrays: the same formulas and interval rules, for sweeps."""

    # Float division like 45/15 can land a hair above a whole number; ceil must not bill an extra increment.
    EPS = 1e-9

    def __init__(self) -> None:
        import numpy

        self.np = numpy

    def const(self, value: Decimal | Range | int) -> Span[FloatArray]:
        # A constant stays a Python float: it broadcasts against arrays like a 0-d array, at a fraction of the cost.
        if isinstance(value, Range):
            return Span(cast("FloatArray", float(value.low)), cast("FloatArray", float(value.high)))
        point = cast("FloatArray", float(value))
        return Span(point, point)

    def _ceil(self, value: FloatArray) -> FloatArray:
        return self.np.ceil(self.np.asarray(value, dtype=float) - self.EPS)

    def ceil(self, value: Span[FloatArray]) -> Span[FloatArray]:
        return value.map(self._ceil)

    def maximum(self, a: Span[FloatArray], b: Span[FloatArray]) -> Span[FloatArray]:
        if a.low is a.high and b.low is b.high:
            point = self.np.maximum(a.low, b.low)
            return Span(point, point)
        return Span(self.np.maximum(a.low, b.low), self.np.maximum(a.high, b.high))

    def bill(self, seconds: Span[FloatArray], increment: Decimal, minimum: Decimal) -> Span[FloatArray]:
        np = self.np
        step, least = float(increment), float(minimum)

        def one(s: FloatArray) -> FloatArray:
            s = np.asarray(s, dtype=float)
            # Whole seconds (the usual increment) need no division or multiplication, and no minimum no maximum:
            # the same figures in fewer passes over the calls.
            billed = self._ceil(s) if step == 1 else self._ceil(s / step) * step
            if least:
                billed = np.maximum(least, billed)
            result: Any = np.where(s > 0, billed, 0.0)
            return cast("FloatArray", result)

        return seconds.map(one)

    def scale(self, quantity: Span[FloatArray], unit_price: Span[FloatArray],
              per_unit: Span[FloatArray]) -> Span[FloatArray]:
        # Constant prices (no swept price): price ÷ quantity per unit is one number, so one pass over the calls
        # instead of two (the product differs from (quantity × price) ÷ per unit by at most an ulp or two).
        prices = (unit_price.low, unit_price.high, per_unit.low, per_unit.high)
        if all(isinstance(value, float) for value in prices):
            low = cast("FloatArray", cast(float, unit_price.low) / cast(float, per_unit.low))
            high = low if unit_price.low is unit_price.high and per_unit.low is per_unit.high else \
                cast("FloatArray", cast(float, unit_price.high) / cast(float, per_unit.high))
            return quantity * Span(low, high)
        return quantity * unit_price / per_unit

    def _edge(self, value: FloatArray, at: Decimal | None) -> None:
        """Where a quantity meets a tier edge the cost has a kink or a step; break-even solvers record these."""

    def _near(self, at: Decimal) -> float:
        # The same tolerance as ceil, relative: calls × minutes in float may land a hair below a tier edge.
        return float(at) - self.EPS * max(1.0, float(at))

    def band(self, value: Span[FloatArray], start: Decimal, end: Decimal | None) -> Span[FloatArray]:
        np = self.np

        def one(v: FloatArray) -> FloatArray:
            v = np.asarray(v, dtype=float)
            self._edge(v, start)
            self._edge(v, end)
            inside = np.maximum(v - float(start), 0.0)
            return inside if end is None else cast("FloatArray", np.minimum(inside, float(end - start)))

        return value.map(one)

    def all_units(
        self, units: Span[FloatArray], starts: list[Decimal], prices: list[Span[FloatArray]], offset: Decimal
    ) -> tuple[Span[FloatArray], Span[FloatArray]]:
        np = self.np
        low, high = np.asarray(units.low, dtype=float), np.asarray(units.high, dtype=float)
        inf = float("inf")
        cost_low: Any = inf
        cost_high: Any = -inf
        price_low: Any = inf
        price_high: Any = -inf
        for i, (start, price) in enumerate(zip(starts, prices, strict=True)):
            end = starts[i + 1] if i + 1 < len(starts) else None
            self._edge(low, start)
            self._edge(high, start)
            touched = high >= self._near(start)
            if end is not None:
                touched = touched & (low < self._near(end))
            top = high if end is None else np.minimum(high, float(end))
            bottom = np.maximum(np.maximum(low, float(start)) - float(offset), 0.0)
            cost_low = np.minimum(cost_low, np.where(touched, price.low * bottom, inf))
            cost_high = np.maximum(cost_high, np.where(touched, price.high * np.maximum(top - float(offset), 0.0), -inf))
            price_low = np.minimum(price_low, np.where(touched, price.low, inf))
            price_high = np.maximum(price_high, np.where(touched, price.high, -inf))
        return Span(cost_low, cost_high), Span(price_low, price_high)


EXACT = ExactOps()
"""The exact backend (stateless, shared)."""
