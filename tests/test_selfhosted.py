"""Self-hosted economics (issue 15): throughput curves, work-based occupancy, traffic shape, scaling and purchase.

Every expected figure is worked out by hand in the comments, on a GPU at a round $2 an hour.
"""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import numpy
import pytest
from click.testing import CliRunner

from costmodel.analyses.capacity import capacity
from costmodel.analyses.estimate import estimate
from costmodel.cli import cli
from costmodel.core.backends import VectorOps
from costmodel.core.bill import bill_component
from costmodel.core.interval import Span
from costmodel.core.usage import gpu_sizing, operating_point, profile
from costmodel.data.catalog import Catalog, load_catalog
from costmodel.data.models import Scenario, Stack, StackComponent, Throughput
from costmodel.data.records import to_record
from costmodel.errors import InputError

TODAY = date(2026, 1, 1)

SHEET = """
schema_version: 1
provider: acme
name: Acme
skus:
  - id: acme/gpu
    kind: gpu
    name: Acme GPU
    throughput:
      - {workload: whisper, real_time_factor: 0.1, concurrent_streams: 4, source: test sheet, checked: 2025-01-01}
      - {workload: kokoro, real_time_factor: 0.05, source: test sheet, checked: 2025-01-01}
      - {workload: llama, output_tokens_per_second: 100, concurrent_streams: 8, source: test sheet,
         checked: 2025-01-01}
      - {workload: llama-prefill, output_tokens_per_second: 100, prefill_tokens_per_second: 1000,
         source: test sheet, checked: 2025-01-01}
      - workload: llama-curve
        latency_metric: median time per output token
        curve:
          - {concurrency: 1, throughput: 100, latency_ms: 20}
          - {concurrency: 5, throughput: 400, latency_ms: 30}
          - {concurrency: 10, throughput: 600, latency_ms: 50}
        source: test sheet
        checked: 2025-01-01
    periods:
      - {effective_from: 2025-01-01, currency: USD, source: test sheet, checked: 2025-01-01, usd_per_gpu_hour: 2}
  - id: acme/asr
    kind: asr
    name: Acme transcriber
    periods:
      - {effective_from: 2025-01-01, currency: USD, source: test sheet, checked: 2025-01-01,
         usd_per_audio_minute: 0.06}
"""
STACKS = {
    "api": "components: [{role: asr, sku: acme/asr}]",
    "hosted": "components: [{role: self-hosted-asr, sku: acme/gpu, workload: whisper, scaling: scheduled}]",
}


