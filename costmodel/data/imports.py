"""Adapters: vendor usage exports turned into call records (costmodel.data.call_records).

Each adapter reads the vendor's documented field names, listed in its docstring and the README, and nothing
else. Where an export does not say how long each side spoke, the call's duration is split by `talk_split`
(caller share, agent share; default half each) — an assumption, shown in the README, that the caller can change.

- openai-realtime: JSON Lines of Realtime API server events as received, each with the logger's `session_id` and
  `timestamp` (ISO 8601 or epoch seconds) added at the top level; only `response.done` events are read, and
  their `response.usage`: `input_token_details.{text_tokens,audio_tokens,cached_tokens,cached_tokens_details}`,
  `output_token_details.{text_tokens,audio_tokens}`.
- twilio: Call resources (JSON list, `{"calls": [...]}` page, or CSV export): `sid`, `direction`, `duration`,
  `start_time`, `price`, `price_unit`.
- vapi: Call objects (JSON list): `id`, `startedAt`, `endedAt`, `costBreakdown.{transport,stt,llm,tts,vapi,total,
  llmPromptTokens,llmCompletionTokens,ttsCharacters}`, `costs[].{type,minutes}` (transcriber minutes), `messages`
  (user turns), `type` (inboundPhoneCall/outboundPhoneCall).
- retell: Call objects (JSON list): `call_id`, `start_timestamp`, `duration_ms`, `direction`,
  `call_cost.{product_costs,combined_cost}` (combined_cost in cents), `llm_token_usage.num_requests`.
- livekit: JSON Lines, one per agent session: `session_id`, `start_time`, optional `duration_seconds`, and `usage`,
  the Agents UsageCollector's `UsageSummary` as a dict (`llm_prompt_tokens`, `llm_prompt_cached_tokens`,
  `llm_completion_tokens`, `tts_characters_count`, `stt_audio_duration`; `tts_audio_duration` when present).
- pipecat: JSON Lines of usage metrics, one per MetricsData item: `session_id`, `timestamp`, `type`
  (`LLMUsageMetricsData`, `TTSUsageMetricsData`, `STTUsageMetricsData`), `processor`, `model`, `value`
  (`LLMTokenUsage` {prompt_tokens, completion_tokens, ...}; characters; seconds of audio).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from costmodel.data.call_records import CallRecord, record_of
from costmodel.data.input_files import MAX_EXPORT_BYTES, check_regular, json_loads, read_input, read_lines
from costmodel.errors import InputError

TalkSplit = tuple[Decimal, Decimal]
DEFAULT_TALK_SPLIT: TalkSplit = (Decimal("0.5"), Decimal("0.5"))
SPOKEN_CHARACTERS_PER_SECOND = Decimal(150) / 60 * 6
"""The scenario format's default speaking rate (150 words a minute) × characters per word (6): 15 characters a second."""


def _number(value: Any, what: str, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InputError(f"{what} is not a number: {value!r}", path=where) from None
    if not number.is_finite():
        raise InputError(f"{what} is not a finite number: {value!r}", path=where)
    return number


def _time(value: Any, where: str) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value) / (1000 if value > 1e11 else 1)  # epoch milliseconds from JavaScript exports
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):  # past year 9999, before year 1, or not finite
            raise InputError(f"not a time: {value!r} is out of range as epoch seconds", path=where) from None
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)  # Twilio: RFC 2822
            except (TypeError, ValueError):
                raise InputError(f"not a time: {value!r}", path=where) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise InputError(f"not a time: {value!r}", path=where)


def _parse_json(text: str, path: Path, line: int | None = None) -> Any:
    """JSON text parsed, every way it can fail a clean error: bad syntax, or nesting too deep for the parser."""
    try:
        return json_loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", path=path, line=line or exc.lineno) from None
    except RecursionError:
        raise InputError("not JSON that can be read: nested too deeply", path=path, line=line) from None


def _json(path: Path) -> Any:
    # Through the shared bounded reader: a regular file only, at most MAX_EXPORT_BYTES, UTF-8.
    return _parse_json(read_input(path, MAX_EXPORT_BYTES, "a JSON export"), path)


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, text in read_lines(path):
        if not text.strip():
            continue
        value = _parse_json(text, path, number)
        if not isinstance(value, dict):
            raise InputError("each line must be a JSON object", path=path, line=number)
        yield number, value


