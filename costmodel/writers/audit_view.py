"""`audit`'s result shown: a table of verdicts and, under it, why each one (text, Markdown), CSV, and JSON.

Every claim shows its printed value, the value computed today and on its own date, the verdict and why, the
expression, the prices it used (with the dates they took effect, sources and when they were read) and the
claims file's note. `--format markdown` reads as an editor's review note: what needs fixing first.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from costmodel.core.interval import Span
from costmodel.safe_text import for_format
from costmodel.views.envelope import document
from costmodel.views.formatting import Column, Row, Rows, span_columns, span_keys, table
from costmodel.writers.audit import AuditReport, ClaimResult, LifecycleResult, printed_text
from costmodel.writers.template import Figure, PriceUsed

VERDICTS = {
    "wrong": "does not follow from the prices of its own date",
    "stale": "followed from the prices of its date, not today's",
    "retiring": "names a product whose withdrawal is announced",
    "ok": "follows from today's prices",
}


def _shown(value: Figure | None) -> str:
    return "unpriced" if value is None else value.render()


def audit_rows(report: AuditReport) -> Rows:
    """One row per claim, in the claims file's order (text and Markdown list the why and note below the table)."""
    rows: list[Row] = [
        {
            "claim": r.id, "line": str(r.article_line), "printed": printed_text(r),
            "computed": _shown(r.computed), "then": _shown(r.at_article_date), "date": str(r.claim_date),
            "tolerance": r.tolerance_text, "status": r.status, "reason": r.reason, "note": r.note or "",
        }
        for r in report.results
    ]
    rows += [
        {"claim": c.id, "line": str(c.article_line), "printed": c.name, "computed": c.today.text(),
         "then": c.then.text(), "date": str(report.article_date), "tolerance": "", "status": c.status,
         "reason": c.reason, "note": ""}
        for c in report.lifecycle
    ]
    columns = [
        Column("claim", "claim"), Column("line", "line", "right"), Column("printed", "printed", "right"),
        Column("computed", f"computed {report.as_of}", "right"),
        Column("then", "on its date", "right"), Column("date", "its date"),
        Column("tolerance", "tolerance"), Column("status", "status"), Column("reason", "why"), Column("note", "note"),
    ]
    return Rows(rows, columns)


def audit_csv(report: AuditReport) -> str:
    """`audit` as numeric CSV: one row per claim (then per lifecycle claim, `kind` lifecycle and no figures), the
    printed and computed values as exact `_low`/`_high` plain decimals (the unit is the claim's `kind`: money and
    prices in USD, multiples, counts), the tolerance as the slack below and above, dates ISO."""
    def value(figure: Figure | None) -> Span[Decimal] | None:
        return None if figure is None else figure.value

    rows = [
        {
            "claim": r.id, "line": str(r.article_line), "kind": r.kind, "relation": r.relation,
            **span_columns("printed", r.printed), **span_columns("computed", value(r.computed)),
            **span_columns("at_claim_date", value(r.at_article_date)),
            "claim_date": str(r.claim_date or report.article_date),
            **span_columns("tolerance", Span(r.tolerance_low, r.tolerance_high)),
            "status": r.status, "why": r.reason, "note": r.note or "",
        }
        for r in report.results
    ]
    rows += [
        {"claim": c.id, "line": str(c.article_line), "kind": "lifecycle", "relation": "",
         **span_columns("printed", None), **span_columns("computed", None), **span_columns("at_claim_date", None),
         "claim_date": str(report.article_date), **span_columns("tolerance", None), "status": c.status,
         "why": c.reason, "note": ""}
        for c in report.lifecycle
    ]
    columns = [Column("claim", "claim"), Column("line", "line"), Column("kind", "kind"), Column("relation", "relation"),
               *span_keys("printed", "computed", "at_claim_date"), Column("claim_date", "claim_date"),
               *span_keys("tolerance"), Column("status", "status"), Column("why", "why"), Column("note", "note")]
    return table(rows, columns, "csv")


def _price_json(p: PriceUsed) -> dict[str, Any]:
    return {"sku": p.sku, "field": p.field, "value": p.value, "unit": p.unit, "effective_from": p.effective_from,
            "source": p.source, "checked": p.checked, "estimate": p.estimate}


