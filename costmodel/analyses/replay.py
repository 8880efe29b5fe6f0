"""Replay: what real calls would have cost on each stack, priced one by one through the engine's own bill kernel.

Each chunk of call records becomes a `Profile` whose fields are numpy arrays (one value per call) and goes
through `bill_component` on the vector backend, exactly as a sweep does: every mechanic of the kernel (billing
increments, minimums, per-turn billing, turn-by-turn re-reading of history) applies to each call as it was.

Self-hosted GPUs are not billed per call: they are sized hour by hour from the load the records put on them
(analyses/hourly_gpus.py), and the period's GPU bill is shared equally by its calls. Totals, percentiles and the
costliest calls are kept in bounded memory (analyses/streaming_totals.py).

Money at scale: every per-call figure is float64, the formula the exact engine evaluates in Decimal, a few
dozen operations per call. Each operation rounds by at most 2⁻⁵³ relative, so a per-call cost c carries an
error under ~1e-14·c, far below 1e-9 USD for any call under $10,000 (tests check 1e-9 against `estimate()` on
every bundled stack). Totals are summed per chunk with numpy's pairwise summation and across chunks with
`math.fsum`, so a 10-million-call total keeps that relative accuracy. Percentiles come from a histogram of
per-call costs with bins 0.01 % wide (relative), so a percentile is within 0.01 % of the exact order statistic;
memory stays independent of the number of calls.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from costmodel.analyses.hourly_gpus import GpuBill, Load, LowHigh, gpu_bill, price_lookup
from costmodel.analyses.streaming_totals import StackTotals
from costmodel.analyses.sweep import Prepared, prepare
from costmodel.core.backends import VectorOps
from costmodel.core.bill import bill_component
from costmodel.core.interval import Span
from costmodel.core.overrides import PriceChange
from costmodel.core.usage import Profile, is_monthly, profile
from costmodel.data.call_records import BadRows, CallBatch, CallReader
from costmodel.data.catalog import Catalog
from costmodel.data.input_files import check_regular
from costmodel.data.records import Scenario, StackComponent, to_record
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
    missing = [numpy.isnan(getattr(batch, name)) for name in optional]
    # The usual case: every row gives (or leaves out) the same columns, one group without sorting anything.
    single = all(m.all() or not m.any() for m in missing)
    if single:
        groups = [(sum(1 << i for i, m in enumerate(missing) if not m.any()), numpy.arange(len(batch)))]
    else:
        codes = (~numpy.stack(missing, axis=1)).astype(numpy.int64) @ (1 << numpy.arange(len(optional)))
        groups = [(code, numpy.flatnonzero(codes == code)) for code in numpy.unique(codes).tolist()]
    for code, rows in groups:

        def column(name: str, rows: numpy.ndarray = rows) -> Span[FloatArray]:
            values = numpy.ascontiguousarray(getattr(batch, name)[rows])
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
            p = _exact_history(p, batch, rows, has["agent_text_tokens"])
        yield rows, p


def _exact_history(p: Profile[FloatArray], batch: CallBatch, rows: numpy.ndarray, text_given: bool) -> Profile[FloatArray]:
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




def price_calls(prepared: Prepared, p: Profile[FloatArray], ops: VectorOps, n: int,
                only: str | None = None) -> dict[str, LowHigh]:
    """Cost of each call on each stack (or `only` one) from its per-call meters (monthly GPU lines are priced by
    `gpu_bill`)."""
    import numpy

    rate = ops.const(prepared.rate)
    out: dict[str, LowHigh] = {}
    for stack_id, (_, parts) in prepared.stacks.items():
        if only is not None and stack_id != only:
            continue
        low: Any = numpy.zeros(n)
        high: Any = numpy.zeros(n)
        for component, sku, period in parts:
            if is_monthly(component):
                continue
            try:
                lines = bill_component(component, sku, period, p, ops, price_lookup(period, ops), rate)
            except NoPriceError as exc:
                raise exc.for_stack(stack_id) from None
            for line in lines:
                if line.monthly:  # never here: per_call_only leaves such stacks out
                    raise NoPriceError(f"{component.sku} bills {line.price_field} by the month", stack=stack_id)
                low = low + line.cost.low
                high = high + line.cost.high
        out[stack_id] = (numpy.broadcast_to(numpy.asarray(low, dtype=float), (n,)),
                         numpy.broadcast_to(numpy.asarray(high, dtype=float), (n,)))
    return out


def per_call_only(prepared: Prepared, base: Scenario, ops: VectorOps) -> Prepared:
    """The stacks replay can price, the others moved to `unpriced` with the reason.

    Replay bills per-call lines call by call and self-hosted GPUs by the hour. A charge the kernel bills by the
    month for any other component (a plan or rental fee, volume tiers, included minutes) would have to be shared
    over each month's records; until replay does that, such a stack is reported as not priced (never $0, never
    a monthly fee charged on every call).
    """
    import numpy

    one = numpy.ones(1)
    p = profile(base, ops, {"calls_per_month": Span(one, one), "turns": Span(one, one),
                            "caller_audio_seconds": Span(one * 60, one * 60), "caller_audio_seconds_per_turn": None,
                            "agent_audio_seconds": Span(one * 60, one * 60), "agent_audio_seconds_per_turn": None,
                            "peak_concurrent_calls": Span(one, one)})
    rate = ops.const(prepared.rate)
    kept: dict[str, Any] = {}
    unpriced = dict(prepared.unpriced)
    for stack_id, (stack, parts) in prepared.stacks.items():
        monthly = []
        for component, sku, period in parts:
            if is_monthly(component):
                continue
            with numpy.errstate(divide="ignore", invalid="ignore"):
                lines = bill_component(component, sku, period, p, ops, price_lookup(period, ops), rate)
            monthly += [(component.sku, line.price_field) for line in lines if line.monthly]
        if monthly:
            sku_id, field_name = monthly[0]
            unpriced[stack_id] = (f"stack {stack_id}: {sku_id} bills {field_name} by the month, which replay does not "
                                  "yet share over a month's calls")
        else:
            kept[stack_id] = (stack, parts)
    if not kept:
        raise NoPriceError(next(iter(unpriced.values())))
    return dataclasses.replace(prepared, stacks=kept, unpriced=unpriced)


def monthly_parts(prepared: Prepared) -> dict[str, list[StackComponent]]:
    """Stacks with self-hosted components, and those components."""
    found: dict[str, list[StackComponent]] = {}
    for stack_id, (_, parts) in prepared.stacks.items():
        monthly = [c for c, _, _ in parts if is_monthly(c)]
        if monthly:
            found[stack_id] = monthly
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

    def merge(self, other: ReplayPartial) -> None:
        self.calls += other.calls
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


def _months(start: numpy.ndarray) -> dict[str, int]:
    """Calls per calendar month (UTC), by the month boundaries between the earliest and latest start."""
    import numpy

    first, last = numpy.array([start.min(), start.max()]).astype("datetime64[s]").astype("datetime64[M]")
    bounds = numpy.arange(first, last + 2).astype("datetime64[s]").astype(float)
    counts = numpy.bincount(numpy.searchsorted(bounds, start, side="right") - 1, minlength=len(bounds) - 1)
    names = numpy.datetime_as_string(numpy.arange(first, last + 1), unit="M")
    return {str(n): int(c) for n, c in zip(names.tolist(), counts.tolist(), strict=False) if c}


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
    # The clock-hour load is what self-hosted GPUs are sized on; without such a stack it is not needed.
    if monthly_parts(prepared):
        work = [numpy.zeros(n) for _ in range(6)]  # caller seconds, text tokens, agent seconds: low, high each
        for rows, p in groups:
            for i, value in enumerate(_work_ends(p)):
                work[i][rows] = numpy.broadcast_to(numpy.asarray(value, dtype=float), rows.shape)
        partial.load.add(batch.start, batch.duration, (work[0], work[1]), (work[2], work[3]), (work[4], work[5]))
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

    def one(stack_id: str) -> tuple[str, LowHigh]:
        with numpy.errstate(divide="ignore", invalid="ignore"):  # per thread: numpy's error state is not shared
            if len(groups) == 1:
                low, high = price_calls(prepared, groups[0][1], ops, n, only=stack_id)[stack_id]
            else:
                low, high = numpy.zeros(n), numpy.zeros(n)
                for rows, p in groups:
                    low[rows], high[rows] = price_calls(prepared, p, ops, len(rows), only=stack_id)[stack_id]
            if share:
                extra = share.get(stack_id, (0.0, 0.0))
                low, high = low + extra[0], high + extra[1]
            low_totals, high_totals = partial.stacks[stack_id], partial.stacks_high[stack_id]
            if numpy.array_equal(low, high):  # a stack priced in points: count once, add to both ends
                low_totals.add(low, batch.call_id, customers, twin=high_totals)
            else:
                low_totals.add(low, batch.call_id, customers)
                high_totals.add(high, batch.call_id, customers)
        return stack_id, (low, high)

    stacks = list(prepared.stacks)
    costs = dict(pool.map(one, stacks) if pool is not None and len(stacks) > 1 else map(one, stacks))
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
    n = partial.calls
    rows: list[StackReplay] = []
    for stack_id, low in partial.stacks.items():
        high = partial.stacks_high[stack_id]
        bill = bills.get(stack_id)
        # The GPU bill is shared equally; where it was not added call by call, order statistics shift by it exactly.
        applied = share_applied is not None and stack_id in share_applied
        shift = (0.0, 0.0) if applied or bill is None else (bill.cost[0] / n, bill.cost[1] / n)
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
        ))
    rows.sort(key=lambda r: (r.total, r.stack))

    def when(seconds: float) -> datetime | None:
        return datetime.fromtimestamp(seconds, UTC) if math.isfinite(seconds) else None

    return Replay(source, partial.calls, partial.bad.count, partial.bad.messages, when(partial.first_start),
                  when(partial.last_start), dict(sorted(partial.months.items())), as_of, currency, rows,
                  prepared.unpriced, by_customer)


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
    prepared = per_call_only(prepared, base, ops)
    if engine == "dask":
        partial = dask_partial(prepared, base, calls, by_customer=by_customer, on_bad_row=on_bad_row,
                               scheduler=scheduler)
        return finish(prepared, base, partial, source=str(calls), as_of=as_of, currency=currency,
                      by_customer=by_customer, ops=ops)
    share: dict[str, tuple[float, float]] | None = None
    if per_call_path is not None and monthly_parts(prepared):
        # Every call's file row needs its GPU share, known only once the whole load is: a first pass measures it.
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


def _shares(prepared: Prepared, base: Scenario, calls: str | Path, on_bad_row: Literal["fail", "skip"], chunk_rows: int,
            ops: VectorOps) -> dict[str, tuple[float, float]]:
    import numpy

    load = Load()
    count = 0
    with numpy.errstate(divide="ignore", invalid="ignore"):
        for batch in CallReader(calls, on_bad_row=on_bad_row, chunk_rows=chunk_rows, skip=_unused(False)):
            work = [numpy.zeros(len(batch)) for _ in range(6)]
            for rows, p in call_profiles(base, batch, ops):
                for i, value in enumerate(_work_ends(p)):
                    work[i][rows] = numpy.broadcast_to(numpy.asarray(value, dtype=float), rows.shape)
            load.add(batch.start, batch.duration, (work[0], work[1]), (work[2], work[3]), (work[4], work[5]))
            count += len(batch)
    bills = gpu_bill(prepared, base, load, ops)
    return {stack_id: (bill.cost[0] / count, bill.cost[1] / count) for stack_id, bill in bills.items()} if count else {}


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
    prepared = per_call_only(prepared, base, ops)
    partial = ReplayPartial()
    for batch in batches:
        replay_batch(prepared, base, batch, partial, by_customer=True, ops=ops)
    return finish(prepared, base, partial, source="records", as_of=as_of, currency=currency, by_customer=True, ops=ops)
