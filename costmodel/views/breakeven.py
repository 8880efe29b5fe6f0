"""`breakeven`'s result shown: its crossings table (text, Markdown, CSV) and its JSON document."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costmodel.safe_text import for_format
from costmodel.views.baseline import PERCENT_PLACES, shift_json, signed
from costmodel.views.composition import composition_json, missing_warnings, notes, shared_json
from costmodel.views.envelope import document
from costmodel.views.formatting import (
    PER_CALL_PLACES,
    Column,
    Row,
    Rows,
    float_exact,
    float_text,
    money,
    table,
    whatif_column,
    whatif_lines,
)

if TYPE_CHECKING:  # the annotation only: the solver pulls in numpy
    from costmodel.analyses.breakeven import Answer, BreakEven, Crossing



def breakeven_rows(result: BreakEven) -> Rows:
    """One row per crossing, lowest value first; the `end` column only matters with ranged inputs."""
    cur, name = result.currency, result.field.name
    rows: list[Row] = []
    for c in result.crossings:
        value = float_text(c.value)
        if name == "turns" and c.kind == "equal":
            value += f" ({c.cheaper_above} cheaper from {math.floor(c.value) + 1} turns)"
        elif name == "calls_per_month" and c.kind == "equal":
            value += f" ({c.cheaper_above} cheaper from {math.floor(c.value) + 1:,} calls)"
        rows.append({
            "value": value,
            "kind": "equal cost" if c.kind == "equal" else "step (costs jump)",
            "end": c.end,
            "a": money(Decimal(repr(c.cost_a)), PER_CALL_PLACES),
            "b": money(Decimal(repr(c.cost_b)), PER_CALL_PLACES),
            "below": c.cheaper_below,
            "above": c.cheaper_above,
        })
    columns = [Column("value", name, "right"), Column("kind", "crossing")]
    if result.is_range:
        columns.append(Column("end", "inputs at"))
    columns += [
        Column("a", f"{result.stack_a} ({cur}/call{_missing(result, result.stack_a)})", "right"),
        Column("b", f"{result.stack_b} ({cur}/call{_missing(result, result.stack_b)})", "right"),
        Column("below", "cheaper below"), Column("above", "cheaper above"),
    ]
    return Rows(rows, columns)


def breakeven_csv(result: BreakEven) -> str:
    """`breakeven` as numeric CSV: one row per crossing, lowest value first; the value and both stacks' per-call
    costs as shortest round-trip decimals (cost columns named with the currency), the kind and end as words."""
    cur = result.currency.lower()
    missing = {stack: ", ".join(c.missing_roles) for stack, c in result.compositions.items()}
    runs = [("whatif", c) for c in result.crossings]
    if result.baseline is not None:  # --baseline: the crossings without what-ifs too, and each end's shift
        runs += [("baseline", c) for c in result.baseline.crossings]
    rows = [
        {
            **({"run": run} if result.baseline is not None else {}),
            **_shift_cells(result, c.end),
            "field": result.field.name, "value": float_exact(c.value), "kind": c.kind, "end": c.end,
            "stack_a": result.stack_a, "stack_b": result.stack_b,
            f"per_call_{cur}_a": float_exact(c.cost_a), f"per_call_{cur}_b": float_exact(c.cost_b),
            "cheaper_below": c.cheaper_below, "cheaper_above": c.cheaper_above, "method": c.method,
            "missing_roles_a": missing.get(result.stack_a, ""), "missing_roles_b": missing.get(result.stack_b, ""),
        }
        for run, c in runs
    ]
    keys = (*(("run",) if result.baseline is not None else ()), "field", "value", "kind", "end", "stack_a",
            "stack_b", f"per_call_{cur}_a", f"per_call_{cur}_b", "cheaper_below", "cheaper_above", "method",
            "missing_roles_a", "missing_roles_b", *(SHIFT_KEYS if result.baseline is not None else ()))
    return table(*whatif_column(rows, [Column(key, key) for key in keys], result.whatif), "csv")


SHIFT_KEYS = ("settled_from", "settled_from_baseline", "settled_from_change", "settled_from_change_pct")
"""--baseline's CSV columns: where the cheaper stack changes for good at the row's end, with and without the
what-ifs, the change and the change in percent (empty where either run never crosses)."""


def _shift_cells(result: BreakEven, end: str) -> dict[str, str]:
    if result.baseline is None:
        return {}
    shift = result.baseline.shifts.get("low" if end == "both" else end)
    cells = shift_json(shift) if shift is not None else {}
    return {key: cells.get(part) or "" for key, part in zip(SHIFT_KEYS, ("value", "baseline", "change", "percent"),
                                                             strict=True)}


def _missing(result: BreakEven, stack: str) -> str:
    """`, missing tts` in a stack's column header when it lacks a needed role (the one note CSV carries)."""
    composition = result.compositions.get(stack)
    return f", missing {', '.join(composition.missing_roles)}" if composition and composition.missing_roles else ""


