"""Replay: what real calls would have cost on each stack, priced one by one through the engine's own bill kernel.

Each chunk of call records becomes a `Profile` whose fields are numpy arrays (one value per call) and goes
through `bill_component` on the vector backend, exactly as a sweep does: every mechanic of the kernel (billing
increments, minimums, per-turn billing, turn-by-turn re-reading of history) applies to each call as it was.

Self-hosted GPUs are not billed per call: they are sized hour by hour from the load the records put on them
(analyses/hourly_gpus.py), and the period's GPU bill is shared equally by its calls. Charges by the month on
other components (fees, concurrency slots, included minutes, volume tiers) are priced on each calendar month's
real totals by the kernel's `monthly_bill` and shared equally too (`monthly_bills`). Totals, percentiles and the
costliest calls are kept in bounded memory (analyses/streaming_totals.py).

Money at scale: every per-call figure is float64, the formula the exact engine evaluates in Decimal, a few
dozen operations per call. Each operation rounds by at most 2⁻⁵³ relative, so a per-call cost c carries an
error under ~1e-14·c, far below 1e-9 USD for any call under $10,000 (tests check 1e-9 against `estimate()` on
every bundled stack). Totals are summed per chunk with numpy's pairwise summation and across chunks with
`math.fsum`, so a 10-million-call total keeps that relative accuracy. Percentiles come from a histogram of
per-call costs with bins at most 2⁻¹⁴ (0.0061 %) of their lower edge wide, so a percentile is within 0.0061 %
above the exact order statistic; memory stays independent of the number of calls.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from costmodel.analyses.hourly_gpus import GpuBill, Load, LowHigh, gpu_bill, price_lookup
from costmodel.analyses.streaming_totals import StackTotals
from costmodel.analyses.sweep import Prepared, prepare
from costmodel.core.backends import VectorOps
from costmodel.core.bill import bill_component, monthly_bill
from costmodel.core.interval import Span
from costmodel.core.overrides import PriceChange
from costmodel.core.usage import Profile, is_monthly, profile
from costmodel.data.call_records import BadRows, CallBatch, CallReader
from costmodel.data.catalog import Catalog
from costmodel.data.input_files import check_regular
from costmodel.data.meters import MONTHLY_PRICE_FIELDS, REGIONAL_UPLIFT
from costmodel.data.records import PricePeriod, Scenario, Sku, StackComponent, to_record
from costmodel.errors import InputError, NoPriceError
from costmodel.safe_text import csv_cell

if TYPE_CHECKING:
    import numpy
    import pandas

    from costmodel.core.interval import FloatArray



def assumptions(catalog: Catalog, scenario: str | Scenario | None) -> Scenario:
    """The scenario whose figures fill what records do not carry (speaking rate, tokens per word, cache hits, system
    prompt); the format's defaults without one."""
    if scenario is None:
        from costmodel.data.models import Scenario as ScenarioModel

        model = ScenarioModel.model_validate({"schema_version": 1, "title": "replay defaults", "calls_per_month": 1,
                                             "caller_audio_seconds": 0})
        return to_record(model)  # type: ignore[no-any-return]
    return catalog.scenario(scenario) if isinstance(scenario, str) else to_record(scenario)


# ---------------------------------------------------------------------------------------------- per-call pricing


def call_profiles(base: Scenario, batch: CallBatch, ops: VectorOps) -> Iterator[tuple[numpy.ndarray, Profile[FloatArray]]]:
    """(row indexes, Profile of those calls) for each group of rows that give the same optional columns.

    A row that leaves a column out gets the scenario formula's default for it (agent text from the spoken reply,
    duration = caller + agent audio), so rows are grouped by which columns they give and each group is one call
    of the kernel's `profile` with array overrides.
    """
    import numpy

    optional = ("agent_text_tokens", "agent_reply_characters", "system_prompt_tokens", "call_duration_seconds",
                "caller_history_seconds", "agent_history_seconds")
    # Absent columns share one array in a batch: each distinct array is looked at once.
    seen: dict[int, numpy.ndarray] = {}
    missing = [seen.setdefault(id(column), numpy.isnan(column)) if id(column) not in seen else seen[id(column)]
               for column in (getattr(batch, name) for name in optional)]
    # The usual case: every row gives (or leaves out) the same columns, one group without sorting anything.
    single = all(m.all() or not m.any() for m in missing)
    if single:
        groups = [(sum(1 << i for i, m in enumerate(missing) if not m.any()), numpy.arange(len(batch)))]
    else:
        codes = (~numpy.stack(missing, axis=1)).astype(numpy.int64) @ (1 << numpy.arange(len(optional)))
        groups = [(code, numpy.flatnonzero(codes == code)) for code in numpy.unique(codes).tolist()]
    for code, rows in groups:

        def column(name: str, rows: numpy.ndarray = rows) -> Span[FloatArray]:
            values = getattr(batch, name)  # one group: the batch's own columns, no copy
            values = values if single else numpy.ascontiguousarray(values[rows])
            return Span(values, values)

        has = {name: bool(code >> i & 1) for i, name in enumerate(optional)}
        overrides: dict[str, Any] = {
            "calls_per_month": Span(1.0, 1.0), "turns": column("turns"),
            "caller_audio_seconds": column("caller_audio_seconds"), "caller_audio_seconds_per_turn": None,
            "agent_audio_seconds": column("agent_audio_seconds"), "agent_audio_seconds_per_turn": None,
            "agent_text_tokens": column("agent_text_tokens") if has["agent_text_tokens"] else None,
            "agent_text_tokens_per_turn": None,
            "agent_reply_characters": column("agent_reply_characters") if has["agent_reply_characters"] else None,
            "call_duration_seconds": column("call_duration_seconds") if has["call_duration_seconds"] else None,
            "peak_concurrent_calls": Span(0.0, 0.0),
        }
        if has["system_prompt_tokens"]:
            overrides["system_prompt_tokens"] = column("system_prompt_tokens")
        p = profile(base, ops, overrides)
        if has["caller_history_seconds"] or has["agent_history_seconds"]:
            p = _exact_history(p, batch, slice(None) if single else rows, has["agent_text_tokens"])
        yield rows, p


