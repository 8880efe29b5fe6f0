"""Break-even: where along one input two stacks cost the same per call, and which is cheaper either side.

How crossings are found (no scanning where the cost is piecewise polynomial):
1. The only kinks and steps in the cost formula come from rounding up (GPU counts, concurrency slots and
   billing increments: `Ops.ceil`, `Ops.bill`) and from monthly volume meeting an edge (volume tiers,
   included minutes: `Ops.band`, `Ops.all_units`). One vectorized evaluation records every rounded-up
   quantity and every (monthly quantity, edge) pair at five probe points; where each is affine in the
   input, the values at which it passes a whole number, or meets its edge, are solved directly. Those
   are the breakpoints.
2. Between breakpoints the difference in cost is a polynomial of degree ≤ 2: linear in volume (per month),
   prices, audio seconds and tokens, quadratic in turns (each turn re-reads the history). It is fitted
   from three interior points, checked at two more, and its roots are solved in closed form.
3. Where a rounded quantity is not affine in the input, or a fit fails its check, the segment falls back
   to sign-change bracketing on a dense grid and vectorized bisection: robust, and every crossing found
   is reported.
A sign change across a breakpoint (a GPU step) is reported as a switch, with the costs either side.
Break-evens are computed in float64 on the sweep formula; `compare --set FIELD=VALUE` re-checks exactly.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from costmodel.analyses.baseline import BreakEvenChanges
from costmodel.analyses.sweep import Field, Prepared, SweepResult, decimal_of, evaluate, parse_field, prepare
from costmodel.core.backends import VectorOps
from costmodel.core.overrides import PriceChange, WhatIf, what_if
from costmodel.core.shared import Composition, Shared
from costmodel.data.catalog import Catalog
from costmodel.data.records import Scenario, StackComponent, quantity_high, scenario_bounds
from costmodel.errors import InputError, NoPriceError

End = Literal["point", "low", "high", "both"]
MAX_BREAKPOINTS = 2_000_000
GRID_POINTS = 4097


@dataclass(frozen=True)
class Crossing:
    """One place where the cheaper stack changes."""

    value: float
    """The input's value at the crossing (for a step: the breakpoint)."""
    kind: Literal["equal", "step"]
    """equal: both stacks cost the same here; step: a GPU or billing step jumps one cost past the other."""
    end: End
    """Which end of ranged inputs this is for: point (no ranges), low, high, or both (the ends agree)."""
    cost_a: float
    """Stack A's cost per call at the crossing (for a step: just below it)."""
    cost_b: float
    cheaper_below: str
    """Stack id cheaper just below the crossing, or 'neither' when they cost the same there."""
    cheaper_above: str
    method: Literal["linear", "quadratic", "bisection"]


@dataclass(frozen=True)
class Answer:
    """A break-even in one sentence: who is cheaper at each end, and where the cheaper stack changes for good."""

    kind: Literal["never", "once", "alternates"]
    """never: one stack (or neither) is cheaper throughout; once: one crossing; alternates: several (GPU or
    billing steps make the cheaper stack flip back and forth before it settles)."""
    cheaper_at_low: str
    """The stack cheaper at the range's low value, or 'neither'."""
    cheaper_at_high: str
    """The stack cheaper at the range's high value, and from `settled_from` on for good."""
    first: float | None
    """The lowest crossing (None when they never cross)."""
    settled_from: float | None
    """The highest crossing: above it the cheaper stack no longer changes (None when they never cross)."""
    crossings: int


