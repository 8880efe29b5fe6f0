"""`scenarios` and `stacks` shown: one row per call profile or stack (text, Markdown, CSV) and JSON."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from costmodel.core.interval import Span
from costmodel.data.records import Range, Scenario, Stack
from costmodel.views.envelope import document
from costmodel.views.formatting import Column, Row, Rows, quantity_text, span_json, to_json


def scenario_rows(scenarios: Mapping[str, Scenario]) -> Rows:
    """One row per scenario, by id: its volume, turns and caller audio (per turn when given so)."""
    rows: list[Row] = []
    for scenario_id, s in sorted(scenarios.items()):
        caller = s.caller_audio_seconds if s.caller_audio_seconds is not None else s.caller_audio_seconds_per_turn
        assert caller is not None, "the Scenario model requires one of the two"
        rows.append(
            {
                "id": scenario_id,
                "title": s.title,
                "calls_per_month": quantity_text(Span.of(s.calls_per_month)),
                "turns": quantity_text(Span.of(s.turns)),
                "caller": quantity_text(Span.of(caller)) + (" per turn" if s.caller_audio_seconds is None else ""),
            }
        )
    columns = [Column("id", "scenario"), Column("title", "title"), Column("calls_per_month", "calls/month", "right"),
               Column("turns", "turns", "right"), Column("caller", "caller audio (s)", "right")]
    return Rows(rows, columns)


def stack_rows(stacks: Mapping[str, Stack]) -> Rows:
    """One row per stack, by id: its architecture and components (role: SKU)."""
    rows: list[Row] = [
        {
            "id": stack_id,
            "title": stack.title,
            "architecture": stack.architecture,
            "components": ", ".join(f"{c.role}: {c.sku}" for c in stack.components),
        }
        for stack_id, stack in sorted(stacks.items())
    ]
    columns = [Column("id", "stack"), Column("architecture", "architecture"), Column("title", "title"),
               Column("components", "components")]
    return Rows(rows, columns)


SCENARIO_QUANTITIES = ("calls_per_month", "turns", "caller_audio_seconds", "caller_audio_seconds_per_turn",
                       "agent_audio_seconds", "agent_audio_seconds_per_turn")
"""The scenario fields `scenarios --format json` lists, each `{low, high}` (or null where the file leaves it out)."""


def scenario_document(scenarios: Mapping[str, Scenario]) -> dict[str, Any]:
    """The JSON document of `scenarios`: one entry per scenario, by id, quantities as exact `{low, high}`."""
    entries = [
        {
            "id": scenario_id,
            "title": s.title,
            **{name: _span(getattr(s, name)) for name in SCENARIO_QUANTITIES},
            "description": s.description,
            "source": s.source,
        }
        for scenario_id, s in sorted(scenarios.items())
    ]
    return document("scenarios", {"scenarios": entries}, as_of=None, currency=None)


def stack_document(stacks: Mapping[str, Stack]) -> dict[str, Any]:
    """The JSON document of `stacks`: one entry per stack, by id, its components in the stack format's fields."""
    entries = [
        {"id": stack_id, "title": stack.title, "architecture": stack.architecture,
         "components": to_json(list(stack.components))}
        for stack_id, stack in sorted(stacks.items())
    ]
    return document("stacks", {"stacks": entries}, as_of=None, currency=None)


def _span(value: Decimal | Range | None) -> dict[str, str] | None:
    return None if value is None else span_json(Span.of(value))