def _exact_history(p: Profile[FloatArray], batch: CallBatch, rows: numpy.ndarray | slice,
                   text_given: bool) -> Profile[FloatArray]:
    """Per-turn lists give the exact history; what is derived from it (transcript tokens) scales with it."""
    import numpy

    changes: dict[str, Any] = {}  # Profile also holds non-Span fields (peak_given, traffic_profile)
    for side, derived in (("caller", ["caller_transcript_history_tokens"]),
                          ("agent", [] if text_given else ["agent_text_history_tokens"])):
        exact = batch.caller_history_seconds[rows] if side == "caller" else batch.agent_history_seconds[rows]
        even = numpy.asarray(getattr(p, f"{side}_history_seconds").low, dtype=float)
        with numpy.errstate(divide="ignore", invalid="ignore"):
            ratio = numpy.where(even > 0, exact / even, 1.0)
        ratio = numpy.where(numpy.isnan(exact), 1.0, ratio)
        for name in [f"{side}_history_seconds", *derived]:
            value = getattr(p, name)
            changes[name] = Span(value.low * ratio, value.high * ratio)
    return dataclasses.replace(p, **changes)




Ends = tuple[Any, Any]
"""(low, high) of per-call figures: numpy arrays or floats; the same object twice where the two are equal."""


def _plus(a: Ends | None, b: Ends) -> Ends:
    """End-wise sum that keeps a point a point (one array operation where the ends are the same object)."""
    if a is None:
        return b
    if a[0] is a[1] and b[0] is b[1]:
        point = a[0] + b[0]
        return point, point
    return a[0] + b[0], a[1] + b[1]


Volumes = dict[str, Ends]
"""Per-call quantity of each meter a component prices on the month's total (volume tiers, included minutes)."""
ComponentCache = dict[tuple[Any, ...], tuple[Ends | None, Volumes]]
"""Per-call cost (and volumes) of each (component, SKU, price period) already priced on this chunk: stacks that
share a component (the same LLM in several cascades) price it once."""


def _component_cost(stack_id: str, component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[FloatArray],
                    ops: VectorOps, rate: Span[FloatArray], cache: ComponentCache) -> tuple[Ends | None, Volumes]:
    key = (component, sku.id, id(period))
    if key in cache:
        return cache[key]
    try:
        lines = bill_component(component, sku, period, p, ops, price_lookup(period, ops), rate)
    except NoPriceError as exc:
        raise exc.for_stack(stack_id) from None
    cost: Ends | None = None
    volumes: Volumes = {}
    for line in lines:
        if not line.monthly:
            cost = _plus(cost, (line.cost.low, line.cost.high))
        elif line.price_field not in MONTHLY_PRICE_FIELDS and line.price_field != REGIONAL_UPLIFT:
            # A per-call meter priced on the month's total: with one call a month its lines (included, tiers)
            # add up to the call's own quantity, summed over each month's calls and priced by `monthly_bills`.
            volumes[line.price_field] = _plus(volumes.get(line.price_field), (line.quantity.low, line.quantity.high))
    cache[key] = (cost, volumes)
    return cost, volumes


def price_calls(prepared: Prepared, p: Profile[FloatArray], ops: VectorOps, n: int,
                only: str | None = None, cache: ComponentCache | None = None,
                volumes: dict[str, dict[str, LowHigh]] | None = None) -> dict[str, LowHigh]:
    """Cost of each call on each stack (or `only` one) from its per-call meters (monthly GPU lines are priced by
    `gpu_bill`, charges that depend on the month by `monthly_bills`: `volumes` receives, per stack, the per-call
    quantities those are priced on, keyed "component index:price field"). `cache` holds the components already
    priced on the same calls (shared between stacks)."""
    import numpy

    def full(ends: Ends) -> LowHigh:
        low = numpy.broadcast_to(numpy.asarray(ends[0], dtype=float), (n,))
        return low, low if ends[1] is ends[0] else numpy.broadcast_to(numpy.asarray(ends[1], dtype=float), (n,))

    rate = ops.const(prepared.rate)
    cache = {} if cache is None else cache
    out: dict[str, LowHigh] = {}
    for stack_id, (_, parts) in prepared.stacks.items():
        if only is not None and stack_id != only:
            continue
        total: Ends | None = None
        for index, (component, sku, period) in enumerate(parts):
            if is_monthly(component):
                continue
            cost, quantities = _component_cost(stack_id, component, sku, period, p, ops, rate, cache)
            if cost is not None:
                total = _plus(total, cost)
            if volumes is not None:
                for price_field, ends in quantities.items():
                    volumes.setdefault(stack_id, {})[f"{index}:{price_field}"] = full(ends)
        out[stack_id] = full((0.0, 0.0) if total is None else total)
    return out


