"""Calibrate gives back the scenario records were drawn from; reconcile finds a planted overcharge; the Dask engine
equals the local one; the commands run end to end."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from costmodel.analyses.calibrate import calibrate
from costmodel.analyses.estimate import estimate
from costmodel.analyses.reconcile import reconcile
from costmodel.analyses.replay import replay
from costmodel.analyses.synthetic import write_synthetic
from costmodel.cli import cli
from costmodel.data.catalog import Catalog
from costmodel.data.models import Scenario as ScenarioModel
from costmodel.data.records import to_record

ON = date(2026, 11, 24)


def drawn_scenario() -> Any:
    return to_record(ScenarioModel.model_validate({
        "schema_version": 1, "title": "drawn", "calls_per_month": 20000, "turns": {"low": 4, "high": 8},
        "caller_audio_seconds": {"low": 60, "high": 180}, "agent_audio_seconds": {"low": 30, "high": 90},
    }))


def test_calibrate_gives_back_the_scenario(tmp_path: Path) -> None:
    calls = write_synthetic(drawn_scenario(), 20000, tmp_path / "calls.parquet", seed=3)
    fitted = calibrate(calls, low=10, high=90)
    # 20,000 calls spread over a 730-hour month: 20,000 a month (the span is the month less the gaps at its ends,
    # about 730 h ÷ 20,000 ≈ 2 min: well under 0.1 %).
    assert fitted.calls_per_month == pytest.approx(20000, rel=0.002)
    # Turns are uniform over 4..8 (20 % each): the 10th percentile is 4, the 90th 8.
    assert fitted.ranges["turns"] == pytest.approx((4, 8), abs=0.01)
    # Caller audio uniform on 60..180 s: p10 = 60 + 0.1 × 120 = 72, p90 = 168. The sample quantile's standard
    # error is sqrt(0.1 × 0.9 / 20,000) × 120 ≈ 0.25 s; allow 1.5 s (6 standard errors).
    low, high = fitted.ranges["caller_audio_seconds"]
    assert low == pytest.approx(72, abs=1.5) and high == pytest.approx(168, abs=1.5)
    # Agent audio uniform on 30..90: p10 = 36, p90 = 84 (standard error ≈ 0.13 s).
    low, high = fitted.ranges["agent_audio_seconds"]
    assert low == pytest.approx(36, abs=0.8) and high == pytest.approx(84, abs=0.8)
    # Average calls in progress = calls × mean length ÷ the month: 20,000 × (120 + 60) s ÷ 2,628,000 s = 1.37.
    assert fitted.average_concurrent_calls == pytest.approx(20000 * 180 / 2_628_000, rel=0.03)
    assert fitted.peak_concurrent_calls >= 2
    # Starts are uniform over the month: each hour of the day gets 1/24 of the calls (± 15 %).
    assert all(share == pytest.approx(1 / 24, rel=0.15) for share in fitted.hourly_share)
    # The YAML loads as a scenario.
    data = yaml.safe_load(fitted.yaml_text())
    model = ScenarioModel.model_validate(data)
    assert model.turns.low == 4 and model.turns.high == 8  # type: ignore[union-attr]


def test_calibrate_peak_concurrency_from_start_and_end(tmp_path: Path) -> None:
    # Three calls overlap 10:00-10:05; one more at 11:00. The busiest minute has 3 calls in progress.
    rows = [{"call_id": f"a{i}", "start_time": f"2026-10-01T10:0{i}:00Z", "caller_audio_seconds": 150,
             "agent_audio_seconds": 150} for i in range(3)]
    rows.append({"call_id": "b", "start_time": "2026-10-01T11:00:00Z", "caller_audio_seconds": 10, "agent_audio_seconds": 10})
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    fitted = calibrate(path)
    assert fitted.peak_concurrent_calls == 3
    assert fitted.hourly_share[10] == 0.75 and fitted.hourly_share[11] == 0.25


def test_calibrated_scenario_is_used_by_compare(tmp_path: Path, runner: CliRunner) -> None:
    calls = write_synthetic(drawn_scenario(), 2000, tmp_path / "calls.csv", seed=1)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    result = runner.invoke(cli, ["calibrate", str(calls), "-o", str(folder / "ours.yaml")])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(cli, ["compare", "ours", "--scenarios", str(folder), "--as-of", ON.isoformat(),
                                 "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["rows"]


def test_reconcile_finds_a_planted_overcharge(catalog: Catalog, tmp_path: Path) -> None:
    # Every tenth call was billed 10 % above budget-first's price of its usage (priced here by the exact engine).
    lengths = [(30, 10), (95, 40), (300, 120)]
    exact: dict[tuple[int, int], Decimal] = {}
    for caller, agent in lengths:
        scenario = ScenarioModel.model_validate({"schema_version": 1, "title": "one", "calls_per_month": 1,
                                                 "caller_audio_seconds": caller, "agent_audio_seconds": agent})
        exact[(caller, agent)] = estimate(catalog, scenario, "budget-first", as_of=ON).per_call.low
    rows, planted, overcharge = [], set(), Decimal(0)
    for i in range(300):
        caller, agent = lengths[i % 3]
        cost = exact[(caller, agent)]
        if i % 10 == 0:
            planted.add(f"c{i}")
            overcharge += cost / 10
            cost = cost * Decimal("1.1")
        rows.append({"call_id": f"c{i}", "start_time": "2026-10-01T10:00:00Z", "caller_audio_seconds": caller,
                     "agent_audio_seconds": agent, "actual_cost": str(cost), "actual_cost_currency": "USD"})
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    found = reconcile(catalog, path, "budget-first", as_of=ON)
    assert (found.compared, found.over, found.under) == (300, 30, 0)
    assert Decimal(repr(found.difference)) == pytest.approx(overcharge, abs=Decimal("1e-9") * 300)
    assert {d.call_id for d in found.largest} <= planted
    assert all(d.percent == pytest.approx(10, rel=1e-9) for d in found.largest)


def test_reconcile_refuses_mixed_currencies(catalog: Catalog, tmp_path: Path) -> None:
    rows = [{"call_id": "a", "start_time": "2026-10-01T10:00:00Z", "caller_audio_seconds": 3, "agent_audio_seconds": 0,
             "actual_cost": 1, "actual_cost_currency": c} for c in ("USD", "GBP")]
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    from costmodel.errors import InputError

    with pytest.raises(InputError, match="one currency at a time"):
        reconcile(catalog, path, "budget-first", as_of=ON)


def test_dask_engine_equals_the_local_engine(catalog: Catalog, tmp_path: Path) -> None:
    from distributed import LocalCluster

    calls = write_synthetic(drawn_scenario(), 30000, tmp_path / "calls.parquet", seed=5, chunk=7000)
    stacks = ["budget-first", "gpt-realtime", "privacy-first", "gpt-audio-mini-article-estimate"]
    local = replay(catalog, calls, stacks, as_of=ON, by_customer=True, chunk_rows=9000)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        remote = replay(catalog, calls, stacks, as_of=ON, by_customer=True, engine="dask",
                        scheduler=cluster.scheduler_address)
    assert remote.calls == local.calls == 30000
    for mine, theirs in zip(local.stacks, remote.stacks, strict=True):
        assert mine.stack == theirs.stack
        assert theirs.total == pytest.approx(mine.total, rel=1e-12)
        assert (theirs.p50, theirs.p90, theirs.p99) == (mine.p50, mine.p90, mine.p99)
        assert theirs.gpu == mine.gpu
        assert theirs.customers.keys() == mine.customers.keys()
        assert [c for _, c in theirs.costliest] == pytest.approx([c for _, c in mine.costliest], rel=1e-12)
        # (Which of several equally costly calls are listed depends on the partitions: compare the costs.)


def test_replay_command_formats_and_per_call_file(catalog: Catalog, tmp_path: Path, runner: CliRunner) -> None:
    calls = write_synthetic(drawn_scenario(), 500, tmp_path / "calls.jsonl", seed=2)
    per_call = tmp_path / "per.parquet"
    args = ["replay", str(calls), "--stacks", "budget-first,privacy-first", "--as-of", ON.isoformat()]
    result = runner.invoke(cli, [*args, "--by", "customer", "-o", str(per_call)])
    assert result.exit_code == 0, result.stderr
    assert "Cost per customer" in result.stdout and per_call.exists()
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    assert document["calls"] == 500 and {s["stack"] for s in document["stacks"]} == {"budget-first", "privacy-first"}
    bad = tmp_path / "bad.csv"
    bad.write_text("call_id,start_time,caller_audio_seconds,agent_audio_seconds\na,2026-10-01,x,1\n", encoding="utf-8")
    result = runner.invoke(cli, ["replay", str(bad), "--as-of", ON.isoformat()])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"{bad}:2: caller_audio_seconds: ")
