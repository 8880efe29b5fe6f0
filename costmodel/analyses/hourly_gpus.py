"""Self-hosted GPUs on real traffic: the records' load per clock hour and the GPU bill it implies.

For every clock hour from the first call to the last, the kernel's own `gpu_sizing` is run on that hour (the
calls that started in it, their work, the peak of calls in progress in any minute of it, their mean length), with
GPUs rented for one hour: each hour gets the GPUs its own load needs, never fewer than min_gpus.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costmodel.analyses.sweep import Prepared
from costmodel.core.backends import VectorOps
from costmodel.core.bill import bill_component
from costmodel.core.interval import Span
from costmodel.core.usage import is_monthly, profile
from costmodel.data.records import PricePeriod, Scenario
from costmodel.errors import InputError, NoPriceError

if TYPE_CHECKING:
    import numpy

    from costmodel.core.interval import FloatArray

LowHigh = tuple["numpy.ndarray", "numpy.ndarray"]

MAX_SPAN_DAYS = 3660
"""Longest stretch of clock, first call's start to last call's end, sized minute by minute (about ten years:
5.3 million minutes, 42 MB per array). A file whose times span centuries (a year-1 or year-9999 typo) is refused,
not allocated."""
"""The low and high ends of per-call figures (equal unless a price or an assumption is a range)."""


def price_lookup(period: PricePeriod, ops: VectorOps) -> Callable[[str], Span[FloatArray] | None]:
    def price_of(name: str) -> Span[FloatArray] | None:
        value = period.price(name)
        return None if value is None else ops.const(value)

    return price_of


@dataclass
class Load:
    """The records' load on the clock: per hour, calls started and their work; per minute, calls in progress."""

    origin_minute: int | None = None
    in_progress: Any = None
    """Per minute from origin: +1 where a call starts, -1 after the minute it ends (a running sum gives calls in progress)."""
    calls: Any = None
    caller_seconds: Any = None
    text_tokens: Any = None
    caller_seconds_high: Any = None
    text_tokens_high: Any = None
    agent_seconds: Any = None
    agent_seconds_high: Any = None
    duration: Any = None

    HOURLY = ("calls", "caller_seconds", "text_tokens", "caller_seconds_high", "text_tokens_high", "agent_seconds",
              "agent_seconds_high", "duration")

    def _grow(self, low: int, high: int) -> None:
        import numpy

        if self.origin_minute is None:
            self.origin_minute = low - low % 60
            size = high - self.origin_minute + 62
            self.in_progress = numpy.zeros(size)
            hours = size // 60 + 2
            for name in self.HOURLY:
                setattr(self, name, numpy.zeros(hours))
            return
        front = max(0, self.origin_minute - low)
        front += (-front) % 60
        back = max(0, high + 62 - (self.origin_minute + len(self.in_progress)))
        if front or back:
            self.in_progress = numpy.concatenate([numpy.zeros(front), self.in_progress, numpy.zeros(back)])
            self.origin_minute -= front
            hours = len(self.in_progress) // 60 + 2
            pad_front, pad_back = front // 60, hours - len(self.calls) - front // 60
            for name in self.HOURLY:
                value = getattr(self, name)
                setattr(self, name, numpy.concatenate([numpy.zeros(pad_front), value, numpy.zeros(max(0, pad_back))]))

    def add(self, start: numpy.ndarray, duration: numpy.ndarray, caller_seconds: LowHigh, text_tokens: LowHigh,
            agent_seconds: LowHigh) -> None:
        import numpy

        if not len(start):
            return
        # Checked in floats, before any conversion to integer minutes could overflow or any array is sized.
        low, high = float(numpy.min(start)), float(numpy.max(start + duration))
        if self.origin_minute is not None:
            low = min(low, self.origin_minute * 60.0)
            high = max(high, (self.origin_minute + len(self.in_progress)) * 60.0)
        if high - low > MAX_SPAN_DAYS * 86400.0:
            raise InputError(
                f"the calls span {(high - low) / 86400:,.0f} days from the first start to the last end; self-hosted "
                f"GPUs are sized minute by minute over at most {MAX_SPAN_DAYS:,} days: check the start times and "
                "durations, or split the file by period")
        first = numpy.floor(start / 60).astype(numpy.int64)
        last = numpy.floor((start + duration) / 60).astype(numpy.int64)
        self._grow(int(first.min()), int(last.max()))
        assert self.origin_minute is not None
        size = len(self.in_progress)
        self.in_progress += numpy.bincount(first - self.origin_minute, minlength=size)[:size]
        self.in_progress -= numpy.bincount(last + 1 - self.origin_minute, minlength=size)[:size]
        hour = (first - self.origin_minute) // 60
        hours = len(self.calls)
        self.calls += numpy.bincount(hour, minlength=hours)[:hours]
        for name, values in (("caller_seconds", caller_seconds[0]), ("caller_seconds_high", caller_seconds[1]),
                             ("text_tokens", text_tokens[0]), ("text_tokens_high", text_tokens[1]),
                             ("agent_seconds", agent_seconds[0]), ("agent_seconds_high", agent_seconds[1]),
                             ("duration", duration)):
            getattr(self, name)[:] += numpy.bincount(hour, weights=values, minlength=hours)[:hours]

    def merge(self, other: Load) -> None:
        if other.origin_minute is None:
            return
        import numpy

        if self.origin_minute is None:
            self.origin_minute = other.origin_minute
            self.in_progress = other.in_progress.copy()
            for name in self.HOURLY:
                setattr(self, name, getattr(other, name).copy())
            return
        self._grow(other.origin_minute, other.origin_minute + len(other.in_progress) - 62)
        offset = other.origin_minute - self.origin_minute
        self.in_progress[offset:offset + len(other.in_progress)] += other.in_progress
        hour = offset // 60
        for name in self.HOURLY:
            mine, theirs = getattr(self, name), getattr(other, name)
            end = min(len(mine), hour + len(theirs))
            mine[hour:end] += theirs[: end - hour]
            if numpy.any(theirs[end - hour:]):  # never: _grow made room
                raise AssertionError("load arrays out of step")

    def hourly(self) -> dict[str, numpy.ndarray]:
        """Per clock hour from the first call's hour to the last call's end: start (epoch seconds), calls, work, peak."""
        import numpy

        if self.origin_minute is None:
            return {k: numpy.zeros(0) for k in ("start", "peak", *self.HOURLY)}
        running = numpy.cumsum(self.in_progress)
        active = numpy.flatnonzero(running > 0)
        last_minute = int(active.max()) if len(active) else 0
        hours = last_minute // 60 + 1
        padded = numpy.zeros(hours * 60)
        padded[: min(len(running), hours * 60)] = running[: hours * 60]
        peak = padded.reshape(hours, 60).max(axis=1)
        first_hour = int(numpy.flatnonzero(self.calls)[0]) if numpy.any(self.calls) else 0
        sl = slice(first_hour, hours)
        start = (self.origin_minute + 60 * numpy.arange(hours)) * 60.0
        out = {"start": start[sl], "peak": peak[sl]}
        for name in self.HOURLY:
            out[name] = getattr(self, name)[:hours][sl]
        return out


