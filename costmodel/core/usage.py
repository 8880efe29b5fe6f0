"""Usage: what one call (or one month of calls) consumes of each priced meter, from the scenario and the SKU's kind.

Nothing here knows a price; it only looks at which price fields a period has, to pick how the vendor
meters the work (seconds, tokens or characters). Formulas are written once against a numeric backend
(span.Ops) so the same code gives exact Spans and vectorized numpy arrays.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Generic

from costmodel.core.backends import Ops
from costmodel.core.interval import M, Span
from costmodel.data.meters import DURATION_FIELDS
from costmodel.data.records import PricePeriod, Scenario, Sku, StackComponent, record_dict
from costmodel.errors import InputError
from costmodel.plain_dataclass import dataclass


@dataclass
class Profile(Generic[M]):
    """A scenario reduced to per-call totals, including what integrated models re-read as history."""

    calls_per_month: Span[M]
    turns: Span[M]
    caller_seconds: Span[M]
    caller_history_seconds: Span[M]
    """Sum over turns of the caller audio already heard before that turn (re-sent as context)."""
    caller_seconds_per_request: Span[M]
    agent_seconds: Span[M]
    agent_history_seconds: Span[M]
    agent_seconds_per_request: Span[M]
    agent_text_tokens: Span[M]
    agent_text_history_tokens: Span[M]
    caller_transcript_tokens: Span[M]
    caller_transcript_history_tokens: Span[M]
    system_prompt_tokens: Span[M]
    system_prompt_history_tokens: Span[M]
    """System prompt tokens sent on turns 2..N, the part a prompt cache can serve."""
    cache_hit_fraction: Span[M]
    reply_characters: Span[M]
    call_duration_seconds: Span[M]
    peak_concurrent_calls: Span[M]


def _split(
    total: Span[M] | None, per_turn: Span[M] | None, turns: Span[M], ops: Ops[M]
) -> tuple[Span[M], Span[M], Span[M]]:
    """(whole-call total, sum of what earlier turns contributed by each turn, amount per turn)."""
    if per_turn is not None:
        return per_turn * turns, per_turn * turns * (turns - 1) / 2, per_turn
    value = total if total is not None else ops.const(0)
    return value, value * (turns - 1) / 2, value / turns


def _value(values: dict[str, Any], name: str, ops: Ops[M]) -> Span[M] | None:
    # Overrides may arrive ready-made in the backend's own type (a Span of numpy arrays for sweeps).
    value = values.get(name)
    if value is None or isinstance(value, Span):
        return value
    return ops.const(value)


def profile(scenario: Scenario, ops: Ops[M], overrides: dict[str, Any] | None = None) -> Profile[M]:
    """Reduce a scenario to per-call totals; `overrides` replaces fields with backend values (arrays for sweeps)."""
    values: dict[str, Any] = record_dict(scenario)
    if overrides:
        values.update(overrides)

    def optional(name: str) -> Span[M] | None:
        return _value(values, name, ops)

    def v(name: str) -> Span[M]:
        value = _value(values, name, ops)
        if value is None:  # the model gives these fields defaults, so only a broken override lands here
            raise InputError(f"scenario field {name} has no value")
        return value

    turns = v("turns")
    words_per_second = v("speaking_rate_words_per_minute") / 60
    tokens_per_word = v("tokens_per_word")
    caller, caller_hist, caller_each = _split(
        optional("caller_audio_seconds"), optional("caller_audio_seconds_per_turn"), turns, ops
    )
    agent, agent_hist, agent_each = _split(
        optional("agent_audio_seconds"), optional("agent_audio_seconds_per_turn"), turns, ops
    )
    if values.get("agent_text_tokens") is None and values.get("agent_text_tokens_per_turn") is None:
        text, text_hist = agent * words_per_second * tokens_per_word, agent_hist * words_per_second * tokens_per_word
    else:
        text, text_hist, _ = _split(optional("agent_text_tokens"), optional("agent_text_tokens_per_turn"), turns, ops)
    system = v("system_prompt_tokens")
    characters = optional("agent_reply_characters")
    if characters is None:
        characters = agent * words_per_second * v("characters_per_word")
    duration = optional("call_duration_seconds")
    if duration is None:
        duration = caller + agent
    calls = v("calls_per_month")
    peak = optional("peak_concurrent_calls")
    if peak is None:
        peak = calls * duration / (v("operating_hours_per_month") * 3600) * v("peak_to_average_ratio")
    return Profile(
        calls_per_month=calls,
        turns=turns,
        caller_seconds=caller,
        caller_history_seconds=caller_hist,
        caller_seconds_per_request=caller_each,
        agent_seconds=agent,
        agent_history_seconds=agent_hist,
        agent_seconds_per_request=agent_each,
        agent_text_tokens=text,
        agent_text_history_tokens=text_hist,
        caller_transcript_tokens=caller * words_per_second * tokens_per_word,
        caller_transcript_history_tokens=caller_hist * words_per_second * tokens_per_word,
        system_prompt_tokens=system,
        system_prompt_history_tokens=system * (turns - 1),
        cache_hit_fraction=v("cache_hit_fraction"),
        reply_characters=characters,
        call_duration_seconds=duration,
        peak_concurrent_calls=peak,
    )


Meters = list[tuple[str, Span[M]]]
"""(price field, quantity) pairs; quantities per call, except self-hosted GPU-hours, which are per month."""


def _duration_field(period: PricePeriod) -> str | None:
    return next((name for name in DURATION_FIELDS if period.price(name) is not None), None)


def _billed_seconds(
    seconds: Span[M], per_request: Span[M], component: StackComponent, period: PricePeriod, p: Profile[M], ops: Ops[M]
) -> Span[M]:
    increment, minimum = period.billing_increment_seconds, period.minimum_billed_seconds
    if component.billed_per == "turn":
        return ops.bill(per_request, increment, minimum) * p.turns
    return ops.bill(seconds, increment, minimum)


def _cached_split(
    cacheable: Span[M], always_new: Span[M], p: Profile[M], has_cached_price: bool, ops: Ops[M]
) -> tuple[Span[M], Span[M]]:
    """(uncached, cached) tokens: a share of the re-sent prefix hits the cache where the SKU prices it."""
    if not has_cached_price:
        return always_new + cacheable, cacheable * 0
    return always_new + cacheable * (1 - p.cache_hit_fraction), cacheable * p.cache_hit_fraction


def _rates(sku: Sku) -> tuple[Decimal, Decimal | None]:
    if sku.audio_tokens is None:
        raise InputError(f"{sku.id} is billed in audio tokens but has no audio_tokens rates")
    return sku.audio_tokens.input_tokens_per_second, sku.audio_tokens.output_tokens_per_second


def _output_rate(sku: Sku, out_rate: Decimal | None) -> Decimal:
    if out_rate is None:
        raise InputError(f"{sku.id} has no output_tokens_per_second in audio_tokens, so spoken replies cannot be counted")
    return out_rate


def asr_usage(component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    duration = _duration_field(period)
    if duration:
        return [(duration, _billed_seconds(p.caller_seconds, p.caller_seconds_per_request, component, period, p, ops))]
    in_rate, _ = _rates(sku)
    return [
        ("usd_per_million_audio_input_tokens", p.caller_seconds * ops.const(in_rate)),
        ("usd_per_million_output_tokens", p.caller_transcript_tokens),
    ]


def llm_usage(component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    # Turn k sends the system prompt, the transcript of turns 1..k-1 and the caller's new words.
    cacheable = p.system_prompt_history_tokens + p.caller_transcript_history_tokens + p.agent_text_history_tokens
    always_new = p.system_prompt_tokens + p.caller_transcript_tokens
    uncached, cached = _cached_split(
        cacheable, always_new, p, period.price("usd_per_million_cached_input_tokens") is not None, ops
    )
    meters: Meters[M] = [("usd_per_million_input_tokens", uncached)]
    if period.price("usd_per_million_cached_input_tokens") is not None:
        meters.append(("usd_per_million_cached_input_tokens", cached))
    meters.append(("usd_per_million_output_tokens", p.agent_text_tokens))
    return meters


def audio_llm_usage(component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    duration = _duration_field(period)
    meters: Meters[M] = []
    if duration:
        increment, minimum = period.billing_increment_seconds, period.minimum_billed_seconds
        meters.append((duration, ops.bill(p.call_duration_seconds, increment, minimum)))
    else:
        in_rate, out_rate = _rates(sku)
        tokens_in, tokens_out = ops.const(in_rate), ops.const(_output_rate(sku, out_rate))
        # History re-sends the caller's audio at the input rate and the agent's own audio at the rate it was spoken.
        history = p.caller_history_seconds * tokens_in + p.agent_history_seconds * tokens_out
        has_cached = period.price("usd_per_million_cached_audio_input_tokens") is not None
        uncached, cached = _cached_split(history, p.caller_seconds * tokens_in, p, has_cached, ops)
        meters.append(("usd_per_million_audio_input_tokens", uncached))
        if has_cached:
            meters.append(("usd_per_million_cached_audio_input_tokens", cached))
        meters.append(("usd_per_million_audio_output_tokens", p.agent_seconds * tokens_out))
    if period.price("usd_per_million_input_tokens") is not None:
        # The agent's transcript is re-sent as text alongside its audio (OpenAI realtime cost guide).
        cacheable = p.system_prompt_history_tokens + p.agent_text_history_tokens
        uncached, cached = _cached_split(
            cacheable, p.system_prompt_tokens, p, period.price("usd_per_million_cached_input_tokens") is not None, ops
        )
        meters.append(("usd_per_million_input_tokens", uncached))
        if period.price("usd_per_million_cached_input_tokens") is not None:
            meters.append(("usd_per_million_cached_input_tokens", cached))
    # A per-minute product's price covers the text it writes unless it prices text separately; a token-billed
    # model always needs an output price (missing, it is reported unpriced, never $0).
    if not duration or period.price("usd_per_million_output_tokens") is not None:
        meters.append(("usd_per_million_output_tokens", p.agent_text_tokens))
    return meters


def tts_usage(component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    if period.price("usd_per_million_characters") is not None:
        return [("usd_per_million_characters", p.reply_characters)]
    duration = _duration_field(period)
    if duration:
        return [(duration, _billed_seconds(p.agent_seconds, p.agent_seconds_per_request, component, period, p, ops))]
    _, out_rate = _rates(sku)
    return [
        ("usd_per_million_input_tokens", p.agent_text_tokens),
        ("usd_per_million_audio_output_tokens", p.agent_seconds * ops.const(_output_rate(sku, out_rate))),
    ]


def telephony_usage(component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    billed = ops.bill(p.call_duration_seconds, period.billing_increment_seconds, period.minimum_billed_seconds)
    return [("usd_per_telephony_minute", billed / 60 * ops.const(component.legs))]


@dataclass
class GpuSizing(Generic[M]):
    """How many GPUs a self-hosted component needs for a month, and why."""

    gpus: Span[M]
    gpus_for_work: Span[M]
    gpus_for_concurrency: Span[M]
    min_gpus: Span[M]
    gpu_hours_per_month: Span[M]
    work_gpu_hours_per_month: Span[M]


def gpu_sizing(component: StackComponent, sku: Sku, p: Profile[M], ops: Ops[M]) -> GpuSizing[M]:
    entry = next(e for e in sku.throughput if e.workload == component.workload)
    if entry.real_time_factor is not None:
        work_seconds_per_call = p.caller_seconds * ops.const(entry.real_time_factor)
    else:
        assert entry.output_tokens_per_second is not None
        work_seconds_per_call = p.agent_text_tokens / ops.const(entry.output_tokens_per_second)
    hours = ops.const(component.gpu_hours_per_month)
    work_hours = p.calls_per_month * work_seconds_per_call / 3600
    for_work = ops.ceil(work_hours / (hours * ops.const(component.utilisation)))
    for_concurrency = ops.ceil(p.peak_concurrent_calls / ops.const(entry.concurrent_streams))
    floor = ops.const(component.min_gpus)
    gpus = ops.maximum(floor, ops.maximum(for_work, for_concurrency))
    return GpuSizing(gpus, for_work, for_concurrency, floor, hours, work_hours)


def self_hosted_usage(component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    sizing = gpu_sizing(component, sku, p, ops)
    return [("usd_per_gpu_hour", sizing.gpus * sizing.gpu_hours_per_month)]


USAGE = {
    "asr": asr_usage,
    "llm": llm_usage,
    "audio-llm": audio_llm_usage,
    "tts": tts_usage,
    "telephony": telephony_usage,
    "self-hosted-asr": self_hosted_usage,
    "self-hosted-llm": self_hosted_usage,
}
"""Usage function for each stack role."""


def component_usage(component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    """The meters one stack component runs up: per call, or per month for self-hosted GPUs."""
    return USAGE[component.role](component, sku, period, p, ops)


def is_monthly(component: StackComponent) -> bool:
    """Self-hosted GPUs are rented by the month; everything else is billed per call."""
    return component.role.startswith("self-hosted")
