"""Pydantic models for price sheets, fx sheets, scenarios and stacks: the single source of truth for the YAML formats."""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator, model_validator

from costmodel.data.meters import DURATION_FIELDS, MONTHLY_PRICE_FIELDS, PRICE_FIELDS, seconds_per_unit
from costmodel.data.records import (
    CUSTOM_BOUNDS,
    MAX_EXPONENT,
    NUMBER_CEILING,
    NUMBER_FLOOR,
    RANGE_RULE,
    Bounds,
    out_of_range,
    range_message,
)

SCHEMA_VERSION = 1

__all__ = ["MAX_EXPONENT", "NUMBER_CEILING", "NUMBER_FLOOR", "RANGE_RULE", "Bounds", "out_of_range", "range_message"]

SKU_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*$"
NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"



class Model(BaseModel):
    """Base for every file format: unknown fields are errors, values are immutable once loaded."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        # Validators are built on first use, not at import: a warm start that loads the library from its
        # cache never builds them. Field docstrings are read only where shown (data/field_docs.py).
        defer_build=True,
        validate_default=True,
    )


def _in_range(value: Decimal) -> Decimal:
    if out_of_range(value):
        raise ValueError(range_message(str(value)))
    return value


def _int_in_range(value: int) -> int:
    # len(str(int)) first would hit Python's int-to-str digit limit; compare against the ceiling instead.
    if abs(value) > int(NUMBER_CEILING):
        raise ValueError(f"{'-' if value < 0 else ''}a number over 1e+{MAX_EXPONENT} is out of range; {RANGE_RULE}")
    return value


# The constraint and the range check sit in one Annotated each (not nested) so pydantic keeps ge/gt in the
# JSON schema; AfterValidator adds nothing to the schema, only the check.
Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), AfterValidator(_in_range)]
PositiveNumber = Annotated[Decimal, Field(gt=0, allow_inf_nan=False), AfterValidator(_in_range)]
NonNegativeNumber = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), AfterValidator(_in_range)]
Share = Annotated[Decimal, Field(gt=0, le=1), AfterValidator(_in_range)]
"""A share above 0 and at most 1 (1e-40 is above 0 but outside the range rule, so it is refused too)."""
Count = Annotated[int, Field(ge=0), AfterValidator(_int_in_range)]
"""A whole number, under the same ceiling as every other number."""


class Range(Model):
    """A quantity known only within bounds; both ends flow through every calculation."""

    low: NonNegativeNumber
    """Smallest plausible value."""
    high: NonNegativeNumber
    """Largest plausible value; must not be below `low`."""

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.high < self.low:
            raise ValueError(f"range high {self.high} is below low {self.low}; swap them")
        return self


Quantity = NonNegativeNumber | Range
"""A non-negative number, or a `{low, high}` range."""


def quantity_high(value: Decimal | Range) -> Decimal:
    return value.high if isinstance(value, Range) else value


def quantity_low(value: Decimal | Range) -> Decimal:
    return value.low if isinstance(value, Range) else value


class Sourced(Model):
    """Fields shared by every dated fact: where it came from and when that was read."""

    source: Annotated[str, Field(min_length=3)]
    """URL or document the figure was read from."""
    checked: date
    """Date the source was read."""
    estimate: bool = False
    """True when the figure is an estimate, hypothetical or from a secondary source."""
    note: str | None = None
    """Free text: derivation, caveats, disagreements between sources."""

    @model_validator(mode="after")
    def _estimate_needs_note(self) -> Sourced:
        if self.estimate and not self.note:
            raise ValueError("estimate: true needs a note saying how the figure was estimated")
        return self


# --- Monthly billing mechanics (issue 13, part B): volume tiers, included minutes, concurrency slots. ---


class VolumeTier(Model):
    """One volume tier: from a monthly quantity on, units are priced at this tier's price."""

    from_units_per_month: PositiveNumber
    """Monthly quantity, in the tiered price's own unit (minutes for a per-minute price, millions of characters
    for usd_per_million_characters), at which this tier starts."""
    usd_per_unit: Money
    """USD per unit of the tiered price field (per minute for usd_per_telephony_minute) within this tier."""


