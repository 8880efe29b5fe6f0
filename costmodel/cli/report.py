"""`costmodel report`: one self-contained procurement document (HTML or Markdown) for a scenario."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from costmodel.cli.common import (
    OutputPath,
    as_of_option,
    baseline_option,
    bundled_too,
    check_outputs,
    complete_ids,
    costing,
    currency_option,
    data_options,
    emit,
    split_ids,
    whatif_options,
)
from costmodel.views.report import render_report
from costmodel.views.report.build import build_report, document_kind


def data_arguments(pricing_dir: Path | None, scenarios_dir: Path | None) -> list[str]:
    """The data-folder options as given (from the command line or the environment) and --no-bundled, for the
    reproduce command."""
    given = (("--pricing", pricing_dir), ("--scenarios", scenarios_dir))
    words = [word for option, folder in given if folder is not None for word in (option, str(folder))]
    return words if bundled_too() else [*words, "--no-bundled"]


@click.command()
@click.argument("scenario", shell_complete=complete_ids("scenario"))
@click.option("--stacks", metavar="A,B,...", help="Only these stacks, comma-separated (default: every bundled stack).")
@as_of_option
@currency_option
@whatif_options
@click.option(
    "-o", "--output", required=True, type=OutputPath(allow_stdout=False), metavar="FILE",
    help="report.html (one self-contained page) or report.md (charts written beside it as STEM-*.svg, e.g. report-calls.svg).",
)
@baseline_option
@data_options
def report(scenario: str, stacks: str | None, as_of: date | None, currency: str, settings: tuple[str, ...],
           prices: tuple[str, ...], with_: tuple[str, ...], output: Path, baseline: bool, pricing_dir: Path | None,
           scenarios_dir: Path | None) -> None:
    """A procurement report to attach to a decision: the cheapest stack, the comparison, every stack's bill,
    break-even charts, the assumptions, every price with its source and date, and a fingerprint of the data.

    The figures are those of `costmodel compare`; nothing is fetched from the network.
    """
    kind = document_kind(output)
    run = costing(pricing_dir, scenarios_dir, settings, prices, as_of, currency, with_)
    catalog = run.catalog
    check_outputs(output, catalog=catalog)
    result = build_report(catalog, scenario, split_ids(stacks), as_of=run.as_of, currency=currency,
                          settings=run.settings, price_changes=run.price_changes,
                          with_components=run.with_components, baseline=baseline,
                          baseline_catalog=run.baseline_catalog, output_name=str(output),
                          data_args=data_arguments(pricing_dir, scenarios_dir))
    documents = render_report(result, kind, image_stem=output.stem)
    # Images first, the document last (renamed in that order): a reader never finds a report whose images
    # are missing. Every path is checked before any file is written, and all are replaced or none.
    outputs = [(output.with_name(name), text) for name, text in documents.items() if name]
    emit(documents[""], output, catalog, also=outputs)