def _objects(path: Path, key: str | None = None) -> list[dict[str, Any]]:
    data = _json(path)
    if isinstance(data, dict) and key is not None and isinstance(data.get(key), list):
        data = data[key]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InputError("expected a JSON list of objects", path=path)
    return data


def _record(row: dict[str, Any], where: str) -> CallRecord:
    try:
        return record_of({k: v for k, v in row.items() if v is not None})
    except ValidationError as exc:
        error = exc.errors()[0]
        column = ".".join(str(p) for p in error["loc"]) or "row"
        raise InputError(str(error["msg"]).removeprefix("Value error, "), path=where, field=column) from None


def _dig(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


# ------------------------------------------------------------------------------------------------ OpenAI Realtime


def openai_realtime(path: Path, *, audio_rates: tuple[Decimal, Decimal] | None = None, **_: Any) -> list[CallRecord]:
    """Realtime `response.done` usage, aggregated per session.

    Per session: turns = responses; agent audio = Σ output audio tokens ÷ the output rate; caller audio = the
    last response's input audio tokens (the whole conversation's audio, caller and agent) minus the agent audio
    tokens before it, ÷ the input rate; agent text = Σ output text tokens; system prompt = the first response's
    input text tokens. `audio_rates` = (input, output) audio tokens per second (default: the bundled
    openai/gpt-realtime rates). Context truncation would make the caller audio an underestimate.
    """
    if audio_rates is None:
        from costmodel.data.catalog import load_catalog

        rates = load_catalog().sku("openai/gpt-realtime").audio_tokens
        assert rates is not None and rates.output_tokens_per_second is not None
        audio_rates = (rates.input_tokens_per_second, rates.output_tokens_per_second)
    in_rate, out_rate = audio_rates
    sessions: dict[str, dict[str, Any]] = {}
    for number, event in _lines(path):
        if event.get("type") != "response.done":
            continue
        where = f"{path}:{number}"
        session = event.get("session_id")
        if not isinstance(session, str) or not session:
            raise InputError("response.done event without the logger's session_id", path=path, line=number)
        usage = _dig(event, "response", "usage")
        if not isinstance(usage, dict):
            raise InputError("response.done event without response.usage", path=path, line=number)
        state = sessions.setdefault(session, {"start": _time(event.get("timestamp"), where), "turns": 0,
                                              "agent_audio": Decimal(0), "agent_text": Decimal(0),
                                              "last_input_audio": Decimal(0), "agent_audio_before": Decimal(0),
                                              "system": None, "where": where})
        input_audio = _number(_dig(usage, "input_token_details", "audio_tokens") or 0, "audio_tokens", where)
        input_text = _number(_dig(usage, "input_token_details", "text_tokens") or 0, "text_tokens", where)
        output_audio = _number(_dig(usage, "output_token_details", "audio_tokens") or 0, "audio_tokens", where)
        output_text = _number(_dig(usage, "output_token_details", "text_tokens") or 0, "text_tokens", where)
        state["start"] = min(state["start"], _time(event.get("timestamp"), where))
        state["turns"] += 1
        state["agent_audio_before"] = state["agent_audio"]
        state["agent_audio"] += output_audio
        state["agent_text"] += output_text
        state["last_input_audio"] = input_audio
        if state["system"] is None:
            state["system"] = input_text
    records = []
    for session, s in sessions.items():
        caller_tokens = max(Decimal(0), s["last_input_audio"] - s["agent_audio_before"])
        records.append(_record({
            "call_id": session, "start_time": s["start"], "turns": s["turns"],
            "caller_audio_seconds": caller_tokens / in_rate, "agent_audio_seconds": s["agent_audio"] / out_rate,
            "agent_text_tokens": s["agent_text"], "system_prompt_tokens": s["system"],
        }, s["where"]))
    return records


# ---------------------------------------------------------------------------------------------------- Twilio


def twilio(path: Path, *, talk_split: TalkSplit = DEFAULT_TALK_SPLIT, **_: Any) -> list[CallRecord]:
    """Twilio Call resources: duration split into caller and agent speech by `talk_split`; price as recorded.

    Twilio reports `price` as a negative amount (a charge) in `price_unit`; its absolute value is the actual cost.
    Directions `outbound-api` and `outbound-dial` are outbound.
    """
    if path.suffix.lower() == ".csv":
        text = read_input(path, MAX_EXPORT_BYTES, "a CSV export")
        try:
            rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise InputError(f"not a readable CSV file: {exc}", path=path) from None
    else:
        rows = _objects(path, "calls")
    records = []
    for index, call in enumerate(rows, start=1):
        where = f"{path}:{index + 1 if path.suffix.lower() == '.csv' else index}"
        duration = _number(call.get("duration") or 0, "duration", where)
        price = call.get("price")
        direction = str(call.get("direction") or "")
        records.append(_record({
            "call_id": call.get("sid"), "start_time": _time(call.get("start_time"), where),
            "caller_audio_seconds": duration * talk_split[0], "agent_audio_seconds": duration * talk_split[1],
            "call_duration_seconds": duration,
            "direction": "inbound" if direction == "inbound" else "outbound" if direction.startswith("outbound") else None,
            "actual_cost": abs(_number(price, "price", where)) if price not in (None, "") else None,
            "actual_cost_currency": str(call.get("price_unit") or "").upper() or None if price not in (None, "") else None,
        }, where))
    return records


# ------------------------------------------------------------------------------------------------------ Vapi


def vapi(path: Path, *, talk_split: TalkSplit = DEFAULT_TALK_SPLIT, **_: Any) -> list[CallRecord]:
    """Vapi call objects: caller audio from the transcriber's minutes (else the duration by `talk_split`), agent text
    from llmCompletionTokens, reply characters from ttsCharacters, actual cost = costBreakdown.total (USD)."""
    records = []
    for index, call in enumerate(_objects(path), start=1):
        where = f"{path}:{index}"
        start = _time(call.get("startedAt"), where)
        end = _time(call.get("endedAt"), where) if call.get("endedAt") else start
        duration = Decimal(str(max(0.0, (end - start).total_seconds())))
        breakdown = call.get("costBreakdown") or {}
        transcribed = [c for c in call.get("costs") or [] if isinstance(c, dict) and c.get("type") == "transcriber"]
        caller = sum((_number(c.get("minutes") or 0, "minutes", where) * 60 for c in transcribed), Decimal(0)) \
            if transcribed else duration * talk_split[0]
        messages = call.get("messages") or _dig(call, "artifact", "messages") or []
        turns = sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "user") or 1
        total = breakdown.get("total", call.get("cost"))
        kind = str(call.get("type") or "")
        records.append(_record({
            "call_id": call.get("id"), "start_time": start, "turns": turns, "caller_audio_seconds": caller,
            "agent_audio_seconds": duration * talk_split[1], "call_duration_seconds": duration,
            "agent_text_tokens": breakdown.get("llmCompletionTokens"),
            "agent_reply_characters": breakdown.get("ttsCharacters"),
            "direction": "inbound" if kind.startswith("inbound") else "outbound" if kind.startswith("outbound") else None,
            "actual_cost": _number(total, "costBreakdown.total", where) if total is not None else None,
            "actual_cost_currency": "USD" if total is not None else None,
        }, where))
    return records


