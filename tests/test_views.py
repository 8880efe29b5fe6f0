"""The views: the table layout written in-house, one row builder per result shared by the CLI and the report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import costmodel
from costmodel.analyses.compare import compare
from costmodel.analyses.estimate import estimate
from costmodel.data.catalog import Catalog
from costmodel.data.records import Range
from costmodel.views.breakdown import breakdown_document, breakdown_rows
from costmodel.views.comparison import comparison_rows, comparison_text
from costmodel.views.formatting import Column, Figure, table
from costmodel.views.prices import sheet_price
from costmodel.views.report.build import build_report
from costmodel.views.report.rows import breakdown_table, comparison_table
from costmodel.views.text_table import display_width, layout

TODAY = date(2026, 11, 30)


# ------------------------------------------------------------------------------------------ the table layout


def test_plain_table_pads_columns_to_the_widest_cell_two_spaces_apart() -> None:
    text = layout(["#", "name"], [["1", "alpha"], ["10", "b"]], ["right", "left"], markdown=False)
    # Column 1: header "#" is 1 wide, +2 margin = 3; cells are at most 2 wide → 3.
    # Column 2: header "name" 4 + 2 = 6; "alpha" is 5 → 6. Left-aligned last cells lose their trailing spaces.
    assert text.split("\n") == [
        "  #  name",
        "---  ------",
        "  1  alpha",
        " 10  b",
    ]


def test_markdown_table_puts_one_space_inside_each_pipe() -> None:
    text = layout(["a", "bb"], [["xyz", "1"]], ["left", "right"], markdown=True)
    # Widths: "a" 1+2 = 3 (cell "xyz" also 3); "bb" 2+2 = 4. Rules are width + 2 dashes (the padding spaces).
    assert text.split("\n") == [
        "| a   |   bb |",
        "|-----|------|",
        "| xyz |    1 |",
    ]


def test_a_table_without_rows_aligns_its_headers_left() -> None:
    # "n" is 1 wide + 2 = 3, so the right-aligned header would read "  n"; with no rows it stays left: "n  ",
    # and the last header's trailing spaces go.
    assert layout(["n", "m"], [], ["right", "right"], markdown=False) == "n    m\n---  ---"


def test_cells_lose_edge_whitespace_but_headers_keep_theirs() -> None:
    text = layout([" h"], [["  x  "]], ["left"], markdown=False)
    # Header " h" is 2 wide + 2 = 4; the cell becomes "x".
    assert text.split("\n") == [" h", "----", "x"]


def test_wide_and_combining_characters_count_as_terminal_columns() -> None:
    assert display_width("abc") == 3
    assert display_width("中文") == 4  # two East Asian wide characters, 2 columns each
    assert display_width("e\u0301") == 1  # e + combining acute accent
    assert display_width("\U0001f469\u200d\U0001f4bb") == 2  # woman + zero-width joiner + laptop: one emoji
    text = layout(["x"], [["中"], ["ab"]], ["right"], markdown=False)
    # Width: max(1 + 2, 2, 2) = 3; "中" takes 2 columns so gets 1 space, "ab" also 1.
    assert text.split("\n") == ["  x", "---", " 中", " ab"]


def test_table_makes_cells_safe_for_markdown_before_laying_them_out() -> None:
    text = table([{"k": "a|b"}], [Column("k", "key")], "markdown")
    # "a|b" becomes "a\|b" (4 wide); the header "key" is 3 + 2 = 5 wide.
    assert text == "| key   |\n|-------|\n| a\\|b  |\n"


# ------------------------------------------------------------------------------------------ one builder per result


def test_report_comparison_cells_are_the_compare_rows(catalog: Catalog) -> None:
    report = build_report(catalog, "support-call-5min", None, as_of=TODAY)
    view = comparison_rows(report.comparison)
    reported = comparison_table(report)
    by_key = {column.key: index for index, column in enumerate(view.columns)}
    for row, cells in zip(view.rows, reported.rows, strict=True):
        assert cells[1].text == row["stack"]
        assert cells[3].text == str(row["per_call"])
        # Money keeps the exact span the text was rounded from, for the report's data attributes.
        figure = row["per_call"]
        assert isinstance(figure, Figure) and cells[3].exact == figure.exact
    # compare shows no GPU floor column; the report takes it from the same rows.
    assert "fixed_per_month" in by_key
    assert "GPU floor" not in comparison_text(report.comparison, "table")
    assert reported.headers[5] == "GPU floor (USD/month)"


def test_report_breakdown_rows_are_the_breakdown_rows_plus_a_total(catalog: Catalog) -> None:
    result = estimate(catalog, "support-call-5min", "budget-first", as_of=TODAY)
    view = breakdown_rows(result)
    reported = breakdown_table(result)
    assert len(reported.rows) == len(result.lines) + 1
    assert [cell.text for cell in reported.rows[0]] == [
        str(view.rows[0][key])
        for key in ("component", "sku", "meter", "quantity", "unit_price", "per_call", "per_month")
    ]
    assert reported.rows[-1][0].text == "total"


def test_the_price_unit_comes_from_the_price_field_and_the_currency(catalog: Catalog) -> None:
    result = estimate(catalog, "support-call-5min", "gpt-4o-cascade", as_of=TODAY, currency="GBP")
    document = breakdown_document(result)
    units = {line["price_field"]: line["price_unit"] for line in document["lines"]}
    # The text model's input price is per million tokens; the bill is in pounds.
    assert units["usd_per_million_input_tokens"] == "GBP per 1M input tokens"
    row = next(r for r, line in zip(breakdown_rows(result).rows, result.lines, strict=True)
               if line.price_field == "usd_per_million_input_tokens")
    assert str(row["unit_price"]).endswith(" per 1M input tokens")


def test_a_sheet_price_is_written_exactly_as_the_sheet_writes_it() -> None:
    # A point is {low, high} with equal ends, like every amount of a document.
    assert sheet_price(Decimal("5.00")) == {"low": "5.00", "high": "5.00"}  # trailing zeros kept, unlike a result's money
    assert sheet_price(Decimal("1E+1")) == {"low": "10", "high": "10"}  # never an exponent
    assert sheet_price(Range(low=Decimal("0.10"), high=Decimal("0.2"))) == {"low": "0.10", "high": "0.2"}
    assert sheet_price(None) is None


def test_compare_puts_the_note_column_only_when_a_stack_is_unpriced(catalog: Catalog) -> None:
    priced = compare(catalog, "support-call-5min", ["budget-first"], as_of=TODAY)
    assert "note" not in comparison_text(priced, "table").splitlines()[3].split()
    # On 2024-06-01 gpt-4o-cascade was priced and budget-first was not (gpt-4o-mini's first price is 2024-07-18).
    early = compare(catalog, "support-call-5min", ["budget-first", "gpt-4o-cascade"], as_of=date(2024, 6, 1))
    assert comparison_text(early, "table").splitlines()[3].split()[-1] == "note"
    # Numeric CSV has every column always (a stable shape for tools): the reason is in unpriced_reason.
    assert comparison_text(priced, "csv").splitlines()[0] == comparison_text(early, "csv").splitlines()[0]
    rows = {line.split(",")[1]: line for line in comparison_text(early, "csv").splitlines()[1:]}
    assert ",true,gpt" not in rows["gpt-4o-cascade"] and ",false,true," in rows["budget-first"]


def test_the_public_price_diff_text_is_the_views_one() -> None:
    from costmodel.views.price_diff import price_diff_text

    assert costmodel.price_diff_text is price_diff_text


def test_no_cli_module_builds_a_table_or_a_document() -> None:
    """The CLI picks a view; rows, columns and JSON shapes are built in views/ (and writers/ for the audit)."""
    import ast
    from pathlib import Path

    cli = Path(costmodel.__file__).parent / "cli"
    built = []
    for path in sorted(cli.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.endswith(("_document", "_text", "_rows")):
                built.append(f"{path.name}: def {node.name}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Column":
                built.append(f"{path.name}:{node.lineno}: Column(...)")
    assert built == []
