"""The HTML report in a real browser (headless Chromium): what a person sees at 1280 px and on paper.

Chromium is driven over the DevTools protocol on a pipe (tests/browser.py, no Python dependency). Without a
Chromium this module skips with the reason, unless COSTMODEL_REQUIRE_BROWSER=1 (set by .ci/run, which installs
Debian's chromium), where a missing browser fails. Screenshots and PDFs are kept under test-artifacts/report-browser/
(or $COSTMODEL_TEST_ARTIFACTS) and their paths printed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from costmodel.cli import cli
from tests.browser import chromium, find_chromium, pdf_pages

AS_OF = "2026-11-24"
SCREEN_WIDTH = 1280
MIN_COLUMN_PX = 60
"""Narrower than this, a column must hold every cell on one line (a rank, a footnote number)."""
MAX_ROW_PX = 160
"""No table row taller than this at 1280 px (about eight lines): the sources once made rows 650 px tall."""
MM = 96 / 25.4
A4_PRINTABLE_PX = round((210 - 24) * MM)
"""A4 width less the page's 12 mm side margins (@page in the stylesheet), in CSS pixels: the narrowest paper."""
PAPERS = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}


def page_budget(priced_stacks: int) -> int:
    """Printed pages allowed: 6 for the summary, comparison, charts, assumptions, prices and reproduction, and
    a page for every two stacks' itemised bills (half a page each at most)."""
    return 6 + -(-priced_stacks // 2)


MEASURE = """
(() => {
  const lines = (el) => {
    const range = document.createRange(); range.selectNodeContents(el);
    const tops = new Set();
    for (const box of range.getClientRects()) if (box.width > 0) tops.add(Math.round(box.top));
    return tops.size;
  };
  const tables = [...document.querySelectorAll('table')].map((table) => {
    const heads = [...table.querySelectorAll('thead th')];
    const columns = heads.map((th) => ({header: th.textContent.trim(), width: th.getBoundingClientRect().width,
                                        maxLines: lines(th), wrappedWords: []}));
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((cell, i) => {
        const text = cell.textContent.trim();
        if (!text || !columns[i]) return;
        const n = lines(cell);
        columns[i].maxLines = Math.max(columns[i].maxLines, n);
        // A cell that is one word (an id, a figure) shown on more than one line was broken inside the word.
        if (n > 1 && !/\\s/.test(text)) columns[i].wrappedWords.push(text);
      });
    }
    const rows = [...table.querySelectorAll('tr')].map((tr) => tr.getBoundingClientRect().height);
    return {id: table.id, right: table.getBoundingClientRect().right, tallestRow: Math.max(...rows), columns};
  });
  const root = document.documentElement;
  return {scrollWidth: root.scrollWidth, scrollHeight: root.scrollHeight, tables,
          svgs: [...document.querySelectorAll('figure svg')].map((s) => s.getBoundingClientRect().width)};
})()
"""


def artifacts() -> Path:
    folder = Path(os.environ.get("COSTMODEL_TEST_ARTIFACTS") or Path(__file__).parents[1] / "test-artifacts") / "report-browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser_path() -> str:
    found = find_chromium()
    if found is None:
        reason = "no Chromium: install Debian's chromium (apt-get install chromium) or set COSTMODEL_CHROMIUM"
        if os.environ.get("COSTMODEL_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (COSTMODEL_REQUIRE_BROWSER=1: the browser test must run)")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def rendered(browser_path: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The report of the bundled 5-minute call on every bundled stack, opened at 1280 px and printed."""
    out = tmp_path_factory.mktemp("browser") / "report.html"
    result = CliRunner().invoke(cli, ["report", "support-call-5min", "--as-of", AS_OF, "-o", str(out)])
    assert result.exit_code == 0, result.output
    folder = artifacts()
    found: dict[str, Any] = {"folder": folder}
    with chromium(browser_path, SCREEN_WIDTH) as page:
        page.open(out.as_uri())
        found["screen"] = page.evaluate(MEASURE)
        found["screenshot"] = page.screenshot(folder / "report-1280.png")
        found["problems"] = page.problems()
        found["requests"] = page.requests()
        page.media("print")
        for paper, size in PAPERS.items():
            found[paper] = pdf_pages(page.pdf(folder / f"report-{paper}.pdf", size).read_bytes())
    with chromium(browser_path, A4_PRINTABLE_PX) as page:
        page.media("print")
        page.open(out.as_uri())
        found["print"] = page.evaluate(MEASURE)
        page.screenshot(folder / "report-print-a4-width.png")
    found["priced"] = sum(1 for t in found["screen"]["tables"] if t["id"].startswith("breakdown-"))
    print(f"\nreport screenshots and PDFs in {folder}: A4 {found['a4']} pages, Letter {found['letter']} pages")
    return found


def _squeezed(measured: dict[str, Any]) -> list[str]:
    return [
        f"{table['id']}: {column['header']!r} is {column['width']:.0f} px with {column['maxLines']} lines"
        for table in measured["tables"] for column in table["columns"]
        if column["width"] < MIN_COLUMN_PX and column["maxLines"] > 1
    ]


def test_nothing_overflows_the_1280_px_window(rendered: dict[str, Any]) -> None:
    screen = rendered["screen"]
    assert screen["scrollWidth"] <= SCREEN_WIDTH
    assert all(table["right"] <= SCREEN_WIDTH for table in screen["tables"])
    assert len(screen["svgs"]) == 2 and all(0 < width <= SCREEN_WIDTH for width in screen["svgs"])


def test_no_column_is_squeezed_and_no_id_is_broken(rendered: dict[str, Any]) -> None:
    screen = rendered["screen"]
    assert _squeezed(screen) == []
    broken = {table["id"]: column["wrappedWords"] for table in screen["tables"] for column in table["columns"]
              if column["wrappedWords"]}
    assert broken == {}, f"one-word cells broken over lines (ids break at hyphens): {broken}"
    tall = {table["id"]: table["tallestRow"] for table in screen["tables"] if table["tallestRow"] > MAX_ROW_PX}
    assert tall == {}
    # The comparison keeps its columns readable: every stack name on one line.
    comparison = next(table for table in screen["tables"] if table["id"] == "comparison")
    stack = next(column for column in comparison["columns"] if column["header"] == "stack")
    assert stack["maxLines"] == 1


def test_the_printed_page_fits_the_paper_and_the_page_budget(rendered: dict[str, Any]) -> None:
    printed = rendered["print"]
    assert printed["scrollWidth"] <= A4_PRINTABLE_PX  # nothing cut off or shrunk to fit on A4
    assert _squeezed(printed) == []
    budget = page_budget(rendered["priced"])
    assert rendered["priced"] >= 20  # the bundled library: the budget is tested on a long report
    assert 1 <= rendered["a4"] <= budget, f"A4: {rendered['a4']} pages, budget {budget}"
    assert 1 <= rendered["letter"] <= budget, f"Letter: {rendered['letter']} pages, budget {budget}"


def test_no_console_errors_and_no_requests_but_the_page(rendered: dict[str, Any]) -> None:
    assert rendered["problems"] == []
    assert [url for url in rendered["requests"] if not url.startswith("file:")] == []
    assert rendered["screenshot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_driver_sees_overflow_and_squeezed_columns(browser_path: str, tmp_path: Path) -> None:
    """The measurements can fail: a page built to overflow and to squeeze a column is caught by both checks."""
    page_file = tmp_path / "bad.html"
    page_file.write_text(
        "<!DOCTYPE html><html><body><div style='width:1500px'>wide</div>"
        "<table style='width:300px'><thead><tr><th>id</th><th>text</th></tr></thead><tbody><tr>"
        "<td>privacy-first-h100-sxm</td><td>" + "a long text that takes the width " * 20 + "</td></tr></tbody>"
        "</table><script>console.error('boom')</script></body></html>", encoding="utf-8")
    with chromium(browser_path, SCREEN_WIDTH) as page:
        page.open(page_file.as_uri())
        measured = page.evaluate(MEASURE)
        problems = page.problems()
    assert measured["scrollWidth"] > SCREEN_WIDTH
    assert _squeezed(measured) and measured["tables"][0]["columns"][0]["wrappedWords"] == ["privacy-first-h100-sxm"]
    assert problems == ["console: boom"]


def test_pdf_pages_counts_page_objects() -> None:
    # A hand-written PDF skeleton: a /Pages tree with two /Page objects.
    data = b"1 0 obj << /Type /Pages /Count 2 >> endobj 2 0 obj << /Type /Page >> endobj 3 0 obj <</Type/Page>> endobj"
    assert pdf_pages(data) == 2
