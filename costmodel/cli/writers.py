"""Writers' workflow: `prices diff` (what moved), `render` (computed templates), `audit` (check a published text)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from costmodel.cli.common import (
    as_of_option,
    catalog_for,
    check_outputs,
    data_options,
    emit,
    format_option,
    json_out,
    output_option,
    parse_date,
    split_ids,
)
from costmodel.data.catalog import Catalog, load_catalog
from costmodel.views.price_diff import price_diff_document, price_diff_text

# ---------------------------------------------------------------- prices diff


@click.command("diff")
@click.option("--from", "from_date", callback=parse_date, metavar="DATE",
              help="Old side: prices in force on this date (default: today).")
@click.option("--to", "to_date", callback=parse_date, metavar="DATE",
              help="New side: prices in force on this date (default: today).")
@click.option("--from-pricing", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Old side's pricing folder, e.g. an old release's pricing/ (default: --pricing or bundled).")
@click.option("--to-pricing", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="New side's pricing folder (default: --pricing or bundled).")
@click.option("--scenario", "scenario_ids", metavar="A,B,...", help="Only these scenarios (default: all).")
@click.option("--stacks", "stack_ids", metavar="A,B,...", help="Only these stacks (default: all on either side).")
@click.option("--all", "show_all", is_flag=True, help="Also list scenario × stack pairs whose cost did not change.")
@format_option
@output_option
@data_options
def prices_diff(from_date: date | None, to_date: date | None, from_pricing: Path | None, to_pricing: Path | None,
                scenario_ids: str | None, stack_ids: str | None, show_all: bool, fmt: str, output: Path | None,
                pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """Every price that differs between two dates or two pricing folders, and what it does to each bill.

    Examples: `costmodel prices diff --from 2024-06-01 --to 2025-06-01`;
    `costmodel prices diff --from-pricing old-release/pricing` (old release vs bundled, both today).
    """
    from costmodel.analyses.price_diff import price_diff

    if from_date is None and to_date is None and from_pricing is None and to_pricing is None:
        raise click.UsageError("give --from DATE (and --to DATE), or --from-pricing DIR (and --to-pricing DIR)")
    today = date.today()
    old = _side(from_pricing, pricing_dir, scenarios_dir)
    new = old if (to_pricing or pricing_dir) == (from_pricing or pricing_dir) else _side(
        to_pricing, pricing_dir, scenarios_dir)
    result = price_diff(
        old, from_date or today, new, to_date or today,
        scenarios=split_ids(scenario_ids), stacks=split_ids(stack_ids),
        old_label=str(from_pricing) if from_pricing else "prices",
        new_label=str(to_pricing) if to_pricing else "prices",
    )
    text = json_out(price_diff_document(result)) if fmt == "json" else price_diff_text(result, fmt, show_all)
    emit(text, output, old if old is new else _joined(old, new))


def _side(side: Path | None, pricing_dir: Path | None, scenarios_dir: Path | None) -> Catalog:
    """One side of a diff: --from-pricing/--to-pricing name a whole library's pricing folder (an old release's),
    compared as it is, with --scenarios's folder (or the bundled scenarios); without one, the library --pricing
    and --scenarios make (added to the bundled data unless --no-bundled)."""
    if side is None:
        return catalog_for(pricing_dir, scenarios_dir)
    return load_catalog(side, scenarios_dir)


def _joined(old: Catalog, new: Catalog) -> Catalog:
    """Both catalogs' files, so -o can never overwrite an input of either side."""
    return Catalog(files=[*old.files, *new.files])


# ---------------------------------------------------------------- render


@click.command(short_help="Fill a Markdown template's placeholders with computed, rounded figures.")
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@as_of_option
@output_option
@data_options
def render(template: Path, as_of: date | None, output: Path | None, pricing_dir: Path | None,
           scenarios_dir: Path | None) -> None:
    """Fill a Markdown template's {{ ... }} placeholders with figures computed from the price sheets.

    Functions: cost (of a scenario on a stack, or of a SKU's usage), monthly, component_cost, ratio, price,
    price_source, price_date, price_checked, audio_tokens, audio_tokens_per_minute, lifecycle, as_of;
    arguments are literals only. Rounding follows the README ("Writers"): per call 5 places, component 6,
    monthly 2, ratios 1, prices as written; half-up; sig=N shows N significant figures. HTML comments
    (<!-- ... -->) are not rendered.
    """
    from costmodel.writers.template import read_markdown, render_template

    catalog = catalog_for(pricing_dir, scenarios_dir)
    check_outputs(output, catalog=catalog, inputs=[template])
    text = render_template(read_markdown(template), catalog, as_of or date.today(), path=template)
    emit(text, output, catalog, inputs=[template])


# ---------------------------------------------------------------- audit


@click.command()
@click.argument("article", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--claims", "claims_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Claims YAML for the article (default: ARTICLE's folder, <stem>.claims.yaml).")
@click.option("--draft", is_flag=True,
              help="Write a claims skeleton for ARTICLE instead (to -o, or standard output): every figure found, "
                   "its sentence quoted, the likely expression filled in and marked to confirm.")
@as_of_option
@format_option
@output_option
@data_options
def audit(article: Path, claims_path: Path | None, draft: bool, as_of: date | None, fmt: str, output: Path | None,
          pricing_dir: Path | None, scenarios_dir: Path | None) -> int:
    """Recompute every figure an article prints and mark it ok, wrong, stale or retiring; exit 1 if any is flagged.

    Each claim in the claims file quotes the article, states the printed figure and how to compute it
    (template functions); `--draft` writes a first claims file to edit. See the README section
    "Writers: draft → audit → publish".
    """
    from costmodel.writers.audit import audit as run_audit
    from costmodel.writers.audit_view import audit_document, audit_text

    catalog = catalog_for(pricing_dir, scenarios_dir)
    if draft:
        from costmodel.writers.draft import draft_claims
        from costmodel.writers.template import read_markdown

        if claims_path is not None:
            raise click.UsageError("--draft writes a claims file; give it with -o, not --claims")
        check_outputs(output, catalog=catalog, inputs=[article])
        text = draft_claims(read_markdown(article), catalog, article.name, as_of or date.today())
        emit(text, output, catalog, inputs=[article])
        return 0
    claims_path = claims_path or article.with_name(article.stem + ".claims.yaml")
    check_outputs(output, catalog=catalog, inputs=[article, claims_path])
    report = run_audit(article, claims_path, catalog, as_of)
    text = json_out(audit_document(report)) if fmt == "json" else audit_text(report, fmt)
    emit(text, output, catalog, inputs=[article, claims_path])
    return 1 if report.flagged else 0