@dataclass
class GpuBill:
    """One stack's self-hosted bill over the records' period, hour by hour."""

    cost: tuple[float, float]
    floor_cost: tuple[float, float]
    gpu_hours: tuple[float, float]
    hours: int
    peak_gpus: float


def gpu_bill(prepared: Prepared, base: Scenario, load: Load, ops: VectorOps) -> dict[str, GpuBill]:
    """Each self-hosted stack's GPU bill from the hourly load, through the kernel's own sizing and pricing."""
    import numpy

    hourly = load.hourly()
    calls = hourly["calls"]
    if not len(calls):
        return {}
    def mean(name: str) -> FloatArray:
        with numpy.errstate(divide="ignore", invalid="ignore"):
            result: Any = numpy.where(calls > 0, hourly[name] / calls, 0.0)
        return result  # type: ignore[no-any-return]

    # One hour is one "month" of the kernel: the calls of the hour, an hour open, its measured peak of calls in
    # progress, GPUs rented for one hour. An hour without calls has a mean length of 1 s, so its peak rate is 0.
    length = numpy.where(calls > 0, mean("duration"), 0.0)
    length = numpy.where(length > 0, length, 1.0)
    p = profile(base, ops, {
        "calls_per_month": Span(calls, calls), "turns": Span(1.0, 1.0),
        "caller_audio_seconds": Span(mean("caller_seconds"), mean("caller_seconds_high")),
        "caller_audio_seconds_per_turn": None,
        "agent_audio_seconds": Span(mean("agent_seconds"), mean("agent_seconds_high")),
        "agent_audio_seconds_per_turn": None,
        "agent_text_tokens": Span(mean("text_tokens"), mean("text_tokens_high")), "agent_text_tokens_per_turn": None,
        "call_duration_seconds": Span(length, length),
        "peak_concurrent_calls": Span(hourly["peak"], hourly["peak"]),
        "operating_hours_per_month": Decimal(1), "traffic_profile": None,
    })

    def total(value: Any) -> float:
        return math.fsum(numpy.broadcast_to(numpy.asarray(value, dtype=float), calls.shape).tolist())

    rate = ops.const(prepared.rate)
    bills: dict[str, GpuBill] = {}
    for stack_id, (_, parts) in prepared.stacks.items():
        cost, floor, gpu_hours = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
        peak = 0.0
        found = False
        for component, sku, period in parts:
            if not is_monthly(component):
                continue
            found = True
            # Each clock hour gets the GPUs its own load needs (real traffic replaces the scaling policy's guess).
            hour = dataclasses.replace(component, gpu_hours_per_month=Decimal(1), scaling="always-on")
            try:
                lines = bill_component(hour, sku, period, p, ops, price_lookup(period, ops), rate)
            except NoPriceError as exc:
                raise exc.for_stack(stack_id) from None
            for line in lines:
                for end in (0, 1):
                    cost[end] += total((line.cost.low, line.cost.high)[end])
                    gpu_hours[end] += total((line.quantity.low, line.quantity.high)[end])
                    if line.floor_cost is not None:
                        floor[end] += total((line.floor_cost.low, line.floor_cost.high)[end])
                peak = max(peak, float(numpy.max(numpy.asarray(line.quantity.high, dtype=float))))
        if found:
            bills[stack_id] = GpuBill((cost[0], cost[1]), (floor[0], floor[1]), (gpu_hours[0], gpu_hours[1]),
                                      len(calls), peak)
    return bills
