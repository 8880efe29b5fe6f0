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
from costmodel.data.records import PricePeriod, Range, Scenario, Sku, StackComponent, Throughput, record_dict
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
    idle_seconds: Span[M]
    """Seconds of the call a session or per-minute agent is idle or silent (at most the call's length)."""
    operating_hours_per_month: Span[M]
    peak_to_average_ratio: Span[M]
    peak_given: bool
    """True when the scenario gives peak_concurrent_calls itself (not derived from volume and hours)."""
    traffic_profile: tuple[Decimal, ...] | None
    """Relative volume per hour of a day or week, or None for a flat spread over the operating hours."""


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
    peak_given = peak is not None
    hours, ratio = v("operating_hours_per_month"), v("peak_to_average_ratio")
    if peak is None:
        # Multiplied before the one division, so a whole number of calls stays whole exactly (5,000 calls of
        # 120 s over 100 h at ratio 3 is 5 calls, not 5.000…001, which would round up to a sixth slot).
        peak = calls * duration * ratio / (hours * 3600)
    shape = values.get("traffic_profile")
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
        # Idle time is part of the call: capped at its length, so active time is never negative (sweeps too).
        idle_seconds=_at_most(v("idle_seconds"), duration),
        operating_hours_per_month=hours,
        peak_to_average_ratio=ratio,
        peak_given=peak_given,
        traffic_profile=tuple(shape) if shape is not None else None,
    )


def _at_most(value: Span[M], limit: Span[M]) -> Span[M]:
    # min is non-decreasing in both arguments, so the capped range is the min of the ends, end by end.
    if value.low is value.high and limit.low is limit.high:  # points stay points (one array operation)
        point = _lesser(value.low, limit.low)
        return Span(point, point)
    return Span(_lesser(value.low, limit.low), _lesser(value.high, limit.high))


def _lesser(a: M, b: M) -> M:
    if isinstance(a, Decimal):
        return min(a, b)
    import numpy

    return numpy.minimum(a, b)


Meters = list[tuple[str, Span[M]]]
"""(price field, quantity) pairs; quantities per call, except self-hosted GPU-hours and the monthly fee fields
(data/meters.py MONTHLY_PRICE_FIELDS), which are per month."""


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
    if period.price("usd_per_llm_minute") is not None:
        return llm_minute_meters(period, p, ops)
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
    session = period.price("usd_per_active_minute") is not None
    meters: Meters[M] = session_meters(period, p, ops) if session else []
    if duration:
        meters.extend(per_minute_meters(duration, period, p, ops))
    elif not session or period.price("usd_per_million_audio_input_tokens") is not None:
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
    if not (duration or session) or period.price("usd_per_million_output_tokens") is not None:
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


# --- Per-call billing mechanics (issue 13 part A): sessions, silence, platforms, LLMs billed by call minute.


def _active_and_idle(period: PricePeriod, p: Profile[M], ops: Ops[M]) -> tuple[Span[M], Span[M] | None]:
    """(seconds billed at the full rate, seconds billed at usd_per_standby_minute or None when it is not priced).

    Without a standby price, idle time is billed like the rest of the call (silence included).
    """
    if period.price("usd_per_standby_minute") is None:
        return p.call_duration_seconds, None
    return ops.maximum(p.call_duration_seconds - p.idle_seconds, ops.const(0)), p.idle_seconds


