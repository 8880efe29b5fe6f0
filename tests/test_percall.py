"""Per-call billing mechanics (issue 13 part A), worked out by hand on a tiny library written here.

Prices are chosen so a second costs a round amount: $0.06 a minute is $0.001 a second, $0.03 a minute
$0.0005 a second, $0.003 a minute $0.00005 a second.

- acme/live: a realtime session (GPT-Live style): $0.06/active minute, $0.03/standby minute, 15 start-up
  seconds credited against later use. acme/live-ontop: the same with the start-up seconds billed on top.
- acme/agent: a per-minute agent product: $0.06/minute, silence at $0.003/minute (5%).
- acme/platform: an orchestration fee of $0.06/minute, 6-second increments, 60 seconds minimum per call.
- acme/retell-llm: an LLM billed $0.06 per call minute, scaled above 3,500 prompt tokens (Retell's rule).
- acme/chat: a token LLM, $1 in / $4 out per 1M, $2 / $8 from 2026-03-01, 1.1× in eu-data-zone, retiring
  2026-06-01.
- scenario `call`: 137 s call (60 s caller, 37 s agent), 40 s of it idle, 100 reply tokens, 1,000 calls.
  Caller words become 60 s × 150 words/min ÷ 60 × 1.3 tokens/word = 195 input tokens.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy
import pytest
from click.testing import CliRunner

from costmodel.analyses.compare import compare
from costmodel.analyses.estimate import LIFECYCLE_WARNING_DAYS, Bill, estimate
from costmodel.analyses.sweep import sweep
from costmodel.cli import cli
from costmodel.core.interval import Span
from costmodel.data.catalog import Catalog, load_catalog
from costmodel.errors import InputError

SOURCE = "source: https://example.com/prices, checked: 2026-01-01"

SHEET = f"""\
schema_version: 1
provider: acme
name: Acme
skus:
  - id: acme/live
    kind: audio-llm
    name: Acme Live session
    periods:
      - {{effective_from: 2026-01-01, currency: USD, {SOURCE}, usd_per_active_minute: 0.06,
         usd_per_standby_minute: 0.03, startup_billed_seconds: 15, startup_credited: true}}
  - id: acme/live-ontop
    kind: audio-llm
    name: Acme Live session, start-up billed on top
    periods:
      - {{effective_from: 2026-01-01, currency: USD, {SOURCE}, usd_per_active_minute: 0.06,
         usd_per_standby_minute: 0.03, startup_billed_seconds: 15, startup_credited: false}}
  - id: acme/agent
    kind: audio-llm
    name: Acme per-minute agent
    periods:
      - {{effective_from: 2026-01-01, currency: USD, {SOURCE}, usd_per_audio_minute: 0.06,
         usd_per_standby_minute: 0.003}}
  - id: acme/platform
    kind: platform
    name: Acme orchestration
    periods:
      - {{effective_from: 2026-01-01, currency: USD, {SOURCE}, usd_per_platform_minute: 0.06,
         billing_increment_seconds: 6, minimum_billed_seconds: 60}}
  - id: acme/retell-llm
    kind: llm
    name: Acme LLM billed per call minute
    periods:
      - {{effective_from: 2026-01-01, currency: USD, {SOURCE}, usd_per_llm_minute: 0.06,
         llm_prompt_scaling_tokens: 3500}}
  - id: acme/chat
    kind: llm
    name: Acme Chat
    retires_on: 2026-06-01
    retirement_source: https://example.com/deprecations
    periods:
      - {{effective_from: 2026-01-01, currency: USD, {SOURCE}, usd_per_million_input_tokens: 1,
         usd_per_million_output_tokens: 4, regional_uplifts: {{eu-data-zone: 1.10}}}}
      - {{effective_from: 2026-03-01, currency: USD, {SOURCE}, usd_per_million_input_tokens: 2,
         usd_per_million_output_tokens: 8, regional_uplifts: {{eu-data-zone: 1.10}}}}
"""

STACKS = {
    "live": "components:\n  - {role: audio-llm, sku: acme/live}\n",
    "live-ontop": "components:\n  - {role: audio-llm, sku: acme/live-ontop}\n",
    "live-backed": "components:\n  - {role: audio-llm, sku: acme/live}\n  - {role: llm, sku: acme/chat}\n",
    "agent": "components:\n  - {role: audio-llm, sku: acme/agent}\n  - {role: llm, sku: acme/chat}\n",
    "platform": "components:\n  - {role: platform, sku: acme/platform}\n  - {role: llm, sku: acme/chat}\n",
    "retell": "components:\n  - {role: platform, sku: acme/platform}\n  - {role: llm, sku: acme/retell-llm}\n",
    "chat": "components:\n  - {role: llm, sku: acme/chat}\n",
    "chat-eu": "components:\n  - {role: llm, sku: acme/chat, region: eu-data-zone}\n",
}

SCENARIOS = {
    "call": """\