class VolumeTiers(Model):
    """Per-unit prices that fall with monthly volume; the price field's own value is the price below the first tier."""

    price_field: str
    """The period's price field the tiers apply to (it must be set: it is the price of the first units)."""
    mode: Literal["graduated", "all-units"]
    """graduated: each tier's units at that tier's price; all-units: every unit of the month at the price of the
    highest tier the month's total reaches."""
    tiers: Annotated[list[VolumeTier], Field(min_length=1)]
    """Tiers above the base price, in ascending order of `from_units_per_month`; the last is open-ended."""

    @field_validator("price_field")
    @classmethod
    def _known_field(cls, name: str) -> str:
        if name not in PRICE_FIELDS or name in MONTHLY_PRICE_FIELDS or name == "usd_per_gpu_hour":
            usable = [f for f in PRICE_FIELDS if f not in MONTHLY_PRICE_FIELDS and f != "usd_per_gpu_hour"]
            raise ValueError(f"{name} is not a per-call price field; use one of {', '.join(usable)}")
        return name

    @field_validator("tiers")
    @classmethod
    def _ascending(cls, tiers: list[VolumeTier]) -> list[VolumeTier]:
        for earlier, later in itertools.pairwise(tiers):
            if later.from_units_per_month <= earlier.from_units_per_month:
                raise ValueError(
                    f"tiers must be in ascending order of from_units_per_month: {later.from_units_per_month} "
                    f"comes after {earlier.from_units_per_month}"
                )
        return tiers


def _monthly_field_rules(name: str, value: Any, data: dict[str, Any]) -> None:
    """The rules of the monthly mechanics that involve the period's prices (those are validated before them)."""
    if value is None:
        return
    if name == "volume_tiers":
        field = value.price_field
        if data.get(field) is None:
            raise ValueError(f"volume_tiers prices {field}, which this period does not set; "
                             f"give {field} (the price below the first tier)")
        ceiling = PRICE_FIELDS[field].usd_ceiling
        for tier in value.tiers:
            if tier.usd_per_unit > ceiling:
                raise ValueError(f"tier price {tier.usd_per_unit} is above the sanity limit {ceiling} of {field}; "
                                 "check the unit")
    elif name == "included_minutes_per_month":
        timed = [f for f in PRICE_FIELDS if data.get(f) is not None and seconds_per_unit(f) is not None]
        if len(timed) != 1:
            found = "none" if not timed else " and ".join(timed)
            raise ValueError("included_minutes_per_month needs exactly one per-minute or per-second price on the "
                             f"period to include minutes of (found {found})")
    elif name == "included_concurrent_calls" and data.get("usd_per_concurrency_slot_per_month") is None:
        raise ValueError("included_concurrent_calls needs usd_per_concurrency_slot_per_month, "
                         "the price of each slot beyond them")


class _PricePeriodRules(Sourced):
    """What every price period has besides its prices, and the rules its prices obey."""

    effective_from: date
    """First day these prices apply."""
    currency: Literal["USD"]
    """Currency of every price in this period; field names say USD, so only USD is accepted."""
    effective_from_basis: Literal["sourced", "lower-bound"] | None = None
    """How `effective_from` is known. sourced: a source dates the start (the vendor's launch post, changelog or
    dated price page). lower-bound: a source shows the price in force on that date but not when it began, so
    before it the price is unknown, not absent. `costmodel validate` refuses a period that does not say."""
    source_kind: Literal["vendor", "secondary", "inferred"] = "vendor"
    """vendor: the vendor's own page, docs or announcement; secondary: only a copy (a mirror, reseller, news
    report or price tracker), which needs `estimate: true`; inferred: derived or estimated from other figures,
    which needs `estimate: true` and a note saying how."""

    @model_validator(mode="after")
    def _provenance_consistent(self) -> _PricePeriodRules:
        if self.source_kind == "secondary" and not self.estimate:
            raise ValueError("source_kind: secondary needs estimate: true (a figure read only from a copy is flagged)")
        if self.source_kind == "inferred" and not self.estimate:
            raise ValueError("source_kind: inferred needs estimate: true and a note saying how it was derived")
        return self

    @model_validator(mode="after")
    def _prices_make_sense(self) -> _PricePeriodRules:
        priced = self.prices()
        if not priced:
            raise ValueError("a period needs at least one price field, e.g. usd_per_million_input_tokens")
        durations = [name for name in DURATION_FIELDS if name in priced]
        if len(durations) > 1:
            raise ValueError(f"give {' or '.join(durations)}, not both")
        for name, value in priced.items():
            ceiling = PRICE_FIELDS[name].usd_ceiling
            if quantity_high(value) > ceiling:
                raise ValueError(
                    f"{name} = {quantity_high(value)} is above the sanity limit {ceiling}; "
                    "check the unit (per 1M tokens, per minute, per hour)"
                )
        _per_call_rules(self, priced)
        return self

    # Field validators (not the model validator) so an error names the field and its line.
    @field_validator("volume_tiers", "included_minutes_per_month", "included_concurrent_calls", check_fields=False)
    @classmethod
    def _monthly_rules(cls, value: Any, info: ValidationInfo) -> Any:
        _monthly_field_rules(str(info.field_name), value, info.data)
        return value

    def price(self, name: str) -> Decimal | Range | None:
        """The price of one field (data/meters.py), or None when this period does not set it."""
        value: Decimal | Range | None = getattr(self, name)
        return value

    def prices(self) -> dict[str, Decimal | Range]:
        """The price fields set on this period, by field name, in registry order."""
        return {name: value for name in PRICE_FIELDS if (value := getattr(self, name)) is not None}