def by_month(period: PricePeriod) -> bool:
    """Whether a period charges by the month: a fee, concurrency slots, included minutes or volume tiers."""
    return (period.volume_tiers is not None or period.included_minutes_per_month is not None
            or any(period.price(name) is not None for name in MONTHLY_PRICE_FIELDS))


def monthly_parts(prepared: Prepared) -> dict[str, list[StackComponent]]:
    """Stacks with self-hosted components, and those components."""
    found: dict[str, list[StackComponent]] = {}
    for stack_id, (_, parts) in prepared.stacks.items():
        monthly = [c for c, _, _ in parts if is_monthly(c)]
        if monthly:
            found[stack_id] = monthly
    return found


def month_parts(prepared: Prepared) -> dict[str, list[int]]:
    """Stacks with per-call components that also charge by the month, and those components' indexes."""
    found: dict[str, list[int]] = {}
    for stack_id, (_, parts) in prepared.stacks.items():
        indexes = [i for i, (c, _, period) in enumerate(parts) if not is_monthly(c) and by_month(period)]
        if indexes:
            found[stack_id] = indexes
    return found


@dataclass
class ReplayPartial:
    """Everything one pass over some of the records accumulates (a chunk, a file, a Dask partition)."""

    calls: int = 0
    stacks: dict[str, StackTotals] = field(default_factory=dict)
    """Low ends of per-call costs."""
    stacks_high: dict[str, StackTotals] = field(default_factory=dict)
    """High ends."""
    load: Load = field(default_factory=Load)
    first_start: float = math.inf
    last_start: float = -math.inf
    months: dict[str, int] = field(default_factory=dict)
    bad: BadRows = field(default_factory=BadRows)
    rows: int = 0
    volumes: dict[str, dict[str, dict[str, list[float]]]] = field(default_factory=dict)
    """Stack → "component index:price field" → month → [low, high] sums of per-call quantities priced by the month."""

    def merge(self, other: ReplayPartial) -> None:
        self.calls += other.calls
        for stack_id, meters in other.volumes.items():
            for key, months in meters.items():
                for month, (low, high) in months.items():
                    self.add_volume(stack_id, key, month, low, high)
        for stack_id, totals in other.stacks.items():
            self.stacks.setdefault(stack_id, StackTotals()).merge(totals)
        for stack_id, totals in other.stacks_high.items():
            self.stacks_high.setdefault(stack_id, StackTotals()).merge(totals)
        self.load.merge(other.load)
        self.first_start = min(self.first_start, other.first_start)
        self.last_start = max(self.last_start, other.last_start)
        for month, count in other.months.items():
            self.months[month] = self.months.get(month, 0) + count
        self.bad.count += other.bad.count
        self.bad.messages.extend(other.bad.messages[: BadRows.KEEP - len(self.bad.messages)])
        self.rows += other.rows

    def add_volume(self, stack_id: str, key: str, month: str, low: float, high: float) -> None:
        entry = self.volumes.setdefault(stack_id, {}).setdefault(key, {}).setdefault(month, [0.0, 0.0])
        entry[0] += low
        entry[1] += high


def _months(start: numpy.ndarray) -> dict[str, int]:
    """Calls per calendar month (UTC), by the month boundaries between the earliest and latest start."""
    import numpy

    first, last = numpy.array([start.min(), start.max()]).astype("datetime64[s]").astype("datetime64[M]")
    names = numpy.datetime_as_string(numpy.arange(first, last + 1), unit="M")
    if first == last:  # the usual chunk: every call in one month, no need to look at each
        return {str(names[0]): len(start)}
    bounds = numpy.arange(first, last + 2).astype("datetime64[s]").astype(float)
    counts = numpy.bincount(numpy.searchsorted(bounds, start, side="right") - 1, minlength=len(bounds) - 1)
    return {str(n): int(c) for n, c in zip(names.tolist(), counts.tolist(), strict=False) if c}


def _month_index(start: numpy.ndarray) -> tuple[list[str], numpy.ndarray | None]:
    """(calendar months the calls start in, each call's index among them; None when they are all in one)."""
    import numpy

    first, last = numpy.array([start.min(), start.max()]).astype("datetime64[s]").astype("datetime64[M]")
    names = [str(n) for n in numpy.datetime_as_string(numpy.arange(first, last + 1), unit="M").tolist()]
    if first == last:
        return names, None
    bounds = numpy.arange(first, last + 2).astype("datetime64[s]").astype(float)
    return names, numpy.searchsorted(bounds, start, side="right") - 1


