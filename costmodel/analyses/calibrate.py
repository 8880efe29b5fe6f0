"""Calibrate: a scenario fitted from real call records, for compare, breakeven and report to use.

- calls_per_month: the calls in the records' span scaled to costmodel's month of 730 hours (calls × 730 h ÷
  span, the span running from the first call's start to the last call's end); the calendar months' counts are
  listed in the description.
- turns, caller/agent audio seconds, agent text tokens, reply characters and call duration (where the records give
  them): a range from the `low` to the `high` percentile (default 10th-90th) of the per-call values, a single
  number where the two agree.
- peak_concurrent_calls: the most calls in progress in any minute (a call counts in every minute it touches);
  peak_to_average_ratio: that peak over the average number of calls in progress across the span.
- traffic by hour of day (UTC): each hour's share of calls, in the description (the scenario format has no field
  for it).

Percentiles come from the same histograms as `replay` (bins at most 0.0061 % wide), so memory does not grow with the records.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from costmodel.analyses.hourly_gpus import Load
from costmodel.analyses.streaming_totals import LogHistogram
from costmodel.data.call_records import CallReader

HOURS_PER_MONTH = 730
FIELDS = ("turns", "caller_audio_seconds", "agent_audio_seconds", "agent_text_tokens", "agent_reply_characters",
          "call_duration_seconds")
"""Per-call fields fitted as percentile ranges, when every record gives them."""


@dataclass
class Calibration:
    """A scenario fitted from call records, with what it was fitted from."""

    source: str
    calls: int
    span_hours: float
    months: dict[str, int]
    calls_per_month: float
    ranges: dict[str, tuple[float, float]]
    peak_concurrent_calls: int
    average_concurrent_calls: float
    hourly_share: list[float]
    percentiles: tuple[float, float]
    bad_rows: int = 0
    title: str = field(default="")

    def scenario(self) -> dict[str, Any]:
        """The scenario file's fields (plain numbers and {low, high} ranges), in the format's order."""
        data: dict[str, Any] = {"schema_version": 1, "title": self.title or f"Calibrated from {Path(self.source).name}"}
        busiest = max(range(24), key=lambda h: self.hourly_share[h])
        by_hour = ", ".join(f"{h:02d}h {share * 100:.1f}%" for h, share in enumerate(self.hourly_share))
        months = ", ".join(f"{m}: {n:,}" for m, n in self.months.items())
        low, high = self.percentiles
        data["description"] = (
            f"Fitted by costmodel calibrate from {self.calls:,} call records over {self.span_hours:,.1f} hours "
            f"({months}). Ranges are the {low:g}th-{high:g}th percentiles of the calls. Peak concurrency is the most "
            f"calls in progress in any minute. Calls by hour of day (UTC): {by_hour}; busiest {busiest:02d}h."
        )
        # Whole calls, except under one a month (a few calls over years), which would round to an invalid 0.
        data["calls_per_month"] = _number(self.calls_per_month, whole=self.calls_per_month >= 1)
        for name in FIELDS:
            if name in self.ranges:
                a, b = self.ranges[name]
                whole = name == "turns"
                data[name] = _number(a, whole) if _number(a, whole) == _number(b, whole) else \
                    {"low": _number(a, whole), "high": _number(b, whole)}
        data["peak_concurrent_calls"] = self.peak_concurrent_calls
        data["operating_hours_per_month"] = HOURS_PER_MONTH
        ratio = self.peak_concurrent_calls / self.average_concurrent_calls if self.average_concurrent_calls else 1.0
        data["peak_to_average_ratio"] = _number(max(ratio, 1e-6), whole=False)
        return data

    def yaml_text(self) -> str:
        import yaml

        from costmodel.data.models import Scenario

        data = self.scenario()
        Scenario.model_validate(data)  # what calibrate writes must load back
        head = "# yaml-language-server: $schema=../schemas/scenario.schema.json\n"
        return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def _number(value: float, whole: bool) -> float | int:
    if whole:
        return round(value)
    if value == 0:
        return 0
    # Six significant digits: the percentiles are good to 0.01 %, more digits would be noise.
    digits = 6 - math.floor(math.log10(abs(value))) - 1
    rounded = round(value, digits)
    return int(rounded) if rounded == int(rounded) else rounded


def calibrate(calls: str | Path, *, low: float = 10, high: float = 90, on_bad_row: Literal["fail", "skip"] = "fail",
              chunk_rows: int = 131_072, title: str | None = None) -> Calibration:
    """Fit a scenario to the calls in a call-record file (CSV, JSON Lines, Parquet)."""
    import numpy

    from costmodel.errors import InputError

    if not 0 <= low <= high <= 100:
        raise InputError(f"percentiles {low:g},{high:g} must satisfy 0 ≤ LOW ≤ HIGH ≤ 100", field="--percentiles")
    histograms = {name: LogHistogram(low=-9, high=9) for name in FIELDS}
    missing = dict.fromkeys(FIELDS, 0)
    load = Load()
    by_hour = numpy.zeros(24)
    months: dict[str, int] = {}
    count = 0
    first, last_end, busy_seconds = math.inf, -math.inf, 0.0
    reader = CallReader(calls, on_bad_row=on_bad_row, chunk_rows=chunk_rows)
    for batch in reader:
        duration = batch.duration
        for name in FIELDS:
            values = getattr(batch, name)
            given = ~numpy.isnan(values)
            missing[name] += int((~given).sum())
            histograms[name].add(values[given])
        zeros = numpy.zeros(len(batch))
        load.add(batch.start, duration, (zeros, zeros), (zeros, zeros), (zeros, zeros))
        by_hour += numpy.bincount((numpy.floor(batch.start / 3600) % 24).astype(numpy.int64), minlength=24)
        stamps = batch.start.astype("datetime64[s]").astype("datetime64[M]")
        names, counts = numpy.unique(stamps, return_counts=True)
        for m, c in zip(names.tolist(), counts.tolist(), strict=True):
            months[str(m)[:7]] = months.get(str(m)[:7], 0) + int(c)
        count += len(batch)
        first = min(first, float(batch.start.min()))
        last_end = max(last_end, float((batch.start + duration).max()))
        busy_seconds += float(duration.sum())
    if count == 0:
        raise InputError("no valid call records to calibrate from", path=reader.path)
    span = max(last_end - first, 1.0)
    ranges = {name: (h.percentile(low), h.percentile(high)) for name, h in histograms.items() if missing[name] == 0}
    hourly = load.hourly()
    peak = int(hourly["peak"].max()) if len(hourly["peak"]) else 0
    return Calibration(
        source=str(calls), calls=count, span_hours=span / 3600, months=dict(sorted(months.items())),
        calls_per_month=count * HOURS_PER_MONTH * 3600 / span, ranges=ranges, peak_concurrent_calls=peak,
        average_concurrent_calls=busy_seconds / span, hourly_share=(by_hour / count).tolist(),
        percentiles=(low, high), bad_rows=reader.bad.count, title=title or "",
    )