@pytest.fixture(scope="module")
def cat(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    folder = tmp_path_factory.mktemp("selfhosted")
    (folder / "pricing" / "stacks").mkdir(parents=True)
    (folder / "scenarios").mkdir()
    (folder / "pricing" / "acme.yaml").write_text(textwrap.dedent(SHEET), encoding="utf-8")
    for name, components in STACKS.items():
        text = f"schema_version: 1\ntitle: {name}\narchitecture: cascade\n{components}\n"
        (folder / "pricing" / "stacks" / f"{name}.yaml").write_text(text, encoding="utf-8")
    (folder / "scenarios" / "minute.yaml").write_text(
        "schema_version: 1\ntitle: a minute\ncalls_per_month: 17400\ncaller_audio_seconds: 60\n"
        "agent_audio_seconds: 0\nagent_text_tokens: 0\noperating_hours_per_month: 174\n", encoding="utf-8")
    return load_catalog(folder / "pricing", folder / "scenarios")


def scenario(**fields: Any) -> Scenario:
    base: dict[str, Any] = {"schema_version": 1, "title": "t", "agent_audio_seconds": 0, "agent_text_tokens": 0}
    return Scenario.model_validate(base | fields)


def stack(**component: Any) -> Stack:
    return Stack.model_validate({"schema_version": 1, "title": "t", "architecture": "self-hosted",
                                 "components": [{"sku": "acme/gpu"} | component]})


ASR = {"role": "self-hosted-asr", "workload": "whisper", "min_gpus": 1, "utilisation": D("0.5")}


def test_scheduled_policy_rents_the_busiest_hours_gpus_only_in_the_174_open_hours(cat: Catalog) -> None:
    # 17,400 calls over 174 h = 100 calls an hour = 1/36 a second; busiest hour × 3 = 1/12 a second.
    # Streams: 1/12 × 60 s of caller audio = 5 at once; 4 per GPU → ⌈5/4⌉ = 2 GPUs (concurrency binds).
    # Throughput: 1/12 × 60 × 0.1 = 0.5 GPU busy; at 50% utilisation ⌈1⌉ = 1 GPU.
    # Scheduled: 2 GPUs × 174 h = 348 GPU-h × $2 = $696 a month; always-on: 2 × 730 h × $2 = $2,920.
    s = scenario(calls_per_month=17400, caller_audio_seconds=60, operating_hours_per_month=174)
    scheduled = estimate(cat, s, stack(**ASR, scaling="scheduled"), as_of=TODAY)
    assert scheduled.per_month == Span(D(696), D(696))
    assert scheduled.fixed_per_month == Span(D(348), D(348))  # min_gpus 1 × 174 h × $2
    always_on = estimate(cat, s, stack(**ASR), as_of=TODAY)
    assert always_on.per_month == Span(D(2920), D(2920))
    (plan,) = scheduled.capacity
    assert plan.gpus == Span(D(2), D(2)) and plan.binding == "concurrency"


TWO_LEVELS = [D(0)] * 8 + [D(3)] * 4 + [D(1)] * 8 + [D(0)] * 4
"""Closed 00-08h and 20-24h; weight 3 from 08h to 12h, weight 1 from 12h to 20h (Σ = 12 + 8 = 20)."""


def test_autoscaled_policy_follows_a_two_level_hourly_profile(cat: Catalog) -> None:
    # Each hour of the day recurs 730/24 times a month. 73,000 calls: a weight-3 hour gets
    # 73,000 × 3/20 ÷ (730/24) = 360 calls, a weight-1 hour 120.
    # Batch serving (no streams): 6 GPU-s a call (60 s × 0.1). Weight 3: 360 × 6 / 3600 = 0.6 GPU busy,
    # ÷ 0.5 utilisation = 1.2 → 2 GPUs. Weight 1: 0.2 busy → 0.4 → 1 GPU. Closed hours: min_gpus 0 → none.
    # GPU-hours: 2 × 4 × 730/24 + 1 × 8 × 730/24 = 16 × 730/24 = 486.67 h; × $2 = $973.33.
    s = scenario(calls_per_month=73000, caller_audio_seconds=60, traffic_profile=TWO_LEVELS)
    hosted = stack(**ASR | {"min_gpus": 0}, scaling="autoscaled", serving="batch")
    bill = estimate(cat, s, hosted, as_of=TODAY)
    assert abs(bill.per_month.low - D(16) * 730 / 24 * 2) < D("1e-20")
    (plan,) = bill.capacity
    by_hours = {row.hours: row for row in plan.rows}
    assert by_hours["08h-12h"].gpus == Span(D(2), D(2))
    assert abs(by_hours["08h-12h"].calls_per_hour.low - 360) < D("1e-20")
    assert by_hours["12h-20h"].gpus == Span(D(1), D(1)) and by_hours["12h-20h"].binding == "throughput"
    assert by_hours["00h-08h, 20h-end"].gpus == Span(D(0), D(0))
    # A warm minimum of one GPU adds the 12 closed hours a day: 12 × 730/24 = 365 GPU-h, $730 more.
    warm = estimate(cat, s, stack(**ASR, scaling="autoscaled", serving="batch"), as_of=TODAY)
    assert abs(warm.per_month.low - (D(16) * 730 / 24 * 2 + 730)) < D("1e-20")
    # Scheduled instead: the busiest level's 2 GPUs in all 12 open hours: 2 × 365 h × $2 = $1,460.
    scheduled = estimate(cat, s, stack(**ASR | {"min_gpus": 0}, scaling="scheduled", serving="batch"), as_of=TODAY)
    assert abs(scheduled.per_month.low - 1460) < D("1e-20")


def test_the_vector_backend_gives_the_exact_autoscaled_figure(cat: Catalog) -> None:
    s = scenario(calls_per_month=73000, caller_audio_seconds=60, traffic_profile=TWO_LEVELS)
    hosted = stack(**ASR | {"min_gpus": 0}, scaling="autoscaled", serving="batch")
    exact = estimate(cat, s, hosted, as_of=TODAY).per_month.low
    ops = VectorOps()
    volume = Span(numpy.array([73000.0]), numpy.array([73000.0]))
    vector = gpu_sizing(to_record(hosted).components[0], cat.sku("acme/gpu"), profile(to_record(s), ops,
                        {"calls_per_month": volume}), ops)
    assert float(numpy.asarray(vector.gpu_hours_per_month.low).item()) * 2 == pytest.approx(float(exact), rel=1e-12)


def test_curve_is_interpolated_at_the_latency_target() -> None:
    entry = to_record(Throughput.model_validate({
        "workload": "llama", "latency_metric": "TPOT", "source": "test sheet", "checked": "2025-01-01",
        "curve": [{"concurrency": 1, "throughput": 100, "latency_ms": 20},
                  {"concurrency": 5, "throughput": 400, "latency_ms": 30},
                  {"concurrency": 10, "throughput": 600, "latency_ms": 50}],
    }))
    # 40 ms lies halfway from 30 ms (5 requests, 400 tokens/s) to 50 ms (10, 600): share (40-30)/(50-30) = 0.5,
    # so 400 + 0.5 × 200 = 500 tokens/s at 5 + 0.5 × 5 = 7.5 requests; below the best 600, so latency binds.
    point = operating_point(entry, "self-hosted-asr", D(40))
    assert (point.throughput, point.streams, point.latency_ms, point.limited_by_latency) == (
        D(500), D("7.5"), D(40), True)
    # No target, or one above every point: the best point, 600 tokens/s at 50 ms.
    assert operating_point(entry, "self-hosted-llm", None).throughput == D(600)
    assert operating_point(entry, "self-hosted-llm", D(60)).limited_by_latency is False
    # Exactly on a measured point: that point (30 ms → 400 tokens/s).
    assert operating_point(entry, "self-hosted-llm", D(30)).throughput == D(400)
    with pytest.raises(InputError, match="below the lowest latency measured"):
        operating_point(entry, "self-hosted-llm", D(10))


def test_a_curve_sizes_the_llm_at_its_latency_target(cat: Catalog) -> None:
    # 1,000 tokens per call (agent text), calls spread flat: 262,800 calls over 730 h = 0.1 a second, ratio 1.
    # At a 40 ms target the GPU makes 500 tokens/s: 0.1 × 1000 / 500 = 0.2 GPU busy ÷ 0.5 = 0.4 → 1 GPU;
    # at 20 ms only 100 tokens/s: 0.1 × 1000 / 100 = 1 GPU busy ÷ 0.5 = 2 GPUs: 2 × 730 h × $2 = $2,920.
    s = scenario(calls_per_month=262800, caller_audio_seconds=10, agent_text_tokens=1000, peak_to_average_ratio=1)
    llm = {"role": "self-hosted-llm", "workload": "llama-curve", "utilisation": D("0.5")}
    assert estimate(cat, s, stack(**llm, latency_target_ms=40), as_of=TODAY).per_month == Span(D(1460), D(1460))
    tight = estimate(cat, s, stack(**llm, latency_target_ms=20), as_of=TODAY)
    assert tight.per_month == Span(D(2920), D(2920))
    assert tight.capacity[0].binding == "latency"


def test_spot_pays_the_discounted_price_on_hours_grown_by_the_interruption_overhead(cat: Catalog) -> None:
    # One GPU (the minimum) always on: 730 h × (1 + 0.1 overhead) = 803 GPU-h, at $2 × (1 - 0.6) = $0.80:
    # 803 × 0.80 = $642.40 a month.
    s = scenario(calls_per_month=100, caller_audio_seconds=60)
    spot = stack(**ASR, purchase="spot", purchase_discount=D("0.6"), interruption_overhead=D("0.1"))
    bill = estimate(cat, s, spot, as_of=TODAY)
    assert bill.per_month == Span(D("642.40"), D("642.40"))
    assert bill.lines[0].quantity == Span(D(803), D(803)) and bill.lines[0].unit_price == Span(D("0.8"), D("0.8"))
    # Reserved at 40% off: 730 h × $1.20 = $876.
    reserved = stack(**ASR, purchase="reserved", purchase_discount=D("0.4"), term_months=12)
    assert estimate(cat, s, reserved, as_of=TODAY).per_month == Span(D(876), D(876))


@pytest.mark.parametrize(("fields", "message"), [
    ({"purchase": "reserved", "scaling": "scheduled"}, "use scaling always-on"),
    ({"purchase_discount": D("0.3")}, "reserved or spot"),
    ({"interruption_overhead": D("0.1"), "purchase": "reserved"}, "spot only"),
])
def test_purchase_options_that_contradict_themselves_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        StackComponent.model_validate({"role": "self-hosted-asr", "sku": "acme/gpu", "workload": "w"} | fields)


def test_the_llm_is_sized_by_per_turn_work_not_by_call_length(cat: Catalog) -> None:
    # 1,314,000 calls over 730 h = 0.5 a second (ratio 1). 4 turns × 50 tokens = 200 tokens at 100 tokens/s
    # = 2 GPU-s a call; 0.5 × 2 = 1 GPU busy ÷ 0.5 = 2 GPUs: 2 × 730 × $2 = $2,920 a month.
    # Holding a slot for the 300-s call would have needed 0.5 × 300 = 150 calls at once ÷ 8 streams = 19 GPUs.
    s = scenario(calls_per_month=1314000, caller_audio_seconds=0, turns=4, agent_text_tokens_per_turn=50,
                 agent_text_tokens=None, call_duration_seconds=300, peak_to_average_ratio=1)
    llm = {"role": "self-hosted-llm", "workload": "llama", "utilisation": D("0.5")}
    bill = estimate(cat, s, stack(**llm), as_of=TODAY)
    assert bill.per_month == Span(D(2920), D(2920))
    assert bill.capacity[0].work_seconds_per_call == Span(D(2), D(2))
    # With prefill at 1,000 tokens/s and a 100-token system prompt (no cache hits): turn k re-sends the prompt
    # and earlier replies: prompt 4 × 100 = 400, history 50 × (0+1+2+3) = 300, so 700 tokens ÷ 1000 = 0.7 s;
    # 2.7 GPU-s a call → 0.5 × 2.7 = 1.35 busy ÷ 0.5 = 2.7 → 3 GPUs: 3 × 730 × $2 = $4,380.
    prompt = scenario(calls_per_month=1314000, caller_audio_seconds=0, turns=4, agent_text_tokens_per_turn=50,
                      agent_text_tokens=None, call_duration_seconds=300, peak_to_average_ratio=1,
                      system_prompt_tokens=100)
    with_prefill = estimate(cat, prompt, stack(**llm | {"workload": "llama-prefill"}), as_of=TODAY)
    assert with_prefill.capacity[0].work_seconds_per_call == Span(D("2.7"), D("2.7"))
    assert with_prefill.per_month == Span(D(4380), D(4380))


def test_self_hosted_tts_follows_spoken_output(cat: Catalog) -> None:
    # 262,800 calls over 730 h = 0.1 a second; 20 s of agent speech × 0.05 = 1 GPU-s a call: 0.1 busy ÷ 0.5
    # → 1 GPU; at 10× the volume 1 busy ÷ 0.5 = 2 GPUs (2 × 730 × $2 = $2,920).
    tts = {"role": "self-hosted-tts", "workload": "kokoro", "utilisation": D("0.5")}
    quiet = scenario(calls_per_month=262800, caller_audio_seconds=10, agent_audio_seconds=20, peak_to_average_ratio=1)
    assert estimate(cat, quiet, stack(**tts), as_of=TODAY).per_month == Span(D(1460), D(1460))
    busy = scenario(calls_per_month=2628000, caller_audio_seconds=10, agent_audio_seconds=20, peak_to_average_ratio=1)
    assert estimate(cat, busy, stack(**tts), as_of=TODAY).per_month == Span(D(2920), D(2920))


def test_breakeven_lands_on_the_gpu_step_of_a_scheduled_fleet(cat: Catalog) -> None:
    from costmodel.analyses.breakeven import breakeven

    # API: 60 s × $0.06/min = $0.06 a call. Hosted (scheduled, 174 h, ratio 3, 4 streams, whisper):
    # streams at the busiest hour = calls/(174 × 3600) × 3 × 60 = calls / 3480; GPUs = ⌈calls / 13,920⌉.
    # One GPU: 174 h × $2 = $348 a month, below $0.06 × calls from 5,800 calls; at 13,921 calls a second
    # GPU ($696) still costs less than $835.26, so the only crossing is 5,800.
    be = breakeven(cat, "minute", "api", "hosted", "calls_per_month", (1000.0, 20000.0), as_of=TODAY)
    equal = [c for c in be.crossings if c.kind == "equal"]
    assert len(equal) == 1 and equal[0].value == pytest.approx(5800)
    assert be.cheaper_at_low["point"] == "api" and be.cheaper_at_high["point"] == "hosted"


def test_capacity_command_prints_the_plan_and_refuses_api_only_stacks(cat: Catalog) -> None:
    result = capacity(cat, "minute", "hosted", as_of=TODAY)
    (plan,) = result.components
    # As in the scheduled test: 17,400 calls over 174 h, 5 streams at the busiest hour → ⌈5/4⌉ = 2 GPUs.
    assert plan.scaling == "scheduled" and plan.gpus == Span(D(2), D(2))
    assert result.cost_per_month == Span(D(696), D(696))
    runner = CliRunner()
    ok = runner.invoke(cli, ["capacity", "council-triage", "privacy-first", "--as-of", "2026-11-24"])
    assert ok.exit_code == 0, ok.output
    assert "binding" in ok.output and "self-hosted-tts" in ok.output
    api = runner.invoke(cli, ["capacity", "council-triage", "budget-first", "--as-of", "2026-11-24"])
    assert api.exit_code == 2 and "no self-hosted components" in api.output


@pytest.mark.parametrize(("change", "message"), [
    ({"latency_metric": None}, "needs latency_metric"),
    ({"curve": [{"concurrency": 5, "throughput": 400, "latency_ms": 30},
                {"concurrency": 1, "throughput": 100, "latency_ms": 20}]}, "rising concurrency"),
    ({"curve": [{"concurrency": 1, "throughput": 100, "latency_ms": 30},
                {"concurrency": 5, "throughput": 400, "latency_ms": 20}]}, "must not fall"),
    ({"real_time_factor": D("0.1")}, "exactly one of"),
])
def test_a_curve_that_cannot_be_read_is_refused(change: dict[str, Any], message: str) -> None:
    entry = {"workload": "llama", "latency_metric": "TPOT", "source": "test sheet", "checked": "2025-01-01",
             "curve": [{"concurrency": 1, "throughput": 100, "latency_ms": 20}]} | change
    with pytest.raises(ValueError, match=message):
        Throughput.model_validate(entry)


@pytest.mark.parametrize(("profile", "message"), [
    ([D(1)] * 25, "give 24 hourly values"),
    ([D(0)] * 24, "every hour of the profile is 0"),
])
def test_a_traffic_profile_is_a_day_or_a_week_with_some_calls(profile: list[D], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        scenario(calls_per_month=1000, caller_audio_seconds=60, traffic_profile=profile)


def test_a_weekly_profile_labels_its_hours_by_day(cat: Catalog) -> None:
    # Monday to Friday 09h-17h open (40 of 168 hours): each hour of the week recurs 730/168 times, so the open
    # hours are 40 × 730/168 = 173.81 h a month. 17,381 calls → 17,381 / 173.81 = 100 calls an hour.
    week = [D(1) if day < 5 and 9 <= hour < 17 else D(0) for day in range(7) for hour in range(24)]
    s = scenario(calls_per_month=D(40) * 730 / 168 * 100, caller_audio_seconds=60, traffic_profile=week)
    plan = capacity(cat, to_record(s), to_record(stack(**ASR, scaling="scheduled")), as_of=TODAY).components[0]
    open_row = next(row for row in plan.rows if row.binding != "closed")
    assert open_row.hours.startswith("Mon 09h-Mon 17h, Tue 09h-Tue 17h, Wed 09h-Wed 17h …")
    assert abs(open_row.calls_per_hour.low - 100) < D("1e-20")
    assert abs(open_row.hours_per_month.low - D(40) * 730 / 168) < D("1e-20")


def test_an_operations_cost_is_its_own_fixed_line_and_off_by_default(cat: Catalog) -> None:
    # One GPU always on: 730 h × $2 = $1,460; operations $2,000 a month on top: $3,460, all of it fixed.
    s = scenario(calls_per_month=1000, caller_audio_seconds=60)
    assert all(line.meter != "operations (stack assumption)" for line in estimate(cat, s, stack(**ASR), as_of=TODAY).lines)
    bill = estimate(cat, s, stack(**ASR, operations_usd_per_month=2000), as_of=TODAY)
    assert bill.per_month == Span(D(3460), D(3460)) and bill.fixed_per_month == Span(D(3460), D(3460))
    (ops_line,) = [line for line in bill.lines if line.meter == "operations (stack assumption)"]
    assert ops_line.cost_per_month == Span(D(2000), D(2000)) and ops_line.estimate and bill.estimate
    assert "assumption of the stack" in ops_line.source
    # The vector path adds the same: ($1,460 + $2,000) / 1,000 calls = $3.46 a call.
    ops = VectorOps()
    p = profile(to_record(s), ops)
    component = to_record(stack(**ASR, operations_usd_per_month=2000)).components[0]
    period = cat.price("acme/gpu", TODAY)
    def price_of(name: str) -> Span[Any] | None:
        value = period.price(name)
        return None if value is None else ops.const(value)

    lines = bill_component(component, cat.sku("acme/gpu"), period, p, ops, price_of, ops.const(1))
    assert sum(float(numpy.asarray(line.cost.low)) for line in lines) == pytest.approx(3460)
    with pytest.raises(ValueError, match="self-hosted roles only"):
        StackComponent.model_validate({"role": "asr", "sku": "acme/asr", "operations_usd_per_month": 100})


@pytest.mark.parametrize(("scaling", "extra", "expected_rows", "expected_total"), [
    # Always-on renting each GPU 500 of the month's 730 h: the minute scenario needs 2 GPUs (see the scheduled
    # test), so the bill is 2 × 500 h × $2 = $2,000. Its 174 open hours carry 2 × 174 × 500/730 GPU-h, the
    # 556 closed hours 2 × 556 × 500/730; together 2 × 730 × 500/730 = 1,000 GPU-h = $2,000.
    ("always-on", "gpu_hours_per_month: 500", {"open hours": D(2 * 174 * 500) / 730,
                                                "closed hours": D(2 * 556 * 500) / 730}, D(2000)),
    # Autoscaled, min_gpus 1: the open hours run the 2 GPUs they need (348 GPU-h), the closed 556 h keep the
    # one warm GPU (556 GPU-h): 904 GPU-h × $2 = $1,808.
    ("autoscaled", "min_gpus: 1", {"open hours": D(348), "closed hours": D(556)}, D(1808)),
])
def test_capacity_rows_add_up_to_the_bill(tmp_path: Path, scaling: str, extra: str,
                                          expected_rows: dict[str, D], expected_total: D) -> None:
    (tmp_path / "pricing" / "stacks").mkdir(parents=True)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "pricing" / "acme.yaml").write_text(textwrap.dedent(SHEET), encoding="utf-8")
    (tmp_path / "pricing" / "stacks" / "hosted.yaml").write_text(
        "schema_version: 1\ntitle: hosted\narchitecture: self-hosted\ncomponents:\n"
        f"  - {{role: self-hosted-asr, sku: acme/gpu, workload: whisper, scaling: {scaling}, {extra}}}\n",
        encoding="utf-8")
    (tmp_path / "scenarios" / "minute.yaml").write_text(
        "schema_version: 1\ntitle: a minute\ncalls_per_month: 17400\ncaller_audio_seconds: 60\n"
        "agent_audio_seconds: 0\nagent_text_tokens: 0\noperating_hours_per_month: 174\n", encoding="utf-8")
    result = capacity(load_catalog(tmp_path / "pricing", tmp_path / "scenarios"), "minute", "hosted", as_of=TODAY)
    (plan,) = result.components
    # 500/730 has no exact decimal: rows agree with the hand-worked shares to 20 places.
    exact = D("1e-20")
    assert {row.hours: row.gpu_hours.high.quantize(exact) for row in plan.rows} == {
        hours: value.quantize(exact) for hours, value in expected_rows.items()}
    assert sum((row.cost_per_month.high for row in plan.rows), D(0)).quantize(exact) == expected_total.quantize(exact)
    assert result.cost_per_month == Span(expected_total, expected_total)
