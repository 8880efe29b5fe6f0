"""The main job: `compare` (one scenario on every stack) and `breakdown` (one itemised bill)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from costmodel import __version__
from costmodel.analyses.compare import DEFAULT_SCENARIO, Comparison
from costmodel.analyses.compare import compare as compare_stacks
from costmodel.analyses.estimate import Estimate, estimate
from costmodel.cli.common import (
    as_of_option,
    costing,
    currency_option,
    data_options,
    emit,
    format_option,
    output_option,
    split_ids,
    whatif_options,
)
from costmodel.safe_text import for_format
from costmodel.views.formatting import (
    LINE_PLACES,
    MONTHLY_PLACES,
    PER_CALL_PLACES,
    Column,
    dump_json,
    multiple_text,
    quantity_text,
    span_text,
    table,
)


def _fx_line(fx: Any, fmt: str) -> str:
    if fx is None:
        return ""
    return f"; 1 USD = {fx.per_usd} {fx.currency} (rate of {fx.effective_from}, {for_format(fx.source, fmt)})"


def _header(command: str, result: Comparison | Estimate) -> dict[str, Any]:
    """The fields every costing JSON document starts with."""
    return {
        "command": command,
        "costmodel_version": __version__,
        "scenario": result.scenario,
        "as_of": result.as_of,
        "currency": result.currency,
        "fx": vars(result.fx) if result.fx else None,
        "calls_per_month": result.calls_per_month,
    }


def comparison_document(result: Comparison) -> dict[str, Any]:
    """The documented JSON shape of `compare` (README "JSON output")."""
    return {
        **_header("compare", result),
        "scenario_title": result.scenario_title,
        "rows": [
            {
                "rank": row.rank,
                "stack": row.stack,
                "title": row.title,
                "architecture": row.architecture,
                "per_call": row.per_call,
                "per_month": row.per_month,
                "fixed_per_month": row.fixed_per_month,
                "multiple_of_cheapest": row.multiple_of_cheapest,
                "estimate": row.estimate,
                "unpriced": row.unpriced,
            }
            for row in result.rows
        ],
    }


def comparison_text(result: Comparison, fmt: str) -> str:
    cur = result.currency
    rows = [
        {
            "rank": str(row.rank) if row.rank else "–",
            "stack": row.stack + (" *" if row.estimate else ""),
            "architecture": row.architecture,
            "per_call": span_text(row.per_call, PER_CALL_PLACES),
            "per_month": span_text(row.per_month, MONTHLY_PLACES, grouping=True),
            "multiple": multiple_text(row.multiple_of_cheapest),
            "note": row.unpriced or "",
        }
        for row in result.rows
    ]
    columns = [
        Column("rank", "#", "right"),
        Column("stack", "stack"),
        Column("architecture", "architecture"),
        Column("per_call", f"per call ({cur})", "right"),
        Column("per_month", f"per month ({cur})", "right"),
        Column("multiple", "× cheapest", "right"),
    ]
    if any(row.unpriced for row in result.rows):
        columns.append(Column("note", "note"))
    body = table(rows, columns, fmt)  # type: ignore[arg-type]
    if fmt == "csv":
        return body
    calls = quantity_text(result.calls_per_month)
    title = f"{for_format(result.scenario, fmt)}: {for_format(result.scenario_title, fmt)}"
    facts = f"{calls} calls/month · prices in force on {result.as_of} · {cur}{_fx_line(result.fx, fmt)}"
    header = f"{title}\n{facts}\n\n"
    if fmt == "markdown":
        header = f"**{title}**\n\n{facts}\n\n"
    footer = (
        f"\nPer-call figures rounded half-up to {PER_CALL_PLACES} places, monthly to cents; ranges are low–high."
    )
    if any(row.estimate for row in result.rows):
        footer += "\n* uses an estimated or hypothetical figure (see `costmodel breakdown SCENARIO STACK`)."
    return header + body + footer + "\n"


@click.command()
@click.argument("scenario", required=False, default=DEFAULT_SCENARIO)
@click.option("--stacks", metavar="A,B,...", help="Only these stacks, comma-separated (default: every bundled stack).")
@as_of_option
@currency_option
@whatif_options
@format_option
@output_option
@data_options
def compare(scenario: str, stacks: str | None, as_of: date | None, currency: str, settings: tuple[str, ...],
            prices: tuple[str, ...], fmt: str, output: Path | None, pricing_dir: Path | None,
            scenarios_dir: Path | None) -> None:
    """Cost of one call profile on every stack, cheapest first: per call, per month, × the cheapest.

    SCENARIO defaults to the review article's 5-minute support call (support-call-5min).
    """
    run = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency)
    result = compare_stacks(
        run.catalog, scenario, split_ids(stacks), as_of=run.as_of, currency=currency,
        settings=run.settings, price_changes=run.price_changes,
    )
    text = dump_json(comparison_document(result)) if fmt == "json" else comparison_text(result, fmt)
    emit(text, output, run.catalog)


def breakdown_document(result: Estimate) -> dict[str, Any]:
    """The documented JSON shape of `breakdown` (README "JSON output")."""
    return {
        **_header("breakdown", result),
        "stack": result.stack,
        "stack_title": result.stack_title,
        "architecture": result.architecture,
        "per_call": result.per_call,
        "per_month": result.per_month,
        "fixed_per_month": result.fixed_per_month,
        "estimate": result.estimate,
        "lines": [
            {
                "role": line.role,
                "sku": line.sku,
                "meter": line.meter,
                "price_field": line.price_field,
                "quantity": line.quantity,
                "per": line.per,
                "unit_price": line.unit_price,
                "price_unit": line.price_unit,
                "cost_per_call": line.cost_per_call,
                "cost_per_month": line.cost_per_month,
                "fixed": line.fixed,
                "effective_from": line.effective_from,
                "source": line.source,
                "checked": line.checked,
                "estimate": line.estimate,
            }
            for line in result.lines
        ],
        "turns": [
            {"turn": row.turn, "role": row.role, "sku": row.sku, "quantities": row.quantities, "cost": row.cost}
            for row in result.turns
        ],
        "notes": result.notes,
        "audio_tokens": [
            {
                "sku": view.sku,
                "input_tokens_per_minute": view.input_tokens_per_minute,
                "output_tokens_per_minute": view.output_tokens_per_minute,
                "source": view.source,
                "checked": view.checked,
                "estimate": view.estimate,
            }
            for view in result.audio_tokens
        ],
    }


def breakdown_text(result: Estimate, fmt: str) -> str:
    cur = result.currency
    # Sources are long; tables cite them by number and list them once below.
    sources: list[str] = []
    for line in result.lines:
        cited = f"{line.source} (checked {line.checked}, price from {line.effective_from})"
        if cited not in sources:
            sources.append(cited)
    rows = [
        {
            "component": line.role,
            "sku": line.sku + (" *" if line.estimate else ""),
            "meter": line.meter,
            "quantity": quantity_text(line.quantity) + (" /month" if line.per == "month" else ""),
            "unit_price": f"{line.unit_price} per {line.price_unit.split(' per ', 1)[1]}",
            "per_call": span_text(line.cost_per_call, LINE_PLACES),
            "per_month": span_text(line.cost_per_month, MONTHLY_PLACES, grouping=True),
            "from": line.effective_from.isoformat(),
            "source": line.source,
            "ref": f"[{sources.index(f'{line.source} (checked {line.checked}, price from {line.effective_from})') + 1}]",
        }
        for line in result.lines
    ]
    columns = [
        Column("component", "component"), Column("sku", "SKU"), Column("meter", "meter"),
        Column("quantity", "quantity", "right"), Column("unit_price", f"unit price ({cur})", "right"),
        Column("per_call", f"per call ({cur})", "right"), Column("per_month", f"per month ({cur})", "right"),
        Column("from", "price from"), Column("source", "source"),
    ]
    if fmt == "csv":
        return table(rows, columns, "csv")
    columns[-2:] = [Column("ref", "source")]
    out = [
        f"{for_format(result.scenario, fmt)} on {for_format(result.stack, fmt)}: {for_format(result.stack_title, fmt)}",
        f"{quantity_text(result.calls_per_month)} calls/month · prices in force on {result.as_of} · {cur}"
        f"{_fx_line(result.fx, fmt)}",
        "",
        table(rows, columns, fmt),  # type: ignore[arg-type]
    ]
    if result.turns:
        turn_rows = []
        for row in result.turns:
            quantities = row.quantities
            turn_rows.append(
                {
                    "turn": str(row.turn),
                    "sku": row.sku,
                    "audio_in": quantity_text_of(quantities.get("usd_per_million_audio_input_tokens")),
                    "audio_cached": quantity_text_of(quantities.get("usd_per_million_cached_audio_input_tokens")),
                    "text_in": quantity_text_of(quantities.get("usd_per_million_input_tokens")),
                    "text_cached": quantity_text_of(quantities.get("usd_per_million_cached_input_tokens")),
                    "audio_out": quantity_text_of(quantities.get("usd_per_million_audio_output_tokens")),
                    "text_out": quantity_text_of(quantities.get("usd_per_million_output_tokens")),
                    "cost": span_text_of(row.cost),
                }
            )
        turn_columns = [
            Column("turn", "turn", "right"), Column("sku", "SKU"), Column("audio_in", "audio in", "right"),
            Column("audio_cached", "audio cached", "right"), Column("text_in", "text in", "right"),
            Column("text_cached", "text cached", "right"), Column("audio_out", "audio out", "right"),
            Column("text_out", "text out", "right"), Column("cost", f"cost ({cur})", "right"),
        ]
        out += ["Per turn (tokens; each turn re-sends the conversation so far):", "",
                table(turn_rows, turn_columns, fmt)]  # type: ignore[arg-type]
    total = (
        f"Total per call: {span_text(result.per_call, PER_CALL_PLACES)} {cur} · "
        f"per month: {span_text(result.per_month, MONTHLY_PLACES, grouping=True)} {cur}"
    )
    if result.fixed_per_month.high > 0:
        total += f" (of which {span_text(result.fixed_per_month, MONTHLY_PLACES, grouping=True)} is the always-on floor)"
    out.append(total)
    for view in result.audio_tokens:
        spoken = f", one minute of its speech {view.output_tokens_per_minute:,} tokens" if view.output_tokens_per_minute else ""
        out.append(
            f"Audio tokens: {for_format(view.sku, fmt)} turns one minute of caller audio into "
            f"{view.input_tokens_per_minute:,} tokens{spoken} ({'estimate; ' if view.estimate else ''}"
            f"{for_format(view.source, fmt)}, checked {view.checked})."
        )
    # Sources and notes are prose: whitespace (line breaks included) folds to one space before it is made safe.
    out += ["", "Sources:"] + [
        f"  [{number}] {for_format(' '.join(text.split()), fmt)}" for number, text in enumerate(sources, start=1)
    ]
    if result.notes:
        out += ["", "* Estimates and hypotheticals:"] + [
            f"  - {for_format(' '.join(note.split()), fmt)}" for note in result.notes
        ]
    return "\n".join(out) + "\n"


def quantity_text_of(value: Any) -> str:
    from costmodel.core.interval import Span

    return "" if value is None else quantity_text(Span.of(value))


def span_text_of(value: Any) -> str:
    from costmodel.core.interval import Span

    return span_text(Span.of(value), LINE_PLACES)


@click.command()
@click.argument("scenario")
@click.argument("stack")
@as_of_option
@currency_option
@whatif_options
@format_option
@output_option
@data_options
def breakdown(scenario: str, stack: str, as_of: date | None, currency: str, settings: tuple[str, ...],
              prices: tuple[str, ...], fmt: str, output: Path | None, pricing_dir: Path | None,
              scenarios_dir: Path | None) -> None:
    """Itemised bill of one scenario on one stack: every meter, quantity, unit price, source and date.

    Multi-turn calls also get a per-turn table; self-hosted stacks show the always-on floor apart.
    """
    run = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency)
    result = estimate(run.catalog, scenario, stack, as_of=run.as_of, currency=currency, settings=run.settings,
                      price_changes=run.price_changes)
    text = dump_json(breakdown_document(result)) if fmt == "json" else breakdown_text(result, fmt)
    emit(text, output, run.catalog)
