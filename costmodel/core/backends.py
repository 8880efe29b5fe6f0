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

    def band(self, value: Span[M], start: Decimal, end: Decimal | None) -> Span[M]:
        """The part of `value` lying between start and end (None: no end), end by end: volume tiers, allowances."""
        ...

    def in_band(self, value: Span[M], start: Decimal, end: Decimal | None) -> Span[M]:
        """1 where start ≤ value < end (None: no end), else 0, end by end: which all-units tier a month reaches."""
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

    def band(self, value: Span[Decimal], start: Decimal, end: Decimal | None) -> Span[Decimal]:
        def one(v: Decimal) -> Decimal:
            inside = max(v - start, Decimal(0))
            return inside if end is None else min(inside, end - start)

        return value.map(one)

    def in_band(self, value: Span[Decimal], start: Decimal, end: Decimal | None) -> Span[Decimal]:
        return value.map(lambda v: Decimal(1) if start <= v and (end is None or v < end) else Decimal(0))


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

        def one(s: FloatArray) -> FloatArray:
            s = np.asarray(s, dtype=float)
            billed = np.maximum(float(minimum), self._ceil(s / float(increment)) * float(increment))
            result: Any = np.where(s > 0, billed, 0.0)
            return cast("FloatArray", result)

        return seconds.map(one)

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

    def in_band(self, value: Span[FloatArray], start: Decimal, end: Decimal | None) -> Span[FloatArray]:
        np = self.np

        def one(v: FloatArray) -> FloatArray:
            v = np.asarray(v, dtype=float)
            self._edge(v, start)
            self._edge(v, end)
            inside = v >= self._near(start)
            if end is not None:
                inside = inside & (v < self._near(end))
            return cast("FloatArray", inside.astype(float))

        return value.map(one)


EXACT = ExactOps()
"""The exact backend (stateless, shared)."""