schema_version: 1
title: A 137-second call, 40 s idle
calls_per_month: 1000
caller_audio_seconds: 60
agent_audio_seconds: 37
call_duration_seconds: 137
idle_seconds: 40
agent_text_tokens: 100
""",
    "ranged": """\
schema_version: 1
title: Ranges everywhere
calls_per_month: 1000
caller_audio_seconds: {low: 30, high: 60}
agent_audio_seconds: 37
call_duration_seconds: {low: 100, high: 137}
idle_seconds: {low: 10, high: 40}
agent_text_tokens: 100
system_prompt_tokens: {low: 3000, high: 5000}
""",
    "long-prompt": """\
schema_version: 1
title: One minute, a 4,200-token prompt
calls_per_month: 1000
caller_audio_seconds: 0
agent_audio_seconds: 0
agent_text_tokens: 0
call_duration_seconds: 60
system_prompt_tokens: 4200
""",
}

JAN, FEB_28, MAR_1 = date(2026, 1, 15), date(2026, 2, 28), date(2026, 3, 1)


def write_library(root: Path, sheet: str = SHEET, stacks: dict[str, str] | None = None,
                  scenarios: dict[str, str] | None = None) -> tuple[Path, Path]:
    (root / "pricing" / "stacks").mkdir(parents=True, exist_ok=True)
    (root / "scenarios").mkdir(exist_ok=True)
    (root / "pricing" / "acme.yaml").write_text(sheet, encoding="utf-8")
    for name, components in (stacks or STACKS).items():
        text = f"schema_version: 1\ntitle: {name}\narchitecture: cascade\n{components}"
        (root / "pricing" / "stacks" / f"{name}.yaml").write_text(text, encoding="utf-8")
    for name, text in (scenarios or SCENARIOS).items():
        (root / "scenarios" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root / "pricing", root / "scenarios"


@pytest.fixture
def library(tmp_path: Path) -> tuple[Path, Path]:
    return write_library(tmp_path / "lib")


@pytest.fixture
def lib(library: tuple[Path, Path]) -> Catalog:
    return load_catalog(*library)


def lines_of(bill: Bill) -> dict[str, tuple[Decimal, Decimal]]:
    """meter → (quantity, cost per call), points only."""
    out = {}
    for line in bill.lines:
        assert line.quantity.is_point and line.cost_per_call.is_point
        out[line.meter] = (line.quantity.low, line.cost_per_call.low)
    return out


D = Decimal


# ------------------------------------------------------------------------------------------- realtime sessions


def test_a_session_with_idle_time_and_credited_start_up(lib: Catalog) -> None:
    # Active 137 - 40 = 97 s; the 15 start-up seconds count as the first active seconds: 97 - 15 = 82 s more.
    # 82 s x $0.001 = 0.082; start-up 15 s x $0.001 = 0.015; standby 40 s x $0.0005 = 0.02; per call 0.117.
    bill = estimate(lib, "call", "live", as_of=JAN)
    assert lines_of(bill) == {
        "active seconds": (D(82), D("0.082")),
        "standby seconds": (D(40), D("0.02")),
        "start-up seconds": (D(15), D("0.015")),
    }
    assert bill.per_call == Span.of(D("0.117"))
    assert bill.per_month == Span.of(D("117"))  # x 1,000 calls


def test_a_session_with_start_up_billed_on_top(lib: Catalog) -> None:
    # Not credited: all 97 active seconds, plus 15 start-up seconds: 0.097 + 0.015 + 0.02 standby = 0.132.
    bill = estimate(lib, "call", "live-ontop", as_of=JAN)
    assert lines_of(bill) == {
        "active seconds": (D(97), D("0.097")),
        "standby seconds": (D(40), D("0.02")),
        "start-up seconds": (D(15), D("0.015")),
    }
    assert bill.per_call == Span.of(D("0.132"))


def test_credited_start_up_is_a_floor_for_a_very_short_session(lib: Catalog) -> None:
    # A 10 s session, no idle: 10 active seconds, all inside the 15 credited start-up seconds: 15 x $0.001 = 0.015.
    bill = estimate(lib, "call", "live", as_of=JAN,
                    settings={"call_duration_seconds": D(10), "idle_seconds": D(0)})
    assert lines_of(bill)["active seconds"] == (D(0), D(0))
    assert bill.per_call == Span.of(D("0.015"))


def test_a_session_alone_or_with_its_backing_model_billed_separately(lib: Catalog) -> None:
    # Alone: 0.117 (above). With acme/chat as the backing model: + 195 x $1/1M + 100 x $4/1M = 0.000595.
    alone = estimate(lib, "call", "live", as_of=JAN)
    backed = estimate(lib, "call", "live-backed", as_of=JAN)
    assert backed.per_call == Span.of(D("0.117") + D("0.000595"))
    assert [line.role for line in backed.lines] == ["audio-llm"] * 3 + ["llm"] * 2
    assert alone.turns == [] and backed.turns[0].cost == D("0.000595")


def test_idle_range_flows_through_both_ends(lib: Catalog) -> None:
    # idle 20..40 s: active 97..117 s -> 82..102 s after the credit; standby 20..40 s.
    # Low end: 82 x 0.001 + 20 x 0.0005 + 0.015 = 0.107; high end: 102 x 0.001 + 40 x 0.0005 + 0.015 = 0.137.
    bill = estimate(lib, "call", "live", as_of=JAN, settings={"idle_seconds": {"low": 20, "high": 40}})
    assert bill.per_call == Span(D("0.107"), D("0.137"))


# ------------------------------------------------------------------------------------ per-minute agent products


def test_a_per_minute_agent_bills_silence_at_its_discount_and_the_llm_at_cost(lib: Catalog) -> None:
    # 97 s at $0.06/min = 0.097; 40 s silent at $0.003/min = 0.002; the LLM passed through at cost:
    # 195 x $1/1M + 100 x $4/1M = 0.000595. Per call 0.099595.
    bill = estimate(lib, "call", "agent", as_of=JAN)
    assert lines_of(bill) == {
        "billed audio seconds": (D(97), D("0.097")),
        "standby seconds": (D(40), D("0.002")),
        "text input tokens": (D(195), D("0.000195")),
        "text output tokens": (D(100), D("0.0004")),
    }
    assert bill.per_call == Span.of(D("0.099595"))


def test_without_a_standby_price_silence_is_billed_at_the_full_rate(tmp_path: Path) -> None:
    # The same agent with no silence price: the whole 137 s at $0.001 = 0.137, plus the LLM 0.000595.
    old = "usd_per_audio_minute: 0.06,\n         usd_per_standby_minute: 0.003}"
    assert old in SHEET
    sheet = SHEET.replace(old, "usd_per_audio_minute: 0.06}")
    catalog = load_catalog(*write_library(tmp_path / "lib", sheet=sheet))
    bill = estimate(catalog, "call", "agent", as_of=JAN)
    assert "standby seconds" not in lines_of(bill)
    assert bill.per_call == Span.of(D("0.137595"))


# --------------------------------------------------------------------------------------------------- platforms


def test_a_platform_fee_rounds_to_its_increment_and_minimum(lib: Catalog) -> None:
    # 137 s in 6 s increments: ceil(137 / 6) = 23 x 6 = 138 s x $0.001 = 0.138, on top of the LLM's 0.000595.
    bill = estimate(lib, "call", "platform", as_of=JAN)
    assert lines_of(bill)["billed platform seconds"] == (D(138), D("0.138"))
    assert bill.per_call == Span.of(D("0.138595"))
    # A 20 s call bills the 60 s minimum: 60 x $0.001 = 0.06.
    short = estimate(lib, "call", "platform", as_of=JAN,
                     settings={"call_duration_seconds": D(20), "idle_seconds": D(0)})
    assert lines_of(short)["billed platform seconds"] == (D(60), D("0.06"))


def test_retell_scales_llm_minutes_above_3500_prompt_tokens(lib: Catalog) -> None:
    # Retell's own example: a 60 s call at 4,200 prompt tokens: factor 4,200 / 3,500 = 1.2, billed 72 s:
    # 60 s x $0.001 = 0.06 plus a 12 s surcharge = 0.012; the platform's 60 s (its minimum) = 0.06. Per call 0.132.
    bill = estimate(lib, "long-prompt", "retell", as_of=JAN)
    assert lines_of(bill) == {
        "billed platform seconds": (D(60), D("0.06")),
        "billed LLM seconds": (D(60), D("0.06")),
        "LLM token surcharge seconds": (D(12), D("0.012")),
    }
    assert bill.per_call == Span.of(D("0.132"))
    # At 3,000 tokens the factor stays 1 (max(3000 / 3500, 1)): no surcharge.
    below = estimate(lib, "long-prompt", "retell", as_of=JAN, settings={"system_prompt_tokens": D(3000)})
    assert lines_of(below)["LLM token surcharge seconds"] == (D(0), D(0))
    # Over 4 turns the average per request counts the re-sent transcript: 4,200 prompt + (turns-1)/2 x ... here
    # no words are spoken, so the average stays 4,200 and the factor 1.2.
    four = estimate(lib, "long-prompt", "retell", as_of=JAN, settings={"turns": D(4)})
    assert lines_of(four)["LLM token surcharge seconds"] == (D(12), D("0.012"))


# -------------------------------------------------------------------------------------------- regional uplifts


def test_a_regional_uplift_is_its_own_line(lib: Catalog) -> None:
    # acme/chat: 195 x $1/1M + 100 x $4/1M = 0.000595; eu-data-zone x1.1 adds 0.000595 x 0.1 = 0.0000595.
    bill = estimate(lib, "call", "chat-eu", as_of=JAN)
    uplift = bill.lines[-1]
    assert uplift.meter == "eu-data-zone uplift ×1.1"
    assert uplift.quantity == Span.of(D("0.000595"))
    assert uplift.cost_per_call == Span.of(D("0.0000595"))
    assert bill.per_call == Span.of(D("0.0006545"))
    assert estimate(lib, "call", "chat", as_of=JAN).per_call == Span.of(D("0.000595"))


def test_a_region_missing_from_the_period_in_force_leaves_the_stack_unpriced(tmp_path: Path) -> None:
    # The uplift is listed only from 2026-03-01: before that the regional price is unknown, never the global one.
    old = "usd_per_million_output_tokens: 4, regional_uplifts: {eu-data-zone: 1.10}}"
    assert old in SHEET
    sheet = SHEET.replace(old, "usd_per_million_output_tokens: 4}")
    catalog = load_catalog(*write_library(tmp_path / "lib", sheet=sheet))
    row = next(r for r in compare(catalog, "call", as_of=JAN).rows if r.stack == "chat-eu")
    assert row.per_call is None
    assert row.unpriced == "acme/chat has no eu-data-zone uplift in its price period from 2026-01-01 (regions: none)"
    # From 2026-03-01: (195 x $2 + 100 x $8) / 1M = 0.00119, x 1.1 = 0.001309.
    assert estimate(catalog, "call", "chat-eu", as_of=MAR_1).per_call == Span.of(D("0.001309"))


def test_the_uplift_shows_in_breakdown(library: tuple[Path, Path]) -> None:
    pricing, scenarios = library
    result = CliRunner().invoke(cli, ["breakdown", "call", "chat-eu", "--as-of", "2026-01-15",
                                      "--pricing", str(pricing), "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    assert "eu-data-zone uplift ×1.1" in result.stdout
    # The quantity is the component's 0.000595 of charges, the unit price the factor's 0.10 on top.
    assert "0.000595  0.10 per unit of the component's charges" in result.stdout


# ------------------------------------------------------------------------------- scheduled changes and lifecycle


def test_a_scheduled_price_change_applies_from_its_day(lib: Catalog) -> None:
    # The day before: $1 / $4 -> 0.000595. The day of: 195 x $2/1M + 100 x $8/1M = 0.00039 + 0.0008 = 0.00119.
    assert estimate(lib, "call", "chat", as_of=FEB_28).per_call == Span.of(D("0.000595"))
    assert estimate(lib, "call", "chat", as_of=MAR_1).per_call == Span.of(D("0.00119"))


def test_lifecycle_warnings_within_the_window(lib: Catalog) -> None:
    # From 2026-03-01 to the 2026-06-01 retirement: 31 (March) + 30 (April) + 31 (May) = 92 days <= 180.
    bill = estimate(lib, "call", "chat", as_of=MAR_1)
    assert [(w.sku, w.date, w.what, w.days) for w in bill.warnings] == [("acme/chat", date(2026, 6, 1), "retires", 92)]
    # From 2025-11-01 it is 30 + 31 + 31 + 28 + 31 + 30 + 31 = 212 days away: no warning yet (no price either).
    assert LIFECYCLE_WARNING_DAYS == 180
    # From 2026-01-15: 17 (to 1 February) + 28 + 31 + 30 + 31 = 137 days: warned. Stacks without acme/chat get none.
    assert [w.days for w in estimate(lib, "call", "chat", as_of=JAN).warnings] == [137]
    assert estimate(lib, "call", "live", as_of=JAN).warnings == []


def test_lifecycle_warning_edge_and_retirement(lib: Catalog) -> None:
    # 180 days before 2026-06-01 is 2025-12-03; the catalog has no price then, so check the rule directly.
    from costmodel.analyses.estimate import lifecycle_warnings

    sku = lib.sku("acme/chat")
    assert [w.days for w in lifecycle_warnings(sku, date(2025, 12, 3))] == [180]
    assert lifecycle_warnings(sku, date(2025, 12, 2)) == []  # 181 days
    # The day before the 2026-06-01 retirement: one day, said in the singular.
    (last,) = lifecycle_warnings(sku, date(2026, 5, 31))
    assert last.text == "acme/chat retires on 2026-06-01 (1 day after the prices' date)"
    # On the retirement day no price is in force.
    with pytest.raises(InputError, match="retired on 2026-06-01"):
        estimate(lib, "call", "chat", as_of=date(2026, 6, 1))


def test_compare_carries_lifecycle_warnings_in_json_and_text(library: tuple[Path, Path]) -> None:
    pricing, scenarios = library
    base = ["compare", "call", "--as-of", "2026-03-01", "--pricing", str(pricing), "--scenarios", str(scenarios)]
    result = CliRunner().invoke(cli, [*base, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    warned = {(w["stack"], w["sku"], w["date"], w["what"], w["days"]) for w in document["lifecycle_warnings"]}
    # Every stack with acme/chat in it: agent, chat, chat-eu, live-backed, platform.
    assert warned == {(stack, "acme/chat", "2026-06-01", "retires", 92)
                      for stack in ("agent", "chat", "chat-eu", "live-backed", "platform")}
    assert document["lifecycle_warnings"][0]["source"] == "https://example.com/deprecations"
    text = CliRunner().invoke(cli, base).stdout
    assert "Lifecycle warnings (within 180 days):" in text
    assert text.count("acme/chat retires on 2026-06-01 (92 days after the prices' date)") == 1
    csv = CliRunner().invoke(cli, [*base, "--format", "csv"]).stdout
    header, first = csv.splitlines()[:2]
    assert header.endswith(",lifecycle_warnings")
    assert first.endswith("acme/chat retires on 2026-06-01 (92 days after the prices' date)")
    breakdown = CliRunner().invoke(cli, ["breakdown", "call", "chat", *base[2:], "--format", "json"]).stdout
    assert json.loads(breakdown)["lifecycle_warnings"][0]["days"] == 92
    early = CliRunner().invoke(cli, ["compare", "call", "--as-of", "2026-01-02", "--stacks", "live",
                                     "--pricing", str(pricing), "--scenarios", str(scenarios)]).stdout
    assert "Lifecycle" not in early


# ------------------------------------------------------------------------------- per-modality token rates


GEMINI = f"""\
schema_version: 1
provider: acme
name: Acme
skus:
  - id: acme/gemini-live
    kind: audio-llm
    name: Gemini-style audio model
    audio_tokens: {{input_tokens_per_second: 32, output_tokens_per_second: 25, {SOURCE}}}
    periods:
      - {{effective_from: 2026-01-01, currency: USD, {SOURCE}, usd_per_million_audio_input_tokens: 3,
         usd_per_million_cached_audio_input_tokens: 0.75, usd_per_million_audio_output_tokens: 12,
         usd_per_million_output_tokens: 4}}
