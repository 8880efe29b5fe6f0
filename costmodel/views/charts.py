"""Charts as matplotlib Figures (Agg backend), for the CLI's --plot and for notebooks.

matplotlib is imported inside each function, so importing this module costs nothing until a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from costmodel.analyses.breakeven import BreakEven
from costmodel.analyses.sensitivity import SensitivityResult
from costmodel.analyses.sweep import SweepResult
from costmodel.errors import InputError, require
from costmodel.safe_text import chart
from costmodel.views.formatting import whatif_lines
from costmodel.views.inputs import input_label

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


COMPETITIVE = 3.0
"""The y scale covers what costs at most this many times the cheapest stack at the same x; a curve above it
leaves the chart at the top edge, marked there and in its legend entry, instead of flattening every other curve."""


def competitive_top(result: SweepResult) -> float | None:
    """The top of the y scale: the highest cost (high end) any drawn curve reaches while within COMPETITIVE × the
    cheapest at that x, with 8% headroom; None when every curve fits anyway (no need to cut)."""
    import numpy

    curves = list(result.curves.values())
    if not curves:
        return None
    # --baseline curves are drawn too, so they count towards the competitive range.
    before = list(result.baseline.values()) if result.baseline is not None else []
    best = numpy.min([c.per_call_low for c in curves] + [b.baseline_low for b in before], axis=0)
    highs = numpy.array([c.per_call_high for c in curves] + [b.baseline_high for b in before])
    floors = [c.fixed_per_month_low / result.calls_per_month_low for c in curves if numpy.any(c.fixed_per_month_high > 0)]
    inside = highs[highs <= COMPETITIVE * best]
    if not inside.size:
        return None
    top = float(inside.max()) * 1.08
    everything = numpy.concatenate([highs.ravel(), *floors]) if floors else highs.ravel()
    return top if float(everything.max()) > top else None


def sweep_figure(result: SweepResult, breakevens: Iterable[BreakEven] = (), log: bool | None = None,
                 title: str | None = None) -> Figure:
    """Per-call cost of each stack along the swept field, ranges shaded, self-hosted floors dashed, break-evens marked.

    `log`: log x axis (default: when the swept values span two decades or more). Each stack has its one colour
    (costmodel.views.palette); the y scale is the competitive range (see COMPETITIVE), a curve above it is marked at
    the top edge; range bands are tinted, hatched and edged; the legend sits outside the plot; break-even numbers
    never overlap; the title wraps to the figure's width.
    """
    require("matplotlib", "plots", "Charts")
    import numpy
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from costmodel.views.palette import stack_style

    figure = Figure(figsize=(9, 5.5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x = result.values
    log_x = _spans_decades(float(x.min()), float(x.max())) if log is None else log
    top = competitive_top(result)
    for curve in result.curves.values():
        style = stack_style(curve.stack)
        middle = (curve.per_call_low + curve.per_call_high) / 2 if result.is_range else curve.per_call_low
        label = f"{curve.stack} ({curve.architecture})"
        off = top is not None and float(middle.max()) > top
        if off:
            peak = int(numpy.argmax(middle))
            label += f" ▲ off the scale: up to {_short(float(middle[peak]))} at {_short(float(x[peak]))}"
        axes.plot(x, middle, label=chart(label), color=style.colour, linestyle=style.line_style, linewidth=1.8)
        if not numpy.array_equal(curve.per_call_low, curve.per_call_high):
            # A faint tint, the stack's own hatching and thin edges: overlapping bands stay apart.
            axes.fill_between(x, curve.per_call_low, curve.per_call_high, facecolor=style.colour, alpha=0.08, linewidth=0)
            axes.fill_between(x, curve.per_call_low, curve.per_call_high, facecolor="none", edgecolor=style.colour,
                              hatch=style.hatch, alpha=0.35, linewidth=0)
            for edge in (curve.per_call_low, curve.per_call_high):
                axes.plot(x, edge, color=style.colour, linewidth=0.6, alpha=0.8)
        before = result.baseline.get(curve.stack) if result.baseline is not None else None
        if before is not None:  # --baseline: the same stack without the what-ifs, faint and dashed in its colour
            axes.plot(x, (before.baseline_low + before.baseline_high) / 2 if result.is_range else before.baseline_low,
                      color=style.colour, linestyle=(0, (4, 3)), linewidth=1.2, alpha=0.45)
        if numpy.any(curve.fixed_per_month_high > 0):
            # The always-on GPU floor spread over the month's calls: what the stack costs per call at best.
            floor = curve.fixed_per_month_low / result.calls_per_month_low
            axes.plot(x, floor, linestyle="--", linewidth=1, color=style.colour,
                      label=chart(f"{curve.stack} always-on floor"))
        if off and top is not None:
            axes.plot([float(x[_exit(middle, top)])], [1.0], transform=axes.get_xaxis_transform(), marker="^",
                      markersize=8, color=style.colour, clip_on=False, zorder=6)
    # Markers carry numbers; the words go in the legend, so many crossings never print on top of each other. Of a
    # pair's crossings only the first (filled) and the last (hollow: the cheaper stack settles there) are drawn.
    from matplotlib.lines import Line2D

    firsts = []
    for be in breakevens:
        shown = [c for c in be.crossings if c.kind == "equal" and x.min() <= c.value <= x.max()]
        if shown:
            axes.plot([shown[0].value], [shown[0].cost_a], marker="o", markersize=7, color="black", zorder=5)
            if len(shown) > 1:
                axes.plot([shown[-1].value], [shown[-1].cost_a], marker="o", markersize=7, markerfacecolor="white",
                          color="black", zorder=5)
            firsts.append((shown[0], be, shown[-1], len(shown) - 1))
    entries: list[tuple[Line2D, str]] = []
    for number, (first, be, last, extra) in enumerate(sorted(firsts, key=lambda item: item[0].value), start=1):
        axes.annotate(str(number), (first.value, first.cost_a), textcoords="offset points", xytext=(5, 5),
                      fontsize=9, fontweight="bold")
        end = {"low": " (low ends)", "high": " (high ends)"}.get(first.end, "")
        more = f", {extra} more up to {_short(last.value)} (hollow)" if extra else ""
        entries.append((Line2D([], [], marker="o", color="black", linestyle=""),
                        f"{number}: {chart(be.stack_a)} = {chart(be.stack_b)}{end} at {_short(first.value)}{more}"))
    axes.set_xlabel(chart(result.field.label if result.field.is_price else input_label(result.field.name)))
    axes.set_ylabel(f"cost per call ({result.currency})")
    if log_x:
        axes.set_xscale("log")
    baselines = list(result.baseline.values()) if result.baseline is not None else []
    costs = numpy.concatenate([c.per_call_high for c in result.curves.values()] +
                              [c.per_call_low for c in result.curves.values()] +
                              [b.baseline_high for b in baselines] + [b.baseline_low for b in baselines])
    visible = costs[(costs > 0) & (costs <= (top if top is not None else numpy.inf))]
    # A log cost scale only along a log x (volume: a fixed cost spread over calls); along a linear x a cost
    # growing from zero would spend most of the height on its first point.
    if log_x and visible.size and _spans_decades(float(visible.min()), float(visible.max())):
        axes.set_yscale("log")
        if top is not None:
            axes.set_ylim(float(visible.min()) / 1.2, top)
    elif top is not None and visible.size:
        # The competitive range itself: from just below the cheapest cost drawn to the top.
        bottom = float(visible.min())
        axes.set_ylim(max(0.0, bottom - 0.08 * (top - bottom)), top)
    axes.set_xlim(float(x.min()), float(x.max()))
    axes.grid(True, which="major", alpha=0.3)
    axes.set_title(chart(title or f"{result.scenario}: cost per call as {result.field.name} varies "
                         f"(prices of {result.as_of})") + _subtitle(result), fontsize=11)
    handles, labels = axes.get_legend_handles_labels()
    if result.baseline is not None:
        handles.append(Line2D([], [], color="grey", linestyle=(0, (4, 3)), linewidth=1.2, alpha=0.6))
        labels.append("faint dashed: each stack without the what-ifs (--baseline)")
    handles += [handle for handle, _ in entries]
    labels += [text for _, text in entries]
    # The legend grows the figure instead of squeezing the plot: 2 columns, 3 (and a wider figure) past 30 entries.
    columns = 2 if len(labels) <= 30 else 3
    rows = -(-len(labels) // columns)
    figure.set_size_inches(9 if columns == 2 else 13, 4.6 + 0.17 * rows)
    legend = figure.legend(handles, labels, loc="outside lower center", ncols=columns, fontsize=8,
                           title="break-evens are numbered on the chart" if entries else None, title_fontsize=8)
    _fit_legend(figure, legend)
    fit_labels(figure)
    return figure


def _exit(middle: Any, top: float) -> int:
    """Where a curve leaves the top of the chart: the point above `top` next to one inside (its highest point when
    it never comes inside)."""
    import numpy

    above = middle > top
    inside = numpy.flatnonzero(~above)
    if not inside.size:
        return int(numpy.argmax(middle))
    edges = [i for i in numpy.flatnonzero(above) if (i > 0 and not above[i - 1]) or (i + 1 < len(above) and not above[i + 1])]
    return int(edges[0]) if edges else int(numpy.argmax(middle))


def _fit_legend(figure: Figure, legend: Any) -> None:
    """Widen the figure when the legend is wider than it (long stack names): the legend is never cut off."""
    figure.draw_without_rendering()
    width = legend.get_window_extent().width / figure.dpi + 0.3
    if width > figure.get_figwidth():
        figure.set_size_inches(width, figure.get_figheight())


def fit_labels(figure: Figure) -> None:
    """Lay the figure out, then wrap every axes title to the figure's width and move numbered labels
    (annotations) up until none overlaps another: call again after adding a label."""
    import textwrap

    figure.draw_without_rendering()
    for axes in figure.axes:
        title = axes.title
        for _ in range(6):
            box, page = title.get_window_extent(), figure.bbox
            if box.x0 >= page.x0 and box.x1 <= page.x1:
                break
            lines = title.get_text().split("\n")
            width = max(20, int(max(len(line) for line in lines) * page.width / box.width * 0.92))
            title.set_text("\n".join(textwrap.fill(line, width) for line in lines))
            figure.draw_without_rendering()
        placed: list[Any] = []
        for label in sorted((t for t in axes.texts if hasattr(t, "xyann")), key=lambda t: t.get_window_extent().x0):
            label.set_in_layout(False)
            for _ in range(40):
                box = label.get_window_extent()
                if not any(box.overlaps(other) for other in placed):
                    break
                dx, dy = label.xyann
                label.xyann = (dx, dy + box.height * 72 / figure.dpi + 1)
            placed.append(label.get_window_extent())


def _subtitle(result: SweepResult | SensitivityResult) -> str:
    """The what-ifs as a second title line, so a chart of a what-if is never taken for the plain case."""
    return "".join(f"\n{chart(line)}" for line in whatif_lines(result.whatif, "table"))


def _short(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def tornado_figure(result: SensitivityResult, top: int = 15) -> Figure:
    """Horizontal bars: per-call cost with each input at -X% and +X%, the largest swing at the top; inputs in
    words (input_label), legend outside the plot, title wrapped to the figure."""
    require("matplotlib", "plots", "Charts")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = result.rows[:top]
    base = float((result.per_call.low + result.per_call.high) / 2)
    figure = Figure(figsize=(9, 0.45 * max(len(rows), 3) + 1.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    percent = f"{float(result.by) * 100:g}%"
    for index, row in enumerate(reversed(rows)):
        down = float((row.per_call_down.low + row.per_call_down.high) / 2) - base
        up = float((row.per_call_up.low + row.per_call_up.high) / 2) - base
        axes.barh(index, down, left=base, color="#4c72b0", label=f"input −{percent}" if index == 0 else None)
        axes.barh(index, up, left=base, color="#dd8452", label=f"input +{percent}" if index == 0 else None)
    axes.set_yticks(range(len(rows)), [chart(input_label(row.name)) for row in reversed(rows)], fontsize=8)
    axes.axvline(base, color="black", linewidth=1)
    axes.set_xlabel(f"cost per call ({result.currency}); base {base:.5f}")
    axes.set_title(chart(f"{result.scenario} on {result.stack}: what moves cost per call (±{percent})") + _subtitle(result),
                   fontsize=11)
    _fit_legend(figure, figure.legend(loc="outside lower center", ncols=2, fontsize=8))
    fit_labels(figure)
    return figure


def figure_bytes(figure: Figure, fmt: str) -> bytes:
    """Render in memory, so a failure leaves no file behind."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=150)
    return buffer.getvalue()
