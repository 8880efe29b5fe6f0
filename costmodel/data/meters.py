"""The price-field registry: one row per price a period may carry, from which the format, usage, engine and views derive.

Adding a way vendors bill is one row here plus the usage formula that counts its quantity (core/usage.py):
the price sheet's field, its JSON Schema, its sanity limit, the `--price` short name, table units and the
cost arithmetic all come from the row.
"""

from __future__ import annotations

from decimal import Decimal

from costmodel.plain_dataclass import dataclass


@dataclass(frozen=True, slots=True)
class PriceField:
    """One price field of a price period: what it prices, in which unit, and how usage is divided before pricing."""

    name: str
    """Field name in price sheets, unit in the name: usd_per_million_input_tokens."""
    alias: str
    """Short name for `--price SKU.ALIAS=...` and templates: input."""
    unit: str
    """What one price unit buys, shown after the currency: "1M input tokens" (USD per 1M input tokens)."""
    meter: str
    """What the usage quantity counts, shown in itemised bills: "text input tokens"."""
    quantity_per_unit: Decimal
    """Quantity in one price unit: cost = quantity × price ÷ this (1,000,000 tokens, 60 seconds, 1 hour)."""
    usd_ceiling: Decimal
    """Sanity limit: a price above it is almost certainly a unit mistake (per token instead of per 1M)."""
    description: str
    """The field's description in the price sheet format (JSON Schema)."""


_PER_MILLION = Decimal(1_000_000)
_CEILING_PER_MILLION = Decimal(1_000_000)  # $1 per token
_CEILING_PER_MINUTE = Decimal(100)
_CEILING_PER_GPU_HOUR = Decimal(1000)

PRICE_FIELDS: dict[str, PriceField] = {
    row.name: row
    for row in (
        PriceField("usd_per_million_input_tokens", "input", "1M input tokens", "text input tokens",
                   _PER_MILLION, _CEILING_PER_MILLION, "USD per 1M text input tokens."),
        PriceField("usd_per_million_cached_input_tokens", "cached_input", "1M cached input tokens",
                   "cached text input tokens", _PER_MILLION, _CEILING_PER_MILLION,
                   "USD per 1M cached text input tokens."),
        PriceField("usd_per_million_output_tokens", "output", "1M output tokens", "text output tokens",
                   _PER_MILLION, _CEILING_PER_MILLION, "USD per 1M text output tokens."),
        PriceField("usd_per_million_audio_input_tokens", "audio_input", "1M audio input tokens", "audio input tokens",
                   _PER_MILLION, _CEILING_PER_MILLION, "USD per 1M audio input tokens."),
        PriceField("usd_per_million_cached_audio_input_tokens", "cached_audio_input", "1M cached audio input tokens",
                   "cached audio input tokens", _PER_MILLION, _CEILING_PER_MILLION,
                   "USD per 1M cached audio input tokens."),
        PriceField("usd_per_million_audio_output_tokens", "audio_output", "1M audio output tokens",
                   "audio output tokens", _PER_MILLION, _CEILING_PER_MILLION, "USD per 1M audio output tokens."),
        PriceField("usd_per_audio_minute", "audio_minute", "audio minute", "billed audio seconds", Decimal(60),
                   _CEILING_PER_MINUTE,
                   "USD per minute of audio, billed per request after rounding (see billing_increment_seconds)."),
        PriceField("usd_per_audio_second", "audio_second", "audio second", "billed audio seconds", Decimal(1),
                   _CEILING_PER_MINUTE,
                   "USD per second of audio, billed per request after rounding (see billing_increment_seconds)."),
        PriceField("usd_per_million_characters", "characters", "1M characters", "characters", _PER_MILLION,
                   _CEILING_PER_MILLION, "USD per 1M characters of text spoken (TTS)."),
        PriceField("usd_per_gpu_hour", "gpu_hour", "GPU-hour", "GPU-hours", Decimal(1), _CEILING_PER_GPU_HOUR,
                   "USD per hour of one GPU, on demand."),
        PriceField("usd_per_telephony_minute", "telephony_minute", "telephony minute", "billed minutes", Decimal(1),
                   _CEILING_PER_MINUTE,
                   "USD per minute of a phone call leg, after rounding (see billing_increment_seconds)."),
    )
}
"""Every price field, in the order tables and sheets list them."""

PRICE_ALIASES: dict[str, str] = {row.alias: row.name for row in PRICE_FIELDS.values()}
"""Short name → field name, for `--price SKU.input=...`, sweeps and templates."""

DURATION_FIELDS: tuple[str, ...] = ("usd_per_audio_minute", "usd_per_audio_second")
"""Fields that price audio by its length (billed per request with increments and minimums); a period has one."""


