"""Overrides: scenario fields (--set) and prices (--price) parsed, checked and applied to the loaded records.

A what-if is validated by the file-format model it changes (data/models.py), imported only when one is applied,
so the rules are the format's and a plain run never builds the models.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from costmodel.data.meters import PRICE_ALIASES, PRICE_FIELDS
from costmodel.data.records import (
    SCENARIO_FIELDS,
    PricePeriod,
    Range,
    Scenario,
    VolumeTiers,
    out_of_range,
    range_message,
    record_dict,
    to_record,
)
from costmodel.errors import InputError, UnknownIdError
from costmodel.plain_dataclass import dataclass, field

TWIN_FIELDS = {
    "caller_audio_seconds": "caller_audio_seconds_per_turn",
    "agent_audio_seconds": "agent_audio_seconds_per_turn",
    "agent_text_tokens": "agent_text_tokens_per_turn",
}
TWIN_FIELDS.update({per_turn: total for total, per_turn in list(TWIN_FIELDS.items())})
"""Whole-call and per-turn forms of the same length; setting one clears the other."""


def _cut(text: str) -> str:
    """A flag value as quoted in an error line, cut short so a huge argument is not echoed whole."""
    return text if len(text) <= 60 else text[:40] + "…"


def parse_number(text: str, what: str) -> Decimal:
    """A number from a flag, under the same range rule as every number in a file (schema.out_of_range)."""
    try:
        value = Decimal(text.strip().replace("_", ""))
    except (InvalidOperation, ValueError):
        raise InputError(f"{what}: '{_cut(text)}' is not a number") from None
    if not value.is_finite():
        raise InputError(f"{what}: '{_cut(text)}' is not a finite number")
    if out_of_range(value):
        raise InputError(f"{what}: {range_message(repr(text.strip()))}")
    return value


_NUMBER = r"(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?"
_RANGE = re.compile(rf"\s*({_NUMBER})\s*(?:\.\.|-|–)\s*({_NUMBER})\s*")
"""LOW..HIGH with two non-negative numbers in any spelling parse_number takes, exponents included (1e-30..1e30)."""


def parse_quantity(text: str, what: str) -> Decimal | Range:
    """A number, or a range written LOW..HIGH (or LOW-HIGH)."""
    try:
        return parse_number(text, what)
    except InputError:
        match = _RANGE.fullmatch(text)
        if not match:
            raise
    low, high = parse_number(match.group(1), what), parse_number(match.group(2), what)
    if high < low:
        raise InputError(f"{what}: range {text} has high below low; write LOW..HIGH")
    return Range(low=low, high=high)


def parse_settings(pairs: list[str] | tuple[str, ...], flag: str = "--set") -> dict[str, Decimal | Range]:
    """FIELD=VALUE pairs into scenario overrides; unknown fields are rejected with the valid list."""
    settings: dict[str, Decimal | Range] = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError(f"{flag} {pair}: expected FIELD=VALUE, e.g. turns=12")
        name, value = (part.strip() for part in pair.split("=", 1))
        if name not in SCENARIO_FIELDS:
            raise UnknownIdError("scenario field", name, SCENARIO_FIELDS, list_known=True, field=flag)
        settings[name] = parse_quantity(value, f"{flag} {name}")
    return settings


def apply_settings(scenario: Scenario, settings: dict[str, Any]) -> Scenario:
    """A copy of the scenario with fields replaced; setting a whole-call field clears its per-turn twin."""
    from pydantic import ValidationError

    from costmodel.data import models

    data = record_dict(scenario)
    data["with_"] = [record_dict(component) for component in data["with_"]]  # re-validated by the stack format
    for name, value in settings.items():
        if name not in SCENARIO_FIELDS:
            raise UnknownIdError("scenario field", name, SCENARIO_FIELDS, list_known=True)
        data[name] = value
        if name in TWIN_FIELDS:
            data[TWIN_FIELDS[name]] = None
    try:
        validated: Scenario = to_record(models.Scenario.model_validate(_model_data(data, models.Range)))
    except ValidationError as exc:
        error = exc.errors()[0]
        # pydantic names union branches and validators in loc; keep only the field path.
        parts = (str(part) for part in error["loc"])
        where = ".".join(p for p in parts if p not in {"Range", "decimal"} and not p.startswith("function-")) or "scenario"
        raise InputError(f"--set {where}: {_plain(error['msg'])}") from None
    return validated


@dataclass(frozen=True)
class PriceChange:
    """A what-if on one price: an absolute value, or a factor applied to the price in force."""

    sku: str
    price_field: str
    value: Decimal | Range | None = None
    factor: Decimal | None = None

    def apply(self, current: Decimal | Range | None) -> Decimal | Range:
        if self.value is not None:
            return self.value
        assert self.factor is not None
        if current is None:
            raise InputError(f"--price {self.sku}.{self.price_field}: the SKU has no such price to scale")
        if isinstance(current, Range):
            return Range(low=current.low * self.factor, high=current.high * self.factor)
        return current * self.factor


ALL_PRICES = "*"
"""The price field of a change that scales every price of a SKU (`--price SKU=*0.5` or `SKU.*=*0.5`)."""


def parse_price_change(text: str) -> PriceChange:
    """SKU.FIELD=VALUE, SKU.FIELD=*FACTOR or SKU.FIELD=-20% (FIELD may be a short name like audio_input);
    SKU=*FACTOR, SKU=-20% or SKU.*=... scales every price of the SKU (a value needs a field).

    SKU ids may hold dots (google/gemini-2.5-flash), so a target is read as SKU.FIELD only when what follows its
    last dot is a price field or `*`; otherwise, for a factor, the whole target is the SKU (checked against the
    catalog by the caller, which names a misspelt field when the part before the dot is a known SKU).
    """
    what = f"--price {text}"
    example = "e.g. openai/gpt-audio-mini.audio_input=*0.5, or openai/gpt-audio-mini=*0.5 for every price"
    if "=" not in text:
        raise InputError(f"{what}: expected SKU.FIELD=VALUE or SKU=*FACTOR, {example}")
    target, value = (part.strip() for part in text.split("=", 1))
    sku, dot, name = target.rpartition(".")
    price_field = PRICE_ALIASES.get(name, name) if dot else ""
    factor: Decimal | None = None
    if value.startswith("*"):
        factor = parse_number(value[1:], what)
    elif value.endswith("%"):
        # Both the percentage and the factor it makes obey the range rule: 1 + p/100 of a bounded p is exact
        # enough and cannot signal, and the factor is what reaches the engine.
        factor = 1 + parse_number(value[:-1], what) / 100
        if out_of_range(factor):
            raise InputError(f"{what}: {range_message(repr(value))} once turned into a factor ({factor})")
    if price_field != ALL_PRICES and price_field not in PRICE_FIELDS:
        if factor is None:
            if not dot:
                raise InputError(f"{what}: a value needs a price field, SKU.FIELD=VALUE; only a factor (*F or P%) "
                                 f"scales every price of a SKU, {example}")
            raise UnknownIdError("price field", name, [*PRICE_ALIASES, *PRICE_FIELDS], field="--price")
        sku, price_field = target, ALL_PRICES
    if not sku:
        raise InputError(f"{what}: expected SKU.FIELD=VALUE or SKU=*FACTOR, {example}")
    if factor is None:
        if price_field == ALL_PRICES:
            raise InputError(f"{what}: every price of a SKU can only be scaled (*F or P%), not set to one value")
        return PriceChange(sku, price_field, value=parse_quantity(value, what))
    if factor < 0:
        raise InputError(f"{what}: a price cannot go below zero")
    return PriceChange(sku, price_field, factor=factor)


def apply_price_changes(sku_id: str, period: PricePeriod, changes: list[PriceChange] | tuple[PriceChange, ...]) -> PricePeriod:
    """The period with any what-if prices for this SKU applied (re-validated, so limits still hold).

    A change of every price (ALL_PRICES) scales each price the period sets and its volume tiers' prices too.
    """
    mine = [change for change in changes if change.sku == sku_id]
    if not mine:
        return period
    from pydantic import ValidationError

    from costmodel.data import models

    data = record_dict(period)  # keeps Range prices as Ranges, so a factor can scale them
    try:
        for change in mine:
            if change.price_field == ALL_PRICES:
                _scale_all(data, change)
            else:
                data[change.price_field] = change.apply(data.get(change.price_field))
        data["note"] = ((period.note or "") + " [what-if price change]").strip()
        # A scaled Range is validated as its model is built (a factor can push an end out of range).
        validated: PricePeriod = to_record(models.PricePeriod.model_validate(_model_data(data, models.Range)))
    except ValidationError as exc:
        raise InputError(f"--price {sku_id}: {_plain(exc.errors()[0]['msg'])}") from None
    return validated


def _scale_all(data: dict[str, Any], change: PriceChange) -> None:
    """Every price the period sets, and its volume tiers' per-unit prices, times the change's factor."""
    import dataclasses

    assert change.factor is not None  # parse_price_change gives every-price changes a factor only
    factor = change.factor
    for name in PRICE_FIELDS:
        if data.get(name) is not None:
            data[name] = change.apply(data[name])
    tiers: VolumeTiers | None = data.get("volume_tiers")
    if tiers is not None:
        scaled = [dataclasses.replace(tier, usd_per_unit=tier.usd_per_unit * factor) for tier in tiers.tiers]
        data["volume_tiers"] = dataclasses.replace(tiers, tiers=scaled)


def _model_data(data: dict[str, Any], model_range: Any) -> dict[str, Any]:
    """Field values for a model to validate, Range records made Range models (which check their ends)."""
    return {name: model_range(low=v.low, high=v.high) if isinstance(v, Range) else _plain_data(v) for name, v in data.items()}


def _plain_data(value: Any) -> Any:
    """A nested record (a period's volume tiers) as the plain data its model validates from."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def _plain(message: str) -> str:
    """pydantic's wording in the loader's words ("must be ...")."""
    return message.removeprefix("Value error, ").replace("Input should be", "must be")


@dataclass(frozen=True)
class WhatIf:
    """The what-ifs a result was computed with: scenario fields set (--set) and prices changed (--price).

    Results carry it so every view can say so under its title; an empty one (no what-if) is falsy and shows nothing.
    """

    settings: dict[str, Decimal | Range] = field(default_factory=dict)
    price_changes: tuple[PriceChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.settings or self.price_changes)


def what_if(settings: dict[str, Any] | None = None,
            price_changes: list[PriceChange] | tuple[PriceChange, ...] = ()) -> WhatIf:
    """The record of the what-ifs an analysis was given (a copy, so later changes to the caller's dict do not show)."""
    return WhatIf(dict(settings or {}), tuple(price_changes))