def _per_call_rules(period: _PricePeriodRules, priced: dict[str, Decimal | Range]) -> None:
    """Issue 13 part A: the session, standby, start-up and per-minute LLM fields each need the price they modify."""
    durations = [name for name in DURATION_FIELDS if name in priced]
    if "usd_per_active_minute" in priced and durations:
        raise ValueError(f"give usd_per_active_minute (a session) or {durations[0]} (audio length), not both")
    if "usd_per_standby_minute" in priced and "usd_per_active_minute" not in priced and not durations:
        raise ValueError(
            "usd_per_standby_minute needs the rate for the rest of the call: usd_per_active_minute or usd_per_audio_minute"
        )
    fields = vars(period)  # these fields are made with the price fields (_price_period_model), not declared on the rules
    startup: Decimal = fields["startup_billed_seconds"]
    if startup > 0 and "usd_per_active_minute" not in priced:
        raise ValueError("startup_billed_seconds needs usd_per_active_minute, the rate start-up seconds are billed at")
    if fields["llm_prompt_scaling_tokens"] is not None and "usd_per_llm_minute" not in priced:
        raise ValueError("llm_prompt_scaling_tokens needs usd_per_llm_minute, the price it scales")


RegionName = Annotated[str, Field(pattern=NAME_PATTERN)]
"""A region or data-zone name as stacks pick it: lowercase, e.g. eu-data-zone."""
UpliftFactor = Annotated[Decimal, Field(ge=1, le=10, allow_inf_nan=False), AfterValidator(_in_range)]
"""A price multiplier for a region: 1.1 is 10% more; above 10 is almost certainly a percentage typed as a factor."""


def _per_call_period_fields() -> dict[str, Any]:
    """Period fields of the per-call mechanics (issue 13 part A), after every price field."""
    return {
        "startup_billed_seconds": (NonNegativeNumber, Field(default=Decimal(0), description=(
            "Realtime sessions: seconds billed at usd_per_active_minute when a session starts "
            "(a GPT-Live WebRTC session bills 15 s at connect)."))),
        "startup_credited": (bool, Field(default=True, description=(
            "True when the start-up seconds count toward the session's active time (credited later); "
            "false when they are billed on top."))),
        "llm_prompt_scaling_tokens": (PositiveNumber | None, Field(default=None, description=(
            "usd_per_llm_minute: above this many input tokens per LLM request on average, billed LLM seconds "
            "are the call's seconds × average ÷ this, rounded up (Retell: 3500)."))),
        "regional_uplifts": (dict[RegionName, UpliftFactor], Field(default={}, description=(
            "Named regional or data-residency uplifts: a stack component that picks one with `region` pays "
            "its charges × the factor (e.g. eu-data-zone: 1.1)."))),
    }


def _price_period_model() -> type[_PricePeriodRules]:
    """PricePeriod with one optional field per registry row; duration billing rules follow the duration prices."""
    fields: dict[str, Any] = {}
    for row in PRICE_FIELDS.values():
        fields[row.name] = (Quantity | None, Field(default=None, description=row.description))
        if row.name == DURATION_FIELDS[-1]:
            fields["billing_increment_seconds"] = (PositiveNumber, Field(
                default=Decimal(1),
                description="Duration billing rounds each request up to a multiple of this many seconds.",
            ))
            fields["minimum_billed_seconds"] = (NonNegativeNumber, Field(
                default=Decimal(0), description="Shortest duration billed for one request, in seconds."
            ))
    # Monthly mechanics (issue 13, part B) come after every price: their rules read the prices.
    fields["included_minutes_per_month"] = (NonNegativeNumber | None, Field(
        default=None,
        description="Minutes a month of the period's per-minute (or per-second) price included in usd_per_month; "
                    "only minutes beyond them are billed.",
    ))
    fields["included_concurrent_calls"] = (Count | None, Field(
        default=None,
        description="Concurrent calls included; each slot beyond them costs usd_per_concurrency_slot_per_month.",
    ))
    fields["volume_tiers"] = (VolumeTiers | None, Field(
        default=None, description="Per-unit prices that fall with monthly volume, for one of the period's prices.",
    ))
    fields.update(_per_call_period_fields())
    return create_model(
        "PricePeriod",
        __base__=_PricePeriodRules,
        __module__=__name__,
        __doc__="Prices in force from `effective_from` until the next period of the same SKU.",
        **fields,
    )