@dataclass
class BreakEven:
    """Where two stacks cost the same per call along one input, within [low, high]."""

    scenario: str
    stack_a: str
    stack_b: str
    field: Field
    low: float
    high: float
    as_of: date
    currency: str
    crossings: list[Crossing]
    cheaper_at_low: dict[End, str]
    """For each end computed ('point' or 'low'/'high'): the cheaper stack at the range's low value."""
    cheaper_at_high: dict[End, str]
    is_range: bool = False
    notes: list[str] = dataclasses.field(default_factory=list)
    shared: Shared = dataclasses.field(default_factory=Shared)
    """Components both stacks were priced with, and the roles the scenario needs."""
    compositions: dict[str, Composition] = dataclasses.field(default_factory=dict)
    """Per stack: what the shared components changed and the needed roles it lacks."""
    whatif: WhatIf = dataclasses.field(default_factory=WhatIf)
    """The what-ifs (--set, --price) this result was computed with; empty for a plain run."""
    baseline: BreakEvenChanges | None = None
    """With --baseline (analyses/baseline.py): the answer without what-ifs and how far each crossing moved."""

    @property
    def answers(self) -> dict[End, Answer]:
        """One answer per end of the inputs ('point' without ranges; 'low' and 'high' with them): where the
        cheaper stack changes for good, or the band where it alternates."""
        found: dict[End, Answer] = {}
        for end, cheaper_low in self.cheaper_at_low.items():
            values = [c.value for c in self.crossings if c.end in (end, "both")]
            cheaper_high = self.cheaper_at_high[end]
            if not values:
                found[end] = Answer("never", cheaper_low, cheaper_high, None, None, 0)
            else:
                kind: Literal["once", "alternates"] = "once" if len(values) == 1 else "alternates"
                found[end] = Answer(kind, cheaper_low, cheaper_high, min(values), max(values), len(values))
        return found

    @property
    def band(self) -> tuple[float, float] | None:
        """With ranged inputs: from the lowest to the highest crossing over both ends (None without crossings)."""
        if not self.is_range or not self.crossings:
            return None
        values = [c.value for c in self.crossings]
        return min(values), max(values)


class _RecordingOps(VectorOps):
    """VectorOps that keeps every quantity it rounds up, so breakpoints can be solved for."""

    def __init__(self) -> None:
        super().__init__()
        self.rounded: list[Any] = []
        self.edges: list[tuple[Any, float]] = []

    def _ceil(self, value: Any) -> Any:
        self.rounded.append(self.np.asarray(value, dtype=float))
        return super()._ceil(value)

    def _edge(self, value: Any, at: Any) -> None:
        if at is not None:
            self.edges.append((self.np.asarray(value, dtype=float), float(at)))


def default_between(catalog: Catalog, prepared: Prepared, target: Field, as_of: date) -> tuple[float, float]:
    """A range wide enough for the usual questions: volume 1–10M calls, turns 1–50, up to 10× today's value."""
    if target.name == "calls_per_month":
        return 1.0, 10_000_000.0
    if target.name == "turns":
        return 1.0, 50.0
    bounds = None if target.is_price else scenario_bounds(target.name)
    if bounds is not None and bounds.at_most is not None:
        return 0.0, float(bounds.at_most)
    if target.is_price:
        assert target.sku is not None and target.price_field is not None
        current = catalog.price(target.sku, as_of).price(target.price_field)
    else:
        current = getattr(prepared.scenario, target.name)
    high = float(quantity_high(current)) * 10 if current is not None else 0.0
    high = high if high > 0 else 10.0
    return (high / 100, high) if bounds is not None and bounds.above is not None else (0.0, high)


def _differences(prepared: Prepared, target: Field, a: str, b: str, x: Any, ops: VectorOps | None = None) -> dict[str, Any]:
    """Per-call costs of A and B and the difference to solve: per month when volume varies (linear there)."""
    result = evaluate(prepared, target, x, ops)
    (cost_a, _, _), (cost_b, _, _) = result[a], result[b]
    weight = x if target.name == "calls_per_month" else 1.0
    return {
        "low": (cost_a.low, cost_b.low, (cost_a.low - cost_b.low) * weight),
        "high": (cost_a.high, cost_b.high, (cost_a.high - cost_b.high) * weight),
    }


def _breakpoints(prepared: Prepared, target: Field, a: str, b: str, lo: float, hi: float) -> Any | None:
    """Values in (lo, hi) where a rounded-up quantity passes a whole number; None if one is not affine."""
    import numpy

    t = numpy.array([0.0, 0.25, 0.5, 0.75, 1.0])
    x = lo + (hi - lo) * t
    ops = _RecordingOps()
    _differences(prepared, target, a, b, x, ops)
    found = []
    for arg, edge in [*((r, None) for r in ops.rounded), *ops.edges]:
        arg = numpy.broadcast_to(arg, x.shape)
        start, slope = arg[0], arg[-1] - arg[0]
        scale = max(1.0, float(numpy.max(numpy.abs(arg))))
        if numpy.max(numpy.abs(start + slope * t - arg)) > 1e-9 * scale:
            return None
        if slope == 0:
            continue
        if edge is not None:  # a tier or allowance edge: one breakpoint, where the monthly quantity meets it
            found.append(numpy.array([lo + (edge - start) / slope * (hi - lo)]))
            continue
        first, last = sorted((arg[0], arg[-1]))
        count = int(numpy.floor(last) - numpy.ceil(first)) + 1
        if count <= 0:
            continue
        if count > MAX_BREAKPOINTS:
            return None
        whole = numpy.ceil(first) + numpy.arange(count)
        found.append(lo + (whole - start) / slope * (hi - lo))
    if not found:
        return numpy.array([])
    points = numpy.unique(numpy.concatenate(found))
    points = points[(points > lo) & (points < hi)]
    return points if points.size <= MAX_BREAKPOINTS else None