"""


def test_gemini_32_audio_tokens_a_second_and_cached_audio(tmp_path: Path) -> None:
    # 2 turns, caller 10 s a turn, agent 4 s a turn, 80 text tokens a turn, half the history cached.
    # Caller audio: 20 s x 32 = 640 new tokens; history (turn 2 re-reads turn 1): 10 s x 32 + 4 s x 25 = 420 tokens,
    # half cached: 210 cached, 210 uncached. Audio in 640 + 210 = 850 x $3/1M = 0.00255; cached 210 x $0.75/1M
    # = 0.0001575; audio out 8 s x 25 = 200 x $12/1M = 0.0024; text out 160 x $4/1M = 0.00064. Sum 0.0057475.
    scenario = """\
schema_version: 1
title: Two turns
calls_per_month: 1
turns: 2
caller_audio_seconds_per_turn: 10
agent_audio_seconds_per_turn: 4
agent_text_tokens_per_turn: 80
cache_hit_fraction: 0.5
"""
    catalog = load_catalog(*write_library(tmp_path / "lib", sheet=GEMINI,
                                          stacks={"g": "components:\n  - {role: audio-llm, sku: acme/gemini-live}\n"},
                                          scenarios={"two": scenario}))
    bill = estimate(catalog, "two", "g", as_of=JAN)
    assert lines_of(bill) == {
        "audio input tokens": (D(850), D("0.00255")),
        "cached audio input tokens": (D(210), D("0.0001575")),
        "audio output tokens": (D(200), D("0.0024")),
        "text output tokens": (D(160), D("0.00064")),
    }
    assert bill.per_call == Span.of(D("0.0057475"))
    assert bill.audio_tokens[0].input_tokens_per_minute == D(1920)  # 32 x 60, Gemini's documented 1,920 a minute
    assert sum(row.cost for row in bill.turns) == D("0.0057475")  # the turn-by-turn series agrees


# ------------------------------------------------------------------------------------------ the vector backend


@pytest.mark.parametrize(("scenario", "field", "value"), [
    ("call", "calls_per_month", 1000), ("call", "idle_seconds", 40), ("long-prompt", "system_prompt_tokens", 4200),
    ("call", "acme/platform.platform_minute", 0.06), ("call", "acme/live.standby_minute", 0.03),
    ("ranged", "calls_per_month", 1000), ("ranged", "acme/retell-llm.llm_minute", 0.06),
])
def test_the_sweep_at_one_point_equals_the_exact_estimate(lib: Catalog, scenario: str, field: str, value: float) -> None:
    result = sweep(lib, scenario, field, [value], as_of=JAN)
    assert set(result.curves) == set(STACKS)
    for stack, curve in result.curves.items():
        exact = estimate(lib, scenario, stack, as_of=JAN).per_call
        assert curve.per_call_low[0] == pytest.approx(float(exact.low), rel=1e-12), stack
        assert curve.per_call_high[0] == pytest.approx(float(exact.high), rel=1e-12), stack


def test_a_swept_idle_time_never_exceeds_the_call(lib: Catalog) -> None:
    # Idle is capped at the 137 s call: at 200 s the session is all standby, 137 x $0.0005 = 0.0685, plus the
    # 15 credited start-up seconds 0.015 (active 0 s after the credit) = 0.0835.
    result = sweep(lib, "call", "idle_seconds", numpy.array([0.0, 200.0]), stacks=["live"], as_of=JAN)
    # At 0 s idle: 137 active - 15 credited = 122 x 0.001 + 0.015 = 0.137.
    assert result.curves["live"].per_call_low.tolist() == pytest.approx([0.137, 0.0835], rel=1e-12)


def test_ranged_session_and_surcharge_by_hand(lib: Catalog) -> None:
    # Session: active (100..137) - (10..40) = 60..127 s, less 15 credited = 45..112 s x $0.001 = 0.045..0.112;
    # standby 10..40 s x $0.0005 = 0.005..0.02; start-up 0.015. Per call 0.065..0.147.
    assert estimate(lib, "ranged", "live", as_of=JAN).per_call == Span(D("0.065"), D("0.147"))
    # Retell: the prompt averages 3,000..5,000 + the caller's 30..60 s x 2.5 words/s x 1.3 = 97.5..195 tokens:
    # 3,097.5..5,195 tokens; factor max(3,097.5 / 3,500, 1) = 1 .. 5,195 / 3,500 = 1.4842857...; billed LLM
    # seconds 100..137, scaled 100..ceil(137 x 1.4842857...) = ceil(203.346...) = 204: surcharge 0..67 s.
    bill = estimate(lib, "ranged", "retell", as_of=JAN)
    surcharge = next(line for line in bill.lines if line.meter == "LLM token surcharge seconds")
    assert surcharge.quantity == Span(D(0), D(67))
    # Platform: 100 s -> 102 s (17 x 6), 137 s -> 138 s; with the LLM 100..204 s: (202..342) x $0.001.
    assert bill.per_call == Span(D("0.202"), D("0.342"))


def test_compare_and_its_multiple_still_work_with_new_roles(lib: Catalog) -> None:
    result = compare(lib, "call", as_of=JAN)
    assert result.rows[0].stack == "chat"  # 0.000595, the cheapest
    assert len(result.warnings) == 5


# ------------------------------------------------------------------------------------------ validation errors

V_SHEET = """\
schema_version: 1
provider: acme
name: Acme
skus:
  - id: acme/live
    kind: audio-llm
    name: Live
    periods:
      - effective_from: 2026-01-01
        currency: USD
        source: https://example.com/prices
        checked: 2026-01-01
        usd_per_active_minute: 0.06
        startup_billed_seconds: 15
  - id: acme/chat
    kind: llm
    name: Chat
    periods:
      - effective_from: 2026-01-01
        currency: USD
        source: https://example.com/prices
        checked: 2026-01-01
        usd_per_million_input_tokens: 1
        usd_per_million_output_tokens: 4
        regional_uplifts:
          eu-data-zone: 1.10
