"""Real traffic: `replay` (price recorded calls on every stack), `reconcile` (recorded vs priced), `calibrate`
(a scenario fitted from the records). Thin: the work is in costmodel.analyses.replay/reconcile/calibrate."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from costmodel.cli.common import (
    OutputPath,
    as_of_option,
    check_currency,
    check_outputs,
    currency_option,
    data_options,
    emit,
    format_option,
    json_out,
    output_option,
    split_ids,
)
from costmodel.data.imports import SOURCES
from costmodel.safe_text import one_line
from costmodel.views.files import streamed_output

F = Any


def calls_options(fn: F) -> F:
    fn = click.option(
        "--from", "source", type=click.Choice(["records", *SOURCES]), default="records", show_default=True,
        help="What CALLS is: costmodel call records (CSV, JSON Lines, Parquet) or a vendor's export, converted first.",
    )(fn)
    fn = click.option(
        "--on-bad-row", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
        help="A row that breaks the call-record format stops the run (fail) or is left out and counted (skip).",
    )(fn)
    fn = click.option(
        "--scenario", metavar="SCENARIO", default=None,
        help="Take what records do not carry (speaking rate, tokens per word, cache hits, system prompt) from this "
        "scenario; default: the format's defaults.",
    )(fn)
    return fn


@contextmanager
def records_file(calls: Path, source: str) -> Iterator[Path]:
    """CALLS as a call-record file: itself, or a vendor export converted to JSON Lines in a temporary folder."""
    if source == "records":
        yield calls
        return
    from costmodel.data.call_records import write_records
    from costmodel.data.imports import convert

    with tempfile.TemporaryDirectory(prefix="costmodel-calls-") as folder:
        target = Path(folder) / "calls.jsonl"
        write_records(convert(source, calls), target)
        yield target


def _progress() -> Any:
    """A row counter on standard error while a long run reads, only on a terminal (none when piped)."""
    if not sys.stderr.isatty():
        return None

    def show(rows: int) -> None:
        click.echo(f"\r{rows:,} rows priced", err=True, nl=False)

    return show


@click.command()
@click.argument("calls", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--stacks", metavar="A,B,...", help="Only these stacks, comma-separated (default: every bundled stack).")
@click.option("--by", "by", type=click.Choice(["customer"]), default=None, help="Also split each stack's bill by customer.")
@click.option("--per-call", "per_call", type=OutputPath(allow_stdout=False), metavar="FILE",
              help="Write every call's cost on every stack to FILE (.parquet or .csv). `-o FILE.parquet` does the same.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: stream the file in chunks here; dask: the same kernel over Dask DataFrame partitions.")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address for --engine dask (default: a local cluster).")
@click.option("--chunk-rows", type=click.IntRange(min=1000), default=131_072, show_default=True,
              help="Rows priced at a time (memory is about 1 KB a row).")
@calls_options
@as_of_option
@currency_option
@click.option("--price", "prices", multiple=True, metavar="SKU.FIELD=VALUE", help="What-if price, repeatable.")
@format_option
@output_option
@data_options
def replay(calls: Path, stacks: str | None, by: str | None, per_call: Path | None, engine: str, scheduler: str | None,
           chunk_rows: int, source: str, on_bad_row: str, scenario: str | None, as_of: date | None, currency: str,
           prices: tuple[str, ...], fmt: str, output: Path | None, pricing_dir: Path | None,
           scenarios_dir: Path | None) -> None:
    """Price real calls on every stack: the period's total, per-call p50/p90/p99, costliest calls, per customer.

    CALLS is a call-record file (CSV, JSON Lines or Parquet, see `costmodel schema calls`) or, with --from, a
    vendor export. Each call is priced as it happened, through the same bill kernel as compare.
    """
    from costmodel.analyses.replay import replay as run_replay
    from costmodel.analyses.replay import steady_allocator
    from costmodel.cli.common import costing
    from costmodel.views.replay import replay_document, replay_text

    steady_allocator()

    if output is not None and output.suffix.lower() == ".parquet":
        per_call, output = output, None
    if engine == "dask" and per_call is not None:
        raise click.UsageError("--per-call is written by the local engine only")
    run = costing(pricing_dir, scenarios_dir, (), prices, as_of, currency)
    check_currency(run.catalog, currency, run.as_of)
    # Both outputs checked before any work: neither may be an input (CALLS included) or the other one.
    check_outputs(per_call, output, catalog=run.catalog, inputs=[calls])
    with contextlib.ExitStack() as stack:
        # Per-call costs are streamed to a temporary beside the target and renamed when complete, so an
        # interrupted or failed run leaves the previous file, never a partial one.
        per_call_path = None if per_call is None else stack.enter_context(
            streamed_output(per_call, [*run.catalog.files, calls]))
        with records_file(calls, source) as path:
            result = run_replay(run.catalog, path, split_ids(stacks), as_of=run.as_of, currency=currency,
                                scenario=scenario, price_changes=run.price_changes, by_customer=by == "customer",
                                on_bad_row=on_bad_row, per_call_path=per_call_path, chunk_rows=chunk_rows,  # type: ignore[arg-type]
                                engine=engine, scheduler=scheduler, progress=_progress())  # type: ignore[arg-type]
    if sys.stderr.isatty():
        click.echo("", err=True)
    if result.bad_rows:
        click.echo(f"{result.bad_rows:,} bad rows left out (--on-bad-row skip)", err=True)
    text = json_out(replay_document(result)) if fmt == "json" else replay_text(result, fmt)
    emit(text, output, run.catalog, inputs=[calls])
    if per_call is not None:
        click.echo(f"wrote {one_line(str(per_call))}", err=True)


@click.command()
@click.argument("calls", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--stack", required=True, metavar="STACK", help="The stack that served the calls.")
@click.option("--tolerance", default="1%", show_default=True, metavar="PERCENT",
              help="A call is over or under when recorded and priced differ by more than this.")
@calls_options
@as_of_option
@click.option("--price", "prices", multiple=True, metavar="SKU.FIELD=VALUE", help="What-if price, repeatable.")
@format_option
@output_option
@data_options
def reconcile(calls: Path, stack: str, tolerance: str, source: str, on_bad_row: str, scenario: str | None,
              as_of: date | None, prices: tuple[str, ...], fmt: str, output: Path | None, pricing_dir: Path | None,
              scenarios_dir: Path | None) -> None:
    """Recorded cost of each call against costmodel's price of the same usage on STACK, per call and in total.

    Money is in the records' actual_cost_currency (one per file), converted with pricing/fx.yaml.
    """
    from costmodel.analyses.reconcile import reconcile as run_reconcile
    from costmodel.cli.common import costing
    from costmodel.errors import InputError
    from costmodel.views.replay import reconcile_document, reconcile_text

    try:
        share = float(tolerance.strip().removesuffix("%")) / 100
    except ValueError:
        raise InputError(f"'{tolerance}' is not a percentage like 1%", field="--tolerance") from None
    if not 0 <= share < 10:
        raise InputError(f"'{tolerance}' must be between 0% and 1000%", field="--tolerance")
    run = costing(pricing_dir, scenarios_dir, (), prices, as_of, "USD")
    with records_file(calls, source) as path:
        result = run_reconcile(run.catalog, path, stack, as_of=run.as_of, scenario=scenario,
                               price_changes=run.price_changes, tolerance=share, on_bad_row=on_bad_row)  # type: ignore[arg-type]
    text = json_out(reconcile_document(result)) if fmt == "json" else reconcile_text(result, fmt)
    emit(text, output, run.catalog, inputs=[calls])


@click.command()
@click.argument("calls", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--percentiles", default="10,90", show_default=True, metavar="LOW,HIGH",
              help="The percentiles of the calls that become each field's low..high range.")
@click.option("--title", default=None, help="The scenario's title (default: from the file name).")
@click.option("--from", "source", type=click.Choice(["records", *SOURCES]), default="records", show_default=True,
              help="What CALLS is: costmodel call records or a vendor's export, converted first.")
@click.option("--on-bad-row", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
              help="A row that breaks the call-record format stops the run (fail) or is left out and counted (skip).")
@output_option
def calibrate(calls: Path, percentiles: str, title: str | None, source: str, on_bad_row: str,
              output: Path | None) -> None:
    """A scenario fitted from call records (volumes, length and turn ranges, peak concurrency, traffic by hour).

    Write it with -o NAME.yaml into a scenarios folder and use it with compare, breakeven and report
    (`--scenarios FOLDER`).
    """
    from costmodel.analyses.calibrate import calibrate as run_calibrate
    from costmodel.errors import InputError
    from costmodel.views.replay import calibration_yaml

    try:
        low, high = (float(part) for part in percentiles.split(","))
    except ValueError:
        raise InputError(f"'{percentiles}' is not LOW,HIGH like 10,90", field="--percentiles") from None
    with records_file(calls, source) as path:
        result = run_calibrate(path, low=low, high=high, on_bad_row=on_bad_row, title=title)  # type: ignore[arg-type]
    emit(calibration_yaml(result), output, inputs=[calls])
