"""`costmodel report`: the procurement document shows the same figures as `compare`, every source, the charts,
needs no network and writes atomically."""

from __future__ import annotations

import hashlib
import json
import os
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from costmodel.cli import cli
from costmodel.core.interval import Span
from costmodel.data.catalog import bundled_dir
from costmodel.views.formatting import MONTHLY_PLACES, PER_CALL_PLACES, money_text, multiple_text, span_text

AS_OF = "2026-11-01"


class Page(HTMLParser):
    """Tables by id (rows of (text, attrs) cells), every start tag with its attributes, the text of tagged ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: dict[str, list[list[tuple[str, dict[str, str | None]]]]] = {}
        self.by_id: dict[str, str] = {}
        self.style = ""
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._cell_attrs: dict[str, str | None] = {}
        self._open_ids: list[tuple[str, str, list[str]]] = []
        self._in_style = False
        self.svg_in_figures = 0
        self._figure_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "table":
            self._table = attributes.get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in {"td", "th"} and self._table is not None:
            self._cell, self._cell_attrs = [], attributes
        elif tag == "style":
            self._in_style = True
        elif tag == "figure":
            self._figure_depth += 1
        elif tag == "svg" and self._figure_depth:
            self.svg_in_figures += 1
        if attributes.get("id") and tag not in {"table"}:
            self._open_ids.append((tag, attributes["id"] or "", []))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append((" ".join("".join(self._cell).split()), self._cell_attrs))
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "style":
            self._in_style = False
        elif tag == "figure":
            self._figure_depth -= 1
        if self._open_ids and self._open_ids[-1][0] == tag:
            _, ident, parts = self._open_ids.pop()
            self.by_id[ident] = "".join(parts)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_style:
            self.style += data
        for _, _, parts in self._open_ids:
            parts.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def body(page: Page, table: str) -> list[list[tuple[str, dict[str, str | None]]]]:
    return page.tables[table][1:]  # the first row is the header


def headers(page: Page, table: str) -> list[str]:
    return [text for text, _ in page.tables[table][0]]


def column(page: Page, table: str, name: str) -> list[str]:
    index = headers(page, table).index(name)
    return [row[index][0] for row in body(page, table)]


def bare(name: str) -> str:
    """A stack or SKU cell without its provenance markers (* estimate, † secondary source)."""
    return name.removesuffix(" †").removesuffix(" *")


def cited(page: Page) -> list[str]:
    """The prices table's source column with each footnote number [n] replaced by the text of source n."""
    return [" ".join(page.by_id[f"source-{ref.strip('[]')}"].split()) for ref in column(page, "prices", "source")]


