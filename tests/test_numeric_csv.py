"""CSV of compare and breakdown is numeric: pandas.read_csv gives numbers, booleans and one header row, no cleaning."""

from __future__ import annotations

import io
from pathlib import Path

import pandas  # in the dev install: when missing the suite fails, it does not skip
import pytest
from click.testing import CliRunner

from costmodel.cli import cli
from tests.whatif_catalog import write_round_data


def _csv(tmp_path: Path, *args: str) -> str:
    pricing, scenarios = write_round_data(tmp_path)
    result = CliRunner().invoke(cli, [*args, "--format", "csv", "--as-of", "2026-11-01", "--pricing", str(pricing),
                                      "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    return result.output


def test_compare_csv_reads_as_numbers(tmp_path: Path) -> None:
    frame = pandas.read_csv(io.StringIO(_csv(tmp_path, "compare", "minute-call"))).set_index("stack")
    for column in ("per_call_usd_low", "per_call_usd_high", "per_month_usd_low", "per_month_usd_high",
                   "fixed_per_month_usd_low", "fixed_per_month_usd_high", "multiple_of_cheapest_low",
                   "multiple_of_cheapest_high", "rank"):
        assert pandas.api.types.is_numeric_dtype(frame[column]), column
    for column in ("estimate", "secondary_source", "unpriced"):
        assert pandas.api.types.is_bool_dtype(frame[column]), column
    # api: 60 s = 1 minute × $0.60 = $0.60 a call; × 1,000 calls = $600 a month; nothing fixed.
    assert frame.loc["api", "per_call_usd_low"] == frame.loc["api", "per_call_usd_high"] == 0.6
    assert frame.loc["api", "per_month_usd_low"] == 600 and frame.loc["api", "fixed_per_month_usd_high"] == 0
    # hosted: one GPU always on, 500 h × $2 = $1,000 a month, all of it fixed; / 1,000 calls = $1 a call;
    # 1 / 0.6 = 5/3 times the cheapest.
    assert frame.loc["hosted", "per_month_usd_low"] == 1000 and frame.loc["hosted", "fixed_per_month_usd_low"] == 1000
    assert frame.loc["hosted", "per_call_usd_high"] == 1
    assert frame.loc["hosted", "multiple_of_cheapest_low"] == pytest.approx(5 / 3)
    assert list(frame["rank"]) == [1, 2]
    assert not frame["unpriced"].any() and not frame["estimate"].any()


def test_compare_csv_has_plain_text_cells(tmp_path: Path) -> None:
    header, *rows = _csv(tmp_path, "compare", "minute-call").splitlines()
    assert header.startswith("rank,stack,architecture,per_call_usd_low,per_call_usd_high,per_month_usd_low,")
    # No thousands separators, no × and no range dashes: 1,000 a month is written 1000.
    assert rows[1].startswith("2,hosted,self-hosted,1,1,1000,1000,1000,1000,")
    assert not any(mark in row for row in rows for mark in ("×", "–", '"'))


def test_compare_csv_ranges_have_two_ends(tmp_path: Path) -> None:
    frame = pandas.read_csv(io.StringIO(_csv(tmp_path, "compare", "ranged-call", "--stacks", "api"))).set_index("stack")
    # 30–60 s of caller audio at $0.01 a second (0.60 a minute, billed per second): $0.30–$0.60 a call.
    assert (frame.loc["api", "per_call_usd_low"], frame.loc["api", "per_call_usd_high"]) == (0.3, 0.6)
    # × 1,000 calls: $300–$600 a month.
    assert (frame.loc["api", "per_month_usd_low"], frame.loc["api", "per_month_usd_high"]) == (300, 600)


def test_breakdown_csv_reads_as_numbers(tmp_path: Path) -> None:
    frame = pandas.read_csv(io.StringIO(_csv(tmp_path, "breakdown", "minute-call", "hosted")))
    for column in ("quantity_low", "quantity_high", "unit_price_usd_low", "unit_price_usd_high", "per_call_usd_low",
                   "per_call_usd_high", "per_month_usd_low", "per_month_usd_high"):
        assert pandas.api.types.is_numeric_dtype(frame[column]), column
    for column in ("fixed", "estimate", "secondary_source"):
        assert pandas.api.types.is_bool_dtype(frame[column]), column
    # Two lines: the always-on floor, then GPU-hours added for volume (none: one GPU serves 150,000 calls a month).
    line, added = frame.to_dict("records")
    assert (added["quantity_high"], added["per_month_usd_high"], bool(added["fixed"])) == (0, 0, False)
    # The GPU floor: 500 GPU-hours a month at $2 = $1,000 a month, fixed, billed per month; / 1,000 calls = $1 a call.
    assert (line["price_field"], line["per"], line["quantity_low"], line["unit_price_usd_low"]) == (
        "usd_per_gpu_hour", "month", 500, 2)
    assert (line["per_month_usd_high"], line["per_call_usd_low"], bool(line["fixed"])) == (1000, 1, True)
    assert line["price_unit"] == "USD per GPU-hour"


def test_csv_money_columns_are_named_with_the_currency(tmp_path: Path) -> None:
    # The round data has no GBP rate; the pinned --fx-rate names the currency GBP in every money column.
    pricing, scenarios = write_round_data(tmp_path)
    result = CliRunner().invoke(cli, ["compare", "minute-call", "--currency", "GBP", "--fx-rate", "GBP=0.5",
                                      "--format", "csv", "--as-of", "2026-11-01", "--pricing", str(pricing),
                                      "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    frame = pandas.read_csv(io.StringIO(result.output)).set_index("stack")
    # $0.60 a call × 0.5 GBP per USD = £0.30.
    assert frame.loc["api", "per_call_gbp_low"] == 0.3


def test_sensitivity_csv_reads_as_numbers(tmp_path: Path) -> None:
    frame = pandas.read_csv(io.StringIO(_csv(tmp_path, "sensitivity", "minute-call", "api"))).set_index("input")
    for column in frame.columns.drop("kind"):  # by: 0.2 (the default ±20%)
        assert pandas.api.types.is_numeric_dtype(frame[column]), column
    # The call is 60 s × $0.01 a second = $0.60; ±20% of the audio price (0.60 → 0.48, 0.72) or of the seconds
    # (60 → 48, 72) moves it to $0.48 or $0.72: a swing of $0.12 either way.
    row = frame.loc["caller_audio_seconds"]
    assert (row["base_low"], row["down_high"], row["up_low"]) == (60, 48, 72)
    assert (row["per_call_usd_down_low"], row["per_call_usd_up_high"], row["swing_usd"]) == (0.48, 0.72, 0.12)
    assert frame.loc["acme/asr.usd_per_audio_minute", "down_low"] == 0.48 and row["by"] == 0.2
