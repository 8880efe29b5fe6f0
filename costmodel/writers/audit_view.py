"""`audit`'s result shown: one row per claim (text, Markdown, CSV) and its JSON document."""

from __future__ import annotations

from typing import Any

from costmodel import __version__
from costmodel.safe_text import for_format
from costmodel.views.formatting import Column, Row, Rows, table
from costmodel.writers.audit import AuditReport, printed_text
from costmodel.writers.template import Figure


def _shown(value: Figure | None) -> str:
    return "unpriced" if value is None else value.render()


def audit_rows(report: AuditReport) -> Rows:
    """One row per claim, in the claims file's order; the note column is for CSV (text lists notes below)."""
    rows: list[Row] = [
        {
            "claim": r.id, "line": str(r.article_line), "printed": printed_text(r),
            "computed": _shown(r.computed), "then": _shown(r.at_article_date),
            "tolerance": r.tolerance_text, "status": r.status, "note": r.note or "",
        }
        for r in report.results
    ]
    columns = [
        Column("claim", "claim"), Column("line", "line", "right"), Column("printed", "printed", "right"),
        Column("computed", f"computed {report.as_of}", "right"),
        Column("then", f"computed {report.article_date}", "right"),
        Column("tolerance", "tolerance"), Column("status", "status"), Column("note", "note"),
    ]
    return Rows(rows, columns)


def audit_document(report: AuditReport) -> dict[str, Any]:
    """The JSON shape of `audit`: exact figures, one entry per claim."""

    def figure(f: Figure | None) -> dict[str, Any] | None:
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


def audit_text(report: AuditReport, fmt: str) -> str:
    """`audit` as text or Markdown (notes under the table), or as CSV (notes in a column when any)."""
    view = audit_rows(report)
    columns = view.columns[:-1]
    if fmt == "csv":
        if any(row["note"] for row in view.rows):
            columns = view.columns
        return table(view.rows, columns, fmt)
    body = table(view.rows, columns, fmt)
    # Notes are prose: under the table, one per claim, rather than a column that would stretch every row.
    notes = [f"- {r.id}: {r.note}" for r in report.results if r.note]
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