if TYPE_CHECKING:

    class PricePeriod(_PricePeriodRules):
        """What type checkers see: the rules, and the billing fields usage reads by name."""

        billing_increment_seconds: Decimal
        minimum_billed_seconds: Decimal
        included_minutes_per_month: Decimal | None
        included_concurrent_calls: int | None
        volume_tiers: VolumeTiers | None
        startup_billed_seconds: Decimal
        startup_credited: bool
        llm_prompt_scaling_tokens: Decimal | None
        regional_uplifts: dict[str, Decimal]

else:
    PricePeriod = _price_period_model()


class AudioTokenRates(Sourced):
    """How many tokens a model turns each second of audio into."""

    input_tokens_per_second: PositiveNumber
    """Tokens per second of audio the model reads (caller audio, re-sent history)."""
    output_tokens_per_second: PositiveNumber | None = None
    """Tokens per second of audio the model speaks; also what its replies cost when re-sent as history."""


class ThroughputPoint(Model):
    """One measured point of a throughput curve: what one GPU sustains at one concurrency, and how fast it answered."""

    concurrency: PositiveNumber
    """Requests (LLM) or streams (ASR, TTS) in flight on one GPU when measured."""
    throughput: PositiveNumber
    """Work one GPU does per second at that concurrency: output tokens (LLM) or audio seconds (ASR, TTS)."""
    latency_ms: PositiveNumber
    """Latency measured at that concurrency, in milliseconds, of the kind the entry's latency_metric names."""


class Throughput(Sourced):
    """What one GPU of this SKU sustains for one self-hosted workload: a single figure or a measured curve."""

    workload: Annotated[str, Field(pattern=NAME_PATTERN)]
    """Model served, e.g. whisper-large-v3, llama-3.1-8b or kokoro-82m."""
    real_time_factor: Quantity | None = None
    """ASR or TTS: GPU-seconds of compute per second of audio transcribed or spoken."""
    output_tokens_per_second: Quantity | None = None
    """LLM: aggregate generated tokens per second one GPU sustains."""
    curve: Annotated[list[ThroughputPoint], Field(min_length=1)] | None = None
    """Instead of a single figure: throughput at a few concurrency levels, lowest concurrency first."""
    latency_metric: str | None = None
    """With a curve: what its latency_ms measures, e.g. 'median time per output token'."""
    prefill_tokens_per_second: Quantity | None = None
    """LLM: input (prompt) tokens per second one GPU processes; omitted, prompt processing is not counted."""
    concurrent_streams: Quantity | None = None
    """ASR, TTS: live streams one GPU serves at once (omitted: no limit beyond throughput). LLM: informational."""

    @model_validator(mode="after")
    def _one_rate(self) -> Throughput:
        given = [self.real_time_factor, self.output_tokens_per_second, self.curve]
        if sum(value is not None for value in given) != 1:
            raise ValueError(
                "give exactly one of real_time_factor (asr, tts), output_tokens_per_second (llm) or curve"
            )
        if self.concurrent_streams is not None and quantity_low(self.concurrent_streams) <= 0:
            raise ValueError("concurrent_streams must be above 0")
        # GPU work is output tokens ÷ this rate: at 0 no number of GPUs does the work (and the division fails).
        if self.output_tokens_per_second is not None and quantity_low(self.output_tokens_per_second) <= 0:
            raise ValueError("output_tokens_per_second must be above 0")
        if self.real_time_factor is not None and quantity_low(self.real_time_factor) <= 0:
            raise ValueError("real_time_factor must be above 0")
        if self.prefill_tokens_per_second is not None and quantity_low(self.prefill_tokens_per_second) <= 0:
            raise ValueError("prefill_tokens_per_second must be above 0")
        if self.curve is not None:
            if not self.latency_metric:
                raise ValueError("a curve needs latency_metric saying what its latency_ms measures")
            for earlier, later in itertools.pairwise(self.curve):
                if later.concurrency <= earlier.concurrency:
                    raise ValueError("curve points must be listed by rising concurrency")
                if later.latency_ms < earlier.latency_ms:
                    raise ValueError("curve latency must not fall as concurrency rises; check the points")
        return self


