"""Independent cross-check of the bundled prices against pydantic's genai-prices (a pinned dev dependency).

Every SKU both price sheets know is priced on several dates (each of its period starts and 2026-11-30) for a
fixed usage of each meter; our cost and genai-prices' cost must agree to 1e-9 USD, meter by meter. A
disagreement passes only when tests/crosscheck_known_differences.yaml lists it (SKU, meter, both values) with
its reason and source; an entry that no longer matches anything fails too, so the list stays true.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import genai_prices  # a pinned dev dependency: when missing the suite fails, it does not skip
import yaml

from costmodel.data.catalog import Catalog, price_in_force
from costmodel.data.records import Range
from costmodel.errors import NoPriceError

KNOWN = Path(__file__).with_name("crosscheck_known_differences.yaml")
TODAY = date(2026, 11, 30)
TOLERANCE = Decimal("1e-9")
TOKENS = Decimal(1234)
"""The fixed usage: 1,234 tokens of each meter (or 1,234 seconds of audio for duration prices)."""

# Our SKU → (genai-prices provider id, model reference).
COUNTERPARTS: dict[str, tuple[str, str]] = {
    "anthropic/claude-3.5-sonnet": ("anthropic", "claude-3-5-sonnet-20241022"),
    "google/gemini-1.5-flash": ("google", "gemini-1.5-flash"),
    "google/gemini-2.0-flash": ("google", "gemini-2.0-flash"),
    "google/gemini-2.5-flash": ("google", "gemini-2.5-flash"),
    "google/gemini-live-2.5-flash": ("google", "gemini-live-2.5-flash"),
    "google/gemini-3.1-flash-live-preview": ("google", "gemini-3.1-flash-live-preview"),
    "openai/gpt-audio-mini": ("openai", "gpt-audio-mini"),
    "openai/gpt-audio": ("openai", "gpt-audio"),
    "openai/gpt-4o-audio-preview": ("openai", "gpt-4o-audio-preview"),
    "openai/gpt-4o-mini-audio-preview": ("openai", "gpt-4o-mini-audio-preview"),
    "openai/gpt-realtime": ("openai", "gpt-realtime"),
    "openai/gpt-realtime-2": ("openai", "gpt-realtime-2"),
    "openai/gpt-realtime-mini": ("openai", "gpt-realtime-mini"),
    "openai/gpt-4o-realtime-preview": ("openai", "gpt-4o-realtime-preview"),
    "openai/gpt-4o-mini-realtime-preview": ("openai", "gpt-4o-mini-realtime-preview"),
    "openai/gpt-4o": ("openai", "gpt-4o"),
    "openai/gpt-4o-mini": ("openai", "gpt-4o-mini"),
    "openai/gpt-4o-transcribe": ("openai", "gpt-4o-transcribe"),
    "openai/gpt-4o-mini-transcribe": ("openai", "gpt-4o-mini-transcribe"),
    "openai/gpt-4o-mini-tts": ("openai", "gpt-4o-mini-tts"),
    "openai/gpt-realtime-whisper": ("openai", "gpt-realtime-whisper"),
    "groq/llama-3.1-8b-instant": ("groq", "llama-3.1-8b-instant"),
    "together/llama-3.1-8b-instruct-turbo": ("together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"),
    "fireworks/llama-v3p1-8b-instruct": ("fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct"),
    "aws/nova-2-sonic": ("aws", "amazon.nova-2-sonic-v1:0"),
    "aws/nova-sonic": ("aws", "amazon.nova-sonic-v1:0"),
    "azure/gpt-realtime-mini-eu-data-zone": ("azure", "gpt-realtime-mini"),
}

# Our price field → genai-prices ModelPrice attribute (per 1M tokens), and the duration price (per hour).
METERS: dict[str, str] = {
    "usd_per_million_input_tokens": "input_mtok",
    "usd_per_million_cached_input_tokens": "cache_read_mtok",
    "usd_per_million_output_tokens": "output_mtok",
    "usd_per_million_audio_input_tokens": "input_audio_mtok",
    "usd_per_million_cached_audio_input_tokens": "cache_audio_read_mtok",
    "usd_per_million_audio_output_tokens": "output_audio_mtok",
}


@dataclass(frozen=True)
class Difference:
    sku: str
    field: str
    ours: str
    theirs: str
    on: date


def _ours(value: Decimal | Range | None) -> Decimal | None:
    # A range is compared end by end only if both ends agree; otherwise it is a difference to explain.
    if isinstance(value, Range):
        return value.low if value.low == value.high else None
    return value


def _theirs(price: Any, attribute: str) -> Decimal | None:
    value = getattr(price, attribute, None)
    if value is None:
        return None
    base = getattr(value, "base", value)  # tiered prices: the first tier (prompts up to the first threshold)
    return Decimal(str(base))


def _genai_price(provider: str, model: str, on: date) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = genai_prices.calc_price(
            genai_prices.Usage(input_tokens=1, output_tokens=1),
            model_ref=model,
            provider_id=provider,
            genai_request_timestamp=datetime(on.year, on.month, on.day, 12, tzinfo=UTC),
        )
    return result.model_price


def _text(value: Decimal | Range | None) -> str:
    if value is None:
        return "none"
    if isinstance(value, Range):
        return f"{value.low}-{value.high}"
    return format(value.normalize(), "f")


def _dates(catalog: Catalog, sku_id: str) -> list[date]:
    sku = catalog.skus[sku_id]
    candidates = sorted({period.effective_from for period in sku.periods} | {TODAY})
    priced = []
    for on in candidates:
        try:
            price_in_force(sku, on)
        except NoPriceError:
            continue
        priced.append(on)
    return priced


def differences(catalog: Catalog) -> list[Difference]:
    """Every meter on which the bundled price and genai-prices' cost the fixed usage differently."""
    found: list[Difference] = []
    for sku_id, (provider, model) in sorted(COUNTERPARTS.items()):
        for on in _dates(catalog, sku_id):
            period = price_in_force(catalog.skus[sku_id], on)
            theirs = _genai_price(provider, model, on)
            for field, attribute in METERS.items():
                mine, other = period.price(field), _theirs(theirs, attribute)
                a = _ours(mine)
                # Cost of the fixed usage on each side, per 1M tokens priced.
                cost_a = None if a is None else TOKENS * a / 1_000_000
                cost_b = None if other is None else TOKENS * other / 1_000_000
                if cost_a is None and cost_b is None:
                    continue
                if (mine is not None and a is None) or cost_a is None or cost_b is None or abs(cost_a - cost_b) > TOLERANCE:
                    found.append(Difference(sku_id, field, _text(mine), _text(other), on))
            # Duration-billed models: our price per minute against theirs per audio hour.
            minute = _ours(period.price("usd_per_audio_minute"))
            hour = _theirs(theirs, "audio_hours")
            if minute is not None or hour is not None:
                cost_a = None if minute is None else TOKENS / 60 * minute
                cost_b = None if hour is None else TOKENS / 3600 * hour
                if cost_a is None or cost_b is None or abs(cost_a - cost_b) > TOLERANCE:
                    found.append(Difference(sku_id, "usd_per_audio_minute", _text(minute), _text(hour), on))
    return found