# ----------------------------------------------------------------------------------------------------- Retell


def retell(path: Path, *, talk_split: TalkSplit = DEFAULT_TALK_SPLIT, **_: Any) -> list[CallRecord]:
    """Retell call objects: duration from duration_ms split by `talk_split`, turns = LLM requests, actual cost =
    call_cost.combined_cost ÷ 100 (Retell gives it in cents, USD)."""
    records = []
    for index, call in enumerate(_objects(path), start=1):
        where = f"{path}:{index}"
        duration = _number(call.get("duration_ms") or 0, "duration_ms", where) / 1000
        cents = _dig(call, "call_cost", "combined_cost")
        direction = call.get("direction")
        records.append(_record({
            "call_id": call.get("call_id"), "start_time": _time(call.get("start_timestamp"), where),
            "turns": _dig(call, "llm_token_usage", "num_requests") or 1,
            "caller_audio_seconds": duration * talk_split[0], "agent_audio_seconds": duration * talk_split[1],
            "call_duration_seconds": duration,
            "direction": direction if direction in ("inbound", "outbound") else None,
            "actual_cost": _number(cents, "call_cost.combined_cost", where) / 100 if cents is not None else None,
            "actual_cost_currency": "USD" if cents is not None else None,
        }, where))
    return records


# ---------------------------------------------------------------------------------------------------- LiveKit


