"""The procurement report as Markdown, with its charts written beside it as SVG files.

Every string from the data (ids, titles, file names, sources, notes) goes through costmodel.safe_text: inert
inline Markdown (no HTML, link, image or table break), a literal code span, or a fence no text can close.
"""

from __future__ import annotations

from urllib.parse import quote

from costmodel.safe_text import markdown, markdown_code, markdown_fence
from costmodel.views.formatting import Column, table, whatif_lines
from costmodel.views.report.build import Report
from costmodel.views.report.rows import (
    Table,
    assumptions_table,
    breakdown_table,
    comparison_table,
    files_table,
    prices_table,
    reproduce_command,
    rounding_note,
    sources,
    summary_lines,
)


def _table(t: Table) -> str:
    # render.table escapes every header and cell for Markdown itself: pass the plain text.
    columns = [Column(str(i), h, "right" if i in t.numeric_columns else "left") for i, h in enumerate(t.headers)]
    rows = [{str(i): cell.text for i, cell in enumerate(row)} for row in t.rows]
    return table(rows, columns, "markdown")


def image_name(stem: str, key: str) -> str:
    return f"{stem}-{key}.svg"


def render_markdown(report: Report, stem: str) -> dict[str, str]:
    """{"": the Markdown text, "STEM-KEY.svg": each chart}; image links are relative to the Markdown file."""
    c = report.comparison
    title = f"Voice-AI stack cost report: {markdown(report.scenario.title)}"
    out = [
        f"# {title}",
        "",
        f"Scenario {markdown_code(c.scenario)} · prices in force on {c.as_of} · {c.currency} · costmodel {report.version} · "
        f"price-sheet date {report.price_sheet_date} · fingerprint `{report.fingerprint[:16]}`",
        "",
        *[line for line in whatif_lines(c.whatif, "markdown") for line in (line, "")],
        "## Summary",
        "",
        *[f"- {markdown(line)}" for line in summary_lines(report)],
        "",
        "## Comparison",
        "",
        _table(comparison_table(report)),
        markdown(rounding_note(report)),
        "",
    ]
    files = {}
    if report.charts:
        out += ["## Break-even", ""]
        for chart in report.charts:
            name = image_name(stem, chart.key)
            files[name] = chart.svg
            # The image name holds the output file's stem: percent-encoded, any name is one relative link.
            out += [f"![{markdown(chart.title)}]({quote(name)})", "", f"*{markdown(chart.title)}.* {markdown(chart.caption)}", ""]
    elif report.charts_missing:
        out += ["## Break-even", "", markdown(report.charts_missing) + ".", ""]
    out += ["## Itemised breakdown per stack", ""]
    for row in report.priced:
        out += [
            f"### {row.rank}. {markdown(row.stack)}: {markdown(row.title)} ({markdown(row.architecture)})", "",
            _table(breakdown_table(c.estimates[row.stack])),
        ]
    scenario = report.scenario
    out += ["## Assumptions", ""]
    if scenario.description:
        out += [markdown(scenario.description), ""]
    if scenario.source:
        out += [f"Scenario source: {markdown(scenario.source)}", ""]
    out += [_table(assumptions_table(report)), "## Prices used and their sources", "",
            f"Every price a line item used, in force on {c.as_of}; sheet price as stated (USD), used after "
            "conversion and any what-if; source [n] is note n below; used by gives the stacks' numbers (#) in the "
            "comparison.", "", _table(prices_table(report)), "Sources:", "",
            *[f"{n}. {markdown(text)}" for n, text in enumerate(sources(report), start=1)], "",
            "## Estimates and hypotheticals", ""]
    out += [f"- {markdown(note)}" for note in report.estimate_notes] or ["None: every figure used is stated by its source."]
    out += [
        "", "## Reproduce this report", "",
        f"costmodel **{report.version}** · price-sheet date **{report.price_sheet_date}** (the latest checked or "
        "effective date among the prices and exchange rate used) · fingerprint:", "",
        f"`{report.fingerprint}`", "",
        "The fingerprint is the sha256 of the manifest below (one line per input file, then the settings).", "",
        markdown_fence(reproduce_command(report)), "", _table(files_table(report)),
        markdown_fence(report.manifest), "",
    ]
    files[""] = "\n".join(out)
    return {"": files.pop(""), **files}
