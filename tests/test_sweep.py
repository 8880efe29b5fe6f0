"""Sweeps: hand-worked points on the round-number folder, and equality with single exact `compare --set` runs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costmodel.analyses.compare import compare
from costmodel.analyses.sweep import decimal_of, sweep, sweep_values
from costmodel.cli import cli
from costmodel.core.overrides import parse_price_change
from tests.whatif_catalog import round_catalog, write_round_data

ON = date(2026, 11, 1)


def test_hand_worked_volume_sweep(tmp_path: Path) -> None:
    # hosted: $1,000 floor / n while one GPU copes (n ≤ 150,000), then 2 GPUs: $2,000 / n. api: flat $0.60.
    result = sweep(round_catalog(tmp_path), "minute-call", "calls_per_month", [1000, 2000, 150_000, 150_001], as_of=ON)
    assert list(result.curves) == ["api", "hosted"]
    assert result.curves["hosted"].per_call_low.tolist() == pytest.approx([1.0, 0.5, 1000 / 150_000, 2000 / 150_001])
    assert result.curves["api"].per_call_low.tolist() == pytest.approx([0.6] * 4)
    assert result.curves["hosted"].fixed_per_month_low.tolist() == pytest.approx([1000.0] * 4)
    frame = result.to_frame()
    assert list(frame.columns) == ["calls_per_month", "stack", "per_call_low", "per_call_high", "per_month_low",
                                   "per_month_high", "fixed_per_month_low", "fixed_per_month_high", "currency"]
    # per month = per call × calls: hosted at 2,000 calls is 0.5 × 2,000 = $1,000.
    assert frame[(frame["stack"] == "hosted") & (frame["calls_per_month"] == 2000)]["per_month_low"].item() == pytest.approx(1000)


def test_price_sweep_with_relative_what_if(tmp_path: Path) -> None:
    # Sweeping the GPU price with the API halved (*0.5 → $0.30/min): hosted = price × 500 h / 1,000 calls.
    result = sweep(round_catalog(tmp_path), "minute-call", "acme/gpu.gpu_hour", [0.5, 1, 2], as_of=ON,
                   price_changes=[parse_price_change("acme/asr.audio_minute=*0.5")])
    assert result.curves["hosted"].per_call_low.tolist() == pytest.approx([0.25, 0.5, 1.0])
    assert result.curves["api"].per_call_low.tolist() == pytest.approx([0.3, 0.3, 0.3])


def test_sweep_values() -> None:
    assert sweep_values(0, 10, 2.5).tolist() == [0, 2.5, 5, 7.5, 10]
    assert sweep_values(1, 100, log=True, points=3).tolist() == pytest.approx([1, 10, 100])


FIELDS = {
    "calls_per_month": st.integers(1, 5_000_000),
    "caller_audio_seconds_per_turn": st.integers(0, 600).map(lambda n: n / 4),
    "turns": st.integers(1, 30),
    "system_prompt_tokens": st.integers(0, 50_000),
    "cache_hit_fraction": st.integers(0, 100).map(lambda n: n / 100),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), field=st.sampled_from(sorted(FIELDS)),
       scenario=st.sampled_from(["support-call-10-turns", "code-review-narration", "clinic-scheduling"]))
def test_property_sweep_points_equal_compare_with_set(catalog, data, field, scenario) -> None:
    values = data.draw(st.lists(FIELDS[field], min_size=1, max_size=3))
    result = sweep(catalog, scenario, field, values, as_of=ON)
    for index, value in enumerate(values):
        exact = compare(catalog, scenario, list(result.curves), as_of=ON, settings={field: decimal_of(value)})
        for row in exact.rows:
            curve = result.curves[row.stack]
            assert curve.per_call_low[index] == pytest.approx(float(row.per_call.low), rel=1e-9, abs=1e-12)
            assert curve.per_call_high[index] == pytest.approx(float(row.per_call.high), rel=1e-9, abs=1e-12)


def test_vector_matches_exact_for_every_bundled_scenario_and_stack(catalog) -> None:
    for scenario_id, scenario in catalog.scenarios.items():
        calls = scenario.calls_per_month
        assert not hasattr(calls, "low"), "bundled volumes are points; a ranged one needs its own check"
        result = sweep(catalog, scenario_id, "calls_per_month", [float(calls)],
                       as_of=ON)
        exact = compare(catalog, scenario_id, list(result.curves), as_of=ON)
        for row in exact.rows:
            assert result.curves[row.stack].per_call_low[0] == pytest.approx(float(row.per_call.low), rel=1e-12)
            assert result.curves[row.stack].per_call_high[0] == pytest.approx(float(row.per_call.high), rel=1e-12)


def test_cli_sweep_csv_and_json(tmp_path: Path, runner) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    common = ["--as-of", "2026-11-01", "--pricing", str(pricing), "--scenarios", str(scenarios)]
    result = runner.invoke(cli, ["sweep", "minute-call", "--vary", "calls_per_month=1000:3000:1000", "--format", "csv",
                                 *common])
    assert result.exit_code == 0, result.output
    # hosted: 1000/1000 = 1, 1000/2000 = 0.5, 1000/3000 = 0.333…; api 60 s × $0.01 = 0.6.
    assert result.output.splitlines()[:5] == [
        "field,value,stack,architecture,per_call_usd_low,per_call_usd_high,unpriced,unpriced_reason,missing_roles",
        "calls_per_month,1000,api,cascade,0.6,0.6,false,,",
        "calls_per_month,1000,hosted,self-hosted,1,1,false,,",
        "calls_per_month,2000,api,cascade,0.6,0.6,false,,",
        "calls_per_month,2000,hosted,self-hosted,0.5,0.5,false,,",
    ]
    result = runner.invoke(cli, ["sweep", "minute-call", "--vary", "turns=1:2", "--stacks", "api", "--format", "json",
                                 *common])
    document = json.loads(result.output)
    assert document["values"] == ["1", "2"] and document["stacks"]["api"]["per_call_low"] == ["0.6", "0.6"]


@pytest.mark.parametrize(("vary", "message"), [
    # The model's own rule for turns: 1.5 is the first value that is not whole.
    ("turns=1.5:3", "turns must be a whole number of turns, got 1.5; use a whole START and STEP"),
    ("turns=0:3", "turns must be at least 1"),
    ("cache_hit_fraction=0:2", "cache_hit_fraction must be a share between 0 and 1"),
    ("calls_per_month=0:10", "calls_per_month must be above 0"),
    ("calls_per_month", "expected FIELD=START:STOP[:STEP]"),
    ("calls_per_month=10:1", "START ≤ STOP"),
])
def test_cli_sweep_bad_input(tmp_path: Path, runner, vary: str, message: str) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    result = runner.invoke(cli, ["sweep", "minute-call", "--vary", vary, "--pricing", str(pricing),
                                 "--scenarios", str(scenarios)])
    assert result.exit_code == 2 and message in result.output
