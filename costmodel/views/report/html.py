"""The procurement report as one self-contained HTML page: inline CSS, inline SVG charts, no network fetches.

Every string from the data (names, sources, notes, file names: user files) goes through safe_text.html
(control characters removed, then html.escape with quotes). Sources are linked
with <a href> only (a link is not a resource load). The page prints on A4 and US Letter alike: @page leaves
the paper size to the print dialog, and the layout fits the narrower printable width (A4, 210 mm).
"""

from __future__ import annotations

import dataclasses
import re

from costmodel.safe_text import html as escape  # html.escape after removing control characters
from costmodel.safe_text import strip_controls
from costmodel.views.formatting import figure_with_symbol, plain, whatif_text
from costmodel.views.report.build import Report
from costmodel.views.report.rows import (
    Cell,
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

CSS = """
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --line: #d0d7de;
  --head: #f3f5f7; --accent: #0b5cad; --flag: #8a5a00; --flag-bg: #fff4d6; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --line: #30363d; --head: #161b22;
    --accent: #6cb6ff; --flag: #f2cc60; --flag-bg: #3a2e0b; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 76rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1rem; margin: 1.4rem 0 .4rem; }
p, li { max-width: 48rem; }
.meta, figcaption, .note { color: var(--muted); font-size: .9em; }
a { color: var(--accent); }
.summary { border: 1px solid var(--line); border-left: 4px solid var(--accent); padding: .6rem 1rem; background: var(--head); }
.summary p { margin: .35rem 0; }
.figures { display: flex; flex-wrap: wrap; gap: .6rem 2rem; margin: .4rem 0 .6rem; }
.figure b { display: block; font-size: 1.35rem; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .8rem; font-size: .86em; }
th, td { border: 1px solid var(--line); padding: .25rem .4rem; vertical-align: top; text-align: left;
  overflow-wrap: break-word; }
td.src, td.hash { overflow-wrap: anywhere; }
/* Ids (stacks, SKUs, fields) read as one word: never broken at a hyphen. */
td.id, span.id, .nb, td.ref { white-space: nowrap; }
td.id wbr { display: none; }
ol.sources { font-size: .86em; padding-left: 2.2rem; }
ol.sources li { max-width: none; overflow-wrap: anywhere; margin: .1rem 0; }
td.hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
th { background: var(--head); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 600; }
.flag { color: var(--flag); background: var(--flag-bg); padding: 0 .25rem; border-radius: 3px; }
figure { margin: 1rem 0; }
/* matplotlib draws dark ink on white; keep the chart on its own white card in dark mode too */
figure .chart { background: #ffffff; border: 1px solid var(--line); border-radius: 4px; padding: .3rem; }
figure svg { display: block; width: 100%; height: auto; max-height: 34rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .78em; background: var(--head);
  border: 1px solid var(--line); padding: .5rem; }
code { font-size: .92em; }
@page { size: auto; margin: 14mm 12mm 16mm; }
@media print {
  :root { --fg: #000000; --muted: #444444; --bg: #ffffff; --line: #999999; --head: #eeeeee;
    --accent: #000000; --flag: #000000; --flag-bg: #eeeeee; color-scheme: light; }
  body { font-size: 9pt; }
  main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 7.5pt; margin: .2rem 0 .4rem; }
  th, td { padding: .1rem .2rem; line-height: 1.3; }
  h2 { margin: 1rem 0 .4rem; }
  h3 { margin: .7rem 0 .2rem; font-size: 9pt; }
  .flag { padding: 0 .1rem; }
  /* Wide breakdown tables must fit the printable width: let their figures wrap at the en dash if they must
     (the comparison keeps its figures whole, the note column gives way). */
  th.num, section.breakdown td.num { white-space: normal; }
  thead { display: table-header-group; }
  tr, figure, .summary { break-inside: avoid; page-break-inside: avoid; }
  section.breakdown { break-inside: auto; }
  figure svg { max-height: 11cm; }
  a { text-decoration: none; }
  ol.sources, #estimates li { font-size: 7.5pt; }
  /* The manifest printed under it lists the same files and hashes, and is what the fingerprint hashes. */
  table#files { display: none; }
  /* On paper an id may break after a / or _ (never at a hyphen) so that wide tables fit the page. */
  td.id, span.id { white-space: normal; }
  td.id wbr { display: inline; }
}
""".strip()

_URL = re.compile(r"https?://[^\s<>\"']+")


def _linked(text: str) -> str:
    """Escape text and link the http(s) URLs in it (trailing punctuation stays outside the link)."""
    text = strip_controls(text)
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        end = match.start() + len(url)
        out.append(escape(text[last:match.start()]))
        out.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


MARKS = {
    "*": "uses an estimated or hypothetical figure",
    "†": "uses a price read only from a secondary source",
}
"""Provenance marks after a stack or SKU id (views.formatting.provenance_marks), shown as flags."""


def _ident(text: str) -> str:
    """An id escaped, breakable only after a / or _ (provider/model, usd_per_…), never at a hyphen: each piece
    is kept whole (class nb) and the pieces may break apart."""
    return "<wbr>".join(f'<span class="nb">{escape(piece)}</span>' for piece in re.split(r"(?<=[/_])", text) if piece)


def _marked(text: str, ident: bool) -> str:
    """A cell's text; an id with its trailing provenance marks as flags."""
    words = text.split(" ")
    marks: list[str] = []
    while len(words) > 1 and words[-1] in MARKS:
        marks.insert(0, words.pop())
    flags = "".join(f' <span class="flag" title="{MARKS[m]}">{m}</span>' for m in marks)
    if marks:
        return f'<span class="id">{_ident(" ".join(words))}</span>{flags}'
    return _ident(text) if ident else escape(text)


def _cell(cell: Cell, tag: str = "td") -> str:
    css = "num" if cell.numeric else "ref" if cell.footnote is not None else "src" if cell.link else \
        "hash" if cell.mono else "id" if cell.ident else ""
    attrs = f' class="{css}"' if css else ""
    if cell.exact is not None:
        attrs += f' data-low="{plain(cell.exact.low)}" data-high="{plain(cell.exact.high)}"'
    if cell.footnote is not None:
        text = f'<a href="#source-{cell.footnote}">{escape(cell.text)}</a>'
    elif cell.link:
        text = _linked(cell.text)
    else:
        text = _marked(cell.text, cell.ident)
    return f"<{tag}{attrs}>{text}</{tag}>"


def _money_cell(cell: Cell, currency: str) -> str:
    """A summary figure: the cell's rounded money with the currency's symbol (`$0.00164–$0.01495`), exact in data-*."""
    return _cell(dataclasses.replace(cell, text=figure_with_symbol(cell.text, currency)), "span")
def _sources(report: Report) -> str:
    """The numbered sources the prices table cites ([n] links to item n)."""
    items = [f'<li id="source-{n}">{_linked(text)}</li>' for n, text in enumerate(sources(report), start=1)]
    return '<h3 id="sources-heading">Sources</h3><ol class="sources" id="sources">\n' + "\n".join(items) + "\n</ol>"


def _table(table: Table, total_last: bool = False) -> str:
    num = ' class="num"'
    heads = "".join(
        f'<th scope="col"{num if i in table.numeric_columns else ""}>{escape(h)}</th>' for i, h in enumerate(table.headers)
    )
    body = []
    for index, row in enumerate(table.rows):
        css = ' class="total"' if total_last and index == len(table.rows) - 1 else ""
        body.append(f"<tr{css}>" + "".join(_cell(c) for c in row) + "</tr>")
    return (
        f'<table id="{escape(table.key)}"><thead><tr>{heads}</tr></thead>'
        f"<tbody>\n" + "\n".join(body) + "\n</tbody></table>"
    )


def _svg(svg: str) -> str:
    # matplotlib writes an XML prolog and DOCTYPE before <svg>; inline SVG in HTML starts at the element.
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def render_html(report: Report) -> str:
    c = report.comparison
    cur = c.currency
    first = report.priced[0]
    comparison = comparison_table(report)
    title = f"Voice-AI stack cost report: {report.scenario.title}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f'<meta name="generator" content="costmodel {escape(report.version)}">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{CSS}\n</style></head><body><main>",
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="meta">Scenario <code>{escape(c.scenario)}</code> · prices in force on {c.as_of} · {escape(cur)}'
        f" · costmodel {escape(report.version)} · price-sheet date {report.price_sheet_date}"
        f' · fingerprint <code id="fingerprint-short">{report.fingerprint[:16]}</code></p>',
        *([f'<p class="meta" id="whatif">what-if: {escape(whatif_text(c.whatif))}</p>'] if c.whatif else []),
        "</header>",
        '<section id="summary"><h2>Summary</h2><div class="summary">',
        '<div class="figures">',
        f'<div class="figure">Cheapest stack<b id="cheapest">{escape(first.stack)}</b></div>',
        f'<div class="figure">Per call<b>{_money_cell(comparison.rows[0][3], cur)}</b></div>',
        f'<div class="figure">Per month<b>{_money_cell(comparison.rows[0][4], cur)}</b></div>',
    ]
    if report.next_best is not None:
        parts.append(
            f'<div class="figure">Next best costs<b>{_cell(comparison.rows[1][6], "span")}</b></div>'
        )
    parts.append("</div>")
    parts += [f"<p>{escape(line)}</p>" for line in summary_lines(report)]
    parts.append("</div></section>")
    parts += [
        '<section id="comparison"><h2>Comparison</h2>',
        f'<p class="meta">{escape(c.scenario_title)} · ranked cheapest first by per-call cost (low end of the range).</p>',
        _table(comparison),
        f'<p class="note">{escape(rounding_note(report))}</p></section>',
    ]
    if report.charts:
        parts.append('<section id="charts"><h2>Break-even</h2>')
        for chart in report.charts:
            parts.append(
                f'<figure id="chart-{escape(chart.key)}"><div class="chart">{_svg(chart.svg)}</div>'
                f"<figcaption><b>{escape(chart.title)}.</b> {escape(chart.caption)}</figcaption></figure>"
            )
        parts.append("</section>")
    elif report.charts_missing:
        parts.append(f'<section id="charts"><h2>Break-even</h2><p class="note">{escape(report.charts_missing)}.</p></section>')
    parts.append('<section id="breakdowns"><h2>Itemised breakdown per stack</h2>')
    for row in report.priced:
        result = c.estimates[row.stack]
        parts.append(
            f'<section class="breakdown" id="stack-{escape(row.stack)}">'
            f"<h3>{row.rank}. {escape(row.stack)}: {escape(row.title)} ({escape(row.architecture)})</h3>"
        )
        parts.append(_table(breakdown_table(result), total_last=True))
        if result.fixed_per_month.high > 0:
            parts.append('<p class="note">Self-hosted GPUs: the always-on floor is paid whatever the volume.</p>')
        parts.append("</section>")
    parts.append("</section>")
    scenario = report.scenario
    parts.append('<section id="assumptions"><h2>Assumptions</h2>')
    if scenario.description:
        parts.append(f"<p>{escape(' '.join(scenario.description.split()))}</p>")
    if scenario.source:
        parts.append(f'<p class="meta">Scenario source: {_linked(scenario.source)}</p>')
    parts.append(_table(assumptions_table(report)))
    parts.append(
        '<p class="note">“default”: costmodel\'s default for a field the scenario does not set; “derived”: not set, '
        "worked out by the engine as the meaning says; “not used”: the scenario gives the field\'s whole-call or per-turn "
        "twin instead; “--set”: changed for this report.</p></section>"
    )
    parts += [
        '<section id="prices"><h2>Prices used and their sources</h2>',
        f'<p class="meta">Every price a line item above used, in force on {c.as_of}. “Sheet price” is the figure as the '
        "price sheet states it (USD); “used” is after currency conversion and any what-if; “source” is a numbered "
        "note under the table; “used by” gives the stacks by their number (#) in the comparison.</p>",
        _table(prices_table(report)),
        _sources(report),
        "</section>",
        '<section id="estimates"><h2>Estimates and hypotheticals</h2>',
    ]
    if report.estimate_notes:
        parts.append("<p>These figures are estimates, inferences or from secondary sources; the report flags them "
                     'with <span class="flag">*</span>.</p><ul>')
        parts += [f"<li>{_linked(note)}</li>" for note in report.estimate_notes]
        parts.append("</ul>")
    else:
        parts.append("<p>None: every figure used is stated by its source.</p>")
    parts.append("</section>")
    parts += [
        '<section id="reproduce"><h2>Reproduce this report</h2>',
        f"<p>costmodel <b>{escape(report.version)}</b> · price-sheet date <b>{report.price_sheet_date}</b> (the latest "
        "checked or effective date among the prices and exchange rate used) · fingerprint:</p>",
        f'<p><code id="fingerprint">{report.fingerprint}</code></p>',
        "<p>The fingerprint is the sha256 of the manifest below: one line per input file (sha256 and name relative "
        "to the data folder) and the settings. Re-run with the same files and settings and it is identical:</p>",
        f'<pre id="command">{escape(reproduce_command(report))}</pre>',
        _table(files_table(report)),
        f'<pre id="manifest">{escape(report.manifest)}</pre>',
        "</section></main></body></html>",
    ]
    return "\n".join(parts) + "\n"
