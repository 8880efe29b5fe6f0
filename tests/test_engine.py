"""Cost engine: every expected value below is worked out by hand in the comment next to it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from costmodel.analyses.estimate import audio_tokens_per_minute, estimate
from costmodel.core.interval import Span
from costmodel.data.catalog import Catalog
from costmodel.data.models import PricePeriod, Range, Scenario, Sku, Stack, StackComponent, Throughput
from costmodel.errors import NoPriceError

TODAY = date(2026, 11, 24)
SOURCE = {"source": "test fixture", "checked": date(2026, 11, 24)}


def period(**prices: object) -> PricePeriod:
    return PricePeriod(effective_from=date(2024, 1, 1), currency="USD", **SOURCE, **prices)  # type: ignore[arg-type]


def scenario(**fields: object) -> Scenario:
    base: dict[str, object] = {"schema_version": 1, "title": "test", "calls_per_month": 1000}
    base.update(fields)
    return Scenario(**base)  # type: ignore[arg-type]


def stack(*components: dict[str, object], architecture: str = "cascade") -> Stack:
    return Stack(
        schema_version=1, title="test", architecture=architecture,  # type: ignore[arg-type]
        components=[StackComponent(**c) for c in components],  # type: ignore[arg-type]
    )


def catalog_of(*skus: Sku) -> Catalog:
    return Catalog(skus={sku.id: sku for sku in skus})


def test_whisper_1_for_300_seconds_is_three_cents(catalog: Catalog) -> None:
    # whisper-1 is $0.006 per minute: 300 s = 5 min; 5 × 0.006 = $0.030.
    s = scenario(caller_audio_seconds=300, agent_audio_seconds=0, agent_text_tokens=200)
    bill = estimate(catalog, s, stack({"role": "asr", "sku": "openai/whisper-1"}), as_of=TODAY)
    assert bill.per_call == Span(D("0.030"), D("0.030"))
    assert bill.lines[0].quantity == Span(D(300), D(300))  # billed seconds


def test_gpt_4o_mini_for_a_stated_token_count(catalog: Catalog) -> None:
    # No caller audio, a 1,000-token system prompt, 500 output tokens, one turn:
    # input 1,000 × $0.15/1M = $0.00015; output 500 × $0.60/1M = $0.00030; total $0.00045.
    s = scenario(caller_audio_seconds=0, agent_text_tokens=500, system_prompt_tokens=1000)
    bill = estimate(catalog, s, stack({"role": "llm", "sku": "openai/gpt-4o-mini"}), as_of=TODAY)
    costs = {line.price_field: line.cost_per_call.low for line in bill.lines}
    assert costs["usd_per_million_input_tokens"] == D("0.00015")
    assert costs["usd_per_million_cached_input_tokens"] == 0  # one turn: nothing is re-sent
    assert costs["usd_per_million_output_tokens"] == D("0.00030")
    assert bill.per_call.low == bill.per_call.high == D("0.00045")


def test_article_hypothetical_gives_60_cents_to_1_50_of_audio_for_300_seconds(catalog: Catalog) -> None:
    # 300 s × $0.002/s = $0.60 and 300 s × $0.005/s = $1.50; text 200 tokens × $0.10–0.30/1M = $0.00002–0.00006.
    bill = estimate(catalog, "support-call-5min", "gpt-audio-mini-article-estimate", as_of=TODAY)
    audio = next(line for line in bill.lines if line.price_field == "usd_per_audio_second")
    assert audio.cost_per_call == Span(D("0.60"), D("1.50"))
    text = next(line for line in bill.lines if line.price_field == "usd_per_million_output_tokens")
    assert text.cost_per_call == Span(D("0.00002"), D("0.00006"))
    assert bill.per_call == Span(D("0.60002"), D("1.50006"))
    assert bill.estimate is True


def test_real_gpt_audio_mini_for_the_5_minute_call(catalog: Catalog) -> None:
    # 300 s × 10 tokens/s = 3,000 audio tokens × $10/1M = $0.03; 200 text tokens × $2.40/1M = $0.00048.
    bill = estimate(catalog, "support-call-5min", "gpt-audio-mini", as_of=TODAY)
    assert bill.per_call == Span(D("0.03048"), D("0.03048"))
    # 10,000 calls a month × $0.03048 = $304.80.
    assert bill.per_month == Span(D("304.80"), D("304.80"))


def test_ten_turn_realtime_call_equals_the_hand_summed_turn_series(catalog: Catalog) -> None:
    # gpt-realtime per 1M: text in 4.00 / cached 0.40 / out 16.00; audio in 32.00 / cached 0.40 / out 64.00.
    # Per turn: caller 15 s × 10 tok/s = 150 audio tokens; agent 12 s × 20 tok/s = 240 audio tokens out;
    # agent text 12 s × 150/60 words/s × 1.3 tokens/word = 39 tokens; system prompt 800; half the re-sent
    # context is cached.
    # Turn 1: 150×32 + 800×4 + 240×64 + 39×16 (per 1M) = 0.0048 + 0.0032 + 0.01536 + 0.000624 = $0.023984.
    # Turn k ≥ 2 re-sends (k−1)×(150+240) = (k−1)×390 audio tokens, half at 32 and half at 0.40:
    #   (k−1)×195×32.4/1M = (k−1)×$0.006318; and 800 + (k−1)×39 text tokens, half at 4 and half at 0.40:
    #   (800 + 39(k−1))×2.2/1M = $0.00176 + (k−1)×$0.0000858; plus the new 150 audio, 240 audio out, 39 text out:
    #   0.0048 + 0.01536 + 0.000624 = $0.020784. So turn k costs 0.022544 + (k−1)×0.0064038.
    expected_turns = [D("0.023984")] + [D("0.022544") + (k - 1) * D("0.0064038") for k in range(2, 11)]
    # Sum: 0.023984 + 9×0.022544 + 45×0.0064038 = 0.023984 + 0.202896 + 0.288171 = $0.515051.
    s = scenario(
        turns=10, caller_audio_seconds_per_turn=15, agent_audio_seconds_per_turn=12,
        system_prompt_tokens=800, cache_hit_fraction=D("0.5"),
    )
    bill = estimate(catalog, s, stack({"role": "audio-llm", "sku": "openai/gpt-realtime"}, architecture="integrated"),
                    as_of=TODAY)
    assert [row.cost for row in bill.turns] == expected_turns
    assert bill.per_call == Span(D("0.515051"), D("0.515051"))
    assert sum(expected_turns) == D("0.515051")


def test_realtime_cost_grows_faster_than_linearly_with_turns(catalog: Catalog) -> None:
    # Same per-turn lengths, no cache: 20 turns re-send far more history than twice 10 turns.
    rt = stack({"role": "audio-llm", "sku": "openai/gpt-realtime"}, architecture="integrated")
    ten = estimate(catalog, scenario(turns=10, caller_audio_seconds_per_turn=15, agent_audio_seconds_per_turn=12),
                   rt, as_of=TODAY)
    twenty = estimate(catalog, scenario(turns=20, caller_audio_seconds_per_turn=15, agent_audio_seconds_per_turn=12),
                      rt, as_of=TODAY)
    assert twenty.per_call.low > 2 * ten.per_call.low


def test_cascade_re_sends_the_transcript_to_the_llm_every_turn(catalog: Catalog) -> None:
    # 3 turns, 12 s of caller speech per turn = 12 × 2.5 words/s × 1.3 = 39 transcript tokens; 10 reply tokens
    # per turn; no system prompt; no cache. Input per turn: 39, 39+49, 39+2×49 → 39+88+137 = 264 tokens.
    s = scenario(turns=3, caller_audio_seconds_per_turn=12, agent_text_tokens_per_turn=10)
    bill = estimate(catalog, s, stack({"role": "llm", "sku": "openai/gpt-4o-mini"}), as_of=TODAY)
    uncached = next(line for line in bill.lines if line.price_field == "usd_per_million_input_tokens")
    assert uncached.quantity == Span(D(264), D(264))
    # 264 × $0.15/1M + 30 × $0.60/1M = 0.0000396 + 0.000018 = $0.0000576.
    assert bill.per_call.low == D("0.0000576")
    assert sum(row.cost for row in bill.turns) == D("0.0000576")


def test_one_second_and_fifteen_second_increments_differ_as_worked_out() -> None:
    # 10 utterances of 7 s, each its own request at $0.006/min:
    #   1-s increments: 10 × 7 s = 70 s → 70/60 × 0.006 = $0.007.
    #   15-s increments: each 7 s rounds up to 15 s → 150 s → 150/60 × 0.006 = $0.015.
    # One streamed request for the whole call: 70 s → $0.007 (1 s) or 75 s → $0.0075 (15 s).
    def asr(increment: int, minimum: int = 0) -> Sku:
        return Sku(id=f"t/asr-{increment}-{minimum}", kind="asr", name="t",
                   periods=[period(usd_per_audio_minute=D("0.006"), billing_increment_seconds=increment,
                                   minimum_billed_seconds=minimum)])

    skus = [asr(1), asr(15)]
    cat = catalog_of(*skus)
    s = scenario(turns=10, caller_audio_seconds_per_turn=7)

    def cost(sku: Sku, per: str) -> D:
        return estimate(cat, s, stack({"role": "asr", "sku": sku.id, "billed_per": per}), as_of=TODAY).per_call.low

    assert cost(skus[0], "turn") == D("0.007")
    assert cost(skus[1], "turn") == D("0.015")
    assert cost(skus[0], "call") == D("0.007")
    assert cost(skus[1], "call") == D("0.0075")


def test_minimum_billed_duration_applies_per_request() -> None:
    # AWS-style 15-s minimum with 1-s increments: a 4-s request bills 15 s; 15/60 × $0.024 = $0.006.
    sku = Sku(id="t/min", kind="asr", name="t", periods=[period(usd_per_audio_minute=D("0.024"), minimum_billed_seconds=15)])
    bill = estimate(catalog_of(sku), scenario(caller_audio_seconds=4), stack({"role": "asr", "sku": "t/min"}), as_of=TODAY)
    assert bill.per_call.low == D("0.006")


def self_hosted_catalog() -> tuple[Catalog, Stack]:
    gpu = Sku(
        id="t/gpu", kind="gpu", name="t",
        throughput=[Throughput(workload="whisper", real_time_factor=D("0.1"), concurrent_streams=4, **SOURCE)],
        periods=[period(usd_per_gpu_hour=D(1))],
    )
    return catalog_of(gpu), stack(
        {"role": "self-hosted-asr", "sku": "t/gpu", "workload": "whisper", "min_gpus": 1, "utilisation": D("0.5")},
        architecture="self-hosted",
    )


@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        # Work per call: 60 s × 0.1 = 6 GPU-seconds; a GPU gives 730 h × 0.5 × 3600 s = 1,314,000 s a month,
        # so one GPU serves 1,314,000 / 6 = 219,000 calls. Monthly cost = GPUs × 730 h × $1.
        (100_000, D(730) / 100_000),  # 1 GPU: $730 / 100,000 = $0.0073
        (200_000, D(730) / 200_000),  # 1 GPU: falls to $0.00365
        (219_000, D(730) / 219_000),  # 1 GPU at full utilisation: $0.0033333…
        (219_001, D(1460) / 219_001),  # the next call needs a 2nd GPU: steps up to $0.0066666…
    ],
)
def test_self_hosted_cost_per_call_falls_with_volume_then_steps_up(calls: int, expected: D) -> None:
    cat, gpu_stack = self_hosted_catalog()
    s = scenario(calls_per_month=calls, caller_audio_seconds=60, peak_concurrent_calls=1)
    bill = estimate(cat, s, gpu_stack, as_of=TODAY)
    assert bill.per_call == Span(expected, expected)
    # The always-on floor is one GPU: 730 h × $1 = $730 a month, whatever the volume.
    assert bill.fixed_per_month == Span(D(730), D(730))


def test_peak_concurrency_can_force_more_gpus() -> None:
    # 9 calls at once, 4 streams per GPU → ceil(9/4) = 3 GPUs → 3 × 730 × $1 = $2,190 a month.
    cat, gpu_stack = self_hosted_catalog()
    bill = estimate(cat, scenario(calls_per_month=1000, caller_audio_seconds=60, peak_concurrent_calls=9), gpu_stack,
                    as_of=TODAY)
    assert bill.per_month == Span(D(2190), D(2190))
    floor, added = (line.cost_per_month for line in bill.lines)
    assert (floor, added) == (Span(D(730), D(730)), Span(D(1460), D(1460)))


def test_ranges_flow_through_and_points_stay_points(catalog: Catalog) -> None:
    # whisper-1 on 20–60 s: 20/60 × 0.006 = $0.002 to 60/60 × 0.006 = $0.006.
    asr = stack({"role": "asr", "sku": "openai/whisper-1"})
    ranged = estimate(catalog, scenario(caller_audio_seconds=Range(low=20, high=60)), asr, as_of=TODAY)
    assert ranged.per_call == Span(D("0.002"), D("0.006"))
    point = estimate(catalog, scenario(caller_audio_seconds=20), asr, as_of=TODAY)
    assert point.per_call.is_point and ranged.per_call.contains(point.per_call)


def test_tts_characters_from_spoken_seconds(catalog: Catalog) -> None:
    # 20 s at 150 words/min = 50 words × 6 characters = 300 characters × $15/1M = $0.0045.
    bill = estimate(catalog, scenario(caller_audio_seconds=0, agent_audio_seconds=20),
                    stack({"role": "tts", "sku": "openai/tts-1"}), as_of=TODAY)
    assert bill.lines[0].quantity == Span(D(300), D(300))
    assert bill.per_call.low == D("0.0045")


def test_telephony_rounds_each_call_up_to_whole_minutes(catalog: Catalog) -> None:
    # 61 s of call rounds up to 2 minutes; Twilio US inbound local is read from the sheet.
    price = catalog.price("twilio/us-inbound-local", TODAY).usd_per_telephony_minute
    bill = estimate(catalog, scenario(caller_audio_seconds=61), stack({"role": "telephony", "sku": "twilio/us-inbound-local"}),
                    as_of=TODAY)
    assert bill.per_call.low == 2 * price


def test_gpt_4o_price_history_by_date(catalog: Catalog) -> None:
    # support-call-5min on the GPT-4o cascade's LLM alone: 975 input tokens (300 s × 2.5 words/s × 1.3) and
    # 200 output tokens. At launch ($5/$15): 975×5 + 200×15 = 4,875 + 3,000 = 7,875 → $0.007875.
    # From 2024-10-02 ($2.50/$10): 975×2.5 + 200×10 = 2,437.5 + 2,000 = 4,437.5 → $0.0044375.
    llm = stack({"role": "llm", "sku": "openai/gpt-4o"})
    assert estimate(catalog, "support-call-5min", llm, as_of=date(2024, 6, 1)).per_call.low == D("0.007875")
    assert estimate(catalog, "support-call-5min", llm, as_of=date(2025, 6, 1)).per_call.low == D("0.0044375")


def test_no_price_in_force_is_an_error_never_zero(catalog: Catalog) -> None:
    with pytest.raises(NoPriceError, match="no price in force for openai/gpt-4o on 2024-01-01"):
        estimate(catalog, "support-call-5min", "gpt-4o-cascade", as_of=date(2024, 1, 1))


def test_currency_conversion_uses_the_dated_rate(catalog: Catalog) -> None:
    usd = estimate(catalog, "support-call-5min", "budget-first", as_of=TODAY)
    gbp = estimate(catalog, "support-call-5min", "budget-first", as_of=TODAY, currency="GBP")
    assert gbp.fx is not None and gbp.currency == "GBP"
    rate = catalog.fx_rate("GBP", TODAY).per_usd  # type: ignore[union-attr]
    assert gbp.per_call == usd.per_call * rate
    assert gbp.lines[0].unit_price == usd.lines[0].unit_price * rate  # the unit text is the view's (test_views)


def test_set_overrides_a_field_and_clears_its_per_turn_twin(catalog: Catalog) -> None:
    # support-call-10-turns gives caller audio per turn; setting the whole-call figure replaces it:
    # whisper-1 on 90 s = 1.5 min × 0.006 = $0.009.
    asr = stack({"role": "asr", "sku": "openai/whisper-1"})
    bill = estimate(catalog, "support-call-10-turns", asr, as_of=TODAY, settings={"caller_audio_seconds": D(90)})
    assert bill.per_call.low == D("0.009")


def test_compression_view_holds_a_claim_against_the_documented_rate(catalog: Catalog) -> None:
    # 10 tokens per second of input audio = 600 tokens a minute, not the article's "60–80"; output 20/s = 1,200.
    assert audio_tokens_per_minute(catalog.sku("openai/gpt-audio-mini")) == (D(600), D(1200))
    assert audio_tokens_per_minute(catalog.sku("openai/whisper-1")) is None


def test_breakdown_shows_the_compression_view_of_each_audio_token_sku(catalog: Catalog) -> None:
    # 10 tokens/s × 60 s = 600 tokens per minute of caller audio; 20 tokens/s × 60 = 1,200 per minute of speech.
    # So the article's "25:1, one minute ≈ 60–80 tokens" is a tenth of the documented rate.
    bill = estimate(catalog, "support-call-5min", "gpt-audio-mini", as_of=TODAY)
    (view,) = bill.audio_tokens
    assert (view.sku, view.input_tokens_per_minute, view.output_tokens_per_minute) == (
        "openai/gpt-audio-mini", D(600), D(1200)
    )
    assert estimate(catalog, "support-call-5min", "budget-first", as_of=TODAY).audio_tokens == []


def test_multiple_of_cheapest_is_an_ordered_span(catalog: Catalog) -> None:
    # council-triage on these two stacks: budget-first 0.00212375–0.01066725 is the cheaper; gpt-4o-cascade's ends
    # are about 0.00406 and 0.01329, so the end-wise ratios are ≈1.9 (low ends) and ≈1.2 (high ends): 1.2–1.9.
    from costmodel.analyses.compare import compare

    pair = ["budget-first", "gpt-4o-cascade"]
    rows = {row.stack: row for row in compare(catalog, "council-triage", pair, as_of=TODAY).rows}
    cheapest, other = rows["budget-first"].per_call, rows["gpt-4o-cascade"].per_call
    assert cheapest is not None and other is not None
    multiple = rows["gpt-4o-cascade"].multiple_of_cheapest
    assert multiple == Span(other.high / cheapest.high, other.low / cheapest.low)
    assert multiple.low < multiple.high


def test_per_minute_integrated_product_bills_call_duration_and_covers_its_text(catalog: Catalog) -> None:
    # AssemblyAI Voice Agent API, $4.50/hour = $0.075/min, billed on the call's duration:
    # 10 turns × (15 s caller + 12 s agent) = 270 s = 4.5 min × 0.075 = $0.3375. Its 390 text tokens are
    # covered by the hourly price (the SKU prices no tokens), so they add nothing and are not "unpriced".
    bill = estimate(catalog, "support-call-10-turns", "assemblyai-voice-agent", as_of=TODAY)
    assert [(line.price_field, line.quantity.low) for line in bill.lines] == [("usd_per_audio_minute", D(270))]
    assert bill.per_call == Span(D("0.3375"), D("0.3375"))


def test_token_billed_model_without_an_output_price_is_unpriced_not_free() -> None:
    sku = Sku(
        id="t/audio", kind="audio-llm", name="t",
        audio_tokens={"input_tokens_per_second": 10, "output_tokens_per_second": 20, **SOURCE},  # type: ignore[arg-type]
        periods=[period(usd_per_million_audio_input_tokens=D(10), usd_per_million_audio_output_tokens=D(20))],
    )
    s = scenario(caller_audio_seconds=60, agent_text_tokens=100)
    with pytest.raises(NoPriceError, match="t/audio has no usd_per_million_output_tokens"):
        estimate(catalog_of(sku), s, stack({"role": "audio-llm", "sku": "t/audio"}, architecture="integrated"), as_of=TODAY)
