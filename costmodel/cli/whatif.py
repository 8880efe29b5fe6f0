"""What-if commands: `breakeven` (where two stacks cost the same), `sweep` (cost along one input), `sensitivity`."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from costmodel import __version__
from costmodel.analyses.sweep import MAX_SWEEP_POINTS
from costmodel.cli.common import (
    OutputPath,
    as_of_option,
    check_outputs,
    costing,
    currency_option,
    data_options,
    emit,
    format_option,
    output_option,
    split_ids,
    whatif_options,
)
from costmodel.core.whatif import parse_number
from costmodel.errors import InputError
from costmodel.safe_text import for_format
from costmodel.views.formatting import PER_CALL_PLACES, Column, dump_json, money, span_text, table

SHOWN_CROSSINGS = 20
TABLE_POINTS = 11
PLOT_POINTS = 500


def costing_options(fn: Any) -> Any:
    """The options every what-if command shares: date, currency, --set/--price, format, output, data folders."""
    for option in (data_options, output_option, format_option, whatif_options, currency_option, as_of_option):
        fn = option(fn)
    return fn


def _value_text(value: float) -> str:
    if abs(value) >= 1000 and value == int(value):
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.2f}"
    return f"{value:.6g}"


def _exact(value: float) -> str:
    from costmodel.analyses.sweep import decimal_of
    from costmodel.views.formatting import plain

    return plain(decimal_of(value))


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


# ---------------------------------------------------------------------------------------------- breakeven


def breakeven_document(result: Any) -> dict[str, Any]:
    """The JSON shape of `breakeven`: floats from the vector path written as shortest round-trip decimals."""
    return {
        "command": "breakeven",
        "costmodel_version": __version__,
        "scenario": result.scenario,
        "stack_a": result.stack_a,
        "stack_b": result.stack_b,
        "over": result.field.name,
        "between": {"low": _exact(result.low), "high": _exact(result.high)},
        "as_of": result.as_of,
        "currency": result.currency,
        "ranged_inputs": result.is_range,
        "crossings": [
            {
                "value": _exact(c.value),
                "kind": c.kind,
                "end": c.end,
                "per_call_a": _exact(c.cost_a),
                "per_call_b": _exact(c.cost_b),
                "cheaper_below": c.cheaper_below,
                "cheaper_above": c.cheaper_above,
                "method": c.method,
            }
            for c in result.crossings
        ],
        "band": {"low": _exact(result.band[0]), "high": _exact(result.band[1])} if result.band else None,
        "cheaper_at_low": result.cheaper_at_low,
        "cheaper_at_high": result.cheaper_at_high,
        "notes": result.notes,
    }


def breakeven_text(result: Any, fmt: str) -> str:
    cur, name = result.currency, result.field.name
    rows = []
    for c in result.crossings[:SHOWN_CROSSINGS] if fmt != "csv" else result.crossings:
        value = _value_text(c.value)
        if name == "turns" and c.kind == "equal":
            value += f" ({c.cheaper_above} cheaper from {math.floor(c.value) + 1} turns)"
        elif name == "calls_per_month" and c.kind == "equal":
            value += f" ({c.cheaper_above} cheaper from {math.floor(c.value) + 1:,} calls)"
        rows.append({
            "value": value,
            "kind": "equal cost" if c.kind == "equal" else "step (costs jump)",
            "end": c.end,
            "a": money(Decimal(repr(c.cost_a)), PER_CALL_PLACES),
            "b": money(Decimal(repr(c.cost_b)), PER_CALL_PLACES),
            "below": c.cheaper_below,
            "above": c.cheaper_above,
        })
    columns = [Column("value", name, "right"), Column("kind", "crossing")]
    if result.is_range:
        columns.append(Column("end", "inputs at"))
    columns += [
        Column("a", f"{result.stack_a} ({cur}/call)", "right"), Column("b", f"{result.stack_b} ({cur}/call)", "right"),
        Column("below", "cheaper below"), Column("above", "cheaper above"),
    ]
    if fmt == "csv":
        return table(rows, columns, "csv")
    between = f"{_value_text(result.low)} and {_value_text(result.high)}"
    a, b = for_format(result.stack_a, fmt), for_format(result.stack_b, fmt)
    head = f"{for_format(result.scenario, fmt)}: {a} vs {b} as {for_format(name, fmt)} varies between {between}"
    lines = [f"**{head}**" if fmt == "markdown" else head,
             f"prices in force on {result.as_of} · {cur} per call", ""]
    if not result.crossings:
        ends = result.cheaper_at_low
        cheaper = sorted(set(ends.values()) | set(result.cheaper_at_high.values()))
        who = cheaper[0] if len(cheaper) == 1 else " or ".join(cheaper)
        if who == "neither":
            lines.append(f"They never cross: {a} and {b} cost the same across the range.")
        else:
            lines.append(f"They never cross between {between}: {for_format(who, fmt)} is cheaper throughout.")
        return "\n".join(lines) + "\n"
    lines.append(table(rows, columns, fmt).rstrip("\n"))  # type: ignore[arg-type]
    if len(result.crossings) > SHOWN_CROSSINGS:
        lines.append(f"… and {len(result.crossings) - SHOWN_CROSSINGS} more crossings (--format csv or json lists all).")
    if result.band:
        lines.append(f"Break-even band with ranged inputs: {for_format(name, fmt)} from {_value_text(result.band[0])} "
                     f"to {_value_text(result.band[1])}.")
    lines += [f"Note: {for_format(note, fmt)}" for note in result.notes]
    lines.append("Break-evens are solved in float64 on the sweep formula; check one with "
                 "`costmodel compare SCENARIO --set FIELD=VALUE` (exact).")
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("scenario")
@click.argument("stack_a")
@click.argument("stack_b")
@click.option("--over", "over", required=True, metavar="FIELD",
              help="Input to solve for: a scenario field (calls_per_month, caller_audio_seconds, turns, ...) "
              "or a price as SKU.FIELD (openai/gpt-audio-mini.audio_input), in USD.")
@click.option("--between", metavar="LOW:HIGH",
              help="Range to search (default: 1:10000000 calls, 1:50 turns, otherwise 0 to 10× today's value).")
@costing_options
def breakeven(scenario: str, stack_a: str, stack_b: str, over: str, between: str | None, as_of: date | None,
              currency: str, settings: tuple[str, ...], prices: tuple[str, ...], fmt: str, output: Path | None,
              pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """Where two stacks cost the same per call as one input varies, and which is cheaper either side.

    Solved in closed form between GPU and billing steps (linear in volume, prices and audio seconds,
    quadratic in turns); every crossing in the range is reported.
    """
    from costmodel.analyses.breakeven import breakeven as solve
    from costmodel.analyses.sweep import parse_field

    window = _parse_between(between)
    context = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency)
    catalog, overrides, changes, on = context.catalog, context.settings, context.price_changes, context.as_of
    check_outputs(output, catalog=catalog)
    target = parse_field(over, catalog)
    result = solve(catalog, scenario, stack_a, stack_b, target, window, as_of=on, currency=currency,
                   settings=overrides, price_changes=changes)
    emit(dump_json(breakeven_document(result)) if fmt == "json" else breakeven_text(result, fmt), output, catalog)


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


def sweep_document(result: Any) -> dict[str, Any]:
    return {
        "command": "sweep",
        "costmodel_version": __version__,
        "scenario": result.scenario,
        "field": result.field.name,
        "as_of": result.as_of,
        "currency": result.currency,
        "number_type": "float64",
        "values": [_exact(v) for v in result.values],
        "stacks": {
            stack: {
                "architecture": curve.architecture,
                "per_call_low": [_exact(v) for v in curve.per_call_low],
                "per_call_high": [_exact(v) for v in curve.per_call_high],
            }
            for stack, curve in result.curves.items()
        },
        "unpriced": result.unpriced,
    }


def sweep_text(result: Any, fmt: str) -> str:
    cur = result.currency
    rows = []
    for index, value in enumerate(result.values):
        row = {"value": _value_text(float(value)) if fmt != "csv" else _exact(float(value))}
        for stack, curve in result.curves.items():
            low, high = curve.per_call_low[index], curve.per_call_high[index]
            if fmt == "csv":
                row[stack] = _exact(low) if low == high else f"{_exact(low)}..{_exact(high)}"
            else:
                from costmodel.core.interval import Span

                row[stack] = span_text(Span(Decimal(repr(float(low))), Decimal(repr(float(high)))), PER_CALL_PLACES)
        rows.append(row)
    columns = [Column("value", result.field.name, "right")] + [
        Column(stack, f"{stack} ({cur}/call)", "right") for stack in result.curves
    ]
    body = table(rows, columns, fmt)  # type: ignore[arg-type]
    if fmt == "csv":
        return body
    head = f"{for_format(result.scenario, fmt)}: cost per call as {for_format(result.field.label, fmt)} varies"
    lines = [f"**{head}**" if fmt == "markdown" else head, f"prices in force on {result.as_of} · {cur}", "", body.rstrip("\n")]
    lines += [f"Not shown: {for_format(reason, fmt)}" for reason in result.unpriced.values()]
    lines.append("Sweeps use float64 (compare is exact); per-call figures rounded to 5 places.")
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("scenario")
@click.option("--vary", required=True, metavar="FIELD=START:STOP[:STEP]",
              help="Input to sweep: a scenario field or SKU.FIELD price (USD). Without STEP: "
              f"{TABLE_POINTS} points in the table, {PLOT_POINTS} in the chart; with STEP (or over turns) "
              f"at most {MAX_SWEEP_POINTS:,} points.")
@click.option("--stacks", metavar="A,B,...", help="Only these stacks (default: every stack with prices in force).")
@click.option("--log", "log", is_flag=True, help="Space points evenly on a log scale (START above 0).")
@click.option("--plot", type=OutputPath(allow_stdout=False), metavar="FILE.png|FILE.svg",
              help="Also draw the curves, break-evens marked, to this chart file.")
@costing_options
def sweep(scenario: str, vary: str, stacks: str | None, log: bool, plot: Path | None, as_of: date | None,
          currency: str, settings: tuple[str, ...], prices: tuple[str, ...], fmt: str, output: Path | None,
          pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """Cost per call of each stack as one input varies; --plot draws the chart with break-evens marked."""
    from costmodel.analyses.sweep import parse_field, sweep_values
    from costmodel.analyses.sweep import sweep as run_sweep

    plot_format = _plot_format(plot)
    name, start, stop, step = _parse_vary(vary)
    if log and step is not None:
        raise InputError("--log spaces points itself; give START:STOP without STEP", field="--vary")
    context = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency)
    catalog, overrides, changes, on = context.catalog, context.settings, context.price_changes, context.as_of
    check_outputs(plot, output, catalog=catalog)
    target = parse_field(name, catalog)
    values = sweep_values(start, stop, step, log, TABLE_POINTS)
    if target.name == "turns" and step is None:
        values = sweep_values(start, stop, 1.0)
    options: dict[str, Any] = {"as_of": on, "currency": currency, "settings": overrides, "price_changes": changes}
    result = run_sweep(catalog, scenario, target, values, split_ids(stacks), **options)
    charts: list[tuple[Path, bytes]] = []
    if plot is not None and plot_format is not None:
        from costmodel.analyses.breakeven import sweep_breakevens
        from costmodel.views.charts import sweep_figure

        dense = result
        if step is None and target.name != "turns":
            dense = run_sweep(catalog, scenario, target, sweep_values(start, stop, None, log, PLOT_POINTS),
                              list(result.curves), **options)
        marks = sweep_breakevens(catalog, dense, scenario, settings=overrides, price_changes=changes)
        charts.append(_plot_bytes(sweep_figure(dense, marks, log=log or None), plot, plot_format))
    # The chart and the text are written together, all or none, after both are computed.
    text = dump_json(sweep_document(result)) if fmt == "json" else sweep_text(result, fmt)
    emit(text, output, catalog, also=charts)


# ---------------------------------------------------------------------------------------------- sensitivity


def _quantity(value: Any) -> str:
    from costmodel.core.interval import Span
    from costmodel.views.formatting import quantity_text

    return quantity_text(Span.of(value))


def sensitivity_document(result: Any) -> dict[str, Any]:
    """The JSON shape of `sensitivity`: every value an exact {low, high} pair, a point or a range alike."""
    from costmodel.core.interval import Span

    return {
        "command": "sensitivity",
        "costmodel_version": __version__,
        "scenario": result.scenario,
        "stack": result.stack,
        "by": result.by,
        "as_of": result.as_of,
        "currency": result.currency,
        "per_call": result.per_call,
        "rows": [
            {
                # One shape for every row, so a reader need not test whether an input was given as a range.
                "input": row.name, "kind": row.kind, "base": Span.of(row.base_value), "down": Span.of(row.down_value),
                "up": Span.of(row.up_value),
                "per_call_down": row.per_call_down, "per_call_up": row.per_call_up, "swing": row.swing,
            }
            for row in result.rows
        ],
        "no_effect": result.no_effect,
    }


def sensitivity_text(result: Any, fmt: str) -> str:
    cur = result.currency
    percent = f"{float(result.by) * 100:g}%"
    rows = [
        {
            "input": row.name,
            "base": _quantity(row.base_value),
            "down": f"{_quantity(row.down_value)} → {span_text(row.per_call_down, PER_CALL_PLACES)}",
            "up": f"{_quantity(row.up_value)} → {span_text(row.per_call_up, PER_CALL_PLACES)}",
            "swing": money(row.swing, PER_CALL_PLACES),
        }
        for row in result.rows
    ]
    columns = [
        Column("input", "input"), Column("base", "base value", "right"),
        Column("down", f"−{percent} → {cur}/call", "right"), Column("up", f"+{percent} → {cur}/call", "right"),
        Column("swing", f"largest move ({cur}/call)", "right"),
    ]
    if fmt == "csv":
        return table(rows, columns, "csv")
    head = (f"{for_format(result.scenario, fmt)} on {for_format(result.stack, fmt)}: what moves cost per call, "
            f"each input ±{percent} alone")
    lines = [f"**{head}**" if fmt == "markdown" else head,
             f"base {span_text(result.per_call, PER_CALL_PLACES)} {cur} per call · prices in force on {result.as_of}", "",
             table(rows, columns, fmt).rstrip("\n")]  # type: ignore[arg-type]
    if result.no_effect:
        lines.append(f"No effect: {for_format(', '.join(result.no_effect), fmt)}.")
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("scenario")
@click.argument("stack")
@click.option("--by", "by", default="20%", show_default=True, metavar="PERCENT",
              help="Move each input down and up by this much.")
@click.option("--plot", type=OutputPath(allow_stdout=False), metavar="FILE.png|FILE.svg",
              help="Also draw a tornado chart to this file.")
@costing_options
def sensitivity(scenario: str, stack: str, by: str, plot: Path | None, as_of: date | None, currency: str,
                settings: tuple[str, ...], prices: tuple[str, ...], fmt: str, output: Path | None,
                pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """Which inputs and prices move one stack's per-call cost most: each moved ±X% alone, largest first."""
    from costmodel.analyses.sensitivity import parse_step
    from costmodel.analyses.sensitivity import sensitivity as run

    plot_format = _plot_format(plot)
    step = parse_step(by)
    context = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency)
    catalog, overrides, changes, on = context.catalog, context.settings, context.price_changes, context.as_of
    check_outputs(plot, output, catalog=catalog)
    result = run(catalog, scenario, stack, step, as_of=on, currency=currency, settings=overrides, price_changes=changes)
    charts: list[tuple[Path, bytes]] = []
    if plot is not None and plot_format is not None:
        from costmodel.views.charts import tornado_figure

        charts.append(_plot_bytes(tornado_figure(result), plot, plot_format))
    text = dump_json(sensitivity_document(result)) if fmt == "json" else sensitivity_text(result, fmt)
    emit(text, output, catalog, also=charts)
