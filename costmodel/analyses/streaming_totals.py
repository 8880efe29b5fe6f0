"""Replay's streaming accumulators: a histogram for percentiles and per-stack totals, costliest calls and
customers, in memory that does not grow with the number of calls."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy

TOP_CALLS = 10
"""Costliest calls kept per stack."""
HIST_LOW, HIST_HIGH = -9.0, 5.0
"""Default range of the per-call cost histogram: log10 of USD, 1e-9 to 1e5 (values beyond count at the edges)."""
MANTISSA_BITS = 14
"""Bins keep the top 14 bits of a float64's mantissa: each bin is 2⁻¹⁴ (0.0061 %) of its lower edge wide."""
_SHIFT = 52 - MANTISSA_BITS


def _key(value: float) -> int:
    """The bin of a positive float: its IEEE 754 bits (monotone in the value for positive floats), shifted."""
    import struct

    return int(struct.unpack("<q", struct.pack("<d", value))[0]) >> _SHIFT


def _edge(key: int) -> float:
    """The lower edge of a bin (the smallest float in it)."""
    import struct

    return float(struct.unpack("<d", struct.pack("<q", key << _SHIFT))[0])


@dataclass
class LogHistogram:
    """Counts of non-negative values in bins 2⁻¹⁴ (≤ 0.0061 %) of their lower edge wide, zeros apart.

    A value's bin is its float64 bit pattern shifted right by 38 (sign and exponent, then the top 14 mantissa
    bits): for positive floats that order is the values' order, so binning is an integer shift instead of a
    logarithm. Only the bins between the least and greatest value seen are held (values are clamped to
    10^low..10^high, at most 2¹⁴ bins per power of two: under 9 MB for the default range, usually far less),
    so memory does not grow with the number of values; two histograms merge by adding counts. A percentile is
    the upper edge of the bin holding its rank: never below the exact order statistic, and at most 2⁻¹⁴ of it
    above.
    """

    low: float = HIST_LOW
    high: float = HIST_HIGH
    counts: Any = None
    """Counts of bins `offset`, `offset + 1`, ... (None before any positive value)."""
    offset: int = 0
    zeros: int = 0
    total: int = 0
    zeros_added: int = 0
    """Zeros in the last `add` (for `add_counts` on a twin)."""

    def add(self, values: numpy.ndarray) -> tuple[int, numpy.ndarray] | None:
        """Count the values; returns (first bin, counts) added (zeros apart), None when all were zero."""
        import numpy

        values = numpy.ascontiguousarray(values, dtype=numpy.float64)
        keys = values.view(numpy.int64) >> _SHIFT
        zeros = 0
        first = int(keys.min()) if len(keys) else 0
        if first <= 0:  # zeros (key 0) or negatives: counted apart, the rest binned (the usual chunk skips this pass)
            positive = values > 0
            zeros = len(values) - int(numpy.count_nonzero(positive))
            keys = keys[positive]
            first = int(keys.min()) if len(keys) else 0
        added = None
        if len(keys):
            floor, ceiling = _key(10.0 ** self.low), _key(10.0 ** self.high)
            last = int(keys.max())
            if first < floor or last > ceiling:
                numpy.clip(keys, floor, ceiling, out=keys)
                first, last = max(first, floor), min(last, ceiling)
            keys -= first
            added = (first, numpy.bincount(keys, minlength=last - first + 1))
        self.add_counts(added, zeros, len(values))
        return added

    def add_counts(self, added: tuple[int, numpy.ndarray] | None, zeros: int, values: int) -> None:
        """Add bin counts from `add` (of this histogram or its twin) and the zeros beside them."""
        import numpy

        self.zeros += zeros
        self.zeros_added = zeros
        self.total += values
        if added is None:
            return
        first, counts = added
        if self.counts is None:
            self.offset, self.counts = first, counts.astype(numpy.int64, copy=True)
            return
        start, end = min(self.offset, first), max(self.offset + len(self.counts), first + len(counts))
        if start < self.offset or end > self.offset + len(self.counts):
            grown = numpy.zeros(end - start, dtype=numpy.int64)
            grown[self.offset - start:self.offset - start + len(self.counts)] = self.counts
            self.offset, self.counts = start, grown
        self.counts[first - self.offset:first - self.offset + len(counts)] += counts

    def merge(self, other: LogHistogram) -> None:
        self.add_counts(None if other.counts is None else (other.offset, other.counts), other.zeros,
                        other.total)

    def percentile(self, q: float) -> float:
        """The q-th percentile (0-100, nearest rank): the upper edge of the bin holding that rank."""
        import numpy

        if self.total == 0:
            return 0.0
        rank = max(1, math.ceil(q / 100 * self.total))
        if rank <= self.zeros or self.counts is None:
            return 0.0
        b = int(numpy.searchsorted(numpy.cumsum(self.counts), rank - self.zeros))
        return _edge(self.offset + b + 1)