def audit_document(report: AuditReport) -> dict[str, Any]:
    """The JSON shape of `audit`: exact figures, one entry per claim, then the lifecycle findings."""

    def figure(f: Figure | None) -> dict[str, Any] | None:
        return None if f is None else {"value": f.value, "shown": f.render(), "kind": f.kind}

    return document("audit", {
        "article": report.article,
        "title": report.title,
        "article_date": report.article_date,
        "counts": report.counts(),
        "claims": [
            {
                "id": r.id, "status": r.status, "reason": r.reason, "article_line": r.article_line, "quote": r.quote,
                "printed": r.printed, "printed_text": printed_text(r), "relation": r.relation,
                "compute": r.compute, "computed": figure(r.computed), "claim_date": r.claim_date,
                "at_article_date": figure(r.at_article_date),
                "tolerance": {"low": r.tolerance_low, "high": r.tolerance_high, "text": r.tolerance_text},
                "prices": [_price_json(p) for p in r.prices],
                "note": r.note, "writer_note": r.writer_note,
            }
            for r in report.results
        ],
        "lifecycle": [
            {
                "id": c.id, "kind": c.kind, "status": c.status, "reason": c.reason, "article_line": c.article_line,
                "quote": c.quote, "name": c.name,
                "today": {"state": c.today.state, "date": c.today.on, "sku": c.today.sku},
                "at_article_date": {"state": c.then.state, "date": c.then.on, "sku": c.then.sku},
            }
            for c in report.lifecycle
        ],
    }, as_of=report.as_of, currency=None)


def _claim_block(r: ClaimResult, report: AuditReport, fmt: str) -> list[str]:
    """Why one verdict: a few labelled lines (Markdown: a bulleted list under a heading)."""
    def f(text: str) -> str:
        return for_format(text, fmt)

    then_label = "its date" if r.claim_date != report.article_date else "the article's date"
    fields = [
        ("printed", f"{printed_text(r)}, tolerance {r.tolerance_text}"),
        ("computed", f"{_shown(r.computed)} on {report.as_of}; {_shown(r.at_article_date)} on {r.claim_date} "
                     f"({then_label})"),
        ("why", r.reason),
        ("computed as", r.compute),
        *[("price", p.text()) for p in r.prices],
        *([("note", r.note)] if r.note else []),
    ]
    if fmt == "markdown":
        head = [f"#### `{r.id}`: {r.status} (line {r.article_line})", "", f"> {f(r.quote)}", ""]
        return head + [f"- **{label}:** " + (f"`{value}`" if label == "computed as" else f(value))
                       for label, value in fields] + [""]
    return [f"{r.id} (line {r.article_line}): {r.status}", f"  quote: \"{f(r.quote)}\""] + \
        [f"  {label}: {f(value)}" for label, value in fields] + [""]


def _lifecycle_block(c: LifecycleResult, fmt: str) -> list[str]:
    def f(text: str) -> str:
        return for_format(text, fmt)

    if fmt == "markdown":
        return [f"#### `{c.id}`: {c.status} (line {c.article_line})", "", f"> {f(c.quote)}", "",
                f"- **why:** {f(c.reason)}", ""]
    return [f"{c.id} (line {c.article_line}): {c.status}", f"  quote: \"{f(c.quote)}\"", f"  why: {f(c.reason)}", ""]


def audit_text(report: AuditReport, fmt: str) -> str:
    """`audit` as text or Markdown (a table, then why each verdict), or as CSV (why and notes in columns)."""
    if fmt == "csv":
        return audit_csv(report)
    view = audit_rows(report)
    columns = view.columns[:-2]  # why and notes are prose: below the table, not columns stretching every row
    counts = report.counts()
    summary = ", ".join(f"{counts[s]} {s}" for s in ("ok", "wrong", "stale", "retiring") if counts[s] or s != "retiring")
    legend = "; ".join(f"{s} = {VERDICTS[s]}" for s in ("wrong", "stale", "retiring") if counts[s])
    flagged = [r for r in report.results if r.status != "ok"]
    fine = [r for r in report.results if r.status == "ok"]
    if fmt == "markdown":
        lines = [f"**Review note: {for_format(report.title, fmt)}**", "",
                 f"Article `{for_format(str(report.article), fmt)}`, dated {report.article_date}; every figure "
                 f"recomputed with the prices in force on {report.as_of} and on the date it was true as of (USD).",
                 "", f"**{summary}.**" + (f" {legend}." if legend else ""), "",
                 table(view.rows, columns, fmt).rstrip("\n"), ""]
        if flagged:
            lines += ["### To fix", ""] + [x for r in flagged for x in _claim_block(r, report, fmt)]
        if report.lifecycle:
            lines += ["### Products named that are withdrawn or retiring", ""]
            lines += [x for c in report.lifecycle for x in _lifecycle_block(c, fmt)]
        if fine:
            lines += ["### Checked and right", ""] + [x for r in fine for x in _claim_block(r, report, fmt)]
        return "\n".join(lines).rstrip("\n") + "\n"
    head = (f"Audit of {for_format(str(report.article), fmt)}: {for_format(report.title, fmt)}\n"
            f"article dated {report.article_date} · prices in force on {report.as_of} · USD\n\n")
    body = table(view.rows, columns, fmt)
    why = [x for r in report.results for x in _claim_block(r, report, fmt)]
    why += [x for c in report.lifecycle for x in _lifecycle_block(c, fmt)]
    foot = f"{summary}." + (f" {legend}." if legend else "") + "\n"
    return head + body + "\nWhy:\n" + "\n".join(why) + foot