def _tolerance(cost_a: Any, cost_b: Any, weight: Any) -> float:
    import numpy

    scale = float(numpy.max(numpy.abs(cost_a) + numpy.abs(cost_b)) * numpy.max(numpy.abs(weight)))
    return max(scale, 1e-300) * 1e-11


def _polynomial_roots(prepared: Prepared, target: Field, a: str, b: str, edges: Any, end: str
                      ) -> tuple[list[float], list[str], list[float]] | None:
    """Closed-form roots of the per-segment quadratic fits, and sign switches at breakpoints; None if a fit fails."""
    import numpy

    fit_t = numpy.array([0.2, 0.5, 0.8, 0.35, 0.65])
    left, right = edges[:-1], edges[1:]
    x = (left[:, None] + (right - left)[:, None] * fit_t[None, :]).ravel()
    cost_a, cost_b, diff = _differences(prepared, target, a, b, x)[end]
    y = diff.reshape(-1, 5)
    weight = x if target.name == "calls_per_month" else numpy.ones_like(x)
    tol = _tolerance(cost_a, cost_b, weight)
    # Quadratic in u ∈ [-1, 1] across the segment, through u = -0.6, 0, 0.6 (t = 0.2, 0.5, 0.8).
    y0, y1, y2 = y[:, 0], y[:, 1], y[:, 2]
    qa = (y0 - 2 * y1 + y2) / (2 * 0.36)
    qb = (y2 - y0) / (2 * 0.6)
    qc = y1
    for column, u in ((3, -0.3), (4, 0.3)):
        if numpy.any(numpy.abs(qa * u * u + qb * u + qc - y[:, column]) > 1e3 * tol + 1e-9 * numpy.abs(y[:, column])):
            return None
    roots, methods = [], []
    linear = numpy.abs(qa) <= tol
    half, mid = (right - left) / 2, (right + left) / 2
    for i in numpy.nonzero(linear & (numpy.abs(qb) > tol))[0]:
        u = -qc[i] / qb[i]
        if -1 <= u <= 1:
            roots.append(mid[i] + half[i] * u)
            methods.append("linear")
    for i in numpy.nonzero(~linear)[0]:
        disc = qb[i] ** 2 - 4 * qa[i] * qc[i]
        if disc <= 0:
            continue  # touching without crossing is not a break-even
        q = -0.5 * (qb[i] + numpy.copysign(numpy.sqrt(disc), qb[i]))
        for u in (q / qa[i], qc[i] / q if q != 0 else numpy.inf):
            if -1 <= u <= 1:
                roots.append(mid[i] + half[i] * u)
                methods.append("quadratic")
    # A step can carry the difference across zero at a breakpoint without any equal-cost point.
    at_right = qa[:-1] + qb[:-1] + qc[:-1]
    at_left = qa[1:] - qb[1:] + qc[1:]
    jumps = numpy.nonzero((numpy.abs(at_right) > tol) & (numpy.abs(at_left) > tol)
                          & (numpy.sign(at_right) != numpy.sign(at_left)))[0]
    return roots, methods, [float(edges[i + 1]) for i in jumps]


def _bisection_roots(prepared: Prepared, target: Field, a: str, b: str, lo: float, hi: float, end: str
                     ) -> tuple[list[float], list[float]]:
    """Sign changes on a dense grid, each narrowed by bisection; returns (equal-cost roots, step switches)."""
    import numpy

    grid = numpy.geomspace(lo, hi, GRID_POINTS) if lo > 0 and hi / lo >= 100 else numpy.linspace(lo, hi, GRID_POINTS)
    cost_a, cost_b, diff = _differences(prepared, target, a, b, grid)[end]
    tol = _tolerance(cost_a, cost_b, grid if target.name == "calls_per_month" else numpy.ones_like(grid))
    sign = numpy.where(numpy.abs(diff) <= tol, 0, numpy.sign(diff))
    nonzero = numpy.nonzero(sign)[0]
    pairs = [(i, j) for i, j in itertools.pairwise(nonzero) if sign[i] != sign[j]]
    if not pairs:
        return [], []
    left = numpy.array([grid[i] for i, _ in pairs])
    right = numpy.array([grid[j] for _, j in pairs])
    left_sign = numpy.array([sign[i] for i, _ in pairs])
    for _ in range(200):
        middle = (left + right) / 2
        _, _, d = _differences(prepared, target, a, b, middle)[end]
        same = numpy.sign(d) == left_sign
        left, right = numpy.where(same, middle, left), numpy.where(same, right, middle)
        if numpy.all(right - left <= 4 * numpy.spacing(numpy.abs(right) + 1e-300)):
            break
    middle = (left + right) / 2
    _, _, d = _differences(prepared, target, a, b, numpy.concatenate([left, right]))[end]
    jump = numpy.abs(d[: len(left)] - d[len(left):]) > 1e3 * tol
    pairs_found = list(zip(middle, jump, strict=True))
    return [float(m) for m, j in pairs_found if not j], [float(m) for m, j in pairs_found if j]


