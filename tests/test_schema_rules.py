"""One test per rule in costmodel/schema.py: a minimal broken file and the exact `path:line: field: message` it gets.

Line numbers are counted by hand from the templates below; each template's comment says where things are.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from costmodel.data.models import FxSheet, Model, PriceSheet, Scenario, Stack
from costmodel.data.validation import load_model
from costmodel.errors import InputError

# Lines 1-8 are the sheet and SKU header; the first period starts on line 9 (its mapping's first key),
# so an error about a whole period is reported on line 9, and the price field is on line 13.
SHEET = """\
schema_version: 1
provider: acme
name: Acme
skus:
  - id: acme/model
    kind: llm
    name: Model
    periods:
"""
PERIOD = """\
      - effective_from: 2025-01-01
        currency: USD
        source: https://acme.example/pricing
        checked: 2025-02-01
        usd_per_million_input_tokens: 1.00
"""

# A GPU SKU: SKU on line 5, throughput entry on line 9, period on line 15, usd_per_gpu_hour on line 19.
GPU = """\
schema_version: 1
provider: acme
name: Acme
skus:
  - id: acme/h100
    kind: gpu
    name: H100
    throughput:
      - workload: whisper-large-v3
        real_time_factor: 0.05
        concurrent_streams: 20
        source: https://acme.example/bench
        checked: 2025-02-01
    periods:
      - effective_from: 2025-01-01
        currency: USD
        source: https://acme.example/pricing
        checked: 2025-02-01
        usd_per_gpu_hour: 2.99
"""
THROUGHPUT = """\
      - workload: whisper-large-v3
        real_time_factor: 0.05
        concurrent_streams: 20
        source: https://acme.example/bench
        checked: 2025-02-01
"""

# Scenario: calls_per_month line 3, turns line 4, caller_audio_seconds line 5; additions go on line 6 on.
SCENARIO = """\
schema_version: 1
title: Test call
calls_per_month: 1000
turns: 4
caller_audio_seconds: 60
"""

# Stack: components key on line 4, first component line 5, second component (llm) line 7, its sku line 8.
STACK = """\
schema_version: 1
title: Test stack
architecture: cascade
components:
  - role: asr
    sku: acme/asr
  - role: llm
    sku: acme/llm
"""

# Fx: rates line 3, GBP entry line 4 (currency), its second period starts on line 10.
FX = """\
schema_version: 1
base: USD
rates:
  - currency: GBP
    periods:
      - effective_from: 2024-01-01
        per_usd: 0.79
        source: https://ecb.example/rates
        checked: 2025-01-02
      - effective_from: 2025-01-01
        per_usd: 0.80
        source: https://ecb.example/rates
        checked: 2025-01-02
