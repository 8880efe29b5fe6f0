"""The loaded library at run time: plain frozen records of what the file-format models (data/models.py) validated.

The models check a file once, when it is loaded; everything after (the catalog, its cache, the engine, the
views) works on these records, which import nothing heavy, so a warm start never builds pydantic's machinery.
Each record has exactly its model's fields (a test keeps them in step); a price period keeps the prices it
sets in one mapping, by registry field name (data/meters.py).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from costmodel.data.meters import DURATION_FIELDS, PRICE_FIELDS
from costmodel.plain_dataclass import dataclass, field

MAX_EXPONENT = 30
"""Numbers beyond 10**±30 are refused: nothing costmodel prices comes near, and exact arithmetic on 1e+999999
overflows instead of giving a figure."""
NUMBER_CEILING = Decimal(f"1e{MAX_EXPONENT}")
NUMBER_FLOOR = Decimal(f"1e-{MAX_EXPONENT}")
RANGE_RULE = f"numbers must be 0 or lie within 1e-{MAX_EXPONENT} to 1e+{MAX_EXPONENT} in size"


def out_of_range(value: Decimal) -> bool:
    """True for a finite non-zero number whose size is outside [1e-30, 1e30] (infinity and NaN have their own messages).

    The one range rule for every number costmodel reads (YAML of any spelling, strings pydantic coerces,
    --set, --price); it uses only exact operations (copy_abs, comparison), so no size of input can raise a
    decimal signal while it is being checked.
    """
    if not value.is_finite() or value.is_zero():
        return False
    return not NUMBER_FLOOR <= value.copy_abs() <= NUMBER_CEILING


def range_message(shown: str) -> str:
    """The out-of-range message, with the number as the user wrote it (cut short if it is long)."""
    if len(shown) > 60:
        shown = shown[:40] + "…" + shown[-10:]
    return f"{shown} is out of range; {RANGE_RULE}"


@dataclass(frozen=True, slots=True)
class Range:
    """A quantity known only within bounds; both ends flow through every calculation."""

    low: Decimal
    high: Decimal


def quantity_high(value: Decimal | Range) -> Decimal:
    return value.high if isinstance(value, Range) else value


def quantity_low(value: Decimal | Range) -> Decimal:
    return value.low if isinstance(value, Range) else value


@dataclass(frozen=True, slots=True)
class VolumeTier:
    """One volume tier: from a monthly quantity on, units are priced at this tier's price."""

    from_units_per_month: Decimal
    usd_per_unit: Decimal


@dataclass(frozen=True, slots=True)
class VolumeTiers:
    """Per-unit prices that fall with monthly volume; the price field's own value is the price below the first tier."""

    price_field: str
    mode: Literal["graduated", "all-units"]
    tiers: list[VolumeTier]