def span_of(document: dict[str, str] | None) -> Span | None:
    return None if document is None else Span(Decimal(document["low"]), Decimal(document["high"]))


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The council-triage report (HTML) and what `compare`/`breakdown --format json` say for the same settings."""
    runner = CliRunner()
    folder = tmp_path_factory.mktemp("report")
    out = folder / "report.html"
    result = runner.invoke(cli, ["report", "council-triage", "--as-of", AS_OF, "-o", str(out)])
    assert result.exit_code == 0, result.output
    compared = runner.invoke(cli, ["compare", "council-triage", "--as-of", AS_OF, "--format", "json"])
    assert compared.exit_code == 0, compared.output
    document = json.loads(compared.stdout)
    breakdowns = {}
    for row in document["rows"]:
        if row["rank"] is not None:
            shown = runner.invoke(cli, ["breakdown", "council-triage", row["stack"], "--as-of", AS_OF, "--format", "json"])
            assert shown.exit_code == 0, shown.output
            breakdowns[row["stack"]] = json.loads(shown.stdout)
    text = out.read_text(encoding="utf-8")
    return {"text": text, "page": parse(text), "compare": document, "breakdowns": breakdowns, "folder": folder}


def test_every_stack_of_the_comparison_is_in_the_table_with_compare_figures(council: dict[str, Any]) -> None:
    page, document = council["page"], council["compare"]
    rows = body(page, "comparison")
    names = headers(page, "comparison")
    assert [bare(r[names.index("stack")][0]) for r in rows] == [r["stack"] for r in document["rows"]]
    # Every bundled stack, latency-first among them though unpriced.
    assert len(rows) == len(list((Path(__file__).parents[1] / "pricing" / "stacks").glob("*.yaml")))
    for cells, expected in zip(rows, document["rows"], strict=True):
        cell = {name: cells[i] for i, name in enumerate(names)}
        per_call, per_month = span_of(expected["per_call"]), span_of(expected["per_month"])
        # The documented rounding: per call half-up to 5 places, monthly to cents with grouping, multiples to 1.
        assert cell["per call (USD)"][0] == span_text(per_call, PER_CALL_PLACES)
        assert cell["per month (USD)"][0] == span_text(per_month, MONTHLY_PLACES, grouping=True)
        assert cell["× cheapest"][0] == multiple_text(span_of(expected["multiple_of_cheapest"]))
        assert (" *" in cell["stack"][0]) == expected["estimate"]
        assert (" †" in cell["stack"][0]) == expected["secondary_source"]
        if expected["per_call"] is None:
            assert expected["unpriced"] in cell["note"][0]
            continue
        # The exact values behind the rounded text are the JSON's exact decimal strings.
        assert (cell["per call (USD)"][1]["data-low"], cell["per call (USD)"][1]["data-high"]) == (
            expected["per_call"]["low"], expected["per_call"]["high"])
        assert (cell["per month (USD)"][1]["data-low"], cell["per month (USD)"][1]["data-high"]) == (
            expected["per_month"]["low"], expected["per_month"]["high"])


def test_summary_names_the_cheapest_stack_with_compare_figures(council: dict[str, Any]) -> None:
    page, first, second = council["page"], council["compare"]["rows"][0], council["compare"]["rows"][1]
    # The hosted-Llama cascades now undercut budget-first; whichever is cheapest, the summary names compare's first.
    assert page.by_id["cheapest"] == first["stack"]
    summary = " ".join(page.by_id["summary"].split())
    # Amounts in sentences and the summary figures carry the currency's symbol ($0.00164–$0.01495), not "... USD".
    assert f"{money_text(span_of(first['per_call']), PER_CALL_PLACES, 'USD')} per call" in summary
    assert f"{money_text(span_of(first['per_month']), MONTHLY_PLACES, 'USD', grouping=True)} per month" in summary
    assert " USD" not in summary
    assert f"{multiple_text(span_of(second['multiple_of_cheapest']))} the cheapest" in summary


def test_hand_checked_cheapest_figure(council: dict[str, Any]) -> None:
    # budget-first on council-triage (20–60 s caller audio, 0–20 s agent audio, 40–80 text tokens, 600-token prompt):
    #   whisper-1  20–60 s × 0.006 USD/min                       = 0.002–0.006
    #   gpt-4o-mini input: 600 + (20–60 s × 150/60 words/s × 1.3) = 665–795 tokens × 0.15/1M = 0.00009975–0.00011925
    #   gpt-4o-mini output: 40–80 tokens × 0.60/1M                = 0.000024–0.000048
    #   tts-1: 0–20 s × 2.5 words/s × 6 chars = 0–300 chars × 15/1M = 0–0.0045
    #   low  = 0.002 + 0.00009975 + 0.000024 + 0      = 0.00212375 → 0.00212
    #   high = 0.006 + 0.00011925 + 0.000048 + 0.0045 = 0.01066725 → 0.01067
    #   per month × 12,000 calls: 25.4850 → 25.49, 128.0070 → 128.01
    row = next(r for r in body(council["page"], "comparison") if bare(r[1][0]) == "budget-first")
    assert [c[0] for c in row[2:5]] == ["cascade", "0.00212–0.01067", "25.49–128.01"]
    assert (row[3][1]["data-low"], row[3][1]["data-high"]) == ("0.00212375", "0.01066725")
    total = body(council["page"], "breakdown-budget-first")[-1]
    assert [c[0] for c in total[-2:]] == ["0.00212–0.01067", "25.49–128.01"]


def test_every_priced_stack_has_its_itemised_breakdown(council: dict[str, Any]) -> None:
    page = council["page"]
    for stack, shown in council["breakdowns"].items():
        rows = body(page, f"breakdown-{stack}")
        lines, total = rows[:-1], rows[-1]
        assert [(r[0][0], bare(r[1][0]), r[2][0]) for r in lines] == [
            (line["role"], line["sku"], line["meter"]) for line in shown["lines"]
        ]
        for cells, line in zip(lines, shown["lines"], strict=True):
            assert (cells[5][1]["data-low"], cells[5][1]["data-high"]) == (line["cost_per_call"]["low"],
                                                                            line["cost_per_call"]["high"])
        assert total[0][0] == "total"
        assert total[5][0] == span_text(span_of(shown["per_call"]), PER_CALL_PLACES)


def test_every_price_source_of_every_line_item_is_listed_with_its_dates(council: dict[str, Any]) -> None:
    page = council["page"]
    listed = set(zip(column(page, "prices", "SKU"), column(page, "prices", "price field"),
                     column(page, "prices", "effective from"), column(page, "prices", "checked"),
                     cited(page), strict=True))
    needed = {
        (line["sku"] + (" *" if line["estimate"] else ""), line["price_field"], line["effective_from"], line["checked"],
         " ".join(line["source"].split()))
        for shown in council["breakdowns"].values() for line in shown["lines"]
    }
    assert needed <= listed
    assert len(needed) == len(listed)  # and nothing that no line used
    for shown in council["breakdowns"].values():
        for line in shown["lines"]:
            assert " ".join(line["source"].split()) in cited(page)
    # Each source is listed once, numbered in the order the table first cites it.
    sources = [" ".join(page.by_id[f"source-{n}"].split()) for n in range(1, len(set(cited(page))) + 1)]
    assert sources == list(dict.fromkeys(cited(page)))
    assert "source-0" not in page.by_id and f"source-{len(sources) + 1}" not in page.by_id


def test_the_two_break_even_charts_are_inline_svg(council: dict[str, Any]) -> None:
    page = council["page"]
    figures = [attrs.get("id") for tag, attrs in page.tags if tag == "figure"]
    assert figures == ["chart-calls", "chart-length"]
    assert page.svg_in_figures == 2
    assert "calls per month" in page.by_id["chart-calls"]


def test_the_page_loads_nothing_from_anywhere(council: dict[str, Any]) -> None:
    page, text = council["page"], council["text"]
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"link", "script", "img", "iframe", "object", "embed", "base"}
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name == "href" and tag == "a":
                continue  # a link in the sources table is not a fetch
            if name in {"href", "xlink:href", "src", "srcset", "data"}:
                assert not (value or "").startswith(("http:", "https:", "//")), (tag, name, value)
    assert "@import" not in page.style and "url(" not in page.style
    assert "url(http" not in text and "@font-face" not in text
    assert [a.get("href") for t, a in page.tags if t == "a" and (a.get("href") or "").startswith("https://")]


def test_the_fingerprint_is_the_sha256_of_the_printed_manifest_of_the_input_files(council: dict[str, Any]) -> None:
    page = council["page"]
    manifest = page.by_id["manifest"]
    assert hashlib.sha256(manifest.encode("utf-8")).hexdigest() == page.by_id["fingerprint"]
    lines = manifest.splitlines()
    files = lines[:-1]
    expected = sorted(
        [f"pricing/{p.name}" for p in bundled_dir("pricing").glob("*.yaml")]
        + [f"pricing/stacks/{p.name}" for p in bundled_dir("pricing").glob("stacks/*.yaml")]
        + [f"scenarios/{p.name}" for p in bundled_dir("scenarios").glob("*.yaml")]
    )
    assert [line.split("  ", 1)[1] for line in files] == expected
    for line in files:
        digest, name = line.split("  ", 1)
        folder, _, rest = name.partition("/")
        assert digest == hashlib.sha256((bundled_dir(folder) / rest).read_bytes()).hexdigest()
    assert json.loads(lines[-1].removeprefix("settings ")) == {
        "scenario": "council-triage", "stacks": None, "as_of": AS_OF, "currency": "USD", "set": {}, "price": []}


def test_same_inputs_give_the_same_bytes_and_settings_change_the_fingerprint(council: dict[str, Any], tmp_path: Path) -> None:
    runner = CliRunner()
    again = tmp_path / "again.html"
    assert runner.invoke(cli, ["report", "council-triage", "--as-of", AS_OF, "-o", str(again)]).exit_code == 0
    # Byte for byte, but for the file name in the command that reproduces it (it names the file written).
    assert again.read_text(encoding="utf-8").replace(str(again), str(council["folder"] / "report.html")) == council["text"]
    other = tmp_path / "other.html"
    args = ["report", "council-triage", "--as-of", AS_OF, "--set", "calls_per_month=20000", "-o", str(other)]
    assert runner.invoke(cli, args).exit_code == 0
    changed = parse(other.read_text(encoding="utf-8"))
    assert changed.by_id["fingerprint"] != council["page"].by_id["fingerprint"]
    origin = {row[0][0]: row[3][0] for row in body(changed, "assumptions")}
    assert origin["calls_per_month"] == "--set" and origin["turns"] == "scenario file"


def test_markdown_writes_its_charts_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "decision.md"
    result = CliRunner().invoke(cli, ["report", "council-triage", "--as-of", AS_OF, "--stacks",
                                      "budget-first,gpt-audio-mini", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decision-calls.svg", "decision-length.svg", "decision.md"]
    text = out.read_text(encoding="utf-8")
    assert "![Cost per call against calls per month](decision-calls.svg)" in text
    assert "| 1 | budget-first" in " ".join(text.split())
    assert "<svg" in (tmp_path / "decision-calls.svg").read_text(encoding="utf-8")


def test_a_suffix_other_than_html_or_md_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    # A missing pricing folder would fail later: the suffix is checked first.
    result = CliRunner().invoke(cli, ["report", "council-triage", "-o", str(out), "--pricing", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert result.stderr == "Error: --output: cannot tell the report format from '.pdf'; name the file .html or .md\n"
    assert list(tmp_path.iterdir()) == []


def test_output_is_required(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "council-triage"])
    assert result.exit_code == 2
    assert "Missing option '-o' / '--output'" in result.stderr


def test_a_failed_report_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.html"
    out.write_text("previous report\n", encoding="utf-8")
    runner = CliRunner()
    unknown = runner.invoke(cli, ["report", "council-triag", "--as-of", AS_OF, "-o", str(out)])
    assert unknown.exit_code == 2
    assert "did you mean council-triage?" in unknown.stderr

    def broken_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_disk)
    failed = runner.invoke(cli, ["report", "council-triage", "--as-of", AS_OF, "-o", str(out)])
    assert failed.exit_code == 1
    assert "No space left on device" in failed.stderr
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_text_from_the_price_sheets_is_escaped(bundled_copy: Path, tmp_path: Path) -> None:
    sheet = bundled_copy / "pricing" / "openai.yaml"
    text = sheet.read_text(encoding="utf-8")
    marker = "https://developers.openai.com/api/docs/models/whisper-1"
    assert marker in text
    sheet.write_text(text.replace(marker, '<script src="https://evil.example/x.js"></script>', 1), encoding="utf-8")
    out = tmp_path / "escaped.html"
    result = CliRunner().invoke(cli, ["report", "council-triage", "--as-of", AS_OF, "-o", str(out),
                                      "--pricing", str(bundled_copy / "pricing"),
                                      "--scenarios", str(bundled_copy / "scenarios")])
    assert result.exit_code == 0, result.output
    page = parse(out.read_text(encoding="utf-8"))
    assert "script" not in {tag for tag, _ in page.tags}
    assert any("<script src=" in source for source in cited(page))


def test_the_printed_command_reproduces_the_report(bundled_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every choice that changes a figure is in the command (stacks, date, currency and a given rate, --set,
    --price, --with, the data folders) with the real file name: running it writes the same bytes again."""
    import html
    import shlex

    on = "2026-11-24"  # the UK number is recorded from this date
    monkeypatch.chdir(bundled_copy)  # relative folder and file names, as a person types them
    args = ["report", "support-call-5min", "--stacks", "budget-first,gpt-realtime-mini", "--as-of", on,
            "--currency", "GBP", "--fx-rate", "GBP=0.8", "--set", "turns=12", "--set", "caller_audio_seconds=200..260",
            "--price", "openai/gpt-4o-mini.input=*0.5", "--with", "telephony=twilio/uk-inbound",
            "--pricing", "pricing", "--scenarios", "scenarios", "-o", "out/decision.html"]
    (bundled_copy / "out").mkdir()
    runner = CliRunner()
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    written = (bundled_copy / "out" / "decision.html").read_bytes()
    command = html.unescape(parse(written.decode("utf-8")).by_id["command"])
    words = shlex.split(command)
    assert words[:3] == ["costmodel", "report", "support-call-5min"]
    for given in (["--fx-rate", "GBP=0.8"], ["--set", "turns=12"], ["--set", "caller_audio_seconds=200..260"],
                  ["--with", "telephony=twilio/uk-inbound"], ["--pricing", "pricing"], ["--scenarios", "scenarios"],
                  ["-o", "out/decision.html"], ["--currency", "GBP"], ["--as-of", on]):
        assert command.count(shlex.join(given)) == 1, (given, command)
    assert shlex.join(["--price", "openai/gpt-4o-mini.usd_per_million_input_tokens=*0.5"]) in command  # quoted: a *
    (bundled_copy / "out" / "decision.html").unlink()
    again = runner.invoke(cli, words[1:])
    assert again.exit_code == 0, again.output
    assert (bundled_copy / "out" / "decision.html").read_bytes() == written