def breakeven_document(result: BreakEven) -> dict[str, Any]:
    """The JSON shape of `breakeven`: floats from the vector path written as shortest round-trip decimals."""
    return document("breakeven", {
        "scenario": result.scenario,
        "stack_a": result.stack_a,
        "stack_b": result.stack_b,
        "over": result.field.name,
        "between": {"low": float_exact(result.low), "high": float_exact(result.high)},
        "ranged_inputs": result.is_range,
        "crossings": [_crossing_json(c) for c in result.crossings],
        "answers": {end: _answer_json(answer) for end, answer in result.answers.items()},
        "band": {"low": float_exact(result.band[0]), "high": float_exact(result.band[1])} if result.band else None,
        "cheaper_at_low": result.cheaper_at_low,
        "cheaper_at_high": result.cheaper_at_high,
        "notes": result.notes,
        **shared_json(result.shared),
        "stacks": {stack: composition_json(composition) for stack, composition in result.compositions.items()},
        **({"baseline": {
            "answers": {end: _answer_json(answer) for end, answer in result.baseline.answers.items()},
            "crossings": [_crossing_json(c) for c in result.baseline.crossings],
            "shifts": {end: shift_json(shift) for end, shift in result.baseline.shifts.items()},
        }} if result.baseline is not None else {}),
    }, as_of=result.as_of, currency=result.currency, whatif=result.whatif,
                    warnings=missing_warnings(result.shared, result.compositions))


def _crossing_json(c: Crossing) -> dict[str, Any]:
    return {"value": float_exact(c.value), "kind": c.kind, "end": c.end, "per_call_a": float_exact(c.cost_a),
            "per_call_b": float_exact(c.cost_b), "cheaper_below": c.cheaper_below, "cheaper_above": c.cheaper_above,
            "method": c.method}


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {"kind": answer.kind, "cheaper_at_low": answer.cheaper_at_low, "cheaper_at_high": answer.cheaper_at_high,
            "first_crossing": None if answer.first is None else float_exact(answer.first),
            "settled_from": None if answer.settled_from is None else float_exact(answer.settled_from),
            "crossings": answer.crossings}


def _sentence(result: BreakEven, answer: Answer, fmt: str) -> str:
    name = for_format(result.field.name, fmt)
    low, high = for_format(answer.cheaper_at_low, fmt), for_format(answer.cheaper_at_high, fmt)
    if answer.first is None or answer.settled_from is None:
        if answer.cheaper_at_low == answer.cheaper_at_high == "neither":
            a, b = for_format(result.stack_a, fmt), for_format(result.stack_b, fmt)
            return f"they never cross: {a} and {b} cost the same across the range"
        between = f"{float_text(result.low)} and {float_text(result.high)}"
        return f"they never cross between {between}: {low} is cheaper throughout"
    first, settled = float_text(answer.first), float_text(answer.settled_from)
    if answer.kind == "once":
        return f"{low} is cheaper below {name} = {first}, {high} above it"
    return (f"{low} is cheaper below {name} = {first}; up to {settled} the cheaper stack alternates "
            f"({answer.crossings} crossings at GPU or billing steps); from {settled} on, {high} is cheaper for good")