def livekit(path: Path, *, talk_split: TalkSplit = DEFAULT_TALK_SPLIT, **_: Any) -> list[CallRecord]:
    """LiveKit Agents UsageSummary per session: caller audio = stt_audio_duration, agent text =
    llm_completion_tokens, reply characters = tts_characters_count, agent audio = tts_audio_duration or the
    characters at 15 a second (the scenario format's default speaking rate)."""
    records = []
    for number, line in _lines(path):
        where = f"{path}:{number}"
        usage = line.get("usage") or {}
        characters = _number(usage.get("tts_characters_count") or 0, "tts_characters_count", where)
        spoken = usage.get("tts_audio_duration")
        agent = _number(spoken, "tts_audio_duration", where) if spoken is not None else characters / SPOKEN_CHARACTERS_PER_SECOND
        records.append(_record({
            "call_id": line.get("session_id"), "start_time": _time(line.get("start_time"), where),
            "turns": line.get("turns") or 1,
            "caller_audio_seconds": _number(usage.get("stt_audio_duration") or 0, "stt_audio_duration", where),
            "agent_audio_seconds": agent, "agent_reply_characters": characters,
            "agent_text_tokens": usage.get("llm_completion_tokens"),
            "call_duration_seconds": line.get("duration_seconds"),
            "customer": line.get("customer"),
        }, where))
    return records


# ---------------------------------------------------------------------------------------------------- Pipecat


def pipecat(path: Path, *, talk_split: TalkSplit = DEFAULT_TALK_SPLIT, **_: Any) -> list[CallRecord]:
    """Pipecat usage metrics per session: turns = LLM usage reports, agent text = Σ completion_tokens, reply
    characters = Σ TTS characters, caller audio = Σ STT seconds, agent audio = characters at 15 a second, start =
    the first report's timestamp."""
    sessions: dict[str, dict[str, Any]] = {}
    for number, line in _lines(path):
        where = f"{path}:{number}"
        session = line.get("session_id")
        if not isinstance(session, str) or not session:
            raise InputError("metrics line without the logger's session_id", path=path, line=number)
        when = _time(line.get("timestamp"), where)
        s = sessions.setdefault(session, {"start": when, "turns": 0, "text": Decimal(0), "characters": Decimal(0),
                                          "stt": None, "where": where})
        s["start"] = min(s["start"], when)
        kind, value = line.get("type"), line.get("value")
        if kind == "LLMUsageMetricsData":
            s["turns"] += 1
            s["text"] += _number(_dig({"v": value}, "v", "completion_tokens") or 0, "completion_tokens", where)
        elif kind == "TTSUsageMetricsData":
            s["characters"] += _number(value or 0, "characters", where)
        elif kind == "STTUsageMetricsData":
            s["stt"] = (s["stt"] or Decimal(0)) + _number(value or 0, "seconds", where)
    records = []
    for session, s in sessions.items():
        if s["stt"] is None:
            raise InputError(f"session {session} has no STTUsageMetricsData, so the caller's audio is unknown",
                             path=s["where"])
        records.append(_record({
            "call_id": session, "start_time": s["start"], "turns": max(1, s["turns"]),
            "caller_audio_seconds": s["stt"], "agent_audio_seconds": s["characters"] / SPOKEN_CHARACTERS_PER_SECOND,
            "agent_reply_characters": s["characters"], "agent_text_tokens": s["text"],
        }, s["where"]))
    return records


SOURCES: dict[str, Callable[..., list[CallRecord]]] = {
    "openai-realtime": openai_realtime,
    "twilio": twilio,
    "vapi": vapi,
    "retell": retell,
    "livekit": livekit,
    "pipecat": pipecat,
}
"""Vendor export kind → adapter."""


def convert(kind: str, path: str | Path, **options: Any) -> list[CallRecord]:
    """A vendor export as call records."""
    adapter = SOURCES.get(kind)
    if adapter is None:
        from costmodel.errors import UnknownIdError

        raise UnknownIdError("export kind", kind, SOURCES)
    path = Path(path)
    check_regular(path, "an export file")
    return adapter(path, **options)
