"""Sweeps: the cost of each stack along one input (a scenario field or a price), vectorized with numpy.

The cost formula is the engine's own: `usage.profile` and `usage.component_usage` run on the VectorOps
backend (Spans whose ends are numpy arrays) and each meter is priced by the one bill kernel (core/bill.py), with
self-hosted monthly GPU bills divided by calls_per_month. Sweeps use float64; `compare` is exact (Decimal).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costmodel.analyses.baseline import CurveChanges
from costmodel.core.backends import VectorOps
from costmodel.core.bill import bill_component
from costmodel.core.interval import Span
from costmodel.core.overrides import TWIN_FIELDS, PriceChange, WhatIf, apply_price_changes, apply_settings, what_if
from costmodel.core.shared import Composition, Shared, shared_for
from costmodel.core.usage import profile
from costmodel.data.catalog import Catalog
from costmodel.data.meters import PRICE_ALIASES, PRICE_FIELDS
from costmodel.data.records import SCENARIO_FIELDS, PricePeriod, Scenario, Sku, Stack, StackComponent, scenario_bounds, to_record
from costmodel.errors import InputError, NoPriceError, UnknownIdError, require

if TYPE_CHECKING:
    import numpy
    import pandas

    from costmodel.core.interval import FloatArray

MAX_SWEEP_POINTS = 20_000
"""Most points START:STOP:STEP may give. Measured on 12 stacks: the numbers cost about 0.5 KB a point, but
every point becomes a row of the table, CSV or JSON, about 5 KB and 0.1-0.3 ms each (table slowest): 20,000
points take about 5 s and 150 MB, where the former 50,000,000 would have needed some 250 GB (1,000,000 already
took 5 GB and 400 s). The Python `sweep()` takes any number of values; only the command is bounded."""

@dataclass(frozen=True)
class Field:
    """What a sweep or break-even varies: a scenario field, or one price of one SKU (in USD, as in the sheets)."""

    name: str
    sku: str | None = None
    price_field: str | None = None

    @property
    def is_price(self) -> bool:
        return self.sku is not None

    @property
    def label(self) -> str:
        """Axis label with the unit."""
        if self.price_field is not None:
            return f"{self.sku} price (USD per {PRICE_FIELDS[self.price_field].unit})"
        units = {"calls_per_month": "calls per month", "turns": "turns per call"}
        if self.name in units:
            return units[self.name]
        for suffix, unit in (("_seconds_per_turn", "s per turn"), ("_seconds", "s"), ("_tokens_per_turn", "tokens per turn"),
                             ("_tokens", "tokens"), ("_characters", "characters"), ("_per_month", "per month")):
            if self.name.endswith(suffix):
                return f"{self.name} ({unit})"
        return self.name


def parse_field(text: str, catalog: Catalog | None = None) -> Field:
    """A scenario field name (calls_per_month, caller_audio_seconds, turns, ...) or SKU.PRICE_FIELD."""
    text = text.strip()
    if text in SCENARIO_FIELDS:
        return Field(text)
    if "/" in text and "." in text:
        sku, name = text.rsplit(".", 1)
        price_field = PRICE_ALIASES.get(name, name)
        if price_field not in PRICE_FIELDS:
            raise UnknownIdError("price field", name, [*PRICE_ALIASES, *PRICE_FIELDS])
        if catalog is not None:
            catalog.sku(sku)
        return Field(text, sku, price_field)
    raise UnknownIdError("scenario field or SKU.PRICE_FIELD", text, SCENARIO_FIELDS)


@dataclass
class StackCurve:
    """One stack's cost along the swept values, float64 arrays (low and high ends of the ranges)."""

    stack: str
    title: str
    architecture: str
    per_call_low: numpy.ndarray
    per_call_high: numpy.ndarray
    fixed_per_month_low: numpy.ndarray
    """The always-on GPU floor per month (zero for API stacks)."""
    fixed_per_month_high: numpy.ndarray
    composition: Composition = dataclasses.field(default_factory=Composition)
    """What shared components added or replaced on this stack, and the needed roles it lacks."""


