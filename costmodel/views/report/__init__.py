"""The procurement report: its data (build), tables (rows), charts, and the HTML and Markdown documents."""

from __future__ import annotations

from costmodel.views.report.build import Report


def render_report(report: Report, kind: str, image_stem: str = "report") -> dict[str, str]:
    """The document's files by name: {"": html} for HTML; {"": markdown, "STEM-KEY.svg": svg, ...} for Markdown."""
    if kind == "html":
        from costmodel.views.report.html import render_html

        return {"": render_html(report)}
    from costmodel.views.report.markdown import render_markdown

    return render_markdown(report, image_stem)
