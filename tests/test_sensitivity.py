"""Sensitivity: each input ±X% alone, re-priced exactly, largest swing first (hand-worked on round numbers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from costmodel.analyses.sensitivity import parse_step, sensitivity
from costmodel.cli import cli
from costmodel.errors import InputError
from tests.whatif_catalog import round_catalog, write_round_data

ON = date(2026, 11, 1)


def test_hand_worked_api_sensitivity(tmp_path: Path) -> None:
    # api: 60 s × $0.60/min = $0.60. ±20%: 48 s → $0.48, 72 s → $0.72; price 0.48 → $0.48, 0.72 → $0.72.
    # Swing 0.12 each; tie broken by name. Volume, concurrency and the speech settings do not touch an API ASR
    # billed by the second (call_duration_seconds is unset, so the call's length comes from the audio).
    result = sensitivity(round_catalog(tmp_path), "minute-call", "api", Decimal("0.2"), as_of=ON)
    assert result.per_call.low == Decimal("0.6")
    assert [(r.name, r.swing) for r in result.rows] == [
        ("acme/asr.usd_per_audio_minute", Decimal("0.12")),
        ("caller_audio_seconds", Decimal("0.12")),
    ]
    seconds = result.rows[1]
    assert (seconds.down_value, seconds.up_value) == (Decimal("48.0"), Decimal("72.0"))
    assert (seconds.per_call_down.low, seconds.per_call_up.low) == (Decimal("0.48"), Decimal("0.72"))
    assert "calls_per_month" in result.no_effect


def test_hand_worked_self_hosted_sensitivity(tmp_path: Path) -> None:
    # hosted at 1,000 calls: $1,000 / 1,000 = $1. Volume −20% → 1000/800 = $1.25, +20% → 1000/1200 = $0.8333…:
    # swing 0.25. GPU price ±20% → $0.80 / $1.20: swing 0.20. Caller audio does not move a one-GPU floor.
    result = sensitivity(round_catalog(tmp_path), "minute-call", "hosted", "20%", as_of=ON)
    assert [(r.name, r.swing) for r in result.rows] == [
        ("calls_per_month", Decimal("0.25")),
        ("acme/gpu.usd_per_gpu_hour", Decimal("0.2")),
    ]


@pytest.mark.parametrize(("text", "fraction"), [("20%", Decimal("0.2")), ("5", Decimal("0.05")), ("0.1", Decimal("0.1"))])
def test_parse_step(text: str, fraction: Decimal) -> None:
    assert parse_step(text) == fraction


def test_parse_step_rejects_100_percent() -> None:
    with pytest.raises(InputError, match="between 0% and 100%"):
        parse_step("100%")


def test_cli_sensitivity_csv(tmp_path: Path, runner) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    result = runner.invoke(cli, ["sensitivity", "minute-call", "api", "--by", "50%", "--as-of", "2026-11-01",
                                 "--pricing", str(pricing), "--scenarios", str(scenarios), "--format", "csv"])
    assert result.exit_code == 0, result.output
    # ±50% (by 0.5): 30 s → $0.30 and 90 s → $0.90; the price 0.60 → 0.30 / 0.90 the same; swing 0.90 − 0.60 = 0.30.
    # Numeric CSV: every value and cost as exact low/high decimals.
    assert result.output.splitlines() == [
        "input,kind,by,base_low,base_high,down_low,down_high,up_low,up_high,per_call_usd_down_low,"
        "per_call_usd_down_high,per_call_usd_up_low,per_call_usd_up_high,swing_usd",
        "acme/asr.usd_per_audio_minute,price,0.5,0.6,0.6,0.3,0.3,0.9,0.9,0.3,0.3,0.9,0.9,0.3",
        "caller_audio_seconds,scenario,0.5,60,60,30,30,90,90,0.3,0.3,0.9,0.9,0.3",
    ]


def test_sensitivity_as_a_dataframe_keeps_the_order_and_figures() -> None:
    from costmodel.analyses.sensitivity import sensitivity
    from costmodel.data.catalog import load_catalog

    result = sensitivity(load_catalog(), "support-call-5min", "budget-first", "20%", as_of=date(2026, 11, 24))
    frame = result.to_frame()
    assert list(frame.index) == [row.name for row in result.rows]
    # whisper-1 is $0.03 of the $0.0303 call: −20% on its price takes $0.006 off → 0.02426625.
    top = frame.loc["openai/whisper-1.usd_per_audio_minute"]
    row = next(r for r in result.rows if r.name == "openai/whisper-1.usd_per_audio_minute")
    assert abs(top["per_call_down_low"] - 0.02426625) < 1e-12 and top["swing"] == float(row.swing)
