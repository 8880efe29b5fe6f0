"""Charts as matplotlib Figures (Agg backend), for the CLI's --plot and for notebooks.

matplotlib is imported inside each function, so importing this module costs nothing until a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from costmodel.analyses.breakeven import BreakEven
from costmodel.analyses.sensitivity import SensitivityResult
from costmodel.analyses.sweep import SweepResult
from costmodel.errors import InputError, require
from costmodel.safe_text import chart
from costmodel.views.formatting import whatif_lines

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PLOT_FORMATS = ("png", "svg")


def check_plot_path(path: str) -> str:
    """The plot format from the file name; an unsupported extension is an input error (before any work)."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix not in PLOT_FORMATS:
        raise InputError(f"{path}: give a .png or .svg file name", field="--plot")
    require("matplotlib", "plots", "Charts")  # before any work, like the path check
    return suffix


def _spans_decades(low: float, high: float) -> bool:
    return low > 0 and high / low >= 100


def sweep_figure(result: SweepResult, breakevens: Iterable[BreakEven] = (), log: bool | None = None,
                 title: str | None = None) -> Figure:
    """Per-call cost of each stack along the swept field, ranges shaded, self-hosted floors dashed, break-evens marked.

    `log`: log axes (default: when the swept values span two decades or more).
    """
    require("matplotlib", "plots", "Charts")
    import numpy
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 5.5), layout="constrained")
    axes = figure.add_subplot()
    x = result.values
    log_x = _spans_decades(float(x.min()), float(x.max())) if log is None else log
    colours = {}
    for curve in result.curves.values():
        (line,) = axes.plot(x, (curve.per_call_low + curve.per_call_high) / 2 if result.is_range else curve.per_call_low,
                            label=chart(f"{curve.stack} ({curve.architecture})"), linewidth=1.8)
        colours[curve.stack] = line.get_color()
        if not numpy.array_equal(curve.per_call_low, curve.per_call_high):
            axes.fill_between(x, curve.per_call_low, curve.per_call_high, color=line.get_color(), alpha=0.18, linewidth=0)
        if numpy.any(curve.fixed_per_month_high > 0):
            # The always-on GPU floor spread over the month's calls: what the stack costs per call at best.
            floor = curve.fixed_per_month_low / result.calls_per_month_low
            axes.plot(x, floor, linestyle="--", linewidth=1, color=line.get_color(),
                      label=chart(f"{curve.stack} always-on floor"))
    # Markers carry numbers; the words go in one box, so many crossings never print on top of each other.
    listing: list[str] = []
    firsts = []
    for be in breakevens:
        shown = [c for c in be.crossings if c.kind == "equal" and x.min() <= c.value <= x.max()]
        for index, crossing in enumerate(shown):
            axes.plot([crossing.value], [crossing.cost_a], marker="o", markersize=7 if index == 0 else 4,
                      color="black", zorder=5)
        if shown:
            firsts.append((shown[0], be, len(shown) - 1))
    for number, (first, be, extra) in enumerate(sorted(firsts, key=lambda item: item[0].value), start=1):
        axes.annotate(str(number), (first.value, first.cost_a), textcoords="offset points", xytext=(5, 5),
                      fontsize=9, fontweight="bold")
        end = {"low": " (low ends)", "high": " (high ends)"}.get(first.end, "")
        more = f" (+{extra} more)" if extra else ""
        listing.append(f"{number}  {chart(be.stack_a)} = {chart(be.stack_b)}{end} at {_short(first.value)}{more}")
    if listing:
        # Below the axes, as the figure's caption: it can never cover a curve or the legend.
        figure.supxlabel("break-even (numbered on the chart):\n" + "\n".join(listing), fontsize=7.5,
                         family="monospace", ha="left", x=0.01, multialignment="left")
    axes.set_xlabel(chart(result.field.label))
    axes.set_ylabel(f"cost per call ({result.currency})")
    if log_x:
        axes.set_xscale("log")
    costs = numpy.concatenate([c.per_call_high for c in result.curves.values()] +
                              [c.per_call_low for c in result.curves.values()])
    positive = costs[costs > 0]
    if positive.size and _spans_decades(float(positive.min()), float(positive.max())):
        axes.set_yscale("log")
    axes.grid(True, which="major", alpha=0.3)
    axes.set_title(chart(title or f"{result.scenario}: cost per call as {result.field.name} varies "
                         f"(prices of {result.as_of})") + _subtitle(result), fontsize=11)
    axes.legend(fontsize=8, loc="best")
    return figure


def _subtitle(result: SweepResult | SensitivityResult) -> str:
    """The what-ifs as a second title line, so a chart of a what-if is never taken for the plain case."""
    return "".join(f"\n{chart(line)}" for line in whatif_lines(result.whatif, "table"))


def _short(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def tornado_figure(result: SensitivityResult, top: int = 15) -> Figure:
    """Horizontal bars: per-call cost with each input at -X% and +X%, the largest swing at the top."""
    require("matplotlib", "plots", "Charts")
    from matplotlib.figure import Figure

    rows = result.rows[:top]
    base = float((result.per_call.low + result.per_call.high) / 2)
    figure = Figure(figsize=(9, 0.45 * max(len(rows), 3) + 1.6), layout="constrained")
    axes = figure.add_subplot()
    percent = f"{float(result.by) * 100:g}%"
    for index, row in enumerate(reversed(rows)):
        down = float((row.per_call_down.low + row.per_call_down.high) / 2) - base
        up = float((row.per_call_up.low + row.per_call_up.high) / 2) - base
        axes.barh(index, down, left=base, color="#4c72b0", label=f"input −{percent}" if index == 0 else None)
        axes.barh(index, up, left=base, color="#dd8452", label=f"input +{percent}" if index == 0 else None)
    axes.set_yticks(range(len(rows)), [chart(row.name) for row in reversed(rows)], fontsize=8)
    axes.axvline(base, color="black", linewidth=1)
    axes.set_xlabel(f"cost per call ({result.currency}); base {base:.5f}")
    axes.set_title(chart(f"{result.scenario} on {result.stack}: what moves cost per call (±{percent})") + _subtitle(result),
                   fontsize=11)
    axes.legend(fontsize=8, loc="lower right")
    return figure


def figure_bytes(figure: Figure, fmt: str) -> bytes:
    """Render in memory, so a failure leaves no file behind."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=150)
    return buffer.getvalue()