ComponentKind = Literal["asr", "llm", "audio-llm", "tts", "gpu", "telephony", "platform"]


class Sku(Model):
    """One priced product with its price history."""

    id: Annotated[str, Field(pattern=SKU_ID_PATTERN)]
    """`provider/model`, lowercase; the provider part must match the sheet's provider."""
    kind: ComponentKind
    """What the product does in a voice stack."""
    name: str
    """Human-readable product name."""
    note: str | None = None
    """Free text about the product."""
    withdrawn_on: date | None = None
    """Date the product stopped being sold; no price is in force from then on."""
    retires_on: date | None = None
    """Announced date the product will be shut down; until then its prices stay in force, from then on none is."""
    retirement_source: str | None = None
    """URL or document announcing `retires_on` (required with it)."""
    audio_tokens: AudioTokenRates | None = None
    """Audio-to-token rates, for products billed in audio tokens."""
    throughput: list[Throughput] = []
    """GPU products: sourced throughput per self-hosted workload."""
    periods: Annotated[list[PricePeriod], Field(min_length=1)]
    """Price history, oldest first."""

    @model_validator(mode="after")
    def _history_consistent(self) -> Sku:
        dates = [period.effective_from for period in self.periods]
        for earlier, later in itertools.pairwise(dates):
            if later == earlier:
                raise ValueError(f"two periods start on {later}; merge them or correct a date")
            if later < earlier:
                raise ValueError(f"periods out of order: {later} comes after {earlier}; list oldest first")
        if self.withdrawn_on is not None and self.withdrawn_on <= dates[0]:
            raise ValueError(f"withdrawn_on {self.withdrawn_on} is not after the first period {dates[0]}")
        if self.retires_on is not None and self.retires_on <= dates[0]:
            raise ValueError(f"retires_on {self.retires_on} is not after the first period {dates[0]}")
        if (self.retires_on is None) != (self.retirement_source is None):
            raise ValueError("give retires_on and retirement_source together (the date and where it was announced)")
        if self.throughput and self.kind != "gpu":
            raise ValueError("throughput belongs on gpu SKUs only")
        workloads = [entry.workload for entry in self.throughput]
        duplicates = sorted({w for w in workloads if workloads.count(w) > 1})
        if duplicates:
            raise ValueError(f"throughput lists workload {duplicates[0]} twice")
        return self


class PriceSheet(Model):
    """One provider's SKUs and their dated prices (one YAML file per provider)."""

    schema_version: Literal[1]
    """Format version of this file; currently 1."""
    provider: Annotated[str, Field(pattern=NAME_PATTERN)]
    """Provider key, the first part of every SKU id in this sheet."""
    name: str
    """Human-readable provider name."""
    skus: Annotated[list[Sku], Field(min_length=1)]
    """The provider's products."""

    # A field validator (not a model validator) so the error names `skus` and its line, not line 1.
    @field_validator("skus")
    @classmethod
    def _ids_belong(cls, skus: list[Sku], info: ValidationInfo) -> list[Sku]:
        provider = info.data.get("provider")
        seen: set[str] = set()
        for sku in skus:
            if provider is not None and sku.id.split("/", 1)[0] != provider:
                raise ValueError(f"SKU {sku.id} does not start with this sheet's provider '{provider}/'")
            if sku.id in seen:
                raise ValueError(f"SKU {sku.id} is listed twice; keep one entry and put every price in its periods")
            seen.add(sku.id)
        return skus


class FxPeriod(Sourced):
    """An exchange rate in force from a date."""

    effective_from: date
    """First day the rate applies."""
    per_usd: PositiveNumber
    """Units of this currency one US dollar buys."""


class FxRate(Model):
    """The dated history of one currency against USD."""

    currency: Annotated[str, Field(pattern=CURRENCY_PATTERN)]
    """ISO 4217 code, e.g. GBP."""
    periods: Annotated[list[FxPeriod], Field(min_length=1)]
    """Rates, oldest first."""

    @model_validator(mode="after")
    def _ordered(self) -> FxRate:
        dates = [period.effective_from for period in self.periods]
        for earlier, later in itertools.pairwise(dates):
            if later <= earlier:
                raise ValueError(f"{self.currency} rates out of order or duplicated at {later}; list oldest first")
        return self


class FxSheet(Model):
    """Exchange rates used to show costs in currencies other than USD."""

    schema_version: Literal[1]
    """Format version of this file; currently 1."""
    base: Literal["USD"]
    """Currency the rates are quoted against."""
    rates: list[FxRate]
    """One entry per currency."""


