"""Vendor adapters on small samples written here in each vendor's documented shape (field names from the vendors'
API references; values made up for the test)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from costmodel.cli import cli
from costmodel.data.imports import convert
from costmodel.errors import InputError


def jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def response_done(session: str, when: str, in_audio: int, in_text: int, out_audio: int, out_text: int) -> dict[str, Any]:
    return {"session_id": session, "timestamp": when, "type": "response.done", "event_id": "event_x",
            "response": {"object": "realtime.response", "id": "resp_x", "status": "completed", "usage": {
                "total_tokens": in_audio + in_text + out_audio + out_text, "input_tokens": in_audio + in_text,
                "output_tokens": out_audio + out_text,
                "input_token_details": {"text_tokens": in_text, "audio_tokens": in_audio, "cached_tokens": 0,
                                        "cached_tokens_details": {"text_tokens": 0, "audio_tokens": 0}},
                "output_token_details": {"text_tokens": out_text, "audio_tokens": out_audio}}}}


def test_openai_realtime_sessions(tmp_path: Path) -> None:
    events = [
        {"type": "session.created", "session_id": "s1", "timestamp": "2026-10-01T10:00:00Z"},
        # Turn 1: 50 caller audio tokens (5 s at 10/s), reply 200 audio tokens (10 s at 20/s) and 30 text tokens.
        response_done("s1", "2026-10-01T10:00:05Z", 50, 400, 200, 30),
        # Turn 2: input audio = turn 1's 50 + its reply's 200 + 80 new (8 s).
        response_done("s1", "2026-10-01T10:00:30Z", 330, 430, 100, 20),
        response_done("s2", "2026-10-01T11:00:00Z", 10, 100, 20, 5),
    ]
    records = convert("openai-realtime", jsonl(tmp_path / "events.jsonl", events),
                      audio_rates=(Decimal(10), Decimal(20)))
    s1, s2 = records
    assert s1.call_id == "s1" and s1.turns == 2
    assert s1.start_time == datetime(2026, 10, 1, 10, 0, 5, tzinfo=UTC)
    # Caller: the last input's audio (330) less the agent audio before it (200) = 130 tokens ÷ 10 = 13 s.
    assert s1.caller_audio_seconds == 13
    assert s1.agent_audio_seconds == 15  # (200 + 100) ÷ 20
    assert s1.agent_text_tokens == 50 and s1.system_prompt_tokens == 400
    assert (s2.caller_audio_seconds, s2.agent_audio_seconds, s2.turns) == (1, 1, 1)


def test_twilio_calls(tmp_path: Path) -> None:
    page = {"calls": [
        {"sid": "CA1", "direction": "inbound", "duration": "120", "start_time": "Thu, 01 Oct 2026 10:00:00 +0000",
         "price": "-0.01700", "price_unit": "USD", "status": "completed"},
        {"sid": "CA2", "direction": "outbound-api", "duration": "61", "start_time": "Thu, 01 Oct 2026 11:00:00 +0000",
         "price": None, "price_unit": "USD"},
    ]}
    path = tmp_path / "calls.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    one, two = convert("twilio", path)
    assert (one.call_id, one.direction, one.call_duration_seconds) == ("CA1", "inbound", 120)
    assert one.caller_audio_seconds == one.agent_audio_seconds == 60  # half each, the default talk split
    assert (one.actual_cost, one.actual_cost_currency) == (Decimal("0.01700"), "USD")
    assert two.direction == "outbound" and two.actual_cost is None
    csv_path = tmp_path / "calls.csv"
    csv_path.write_text("sid,direction,duration,start_time,price,price_unit\n"
                        'CA3,outbound-dial,30,"Thu, 01 Oct 2026 12:00:00 +0000",-0.004,USD\n', encoding="utf-8")
    (three,) = convert("twilio", csv_path, talk_split=(Decimal("0.6"), Decimal("0.3")))
    assert (three.caller_audio_seconds, three.agent_audio_seconds) == (18, 9)


def test_vapi_calls(tmp_path: Path) -> None:
    calls = [{"id": "v1", "type": "inboundPhoneCall", "startedAt": "2026-10-01T10:00:00.000Z",
              "endedAt": "2026-10-01T10:02:00.000Z", "cost": 0.21,
              "costs": [{"type": "transcriber", "minutes": 1.5, "cost": 0.015},
                        {"type": "transport", "minutes": 2, "cost": 0.02}],
              "costBreakdown": {"transport": 0.02, "stt": 0.015, "llm": 0.05, "tts": 0.025, "vapi": 0.1, "total": 0.21,
                                "llmPromptTokens": 5000, "llmCompletionTokens": 300, "ttsCharacters": 1200},
              "messages": [{"role": "system"}, {"role": "bot"}, {"role": "user"}, {"role": "bot"}, {"role": "user"}]}]
    path = tmp_path / "calls.json"
    path.write_text(json.dumps(calls), encoding="utf-8")
    (call,) = convert("vapi", path)
    assert call.call_duration_seconds == 120 and call.caller_audio_seconds == 90  # 1.5 transcriber minutes
    assert call.agent_audio_seconds == 60 and call.turns == 2
    assert (call.agent_text_tokens, call.agent_reply_characters) == (300, 1200)
    assert (call.actual_cost, call.direction) == (Decimal("0.21"), "inbound")


def test_retell_calls(tmp_path: Path) -> None:
    calls = [{"call_id": "r1", "direction": "outbound", "start_timestamp": 1790848800000, "end_timestamp": 1790848890000,
              "duration_ms": 90000, "llm_token_usage": {"values": [900, 1100, 1300], "average": 1100, "num_requests": 3},
              "call_cost": {"product_costs": [{"product": "elevenlabs_tts", "unit_price": 0.07, "cost": 10.5}],
                            "total_duration_seconds": 90, "total_duration_unit_price": 0.1167, "combined_cost": 10.5}}]
    path = tmp_path / "calls.json"
    path.write_text(json.dumps(calls), encoding="utf-8")
    (call,) = convert("retell", path)
    assert call.start_time == datetime.fromtimestamp(1790848800, UTC)
    assert (call.call_duration_seconds, call.turns, call.direction) == (90, 3, "outbound")
    assert call.actual_cost == Decimal("0.105")  # 10.5 cents


def test_livekit_usage_summaries(tmp_path: Path) -> None:
    rows = [{"session_id": "room-1", "start_time": "2026-10-01T10:00:00Z", "duration_seconds": 95, "turns": 4,
             "usage": {"llm_prompt_tokens": 8000, "llm_prompt_cached_tokens": 2000, "llm_completion_tokens": 240,
                       "tts_characters_count": 900, "stt_audio_duration": 41.5}}]
    (call,) = convert("livekit", jsonl(tmp_path / "usage.jsonl", rows))
    assert (call.caller_audio_seconds, call.agent_text_tokens, call.agent_reply_characters) == (Decimal("41.5"), 240, 900)
    assert call.agent_audio_seconds == 60  # 900 characters at 15 a second (150 words a minute × 6 characters)
    assert (call.turns, call.call_duration_seconds) == (4, 95)


def test_pipecat_usage_metrics(tmp_path: Path) -> None:
    rows = [
        {"session_id": "p1", "timestamp": 1790848800, "type": "STTUsageMetricsData", "processor": "stt", "value": 12.5},
        {"session_id": "p1", "timestamp": 1790848805, "type": "LLMUsageMetricsData", "processor": "llm", "model": "m",
         "value": {"prompt_tokens": 900, "completion_tokens": 60, "total_tokens": 960}},
        {"session_id": "p1", "timestamp": 1790848806, "type": "TTSUsageMetricsData", "processor": "tts", "value": 150},
        {"session_id": "p1", "timestamp": 1790848820, "type": "LLMUsageMetricsData", "processor": "llm", "model": "m",
         "value": {"prompt_tokens": 1100, "completion_tokens": 40, "total_tokens": 1140}},
        {"session_id": "p1", "timestamp": 1790848821, "type": "TTFBMetricsData", "processor": "llm", "value": 0.3},
    ]
    (call,) = convert("pipecat", jsonl(tmp_path / "metrics.jsonl", rows))
    assert (call.turns, call.agent_text_tokens, call.agent_reply_characters) == (2, 100, 150)
    assert call.caller_audio_seconds == Decimal("12.5") and call.agent_audio_seconds == 10  # 150 ÷ 15
    bad = [{"session_id": "p2", "timestamp": 1790848800, "type": "TTSUsageMetricsData", "value": 10}]
    with pytest.raises(InputError, match="no STTUsageMetricsData"):
        convert("pipecat", jsonl(tmp_path / "bad.jsonl", bad))


def test_replay_reads_an_export_directly(tmp_path: Path) -> None:
    rows = [{"session_id": "room-1", "start_time": "2026-10-01T10:00:00Z",
             "usage": {"llm_completion_tokens": 240, "tts_characters_count": 900, "stt_audio_duration": 41.5}}]
    path = jsonl(tmp_path / "usage.jsonl", rows)
    result = CliRunner().invoke(cli, ["replay", str(path), "--from", "livekit", "--stacks", "budget-first",
                                      "--as-of", "2026-11-24", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["calls"] == 1


def test_an_export_with_a_bad_value_names_it(tmp_path: Path) -> None:
    path = tmp_path / "calls.json"
    path.write_text(json.dumps([{"call_id": "r1", "start_timestamp": "soon", "duration_ms": 1}]), encoding="utf-8")
    with pytest.raises(InputError, match=r"calls.json:1: not a time: 'soon'"):
        convert("retell", path)
