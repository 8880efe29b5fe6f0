"""What a what-if changes: each figure of a result beside the same figure of the run without what-ifs.

`with_baseline(compare, catalog, "support-call-5min", settings={"turns": 12})` runs the analysis as asked and
again without its what-ifs (`settings`, `price_changes`, `with_components`; an exchange rate set for the run is
dropped by passing the unmodified library as `baseline_catalog`), and returns the what-if result with its
`baseline` field filled: per stack (compare) or per bill line (breakdown), each figure's baseline value, its
change and the change in percent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from costmodel.core.interval import Span
from costmodel.core.rounding import round_half_up
from costmodel.data.catalog import Catalog
from costmodel.errors import InputError
from costmodel.plain_dataclass import dataclass, field

R = TypeVar("R")

PERCENT_PLACES = 4
"""Decimal places a change in percent is kept to (the money figures stay exact)."""

WHATIF_OPTIONS = ("settings", "price_changes", "with_components")
"""The keyword arguments of an analysis that make a what-if; the baseline run goes without them."""


@dataclass(frozen=True)
class Change:
    """One figure against the same figure of the run without what-ifs."""

    baseline: Span[Decimal]
    """The figure without what-ifs."""
    delta: Span[Decimal]
    """What-if minus baseline, end by end (low − low, high − high), ordered; negative when the what-if is cheaper."""
    percent: Span[Decimal] | None
    """The change as a percentage of the baseline, end by end, ordered, rounded half-up to PERCENT_PLACES places;
    None when a baseline end is 0."""


def change(value: Span[Decimal] | None, baseline: Span[Decimal] | None) -> Change | None:
    """The change of a figure from its baseline, or None when either run has no figure (unpriced)."""
    if value is None or baseline is None:
        return None
    at_low, at_high = value.low - baseline.low, value.high - baseline.high
    delta = Span(min(at_low, at_high), max(at_low, at_high))
    percent: Span[Decimal] | None = None
    if baseline.low != 0 and baseline.high != 0:
        low, high = (round_half_up(at / base * 100, PERCENT_PLACES).normalize() + 0
                     for at, base in ((at_low, baseline.low), (at_high, baseline.high)))
        percent = Span(min(low, high), max(low, high))
    return Change(baseline, delta, percent)


@dataclass(frozen=True)
class RowChanges:
    """A row's figures (a stack of a comparison, or a whole bill) against the run without what-ifs."""

    per_call: Change | None
    """Cost per call; None when either run leaves the stack unpriced."""
    per_month: Change | None
    """Cost per month; None when either run leaves the stack unpriced."""
    rank: int | None = None
    """The stack's place in the baseline comparison (None: unpriced there, or not a comparison)."""
    unpriced: str | None = None
    """Why the baseline run has no figure for the stack, when it has none."""


@dataclass(frozen=True)
class BillChanges:
    """A bill against the same bill without what-ifs: the totals and each line both runs have."""

    total: RowChanges
    """The bill's cost per call and per month."""
    lines: list[Change | None] = field(default_factory=list)
    """One per line of the what-if bill, in its order: the line's cost per call against the baseline line of the
    same role, SKU and meter; None for a line the baseline bill does not have."""


@dataclass(frozen=True)
class CurveChanges:
    """A sweep's curve (one stack, float64 arrays, one entry per swept value) against the baseline sweep's."""

    baseline_low: Any
    """The baseline per-call cost at each value, low end (numpy array)."""
    baseline_high: Any
    """The baseline per-call cost at each value, high end."""
    change_low: Any
    """What-if minus baseline at each value, the lower of the two ends' changes (as Change.delta)."""
    change_high: Any
    """What-if minus baseline at each value, the higher of the two ends' changes."""
    percent_low: Any
    """The change in percent of the baseline, lower end, rounded to PERCENT_PLACES; NaN where a baseline end is 0."""
    percent_high: Any
    """The change in percent of the baseline, higher end; NaN where a baseline end is 0."""


@dataclass(frozen=True)
class CrossingShift:
    """Where the cheaper stack changes for good (`Answer.settled_from`), with the what-ifs against without."""

    baseline: float | None
    """The crossing without the what-ifs (None: the stacks never cross there)."""
    value: float | None
    """The crossing with the what-ifs (None: they never cross)."""
    change: float | None
    """value − baseline (None unless both cross)."""
    percent: float | None
    """The change in percent of the baseline crossing, rounded to PERCENT_PLACES (None unless both cross and the
    baseline crossing is not 0)."""


@dataclass(frozen=True)
class BreakEvenChanges:
    """A break-even against the same search (same range) without what-ifs."""

    answers: dict[str, Any]
    """The baseline run's answers (`Answer`) by end: 'point', or 'low' and 'high' with ranged inputs."""
    crossings: list[Any]
    """The baseline run's crossings (`Crossing`), lowest value first."""
    shifts: dict[str, CrossingShift]
    """Per end of the what-if run: its crossing against the baseline's at the same end (or its only end)."""