def _work_ends(p: Profile[FloatArray]) -> tuple[Any, ...]:
    """What occupies self-hosted models, per call: caller audio (ASR), reply tokens (LLM), agent audio (TTS)."""
    return (p.caller_seconds.low, p.caller_seconds.high, p.agent_text_tokens.low, p.agent_text_tokens.high,
            p.agent_seconds.low, p.agent_seconds.high)


def replay_batch(prepared: Prepared, base: Scenario, batch: CallBatch, partial: ReplayPartial, *, by_customer: bool,
                 ops: VectorOps, per_call: Callable[[CallBatch, dict[str, LowHigh]], None] | None = None,
                 share: dict[str, tuple[float, float]] | None = None, pool: Executor | None = None) -> None:
    """Price one chunk of calls on every prepared stack and add it to `partial` (stacks shared out over `pool`'s
    threads: numpy lets go of the GIL for the array work, so two cores price two stacks at once)."""
    import numpy

    n = len(batch)
    if not n:
        return
    with numpy.errstate(divide="ignore", invalid="ignore"):
        groups = list(call_profiles(base, batch, ops))
    by_the_month = month_parts(prepared)
    # The clock-hour load is what self-hosted GPUs are sized on (and the peak concurrency slots are billed on);
    # without such a stack it is not needed.
    loading: Future[None] | None = None
    if monthly_parts(prepared) or by_the_month:

        def add_load() -> None:
            work = [numpy.zeros(n) for _ in range(6)]  # caller seconds, text tokens, agent seconds: low, high each
            for rows, p in groups:
                for i, value in enumerate(_work_ends(p)):
                    work[i][rows] = numpy.broadcast_to(numpy.asarray(value, dtype=float), rows.shape)
            partial.load.add(batch.start, batch.duration, (work[0], work[1]), (work[2], work[3]), (work[4], work[5]))

        # Beside the stacks' pricing on the pool (it touches only the load), not before it: about a tenth of a
        # chunk's work that would otherwise keep the second core idle.
        if pool is not None:
            loading = pool.submit(add_load)
        else:
            add_load()
    partial.calls += n
    partial.first_start = min(partial.first_start, float(batch.start.min()))
    partial.last_start = max(partial.last_start, float(batch.start.max()))
    for month, count in _months(batch.start).items():
        partial.months[month] = partial.months.get(month, 0) + count
    customers = None
    if by_customer:
        import pyarrow.compute as pc

        encoded = pc.fill_null(batch.customer, "(none)").dictionary_encode()
        customers = (encoded.dictionary.to_pylist(), numpy.asarray(encoded.indices.to_numpy(zero_copy_only=False)))
    for stack_id in prepared.stacks:
        partial.stacks.setdefault(stack_id, StackTotals())
        partial.stacks_high.setdefault(stack_id, StackTotals())

    caches: list[ComponentCache] = [{} for _ in groups]  # one per group of rows, shared by the stacks
    month_names, month_of = _month_index(batch.start) if by_the_month else ([], None)

    def add_volumes(stack_id: str, rows: numpy.ndarray | None, volumes: dict[str, dict[str, LowHigh]]) -> None:
        """Sum each volume-priced meter's per-call quantities by calendar month."""
        for key, ends in volumes.get(stack_id, {}).items():
            sums = []
            for values in ends:
                if month_of is None:
                    sums.append([math.fsum([float(numpy.sum(values))])])
                else:
                    months = month_of if rows is None else month_of[rows]
                    sums.append(numpy.bincount(months, weights=values, minlength=len(month_names)).tolist())
            for m, name in enumerate(month_names):
                if sums[0][m] or sums[1][m]:
                    partial.add_volume(stack_id, key, name, sums[0][m], sums[1][m])

    def one(stack_id: str) -> tuple[str, LowHigh]:
        with numpy.errstate(divide="ignore", invalid="ignore"):  # per thread: numpy's error state is not shared
            volumes: dict[str, dict[str, LowHigh]] | None = {} if stack_id in by_the_month else None
            if len(groups) == 1:
                low, high = price_calls(prepared, groups[0][1], ops, n, only=stack_id, cache=caches[0],
                                        volumes=volumes)[stack_id]
                if volumes is not None:
                    add_volumes(stack_id, None, volumes)
            else:
                low, high = numpy.zeros(n), numpy.zeros(n)
                for (rows, p), cache in zip(groups, caches, strict=True):
                    volumes = {} if stack_id in by_the_month else None
                    low[rows], high[rows] = price_calls(prepared, p, ops, len(rows), only=stack_id, cache=cache,
                                                        volumes=volumes)[stack_id]
                    if volumes is not None:
                        add_volumes(stack_id, rows, volumes)
            if share:
                extra = share.get(stack_id, (0.0, 0.0))
                low, high = (low + extra[0], high + extra[1]) if low is not high or extra[0] != extra[1] else \
                    (low + extra[0],) * 2
            low_totals, high_totals = partial.stacks[stack_id], partial.stacks_high[stack_id]
            if low is high or numpy.array_equal(low, high):  # a stack priced in points: count once, add to both ends
                low_totals.add(low, batch.call_id, customers, twin=high_totals)
            else:
                low_totals.add(low, batch.call_id, customers)
                high_totals.add(high, batch.call_id, customers)
        return stack_id, (low, high)

    stacks = list(prepared.stacks)
    try:
        costs = dict(pool.map(one, stacks) if pool is not None and len(stacks) > 1 else map(one, stacks))
    except BaseException:
        if loading is not None:
            wait([loading])  # done before the error leaves: nothing touches `partial` afterwards
        raise
    if loading is not None:
        loading.result()  # its error (calls spanning too long) is raised here
    if per_call is not None:
        per_call(batch, costs)


