"""What-if commands: `breakeven` (where two stacks cost the same), `sweep` (cost along one input), `sensitivity`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from costmodel.analyses.sweep import MAX_SWEEP_POINTS
from costmodel.cli.common import (
    OutputPath,
    baseline_option,
    check_outputs,
    complete_ids,
    costing,
    costing_options,
    emit,
    json_out,
    split_ids,
)
from costmodel.core.overrides import parse_number
from costmodel.errors import InputError
from costmodel.views.breakeven import breakeven_document, breakeven_text
from costmodel.views.sensitivity import sensitivity_document, sensitivity_text
from costmodel.views.sweep import sweep_document, sweep_text

TABLE_POINTS = 11
PLOT_POINTS = 500


def _plot_format(plot: Path | None) -> str | None:
    if plot is None:
        return None
    from costmodel.views.charts import check_plot_path

    return check_plot_path(str(plot))


def _plot_bytes(figure: Any, plot: Path, fmt: str) -> tuple[Path, bytes]:
    from costmodel.views.charts import figure_bytes

    return plot, figure_bytes(figure, fmt)


def _parse_between(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    parts = text.split(":")
    if len(parts) != 2:
        raise InputError(f"'{text}': expected LOW:HIGH, e.g. 1000:1000000", field="--between")
    low, high = (float(parse_number(part, f"--between {text}")) for part in parts)
    return low, high


def _check_not_swept(target: Any, context: Any, option: str) -> None:
    """The input a sweep or break-even varies cannot also be a what-if: the varied value would replace it
    silently (and --baseline would show no change)."""
    from costmodel.core.overrides import TWIN_FIELDS

    for name in (target.name, TWIN_FIELDS.get(target.name)):
        if not target.is_price and name in context.settings:
            raise InputError(f"{name} would be replaced by the {target.name} {option} varies; leave out its --set",
                             field="--set")
    for change in context.price_changes:  # SKU.*=FACTOR still scales the SKU's other prices
        if target.is_price and change.sku == target.sku and change.price_field == target.price_field:
            raise InputError(f"{target.name} is varied by {option}; leave out its --price",
                             field="--price")


# ---------------------------------------------------------------------------------------------- breakeven


@click.command()
@click.argument("scenario", shell_complete=complete_ids("scenario"))
@click.argument("stack_a", shell_complete=complete_ids("stack"))
@click.argument("stack_b", shell_complete=complete_ids("stack"))
@click.option("--over", "over", required=True, metavar="FIELD",
              help="Input to solve for: a scenario field (calls_per_month, caller_audio_seconds, turns, ...) "
              "or a price as SKU.FIELD (openai/gpt-audio-mini.audio_input), in USD.")
@click.option("--between", metavar="LOW:HIGH",
              help="Range to search (default: 1:10000000 calls, 1:50 turns, otherwise 0 to 10× today's value).")
@click.option("--all", "every_crossing", is_flag=True,
              help="List every crossing step by step after the answer (GPU and billing steps can make many).")
@baseline_option
@costing_options
def breakeven(scenario: str, stack_a: str, stack_b: str, over: str, between: str | None, every_crossing: bool,
              baseline: bool, as_of: date | None, currency: str, settings: tuple[str, ...], prices: tuple[str, ...],
              with_: tuple[str, ...], fmt: str, output: Path | None, pricing_dir: Path | None,
              scenarios_dir: Path | None) -> None:
    """Where two stacks cost the same per call as one input varies, and which is cheaper either side.

    Solved in closed form between GPU and billing steps (linear in volume, prices and audio seconds,
    quadratic in turns); every crossing in the range is reported.
    """
    from costmodel.analyses.breakeven import breakeven as solve
    from costmodel.analyses.sweep import parse_field

    window = _parse_between(between)
    context = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency, with_)
    catalog = context.catalog
    check_outputs(output, catalog=catalog)
    target = parse_field(over, catalog)
    _check_not_swept(target, context, "--over")
    result = context.run(solve, scenario, stack_a, stack_b, target, window, baseline=baseline,
                         **context.options(currency))
    text = json_out(breakeven_document(result)) if fmt == "json" else breakeven_text(result, fmt, every_crossing)
    emit(text, output, catalog)


# ---------------------------------------------------------------------------------------------- sweep


def _parse_vary(text: str) -> tuple[str, float, float, float | None]:
    if "=" not in text:
        raise InputError(f"'{text}': expected FIELD=START:STOP[:STEP], e.g. calls_per_month=1000:100000", field="--vary")
    name, spec = (part.strip() for part in text.rsplit("=", 1))
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise InputError(f"'{text}': expected FIELD=START:STOP[:STEP]", field="--vary")
    numbers = [float(parse_number(part, f"--vary {text}")) for part in parts]
    return name, numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else None


@click.command()
@click.argument("scenario", shell_complete=complete_ids("scenario"))
@click.option("--vary", required=True, metavar="FIELD=START:STOP[:STEP]",
              help="Input to sweep: a scenario field or SKU.FIELD price (USD). Without STEP: "
              f"{TABLE_POINTS} points in the table, {PLOT_POINTS} in the chart; with STEP (or over turns) "
              f"at most {MAX_SWEEP_POINTS:,} points.")
@click.option("--stacks", metavar="A,B,...", help="Only these stacks (default: every stack with prices in force).")
@click.option("--log", "log", is_flag=True, help="Space points evenly on a log scale (START above 0).")
@click.option("--plot", type=OutputPath(allow_stdout=False), metavar="FILE.png|FILE.svg",
              help="Also draw the curves, break-evens marked, to this chart file.")
@baseline_option
@costing_options
def sweep(scenario: str, vary: str, stacks: str | None, log: bool, plot: Path | None, baseline: bool, as_of: date | None,
          currency: str, settings: tuple[str, ...], prices: tuple[str, ...], with_: tuple[str, ...], fmt: str,
          output: Path | None, pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """Cost per call of each stack as one input varies; --plot draws the chart with break-evens marked."""
    from costmodel.analyses.sweep import parse_field, sweep_values
    from costmodel.analyses.sweep import sweep as run_sweep

    plot_format = _plot_format(plot)
    name, start, stop, step = _parse_vary(vary)
    if log and step is not None:
        raise InputError("--log spaces points itself; give START:STOP without STEP", field="--vary")
    context = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency, with_)
    catalog, overrides, changes = context.catalog, context.settings, context.price_changes
    check_outputs(plot, output, catalog=catalog)
    target = parse_field(name, catalog)
    _check_not_swept(target, context, "--vary")
    values = sweep_values(start, stop, step, log, TABLE_POINTS)
    if target.name == "turns" and step is None:
        values = sweep_values(start, stop, 1.0)
    options: dict[str, Any] = context.options(currency)
    result = context.run(run_sweep, scenario, target, values, split_ids(stacks), baseline=baseline, **options)
    charts: list[tuple[Path, bytes]] = []
    if plot is not None and plot_format is not None:
        from costmodel.analyses.breakeven import sweep_breakevens
        from costmodel.views.charts import sweep_figure

        dense = result
        if step is None and target.name != "turns":
            dense = context.run(run_sweep, scenario, target, sweep_values(start, stop, None, log, PLOT_POINTS),
                                list(result.curves), baseline=baseline, **options)
        marks = sweep_breakevens(catalog, dense, scenario, settings=overrides, price_changes=changes)
        charts.append(_plot_bytes(sweep_figure(dense, marks, log=log or None), plot, plot_format))
    # The chart and the text are written together, all or none, after both are computed.
    text = json_out(sweep_document(result)) if fmt == "json" else sweep_text(result, fmt)
    emit(text, output, catalog, also=charts)


# ---------------------------------------------------------------------------------------------- sensitivity


@click.command()
@click.argument("scenario", shell_complete=complete_ids("scenario"))
@click.argument("stack", shell_complete=complete_ids("stack"))
@click.option("--by", "by", default="20%", show_default=True, metavar="PERCENT",
              help="Move each input down and up by this much.")
@click.option("--plot", type=OutputPath(allow_stdout=False), metavar="FILE.png|FILE.svg",
              help="Also draw a tornado chart to this file.")
@baseline_option
@costing_options
def sensitivity(scenario: str, stack: str, by: str, plot: Path | None, baseline: bool, as_of: date | None, currency: str,
                settings: tuple[str, ...], prices: tuple[str, ...], with_: tuple[str, ...], fmt: str, output: Path | None,
                pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """Which inputs and prices move one stack's per-call cost most: each moved ±X% alone, largest first."""
    from costmodel.analyses.sensitivity import parse_step
    from costmodel.analyses.sensitivity import sensitivity as run

    plot_format = _plot_format(plot)
    step = parse_step(by)
    context = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency, with_)
    catalog = context.catalog
    check_outputs(plot, output, catalog=catalog)
    result = context.run(run, scenario, stack, step, baseline=baseline, **context.options(currency))
    charts: list[tuple[Path, bytes]] = []
    if plot is not None and plot_format is not None:
        from costmodel.views.charts import tornado_figure

        charts.append(_plot_bytes(tornado_figure(result), plot, plot_format))
    text = json_out(sensitivity_document(result)) if fmt == "json" else sensitivity_text(result, fmt)
    emit(text, output, catalog, also=charts)
