"""Scenario fields and prices in people's words: the unit of every scenario field, and chart labels for inputs."""

from __future__ import annotations

SCENARIO_UNITS: dict[str, str] = {
    "calls_per_month": "calls per month",
    "turns": "turns per call",
    "caller_audio_seconds": "seconds per call",
    "caller_audio_seconds_per_turn": "seconds per turn",
    "agent_audio_seconds": "seconds per call",
    "agent_audio_seconds_per_turn": "seconds per turn",
    "agent_text_tokens": "tokens per call",
    "agent_text_tokens_per_turn": "tokens per turn",
    "agent_reply_characters": "characters per call",
    "system_prompt_tokens": "tokens per turn",
    "cache_hit_fraction": "share, 0–1",
    "speaking_rate_words_per_minute": "words per minute",
    "tokens_per_word": "tokens per word",
    "characters_per_word": "characters per word",
    "call_duration_seconds": "seconds per call",
    "peak_concurrent_calls": "calls at once",
    "operating_hours_per_month": "hours per month",
    "peak_to_average_ratio": "ratio",
}
"""The unit of every scenario field, as printed in the report's assumptions table."""


def input_label(name: str) -> str:
    """A sensitivity input in words: `openai/gpt-4o.usd_per_million_input_tokens` → "openai/gpt-4o price per 1M input
    tokens"; `caller_audio_seconds` → "caller audio (seconds per call)"."""
    from costmodel.data.meters import PRICE_FIELDS

    if "/" in name and "." in name:
        sku, field = name.rsplit(".", 1)
        if field in PRICE_FIELDS:
            return f"{sku} price per {PRICE_FIELDS[field].unit}"
    words = name.split("_")
    unit = SCENARIO_UNITS.get(name, "")
    unit_words = unit.replace(",", "").split()
    for size in range(min(len(words), len(unit_words)), 0, -1):
        if words[-size:] == unit_words[:size]:
            words = words[:-size]
            break
    rest = " ".join(words)
    if not unit:
        return rest
    return f"{rest} ({unit})" if rest else unit
