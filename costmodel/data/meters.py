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