def with_baseline(analysis: Callable[..., R], catalog: Catalog, *args: Any, baseline_catalog: Catalog | None = None,
                  **options: Any) -> R:
    """Run `analysis(catalog, *args, **options)` and again without its what-ifs, and return the first result with
    its `baseline` field set (compare: per stack; estimate: the bill and its lines; sensitivity: the base cost
    per call).

    `baseline_catalog` (default: `catalog`) is the library of the baseline run: the unmodified one when the
    what-if library differs (an exchange rate set for the run). InputError when there is no what-if to compare.
    """
    plain = {name: value for name, value in options.items() if name not in WHATIF_OPTIONS}
    if not any(options.get(name) for name in WHATIF_OPTIONS) and (baseline_catalog is None or baseline_catalog is catalog):
        raise InputError("--baseline shows the change a what-if makes; give --set, --price, --with or --fx-rate",
                         field="--baseline")
    result = analysis(catalog, *args, **options)
    if type(result).__name__ == "BreakEven":  # the baseline searches the what-if run's range
        searched: Any = result
        args, plain = args[:4], {**plain, "between": (searched.low, searched.high)}
    baseline = analysis(baseline_catalog or catalog, *args, **plain)
    return against_baseline(result, baseline)


def against_baseline(result: R, baseline: R) -> R:
    """`result` with its `baseline` field set from the same analysis run without what-ifs."""
    # By shape, not by class: compare and estimate import this module for their result types' fields.
    kind = type(result).__name__
    if type(baseline).__name__ != kind:
        raise TypeError(f"a {kind} cannot be compared with a {type(baseline).__name__}")
    if kind == "Comparison":
        return dataclasses.replace(result, baseline=comparison_changes(result, baseline))  # type: ignore[type-var]
    if kind == "Bill":
        return dataclasses.replace(result, baseline=bill_changes(result, baseline))  # type: ignore[type-var]
    if kind == "SensitivityResult":  # the base cost per call the inputs are moved from
        return dataclasses.replace(result, baseline=base_cost_change(result, baseline))  # type: ignore[type-var]
    if kind == "SweepResult":
        return dataclasses.replace(result, baseline=sweep_changes(result, baseline))  # type: ignore[type-var]
    if kind == "BreakEven":
        return dataclasses.replace(result, baseline=breakeven_changes(result, baseline))  # type: ignore[type-var]
    raise TypeError(f"no baseline view of {kind}")


def sweep_changes(result: Any, baseline: Any) -> dict[str, CurveChanges]:
    """Per stack of a sweep (both `SweepResult`, the same values), each point against the baseline sweep's."""
    import numpy

    changes: dict[str, CurveChanges] = {}
    for stack, curve in result.curves.items():
        base = baseline.curves.get(stack)
        if base is None:
            continue
        at_low, at_high = curve.per_call_low - base.per_call_low, curve.per_call_high - base.per_call_high
        with numpy.errstate(divide="ignore", invalid="ignore"):
            pct_low = numpy.where(base.per_call_low != 0, at_low / base.per_call_low * 100, numpy.nan)
            pct_high = numpy.where(base.per_call_high != 0, at_high / base.per_call_high * 100, numpy.nan)
        none = numpy.isnan(pct_low) | numpy.isnan(pct_high)
        pct_low, pct_high = (numpy.where(none, numpy.nan, numpy.round(p, PERCENT_PLACES)) for p in (pct_low, pct_high))
        changes[stack] = CurveChanges(base.per_call_low, base.per_call_high, numpy.minimum(at_low, at_high),
                                      numpy.maximum(at_low, at_high), numpy.fmin(pct_low, pct_high),
                                      numpy.fmax(pct_low, pct_high))
    return changes


def breakeven_changes(result: Any, baseline: Any) -> BreakEvenChanges:
    """A break-even (`BreakEven`) against the baseline search: its answers and the shift of each end's crossing."""
    before = baseline.answers
    shifts: dict[str, CrossingShift] = {}
    for end, answer in result.answers.items():
        base = before.get(end) or before.get("point")
        if base is None:  # the what-if has one answer, the baseline one per end: no single crossing to set it against
            continue
        old, new = base.settled_from, answer.settled_from
        delta = new - old if old is not None and new is not None else None
        percent = round(delta / old * 100, PERCENT_PLACES) if delta is not None and old else None
        shifts[end] = CrossingShift(old, new, delta, percent)
    return BreakEvenChanges(before, list(baseline.crossings), shifts)


def comparison_changes(result: Any, baseline: Any) -> dict[str, RowChanges]:
    """Per stack of a comparison (both `Comparison`), its figures against the baseline comparison's."""
    before = {row.stack: row for row in baseline.rows}
    changes: dict[str, RowChanges] = {}
    for row in result.rows:
        base = before.get(row.stack)
        if base is None:
            continue
        changes[row.stack] = RowChanges(change(row.per_call, base.per_call), change(row.per_month, base.per_month),
                                        base.rank, base.unpriced)
    return changes


def base_cost_change(result: Any, baseline: Any) -> Change | None:
    """A sensitivity's base cost per call (both `SensitivityResult`) against the baseline run's."""
    return change(result.per_call, baseline.per_call)


def _line_key(line: Any) -> tuple[str, str, str, str]:
    return (line.role, line.sku, line.price_field, line.meter)


def bill_changes(result: Any, baseline: Any) -> BillChanges:
    """A bill (`Bill`) against the baseline bill: its totals, and each line against the baseline line with the
    same role, SKU, price field and meter."""
    before: dict[tuple[str, str, str, str], list[Any]] = {}
    for line in baseline.lines:
        before.setdefault(_line_key(line), []).append(line)
    lines: list[Change | None] = []
    for line in result.lines:
        same = before.get(_line_key(line))  # lines with one key (volume tiers) are matched in order
        lines.append(change(line.cost_per_call, same.pop(0).cost_per_call) if same else None)
    total = RowChanges(change(result.per_call, baseline.per_call), change(result.per_month, baseline.per_month))
    return BillChanges(total, lines)
