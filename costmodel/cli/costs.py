"""The main job: `compare` (one scenario on every stack) and `breakdown` (one itemised bill)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from costmodel.analyses.compare import DEFAULT_SCENARIO
from costmodel.analyses.compare import compare as compare_stacks
from costmodel.analyses.estimate import estimate
from costmodel.cli.common import baseline_option, complete_ids, costing, costing_options, emit, json_out, split_ids
from costmodel.views.breakdown import breakdown_document, breakdown_text
from costmodel.views.comparison import comparison_document, comparison_text


@click.command()
@click.argument("scenario", required=False, default=DEFAULT_SCENARIO, shell_complete=complete_ids("scenario"))
@click.option("--stacks", metavar="A,B,...", help="Only these stacks, comma-separated (default: every bundled stack).")
@baseline_option
@costing_options
def compare(scenario: str, stacks: str | None, baseline: bool, as_of: date | None, currency: str,
            settings: tuple[str, ...], prices: tuple[str, ...], with_: tuple[str, ...], fmt: str, output: Path | None,
            pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """Cost of one call profile on every stack, cheapest first: per call, per month, × the cheapest.

    SCENARIO defaults to the review article's 5-minute support call (support-call-5min).
    """
    run = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency, with_)
    result = run.run(compare_stacks, scenario, split_ids(stacks), baseline=baseline, **run.options(currency))
    text = json_out(comparison_document(result)) if fmt == "json" else comparison_text(result, fmt)
    emit(text, output, run.catalog)


@click.command()
@click.argument("scenario", shell_complete=complete_ids("scenario"))
@click.argument("stack", shell_complete=complete_ids("stack"))
@baseline_option
@costing_options
def breakdown(scenario: str, stack: str, baseline: bool, as_of: date | None, currency: str,
              settings: tuple[str, ...], prices: tuple[str, ...], with_: tuple[str, ...], fmt: str,
              output: Path | None, pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """Itemised bill of one scenario on one stack: every meter, quantity, unit price, source and date.

    Multi-turn calls also get a per-turn table; self-hosted stacks show the always-on floor apart.
    """
    run = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency, with_)
    result = run.run(estimate, scenario, stack, baseline=baseline, **run.options(currency))
    text = json_out(breakdown_document(result)) if fmt == "json" else breakdown_text(result, fmt)
    emit(text, output, run.catalog)


@click.command()
@click.argument("scenario", shell_complete=complete_ids("scenario"))
@click.argument("stack", shell_complete=complete_ids("stack"))
@costing_options
def capacity(scenario: str, stack: str, as_of: date | None, currency: str, settings: tuple[str, ...],
             prices: tuple[str, ...], with_: tuple[str, ...], fmt: str, output: Path | None, pricing_dir: Path | None,
             scenarios_dir: Path | None) -> None:
    """Self-hosted GPU plan: per component and hour of the traffic shape, load, GPUs, utilisation, cost and
    the binding constraint (throughput, latency, concurrency, minimum)."""
    from costmodel.analyses.capacity import capacity as plan
    from costmodel.views.capacity import capacity_document, capacity_text

    run = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency, with_)
    result = plan(run.catalog, scenario, stack, as_of=run.as_of, currency=currency, settings=run.settings,
                  price_changes=run.price_changes, with_components=run.with_components)
    text = json_out(capacity_document(result)) if fmt == "json" else capacity_text(result, fmt)
    emit(text, output, run.catalog)