@dataclass(frozen=True, slots=True)
class PricePeriod:
    """Prices in force from `effective_from` until the next period of the same SKU."""

    source: str
    checked: date
    estimate: bool
    note: str | None
    effective_from: date
    currency: str
    effective_from_basis: str | None
    source_kind: str
    billing_increment_seconds: Decimal
    minimum_billed_seconds: Decimal
    priced: dict[str, Decimal | Range]
    """The price fields this period sets, by registry field name, in registry order."""
    included_minutes_per_month: Decimal | None = None
    included_concurrent_calls: int | None = None
    volume_tiers: VolumeTiers | None = None
    # Per-call mechanics (issue 13 part A); defaults as in the model, so records built by hand need not name them.
    startup_billed_seconds: Decimal = Decimal(0)
    startup_credited: bool = True
    llm_prompt_scaling_tokens: Decimal | None = None
    regional_uplifts: dict[str, Decimal] = field(default_factory=dict)

    def price(self, name: str) -> Decimal | Range | None:
        """The price of one field (data/meters.py), or None when this period does not set it."""
        return self.priced.get(name)

    def prices(self) -> dict[str, Decimal | Range]:
        """The price fields set on this period, by field name, in registry order."""
        return dict(self.priced)

    def __getattr__(self, name: str) -> Decimal | Range | None:
        # Only a registry price field reads through (period.usd_per_million_input_tokens, as on the model);
        # any other missing attribute is an error, `priced` included while an unpickled record is being filled.
        if name in PRICE_FIELDS:
            return self.priced.get(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class AudioTokenRates:
    """How many tokens a model turns each second of audio into."""

    source: str
    checked: date
    estimate: bool
    note: str | None
    input_tokens_per_second: Decimal
    output_tokens_per_second: Decimal | None


@dataclass(frozen=True, slots=True)
class ThroughputPoint:
    """One measured point of a throughput curve: what one GPU sustains at one concurrency, and how fast it answered."""

    concurrency: Decimal
    throughput: Decimal
    latency_ms: Decimal


@dataclass(frozen=True, slots=True)
class Throughput:
    """What one GPU of this SKU sustains for one self-hosted workload: a single figure or a measured curve."""

    source: str
    checked: date
    estimate: bool
    note: str | None
    workload: str
    real_time_factor: Decimal | Range | None
    output_tokens_per_second: Decimal | Range | None
    curve: list[ThroughputPoint] | None
    latency_metric: str | None
    prefill_tokens_per_second: Decimal | Range | None
    concurrent_streams: Decimal | Range | None


ComponentKind = Literal["asr", "llm", "audio-llm", "tts", "gpu", "telephony", "platform"]


@dataclass(frozen=True, slots=True)
class Sku:
    """One priced product with its price history."""

    id: str
    kind: ComponentKind
    name: str
    note: str | None
    withdrawn_on: date | None
    retires_on: date | None
    retirement_source: str | None
    audio_tokens: AudioTokenRates | None
    throughput: list[Throughput]
    periods: list[PricePeriod]


@dataclass(frozen=True, slots=True)
class FxPeriod:
    """An exchange rate in force from a date."""

    source: str
    checked: date
    estimate: bool
    note: str | None
    effective_from: date
    per_usd: Decimal


@dataclass(frozen=True, slots=True)
class FxRate:
    """The dated history of one currency against USD."""

    currency: str
    periods: list[FxPeriod]


@dataclass(frozen=True, slots=True)
class FxSheet:
    """Exchange rates used to show costs in currencies other than USD."""

    schema_version: int
    base: str
    rates: list[FxRate]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A call profile: what one call sounds like and how many there are."""

    schema_version: int
    title: str
    description: str | None
    source: str | None
    calls_per_month: Decimal | Range
    turns: Decimal | Range
    caller_audio_seconds: Decimal | Range | None
    caller_audio_seconds_per_turn: Decimal | Range | None
    agent_audio_seconds: Decimal | Range | None
    agent_audio_seconds_per_turn: Decimal | Range | None
    agent_text_tokens: Decimal | Range | None
    agent_text_tokens_per_turn: Decimal | Range | None
    agent_reply_characters: Decimal | Range | None
    system_prompt_tokens: Decimal | Range
    cache_hit_fraction: Decimal | Range
    speaking_rate_words_per_minute: Decimal
    tokens_per_word: Decimal
    characters_per_word: Decimal
    call_duration_seconds: Decimal | Range | None
    peak_concurrent_calls: Decimal | Range | None
    operating_hours_per_month: Decimal
    peak_to_average_ratio: Decimal
    idle_seconds: Decimal | Range
    with_: list[StackComponent]
    needs: list[str]
    traffic_profile: list[Decimal] | None = None
    fields_set: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    """The fields its file gave (the rest took their defaults); not a field of the format."""


@dataclass(frozen=True, slots=True)
class StackComponent:
    """One priced part of a stack."""

    role: Literal[
        "asr", "llm", "audio-llm", "tts", "telephony", "self-hosted-asr", "self-hosted-llm", "self-hosted-tts",
        "platform",
    ]
    sku: str
    # Defaults as in the stack format (data/models.py; tests/test_records.py holds them equal): shared components
    # show only the fields that differ from them.
    billed_per: Literal["call", "turn"] = "call"
    legs: Decimal = Decimal(1)
    workload: str | None = None
    min_gpus: int = 1
    utilisation: Decimal = Decimal("0.5")
    gpu_hours_per_month: Decimal = Decimal(730)
    region: str | None = None
    scaling: Literal["always-on", "scheduled", "autoscaled"] = "always-on"
    scale_step_gpus: int = 1
    serving: Literal["streaming", "batch"] = "streaming"
    latency_target_ms: Decimal | None = None
    purchase: Literal["on-demand", "reserved", "spot"] = "on-demand"
    purchase_discount: Decimal = Decimal(0)
    term_months: int | None = None
    interruption_overhead: Decimal = Decimal(0)
    operations_usd_per_month: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Stack:
    """A named composition of SKUs that handles a call end to end."""

    schema_version: int
    title: str
    architecture: Literal["integrated", "cascade", "self-hosted"]
    description: str | None
    components: list[StackComponent]


RECORDS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        Range, VolumeTier, VolumeTiers, PricePeriod, AudioTokenRates, ThroughputPoint, Throughput, Sku, FxPeriod,
        FxRate, FxSheet, Scenario, StackComponent, Stack,
    )
}
"""Record classes by the name of the model each one holds."""

NOT_MODEL_FIELDS: dict[str, frozenset[str]] = {"PricePeriod": frozenset({"priced"}), "Scenario": frozenset({"fields_set"})}
"""Record fields that are not a field of the model (a period's prices are the registry's fields)."""

MODEL_FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(f.name for f in fields(cls) if f.name not in NOT_MODEL_FIELDS.get(name, frozenset()))
    for name, cls in RECORDS.items()
}
"""Each record's fields that are its model's, in order (worked out once: a load converts thousands of models)."""

SCENARIO_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Scenario)
    if f.name not in {"schema_version", "title", "description", "source", "with_", "needs", "fields_set", "traffic_profile"}
)
"""Scenario fields a user may override with --set or sweep over (a test checks them against the model)."""


def to_record(value: Any) -> Any:
    """A validated model (data/models.py) as its record, nested models and lists included; other values as they are.

    Duck-typed on the model's class name, so this module needs no pydantic: run once per load.
    """
    if isinstance(value, list):
        return [to_record(item) for item in value]
    cls = RECORDS.get(type(value).__name__)
    if cls is None or isinstance(value, cls):
        return value
    data = {name: to_record(getattr(value, name)) for name in MODEL_FIELDS[cls.__name__]}
    if cls is PricePeriod:
        data["priced"] = {name: to_record(price) for name, price in value.prices().items()}
    elif cls is Scenario:
        data["fields_set"] = frozenset(value.model_fields_set)
    return cls(**data)


def record_dict(record: Any) -> dict[str, Any]:
    """A record's model fields by name, values as they are (a price period's prices as registry fields, unset ones None)."""
    record = to_record(record)  # a model given directly (file formats, tests) counts as its record
    if isinstance(record, PricePeriod):
        return _period_dict(record)
    return {name: getattr(record, name) for name in MODEL_FIELDS[type(record).__name__]}


_BILLING_FIELDS = ("billing_increment_seconds", "minimum_billed_seconds")
_MONTHLY_FIELDS = ("included_minutes_per_month", "included_concurrent_calls", "volume_tiers")
PER_CALL_PERIOD_FIELDS = ("startup_billed_seconds", "startup_credited", "llm_prompt_scaling_tokens", "regional_uplifts")
"""Period fields of the per-call mechanics (issue 13 part A), after every price field in the model."""


def _period_dict(period: PricePeriod) -> dict[str, Any]:
    """A period's fields in the model's order: the registry's prices, the billing rules after the last duration price."""
    data: dict[str, Any] = {
        name: getattr(period, name)
        for name in (
            "source", "checked", "estimate", "note", "effective_from", "currency", "effective_from_basis", "source_kind"
        )
    }
    for name in PRICE_FIELDS:
        data[name] = period.priced.get(name)
        if name == DURATION_FIELDS[-1]:
            data.update({billing: getattr(period, billing) for billing in _BILLING_FIELDS})
    data.update({name: getattr(period, name) for name in _MONTHLY_FIELDS})
    data.update({name: getattr(period, name) for name in PER_CALL_PERIOD_FIELDS})
    return data


