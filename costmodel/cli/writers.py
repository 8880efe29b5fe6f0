"""Writers' workflow: `prices diff` (what moved), `render` (computed templates), `audit` (check a published text)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from costmodel import __version__
from costmodel.cli.common import (
    as_of_option,
    catalog_for,
    check_outputs,
    data_options,
    emit,
    format_option,
    output_option,
    parse_date,
    split_ids,
)
from costmodel.safe_text import for_format
from costmodel.views.formatting import PER_CALL_PLACES, Column, dump_json, money, span_text, table

# ---------------------------------------------------------------- prices diff


def _percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    text = money(value, 1)
    return ("+" if value > 0 else "") + ("0.0" if text == "-0.0" else text) + "%"


def _change_text(change: Any) -> str:
    """`-50.0%` for a point; `low -50.0% / high -40.0%` when the two ends moved differently."""
    if change is None:
        return "–"
    low, high = _percent(change.low_percent), _percent(change.high_percent)
    return low if low == high else f"low {low} / high {high}"


def _price_value(value: Any) -> str:
    if value is None:
        return "–"
    from costmodel.core.interval import Span

    return str(Span.of(value))


def diff_document(result: Any) -> dict[str, Any]:
    """The JSON shape of `prices diff`: exact decimals, unpriced sides as null with the reason."""

    def change(c: Any) -> dict[str, Any] | None:
        return None if c is None else {"low": c.low, "high": c.high, "low_percent": c.low_percent,
                                       "high_percent": c.high_percent}

    return {
        "command": "prices diff",
        "costmodel_version": __version__,
        "from": {"label": result.old_label, "date": result.old_date},
        "to": {"label": result.new_label, "date": result.new_date},
        "currency": "USD",
        "prices": [
            {
                "sku": r.sku, "price_field": r.price_field, "unit": r.unit, "status": r.status,
                "old": _json_price(r.old), "new": _json_price(r.new), "change": change(r.change),
                "old_effective_from": r.old_effective_from, "new_effective_from": r.new_effective_from,
                "old_source": r.old_source, "new_source": r.new_source, "reason": r.reason,
            }
            for r in result.prices
        ],
        "costs": [
            {
                "scenario": r.scenario, "stack": r.stack, "changed": r.changed,
                "old_per_call": r.old_per_call, "new_per_call": r.new_per_call, "change": change(r.change),
                "old_unpriced": r.old_unpriced, "new_unpriced": r.new_unpriced,
            }
            for r in result.costs
        ],
    }


def _json_price(value: Any) -> Any:
    from costmodel.data.models import Range

    if value is None:
        return None
    if isinstance(value, Range):
        return {"low": format(value.low, "f"), "high": format(value.high, "f")}
    return format(value, "f")


def _signed(value: Decimal) -> str:
    text = money(value, PER_CALL_PLACES)
    return text if text.startswith("-") else "+" + text


def _cost_change(row: Any) -> str:
    """`-0.00344 (-9.1%)`; ends shown apart when a range moved differently at each end."""
    if row.change is None:
        return "unpriced on one side" if row.changed else "–"
    c = row.change
    money_text = _signed(c.low) if _signed(c.low) == _signed(c.high) else f"{_signed(c.low)}/{_signed(c.high)}"
    return f"{money_text} ({_change_text(c)})"


def diff_text(result: Any, fmt: str, show_all: bool) -> str:
    from costmodel.data.meters import PRICE_ALIASES

    short = {name: alias for alias, name in PRICE_ALIASES.items()}
    moved = [r for r in result.prices if r.status in {"changed", "added", "removed"}]
    price_rows = [
        {
            "sku": r.sku, "field": short[r.price_field], "status": r.status,
            "old": _price_value(r.old), "new": _price_value(r.new), "change": _change_text(r.change),
            "unit": f"USD per {r.unit}",
            "old_from": r.old_effective_from.isoformat() if r.old_effective_from else "–",
            "new_from": r.new_effective_from.isoformat() if r.new_effective_from else "–",
            "old_source": r.old_source or "", "new_source": r.new_source or "",
        }
        for r in moved
    ]
    price_columns = [
        Column("sku", "SKU"), Column("field", "price"), Column("status", "status"), Column("old", "old", "right"),
        Column("new", "new", "right"), Column("change", "change", "right"), Column("unit", "unit"),
        Column("old_from", "old from"), Column("new_from", "new from"), Column("old_source", "old source"),
        Column("new_source", "new source"),
    ]
    one_side: dict[str, Any] = {}
    for r in result.prices:
        if r.status in {"launched", "withdrawn"} and r.sku not in one_side:
            one_side[r.sku] = {"sku": r.sku, "status": r.status, "why": " ".join((r.reason or "").split())}
    side_columns = [Column("sku", "SKU"), Column("status", "status"), Column("why", "no price in force because")]
    shown = [r for r in result.costs if r.changed or show_all]
    cost_rows = [
        {
            "scenario": r.scenario, "stack": r.stack,
            "old": span_text(r.old_per_call, PER_CALL_PLACES),
            "new": span_text(r.new_per_call, PER_CALL_PLACES),
            "change": _cost_change(r),
            "why": " ".join((r.old_unpriced or r.new_unpriced or "").split()),
        }
        for r in shown
    ]
    cost_columns = [
        Column("scenario", "scenario"), Column("stack", "stack"), Column("old", "old per call", "right"),
        Column("new", "new per call", "right"), Column("change", "change", "right"), Column("why", "unpriced because"),
    ]
    if not any(row["why"] for row in cost_rows):
        cost_columns.pop()
    if fmt == "csv":
        # Several tables in one CSV would not load; CSV carries the cost effect (json has everything).
        return table(cost_rows, cost_columns, "csv")
    old = f"{for_format(result.old_label, fmt)} on {result.old_date}"
    new = f"{for_format(result.new_label, fmt)} on {result.new_date}"
    bold = "**" if fmt == "markdown" else ""
    hidden = len(result.costs) - len(shown)
    out = [
        f"{bold}Prices that changed: {old} → {new} (USD){bold}", "",
        table(price_rows, price_columns, fmt) if price_rows else "No price changed.\n",  # type: ignore[arg-type]
    ]
    if one_side:
        out += [f"{bold}SKUs priced on one side only (launched or withdrawn in between; never read as $0){bold}", "",
                table(list(one_side.values()), side_columns, fmt)]  # type: ignore[arg-type]
    out += [
        f"{bold}Effect on per-call cost (USD), scenario × stack{bold}", "",
        table(cost_rows, cost_columns, fmt) if cost_rows else "No per-call cost changed.\n",  # type: ignore[arg-type]
    ]
    if hidden:
        out.append(f"{hidden} scenario × stack pair(s) cost the same on both sides (--all lists them).\n")
    out.append(
        "Change = new − old, and (new − old) / old in percent, end by end for ranges; "
        f"per-call costs rounded half-up to {PER_CALL_PLACES} places.\n"
    )
    return "\n".join(out)


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
    old = catalog_for(from_pricing or pricing_dir, scenarios_dir)
    new = old if (to_pricing or pricing_dir) == (from_pricing or pricing_dir) else catalog_for(
        to_pricing or pricing_dir, scenarios_dir)
    result = price_diff(
        old, from_date or today, new, to_date or today,
        scenarios=split_ids(scenario_ids), stacks=split_ids(stack_ids),
        old_label=str(from_pricing) if from_pricing else "prices",
        new_label=str(to_pricing) if to_pricing else "prices",
    )
    text = dump_json(diff_document(result)) if fmt == "json" else diff_text(result, fmt, show_all)
    emit(text, output, old if old is new else _joined(old, new))


def _joined(old: Any, new: Any) -> Any:
    """Both catalogs' files, so -o can never overwrite an input of either side."""
    from costmodel.data.catalog import Catalog

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

    Functions: cost, component_cost, ratio, price, price_source, price_date, price_checked,
    audio_tokens_per_minute, as_of; arguments are literals only. Rounding follows the README
    ("Writers"): per call 5 places, component 6, monthly 2, ratios 1, prices as written; half-up.
    """
    from costmodel.writers.template import read_markdown, render_template

    catalog = catalog_for(pricing_dir, scenarios_dir)
    check_outputs(output, catalog=catalog, inputs=[template])
    text = render_template(read_markdown(template), catalog, as_of or date.today(), path=template)
    emit(text, output, catalog, inputs=[template])


# ---------------------------------------------------------------- audit


def audit_document(report: Any) -> dict[str, Any]:
    """The JSON shape of `audit`: exact figures, one entry per claim."""
    from costmodel.writers.audit import printed_text

    def figure(f: Any) -> Any:
        return None if f is None else {"value": f.value, "shown": f.render(), "kind": f.kind}

    return {
        "command": "audit",
        "costmodel_version": __version__,
        "article": report.article,
        "title": report.title,
        "article_date": report.article_date,
        "as_of": report.as_of,
        "counts": report.counts(),
        "claims": [
            {
                "id": r.id, "status": r.status, "article_line": r.article_line, "quote": r.quote,
                "printed": r.printed, "printed_text": printed_text(r), "relation": r.relation,
                "compute": r.compute, "computed": figure(r.computed), "at_article_date": figure(r.at_article_date),
                "tolerance": {"low": r.tolerance_low, "high": r.tolerance_high, "text": r.tolerance_text},
                "note": r.note,
            }
            for r in report.results
        ],
    }


def audit_text(report: Any, fmt: str) -> str:
    from costmodel.writers.audit import printed_text

    def shown(figure: Any) -> str:
        return "unpriced" if figure is None else figure.render()

    rows = [
        {
            "claim": r.id, "line": str(r.article_line), "printed": printed_text(r),
            "computed": shown(r.computed), "then": shown(r.at_article_date),
            "tolerance": r.tolerance_text, "status": r.status, "note": r.note or "",
        }
        for r in report.results
    ]
    columns = [
        Column("claim", "claim"), Column("line", "line", "right"), Column("printed", "printed", "right"),
        Column("computed", f"computed {report.as_of}", "right"),
        Column("then", f"computed {report.article_date}", "right"),
        Column("tolerance", "tolerance"), Column("status", "status"),
    ]
    if fmt == "csv":
        if any(r["note"] for r in rows):
            columns.append(Column("note", "note"))
        return table(rows, columns, fmt)
    body = table(rows, columns, fmt)  # type: ignore[arg-type]
    # Notes are prose: under the table, one per claim, rather than a column that would stretch every row.
    notes = [f"- {r['claim']}: {r['note']}" for r in rows if r["note"]]
    if notes:
        body += "\nNotes:\n" + "\n".join(notes) + "\n"
    counts = report.counts()
    bold = "**" if fmt == "markdown" else ""
    head = (f"{bold}Audit of {for_format(str(report.article), fmt)}: {for_format(report.title, fmt)}{bold}\n"
            f"article dated {report.article_date} · prices in force on {report.as_of} · USD\n\n")
    foot = (f"\n{counts['ok']} ok, {counts['wrong']} wrong, {counts['stale']} stale. "
            "wrong = does not follow from the article's own assumptions; stale = followed from the prices "
            "of its date, not today's.\n")
    return head + body + foot


@click.command()
@click.argument("article", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--claims", "claims_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Claims YAML for the article (default: ARTICLE's folder, <stem>.claims.yaml).")
@as_of_option
@format_option
@output_option
@data_options
def audit(article: Path, claims_path: Path | None, as_of: date | None, fmt: str, output: Path | None,
          pricing_dir: Path | None, scenarios_dir: Path | None) -> int:
    """Recompute every figure an article prints and mark it ok, wrong or stale; exit 1 if any is flagged.

    Each claim in the claims file quotes the article, states the printed figure and how to compute it
    (template functions); see the README section "Writers: refresh → audit → publish".
    """
    from costmodel.writers.audit import audit as run_audit

    claims_path = claims_path or article.with_name(article.stem + ".claims.yaml")
    catalog = catalog_for(pricing_dir, scenarios_dir)
    check_outputs(output, catalog=catalog, inputs=[article, claims_path])
    report = run_audit(article, claims_path, catalog, as_of)
    text = dump_json(audit_document(report)) if fmt == "json" else audit_text(report, fmt)
    emit(text, output, catalog, inputs=[article, claims_path])
    return 1 if report.flagged else 0
