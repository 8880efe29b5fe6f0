"""Hostile text from files and file names through every output: terminal tables, Markdown, CSV, JSON, reports, errors.

A tiny library is written here whose stack file name, scenario file name, titles, source and note hold terminal
escapes (window title, OSC 52 clipboard write, concealed text), spreadsheet formulas, HTML and line breaks;
each test runs real commands on it and checks what comes out, never how the program got there.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from costmodel.cli import cli
from costmodel.cli.common import split_ids
from costmodel.errors import InputError
from costmodel.safe_text import csv_cell, error_line, markdown, markdown_code, markdown_fence, one_line, terminal
from costmodel.views.formatting import Column, dump_json, table

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"
CONCEAL = "\x1b[8m"
RLO = "\u202e"  # right-to-left override: shows "abc" + RLO + "fdp.exe" as "abcexe.pdf"
C1_CSI = "\x9b"  # the 8-bit form of ESC [

STACK_ID = "=HYPERLINK(1)" + CONCEAL
SCENARIO_ID = "<img src=x onerror=alert(1)>" + OSC_TITLE
TITLE = "+cmd|' /C calc'!A0\nforged | row " + OSC_TITLE + " <img src=x onerror=alert(1)> " + RLO + "gnp.exe"
SOURCE = '=HYPERLINK("http://evil.example/x","click")' + OSC_CLIPBOARD
NOTE = "@SUM(1+1) " + CONCEAL + "hidden <img src=x onerror=alert(1)> | pipe\nsecond line " + C1_CSI + "2J"

# Where the stripped forms of the strings above must show (each control character removed, nothing else):
STACK_SHOWN = "=HYPERLINK(1)[8m"
SCENARIO_SHOWN = "<img src=x onerror=alert(1)>]0;pwned"
SOURCE_SHOWN = '=HYPERLINK("http://evil.example/x","click")]52;c;cHduZWQ='

SHEET = """\
schema_version: 1
provider: acme
name: Acme AI
skus:
  - id: acme/chat
    kind: llm
    name: {name}
    periods:
      - effective_from: 2025-01-01
        currency: USD
        source: {source}
        checked: 2025-06-01
        estimate: true
        note: {note}
        usd_per_million_input_tokens: 1.00
        usd_per_million_output_tokens: 4.00
"""

STACK = """\
schema_version: 1
title: {title}
architecture: cascade
components:
  - role: llm
    sku: acme/chat
"""

SCENARIO = """\
schema_version: 1
title: {title}
source: {source}
calls_per_month: 1000
caller_audio_seconds: 60
agent_text_tokens: 100
"""
# By hand, as in test_adversarial: 60 s x 150 words/min / 60 x 1.3 tokens/word = 195 input tokens x $1/1M
# = 0.000195, plus 100 output tokens x $4/1M = 0.0004: 0.000595 a call, 0.00060 shown (5 places, half-up).

AS_OF = ["--as-of", "2025-07-01"]
FORMATS = ("table", "markdown", "csv", "json")


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are valid YAML), so control characters survive the file."""
    return json.dumps(text)


@pytest.fixture
def hostile(tmp_path: Path) -> list[str]:
    """--pricing/--scenarios options for a library whose every text field is hostile; two stacks, one scenario."""
    root = tmp_path / "lib"
    (root / "pricing" / "stacks").mkdir(parents=True)
    (root / "scenarios").mkdir()
    (root / "pricing" / "acme.yaml").write_text(
        SHEET.format(name=quoted("+cmd " + OSC_TITLE), source=quoted(SOURCE), note=quoted(NOTE)), encoding="utf-8")
    for stack in (STACK_ID, "@SUM(2)"):
        (root / "pricing" / "stacks" / f"{stack}.yaml").write_text(STACK.format(title=quoted(TITLE)), encoding="utf-8")
    (root / "scenarios" / f"{SCENARIO_ID}.yaml").write_text(
        SCENARIO.format(title=quoted(TITLE), source=quoted(SOURCE)), encoding="utf-8")
    return ["--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios")]


def run(args: list[str], code: int = 0) -> tuple[str, str]:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout, result.stderr