"""

Problem = Callable[[str, type[Model]], tuple[Path, str]]


@pytest.fixture
def problem(tmp_path: Path) -> Problem:
    """problem(text, model) -> (path, message): write the file, load it, return the one-line error."""

    def run(text: str, model: type[Model]) -> tuple[Path, str]:
        path = tmp_path / "broken.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as caught:
            load_model(path, model)
        message = str(caught.value)
        assert "\n" not in message
        return path, message

    return run


def with_price(value: str) -> str:
    return SHEET + PERIOD.replace("usd_per_million_input_tokens: 1.00", f"usd_per_million_input_tokens: {value}")


@pytest.mark.parametrize("model,text", [(PriceSheet, SHEET + PERIOD), (PriceSheet, GPU), (Scenario, SCENARIO),
                                        (Stack, STACK), (FxSheet, FX)])
def test_templates_are_valid(tmp_path: Path, model: type[Model], text: str) -> None:
    # Every broken file below is one of these with one thing changed, so these must load.
    path = tmp_path / "ok.yaml"
    path.write_text(text, encoding="utf-8")
    load_model(path, model)


# ---------------------------------------------------------------- prices and ranges


def test_range_high_below_low(problem: Problem) -> None:
    path, message = problem(with_price("{low: 2, high: 1}"), PriceSheet)
    assert message == f"{path}:13: skus[0].periods[0].usd_per_million_input_tokens: range high 1 is below low 2; swap them"


def test_range_missing_high(problem: Problem) -> None:
    path, message = problem(with_price("{low: 2}"), PriceSheet)
    assert message == f"{path}:13: skus[0].periods[0].usd_per_million_input_tokens.high: required field is missing; add it"


def test_price_neither_number_nor_range(problem: Problem) -> None:
    path, message = problem(with_price("cheap"), PriceSheet)
    assert message == (
        f"{path}:13: skus[0].periods[0].usd_per_million_input_tokens: must be a number or a {{low, high}} range (got 'cheap')"
    )


def test_negative_price(problem: Problem) -> None:
    path, message = problem(with_price("-1"), PriceSheet)
    assert message == f"{path}:13: skus[0].periods[0].usd_per_million_input_tokens: must be greater than or equal to 0"


def test_negative_range_end(problem: Problem) -> None:
    path, message = problem(with_price("{low: -1, high: 2}"), PriceSheet)
    assert message == f"{path}:13: skus[0].periods[0].usd_per_million_input_tokens.low: must be greater than or equal to 0"


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_price_not_finite(problem: Problem, value: str) -> None:
    path, message = problem(with_price(value), PriceSheet)
    assert message == (
        f"{path}:13: skus[0].periods[0].usd_per_million_input_tokens: must be a finite number (NaN and infinity are not prices)"
    )


def test_range_end_not_finite(problem: Problem) -> None:
    path, message = problem(with_price("{low: 1, high: .inf}"), PriceSheet)
    assert message == (
        f"{path}:13: skus[0].periods[0].usd_per_million_input_tokens.high: "
        "must be a finite number (NaN and infinity are not prices)"
    )


def test_per_million_price_above_sanity_limit(problem: Problem) -> None:
    # The limit is 1,000,000 USD per 1M tokens (a dollar a token); 1000001 is one over. Reported on the period (line 9).
    path, message = problem(with_price("1000001"), PriceSheet)
    assert message == (
        f"{path}:9: skus[0].periods[0]: usd_per_million_input_tokens = 1000001 is above the sanity limit 1000000; "
        "check the unit (per 1M tokens, per minute, per hour)"
    )


def test_per_million_price_at_sanity_limit_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(with_price("1000000"), encoding="utf-8")
    sheet = load_model(path, PriceSheet)
    assert str(sheet.skus[0].periods[0].usd_per_million_input_tokens) == "1000000"


def test_gpu_hour_price_above_sanity_limit(problem: Problem) -> None:
    path, message = problem(GPU.replace("2.99", "1001"), PriceSheet)
    assert message == (
        f"{path}:15: skus[0].periods[0]: usd_per_gpu_hour = 1001 is above the sanity limit 1000; "
        "check the unit (per 1M tokens, per minute, per hour)"
    )


def test_per_minute_price_above_sanity_limit(problem: Problem) -> None:
    path, message = problem(GPU.replace("usd_per_gpu_hour: 2.99", "usd_per_audio_minute: 101"), PriceSheet)
    assert message == (
        f"{path}:15: skus[0].periods[0]: usd_per_audio_minute = 101 is above the sanity limit 100; "
        "check the unit (per 1M tokens, per minute, per hour)"
    )


def test_range_high_above_sanity_limit(problem: Problem) -> None:
    # The limit applies to the high end of a range.
    path, message = problem(GPU.replace("2.99", "{low: 2, high: 1500}"), PriceSheet)
    assert message.startswith(f"{path}:15: skus[0].periods[0]: usd_per_gpu_hour = 1500 is above the sanity limit 1000")


def test_period_without_any_price(problem: Problem) -> None:
    path, message = problem(SHEET + PERIOD.replace("        usd_per_million_input_tokens: 1.00\n", ""), PriceSheet)
    assert message == f"{path}:9: skus[0].periods[0]: a period needs at least one price field, e.g. usd_per_million_input_tokens"


def test_both_per_minute_and_per_second(problem: Problem) -> None:
    text = SHEET + PERIOD.replace(
        "usd_per_million_input_tokens: 1.00", "usd_per_audio_minute: 0.006\n        usd_per_audio_second: 0.0001"
    )
    path, message = problem(text, PriceSheet)
    assert message == f"{path}:9: skus[0].periods[0]: give usd_per_audio_minute or usd_per_audio_second, not both"


def test_billing_increment_zero(problem: Problem) -> None:
    text = SHEET + PERIOD.replace("currency: USD", "currency: USD\n        billing_increment_seconds: 0")
    path, message = problem(text, PriceSheet)
    # billing_increment_seconds is inserted as line 11 (after currency on line 10).
    assert message == f"{path}:11: skus[0].periods[0].billing_increment_seconds: must be greater than 0"


# ---------------------------------------------------------------- sources, dates, currency


def test_estimate_without_note(problem: Problem) -> None:
    path, message = problem(SHEET + PERIOD.replace("currency: USD", "currency: USD\n        estimate: true"), PriceSheet)
    assert message == f"{path}:9: skus[0].periods[0]: estimate: true needs a note saying how the figure was estimated"


def test_estimate_with_note_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(SHEET + PERIOD.replace("currency: USD", "currency: USD\n        estimate: true\n        note: from a blog"))
    assert load_model(path, PriceSheet).skus[0].periods[0].estimate is True


def test_missing_source(problem: Problem) -> None:
    # A missing key has no line of its own: the error points at the period that lacks it.
    path, message = problem(SHEET + PERIOD.replace("        source: https://acme.example/pricing\n", ""), PriceSheet)
    assert message == f"{path}:9: skus[0].periods[0].source: required field is missing; add it"


def test_source_too_short(problem: Problem) -> None:
    path, message = problem(SHEET + PERIOD.replace("https://acme.example/pricing", "ab"), PriceSheet)
    assert message == f"{path}:11: skus[0].periods[0].source: must be at least 3 characters (got 'ab')"


def test_missing_checked(problem: Problem) -> None:
    path, message = problem(SHEET + PERIOD.replace("        checked: 2025-02-01\n", ""), PriceSheet)
    assert message == f"{path}:9: skus[0].periods[0].checked: required field is missing; add it"


def test_throughput_missing_source(problem: Problem) -> None:
    # Throughput figures are sourced facts too; the entry starts on line 9.
    path, message = problem(GPU.replace("        source: https://acme.example/bench\n", ""), PriceSheet)
    assert message == f"{path}:9: skus[0].throughput[0].source: required field is missing; add it"


def test_currency_not_usd(problem: Problem) -> None:
    path, message = problem(SHEET + PERIOD.replace("currency: USD", "currency: EUR"), PriceSheet)
    assert message == f"{path}:10: skus[0].periods[0].currency: must be 'USD' (got 'EUR')"


def test_periods_out_of_order(problem: Problem) -> None:
    # 2025-03-01 then 2025-01-01; the SKU (line 5) is reported.
    path, message = problem(SHEET + PERIOD.replace("2025-01-01", "2025-03-01") + PERIOD, PriceSheet)
    assert message == f"{path}:5: skus[0]: periods out of order: 2025-01-01 comes after 2025-03-01; list oldest first"


def test_two_periods_same_date(problem: Problem) -> None:
    path, message = problem(SHEET + PERIOD + PERIOD, PriceSheet)
    assert message == f"{path}:5: skus[0]: two periods start on 2025-01-01; merge them or correct a date"


@pytest.mark.parametrize("withdrawn", ["2025-01-01", "2024-12-31"])
def test_withdrawn_on_not_after_first_period(problem: Problem, withdrawn: str) -> None:
    text = SHEET.replace("    name: Model\n", f"    name: Model\n    withdrawn_on: {withdrawn}\n") + PERIOD
    path, message = problem(text, PriceSheet)
    assert message == f"{path}:5: skus[0]: withdrawn_on {withdrawn} is not after the first period 2025-01-01"


def test_sku_without_periods(problem: Problem) -> None:
    path, message = problem(SHEET.replace("    periods:\n", "    periods: []\n"), PriceSheet)
    assert message == f"{path}:8: skus[0].periods: must list at least one entry"


# ---------------------------------------------------------------- GPU throughput


def test_throughput_on_non_gpu_sku(problem: Problem) -> None:
    path, message = problem(GPU.replace("kind: gpu", "kind: llm"), PriceSheet)
    assert message == f"{path}:5: skus[0]: throughput belongs on gpu SKUs only"


def test_throughput_with_both_rates(problem: Problem) -> None:
    text = GPU.replace("real_time_factor: 0.05", "real_time_factor: 0.05\n        output_tokens_per_second: 900")
    path, message = problem(text, PriceSheet)
    assert message == (
        f"{path}:9: skus[0].throughput[0]: give exactly one of real_time_factor (asr, tts), "
        "output_tokens_per_second (llm) or curve"
    )


def test_throughput_with_neither_rate(problem: Problem) -> None:
    path, message = problem(GPU.replace("        real_time_factor: 0.05\n", ""), PriceSheet)
    assert message == (
        f"{path}:9: skus[0].throughput[0]: give exactly one of real_time_factor (asr, tts), "
        "output_tokens_per_second (llm) or curve"
    )


@pytest.mark.parametrize("streams", ["0", "{low: 0, high: 4}"])
def test_concurrent_streams_zero(problem: Problem, streams: str) -> None:
    path, message = problem(GPU.replace("concurrent_streams: 20", f"concurrent_streams: {streams}"), PriceSheet)
    assert message == f"{path}:9: skus[0].throughput[0]: concurrent_streams must be above 0"


def test_duplicate_workload(problem: Problem) -> None:
    path, message = problem(GPU.replace(THROUGHPUT, THROUGHPUT + THROUGHPUT), PriceSheet)
    assert message == f"{path}:5: skus[0]: throughput lists workload whisper-large-v3 twice"


def test_workload_bad_name(problem: Problem) -> None:
    path, message = problem(GPU.replace("workload: whisper-large-v3", "workload: Whisper Large"), PriceSheet)
    assert message == (
        f"{path}:9: skus[0].throughput[0].workload: must be lowercase letters, digits, '.', '_' or '-', "
        "e.g. whisper-large-v3 (got 'Whisper Large')"
    )


# ---------------------------------------------------------------- sheets and SKU ids


def test_sku_id_not_matching_provider(problem: Problem) -> None:
    # Reported on `skus:` (line 4), naming the SKU.
    path, message = problem(SHEET.replace("acme/model", "other/model") + PERIOD, PriceSheet)
    assert message == f"{path}:4: skus: SKU other/model does not start with this sheet's provider 'acme/'"


def test_duplicate_sku_in_sheet(problem: Problem) -> None:
    path, message = problem(GPU + GPU[GPU.index("  - id") :], PriceSheet)
    assert message == f"{path}:4: skus: SKU acme/h100 is listed twice; keep one entry and put every price in its periods"


@pytest.mark.parametrize("bad_id", ["acme/Model", "acme-model", "acme/", "/model", "acme/model/v2"])
def test_bad_sku_id_pattern(problem: Problem, bad_id: str) -> None:
    path, message = problem(SHEET.replace("acme/model", bad_id) + PERIOD, PriceSheet)
    assert message == (
        f"{path}:5: skus[0].id: must be provider/model in lowercase letters, digits, '.', '_' or '-', "
        f"e.g. openai/gpt-4o (got '{bad_id}')"
    )


def test_bad_provider_name(problem: Problem) -> None:
    path, message = problem(SHEET.replace("provider: acme", "provider: Acme") + PERIOD, PriceSheet)
    assert message.startswith(f"{path}:2: provider: must be lowercase letters, digits, '.', '_' or '-'")


def test_unknown_kind(problem: Problem) -> None:
    path, message = problem(SHEET.replace("kind: llm", "kind: vision") + PERIOD, PriceSheet)
    kinds = "'asr', 'llm', 'audio-llm', 'tts', 'gpu', 'telephony' or 'platform'"
    assert message == f"{path}:6: skus[0].kind: must be {kinds} (got 'vision')"


def test_schema_version_2(problem: Problem) -> None:
    path, message = problem(SHEET.replace("schema_version: 1", "schema_version: 2") + PERIOD, PriceSheet)
    assert message == f"{path}:1: schema_version: must be 1 (got 2)"


def test_missing_schema_version(problem: Problem) -> None:
    # The field is missing from the top-level mapping, which starts on line 1.
    path, message = problem(SHEET.replace("schema_version: 1\n", "") + PERIOD, PriceSheet)
    assert message == f"{path}:1: schema_version: required field is missing; add it"


def test_empty_sku_list(problem: Problem) -> None:
    path, message = problem("schema_version: 1\nprovider: acme\nname: Acme\nskus: []\n", PriceSheet)
    assert message == f"{path}:4: skus: must list at least one entry"


def test_unknown_field_with_did_you_mean(problem: Problem) -> None:
    path, message = problem(with_price("1.00").replace("usd_per_million_input_tokens", "usd_per_milion_input_tokens"),
                            PriceSheet)
    assert message.startswith(
        f"{path}:13: skus[0].periods[0].usd_per_milion_input_tokens: unknown field 'usd_per_milion_input_tokens'; "
        "did you mean usd_per_million_input_tokens"
    )


def test_unknown_field_without_close_match(problem: Problem) -> None:
    path, message = problem(SHEET.replace("name: Acme", "name: Acme\nzzz: 1") + PERIOD, PriceSheet)
    assert message == f"{path}:4: zzz: unknown field 'zzz'; remove it or fix its spelling"


def test_several_problems_are_counted(problem: Problem) -> None:
    # Three broken fields: the first is reported, the other two counted.
    text = SHEET.replace("schema_version: 1", "schema_version: 2").replace("kind: llm", "kind: x") + PERIOD.replace(
        "USD", "EUR"
    )
    path, message = problem(text, PriceSheet)
    assert message == f"{path}:1: schema_version: must be 1 (got 2) (and 2 more problems)"


# ---------------------------------------------------------------- scenarios


def test_scenario_both_caller_audio_seconds_and_per_turn(problem: Problem) -> None:
    path, message = problem(SCENARIO + "caller_audio_seconds_per_turn: 15\n", Scenario)
    assert message == (
        f"{path}:6: caller_audio_seconds_per_turn: give caller_audio_seconds or caller_audio_seconds_per_turn, not both"
    )


def test_scenario_both_agent_audio_and_per_turn(problem: Problem) -> None:
    path, message = problem(SCENARIO + "agent_audio_seconds: 30\nagent_audio_seconds_per_turn: 5\n", Scenario)
    assert message == (
        f"{path}:7: agent_audio_seconds_per_turn: give agent_audio_seconds or agent_audio_seconds_per_turn, not both"
    )


def test_scenario_both_agent_text_tokens_and_per_turn(problem: Problem) -> None:
    path, message = problem(SCENARIO + "agent_text_tokens: 300\nagent_text_tokens_per_turn: 50\n", Scenario)
    assert message == f"{path}:7: agent_text_tokens_per_turn: give agent_text_tokens or agent_text_tokens_per_turn, not both"


def test_scenario_neither_caller_audio_field(problem: Problem) -> None:
    # Nothing to point at but the document (line 1); the message names both fields.
    path, message = problem(SCENARIO.replace("caller_audio_seconds: 60\n", ""), Scenario)
    assert message == f"{path}:1: give caller_audio_seconds (whole call) or caller_audio_seconds_per_turn"


@pytest.mark.parametrize("turns", ["0", "{low: 0, high: 3}"])
def test_scenario_turns_zero(problem: Problem, turns: str) -> None:
    path, message = problem(SCENARIO.replace("turns: 4", f"turns: {turns}"), Scenario)
    assert message == f"{path}:4: turns: must be at least 1"


@pytest.mark.parametrize("turns,bad", [("2.5", "2.5"), ("{low: 2, high: 3.5}", "3.5")])
def test_scenario_turns_not_whole(problem: Problem, turns: str, bad: str) -> None:
    path, message = problem(SCENARIO.replace("turns: 4", f"turns: {turns}"), Scenario)
    assert message == f"{path}:4: turns: must be a whole number of turns, got {bad}"


def test_scenario_cache_hit_fraction_above_one(problem: Problem) -> None:
    path, message = problem(SCENARIO + "cache_hit_fraction: 1.5\n", Scenario)
    assert message == f"{path}:6: cache_hit_fraction: must be a share between 0 and 1, e.g. 0.3"


@pytest.mark.parametrize("calls", ["0", "{low: 0, high: 10}"])
def test_scenario_calls_per_month_zero(problem: Problem, calls: str) -> None:
    path, message = problem(SCENARIO.replace("calls_per_month: 1000", f"calls_per_month: {calls}"), Scenario)
    assert message == f"{path}:3: calls_per_month: must be above 0"


def test_scenario_speaking_rate_zero(problem: Problem) -> None:
    path, message = problem(SCENARIO + "speaking_rate_words_per_minute: 0\n", Scenario)
    assert message == f"{path}:6: speaking_rate_words_per_minute: must be greater than 0"


def test_scenario_unknown_field(problem: Problem) -> None:
    path, message = problem(SCENARIO + "caller_audio_second: 60\n", Scenario)
    assert message.startswith(
        f"{path}:6: caller_audio_second: unknown field 'caller_audio_second'; did you mean caller_audio_seconds"
    )


# ---------------------------------------------------------------- stacks


def test_stack_two_components_same_role(problem: Problem) -> None:
    path, message = problem(STACK.replace("role: llm", "role: asr"), Stack)
    assert message == f"{path}:4: components: role asr appears twice; a stack has one component per role"


def test_stack_self_hosted_without_workload(problem: Problem) -> None:
    path, message = problem(STACK.replace("role: llm", "role: self-hosted-llm"), Stack)
    assert message == f"{path}:7: components[1]: role self-hosted-llm needs workload (e.g. llama-3.1-8b)"


def test_stack_workload_on_non_self_hosted_role(problem: Problem) -> None:
    path, message = problem(STACK.replace("    sku: acme/llm", "    sku: acme/llm\n    workload: llama-3.1-8b"), Stack)
    assert message == f"{path}:7: components[1]: workload only applies to self-hosted roles"


def test_stack_unknown_role(problem: Problem) -> None:
    path, message = problem(STACK.replace("role: llm", "role: vision"), Stack)
    assert message.startswith(f"{path}:7: components[1].role: must be 'asr', 'llm', ")
    assert message.endswith("(got 'vision')")


def test_stack_utilisation_above_one(problem: Problem) -> None:
    path, message = problem(STACK.replace("    sku: acme/llm", "    sku: acme/llm\n    utilisation: 1.5"), Stack)
    assert message == f"{path}:9: components[1].utilisation: must be less than or equal to 1"


def test_stack_billed_per_minute(problem: Problem) -> None:
    path, message = problem(STACK.replace("    sku: acme/llm", "    sku: acme/llm\n    billed_per: minute"), Stack)
    assert message == f"{path}:9: components[1].billed_per: must be 'call' or 'turn' (got 'minute')"


def test_stack_unknown_architecture(problem: Problem) -> None:
    path, message = problem(STACK.replace("cascade", "hybrid"), Stack)
    assert message == f"{path}:3: architecture: must be 'integrated', 'cascade' or 'self-hosted' (got 'hybrid')"


def test_stack_without_components(problem: Problem) -> None:
    path, message = problem("schema_version: 1\ntitle: T\narchitecture: cascade\ncomponents: []\n", Stack)
    assert message == f"{path}:4: components: must list at least one entry"


def test_stack_bad_sku_id(problem: Problem) -> None:
    path, message = problem(STACK.replace("sku: acme/llm", "sku: acme llm"), Stack)
    assert message.startswith(f"{path}:8: components[1].sku: must be provider/model in lowercase")


# ---------------------------------------------------------------- fx


def test_fx_rates_out_of_order(problem: Problem) -> None:
    path, message = problem(FX.replace("2024-01-01", "2026-01-01"), FxSheet)
    # Periods 2026-01-01 then 2025-01-01; the GBP entry starts on line 4.
    assert message == f"{path}:4: rates[0]: GBP rates out of order or duplicated at 2025-01-01; list oldest first"


def test_fx_rates_duplicated_date(problem: Problem) -> None:
    path, message = problem(FX.replace("2024-01-01", "2025-01-01"), FxSheet)
    assert message == f"{path}:4: rates[0]: GBP rates out of order or duplicated at 2025-01-01; list oldest first"


def test_fx_currency_lowercase(problem: Problem) -> None:
    path, message = problem(FX.replace("GBP", "gbp"), FxSheet)
    assert message == f"{path}:4: rates[0].currency: must be a three-letter currency code in capitals, e.g. GBP (got 'gbp')"


def test_fx_rate_zero(problem: Problem) -> None:
    path, message = problem(FX.replace("per_usd: 0.79", "per_usd: 0"), FxSheet)
    assert message == f"{path}:7: rates[0].periods[0].per_usd: must be greater than 0"


def test_fx_base_not_usd(problem: Problem) -> None:
    path, message = problem(FX.replace("base: USD", "base: EUR"), FxSheet)
    assert message == f"{path}:2: base: must be 'USD' (got 'EUR')"