def answer_text(result: BreakEven, fmt: str, answers: dict[str, Answer] | None = None,
                lead: str = "Answer") -> str:
    """The break-even in a sentence (one per end of ranged inputs when the ends disagree); `answers` (default: the
    result's own) may be its baseline run's."""
    shown: dict[str, Answer] = {str(end): answer for end, answer in (answers or result.answers).items()}
    if len(set(shown.values())) == 1:
        return f"{lead}: {_sentence(result, next(iter(shown.values())), fmt)}."
    parts = [f"with the inputs at their {end} end, {_sentence(result, answer, fmt)}" for end, answer in shown.items()]
    return f"{lead}: {'; '.join(parts)}."


def shift_lines(result: BreakEven, fmt: str) -> list[str]:
    """--baseline in words: the answer without the what-ifs, and how far the crossing moved
    ("break-even moves from 1,666.67 to 3,333.33 calls_per_month (+100.0%)")."""
    if result.baseline is None:
        return []
    name = for_format(result.field.name, fmt)
    lines = [answer_text(result, fmt, result.baseline.answers, "Without the what-ifs")]
    shifts = result.baseline.shifts
    if len(set(shifts.values())) == 1:  # the ends of ranged inputs agree: one line
        shifts = {"point": next(iter(shifts.values()))}
    for end, shift in shifts.items():
        at = "" if end == "point" else f" (inputs at their {end} end)"
        if shift.baseline is None and shift.value is None:
            lines.append(f"Break-even{at}: none with or without the what-ifs.")
        elif shift.baseline is None or shift.value is None:
            before = "none" if shift.baseline is None else f"{name} = {float_text(shift.baseline)}"
            after = "none" if shift.value is None else f"{name} = {float_text(shift.value)}"
            lines.append(f"Break-even{at}: {before} without the what-ifs, {after} with them.")
        else:
            moved = None if shift.percent is None else signed(Decimal(repr(shift.percent)), PERCENT_PLACES, grouping=True)
            percent = "" if moved is None else f" ({moved}%)"
            verb = "stays at" if shift.change == 0 else "moves from"
            to = "" if shift.change == 0 else f" to {float_text(shift.value)}"
            lines.append(f"Break-even{at} {verb} {name} = {float_text(shift.baseline)}{to}{percent}.")
    return lines


def breakeven_text(result: BreakEven, fmt: str, every_crossing: bool = False) -> str:
    """`breakeven` as text or Markdown: the answer first, then the crossing (all of them with `every_crossing`);
    CSV lists every crossing."""
    cur, name = result.currency, result.field.name
    if fmt == "csv":
        return breakeven_csv(result)
    view = breakeven_rows(result)
    between = f"{float_text(result.low)} and {float_text(result.high)}"
    a, b = for_format(result.stack_a, fmt), for_format(result.stack_b, fmt)
    head = f"{for_format(result.scenario, fmt)}: {a} vs {b} as {for_format(name, fmt)} varies between {between}"
    lines = [f"**{head}**" if fmt == "markdown" else head,
             f"prices in force on {result.as_of} · {cur} per call",
             *whatif_lines(result.whatif, fmt), *notes(result.shared, result.compositions, fmt), ""]
    lines.append(answer_text(result, fmt))
    lines += shift_lines(result, fmt)
    if not result.crossings:
        return "\n".join(lines) + "\n"
    if len(result.crossings) == 1 or every_crossing:
        lines += ["", table(view.rows, view.columns, fmt).rstrip("\n")]
    else:
        lines.append(f"--all lists the {len(result.crossings)} crossings step by step (csv and json always do).")
    if result.band:
        lines.append(f"Break-even band with ranged inputs: {for_format(name, fmt)} from {float_text(result.band[0])} "
                     f"to {float_text(result.band[1])}.")
    lines += [f"Note: {for_format(note, fmt)}" for note in result.notes]
    lines.append("Break-evens are solved in float64 on the sweep formula; check one with "
                 "`costmodel compare SCENARIO --set FIELD=VALUE` (exact).")
    return "\n".join(lines) + "\n"
