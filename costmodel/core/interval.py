"""Span, a closed interval [low, high] generic over its magnitude: exact Decimals, or numpy float64 arrays.

Every quantity in costmodel is a Span: a point is a Span with low == high. All quantities and prices are
non-negative, so interval arithmetic is simple and the result always contains every combination of the
inputs (it may be wider than the tightest bound when one range feeds two terms; README "Ranges").
`Span[Decimal]` is what compare and breakdown compute with; `Span[FloatArray]` is the vector backend's,
where each end holds one value per swept point (a Python float where it is the same at every point: it
broadcasts like a 0-d array, and costs far less).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from costmodel.data.records import Range
from costmodel.plain_dataclass import dataclass

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy
    from numpy.typing import NDArray

    FloatArray = NDArray[numpy.float64]

M = TypeVar("M", Decimal, "FloatArray")
"""A Span's magnitude: Decimal (exact) or a float64 array (vectorized)."""


@dataclass(frozen=True, slots=True)
class Span(Generic[M]):
    """A closed interval [low, high] of non-negative magnitudes."""

    low: M
    high: M

    def __init__(self, low: M, high: M) -> None:
        # Written out, not the decorator's shared __init__: an exact bill makes Spans by the thousand, and the
        # shared one (any fields, keywords, defaults) takes twice as long per call.
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    @staticmethod
    def of(value: Decimal | Range | int | str | Span[Decimal]) -> Span[Decimal]:
        """An exact Span from a number, a {low, high} Range or a Span."""
        if isinstance(value, Span):
            return value
        if isinstance(value, Range):
            return Span(value.low, value.high)
        point = Decimal(value) if not isinstance(value, Decimal) else value
        return Span(point, point)

    @property
    def is_point(self) -> bool:
        return bool(self.low == self.high) if isinstance(self.low, Decimal) else False

    def _other(self, other: Span[M] | M | int) -> Span[M]:
        if isinstance(other, Span):
            return other
        # A bare number is a point; an int becomes a Decimal on the exact side so no float ever enters it.
        value: Any = Decimal(other) if isinstance(other, int) and isinstance(self.low, Decimal) else other
        return Span(value, value)

    def _both_points(self, o: Span[M]) -> bool:
        # Same object at both ends (a point): every end-wise formula gives one value, so compute it once.
        # A pure speed-up for numpy sweeps (one array operation instead of four products and a reduction).
        return self.low is self.high and o.low is o.high

    def __add__(self, other: Span[M] | M | int) -> Span[M]:
        o = self._other(other)
        if self._both_points(o):
            point = self.low + o.low
            return Span(point, point)
        return Span(self.low + o.low, self.high + o.high)

    __radd__ = __add__

    def __sub__(self, other: Span[M] | M | int) -> Span[M]:
        o = self._other(other)
        if self._both_points(o):
            point = self.low - o.low
            return Span(point, point)
        return Span(self.low - o.high, self.high - o.low)

    def __rsub__(self, other: Span[M] | M | int) -> Span[M]:
        return self._other(other) - self

    def __mul__(self, other: Span[M] | M | int) -> Span[M]:
        o = self._other(other)
        if self._both_points(o):
            point = self.low * o.low
            return Span(point, point)
        # Times a non-negative point the product is non-decreasing in the other span: its ends map to the ends
        # (the same figures the four-way min and max give, in two operations instead of ten on sweep arrays).
        if o.low is o.high and _non_negative(o.low):
            return Span(self.low * o.low, self.high * o.low)
        if self.low is self.high and _non_negative(self.low):
            return Span(self.low * o.low, self.low * o.high)
        products = (self.low * o.low, self.low * o.high, self.high * o.low, self.high * o.high)
        return Span(_least(products), _most(products))

    __rmul__ = __mul__

    def __truediv__(self, other: Span[M] | M | int) -> Span[M]:
        o = self._other(other)
        if isinstance(o.low, Decimal) and o.low <= 0:
            raise ZeroDivisionError("division by a span that reaches zero")
        if self._both_points(o):
            point = self.low / o.low
            return Span(point, point)
        if o.low is o.high and _positive(o.low):  # over a positive point the quotient keeps the ends' order
            return Span(self.low / o.low, self.high / o.low)
        quotients = (self.low / o.low, self.low / o.high, self.high / o.low, self.high / o.high)
        return Span(_least(quotients), _most(quotients))

    def __rtruediv__(self, other: Span[M] | M | int) -> Span[M]:
        return self._other(other) / self

    def map(self, fn: Callable[[M], M]) -> Span[M]:
        """Apply a non-decreasing function to both ends."""
        if self.low is self.high:
            point = fn(self.low)
            return Span(point, point)
        return Span(fn(self.low), fn(self.high))

    def contains(self, other: Span[M]) -> bool:
        return bool(self.low <= other.low) and bool(other.high <= self.high)

    def __str__(self) -> str:
        return str(self.low) if self.is_point else f"{self.low}–{self.high}"


def float_ends(value: Span[Decimal] | Range | Decimal | int | None) -> tuple[float | None, float | None]:
    """(low, high) as floats for DataFrames and charts; (None, None) for a missing value."""
    if value is None:
        return None, None
    if isinstance(value, Span | Range):
        return float(value.low), float(value.high)
    return float(value), float(value)


def _non_negative(value: Any) -> bool:
    if isinstance(value, Decimal | float | int):
        return bool(value >= 0)
    import numpy

    return bool(numpy.all(numpy.asarray(value) >= 0))


def _positive(value: Any) -> bool:
    if isinstance(value, Decimal | float | int):
        return bool(value > 0)
    import numpy

    return bool(numpy.all(numpy.asarray(value) > 0))


def _least(values: tuple[M, M, M, M]) -> M:
    if isinstance(values[0], Decimal):
        return min(values)
    import numpy

    return numpy.minimum(numpy.minimum(values[0], values[1]), numpy.minimum(values[2], values[3]))


def _most(values: tuple[M, M, M, M]) -> M:
    if isinstance(values[0], Decimal):
        return max(values)
    import numpy

    return numpy.maximum(numpy.maximum(values[0], values[1]), numpy.maximum(values[2], values[3]))