@dataclass
class SweepResult:
    """Cost per call of each stack at each value of one field."""

    scenario: str
    field: Field
    values: numpy.ndarray
    curves: dict[str, StackCurve]
    as_of: date
    currency: str
    calls_per_month_low: numpy.ndarray
    calls_per_month_high: numpy.ndarray
    unpriced: dict[str, str] = dataclasses.field(default_factory=dict)
    """Stacks left out, with the reason (no price in force)."""
    shared: Shared = dataclasses.field(default_factory=Shared)
    """Components every stack was priced with, and the roles the scenario needs."""
    whatif: WhatIf = dataclasses.field(default_factory=WhatIf)
    """The what-ifs (--set, --price) this result was computed with; empty for a plain run."""
    baseline: dict[str, CurveChanges] | None = None
    """With --baseline (analyses/baseline.py): per stack, each point against the same sweep without what-ifs."""

    @property
    def is_range(self) -> bool:
        import numpy

        return any(not numpy.array_equal(c.per_call_low, c.per_call_high) for c in self.curves.values())

    def to_frame(self) -> pandas.DataFrame:
        """Long format: one row per (value, stack) with per-call and per-month low/high and the fixed floor."""
        import numpy
        require("pandas", "notebooks", "Data frames")
        import pandas

        frames = []
        for curve in self.curves.values():
            frames.append(pandas.DataFrame({
                self.field.name: self.values,
                "stack": curve.stack,
                "per_call_low": curve.per_call_low,
                "per_call_high": curve.per_call_high,
                "per_month_low": curve.per_call_low * self.calls_per_month_low,
                "per_month_high": curve.per_call_high * self.calls_per_month_high,
                "fixed_per_month_low": curve.fixed_per_month_low,
                "fixed_per_month_high": curve.fixed_per_month_high,
            }))
        if not frames:
            return pandas.DataFrame()
        frame = pandas.concat(frames, ignore_index=True)
        frame["currency"] = self.currency
        return frame.astype({self.field.name: numpy.float64})


@dataclass(frozen=True)
class Prepared:
    """A scenario and stacks made ready for vector evaluation: what-ifs applied, prices looked up once."""

    scenario: Scenario
    stacks: dict[str, tuple[Stack, list[tuple[StackComponent, Sku, PricePeriod]]]]
    rate: Decimal
    """Units of the output currency per USD."""
    unpriced: dict[str, str]
    shared: Shared = dataclasses.field(default_factory=Shared)
    compositions: dict[str, Composition] = dataclasses.field(default_factory=dict)
    """Per stack: what the shared components changed and the needed roles it lacks."""


def prepare(
    catalog: Catalog,
    scenario: str | Scenario,
    stacks: list[str] | None,
    *,
    as_of: date,
    currency: str,
    settings: dict[str, Any] | None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...],
    with_components: Sequence[StackComponent | str] = (),
) -> Prepared:
    model: Scenario = catalog.scenario(scenario) if isinstance(scenario, str) else to_record(scenario)
    if settings:
        model = apply_settings(model, settings)
    # Needed roles follow the scenario as given (a sweep moving agent audio from 0 does not add spoken output).
    shared = shared_for(model, with_components, catalog)
    compositions: dict[str, Composition] = {}
    fx = catalog.fx_rate(currency, as_of)
    rate = fx.per_usd if fx else Decimal(1)
    ids = stacks if stacks else sorted(catalog.stacks)
    ready: dict[str, tuple[Stack, list[tuple[StackComponent, Sku, PricePeriod]]]] = {}
    unpriced: dict[str, str] = {}
    for stack_id in ids:
        stack, compositions[stack_id] = shared.compose(catalog, catalog.stack(stack_id))
        try:
            parts = [
                (c, catalog.sku(c.sku), apply_price_changes(c.sku, catalog.price(c.sku, as_of), price_changes))
                for c in stack.components
            ]
        except NoPriceError as exc:
            unpriced[stack_id] = f"stack {stack_id}: {exc.message}"
            continue
        ready[stack_id] = (stack, parts)
    if not ready:
        reason = next(iter(unpriced.values()), "no stacks")
        raise NoPriceError(f"no stack has prices in force on {as_of}: {reason}")
    return Prepared(model, ready, rate, unpriced, shared, compositions)


def evaluate(
    prepared: Prepared, field: Field, values: Any, ops: VectorOps | None = None
) -> dict[str, tuple[Span[FloatArray], Span[FloatArray], Span[FloatArray]]]:
    """(per-call cost, fixed monthly floor, calls per month) Spans of arrays for each stack at each value.

    This is the one vectorized cost formula: sweeps, break-evens and the benchmark all go through it.
    """
    import numpy

    ops = ops or VectorOps()
    x = numpy.asarray(values, dtype=float)
    overrides: dict[str, Any] = {}
    if not field.is_price:
        overrides[field.name] = Span(x, x)
        if field.name in TWIN_FIELDS:
            overrides[TWIN_FIELDS[field.name]] = None
    with numpy.errstate(divide="ignore", invalid="ignore"):
        return _evaluate(prepared, field, x, ops, overrides)


def _evaluate(
    prepared: Prepared, field: Field, x: FloatArray, ops: VectorOps, overrides: dict[str, Any]
) -> dict[str, tuple[Span[FloatArray], Span[FloatArray], Span[FloatArray]]]:
    import numpy

    p = profile(prepared.scenario, ops, overrides)
    rate = ops.const(prepared.rate)
    out: dict[str, tuple[Span[FloatArray], Span[FloatArray], Span[FloatArray]]] = {}
    zero: Span[FloatArray] = Span(numpy.zeros_like(x), numpy.zeros_like(x))
    for stack_id, (_, parts) in prepared.stacks.items():
        per_call, fixed = zero, zero
        for component, sku, period in parts:

            def price_of(name: str, period: PricePeriod = period, sku_id: str = component.sku) -> Span[FloatArray] | None:
                return _price(period, name, field, sku_id, x, ops)

            try:
                lines = bill_component(component, sku, period, p, ops, price_of, rate)
            except NoPriceError as exc:
                raise exc.for_stack(stack_id) from None
            for line in lines:
                per_call = per_call + (line.cost / p.calls_per_month if line.monthly else line.cost)
                if line.floor_cost is not None:
                    fixed = fixed + line.floor_cost
        out[stack_id] = (_broadcast(per_call, x), _broadcast(fixed, x), _broadcast(p.calls_per_month, x))
    return out


