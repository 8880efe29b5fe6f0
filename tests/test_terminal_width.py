"""Tables fit the terminal: text columns wrap to $COLUMNS, figures never wrap, --wide and files keep full width."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from costmodel.cli import cli
from costmodel.views.text_table import layout, wrap

FIGURE = re.compile(r"\d[\d,]*\.\d+(?:–\d[\d,]*\.\d+)?×?")


def test_wrap_breaks_at_spaces_then_after_hyphens_then_anywhere() -> None:
    assert wrap("was withdrawn on 2025-09-24", 12) == ["was", "withdrawn on", "2025-09-24"]
    # "gpt-audio-mini-article" is 22 columns: the last hyphen within 12 columns is after "gpt-audio-".
    assert wrap("gpt-audio-mini-article", 12) == ["gpt-audio-", "mini-article"]
    assert wrap("abcdefghijklmnop", 5) == ["abcde", "fghij", "klmno", "p"]
    assert wrap("short", 12) == ["short"]


def test_layout_wraps_text_and_keeps_figures_whole() -> None:
    headers, aligns = ["stack", "cost", "note"], ["left", "right", "left"]
    body = [["budget-first-uk-phone", "1,234.56", "a long note about this row"]]
    # Full width: stack 21, cost max(4+2, 8) = 8, note 26 → 21 + 8 + 26 + 2 × 2 separators = 59 columns.
    full = layout(headers, body, aligns, markdown=False)
    assert max(len(line) for line in full.splitlines()) == 59
    # At 40 columns: cost drops its header margin only down to its widest figure (8, so it keeps 8); the note
    # shrinks first, to the 12-column floor (59 - 14 = 45 > 40), then the stack from 21 to 16 (45 - 5 = 40).
    narrow = layout(headers, body, aligns, markdown=False, max_width=40).splitlines()
    assert narrow == [
        "stack                 cost  note",
        "----------------  --------  ------------",
        "budget-first-uk-  1,234.56  a long note",
        "phone                       about this",
        "                            row",
    ]
    # Markdown is never wrapped: a cell's text stays on its row.
    assert "budget-first-uk-phone" in layout(headers, body, aligns, markdown=True, max_width=40)


def test_compare_fits_100_columns_without_losing_a_figure() -> None:
    runner = CliRunner()
    wide = runner.invoke(cli, ["compare", "support-call-5min"])
    narrow = runner.invoke(cli, ["compare", "support-call-5min"], env={"COLUMNS": "100"})
    assert wide.exit_code == narrow.exit_code == 0
    assert max(len(line) for line in wide.output.splitlines()) > 100  # the case worth fitting
    assert max(len(line) for line in narrow.output.splitlines()) <= 100
    # Every figure of the full-width table is printed whole, in the same order.
    assert FIGURE.findall(narrow.output) == FIGURE.findall(wide.output)
    assert FIGURE.findall(wide.output)


def test_wide_and_machine_formats_and_files_ignore_columns(tmp_path: Path) -> None:
    runner = CliRunner()
    wide = runner.invoke(cli, ["compare", "support-call-5min"])
    assert runner.invoke(cli, ["compare", "support-call-5min", "--wide"], env={"COLUMNS": "60"}).output == wide.output
    out = tmp_path / "table.txt"
    assert runner.invoke(cli, ["compare", "support-call-5min", "-o", str(out)], env={"COLUMNS": "60"}).exit_code == 0
    assert out.read_text(encoding="utf-8") == wide.output
    markdown = runner.invoke(cli, ["compare", "support-call-5min", "--format", "markdown"])
    assert runner.invoke(cli, ["compare", "support-call-5min", "--format", "markdown"],
                         env={"COLUMNS": "60"}).output == markdown.output


def test_piped_output_without_columns_is_not_wrapped() -> None:
    # A pipe is not a terminal: with no $COLUMNS the table keeps its full width for the program reading it.
    done = subprocess.run([sys.executable, "-m", "costmodel", "compare", "support-call-5min"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0
    assert max(len(line) for line in done.stdout.splitlines()) > 100