"""
V_STACKS = {"eu": "components:\n  - role: llm\n    sku: acme/chat\n    region: eu-data-zone\n",
            "live": "components:\n  - role: audio-llm\n    sku: acme/live\n"}
V_SCENARIO = """\
schema_version: 1
title: A call
calls_per_month: 1000
caller_audio_seconds: 60
agent_audio_seconds: 37
idle_seconds: 40
"""


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of `text` containing `needle`."""
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def validate_error(tmp_path: Path, sheet: str = V_SHEET, stacks: dict[str, str] | None = None,
                   scenario: str = V_SCENARIO) -> str:
    """The one line `costmodel validate` prints for a broken library (exit 2, no traceback)."""
    pricing, scenarios = write_library(tmp_path / "lib", sheet=sheet, stacks=stacks or V_STACKS,
                                       scenarios={"call": scenario})
    result = CliRunner().invoke(cli, ["validate", str(pricing), str(scenarios)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_the_validation_library_is_valid(tmp_path: Path) -> None:
    # The control for the error tests below: 97 s of call in 1 s steps, the 40 idle seconds billed as active
    # (no standby price): 97 - 15 credited + 15 start-up = 97 x $0.001 = 0.097.
    catalog = load_catalog(*write_library(tmp_path / "lib", sheet=V_SHEET, stacks=V_STACKS,
                                          scenarios={"call": V_SCENARIO}))
    assert estimate(catalog, "call", "live", as_of=JAN).per_call == Span.of(D("0.097"))


@pytest.mark.parametrize(("old", "new", "sku", "at", "message"), [
    ("        startup_billed_seconds: 15\n", "        startup_billed_seconds: -5\n", "acme/live", "startup_billed_seconds",
     "skus[0].periods[0].startup_billed_seconds: must be greater than or equal to 0"),
    ("        startup_billed_seconds: 15\n", "        startup_billed_seconds: 15\n        startup_credited: maybe\n",
     "acme/live", "startup_credited", "startup_credited: must be a valid boolean"),
    ("        usd_per_active_minute: 0.06\n", "        usd_per_audio_minute: 0.06\n", "acme/live", "- effective_from",
     "skus[0].periods[0]: startup_billed_seconds needs usd_per_active_minute"),
    ("        usd_per_active_minute: 0.06\n", "        usd_per_active_minute: 0.06\n        usd_per_audio_minute: 0.06\n",
     "acme/live", "- effective_from",
     "give usd_per_active_minute (a session) or usd_per_audio_minute (audio length), not both"),
    ("        usd_per_million_output_tokens: 4\n",
     "        usd_per_million_output_tokens: 4\n        usd_per_standby_minute: 0.01\n", "acme/chat", "- effective_from",
     "skus[1].periods[0]: usd_per_standby_minute needs the rate for the rest of the call"),
    ("        usd_per_million_output_tokens: 4\n",
     "        usd_per_million_output_tokens: 4\n        llm_prompt_scaling_tokens: 3500\n", "acme/chat",
     "- effective_from", "llm_prompt_scaling_tokens needs usd_per_llm_minute"),
    ("          eu-data-zone: 1.10\n", "          EU: 1.10\n", "acme/chat", "EU:",
     "regional_uplifts.EU.[key]: must be lowercase letters"),
    ("          eu-data-zone: 1.10\n", "          eu-data-zone: 0.9\n", "acme/chat", "eu-data-zone",
     "regional_uplifts.eu-data-zone: must be greater than or equal to 1"),
    ("          eu-data-zone: 1.10\n", "          eu-data-zone: 110\n", "acme/chat", "eu-data-zone",
     "must be less than or equal to 10"),
])
def test_bad_period_fields_are_one_line_errors(
    tmp_path: Path, old: str, new: str, sku: str, at: str, message: str
) -> None:
    sheet = edit(V_SHEET, old, new)
    lines = sheet.splitlines()
    # The error's line: the first line containing `at` after the SKU's id line.
    start = line_of(sheet, sku)
    expected = next(n for n in range(start + 1, len(lines) + 1) if at in lines[n - 1])
    line = validate_error(tmp_path, sheet=sheet)
    assert line.startswith(f"{tmp_path / 'lib' / 'pricing' / 'acme.yaml'}:{expected}: "), line
    assert message in line, line


def test_an_unknown_region_names_the_stack_line_and_suggests(tmp_path: Path) -> None:
    stacks = {**V_STACKS, "eu": edit(V_STACKS["eu"], "region: eu-data-zone", "region: eu-datazone")}
    line = validate_error(tmp_path, stacks=stacks)
    path = tmp_path / "lib" / "pricing" / "stacks" / "eu.yaml"
    # The stack file: schema_version, title, architecture, components, - role, sku, region = line 7.
    assert line.startswith(f"{path}:7: "), line
    assert "unknown region on acme/chat 'eu-datazone'; did you mean eu-data-zone?" in line


def test_a_region_on_a_self_hosted_component_is_refused(tmp_path: Path) -> None:
    stacks = {**V_STACKS, "eu": "components:\n  - role: self-hosted-llm\n    sku: acme/chat\n    workload: x\n"
                                "    region: eu-data-zone\n"}
    line = validate_error(tmp_path, stacks=stacks)
    assert "region applies to API-priced components" in line


def test_negative_idle_seconds_is_a_one_line_error(tmp_path: Path) -> None:
    scenario = edit(V_SCENARIO, "idle_seconds: 40\n", "idle_seconds: -1\n")
    line = validate_error(tmp_path, scenario=scenario)
    # title, calls_per_month, caller, agent, then idle_seconds on line 6.
    assert line == f"{tmp_path / 'lib' / 'scenarios' / 'call.yaml'}:6: idle_seconds: must be greater than or equal to 0"


def test_retires_on_needs_its_source(tmp_path: Path) -> None:
    sheet = edit(V_SHEET, "    name: Chat\n", "    name: Chat\n    retires_on: 2026-06-01\n")
    line = validate_error(tmp_path, sheet=sheet)
    assert "give retires_on and retirement_source together" in line, line
    assert line.startswith(f"{tmp_path / 'lib' / 'pricing' / 'acme.yaml'}:{line_of(sheet, 'acme/chat')}: "), line


def test_idle_time_is_capped_at_the_call_in_the_exact_engine_too(lib: Catalog) -> None:
    # As in the sweep: 200 s idle on a 137 s call is 137 s of standby, 137 x $0.0005 = 0.0685, plus the 15 credited
    # start-up seconds 0.015 = 0.0835. A what-if that shortens the call below its idle time is therefore valid.
    assert estimate(lib, "call", "live", as_of=JAN, settings={"idle_seconds": D(200)}).per_call == Span.of(D("0.0835"))


def test_an_uplift_on_a_component_with_a_monthly_fee_keeps_each_charge_in_its_unit(tmp_path: Path) -> None:
    # Part A's uplift meets part B's monthly fee: acme/chat also charges $10 a month in the EU data zone.
    # Per call: 0.000595 of tokens, uplift 0.0000595 (per-call line). Per month: $10 fee, uplift $1 (a fixed
    # monthly line, paid whatever the volume). At 1,000 calls: 0.000595 + 0.0000595 + (10 + 1) / 1000
    # = 0.0006545 + 0.011 = 0.0116545 a call.
    old = "usd_per_million_output_tokens: 4, regional_uplifts: {eu-data-zone: 1.10}}"
    sheet = SHEET.replace(old, "usd_per_million_output_tokens: 4, usd_per_month: 10, "
                               "regional_uplifts: {eu-data-zone: 1.10}}")
    catalog = load_catalog(*write_library(tmp_path / "lib", sheet=sheet))
    bill = estimate(catalog, "call", "chat-eu", as_of=JAN)
    uplifts = [line for line in bill.lines if line.meter == "eu-data-zone uplift ×1.1"]
    assert [(u.per, u.fixed, u.quantity, u.cost_per_month) for u in uplifts] == [
        ("call", False, Span.of(D("0.000595")), Span.of(D("0.0595"))),  # 0.0000595 × 1,000 calls
        ("month", True, Span.of(D("10")), Span.of(D("1.0"))),
    ]
    assert bill.per_call == Span.of(D("0.0116545"))