# ------------------------------------------------------------------------------------------------- the result


Money = tuple[float, float]
"""(low, high): equal unless a price or an assumption is a range."""


@dataclass(frozen=True)
class StackReplay:
    """One stack's bill for the replayed calls; every figure (low, high)."""

    stack: str
    title: str
    total: Money
    """All calls, GPU bill included."""
    per_call_mean: Money
    p50: Money
    p90: Money
    p99: Money
    gpu: GpuBill | None
    costliest: list[tuple[str, float]]
    """The costliest calls at the high end of prices."""
    customers: dict[str, tuple[Money, int]]
    monthly: MonthlyBill | None = None
    """Charges that depend on the month (fees, slots, included minutes, volume tiers), when the stack has any."""


@dataclass(frozen=True)
class MonthlyBill:
    """One stack's charges that depend on the month, over the calendar months the records start in.

    Volume-priced meters are priced on each month's own total (included minutes first, then the tiers), fees
    and concurrency slots once per calendar month with calls (the peak of calls in progress in any minute of
    it): exact over the period. The bill is shared equally by the period's calls (average, not marginal,
    allocation), as the GPU bill is; the per-call meters themselves are each call's own.
    """

    cost: Money
    fixed_cost: Money
    """The part paid whatever the volume (monthly fees)."""
    months: dict[str, Money]
    """Calendar month → its charges."""


@dataclass(frozen=True)
class Replay:
    """What the recorded calls would have cost on each stack."""

    source: str
    calls: int
    bad_rows: int
    bad_messages: list[str]
    first_start: datetime | None
    last_start: datetime | None
    months: dict[str, int]
    as_of: date
    currency: str
    stacks: list[StackReplay]
    """Cheapest total first."""
    unpriced: dict[str, str]
    by_customer: bool

    def stack(self, stack_id: str) -> StackReplay:
        return next(s for s in self.stacks if s.stack == stack_id)

    def to_frame(self) -> Any:
        """One row per stack: total, mean, p50/p90/p99 per call and the GPU bill, low and high."""
        import pandas

        rows = []
        for s in self.stacks:
            row: dict[str, Any] = {"stack": s.stack}
            for name in ("total", "per_call_mean", "p50", "p90", "p99"):
                row[f"{name}_low"], row[f"{name}_high"] = getattr(s, name)
            row["gpu_cost_low"], row["gpu_cost_high"] = s.gpu.cost if s.gpu else (0.0, 0.0)
            row["currency"] = self.currency
            rows.append(row)
        return pandas.DataFrame(rows)


def finish(prepared: Prepared, base: Scenario, partial: ReplayPartial, *, source: str, as_of: date, currency: str,
           by_customer: bool, ops: VectorOps, share_applied: dict[str, tuple[float, float]] | None = None) -> Replay:
    """The result of a replay from what the passes accumulated; the GPU bill is shared equally by the calls."""
    if partial.calls == 0:
        raise InputError("no valid call records to price", path=source)
    bills = gpu_bill(prepared, base, partial.load, ops)
    by_month = monthly_bills(prepared, base, partial, ops)
    n = partial.calls
    rows: list[StackReplay] = []
    for stack_id, low in partial.stacks.items():
        high = partial.stacks_high[stack_id]
        bill = bills.get(stack_id)
        month_bill = by_month.get(stack_id)
        # The GPU and monthly bills are shared equally; where they were not added call by call, order statistics
        # shift by them exactly.
        applied = share_applied is not None and stack_id in share_applied
        shared = _shared_cost(bill, month_bill)
        shift = (0.0, 0.0) if applied else (shared[0] / n, shared[1] / n)
        ends = (low, high)
        total = tuple(math.fsum(t.parts) + shift[i] * n for i, t in enumerate(ends))
        customers = {name: ((s + shift[0] * c, high.customers[name][0] + shift[1] * c), int(c))
                     for name, (s, c) in sorted(low.customers.items())}

        def pct(q: float, ends: tuple[StackTotals, StackTotals] = ends, shift: Money = shift) -> Money:
            return (ends[0].histogram.percentile(q) + shift[0], ends[1].histogram.percentile(q) + shift[1])

        rows.append(StackReplay(
            stack=stack_id, title=prepared.stacks[stack_id][0].title, total=(total[0], total[1]),
            per_call_mean=(total[0] / n, total[1] / n), p50=pct(50), p90=pct(90), p99=pct(99), gpu=bill,
            costliest=[(call_id, cost + shift[1]) for cost, call_id in high.top], customers=customers,
            monthly=month_bill,
        ))
    rows.sort(key=lambda r: (r.total, r.stack))

    def when(seconds: float) -> datetime | None:
        return datetime.fromtimestamp(seconds, UTC) if math.isfinite(seconds) else None

    return Replay(source, partial.calls, partial.bad.count, partial.bad.messages, when(partial.first_start),
                  when(partial.last_start), dict(sorted(partial.months.items())), as_of, currency, rows,
                  prepared.unpriced, by_customer)