def _side(prepared: Prepared, target: Field, a: str, b: str, x: Any, end: str) -> list[str]:
    import numpy

    cost_a, cost_b, diff = _differences(prepared, target, a, b, numpy.asarray(x, dtype=float))[end]
    weight = numpy.asarray(x, dtype=float) if target.name == "calls_per_month" else numpy.ones_like(diff)
    tol = _tolerance(cost_a, cost_b, weight)
    return [a if d < -tol else b if d > tol else "neither" for d in diff]


def breakeven(
    catalog: Catalog,
    scenario: str | Scenario,
    stack_a: str,
    stack_b: str,
    over: str | Field,
    between: tuple[float, float] | None = None,
    *,
    as_of: date | None = None,
    currency: str = "USD",
    settings: dict[str, Any] | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
    with_components: Sequence[StackComponent | str] = (),
) -> BreakEven:
    """Every value of `over` in `between` (default: see default_between) at which A and B cost the same per call."""
    import numpy

    as_of = as_of or date.today()
    target = over if isinstance(over, Field) else parse_field(over, catalog)
    if stack_a == stack_b:
        raise InputError(f"compare two different stacks (got {stack_a} twice)")
    prepared = prepare(catalog, scenario, [stack_a, stack_b], as_of=as_of, currency=currency, settings=settings,
                       price_changes=price_changes, with_components=with_components)
    if prepared.unpriced:
        raise NoPriceError(next(iter(prepared.unpriced.values())))
    lo, hi = between if between is not None else default_between(catalog, prepared, target, as_of)
    _check_between(target, lo, hi)
    probe = _differences(prepared, target, stack_a, stack_b, numpy.array([lo, (lo + hi) / 2, hi]))
    is_range = any(not numpy.array_equal(probe["low"][i], probe["high"][i]) for i in (0, 1))
    ends: list[tuple[End, str]] = [("low", "low"), ("high", "high")] if is_range else [("point", "low")]
    breakpoints = _breakpoints(prepared, target, stack_a, stack_b, lo, hi)
    notes: list[str] = []
    crossings: list[Crossing] = []
    for end, key in ends:
        fitted = None
        if breakpoints is not None:
            fitted = _polynomial_roots(prepared, target, stack_a, stack_b, numpy.concatenate([[lo], breakpoints, [hi]]), key)
        if fitted is not None:
            roots, methods, steps = fitted
        else:
            roots, steps = _bisection_roots(prepared, target, stack_a, stack_b, lo, hi, key)
            methods = ["bisection"] * len(roots)
            if "bisection" not in " ".join(notes):
                notes.append(f"{target.name}: cost is not piecewise linear or quadratic here; crossings found by bisection")
        crossings.extend(_describe(prepared, target, stack_a, stack_b, end, key, roots, methods, steps, lo, hi))
    crossings = _merge_ends(sorted(crossings, key=lambda c: (c.value, c.end)))
    name = scenario if isinstance(scenario, str) else "custom"
    cheaper_low = {end: _side(prepared, target, stack_a, stack_b, [lo], key)[0] for end, key in ends}
    cheaper_high = {end: _side(prepared, target, stack_a, stack_b, [hi], key)[0] for end, key in ends}
    return BreakEven(name, stack_a, stack_b, target, lo, hi, as_of, currency, crossings, cheaper_low, cheaper_high,
                     is_range, notes, prepared.shared, prepared.compositions, what_if(settings, price_changes))


