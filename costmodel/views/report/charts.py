"""The report's two break-even charts (per-call cost against calls per month and against caller audio length).

Curves come from costmodel.analyses.sweep (the engine's usage formulas on the vector backend) and crossings from
costmodel.analyses.breakeven; nothing here prices anything. Charts are SVG strings with glyphs drawn as paths (no
fonts, no external references) and fixed ids and no date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from costmodel.analyses.compare import Comparison
from costmodel.core.overrides import PriceChange
from costmodel.data.catalog import Catalog
from costmodel.data.records import Range, Scenario, StackComponent

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from costmodel.analyses.breakeven import BreakEven
    from costmodel.analyses.sweep import SweepResult


@dataclass(frozen=True)
class Chart:
    """A break-even chart: `svg` is a complete inline <svg> element (no external resources)."""

    key: str
    title: str
    caption: str
    svg: str

MAX_STACKS = 6
"""Stacks drawn per chart (the cheapest first): more lines and bands than this stop being readable."""
POINTS = 240


@dataclass(frozen=True)
class Axis:
    key: str
    field: str
    title: str
    log: bool
    low: float
    high: float
    current: tuple[float, float]
    """The scenario's own value (low, high), marked on the chart."""
    unit: str


def _ends(value: Any) -> tuple[float, float]:
    if isinstance(value, Range):
        return float(value.low), float(value.high)
    return float(value), float(value)


def axes_for(scenario: Scenario) -> list[Axis]:
    """Volume from 1/100 to 100× the scenario's, log scale; caller audio from 0 to 3× its high end."""
    calls = _ends(scenario.calls_per_month)
    per_turn = scenario.caller_audio_seconds is None
    name = "caller_audio_seconds_per_turn" if per_turn else "caller_audio_seconds"
    audio = _ends(getattr(scenario, name))
    return [
        Axis("calls", "calls_per_month", "Cost per call against calls per month", True,
             max(1.0, calls[0] / 100), calls[1] * 100, calls, "calls per month"),
        Axis("length", name, f"Cost per call against caller audio {'per turn' if per_turn else 'per call'}", False,
             0.0, max(audio[1] * 3, 10.0), audio, "seconds"),
    ]


def _values(axis: Axis) -> Any:
    import numpy

    if axis.log:
        return numpy.geomspace(axis.low, axis.high, POINTS)
    return numpy.linspace(axis.low, axis.high, POINTS)


def _figure(result: SweepResult, axis: Axis, breakevens: list[BreakEven]) -> Figure:
    """costmodel.views.charts.sweep_figure (ranges shaded, GPU floors dashed, break-evens marked) plus this scenario's mark."""
    from costmodel.views.charts import fit_labels, sweep_figure

    figure = sweep_figure(result, breakevens, log=axis.log, title=axis.title)
    ax = figure.axes[0]
    low, high = axis.current
    if low == high:
        ax.axvline(low, color="0.3", linewidth=1, linestyle=":")
    else:
        ax.axvspan(low, high, color="0.5", alpha=0.12, linewidth=0)
    ax.annotate("this scenario", xy=(high, 1), xycoords=("data", "axes fraction"), xytext=(3, -12),
                textcoords="offset points", fontsize=8, color="0.3")
    ax.set_xlim(axis.low, axis.high)
    fit_labels(figure)  # the mark's label must not sit on a break-even number
    return figure


def figure_svg(figure: Figure) -> str:
    """An SVG string with no date and stable ids (hashsalt), glyphs as paths."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "costmodel-report", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _fmt(value: float, axis: Axis) -> str:
    return f"{value:,.0f}" if axis.field == "calls_per_month" or value == round(value) else f"{value:,.1f}"


def break_evens(catalog: Catalog, comparison: Comparison, axis: Axis, stacks: list[str], settings: dict[str, Any] | None,
                price_changes: list[PriceChange] | tuple[PriceChange, ...],
                with_components: Sequence[StackComponent | str] = ()) -> list[BreakEven]:
    """The cheapest stack against each other drawn stack, along the axis's range."""
    from costmodel.analyses.breakeven import breakeven

    return [
        breakeven(catalog, comparison.scenario, stacks[0], other, axis.field, (axis.low, axis.high),
                  as_of=comparison.as_of, currency=comparison.currency, settings=settings, price_changes=price_changes,
                  with_components=with_components)
        for other in stacks[1:]
    ]


def crossing_text(axis: Axis, cheapest: str, found: list[BreakEven]) -> str:
    """Where each drawn alternative breaks even with the cheapest stack along the axis, in words: one answer per
    pair (where the cheaper stack changes for good, or the band where it alternates at GPU or billing steps),
    never the step-by-step crossings (`costmodel breakeven --all` lists those)."""
    from costmodel.views.breakeven import answer_text

    parts, never = [], []
    for be in found:
        winners = set(be.cheaper_at_low.values()) | set(be.cheaper_at_high.values())
        if not be.crossings and winners == {cheapest}:
            never.append(be.stack_b)
        else:
            answer = answer_text(be, "table").removeprefix("Answer: ").rstrip(".")
            parts.append(f"{be.stack_b} against {cheapest}: {answer}")
    if never:
        parts.insert(0, f"From {_fmt(axis.low, axis)} to {_fmt(axis.high, axis)} {axis.unit}, {cheapest} stays cheaper "
                        f"than {', '.join(never)}: no break-even")
    return ". ".join(parts) + "." if parts else ""


def break_even_charts(
    catalog: Catalog,
    comparison: Comparison,
    scenario: Scenario,
    *,
    settings: dict[str, Any] | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
    with_components: Sequence[StackComponent | str] = (),
) -> list[Chart]:
    """The volume and call-length charts for the cheapest stacks of a comparison, with break-even captions."""
    from costmodel.analyses.sweep import sweep
    from costmodel.views.inputs import input_label

    ranked = [row for row in comparison.rows if row.rank is not None]
    stacks = [row.stack for row in ranked][:MAX_STACKS]
    charts = []
    for axis in axes_for(scenario):
        drawn = list(stacks)
        if axis.field == "calls_per_month":
            # Volume is where fixed-cost (self-hosted) stacks break even with per-call ones: always draw them.
            drawn += [r.stack for r in ranked if r.fixed_per_month and r.fixed_per_month.high > 0 and r.stack not in drawn]
        result = sweep(catalog, comparison.scenario, axis.field, _values(axis), drawn, as_of=comparison.as_of,
                       currency=comparison.currency, settings=settings, price_changes=price_changes,
                       with_components=with_components)
        found = break_evens(catalog, comparison, axis, drawn, settings, price_changes, with_components)
        figure = _figure(result, axis, found)
        shown = "Every priced stack" if len(drawn) == len(ranked) else f"The {len(stacks)} cheapest stacks"
        if len(drawn) > len(stacks):
            shown += " and the self-hosted ones"
        band = " Shaded bands are the ranges (low to high); the line runs through their middle." if result.is_range else ""
        caption = (
            f"{shown}: cost per call as {input_label(result.field.name)} varies, every other assumption as in the "
            "table below; "
            f"the grey band or dotted line marks this scenario.{band} " + crossing_text(axis, drawn[0], found)
        )
        charts.append(Chart(axis.key, axis.title, caption.strip(), figure_svg(figure)))
    return charts