def _shared_cost(gpu: GpuBill | None, month: MonthlyBill | None) -> Money:
    """What a stack's calls share equally: its GPU bill and its monthly charges."""
    parts = [b.cost for b in (gpu, month) if b is not None]
    return math.fsum(c[0] for c in parts), math.fsum(c[1] for c in parts)


def monthly_bills(prepared: Prepared, base: Scenario, partial: ReplayPartial, ops: VectorOps) -> dict[str, MonthlyBill]:
    """Each stack's charges that depend on the month, month by month, through the kernel's `monthly_bill`."""
    import numpy

    found = month_parts(prepared)
    if not found:
        return {}
    hourly = partial.load.hourly()
    peaks: dict[str, float] = {}
    if len(hourly["start"]):
        names = numpy.datetime_as_string(hourly["start"].astype("datetime64[s]"), unit="M").tolist()
        for name, peak in zip(names, hourly["peak"].tolist(), strict=True):
            peaks[name] = max(peaks.get(name, 0.0), float(peak))
    rate = ops.const(prepared.rate)
    bills: dict[str, MonthlyBill] = {}
    for stack_id, indexes in found.items():
        parts = prepared.stacks[stack_id][1]
        volumes = partial.volumes.get(stack_id, {})
        months: dict[str, Money] = {}
        fixed = [0.0, 0.0]
        for month, calls in sorted(partial.months.items()):
            peak = peaks.get(month, 0.0)
            p = profile(base, ops, {"calls_per_month": ops.const(calls), "peak_concurrent_calls": ops.const(int(peak))})
            cost = [0.0, 0.0]
            for index in indexes:
                component, sku, period = parts[index]
                totals: dict[str, Span[FloatArray]] = {
                    key.split(":", 1)[1]: Span(cast("FloatArray", months_of[month][0]),
                                               cast("FloatArray", months_of[month][1]))
                    for key, months_of in volumes.items() if key.split(":", 1)[0] == str(index) and month in months_of}
                try:
                    lines = monthly_bill(component, sku, period, totals, p, ops, price_lookup(period, ops), rate)
                except NoPriceError as exc:
                    raise exc.for_stack(stack_id) from None
                for line in lines:
                    for end in (0, 1):
                        value = float((line.cost.low, line.cost.high)[end])
                        cost[end] += value
                        if line.fixed:
                            fixed[end] += value
            months[month] = (cost[0], cost[1])
        total = (math.fsum(c[0] for c in months.values()), math.fsum(c[1] for c in months.values()))
        bills[stack_id] = MonthlyBill(total, (fixed[0], fixed[1]), months)
    return bills


# ------------------------------------------------------------------------------------------------- Dask engine
# The same kernel (`replay_batch`) over the partitions of a Dask DataFrame: each partition is checked row by row
# against the call-record format (rows keep their file numbers: partition lengths are counted first) and priced
# into a `ReplayPartial`; the partials are merged on the client, the hourly GPU load with them, so self-hosted
# stacks are sized on the whole period as locally.


def _partition(frame: pandas.DataFrame, first_line: int, path: str, prepared: Prepared, base: Scenario,
               by_customer: bool, on_bad_row: Literal["fail", "skip"]) -> ReplayPartial:
    import numpy

    from costmodel.data.call_records import RowChecker, epoch_seconds

    checker = RowChecker(path, on_bad_row)
    columns: dict[str, Any] = {}
    for name in frame.columns:
        column = frame[name]
        if str(column.dtype).startswith("datetime64"):
            values = column.dt.tz_localize("UTC") if column.dt.tz is None else column.dt.tz_convert("UTC")
            columns[name] = epoch_seconds(values)
        elif column.dtype == object or str(column.dtype) in {"string", "str"}:
            columns[name] = column.astype(object).where(column.notna(), None).to_numpy(dtype=object)
        else:
            columns[name] = column.to_numpy(dtype=float, na_value=numpy.nan)
    lines = numpy.arange(first_line, first_line + len(frame))
    partial = ReplayPartial()
    batch = checker.check(columns, lines)
    replay_batch(prepared, base, batch, partial, by_customer=by_customer, ops=VectorOps())
    partial.bad, partial.rows = checker.bad, checker.rows
    return partial


