"""Replay's streaming accumulators: a log histogram for percentiles and per-stack totals, costliest calls and
customers, in memory that does not grow with the number of calls."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy

TOP_CALLS = 10
"""Costliest calls kept per stack."""
HIST_LOW, HIST_HIGH, HIST_STEP = -9.0, 5.0, 1e-4
"""Per-call cost histogram: log10 of USD from 1e-9 to 1e5, bins 0.01 % wide (relative)."""


@dataclass
class LogHistogram:
    """Counts of non-negative values in bins 0.01 % wide (relative) from 10^low to 10^high, zeros apart.

    Percentiles from it are within 0.01 % of the exact order statistic, in memory that does not grow with the
    number of values; two histograms merge by adding counts.
    """

    low: float = HIST_LOW
    high: float = HIST_HIGH
    counts: Any = None
    zeros: int = 0
    total: int = 0

    @property
    def bins(self) -> int:
        return round((self.high - self.low) * math.log(10) / HIST_STEP) + 2

    zeros_added: int = 0
    """Zeros in the last `add` (for `add_counts` on a twin)."""

    def add(self, values: numpy.ndarray) -> numpy.ndarray:
        """Count the values; returns the bin counts added (zeros apart)."""
        import numpy

        positive = values > 0
        zeros = len(values) - int(numpy.count_nonzero(positive))
        x = numpy.log(values[positive] if zeros else values)
        x -= self.low * math.log(10)
        x *= 1 / HIST_STEP
        index = numpy.clip(x.astype(numpy.int64) + 1, 0, self.bins - 1)  # x ≥ 0 above 10^low: truncation is floor
        counts = numpy.bincount(index, minlength=self.bins)
        self.add_counts(counts, zeros, len(values))
        return counts

    def add_counts(self, counts: numpy.ndarray, zeros: int, values: int | None = None) -> None:
        self.zeros += zeros
        self.zeros_added = zeros
        self.total += (int(counts.sum()) + zeros) if values is None else values
        if self.counts is None:
            self.counts = counts.copy()
        else:
            self.counts += counts

    def merge(self, other: LogHistogram) -> None:
        if other.counts is not None:
            self.counts = other.counts if self.counts is None else self.counts + other.counts
        self.zeros += other.zeros
        self.total += other.total

    def percentile(self, q: float) -> float:
        """The q-th percentile (0-100, nearest rank): the upper edge of the bin holding that rank."""
        import numpy

        if self.total == 0:
            return 0.0
        rank = max(1, math.ceil(q / 100 * self.total))
        if rank <= self.zeros:
            return 0.0
        b = int(numpy.searchsorted(numpy.cumsum(self.counts), rank - self.zeros))
        return float(math.exp(self.low * math.log(10) + b * HIST_STEP))


@dataclass
class StackTotals:
    """What one stack's calls add up to, mergeable across chunks and Dask partitions."""

    parts: list[float] = field(default_factory=list)
    """Chunk sums of per-call costs (summed with fsum at the end)."""
    histogram: LogHistogram = field(default_factory=LogHistogram)
    top: list[tuple[float, str]] = field(default_factory=list)
    customers: dict[str, list[float]] = field(default_factory=dict)
    """Customer → [cost, calls]."""

    def add(self, cost: numpy.ndarray, ids: Any, customers: tuple[list[str], numpy.ndarray] | None,
            twin: StackTotals | None = None) -> None:
        """Add a chunk's per-call costs; `twin` (the high end, when it equals the low end) gets the same for free."""
        import numpy

        total = float(numpy.sum(cost))
        counts = self.histogram.add(cost)
        k = min(TOP_CALLS, len(cost))
        top: list[tuple[float, str]] = []
        if k:
            best = numpy.argpartition(cost, len(cost) - k)[len(cost) - k:]
            names = ids.take(best).to_pylist()
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
                target.histogram.add_counts(counts, self.histogram.zeros_added, len(cost))
            target.top = sorted([*target.top, *top], reverse=True)[:TOP_CALLS]
            for name, s, c in found:
                entry = target.customers.setdefault(name, [0.0, 0.0])
                entry[0] += s
                entry[1] += c

    def merge(self, other: StackTotals) -> None:
        self.parts.extend(other.parts)
        self.histogram.merge(other.histogram)
        self.top = sorted([*self.top, *other.top], reverse=True)[:TOP_CALLS]
        for name, (s, c) in other.customers.items():
            entry = self.customers.setdefault(name, [0.0, 0.0])
            entry[0] += s
            entry[1] += c
