"""`--baseline` shown: a figure's change from the run without what-ifs, as text cells, JSON fields and CSV columns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from costmodel.analyses.baseline import Change, CrossingShift, CurveChanges
from costmodel.core.interval import Span
from costmodel.safe_text import for_format
from costmodel.views.formatting import Column, float_exact, float_span, money, span_columns, span_keys

PERCENT_PLACES = 1
"""Changes in percent are shown to one decimal place (JSON and CSV keep the computed figure)."""

BASELINE_NOTE = "Δ: change from the same run without the what-ifs (what-if − baseline), per call and per month."
SWEEP_BASELINE_NOTE = "Δ: change per call from the same sweep without the what-ifs (what-if − baseline)."


def signed(value: Decimal, places: int, grouping: bool = False) -> str:
    """+1.23, -1.23, or 0.00 when the change rounds to nothing."""
    text = money(abs(value), places, grouping)
    if text.strip("0.,") == "":
        return text
    return ("+" if value > 0 else "-") + text


def signed_span(value: Span[Decimal], places: int, grouping: bool = False, suffix: str = "") -> str:
    """A signed change: one figure, LOW–HIGH with one sign when both ends move the same way, else LOW to HIGH."""
    low, high = signed(value.low, places, grouping), signed(value.high, places, grouping)
    if low == high:
        return low + suffix
    if low[0] == high[0] and low[0] in "+-":
        return f"{low}–{high[1:]}{suffix}"
    return f"{low}{suffix} to {high}{suffix}"


def delta_text(change: Change | None, places: int, grouping: bool = False) -> str:
    """A change in money for a table cell ("–" when either run has no figure)."""
    return "–" if change is None else signed_span(change.delta, places, grouping)


def percent_text(change: Change | None) -> str:
    """A change in percent for a table cell ("–" when either run has no figure or the baseline is 0)."""
    if change is None or change.percent is None:
        return "–"
    return signed_span(change.percent, PERCENT_PLACES, suffix="%")


def change_json(change: Change | None) -> dict[str, Any] | None:
    """`{baseline, change, percent}` of a figure in JSON (spans as {low, high} exact decimal strings)."""
    if change is None:
        return None
    return {"baseline": change.baseline, "change": change.delta, "percent": change.percent}


def change_cells(key: str, change: Change | None) -> dict[str, str]:
    """Numeric CSV cells of a figure's change: KEY_baseline_low/high, KEY_change_low/high, KEY_change_pct_low/high
    (empty when there is no figure)."""
    return {
        **span_columns(f"{key}_baseline", change.baseline if change else None),
        **span_columns(f"{key}_change", change.delta if change else None),
        **span_columns(f"{key}_change_pct", change.percent if change else None),
    }


def change_keys(*keys: str) -> list[Column]:
    """The CSV columns change_cells fills for each key, in order."""
    return span_keys(*(f"{key}_{part}" for key in keys for part in ("baseline", "change", "change_pct")))


def baseline_lines(fmt: str, note: str = BASELINE_NOTE) -> list[str]:
    """The line under a title saying what the Δ columns are."""
    return [f"*{for_format(note, fmt)}*" if fmt == "markdown" else for_format(note, fmt)]


def point_change(changes: CurveChanges | None, index: int) -> Change | None:
    """One swept point of a stack's curve against the baseline sweep, as a Change of exact decimals (the floats'
    shortest round-trip forms); None when the baseline sweep has no curve for the stack."""
    if changes is None:
        return None
    import math

    low, high = float(changes.percent_low[index]), float(changes.percent_high[index])
    return Change(float_span(changes.baseline_low[index], changes.baseline_high[index]),
                  float_span(changes.change_low[index], changes.change_high[index]),
                  None if math.isnan(low) or math.isnan(high) else float_span(low, high))


def shift_json(shift: CrossingShift) -> dict[str, str | None]:
    """A crossing's shift in JSON: `baseline`, `value`, `change`, `percent` as decimal strings (null when none)."""
    return {key: None if number is None else float_exact(number)
            for key, number in (("baseline", shift.baseline), ("value", shift.value), ("change", shift.change),
                                ("percent", shift.percent))}