# --- Per-call billing mechanics (issue 13 part A): realtime sessions, orchestration platforms, LLMs billed
# by call minute. Kept as one block so other mechanics can add their rows beside it without touching these.
_PER_CALL_ROWS = (
    PriceField("usd_per_active_minute", "active_minute", "active minute", "active seconds", Decimal(60),
               _CEILING_PER_MINUTE,
               "USD per minute of a realtime session while it is active, silence included (e.g. GPT-Live); "
               "see startup_billed_seconds and usd_per_standby_minute."),
    PriceField("usd_per_standby_minute", "standby_minute", "standby minute", "standby seconds", Decimal(60),
               _CEILING_PER_MINUTE,
               "USD per minute of a session or per-minute agent while idle, on standby or silent (the "
               "scenario's idle_seconds); without it idle time is billed at the active or per-minute rate."),
    PriceField("usd_per_platform_minute", "platform_minute", "platform minute", "billed platform seconds",
               Decimal(60), _CEILING_PER_MINUTE,
               "USD per minute of call for an orchestration platform's own fee (Vapi, Retell, Bland, LiveKit, "
               "Pipecat), after rounding (see billing_increment_seconds, minimum_billed_seconds)."),
    PriceField("usd_per_llm_minute", "llm_minute", "LLM minute", "billed LLM seconds", Decimal(60),
               _CEILING_PER_MINUTE,
               "USD per minute of call for an LLM a platform bills by call duration instead of tokens "
               "(Retell's LLM rates); see llm_prompt_scaling_tokens."),
)
PRICE_FIELDS.update({row.name: row for row in _PER_CALL_ROWS})
PRICE_ALIASES.update({row.alias: row.name for row in _PER_CALL_ROWS})


@dataclass(frozen=True, slots=True)
class ExtraMeter:
    """A bill line that is priced at an existing price field but counts something else (shown on its own line)."""

    name: str
    """Name usage formulas return for the quantity."""
    price_field: str
    """The registry field whose price it is billed at."""
    meter: str
    """What the quantity counts, in the price field's quantity unit."""


EXTRA_METERS: dict[str, ExtraMeter] = {
    row.name: row
    for row in (
        ExtraMeter("startup_seconds", "usd_per_active_minute", "start-up seconds"),
        ExtraMeter("llm_token_surcharge_seconds", "usd_per_llm_minute", "LLM token surcharge seconds"),
    )
}
"""Quantities billed at another field's price: a session's start-up charge, Retell's long-prompt surcharge."""

REGIONAL_UPLIFT = "regional_uplift"
"""The `price_field` of a bill line that adds a regional or data-residency uplift on a component's charges."""

LINE_UNITS: dict[str, str] = {REGIONAL_UPLIFT: "unit of the component's charges"}
"""Units of bill lines that are not priced from a sheet price field."""


def line_unit(price_field: str) -> str:
    """What one unit of a bill line's price buys: a registry field's unit, or a derived line's."""
    row = PRICE_FIELDS.get(price_field)
    return row.unit if row is not None else LINE_UNITS[price_field]


# --- Monthly billing mechanics (issue 13, part B): fees billed per month, not per call. ---

_CEILING_PER_MONTH = Decimal(1_000_000)
_CEILING_PER_SLOT = Decimal(100_000)

MONTHLY_PRICE_FIELDS: dict[str, PriceField] = {
    row.name: row
    for row in (
        PriceField("usd_per_month", "monthly_fee", "month", "months (monthly fee)", Decimal(1), _CEILING_PER_MONTH,
                   "USD a month whatever the volume: phone-number rental, a plan's subscription fee."),
        PriceField("usd_per_concurrency_slot_per_month", "concurrency_slot", "concurrency slot a month",
                   "concurrency slots beyond those included", Decimal(1), _CEILING_PER_SLOT,
                   "USD a month per concurrent-call slot beyond included_concurrent_calls "
                   "(slots = peak concurrent calls rounded up)."),
    )
}
"""Price fields billed once a month, not per call: their quantity is per month (one month, or paid slots)."""

PRICE_FIELDS.update(MONTHLY_PRICE_FIELDS)
PRICE_ALIASES.update({row.alias: row.name for row in MONTHLY_PRICE_FIELDS.values()})

FIXED_MONTHLY_FIELDS: frozenset[str] = frozenset({"usd_per_month"})
"""Monthly fields paid whatever the volume (part of the fixed monthly floor)."""


def seconds_per_unit(name: str) -> Decimal | None:
    """Seconds of time one price unit of a field buys (60 for a per-minute price, 1 per second), None if not time-priced.

    Read from the row's unit, so any per-minute field (telephony, audio, a platform fee) can carry included minutes.
    """
    unit = PRICE_FIELDS[name].unit
    if unit.endswith("minute"):
        return Decimal(60)
    if unit.endswith("second"):
        return Decimal(1)
    return None
