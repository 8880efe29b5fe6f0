"""Sensitivity: how far per-call cost moves when each scenario input and each price moves by ±X%, largest first.

Each input is moved alone, both ends of a range together, and the call is re-priced exactly with the engine
(Decimal), so the figures match `compare --set` / `--price` runs. Whole-number inputs (turns) are rounded
and kept at least 1; shares (cache_hit_fraction) are capped at 1. The swing is measured on the middle of the
per-call range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from costmodel.analyses.baseline import Change
from costmodel.analyses.estimate import estimate
from costmodel.core.interval import Span, float_ends
from costmodel.core.overrides import ALL_PRICES, PriceChange, WhatIf, apply_settings, parse_number, what_if
from costmodel.core.rounding import round_half_up
from costmodel.core.shared import Composition, Shared, shared_for
from costmodel.data.catalog import Catalog
from costmodel.data.records import (
    NUMBER_CEILING,
    NUMBER_FLOOR,
    SCENARIO_FIELDS,
    Range,
    Scenario,
    StackComponent,
    scenario_bounds,
    to_record,
)
from costmodel.errors import InputError, require

if TYPE_CHECKING:
    import pandas



@dataclass(frozen=True)
class SensitivityRow:
    """One input moved down and up by the step."""

    name: str
    """Scenario field name, or SKU.price_field for a price."""
    kind: Literal["scenario", "price"]
    base_value: Decimal | Range
    down_value: Decimal | Range
    up_value: Decimal | Range
    per_call_down: Span[Decimal]
    per_call_up: Span[Decimal]
    swing: Decimal
    """Largest move of the middle of the per-call cost from the base, either way (currency per call)."""


@dataclass
class SensitivityResult:
    scenario: str
    stack: str
    by: Decimal
    """The step as a fraction (0.2 for ±20%)."""
    as_of: date
    currency: str
    per_call: Span[Decimal]
    rows: list[SensitivityRow]
    """Inputs that move the cost, largest swing first."""
    no_effect: list[str] = field(default_factory=list)
    """Inputs that did not move the cost at all."""
    shared: Shared = field(default_factory=Shared)
    """Components the stack was priced with besides its own, and the roles the scenario needs."""
    composition: Composition = field(default_factory=Composition)
    """What the shared components changed on the stack, and the needed roles it lacks."""
    whatif: WhatIf = field(default_factory=WhatIf)
    """The what-ifs (--set, --price) this result was computed with; empty for a plain run."""
    baseline: Change | None = None
    """The base cost per call against the run without what-ifs (analyses/baseline.py, `--baseline`); None unless
    asked."""

    def to_frame(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, largest swing first (floats, for display; the rows are exact)."""
        require("pandas", "notebooks", "Data frames")
        import pandas

        records = []
        for row in self.rows:
            record: dict[str, Any] = {"input": row.name, "kind": row.kind}
            for name, value in (("base", row.base_value), ("down", row.down_value), ("up", row.up_value),
                                ("per_call_down", row.per_call_down), ("per_call_up", row.per_call_up)):
                record[f"{name}_low"], record[f"{name}_high"] = float_ends(value)
            record["swing"] = float(row.swing)
            records.append(record)
        return pandas.DataFrame.from_records(records).set_index("input")


def parse_step(text: str) -> Decimal:
    """'20%', '20' or '0.2' … as a fraction: 20% → 0.2 (a bare number above 1 is read as a percentage)."""
    raw = text.strip()
    value = parse_number(raw.removesuffix("%"), f"--by {text}")
    if raw.endswith("%") or value >= 1:
        value = value / 100
    if not 0 < value < 1:
        raise InputError(f"--by {text}: give a step between 0% and 100%, e.g. 20%", field="--by")
    return value


def _mid(span: Span[Decimal]) -> Decimal:
    return (span.low + span.high) / 2