@dataclass(frozen=True, slots=True)
class Bounds:
    """The values a scenario field may take, stated once: the model's validators, sweeps, break-evens and
    sensitivity all read it (a value here is a number; a {low, high} range must keep both ends inside)."""

    above: Decimal | None = None
    """Values must be greater than this."""
    at_least: Decimal | None = None
    """Values must be at least this."""
    at_most: Decimal | None = None
    """Values must be at most this."""
    whole: str | None = None
    """Values must be whole numbers of this (turns)."""

    def problem(self, value: Decimal) -> str | None:
        """What is wrong with one value, in the words errors use, or None."""
        if self.above is not None and value <= self.above:
            return f"must be above {self.above}"
        if self.at_least is not None and value < self.at_least:
            return f"must be at least {self.at_least}"
        if self.at_most is not None and value > self.at_most:
            return f"must be a share between 0 and {self.at_most}, e.g. 0.3"
        if self.whole is not None and value != value.to_integral_value():
            return f"must be a whole number of {self.whole}, got {value}"
        return None


CUSTOM_BOUNDS: dict[str, Bounds] = {
    "calls_per_month": Bounds(above=Decimal(0)),
    "turns": Bounds(at_least=Decimal(1), whole="turns"),
    "cache_hit_fraction": Bounds(at_most=Decimal(1)),
}
"""Rules of scenario fields beyond their number type (PositiveNumber fields are above 0 by their type)."""

POSITIVE_FIELDS: frozenset[str] = frozenset({
    "speaking_rate_words_per_minute", "tokens_per_word", "characters_per_word",
    "operating_hours_per_month", "peak_to_average_ratio",
})
"""Scenario fields whose number type is above 0 (PositiveNumber in the model; a test checks them against it)."""


def scenario_bounds(name: str) -> Bounds:
    """The values a scenario field may take: its own rule, or its number type's (PositiveNumber: above 0)."""
    if name in CUSTOM_BOUNDS:
        return CUSTOM_BOUNDS[name]
    return Bounds(above=Decimal(0)) if name in POSITIVE_FIELDS else Bounds(at_least=Decimal(0))