def _price(
    period: PricePeriod, price_field: str, field: Field, sku: str, x: FloatArray, ops: VectorOps
) -> Span[FloatArray] | None:
    if field.is_price and field.sku == sku and field.price_field == price_field:
        return Span(x, x)
    value = period.price(price_field)
    return None if value is None else ops.const(value)


def _broadcast(span: Span[FloatArray], x: FloatArray) -> Span[FloatArray]:
    import numpy

    return Span(numpy.broadcast_to(numpy.asarray(span.low, dtype=float), x.shape),
                numpy.broadcast_to(numpy.asarray(span.high, dtype=float), x.shape))


def sweep_values(start: float, stop: float, step: float | None = None, log: bool = False, points: int = 200) -> numpy.ndarray:
    """The points of START:STOP[:STEP]; without a step, `points` evenly (or log-) spaced values."""
    import numpy

    if not (numpy.isfinite(start) and numpy.isfinite(stop)) or stop < start:
        raise InputError(f"sweep range {start}:{stop} must have START ≤ STOP")
    if log:
        if start <= 0:
            raise InputError("--log needs a START above 0")
        return numpy.geomspace(start, stop, points)
    if step is not None:
        if step <= 0:
            raise InputError("sweep STEP must be above 0")
        count = int(numpy.floor((stop - start) / step + 1e-9)) + 1
        if count > MAX_SWEEP_POINTS:
            raise InputError(f"sweep of {count:,} points is over the limit of {MAX_SWEEP_POINTS:,}; use a larger STEP "
                             "(or call costmodel.analyses.sweep.sweep from Python, which takes any number of values)",
                             field="--vary")
        return start + step * numpy.arange(count)
    return numpy.linspace(start, stop, points)


def sweep(
    catalog: Catalog,
    scenario: str | Scenario,
    field: str | Field,
    values: Any,
    stacks: list[str] | None = None,
    *,
    as_of: date | None = None,
    currency: str = "USD",
    settings: dict[str, Any] | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
    with_components: Sequence[StackComponent | str] = (),
) -> SweepResult:
    """Cost of each stack (default: all priced ones) at each value of `field` (name or Field), vectorized.

    `values` is any array-like of floats; whole-number fields (turns) must be given whole values.
    """
    import numpy

    as_of = as_of or date.today()
    target = field if isinstance(field, Field) else parse_field(field, catalog)
    x = numpy.asarray(values, dtype=float).ravel()
    _check_values(target, x)
    prepared = prepare(catalog, scenario, stacks, as_of=as_of, currency=currency, settings=settings,
                       price_changes=price_changes, with_components=with_components)
    evaluated = evaluate(prepared, target, x)
    curves = {}
    calls = next(iter(evaluated.values()))[2]
    for stack_id, (per_call, fixed, _) in evaluated.items():
        stack = prepared.stacks[stack_id][0]
        curves[stack_id] = StackCurve(stack_id, stack.title, stack.architecture, per_call.low, per_call.high,
                                      fixed.low, fixed.high, prepared.compositions[stack_id])
    name = scenario if isinstance(scenario, str) else "custom"
    return SweepResult(name, target, x, curves, as_of, currency, numpy.asarray(calls.low), numpy.asarray(calls.high),
                       prepared.unpriced, prepared.shared, what_if(settings, price_changes))


def _check_values(target: Field, x: Any) -> None:
    import numpy

    if x.size == 0:
        raise InputError(f"no values to sweep {target.name} over")
    if not numpy.all(numpy.isfinite(x)) or numpy.any(x < 0):
        raise InputError(f"{target.name}: sweep values must be finite and not negative")
    if target.is_price:
        return
    bounds = scenario_bounds(target.name)
    # The model's own rule, checked on the extremes and, for whole-number fields, on the first value that is not.
    fractional = x[x != numpy.round(x)] if bounds.whole else x[:0]
    for value in (float(x.min()), float(x.max()), *fractional[:1].tolist()):
        problem = bounds.problem(decimal_of(value))
        if problem is not None:
            hint = "; use a whole START and STEP" if bounds.whole and "whole" in problem else ""
            raise InputError(f"{target.name} {problem}{hint}")


def decimal_of(value: float) -> Decimal:
    """A float from a sweep as the shortest Decimal that round-trips (for --set and exact re-checks)."""
    return Decimal(repr(float(value)))