def _merge_ends(crossings: list[Crossing]) -> list[Crossing]:
    """A crossing the low and high ends of ranged inputs share is reported once, as 'both'."""
    from dataclasses import replace

    merged: list[Crossing] = []
    for c in crossings:
        last = merged[-1] if merged else None
        if (last is not None and {last.end, c.end} == {"low", "high"} and last.kind == c.kind
                and abs(last.value - c.value) <= 1e-9 * max(1.0, abs(c.value))
                and (last.cheaper_below, last.cheaper_above) == (c.cheaper_below, c.cheaper_above)):
            merged[-1] = replace(last, end="both")
        else:
            merged.append(c)
    return merged


def _describe(prepared: Prepared, target: Field, a: str, b: str, end: End, key: str, roots: list[float],
              methods: list[str], steps: list[float], lo: float, hi: float) -> list[Crossing]:
    import numpy

    found = sorted([(float(r), "equal", m) for r, m in zip(roots, methods, strict=True)]
                   + [(float(s), "step", "linear" if methods or not roots else "bisection") for s in steps])
    unique: list[tuple[float, str, str]] = []
    for item in found:
        if not unique or abs(item[0] - unique[-1][0]) > 1e-9 * max(1.0, abs(item[0])):
            unique.append(item)
    if not unique:
        return []
    values = numpy.array([u[0] for u in unique])
    span = max(hi - lo, 1e-300)
    # Cheaper side: just either side of each crossing, half-way to its neighbour (or the range end).
    bounds = numpy.concatenate([[lo], values, [hi]])
    below = numpy.maximum(values - numpy.minimum((values - bounds[:-2]) / 2, 1e-6 * span), lo)
    above = numpy.minimum(values + numpy.minimum((bounds[2:] - values) / 2, 1e-6 * span), hi)
    sides_below = _side(prepared, target, a, b, below, key)
    sides_above = _side(prepared, target, a, b, above, key)
    at = numpy.where([u[1] == "step" for u in unique], below, values)
    cost_a, cost_b, _ = _differences(prepared, target, a, b, at)[key]
    return [
        Crossing(float(v), kind, end, float(ca), float(cb), sb, sa, method)  # type: ignore[arg-type]
        for (v, kind, method), ca, cb, sb, sa in zip(unique, cost_a, cost_b, sides_below, sides_above, strict=True)
        if sb != sa
    ]


def _check_between(target: Field, lo: float, hi: float) -> None:
    import math

    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or lo < 0:
        raise InputError(f"--between {lo}:{hi}: give LOW:HIGH with 0 ≤ LOW < HIGH", field="--between")
    if target.is_price:
        return
    bounds = scenario_bounds(target.name)
    # Whole-number fields are searched between whole numbers too (a crossing may fall between two turns).
    for end in (lo, hi):
        problem = bounds.problem(decimal_of(end).to_integral_value() if bounds.whole else decimal_of(end))
        if problem is not None:
            raise InputError(f"{target.name} {problem}", field="--between")


def sweep_breakevens(
    catalog: Catalog,
    result: SweepResult,
    scenario: str | Scenario,
    *,
    cheapest_only: bool = False,
    settings: dict[str, Any] | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
) -> list[BreakEven]:
    """Break-evens between every pair of a sweep's stacks over the swept range, for marking on its chart.

    Each pair keeps its first equal-cost crossing (a sawtooth of billing steps would otherwise cover the
    chart); with `cheapest_only`, only crossings where the cheapest stack hands over to another.
    """
    import numpy

    # The sweep's shared components (its scenario's and those it was given) are priced the same way here.
    shared = result.shared.components
    prepared = prepare(catalog, scenario, list(result.curves), as_of=result.as_of, currency=result.currency,
                       settings=settings, price_changes=price_changes, with_components=shared)
    lo, hi = float(result.values.min()), float(result.values.max())
    if hi <= lo:
        return []
    kept = []
    for a, b in itertools.combinations(result.curves, 2):
        be = breakeven(catalog, scenario, a, b, result.field, (lo, hi), as_of=result.as_of, currency=result.currency,
                       settings=settings, price_changes=price_changes, with_components=shared)
        equal = [c for c in be.crossings if c.kind == "equal"]
        if equal and cheapest_only:
            # Evaluated directly (not through sweep()): a crossing may fall between whole numbers of turns.
            at = evaluate(prepared, result.field, numpy.array([c.value for c in equal]))
            lowest = numpy.min([per_call.low for per_call, _, _ in at.values()], axis=0)
            equal = [c for c, floor in zip(equal, lowest, strict=True) if c.cost_a <= floor * (1 + 1e-9) + 1e-12]
        be.crossings = equal[:1]
        if be.crossings:
            kept.append(be)
    return kept