_CUSTOM_BOUNDS = CUSTOM_BOUNDS


def _check_bounds(name: str, value: Decimal | Range) -> Decimal | Range:
    bounds = _CUSTOM_BOUNDS[name]
    for end in (quantity_low(value), quantity_high(value)):
        problem = bounds.problem(end)
        if problem is not None:
            raise ValueError(problem)
    return value


def _per_call_or_turn(total: object, per_turn: object, name: str) -> None:
    if total is not None and per_turn is not None:
        raise ValueError(f"give {name} or {name}_per_turn, not both")


def one_component_per_role(components: list[StackComponent], rule: str) -> list[StackComponent]:
    """The components, refused with `rule` when a role appears twice (a stack's own, or a scenario's shared ones)."""
    roles = [component.role for component in components]
    for role in roles:
        if roles.count(role) > 1:
            raise ValueError(f"role {role} appears twice; {rule}")
    return components


class Scenario(Model):
    """A call profile: what one call sounds like and how many there are."""

    schema_version: Literal[1]
    """Format version of this file; currently 1."""
    title: str
    """One-line description shown in tables."""
    description: str | None = None
    """Longer description, assumptions, where the profile comes from."""
    source: str | None = None
    """Document the profile is taken from, if any."""
    calls_per_month: Quantity
    """Calls handled in a month."""
    turns: Quantity = Decimal(1)
    """Exchanges per call (caller speaks, agent replies); integrated models re-read the whole history each turn."""
    caller_audio_seconds: Quantity | None = None
    """Seconds of caller speech in the whole call, spread evenly over turns."""
    caller_audio_seconds_per_turn: Quantity | None = None
    """Seconds of caller speech in each turn (instead of caller_audio_seconds)."""
    agent_audio_seconds: Quantity | None = None
    """Seconds of spoken agent reply in the whole call (0 for a text/JSON reply)."""
    agent_audio_seconds_per_turn: Quantity | None = None
    """Seconds of spoken agent reply in each turn (instead of agent_audio_seconds)."""
    agent_text_tokens: Quantity | None = None
    """Text tokens the model writes in the whole call (reply, transcript or JSON); default: the spoken reply's words."""
    agent_text_tokens_per_turn: Quantity | None = None
    """Text tokens the model writes in each turn (instead of agent_text_tokens)."""
    agent_reply_characters: Quantity | None = None
    """Characters sent to a TTS in the whole call; default: from agent_audio_seconds at the speaking rate."""
    system_prompt_tokens: Quantity = Decimal(0)
    """Text tokens of instructions and tool schemas sent with every turn."""
    cache_hit_fraction: Quantity = Decimal(0)
    """Share (0-1) of re-sent context billed at the cached-input price where the SKU has one."""
    speaking_rate_words_per_minute: PositiveNumber = Decimal(150)
    """Speaking rate used to turn seconds of speech into words."""
    tokens_per_word: PositiveNumber = Decimal("1.3")
    """Text tokens per spoken word (English, OpenAI/Google tokenizers)."""
    characters_per_word: PositiveNumber = Decimal(6)
    """Characters per word including the following space and punctuation."""
    call_duration_seconds: Quantity | None = None
    """Wall-clock length of the call (telephony, per-minute products); default: caller + agent audio."""
    peak_concurrent_calls: Quantity | None = None
    """Calls in progress at the busiest moment (self-hosted sizing); default: from volume, hours and peak ratio."""
    operating_hours_per_month: PositiveNumber = Decimal(730)
    """Hours a month the line is open; calls spread over these (unless traffic_profile gives the shape)."""
    peak_to_average_ratio: PositiveNumber = Decimal(3)
    """Busiest-hour concurrency divided by average concurrency (not used with traffic_profile)."""
    idle_seconds: Quantity = Decimal(0)
    """Seconds of the call idle or silent, billed at usd_per_standby_minute where priced (capped at the call's length)."""
    # `with` is a Python keyword: the attribute is with_, the file's key (and the JSON Schema's) is `with`.
    with_: Annotated[list[StackComponent], Field(alias="with")] = []
    """Components every stack is priced with (a phone line): each replaces a stack's own of its role or is added."""
    needs: list[Annotated[str, Field(pattern=NAME_PATTERN)]] = []
    """Roles every stack must deliver, e.g. telephony (plus with's roles, and tts if the agent speaks); lacks are flagged."""
    traffic_profile: Annotated[list[NonNegativeNumber], Field(min_length=24, max_length=168)] | None = None
    """Relative call volume in each hour of a day (24 values) or of a week from Monday 00:00 (168 values); 0 = closed.
    Self-hosted GPUs are sized hour by hour from it; the month is 730 hours, so each hour of a day recurs 30.4 times."""

    model_config = ConfigDict(**Model.model_config, populate_by_name=True)  # what-ifs re-validate a record's with_

    @field_validator("with_")
    @classmethod
    def _one_shared_per_role(cls, components: list[StackComponent]) -> list[StackComponent]:
        return one_component_per_role(components, "every stack gets one component per role")

    @field_validator("needs")
    @classmethod
    def _known_roles(cls, needs: list[str]) -> list[str]:
        known = stack_roles()
        for role in needs:
            if role not in known:
                raise ValueError(f"unknown role '{role}'; roles are {', '.join(known)}")
        return needs

    # Single-field rules are field validators so errors name the field and its line; the model
    # validator keeps only what spans fields.
    @field_validator("caller_audio_seconds_per_turn", "agent_audio_seconds_per_turn", "agent_text_tokens_per_turn")
    @classmethod
    def _not_both(cls, per_turn: Decimal | Range | None, info: ValidationInfo) -> Decimal | Range | None:
        name = str(info.field_name).removesuffix("_per_turn")
        _per_call_or_turn(info.data.get(name), per_turn, name)
        return per_turn

    @field_validator(*_CUSTOM_BOUNDS)
    @classmethod
    def _within_bounds(cls, value: Decimal | Range, info: ValidationInfo) -> Decimal | Range:
        return _check_bounds(str(info.field_name), value)

    @field_validator("traffic_profile")
    @classmethod
    def _profile_shape(cls, profile: list[Decimal] | None) -> list[Decimal] | None:
        if profile is not None:
            if len(profile) not in (24, 168):
                raise ValueError(f"give 24 hourly values (a day) or 168 (a week), not {len(profile)}")
            if not any(profile):
                raise ValueError("every hour of the profile is 0; give the relative volume of the open hours")
        return profile

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.caller_audio_seconds is None and self.caller_audio_seconds_per_turn is None:
            raise ValueError("give caller_audio_seconds (whole call) or caller_audio_seconds_per_turn")
        return self


