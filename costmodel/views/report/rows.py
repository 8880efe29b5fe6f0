"""The report's tables and summary as display strings, shared by the HTML and Markdown documents.

Every money string comes from costmodel.views.formatting (span_text, multiple_text and its rounding constants), so a
report cell reads exactly like the same cell of `compare` or `breakdown`. Money cells also keep the exact
Span, which the HTML writes into data-low/data-high attributes for anyone re-checking the rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from costmodel.analyses.estimate import Bill
from costmodel.core.interval import Span
from costmodel.data.records import Range
from costmodel.views.baseline import BASELINE_NOTE
from costmodel.views.breakdown import breakdown_rows
from costmodel.views.comparison import BASELINE_COLUMNS, comparison_rows
from costmodel.views.composition import missing_line, with_line
from costmodel.views.formatting import (
    LINE_PLACES,
    MONTHLY_PLACES,
    MULTIPLE_PLACES,
    PER_CALL_PLACES,
    Figure,
    Rows,
    money_text,
    multiple_text,
    plain,
    quantity_text,
    span_text,
)
from costmodel.views.report.build import Report


@dataclass(frozen=True)
class Cell:
    """One table cell: the text people read, and for money the exact value it was rounded from."""

    text: str
    exact: Span[Decimal] | None = None
    numeric: bool = False
    link: bool = False
    """The text is a source: the HTML links it when it is an http(s) URL."""
    mono: bool = False
    """A hash: monospaced, may break anywhere."""
    ident: bool = False
    """An id (stack, SKU, field, file): shown whole on one line, never broken at a hyphen."""
    footnote: int | None = None
    """The number of the source this cell cites (see `sources`); the text is that number in brackets."""


@dataclass(frozen=True)
class Table:
    key: str
    headers: list[str]
    rows: list[list[Cell]]
    numeric_columns: frozenset[int] = frozenset()


def money(value: Span[Decimal] | None, places: int, grouping: bool = False) -> Cell:
    return Cell(span_text(value, places, grouping), value, numeric=True)


def exact_text(value: Decimal | Range | Span[Decimal] | None) -> str:
    """A scenario value or sheet price exactly as written: 20–60 for a range, plain decimals."""
    if value is None:
        return "–"
    if isinstance(value, Range):
        return f"{plain(value.low)}–{plain(value.high)}"
    if isinstance(value, Span):
        return plain(value.low) if value.low == value.high else f"{plain(value.low)}–{plain(value.high)}"
    return plain(value)


def summary_lines(report: Report) -> list[str]:
    """The decision in a few sentences (plain text; the documents add emphasis)."""
    c = report.comparison
    cur = c.currency
    first = report.priced[0]
    lines = [
        f"Cheapest stack: {first.stack} — {first.title} — at {money_text(first.per_call, PER_CALL_PLACES, cur)} per call, "
        f"{money_text(first.per_month, MONTHLY_PLACES, cur, grouping=True)} per month "
        f"at {quantity_text(c.calls_per_month)} calls a month.",
    ]
    nxt = report.next_best
    if nxt is not None:
        lines.append(
            f"Next best: {nxt.stack} at {money_text(nxt.per_call, PER_CALL_PLACES, cur)} per call, "
            f"{multiple_text(nxt.multiple_of_cheapest)} the cheapest "
            f"({money_text(nxt.per_month, MONTHLY_PLACES, cur, grouping=True)} per month)."
        )
    if report.ranges_overlap:
        lines.append(
            "The per-call ranges of the two overlap: stacks are ranked by the low end, and at the high end of the "
            "assumptions the order can change (see the comparison and the charts)."
        )
    if first.estimate:
        lines.append("The cheapest stack's figures use at least one estimated or hypothetical number (see Estimates).")
    if c.baseline is not None:
        lines.append(BASELINE_NOTE)
    compositions = {row.stack: row.composition for row in c.rows}
    lines += [line for line in (with_line(c.shared, compositions), missing_line(c.shared, compositions)) if line]
    unpriced = [row.stack for row in c.rows if row.rank is None]
    if unpriced:
        lines.append(f"Not priced on {c.as_of}: {', '.join(unpriced)} (no price in force; never counted as zero).")
    return lines


def _cells(view: Rows, keys: tuple[str, ...], ids: tuple[str, ...] = ()) -> list[list[Cell]]:
    """A view's rows as report cells: right-aligned columns are numeric, money keeps its exact span, the `ids`
    columns hold ids (kept on one line)."""
    columns = view.shown(*keys)
    return [
        [
            Cell(value.text, value.exact, numeric=True) if isinstance(value, Figure)
            else Cell(value, numeric=column.align == "right", ident=column.key in ids)
            for column in columns
            for value in (row.get(column.key, ""),)
        ]
        for row in view.rows
    ]


def without_empty_columns(table: Table) -> Table:
    """The table without the columns no row fills (an empty column only takes width from the others)."""
    keep = [i for i in range(len(table.headers)) if any(row[i].text.strip() for row in table.rows)]
    numeric = frozenset(new for new, old in enumerate(keep) if old in table.numeric_columns)
    return Table(table.key, [table.headers[i] for i in keep], [[row[i] for i in keep] for row in table.rows], numeric)


def comparison_table(report: Report) -> Table:
    """The comparison rows of `compare`, with the GPU floor always shown and the note when a row has one."""
    view = comparison_rows(report.comparison)
    keys: tuple[str, ...] = ("rank", "stack", "architecture", "per_call", "per_month", "fixed_per_month", "multiple", "note")
    numeric = {0, 3, 4, 5, 6}
    if report.comparison.baseline is not None:  # --baseline: each stack's change from the run without what-ifs
        numeric |= {len(keys) + index for index in range(len(BASELINE_COLUMNS))}
        keys += BASELINE_COLUMNS
    if report.comparison.incomplete:
        keys += ("missing",)
    headers = [column.header for column in view.shown(*keys)]
    table = Table("comparison", headers, _cells(view, keys, ids=("stack", "architecture")), frozenset(numeric))
    return without_empty_columns(table)


def breakdown_table(result: Bill) -> Table:
    """The bill rows of `breakdown` (without dates and sources: the prices table cites them), and a total row."""
    view = breakdown_rows(result)
    keys = ("component", "sku", "meter", "quantity", "unit_price", "per_call", "per_month")
    rows = _cells(view, keys, ids=("component", "sku"))
    rows.append([
        Cell("total"), Cell(""), Cell(""), Cell(""), Cell(""),
        money(result.per_call, PER_CALL_PLACES), money(result.per_month, MONTHLY_PLACES, grouping=True),
    ])
    headers = [column.header for column in view.shown(*keys)]
    return Table(f"breakdown-{result.stack}", headers, rows, frozenset({3, 4, 5, 6}))


def assumptions_table(report: Report) -> Table:
    rows = [
        [Cell(a.name, ident=True), Cell(exact_text(a.value) if a.value is not None else "–", numeric=True),
         Cell(a.unit), Cell(a.origin, ident=True), Cell(a.description)]
        for a in report.assumptions
    ]
    return Table("assumptions", ["field", "value", "unit", "from", "meaning"], rows, frozenset({1}))


def sources(report: Report) -> list[str]:
    """Every source the prices table cites, once, in the order the table first cites it: footnote n is item n-1."""
    found = [p.source for p in report.prices] + ([report.fx.source] if report.fx is not None else [])
    return list(dict.fromkeys(" ".join(text.split()) for text in found))


def ranks_text(ranks: list[int]) -> str:
    """Comparison ranks as short runs: [1, 2, 3, 5, 9, 10] → "1–3, 5, 9, 10"."""
    runs: list[list[int]] = []
    for rank in sorted(set(ranks)):
        if runs and rank == runs[-1][-1] + 1:
            runs[-1].append(rank)
        else:
            runs.append([rank])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)


def prices_table(report: Report) -> Table:
    """Every price used; the "used" column appears only when it can differ from the sheet (currency, what-if).

    Sources are footnotes (numbers into `sources`), and the stacks using a price are their ranks in the comparison:
    a column of long sources or of twenty stack names would squeeze every other column to a word per line.
    """
    cur = report.comparison.currency
    converted = cur != "USD" or any(p.what_if for p in report.prices)
    number = {text: index for index, text in enumerate(sources(report), start=1)}
    rank = {row.stack: row.rank for row in report.priced if row.rank is not None}

    def cite(text: str) -> Cell:
        n = number[" ".join(text.split())]
        return Cell(f"[{n}]", link=True, footnote=n)

    rows = [
        [
            Cell(p.sku + (" *" if p.estimate else ""), ident=True),
            Cell(p.price_field, ident=True),
            Cell(f"USD per {p.unit}"),
            Cell(exact_text(p.sheet_usd), numeric=True),
            Cell(exact_text(p.used) + (" (what-if)" if p.what_if else ""), p.used, numeric=True),
            Cell(p.effective_from.isoformat(), numeric=True),
            Cell(p.checked.isoformat(), numeric=True),
            cite(p.source),
            Cell(ranks_text([rank[stack] for stack in p.stacks if stack in rank])),
        ]
        for p in report.prices
    ]
    if report.fx is not None:
        fx = report.fx
        rows.append([
            Cell(f"fx/{fx.currency}", ident=True), Cell("per_usd", ident=True), Cell(f"{fx.currency} per USD"),
            Cell(plain(fx.per_usd), numeric=True),
            Cell(plain(fx.per_usd), numeric=True), Cell(fx.effective_from.isoformat(), numeric=True),
            Cell(fx.checked.isoformat(), numeric=True),
            cite(fx.source), Cell("all"),
        ])
    headers = ["SKU", "price field", "unit", "sheet price", f"used ({cur} per unit)", "effective from", "checked",
               "source", "used by (# in comparison)"]
    if not converted:
        headers.pop(4)
        rows = [row[:4] + row[5:] for row in rows]
    return Table("prices", headers, rows, frozenset({3, 4} if converted else {3}))


def files_table(report: Report) -> Table:
    rows = [[Cell(f.name, ident=True), Cell(f.sha256, mono=True)] for f in report.files]
    return Table("files", ["input file", "sha256"], rows)


def rounding_note(report: Report) -> str:
    return (
        f"Figures are exact in the engine and rounded half-up for display only: per call to {PER_CALL_PLACES} places, "
        f"line items to {LINE_PLACES}, monthly amounts to cents ({MONTHLY_PLACES} places), multiples to "
        f"{MULTIPLE_PLACES}. Ranges are low–high: both ends flow through every calculation. "
        "* marks a stack, line or price that uses an estimated or hypothetical figure; † one that uses a price read "
        "only from a secondary source."
    )


def _quantity_arg(value: object) -> str:
    if isinstance(value, dict):
        return f"{value['low']}..{value['high']}"
    return str(value)


def reproduce_command(report: Report) -> str:
    """The command line that regenerates this report from the same data (shell-quoted): the scenario, stacks, date,
    currency, every what-if and --with, the exchange rate when one was given, --baseline, the data folders (and
    --no-bundled) and the file name."""
    import shlex

    from costmodel.data.catalog import FX_OVERRIDE_SOURCE

    s = report.settings
    args = ["costmodel", "report", s["scenario"]]
    if s["stacks"]:
        args += ["--stacks", ",".join(s["stacks"])]
    args += ["--as-of", s["as_of"], "--currency", s["currency"]]
    if report.fx is not None and report.fx.source == FX_OVERRIDE_SOURCE:
        args += ["--fx-rate", f"{report.fx.currency}={plain(report.fx.per_usd)}"]
    for name, value in s["set"].items():
        args += ["--set", f"{name}={_quantity_arg(value)}"]
    for change in s["price"]:
        target = f"{change['sku']}.{change['price_field']}"
        value = f"*{change['factor']}" if change["factor"] is not None else _quantity_arg(change["value"])
        args += ["--price", f"{target}={value}"]
    for component in s.get("with", []):
        args += ["--with", component]
    if report.comparison.baseline is not None:
        args += ["--baseline"]
    return shlex.join([*args, *report.data_args, "-o", report.output_name])
