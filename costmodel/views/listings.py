"""`scenarios` and `stacks` shown: one row per call profile or stack (text, Markdown, CSV) and JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from costmodel.core.interval import Span
from costmodel.data.records import Scenario, Stack
from costmodel.views.formatting import Column, Row, Rows, quantity_text


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


def listing_document(key: str, view: Rows) -> dict[str, Any]:
    """The JSON shape of `scenarios` and `stacks`: {key: rows}, each row as the table shows it."""
    return {key: [{name: str(value) for name, value in row.items()} for row in view.rows]}