SCENARIO_FIELDS: tuple[str, ...] = tuple(
    name for name in Scenario.model_fields
    if name not in {"schema_version", "title", "description", "source", "with_", "needs", "traffic_profile"}
)
"""Scenario fields a user may override with --set or sweep over."""


def scenario_bounds(name: str) -> Bounds:
    """The values a scenario field may take: its own rule, or its number type's (PositiveNumber: above 0)."""
    if name in _CUSTOM_BOUNDS:
        return _CUSTOM_BOUNDS[name]
    field = Scenario.model_fields[name]
    positive = any(getattr(rule, "gt", None) == 0 for rule in field.metadata)
    return Bounds(above=Decimal(0)) if positive else Bounds(at_least=Decimal(0))


SELF_HOSTED_EXAMPLES = {
    "self-hosted-asr": "whisper-large-v3", "self-hosted-llm": "llama-3.1-8b", "self-hosted-tts": "kokoro-82m",
}


class StackComponent(Model):
    """One priced part of a stack."""

    role: Literal[
        "asr", "llm", "audio-llm", "tts", "telephony", "self-hosted-asr", "self-hosted-llm", "self-hosted-tts",
        "platform",
    ]
    """What the part does in the call; self-hosted roles are billed by GPU-hours; platform is an orchestration fee."""
    sku: Annotated[str, Field(pattern=SKU_ID_PATTERN)]
    """Id of the SKU that prices this part."""
    billed_per: Literal["call", "turn"] = "call"
    """Duration billing: one request per call (a stream) or one per turn (an utterance)."""
    legs: PositiveNumber = Decimal(1)
    """Telephony: call legs billed (a forwarded call is two)."""
    workload: Annotated[str, Field(pattern=NAME_PATTERN)] | None = None
    """Self-hosted: the model served, matching a throughput entry on the GPU SKU."""
    min_gpus: Count = 1
    """Self-hosted: GPUs kept whatever the volume (always-on: all month; scheduled: in open hours; autoscaled: warm all month)."""
    utilisation: Share = Decimal("0.5")
    """Self-hosted: share of a GPU's throughput planned to be used at the busiest hour (headroom for bursts)."""
    gpu_hours_per_month: PositiveNumber = Decimal(730)
    """Self-hosted, always-on: hours each GPU is rented per month (730 = the whole month)."""
    region: RegionName | None = None
    """A regional or data-residency uplift the SKU lists in regional_uplifts (e.g. eu-data-zone); none: global price."""
    scaling: Literal["always-on", "scheduled", "autoscaled"] = "always-on"
    """Self-hosted: always-on (GPUs for the busiest hour, all month), scheduled (the same GPUs, only in open hours)
    or autoscaled (each hour of the traffic profile gets the GPUs its load needs, never fewer than min_gpus)."""
    scale_step_gpus: Annotated[int, Field(ge=1), AfterValidator(_int_in_range)] = 1
    """Self-hosted, autoscaled: GPUs are added and removed in groups of this many (one node, say)."""
    serving: Literal["streaming", "batch"] = "streaming"
    """Self-hosted ASR, TTS: streaming holds one of the GPU's streams while the audio plays; batch transcribes or
    speaks each utterance whole, so only throughput (1 / real-time factor) limits a GPU."""
    latency_target_ms: PositiveNumber | None = None
    """Self-hosted with a throughput curve: the latency to stay within, in the curve's latency_metric;
    omitted, the curve's highest-throughput point is used."""
    purchase: Literal["on-demand", "reserved", "spot"] = "on-demand"
    """Self-hosted: how the GPUs are bought; reserved needs scaling always-on (a commitment is paid all month)."""
    purchase_discount: Annotated[Decimal, Field(ge=0, lt=1), AfterValidator(_in_range)] = Decimal(0)
    """Self-hosted, reserved or spot: share off the on-demand GPU-hour price (0.4 = 40% off)."""
    term_months: Count | None = None
    """Self-hosted, reserved: length of the commitment the discount is for (shown, not used in the arithmetic)."""
    interruption_overhead: NonNegativeNumber = Decimal(0)
    """Self-hosted, spot: extra GPU-hours lost to interruptions (re-warming, redone work) as a share of the hours."""
    operations_usd_per_month: Money = Decimal(0)
    """Self-hosted: fixed monthly operations cost (engineering time, on-call) billed as its own line; 0 = off.
    A stack assumption, not a vendor price: say where it comes from in the stack's description."""

    @model_validator(mode="after")
    def _self_hosted_fields(self) -> StackComponent:
        self_hosted = self.role.startswith("self-hosted")
        if self_hosted and self.workload is None:
            raise ValueError(f"role {self.role} needs workload (e.g. {SELF_HOSTED_EXAMPLES[self.role]})")
        if not self_hosted and self.workload is not None:
            raise ValueError("workload only applies to self-hosted roles")
        if self.role.startswith("self-hosted") and self.region is not None:
            raise ValueError("region applies to API-priced components; a self-hosted GPU's region is its own SKU")
        if self.purchase == "reserved" and self.scaling != "always-on":
            raise ValueError("purchase reserved is paid all month; use scaling always-on with it")
        if self.purchase == "on-demand" and self.purchase_discount != 0:
            raise ValueError("purchase_discount applies to reserved or spot purchase only")
        if not self_hosted and self.operations_usd_per_month != 0:
            raise ValueError("operations_usd_per_month applies to self-hosted roles only")
        if self.purchase != "spot" and self.interruption_overhead != 0:
            raise ValueError("interruption_overhead applies to purchase spot only")
        return self


def stack_roles() -> tuple[str, ...]:
    """Every role a stack component may have, in the order the format lists them."""
    roles: tuple[str, ...] = get_args(StackComponent.model_fields["role"].annotation)
    return roles


class Stack(Model):
    """A named composition of SKUs that handles a call end to end."""

    schema_version: Literal[1]
    """Format version of this file; currently 1."""
    title: str
    """One-line description shown in tables."""
    architecture: Literal["integrated", "cascade", "self-hosted"]
    """How the stack is built."""
    description: str | None = None
    """Longer description, where the composition comes from."""
    components: Annotated[list[StackComponent], Field(min_length=1)]
    """The priced parts."""

    @field_validator("components")
    @classmethod
    def _one_per_role(cls, components: list[StackComponent]) -> list[StackComponent]:
        return one_component_per_role(components, "a stack has one component per role")


SCHEMAS: dict[str, type[Model]] = {
    "pricesheet": PriceSheet,
    "scenario": Scenario,
    "stack": Stack,
    "fx": FxSheet,
}
"""File formats by the name `costmodel schema NAME` uses."""


def is_valid_name(value: str) -> bool:
    return re.fullmatch(NAME_PATTERN, value) is not None