def dask_partial(prepared: Prepared, base: Scenario, calls: str | Path, *, by_customer: bool,
                 on_bad_row: Literal["fail", "skip"], scheduler: str | None) -> ReplayPartial:
    """Read the records as a Dask DataFrame, price every partition with the local kernel, merge the partials."""
    import importlib

    import dask.dataframe as dd

    dask: Any = importlib.import_module("dask")  # untyped: called through Any

    path = Path(calls)
    suffix = path.suffix.lower()
    check_regular(path, "a call-record file")
    if suffix in {".parquet", ".pq"}:
        frame = dd.read_parquet(str(path), split_row_groups=True)
        first = 1
    elif suffix == ".csv":
        frame = dd.read_csv(str(path), dtype=object, blocksize="64MB", keep_default_na=False, na_values=[""])
        first = 2
    else:
        raise InputError("--engine dask reads .parquet or .csv call records", path=path)
    from costmodel.data.call_records import COLUMNS

    unknown = [c for c in frame.columns if c not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column '{unknown[0]}'", path=path, line=1)
    client: Any = None
    if scheduler:
        if not _SCHEDULER_ADDRESS.fullmatch(scheduler):
            raise InputError(f"--scheduler: {scheduler!r} is not a scheduler address; write HOST:PORT or "
                             "tcp://HOST:PORT")
        try:
            # A bounded wait: an address nobody answers on is an error within seconds, not a hang.
            client = importlib.import_module("distributed").Client(scheduler, timeout=SCHEDULER_TIMEOUT_SECONDS)
        except Exception as exc:  # whatever answers there (a proxy's garbage included), it is no scheduler
            raise InputError(f"--scheduler: cannot reach {scheduler!r} within {SCHEDULER_TIMEOUT_SECONDS} s "
                             f"({type(exc).__name__})") from None
    try:
        lengths = frame.map_partitions(len).compute()
        offsets = [first]
        for length in list(lengths)[:-1]:
            offsets.append(offsets[-1] + int(length))
        parts = frame.to_delayed()
        task = dask.delayed(_partition)
        partials = dask.compute(*[task(part, offset, str(path), prepared, base, by_customer, on_bad_row)
                                  for part, offset in zip(parts, offsets, strict=True)])
    finally:
        if client is not None:
            client.close()
    total = ReplayPartial()
    for partial in partials:
        total.merge(partial)
    return total


# ------------------------------------------------------------------------------------------------- entry point


Progress = Callable[[int], None]
"""Called with the number of rows read so far."""


def replay(
    catalog: Catalog,
    calls: str | Path,
    stacks: list[str] | None = None,
    *,
    as_of: date | None = None,
    currency: str = "USD",
    scenario: str | Scenario | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
    by_customer: bool = False,
    on_bad_row: Literal["fail", "skip"] = "fail",
    per_call_path: str | Path | None = None,
    chunk_rows: int = 131_072,
    engine: Literal["local", "dask"] = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Replay:
    """What the calls in a call-record file (CSV, JSON Lines, Parquet) would have cost on each stack.

    Streams the file in chunks of `chunk_rows`, so memory does not grow with the number of calls. `scenario`
    gives what records do not carry (speaking rate, tokens per word, cache hits, a system prompt);
    `per_call_path` (.parquet or .csv) receives every call's cost on every stack. `engine="dask"` runs the same
    kernel over Dask DataFrame partitions (on `scheduler`, a Dask scheduler address, or a local cluster).
    """
    as_of = as_of or date.today()
    base = assumptions(catalog, scenario)
    prepared = prepare(catalog, base, stacks, as_of=as_of, currency=currency, settings=None, price_changes=price_changes)
    ops = VectorOps()
    if engine == "dask":
        partial = dask_partial(prepared, base, calls, by_customer=by_customer, on_bad_row=on_bad_row,
                               scheduler=scheduler)
        return finish(prepared, base, partial, source=str(calls), as_of=as_of, currency=currency,
                      by_customer=by_customer, ops=ops)
    share: dict[str, tuple[float, float]] | None = None
    if per_call_path is not None and shares_needed(prepared):
        # Every call's file row needs its share of the GPU and monthly bills, known only once the whole period is:
        # a first pass measures it.
        share = _shares(prepared, base, calls, on_bad_row, chunk_rows, ops)
    partial = ReplayPartial()
    reader = CallReader(calls, on_bad_row=on_bad_row, chunk_rows=chunk_rows, skip=_unused(by_customer))
    writer = _PerCallWriter(per_call_path, list(prepared.stacks), currency) if per_call_path is not None else None
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="costmodel-price")
    try:
        for batch in prefetched(reader):
            replay_batch(prepared, base, batch, partial, by_customer=by_customer, ops=ops,
                         per_call=writer.write if writer else None, share=share, pool=pool)
            if progress is not None:
                progress(reader.rows)
    finally:
        pool.shutdown()
        if writer is not None:
            writer.close()
    partial.bad, partial.rows = reader.bad, reader.rows
    return finish(prepared, base, partial, source=str(calls), as_of=as_of, currency=currency, by_customer=by_customer,
                  ops=ops, share_applied=share)


def shares_needed(prepared: Prepared) -> bool:
    """Whether some stack has bills its calls share (self-hosted GPUs, charges by the month)."""
    return bool(monthly_parts(prepared) or month_parts(prepared))


def _shares(prepared: Prepared, base: Scenario, calls: str | Path, on_bad_row: Literal["fail", "skip"], chunk_rows: int,
            ops: VectorOps) -> dict[str, tuple[float, float]]:
    """Each call's equal share of its stack's GPU and monthly bills, from a first pass over the records."""
    needed = set(monthly_parts(prepared)) | set(month_parts(prepared))
    sub = dataclasses.replace(prepared, stacks={k: v for k, v in prepared.stacks.items() if k in needed})
    partial = ReplayPartial()
    for batch in CallReader(calls, on_bad_row=on_bad_row, chunk_rows=chunk_rows, skip=_unused(False)):
        replay_batch(sub, base, batch, partial, by_customer=False, ops=ops)
    if not partial.calls:
        return {}
    gpu, by_month = gpu_bill(sub, base, partial.load, ops), monthly_bills(sub, base, partial, ops)
    shares: dict[str, tuple[float, float]] = {}
    for stack_id in needed:
        cost = _shared_cost(gpu.get(stack_id), by_month.get(stack_id))
        shares[stack_id] = (cost[0] / partial.calls, cost[1] / partial.calls)
    return shares


def steady_allocator() -> None:
    """Keep freed numpy buffers in the C heap for the next chunk instead of handing them back to the system.

    Each chunk allocates and frees the same few dozen arrays of about a megabyte. glibc serves blocks that big
    with mmap and returns them with munmap, so every chunk paid the kernel to map and zero its pages again: about
    a third of replay's CPU time was system time. Raising the mmap and trim thresholds (mallopt) makes those
    blocks come from the heap and be reused; resident memory stays bounded by what one chunk needs. Process-wide,
    so the command line calls it (a library caller chooses); elsewhere than glibc it does nothing.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 32 << 20)  # glibc's largest allowed value on 64-bit
    mallopt(m_trim_threshold, 512 << 20)


def prefetched(batches: Iterable[CallBatch]) -> Iterator[CallBatch]:
    """The batches, the next one read and checked on a second thread while this one is priced.

    Reading (Arrow, numpy) and pricing (numpy) both release the GIL for most of their work, so on two cores
    the reading is mostly hidden. At most two batches are in memory at once; an error while reading is raised here.
    """
    import queue
    import threading

    done = object()
    ready: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)
            return
        put(done)

    thread = threading.Thread(target=read, name="costmodel-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = ready.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _unused(by_customer: bool) -> list[str]:
    """Columns replay does not read (so neither decodes nor checks): recorded costs, direction, legs."""
    return ["actual_cost", "actual_cost_currency", "direction", "legs", *([] if by_customer else ["customer"])]


SCHEDULER_TIMEOUT_SECONDS = 5
"""How long replay waits for a Dask scheduler to answer before giving up."""

_SCHEDULER_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?[A-Za-z0-9._\-\[\]:/]+")
"""A Dask address: optional scheme (tcp://, tls://, ucx://, inproc://), then host[:port] (IPv6 in brackets,
an in-process address has slashes); no space or control character."""


class _PerCallWriter:
    """Every call's cost on every stack, streamed to Parquet or CSV as chunks are priced."""

    def __init__(self, path: str | Path, stacks: list[str], currency: str) -> None:
        self.path = Path(path)
        self.stacks = stacks
        self.currency = currency
        self.kind = self.path.suffix.lower()
        if self.kind not in {".parquet", ".csv"}:
            raise InputError("write per-call costs to a .parquet or .csv file", path=self.path)
        self.writer: Any = None
        self.handle: Any = None

    def write(self, batch: CallBatch, costs: dict[str, LowHigh]) -> None:
        import numpy
        import pyarrow

        columns: dict[str, Any] = {"call_id": batch.call_id,
                                   "start_time": pyarrow.array((batch.start * 1e6).astype("int64"),
                                                               type=pyarrow.int64()).cast(pyarrow.timestamp("us", tz="UTC")),
                                   "customer": batch.customer}
        for stack_id in self.stacks:
            low, high = costs[stack_id]
            columns[f"{stack_id}_low"] = pyarrow.array(low)
            columns[f"{stack_id}_high"] = pyarrow.array(high)
        if self.kind == ".csv":
            # Ids and customers come from the records: in a spreadsheet a cell starting = + - @ must stay text.
            for name in ("call_id", "customer"):
                columns[name] = pyarrow.array([csv_cell(v) if isinstance(v, str) else v
                                               for v in numpy.asarray(columns[name], dtype=object).tolist()],
                                              type=pyarrow.string())
        table = pyarrow.table(columns)
        if self.kind == ".parquet":
            import pyarrow.parquet as pq

            if self.writer is None:
                self.writer = pq.ParquetWriter(self.path, table.schema)
            self.writer.write_table(table)
        else:
            import pyarrow.csv as pcsv

            if self.handle is None:
                self.handle = self.path.open("wb")
                self.writer = pcsv.CSVWriter(self.handle, table.schema)
            self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.handle is not None:
            self.handle.close()


def replay_records(catalog: Catalog, batches: Iterable[CallBatch], stacks: list[str] | None = None, *,
                   as_of: date, currency: str = "USD", scenario: str | Scenario | None = None) -> Replay:
    """Replay batches already in memory (tests, notebooks)."""
    base = assumptions(catalog, scenario)
    prepared = prepare(catalog, base, stacks, as_of=as_of, currency=currency, settings=None, price_changes=())
    ops = VectorOps()
    partial = ReplayPartial()
    for batch in batches:
        replay_batch(prepared, base, batch, partial, by_customer=True, ops=ops)
    return finish(prepared, base, partial, source="records", as_of=as_of, currency=currency, by_customer=True, ops=ops)