def known() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load(KNOWN.read_text())["differences"]
    for entry in entries:
        assert entry.get("reason") and entry.get("source"), f"{entry} needs a reason and a source"
    return entries


def _explained(difference: Difference, entry: dict[str, Any]) -> bool:
    return (
        entry["sku"] == difference.sku
        and entry["field"] == difference.field
        and str(entry["ours"]) == difference.ours
        and str(entry["theirs"]) == difference.theirs
    )


def test_every_counterpart_exists(catalog: Catalog) -> None:
    for sku_id, (provider, model) in COUNTERPARTS.items():
        assert sku_id in catalog.skus, sku_id
        assert _genai_price(provider, model, TODAY) is not None, (provider, model)


def test_bundled_prices_agree_with_genai_prices_or_the_difference_is_explained(catalog: Catalog) -> None:
    entries = known()
    unexplained = [d for d in differences(catalog) if not any(_explained(d, e) for e in entries)]
    assert not unexplained, "unexplained disagreements with genai-prices:\n" + "\n".join(
        f"  {d.sku} {d.field} on {d.on}: ours {d.ours}, genai-prices {d.theirs}" for d in unexplained
    )


def test_every_known_difference_still_occurs(catalog: Catalog) -> None:
    found = differences(catalog)
    stale = [e for e in known() if not any(_explained(d, e) for d in found)]
    assert not stale, f"known differences that no longer occur (remove them): {stale}"


def test_the_comparison_catches_a_changed_price(catalog: Catalog) -> None:
    # The check is not vacuous: one cent more on gpt-4o-mini's input (0.15 → 0.16 per 1M) costs the fixed
    # 1,234 tokens 1,234 × 0.01 / 1,000,000 = 0.00001234 USD more, far above the 1e-9 tolerance.
    from dataclasses import replace

    sku = catalog.skus["openai/gpt-4o-mini"]
    last = sku.periods[-1]
    changed = replace(last, priced={**last.priced, "usd_per_million_input_tokens": Decimal("0.16")})
    bumped = Catalog(skus={**catalog.skus, sku.id: replace(sku, periods=[*sku.periods[:-1], changed])},
                     sku_paths=catalog.sku_paths)
    fresh = [d for d in differences(bumped) if d.sku == sku.id and d.field == "usd_per_million_input_tokens"]
    assert [(d.ours, d.theirs) for d in fresh] == [("0.16", "0.15"), ("0.16", "0.15")]  # 2024-10-01 and today