def _scaled(value: Decimal | Range, factor: Decimal, name: str) -> Decimal | Range:
    def one(v: Decimal) -> Decimal:
        moved = v * factor
        # Kept within the field's own rule: whole fields rounded (the one rounding rule, safe on 1e30 turns)
        # and not below their least value, shares not above their most.
        bounds = scenario_bounds(name) if name in SCENARIO_FIELDS else None
        if bounds is not None and bounds.whole is not None:
            moved = round_half_up(moved, 0)
        if bounds is not None and bounds.at_least is not None:
            moved = max(bounds.at_least, moved)
        if bounds is not None and bounds.at_most is not None:
            moved = min(bounds.at_most, moved)
        # A value at the edge of the range rule is nudged only as far as the rule allows, not refused.
        if moved != 0:
            moved = min(max(moved, NUMBER_FLOOR), NUMBER_CEILING)
        return moved

    if isinstance(value, Range):
        return Range(low=one(value.low), high=one(value.high))
    return one(value)


def _scenario_inputs(model: Scenario) -> list[tuple[str, Decimal | Range]]:
    return [(name, getattr(model, name)) for name in SCENARIO_FIELDS if getattr(model, name) is not None]


def sensitivity(
    catalog: Catalog,
    scenario: str | Scenario,
    stack: str,
    by: Decimal | str = Decimal("0.2"),
    *,
    as_of: date | None = None,
    currency: str = "USD",
    settings: dict[str, Any] | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
    with_components: Sequence[StackComponent | str] = (),
) -> SensitivityResult:
    """Move each scenario input and each price the stack uses by ±`by` (a fraction, or text like '20%')."""
    as_of = as_of or date.today()
    step = parse_step(by) if isinstance(by, str) else by
    model: Scenario = catalog.scenario(scenario) if isinstance(scenario, str) else to_record(scenario)
    if settings:
        model = apply_settings(model, settings)
    name = scenario if isinstance(scenario, str) else "custom"

    def run(model_: Scenario, changes: list[PriceChange]) -> Span[Decimal]:
        return estimate(catalog, model_, stack, as_of=as_of, currency=currency, price_changes=changes,
                        scenario_id=name, with_components=with_components).per_call

    base_changes = list(price_changes)
    base = run(model, base_changes)
    shared = shared_for(model, with_components, catalog)
    stack_model, composition = shared.compose(catalog, catalog.stack(stack))
    down, up = 1 - step, 1 + step
    rows: list[SensitivityRow] = []
    no_effect: list[str] = []
    for field_name, value in _scenario_inputs(model):
        low_value, high_value = _scaled(value, down, field_name), _scaled(value, up, field_name)
        low = run(apply_settings(model, {field_name: low_value}), base_changes)
        high = run(apply_settings(model, {field_name: high_value}), base_changes)
        _add(rows, no_effect, field_name, "scenario", value, low_value, high_value, low, high, base)
    seen: set[tuple[str, str]] = set()
    for component in stack_model.components:
        period = catalog.price(component.sku, as_of)
        for price_field, value in period.prices().items():
            if (component.sku, price_field) in seen:
                continue
            seen.add((component.sku, price_field))
            current = next((c.apply(value) for c in reversed(base_changes)
                            if c.sku == component.sku and c.price_field in (price_field, ALL_PRICES)), value)
            # Scale the what-if price (if one is given), not the sheet's: the step moves the case being studied.
            low_change = PriceChange(component.sku, price_field, value=_scaled(current, down, price_field))
            high_change = PriceChange(component.sku, price_field, value=_scaled(current, up, price_field))
            low = run(model, [*base_changes, low_change])
            high = run(model, [*base_changes, high_change])
            _add(rows, no_effect, f"{component.sku}.{price_field}", "price", current, low_change.value,  # type: ignore[arg-type]
                 high_change.value, low, high, base)  # type: ignore[arg-type]
    rows.sort(key=lambda row: (-row.swing, row.name))
    return SensitivityResult(name, stack, step, as_of, currency, base, rows, no_effect, shared, composition,
                             what_if(settings, price_changes))


def _add(rows: list[SensitivityRow], no_effect: list[str], name: str, kind: Literal["scenario", "price"],
         value: Decimal | Range, low_value: Decimal | Range, high_value: Decimal | Range, low: Span[Decimal], high: Span[Decimal],
         base: Span[Decimal]) -> None:
    swing = max(abs(_mid(low) - _mid(base)), abs(_mid(high) - _mid(base)))
    if swing == 0:
        no_effect.append(name)
        return
    rows.append(SensitivityRow(name, kind, value, low_value, high_value, low, high, swing))