def per_minute_meters(duration_field: str, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    """A product priced per minute of call (ElevenLabs Agents, Deepgram/AssemblyAI voice agents, Cartesia Line).

    The call is one request: rounded up to billing_increment_seconds with minimum_billed_seconds, idle time
    apart at the standby (silence) rate where the period has one.
    """
    increment, minimum = period.billing_increment_seconds, period.minimum_billed_seconds
    active, idle = _active_and_idle(period, p, ops)
    meters: Meters[M] = [(duration_field, ops.bill(active, increment, minimum))]
    if idle is not None:
        meters.append(("usd_per_standby_minute", ops.bill(idle, increment, Decimal(0))))
    return meters


def session_meters(period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    """A realtime session billed by the second of connection (GPT-Live): active, standby and start-up seconds.

    Start-up seconds are billed when the session connects; credited, they count as its first active seconds
    (so a session shorter than them still pays them all), otherwise they come on top.
    """
    increment, minimum = period.billing_increment_seconds, period.minimum_billed_seconds
    active, idle = _active_and_idle(period, p, ops)
    billed = ops.bill(active, increment, minimum)
    startup = period.startup_billed_seconds
    if startup > 0 and period.startup_credited:
        billed = ops.maximum(billed - ops.const(startup), ops.const(0))
    meters: Meters[M] = [("usd_per_active_minute", billed)]
    if idle is not None:
        meters.append(("usd_per_standby_minute", ops.bill(idle, increment, Decimal(0))))
    if startup > 0:
        meters.append(("startup_seconds", ops.const(startup)))
    return meters


def platform_usage(component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    """An orchestration platform's own per-minute fee, on top of the models and telephony it runs."""
    billed = ops.bill(p.call_duration_seconds, period.billing_increment_seconds, period.minimum_billed_seconds)
    return [("usd_per_platform_minute", billed)]


def llm_input_tokens_per_request(p: Profile[M]) -> Span[M]:
    """Input tokens an LLM reads per request on average: each turn's prompt, transcript so far and new words."""
    total = (p.system_prompt_tokens + p.system_prompt_history_tokens + p.caller_transcript_tokens
             + p.caller_transcript_history_tokens + p.agent_text_history_tokens)
    return total / p.turns


def llm_minute_meters(period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    """An LLM a platform bills by call minute (Retell), with its long-prompt scaling.

    Retell (docs.retellai.com/accounts/billing-exceptions, "LLM Price Scaling for > 3,500 Token Prompt
    Length"): scaling factor = prompt LLM tokens ÷ 3,500; billed duration = call duration × factor, rounded
    up; staff explain the tokens as the average input tokens per LLM request of the call
    (community.retellai.com/t/why-are-my-calls-suddenly-much-higher/2441). One request per turn is assumed.
    The extra seconds are their own line, like Retell's "LLM token surcharge".
    """
    increment, minimum = period.billing_increment_seconds, period.minimum_billed_seconds
    billed = ops.bill(p.call_duration_seconds, increment, minimum)
    meters: Meters[M] = [("usd_per_llm_minute", billed)]
    threshold = period.llm_prompt_scaling_tokens
    if threshold is not None:
        factor = ops.maximum(llm_input_tokens_per_request(p) / ops.const(threshold), ops.const(1))
        scaled = ops.bill(p.call_duration_seconds * factor, increment, minimum)
        # End by end: each end of `scaled` is at least the same end of `billed` (bill is non-decreasing and
        # factor ≥ 1), and the two lines add up to exactly `scaled`.
        meters.append(("llm_token_surcharge_seconds", Span(scaled.low - billed.low, scaled.high - billed.high)))
    return meters
# ---------------------------------------------------------------- self-hosted GPUs
# A self-hosted component is sized from the work each call gives its model (not from the call's length), hour
# by hour over the scenario's traffic shape, then billed by its scaling policy and purchase option. Every
# rounding up goes through Ops.ceil on a quantity linear in the volume, so break-evens solve each GPU step.

HOURS_PER_MONTH = Decimal(730)


@dataclass(frozen=True)
class OperatingPoint:
    """Where on its throughput curve (or single figure) a workload runs, from the latency target."""

    throughput: Decimal | Range
    """Work one GPU does per second there: output tokens (LLM) or audio seconds (ASR, TTS)."""
    streams: Decimal | Range | None
    """Streams (ASR, TTS) one GPU serves at once there; None: no limit beyond throughput (and for LLMs)."""
    latency_ms: Decimal | None
    """The curve's latency at this point (None for a single figure)."""
    limited_by_latency: bool
    """True when the latency target keeps the GPU below its best measured throughput."""
    real_time_factor: Decimal | Range | None = None
    """A single-figure ASR or TTS entry's RTF, kept so work is audio × RTF exactly (not audio ÷ 1/RTF)."""


def operating_point(entry: Throughput, role: str, latency_target_ms: Decimal | None) -> OperatingPoint:
    """The curve point a latency target allows, interpolated linearly between measured points; or the single figure."""
    if entry.curve is None:
        if role == "self-hosted-llm":
            assert entry.output_tokens_per_second is not None
            return OperatingPoint(entry.output_tokens_per_second, None, None, False)
        assert entry.real_time_factor is not None
        rtf = entry.real_time_factor
        # Audio seconds per second is 1 / RTF; a {low, high} RTF gives {1/high, 1/low}.
        rate: Decimal | Range = (
            Range(1 / rtf.high, 1 / rtf.low) if isinstance(rtf, Range) else 1 / rtf
        )
        return OperatingPoint(rate, entry.concurrent_streams, None, False, rtf)
    points = entry.curve
    best = max(points, key=lambda point: point.throughput)
    chosen_throughput, chosen_concurrency, chosen_latency = best.throughput, best.concurrency, best.latency_ms
    if latency_target_ms is not None and latency_target_ms < best.latency_ms:
        if latency_target_ms < points[0].latency_ms:
            raise InputError(
                f"latency target {latency_target_ms} ms is below the lowest latency measured for {entry.workload} "
                f"({points[0].latency_ms} ms at concurrency {points[0].concurrency}); raise latency_target_ms"
            )
        # The last point within the target, and the straight line to the next one (latency rises with concurrency).
        below = [point for point in points if point.latency_ms <= latency_target_ms]
        low = max(below, key=lambda point: point.concurrency)
        later = [point for point in points if point.concurrency > low.concurrency]
        chosen_throughput, chosen_concurrency, chosen_latency = low.throughput, low.concurrency, low.latency_ms
        if later and later[0].latency_ms > low.latency_ms:
            high = later[0]
            share = (latency_target_ms - low.latency_ms) / (high.latency_ms - low.latency_ms)
            chosen_throughput = low.throughput + share * (high.throughput - low.throughput)
            chosen_concurrency = low.concurrency + share * (high.concurrency - low.concurrency)
            chosen_latency = latency_target_ms
    limited = chosen_throughput < best.throughput
    streams = None if role == "self-hosted-llm" else chosen_concurrency
    return OperatingPoint(chosen_throughput, streams, chosen_latency, limited)


@dataclass
class SlotSizing(Generic[M]):
    """One hour (or group of hours with the same load) of the traffic shape, and the GPUs it needs."""

    label: str
    """Which hours: 'open hours' without a profile, else the profile hours with this load."""
    hours_per_month: Span[M]
    open: bool
    rate: Span[M]
    """Calls a second the hours are sized for."""
    work_seconds_per_call: Span[M]
    occupancy_seconds_per_call: Span[M] | None
    gpus_for_throughput: Span[M]
    gpus_for_concurrency: Span[M]
    gpus: Span[M]
    """GPUs running in these hours."""
    stream_rate: Span[M] | None = None
    """Calls a second the streams are sized for, when not `rate` (a peak given below the average)."""

    # Worked out when shown (capacity, exact), so sweeps pay only for the GPU counts.
    @property
    def calls_per_hour(self) -> Span[M]:
        return self.rate * 3600

    @property
    def busy_gpus(self) -> Span[M]:
        """GPUs the work keeps busy at full throughput (load), at the busiest moment sized for."""
        return nonneg_product(self.rate, self.work_seconds_per_call)

    @property
    def streams(self) -> Span[M]:
        """Live streams at once (ASR, TTS; 0 for an LLM)."""
        rate = self.stream_rate if self.stream_rate is not None else self.rate
        if self.occupancy_seconds_per_call is None:
            return rate * 0
        return nonneg_product(rate, self.occupancy_seconds_per_call)


@dataclass
class GpuSizing(Generic[M]):
    """How many GPUs a self-hosted component runs, hour by hour, and the GPU-hours billed for a month."""

    point: OperatingPoint
    work_seconds_per_call: Span[M]
    """GPU-seconds of work one call gives the model at the operating point's throughput."""
    slots: list[SlotSizing[M]]
    gpus: Span[M]
    """The most GPUs running in any hour."""
    min_gpus: Span[M]
    gpu_hours_per_month: Span[M]
    """GPU-hours billed a month (spot: including the interruption overhead)."""
    floor_gpu_hours: Span[M]
    """The part of gpu_hours_per_month paid whatever the volume (min_gpus)."""
    open_hours_per_month: Span[M]


def throughput_entry(component: StackComponent, sku: Sku) -> Throughput:
    return next(e for e in sku.throughput if e.workload == component.workload)


@dataclass
class _Level(Generic[M]):
    """One level of load of the traffic shape: hours a month, open or not, and calls a second."""

    label: str
    hours: Span[M]
    open: bool
    rate: Span[M]
    """Calls a second at the busiest moment sized for (sizes streams and throughput)."""
    average_rate: Span[M] | None = None
    """Without a profile: calls a second spread over the hours the GPUs run, a floor under the throughput
    sizing (a peak given directly, or a ratio below 1, cannot undercut the month's work)."""


def _is_at_least_one(value: Span[M]) -> bool:
    return value.low is value.high and isinstance(value.low, Decimal | float | int) and value.low >= 1


def _traffic_levels(component: StackComponent, p: Profile[M], ops: Ops[M]) -> list[_Level[M]]:
    """Each distinct level of load of the traffic shape."""
    if p.traffic_profile is None:
        # One level: every open hour sized for the busiest, average × peak ratio (or the peak given directly).
        average = nonneg_quotient(p.calls_per_month, nonneg_product(p.operating_hours_per_month, ops.const(3600)))
        if p.peak_given:
            # Calls in progress ÷ call length is the rate of calls at the peak. A call shorter than a second (a
            # sweep or break-even from 0 s of audio) is counted as one second: its work is ~0 either way, and
            # 0 ÷ 0 would make the GPU count undefined.
            peak = p.peak_concurrent_calls / ops.maximum(p.call_duration_seconds, ops.const(1))
        else:
            peak = nonneg_product(average, p.peak_to_average_ratio)
        floor: Span[M] | None = None
        if p.peak_given or not _is_at_least_one(p.peak_to_average_ratio):
            # Always-on GPUs do the month's work over the hours they run; other policies over the open hours.
            hours = (ops.const(component.gpu_hours_per_month) if component.scaling == "always-on"
                     else p.operating_hours_per_month)
            floor = nonneg_quotient(p.calls_per_month, nonneg_product(hours, ops.const(3600)))
        return [_Level("open hours", p.operating_hours_per_month, True, peak, floor)]
    weights = p.traffic_profile
    total = sum(weights, Decimal(0))
    hours_each = HOURS_PER_MONTH / len(weights)
    levels: list[_Level[M]] = []
    # Hours with the same weight have the same load: sized once, which keeps sweeps fast over 168-hour weeks.
    for weight in sorted(set(weights), reverse=True):
        hours_of_day = [i for i, w in enumerate(weights) if w == weight]
        rate = nonneg_product(p.calls_per_month, ops.const(weight / total / (hours_each * 3600)))
        levels.append(_Level(_hours_label(hours_of_day, len(weights)), ops.const(hours_each * len(hours_of_day)),
                             weight > 0, rate))
    return levels


def _hours_label(hours: list[int], length: int) -> str:
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

    def name(hour: int) -> str:
        return f"{hour:02d}h" if length == 24 else f"{days[hour // 24]} {hour % 24:02d}h"

    runs: list[tuple[int, int]] = []
    for hour in hours:
        if runs and runs[-1][1] == hour - 1:
            runs[-1] = (runs[-1][0], hour)
        else:
            runs.append((hour, hour))
    parts = [name(a) if a == b else f"{name(a)}-{name(b + 1) if b + 1 < length else 'end'}" for a, b in runs]
    return ", ".join(parts) if len(parts) <= 3 else f"{', '.join(parts[:3])} … ({len(hours)} h)"


def _is_one(value: Span[M]) -> bool:
    return value.low is value.high and isinstance(value.low, Decimal | float | int) and value.low == 1


def nonneg_product(a: Span[M], b: Span[M]) -> Span[M]:
    """a × b for non-negative spans, end by end: the interval product without its four-way min and max."""
    if _is_one(b):  # one GPU per scale step, one hour per GPU-hour: nothing to multiply on a sweep's arrays
        return a
    if a.low is a.high and b.low is b.high:
        point = a.low * b.low
        return Span(point, point)
    return Span(a.low * b.low, a.high * b.high)


def nonneg_quotient(a: Span[M], b: Span[M]) -> Span[M]:
    """a ÷ b for a non-negative span over a positive one (every divisor here is validated above 0)."""
    if _is_one(b):
        return a
    if a.low is a.high and b.low is b.high:
        point = a.low / b.low
        return Span(point, point)
    return Span(a.low / b.high, a.high / b.low)


def _work_per_call(
    component: StackComponent, entry: Throughput, point: OperatingPoint, p: Profile[M], ops: Ops[M]
) -> tuple[Span[M], Span[M] | None]:
    """(GPU-seconds of work, stream-seconds of occupancy or None for an LLM) one call gives the model."""
    rate = ops.const(point.throughput)
    if component.role == "self-hosted-llm":
        # Each turn prefills what is new to the prefix cache and generates the reply: work, not the call's length.
        work = nonneg_quotient(p.agent_text_tokens, rate)
        if entry.prefill_tokens_per_second is not None:
            cacheable = p.system_prompt_history_tokens + p.caller_transcript_history_tokens + p.agent_text_history_tokens
            prefill = p.system_prompt_tokens + p.caller_transcript_tokens + cacheable * (1 - p.cache_hit_fraction)
            work = work + nonneg_quotient(prefill, ops.const(entry.prefill_tokens_per_second))
        return work, None
    # Streaming ASR follows the caller's audio, TTS the agent's spoken reply.
    audio = p.caller_seconds if component.role == "self-hosted-asr" else p.agent_seconds
    if point.real_time_factor is not None:
        return nonneg_product(audio, ops.const(point.real_time_factor)), audio
    return nonneg_quotient(audio, rate), audio


def gpu_sizing(component: StackComponent, sku: Sku, p: Profile[M], ops: Ops[M]) -> GpuSizing[M]:
    """GPUs per level of load and GPU-hours for the month, by the component's scaling policy and purchase option."""
    entry = throughput_entry(component, sku)
    point = operating_point(entry, component.role, component.latency_target_ms)
    if component.serving == "batch" and point.streams is not None:
        # Whole utterances are queued and batched: no stream is held, throughput alone limits a GPU.
        point = OperatingPoint(point.throughput, None, point.latency_ms, point.limited_by_latency,
                               point.real_time_factor)
    work, occupancy = _work_per_call(component, entry, point, p, ops)
    step = ops.const(component.scale_step_gpus)
    per_throughput_step = ops.const(component.utilisation * component.scale_step_gpus)
    floor = ops.const(component.min_gpus)
    zero = ops.const(0)
    slots: list[SlotSizing[M]] = []
    # Work per call ÷ (utilisation × step) folded into one constant: one array product per level of load.
    gpus_per_rate = nonneg_quotient(work, per_throughput_step)
    streams_per_rate = None
    if occupancy is not None and point.streams is not None:
        streams_per_rate = nonneg_quotient(occupancy, ops.const(point.streams) * step)
    for level in _traffic_levels(component, p, ops):
        label, hours, is_open, rate = level.label, level.hours, level.open, level.rate
        for_throughput = nonneg_product(ops.ceil(nonneg_product(rate, gpus_per_rate)), step)
        if level.average_rate is not None:
            # Two rounded quantities, each linear in volume, rather than one of their maximum: break-evens solve both.
            by_average = nonneg_product(ops.ceil(nonneg_product(level.average_rate, gpus_per_rate)), step)
            for_throughput = ops.maximum(for_throughput, by_average)
            rate_shown = ops.maximum(rate, level.average_rate)
        else:
            rate_shown = rate
        for_concurrency = zero
        need = for_throughput
        if streams_per_rate is not None:
            for_concurrency = nonneg_product(ops.ceil(nonneg_product(rate, streams_per_rate)), step)
            need = ops.maximum(for_throughput, for_concurrency)
        gpus = ops.maximum(floor, need) if is_open else floor
        slots.append(SlotSizing(label, hours, is_open, rate_shown, work, occupancy, for_throughput, for_concurrency,
                                gpus, rate))
    peak = slots[0].gpus
    for slot in slots[1:]:
        peak = ops.maximum(peak, slot.gpus)
    open_hours = zero
    for slot in slots:
        if slot.open:
            open_hours = open_hours + slot.hours_per_month
    if component.scaling == "always-on":
        hours = ops.const(component.gpu_hours_per_month)
        gpu_hours, floor_hours = nonneg_product(peak, hours), nonneg_product(floor, hours)
    elif component.scaling == "scheduled":
        gpu_hours, floor_hours = nonneg_product(peak, open_hours), nonneg_product(floor, open_hours)
    else:
        # Autoscaled: each level of load gets its own GPUs for its hours; min_gpus stay warm all month.
        gpu_hours = zero
        for slot in slots:
            gpu_hours = gpu_hours + nonneg_product(slot.gpus, slot.hours_per_month)
        if p.traffic_profile is None:  # without a profile the closed hours are not a slot
            gpu_hours = gpu_hours + nonneg_product(floor, ops.maximum(ops.const(HOURS_PER_MONTH) - open_hours, zero))
        floor_hours = nonneg_product(floor, ops.const(HOURS_PER_MONTH))
    if component.purchase == "spot":
        overhead = ops.const(1 + component.interruption_overhead)
        gpu_hours, floor_hours = nonneg_product(gpu_hours, overhead), nonneg_product(floor_hours, overhead)
    return GpuSizing(point, work, slots, peak, floor, gpu_hours, floor_hours, open_hours)


def self_hosted_usage(component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    sizing = gpu_sizing(component, sku, p, ops)
    return [("usd_per_gpu_hour", sizing.gpu_hours_per_month)]


def price_factor(component: StackComponent) -> Decimal:
    """What share of the on-demand GPU-hour price this component's purchase option pays."""
    return 1 - component.purchase_discount


USAGE = {
    "asr": asr_usage,
    "llm": llm_usage,
    "audio-llm": audio_llm_usage,
    "tts": tts_usage,
    "telephony": telephony_usage,
    "self-hosted-asr": self_hosted_usage,
    "self-hosted-llm": self_hosted_usage,
    "platform": platform_usage,
    "self-hosted-tts": self_hosted_usage,
}
"""Usage function for each stack role."""


def component_usage(component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    """The meters one stack component runs up: per call, or per month for self-hosted GPUs and monthly fees."""
    return USAGE[component.role](component, sku, period, p, ops) + monthly_usage(period, p, ops)


# --- Monthly billing mechanics (issue 13, part B): fees any SKU may charge per month, whatever its role. ---


def concurrency_slots(period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Span[M]:
    """Paid concurrency slots: the peak concurrent calls rounded up to whole slots, less those included."""
    included = ops.const(period.included_concurrent_calls or 0)
    # maximum, not band: the slot count is a step (its steps are the ceil's whole numbers, which break-even
    # solvers already find), not a quantity affine in volume with an edge.
    return ops.maximum(ops.ceil(p.peak_concurrent_calls) - included, ops.const(0))


def monthly_usage(period: PricePeriod, p: Profile[M], ops: Ops[M]) -> Meters[M]:
    """Monthly meters of any SKU (quantities per month): a fixed fee (one month) and paid concurrency slots.

    Only fees the period sets are listed, so a SKU without them is untouched.
    """
    meters: Meters[M] = []
    if period.price("usd_per_month") is not None:
        meters.append(("usd_per_month", ops.const(1)))
    if period.price("usd_per_concurrency_slot_per_month") is not None:
        meters.append(("usd_per_concurrency_slot_per_month", concurrency_slots(period, p, ops)))
    return meters


def is_monthly(component: StackComponent) -> bool:
    """Self-hosted GPUs are rented by the month; everything else is billed per call."""
    return component.role.startswith("self-hosted")