def controls(text: str) -> list[str]:
    """Every character a terminal would act on or that reorders text: C0 but newline and tab, DEL, C1, bidi."""
    return [
        ch for ch in text
        if (ord(ch) < 0x20 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F
        or 0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069
    ]


def formula_cells(text: str) -> list[str]:
    """CSV cells a spreadsheet would run: starting with = + @ tab CR, or - when the cell is not a number."""
    bad = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell[:1] in {"=", "+", "@", "\t", "\r"}:
                bad.append(cell)
            elif cell.startswith("-") and not re.fullmatch(r"-\d[\d,]*(\.\d+)?%?", cell):
                bad.append(cell)
    return bad


def check_csv(text: str) -> list[list[str]]:
    assert formula_cells(text) == []
    assert controls(text) == []
    return list(csv.reader(io.StringIO(text)))


def check_table(text: str) -> None:
    assert controls(text) == []
    # The title's line break is shown as \n: no line of output starts with the text after it.
    assert not any(line.lstrip().startswith("forged") for line in text.splitlines())


def check_markdown(text: str) -> None:
    assert controls(text) == []
    assert "<img" not in text
    assert not any(line.lstrip().startswith("forged") for line in text.splitlines())
    # Every row of a Markdown table has as many unescaped | as its header row.
    rows: list[int] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            rows.append(len(re.findall(r"(?<!\\)\|", line)))
        elif rows:
            assert len(set(rows)) == 1, rows
            rows = []


# ------------------------------------------------------------------ compare / breakdown / prices, every format


@pytest.mark.parametrize("fmt", FORMATS)
def test_compare_every_format(hostile: list[str], fmt: str) -> None:
    out, _ = run(["compare", SCENARIO_ID, *AS_OF, "--format", fmt, *hostile])
    if fmt == "json":
        document = json.loads(out)
        assert controls(out) == []  # C0 by json.dumps, DEL/C1/bidi as \u escapes: the data stays exact
        assert document["scenario"] == SCENARIO_ID
        assert document["scenario_title"] == TITLE
        assert sorted(row["stack"] for row in document["rows"]) == sorted([STACK_ID, "@SUM(2)"])
    elif fmt == "csv":
        rows = check_csv(out)
        # Both stacks cost the same (one SKU), so their order is the tie-break; the cells are what matters.
        # Numeric CSV: plain ids (the estimate mark is the `estimate` column), exact 0.000595 a call (see above).
        assert sorted(row[1] for row in rows[1:]) == ["'" + STACK_SHOWN, "'@SUM(2)"]
        assert all(row[3] == row[4] == "0.000595" for row in rows[1:])
        assert all(row[rows[0].index("estimate")] == "true" for row in rows[1:])
    elif fmt == "markdown":
        check_markdown(out)
        assert "&lt;img src=x onerror=alert(1)&gt;\\]0;pwned" in out  # [ escaped: not a link
        assert "A0 forged \\| row" in out  # the line break folded to a space, the pipe escaped
    else:
        check_table(out)
        assert out.splitlines()[0].startswith(SCENARIO_SHOWN + ": +cmd|' /C calc'!A0\\nforged | row ]0;pwned")
        assert "gnp.exe" in out and RLO not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_breakdown_every_format(hostile: list[str], fmt: str) -> None:
    out, _ = run(["breakdown", SCENARIO_ID, STACK_ID, *AS_OF, "--format", fmt, *hostile])
    if fmt == "json":
        document = json.loads(out)
        assert controls(out) == []
        assert [line["source"] for line in document["lines"]] == [SOURCE, SOURCE]
        assert document["stack"] == STACK_ID
    elif fmt == "csv":
        rows = check_csv(out)
        source = rows[0].index("source")
        assert [row[source] for row in rows[1:]] == ["'" + SOURCE_SHOWN] * 2
    elif fmt == "markdown":
        check_markdown(out)
        assert "@SUM(1+1) \\[8mhidden &lt;img src=x onerror=alert(1)&gt; \\| pipe second line 2J" in out
    else:
        check_table(out)
        assert f"[1] {SOURCE_SHOWN} (checked 2025-06-01" in out
        assert "@SUM(1+1) [8mhidden <img src=x onerror=alert(1)> | pipe second line 2J" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_prices_every_format(hostile: list[str], fmt: str) -> None:
    out, _ = run(["prices", *AS_OF, "--format", fmt, *hostile])
    if fmt == "json":
        assert controls(out) == []
        assert [sku["note"] for sku in json.loads(out)["skus"]] == [NOTE]
    elif fmt == "csv":
        rows = check_csv(out)
        assert [row[-1] for row in rows[1:]] == ["'" + SOURCE_SHOWN] * 2  # two prices: input and output tokens
    elif fmt == "markdown":
        check_markdown(out)
    else:
        check_table(out)
        assert SOURCE_SHOWN in out


@pytest.mark.parametrize("command", [["scenarios"], ["stacks"]])
@pytest.mark.parametrize("fmt", FORMATS)
def test_listings_every_format(hostile: list[str], command: list[str], fmt: str) -> None:
    out, _ = run([*command, "--format", fmt, *hostile])
    assert controls(out) == []
    if fmt == "csv":
        check_csv(out)
    elif fmt == "markdown":
        check_markdown(out)
    elif fmt == "table":
        check_table(out)


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_sweep_breakeven_sensitivity_csv_and_text(hostile: list[str], fmt: str) -> None:
    for args in (
        ["sweep", SCENARIO_ID, "--vary", "calls_per_month=100:1000"],
        ["breakeven", SCENARIO_ID, STACK_ID, "@SUM(2)", "--over", "calls_per_month"],
        ["sensitivity", SCENARIO_ID, STACK_ID],
    ):
        out, _ = run([*args, *AS_OF, "--format", fmt, *hostile])
        {"csv": check_csv, "markdown": check_markdown, "table": check_table}[fmt](out)
        if fmt == "csv" and args[0] == "sweep":
            # The stacks are cells of sweep's `stack` column (and of breakeven's `stack_a` on each crossing, when
            # there is one): neutralised like any cell.
            cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
            assert any(cell.startswith("'" + STACK_SHOWN) for cell in cells), cells[:20]


def test_every_output_file_is_clean_too(hostile: list[str], tmp_path: Path) -> None:
    # -o writes the same text as standard output: a file is read in a terminal (cat, less) as often as not.
    target = tmp_path / "out.txt"
    run(["breakdown", SCENARIO_ID, STACK_ID, *AS_OF, *hostile, "-o", str(target)])
    check_table(target.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the report


class Elements(HTMLParser):
    """Every element and attribute an HTML page really has, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]


def test_html_report_escapes_everything(hostile: list[str], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    run(["report", SCENARIO_ID, *AS_OF, *hostile, "-o", str(target)])
    page = target.read_text(encoding="utf-8")
    assert controls(page) == []
    parsed = Elements()
    parsed.feed(page)
    assert "img" not in parsed.tags and "script" not in parsed.tags
    assert not [name for name in parsed.attributes if name.startswith("on")]
    assert "&lt;img src=x onerror=alert(1)&gt;]0;pwned" in page
    # The one link a source gets is its http(s) URL, quoted: the formula around it is text.
    assert '<a href="http://evil.example/x&quot;,&quot;click&quot;)]52;c;cHduZWQ=">' not in page
    assert '=HYPERLINK(&quot;<a href="http://evil.example/x">http://evil.example/x</a>' in page


def test_markdown_report_escapes_ids_file_names_and_text(hostile: list[str], tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    run(["report", SCENARIO_ID, *AS_OF, *hostile, "-o", str(target)])
    text = target.read_text(encoding="utf-8")
    assert controls(text) == []
    # Code spans and fenced blocks show text literally (CommonMark: no HTML inside them), so `<img` may stay
    # there: the scenario id after "Scenario", the manifest and the command line. Everything else is checked.
    assert f"Scenario `{SCENARIO_SHOWN}` ·" in text
    prose = re.sub(r"(?ms)^(`{3,})\n.*?^\1$", "", text).replace(f"`{SCENARIO_SHOWN}`", "")
    check_markdown(prose)
    assert "### 1. =HYPERLINK(1)\\[8m: " in text or "### 1. @SUM(2): " in text
    assert "scenarios/&lt;img src=x onerror=alert(1)&gt;\\]0;pwned.yaml |" in text  # the files table
    for chart in tmp_path.glob("report-*.svg"):
        assert "<img" not in chart.read_text(encoding="utf-8")


def test_markdown_fence_and_code_span_cannot_be_closed_by_the_text() -> None:
    # A file name may hold backticks and line breaks; the fence is one backtick longer than any run inside.
    fenced = markdown_fence("abc  name\n```\n<img src=x onerror=alert(1)>\n````x")
    assert fenced.startswith("`````\n") and fenced.endswith("\n`````")
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`x") == "`` `x ``"


def test_chart_labels_with_dollars_do_not_start_mathtext(tmp_path: Path, hostile: list[str]) -> None:
    # A stack file named $\foo{$.yaml: matplotlib would parse "$\foo{$" as math and fail on \foo.
    pricing = Path(hostile[1])
    (pricing / "stacks" / "$\\foo{$.yaml").write_text(STACK.format(title=quoted("$\\frac{$")), encoding="utf-8")
    plot = tmp_path / "sweep.svg"
    run(["sweep", SCENARIO_ID, "--vary", "calls_per_month=100:1000", *AS_OF, *hostile, "--plot", str(plot)])
    assert plot.stat().st_size > 0
    run(["sensitivity", SCENARIO_ID, "$\\foo{$", *AS_OF, *hostile, "--plot", str(tmp_path / "t.png")])
    run(["report", SCENARIO_ID, *AS_OF, *hostile, "-o", str(tmp_path / "r.html")])


# ------------------------------------------------------------------ error lines


def one_error(args: list[str], code: int = 2) -> str:
    _, err = run(args, code)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert controls(err) == []
    return lines[0]


def test_unknown_id_with_escapes_is_one_clean_line(hostile: list[str]) -> None:
    line = one_error(["compare", SCENARIO_ID, *AS_OF, *hostile, "--stacks", "x" + OSC_TITLE + "\ny"])
    assert "unknown stack 'x]0;pwned\\ny'" in line


def test_broken_file_with_hostile_name_is_one_clean_line(hostile: list[str]) -> None:
    scenarios = Path(hostile[3])
    broken = scenarios / ("bad" + OSC_CLIPBOARD + "\nname.yaml")
    broken.write_text("schema_version: 1\ntitle: [unclosed\n", encoding="utf-8")
    line = one_error(["compare", SCENARIO_ID, *AS_OF, *hostile])
    assert line.startswith(str(scenarios) + "/bad]52;c;cHduZWQ=\\nname.yaml:")


def test_huge_value_in_a_file_gives_a_short_error_line(hostile: list[str]) -> None:
    scenarios = Path(hostile[3])
    huge = "9x" * 3_500_000  # 7 MB, under the 8 MiB file limit
    (scenarios / f"{SCENARIO_ID}.yaml").write_text(
        SCENARIO.format(title="t", source="s").replace("calls_per_month: 1000", f"calls_per_month: '{huge}'"),
        encoding="utf-8",
    )
    line = one_error(["compare", SCENARIO_ID, *AS_OF, *hostile])
    assert len(line) <= 500
    # Where (path:line: field; line 4 of SCENARIO) and the advice survive; the echoed value is cut with an ellipsis.
    assert line.startswith(str(scenarios / f"{SCENARIO_SHOWN}.yaml") + ":4: calls_per_month: must be a number")
    assert "9x9x" in line and "…" in line
    assert line.endswith(")")  # the message closes after the cut value


@pytest.mark.parametrize("flags", [
    ["--as-of", "2025-" + "9" * 1_000_000],  # click's own error (a usage error)
    ["--stacks", "s" * 1_000_000],  # an unknown id, echoed
    ["--set", "turns=" + "1" * 1_000_000],  # a number out of range or malformed, echoed
])
def test_huge_flag_value_gives_a_short_error_line(hostile: list[str], flags: list[str]) -> None:
    line = one_error(["compare", SCENARIO_ID, *hostile, *flags])
    assert len(line) <= 520  # "Error: compare: " and the like, then at most 500 characters
    assert "…" in line


def test_error_line_keeps_where_and_advice() -> None:
    value = "A" * 7_000_000
    error = InputError(f"must be a number (got '{value}'); write it like 0.25", path="p.yaml", line=3, field="x")
    text = str(error)
    assert len(text) <= 500
    assert text.startswith("p.yaml:3: x: must be a number (got 'AAA")
    assert text.endswith("AAA'); write it like 0.25")
    # Not quoted at all: the middle of the line goes, the head and the tail stay.
    bare = error_line("p.yaml:1: " + "B" * 10_000 + " advice")
    assert len(bare) == 500 and bare.startswith("p.yaml:1: BBB") and bare.endswith("BBB advice")


# ------------------------------------------------------------------ the functions, on the OWASP list


@pytest.mark.parametrize(("cell", "shown"), [
    ("=1+1", "'=1+1"),
    ("+1", "'+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'=1"),  # CR is a control: removed, and what it hid is neutralised
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),  # a - that starts a formula, not a number
    ("-", "'-"),
    ("-x", "'-x"),
    ("  =1", "'  =1"),  # spaces before the = do not hide it
    ("-1", "-1"),  # negative numbers stay numbers
    ("-0.00344", "-0.00344"),
    ("-1,234.50", "-1,234.50"),
    ("-50.0%", "-50.0%"),
    ("plain", "plain"),
    ("a\x1b[8mb", "a[8mb"),  # controls go from every cell, not only from those that start a formula
    ("x\u202ey\x9b", "xy"),
    ("a=b", "a=b"),
    ("", ""),
])
def test_csv_cell_owasp_rule(cell: str, shown: str) -> None:
    assert csv_cell(cell) == shown


def test_every_csv_table_cell_and_header_is_neutralised() -> None:
    text = table([{"a": "=x", "b": "-3"}], [Column("a", "+h"), Column("b", "@h")], "csv")
    assert list(csv.reader(io.StringIO(text))) == [["'+h", "'@h"], ["'=x", "-3"]]


def test_one_line_and_markdown() -> None:
    assert one_line("a\nb\r\nc\u2028d\te" + OSC_TITLE) == "a\\nb\\nc\\nd e]0;pwned"
    assert one_line(f"abc{RLO}fdp.exe{C1_CSI}") == "abcfdp.exe"
    # A whole document keeps its lines, CRLF ones included; a lone CR (which rewrites a terminal line) goes.
    assert terminal("a\r\nb\rc\x1b[2J\td") == "a\r\nbc[2J\td"
    assert markdown("a|b <i>&[x](y) `c` \\") == "a\\|b &lt;i&gt;&amp;\\[x\\](y) \\`c\\` \\\\"


def test_json_escapes_what_json_dumps_leaves_raw() -> None:
    value = f"x{C1_CSI}y{RLO}z\x7f\u2028"
    text = dump_json({"v": value})
    assert controls(text) == [] and "\u2028" not in text
    assert "\\u009b" in text and "\\u202e" in text
    assert json.loads(text) == {"v": value}


# ------------------------------------------------------------------ comma lists of ids


def test_split_ids_lists_each_id_once_in_first_order() -> None:
    assert split_ids("b, a,b,,a ,c") == ["b", "a", "c"]
    assert split_ids(" , ") == []
    assert split_ids(None) is None


@pytest.mark.parametrize("command", [
    ["compare", "support-call-5min", "--format", "json"],
    ["prices", "diff", "--from", "2024-06-01", "--to", "2025-06-01", "--scenario", "support-call-5min",
     "--format", "json"],
])
def test_repeated_stack_is_listed_once(command: list[str]) -> None:
    out, _ = run([*command, "--stacks", "gpt-4o-cascade,gpt-4o-cascade, gpt-4o-cascade"])
    document = json.loads(out)
    rows = document.get("rows") or document["costs"]
    assert [row["stack"] for row in rows] == ["gpt-4o-cascade"]


def test_repeated_scenario_in_diff_is_listed_once() -> None:
    out, _ = run(["prices", "diff", "--from", "2024-06-01", "--to", "2025-06-01", "--format", "json",
                  "--scenario", "support-call-5min,support-call-5min", "--stacks", "gpt-4o-cascade"])
    assert [(r["scenario"], r["stack"]) for r in json.loads(out)["costs"]] == [("support-call-5min", "gpt-4o-cascade")]
