"""--baseline: each figure beside its change from the same run without the what-ifs, in every format, and the
library's with_baseline that computes it."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner, Result

import costmodel
from costmodel.analyses.baseline import change
from costmodel.cli import cli
from costmodel.core.interval import Span
from costmodel.data.catalog import Catalog

ON = "2026-11-24"
WHISPER_DOUBLED = "openai/whisper-1.audio_minute=0.012"
"""Whisper at 0.012 instead of 0.006 USD a minute: on support-call-5min's 300 s of caller audio, 5 min × 0.006 =
0.03 USD more per call, and 0.03 × 10,000 calls = 300 USD more per month."""

# budget-first without what-ifs, worked by hand from the bundled prices (2026-11-24):
#   whisper-1: 300 s = 5 min × 0.006 = 0.03; gpt-4o-mini: 975 input tokens × 0.15/1M = 0.00014625 and
#   200 output tokens × 0.60/1M = 0.00012; tts-1 speaks nothing here: 0.
BUDGET_FIRST = Decimal("0.03") + Decimal("0.00014625") + Decimal("0.00012")  # 0.03026625


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--as-of", ON])


def test_a_change_is_end_by_end_with_its_percentage() -> None:
    doubled = change(Span(Decimal("0.06"), Decimal("0.06")), Span(Decimal("0.03"), Decimal("0.03")))
    assert doubled is not None
    assert doubled.delta == Span(Decimal("0.03"), Decimal("0.03")) and doubled.percent == Span(Decimal(100), Decimal(100))
    # A range against a point: low 1 − 2 = −1 (−50%), high 3 − 2 = +1 (+50%).
    spread = change(Span(Decimal(1), Decimal(3)), Span(Decimal(2), Decimal(2)))
    assert spread is not None
    assert spread.delta == Span(Decimal(-1), Decimal(1)) and spread.percent == Span(Decimal(-50), Decimal(50))
    # No percentage of a zero baseline; no change at all when either run is unpriced.
    from_zero = change(Span(Decimal(1), Decimal(1)), Span(Decimal(0), Decimal(0)))
    assert from_zero is not None and from_zero.percent is None
    assert change(None, Span(Decimal(1), Decimal(1))) is None


def test_with_baseline_compares_a_what_if_with_the_plain_run(catalog: Catalog) -> None:
    changes = [costmodel.parse_price_change(WHISPER_DOUBLED)]
    result = costmodel.with_baseline(costmodel.compare, catalog, "support-call-5min", ["budget-first", "gpt-realtime"],
                                     as_of=date(2026, 11, 24), price_changes=changes)
    assert result.baseline is not None
    row = result.baseline["budget-first"]
    assert row.per_call is not None and row.per_month is not None
    assert row.per_call.baseline == Span(BUDGET_FIRST, BUDGET_FIRST)
    assert row.per_call.delta == Span(Decimal("0.03"), Decimal("0.03"))
    assert row.per_month.delta == Span(Decimal(300), Decimal(300))
    # 0.03 ÷ 0.03026625 × 100 = 99.12028... %, kept to 4 places.
    assert row.per_call.percent == Span(Decimal("99.1203"), Decimal("99.1203"))
    # gpt-realtime uses no whisper: unchanged.
    realtime = result.baseline["gpt-realtime"].per_call
    assert realtime is not None and realtime.delta == Span(Decimal(0), Decimal(0))


def test_baseline_without_a_what_if_is_a_usage_error() -> None:
    result = invoke("compare", "--baseline")
    assert result.exit_code == 2
    assert "--baseline" in result.stderr and "--set" in result.stderr


def test_compare_shows_the_change_in_every_format() -> None:
    args = ("compare", "--stacks", "budget-first,gpt-realtime", "--price", WHISPER_DOUBLED, "--baseline")
    text = invoke(*args)
    assert text.exit_code == 0, text.output
    assert "Δ per call (USD)" in text.stdout and "Δ per month (USD)" in text.stdout
    budget = next(line for line in text.stdout.splitlines() if "budget-first" in line)
    assert "+0.03000" in budget and "+99.1%" in budget and "+300.00" in budget
    markdown = invoke(*args, "--format", "markdown").stdout
    assert "Δ %" in markdown and "+300.00" in markdown
    rows = {row["stack"]: row for row in csv.DictReader(io.StringIO(invoke(*args, "--format", "csv").stdout))}
    assert rows["budget-first"]["per_call_usd_change_low"] == "0.03"
    assert rows["budget-first"]["per_month_usd_change_high"] == "300"
    assert rows["budget-first"]["per_call_usd_baseline_low"] == "0.03026625"
    assert rows["budget-first"]["per_call_usd_change_pct_low"] == "99.1203"
    assert rows["gpt-realtime"]["per_call_usd_change_low"] == "0"
    document = json.loads(invoke(*args, "--format", "json").stdout)
    budget_json = next(row for row in document["rows"] if row["stack"] == "budget-first")
    assert budget_json["baseline"]["per_call"]["change"] == {"low": "0.03", "high": "0.03"}
    assert budget_json["baseline"]["per_month"]["baseline"] == {"low": "302.6625", "high": "302.6625"}
    assert budget_json["baseline"]["rank"] == 1


def test_csv_reads_into_numeric_columns() -> None:
    import pandas

    text = invoke("compare", "--price", WHISPER_DOUBLED, "--baseline", "--format", "csv").stdout
    frame = pandas.read_csv(io.StringIO(text))
    for column in ("per_call_usd_change_low", "per_month_usd_baseline_high", "per_call_usd_change_pct_low"):
        assert frame[column].dtype.kind == "f", column


def test_breakdown_shows_each_line_and_the_total_against_the_baseline() -> None:
    args = ("breakdown", "support-call-5min", "budget-first", "--price", WHISPER_DOUBLED, "--baseline")
    text = invoke(*args).stdout
    asr = next(line for line in text.splitlines() if line.startswith("asr "))
    assert "+0.030000" in asr and "+100.0%" in asr  # 0.06 against 0.03 for the line itself
    assert "Change from baseline: per call +0.03000 USD (+99.1%) · per month +300.00 USD" in text
    document = json.loads(invoke(*args, "--format", "json").stdout)
    assert document["baseline"]["per_call"]["change"] == {"low": "0.03", "high": "0.03"}
    lines = {line["role"]: line for line in document["lines"] if line["cost_per_call"]["low"] != "0"}
    assert lines["asr"]["baseline"]["percent"] == {"low": "100", "high": "100"}
    assert lines["llm"]["baseline"]["change"] == {"low": "0", "high": "0"}
    rows = list(csv.DictReader(io.StringIO(invoke(*args, "--format", "csv").stdout)))
    assert next(row for row in rows if row["component"] == "asr")["per_call_usd_change_low"] == "0.03"


def test_an_exchange_rate_set_for_the_run_is_compared_with_the_sheets_rate() -> None:
    plain = json.loads(invoke("compare", "--stacks", "budget-first", "--currency", "GBP", "--format", "json").stdout)
    moved = json.loads(invoke("compare", "--stacks", "budget-first", "--currency", "GBP", "--fx-rate", "GBP=1",
                              "--baseline", "--format", "json").stdout)
    row = moved["rows"][0]
    # The baseline is the plain run in pounds at the fx sheet's rate; at GBP=1 the what-if is the USD figure.
    assert row["baseline"]["per_call"]["baseline"] == plain["rows"][0]["per_call"]
    assert row["per_call"] == {"low": "0.03026625", "high": "0.03026625"}
    per_usd = Decimal(plain["fx"]["per_usd"])
    expected = BUDGET_FIRST - BUDGET_FIRST * per_usd
    assert Decimal(row["baseline"]["per_call"]["change"]["low"]) == expected


def test_report_compares_with_the_baseline(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = CliRunner().invoke(cli, ["report", "support-call-5min", "--stacks", "budget-first,gpt-realtime",
                                      "--price", WHISPER_DOUBLED, "--baseline", "--as-of", ON, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Δ per call (USD)" in text and "+0.03000" in text and "+300.00" in text


def test_sensitivity_shows_the_base_costs_change() -> None:
    args = ("sensitivity", "support-call-5min", "budget-first", "--price", WHISPER_DOUBLED, "--baseline")
    text = invoke(*args).stdout
    # 0.03026625 + 0.03 = 0.06026625 a call, +0.03 (+99.1%) from 0.03027.
    assert "base $0.06027 per call" in text
    assert "per call +0.03000 USD (+99.1%) from 0.03027" in text
    document = json.loads(invoke(*args, "--format", "json").stdout)
    assert document["baseline"]["per_call"]["change"] == {"low": "0.03", "high": "0.03"}
    rows = list(csv.DictReader(io.StringIO(invoke(*args, "--format", "csv").stdout)))
    assert {row["per_call_usd_change_low"] for row in rows} == {"0.03"}