@dataclass
class StackTotals:
    """What one stack's calls add up to, mergeable across chunks and Dask partitions."""

    parts: list[float] = field(default_factory=list)
    """Chunk sums of per-call costs (summed with fsum at the end)."""
    histogram: LogHistogram = field(default_factory=LogHistogram)
    top: list[tuple[float, str]] = field(default_factory=list)
    """The costliest calls so far, costliest first (ties: the first seen kept)."""
    customers: dict[str, list[float]] = field(default_factory=dict)
    """Customer → [cost, calls]."""

    def _candidates(self, cost: numpy.ndarray) -> numpy.ndarray:
        """Rows of the chunk that may enter the costliest calls: above the 10th kept so far (one comparison a call
        once ten are kept), then the 10 costliest of those."""
        import numpy

        if len(self.top) >= TOP_CALLS:
            rows = numpy.flatnonzero(cost > self.top[-1][0])
            if len(rows) <= TOP_CALLS:
                return rows
            return rows[numpy.argpartition(cost[rows], len(rows) - TOP_CALLS)[len(rows) - TOP_CALLS:]]
        k = min(TOP_CALLS, len(cost))
        return numpy.argpartition(cost, len(cost) - k)[len(cost) - k:] if k else numpy.zeros(0, dtype=numpy.int64)

    def add(self, cost: numpy.ndarray, ids: Any, customers: tuple[list[str], numpy.ndarray] | None,
            twin: StackTotals | None = None) -> None:
        """Add a chunk's per-call costs; `twin` (the high end, when it equals the low end) gets the same for free."""
        import numpy

        total = float(numpy.sum(cost))
        added = self.histogram.add(cost)
        best = self._candidates(cost)
        top: list[tuple[float, str]] = []
        if len(best):
            names = [ids[i].as_py() for i in best.tolist()]  # at most ten (Arrow's take of numpy indices imports pandas)
            top = [(float(cost[i]), str(name)) for i, name in zip(best.tolist(), names, strict=True)]
        found: list[tuple[str, float, float]] = []
        if customers is not None:
            names, codes = customers
            sums = numpy.bincount(codes, weights=cost, minlength=len(names))
            calls = numpy.bincount(codes, minlength=len(names))
            found = [(name, s, c) for name, s, c in zip(names, sums.tolist(), calls.tolist(), strict=True) if c]
        for target in (self, twin) if twin is not None else (self,):
            target.parts.append(total)
            if target is not self:
                target.histogram.add_counts(added, self.histogram.zeros_added, len(cost))
            target._keep(top)
            for name, s, c in found:
                entry = target.customers.setdefault(name, [0.0, 0.0])
                entry[0] += s
                entry[1] += c

    def _keep(self, top: list[tuple[float, str]]) -> None:
        # Costliest first; among equal costs the one kept first stays ahead (a stable sort on the cost alone).
        self.top = sorted([*self.top, *top], key=lambda item: -item[0])[:TOP_CALLS]

    def merge(self, other: StackTotals) -> None:
        self.parts.extend(other.parts)
        self.histogram.merge(other.histogram)
        self._keep(other.top)
        for name, (s, c) in other.customers.items():
            entry = self.customers.setdefault(name, [0.0, 0.0])
            entry[0] += s
            entry[1] += c
