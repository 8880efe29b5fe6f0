"""Properties of the cost engine over generated price sheets and scenarios (hypothesis), and over the bundled SKUs.

Cost is never negative; monthly cost is exactly linear in calls for API stacks; cost never falls when a price or
a quantity rises (nor rises when more of the context hits a cheaper cache); a ranged scenario's result contains
the point results at its two ends; displayed money reads back as the half-up rounding of the exact figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costmodel.analyses.estimate import Bill, estimate
from costmodel.core.interval import Span
from costmodel.core.overrides import PriceChange
from costmodel.data import records
from costmodel.data.catalog import Catalog, bundled_dir, load_catalog
from costmodel.data.models import PricePeriod, Range, Scenario, Sku, Stack
from costmodel.errors import NoPriceError
from costmodel.views.formatting import money, span_text

AS_OF = date(2026, 11, 1)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BUNDLED = load_catalog(bundled_dir("pricing"), bundled_dir("scenarios"))


def _prices_on(catalog: Catalog, stack_id: str) -> bool:
    try:
        estimate(catalog, next(iter(catalog.scenarios)), stack_id, as_of=AS_OF)
    except NoPriceError:
        return False
    return True


BUNDLED_STACKS = sorted(s for s in BUNDLED.stacks if _prices_on(BUNDLED, s))
"""Bundled stacks with every price in force on AS_OF (latency-first's LLM was withdrawn in 2025)."""

# ----------------------------------------------------------------------------------------------- generators

money_per_million = st.decimals(min_value=0, max_value=100, places=3)
money_per_minute = st.decimals(min_value=0, max_value=1, places=4)
seconds = st.decimals(min_value=0, max_value=900, places=1)
tokens = st.decimals(min_value=0, max_value=20_000, places=0)
fractions = st.decimals(min_value=0, max_value=1, places=2)


def _period(**prices: Any) -> PricePeriod:
    return PricePeriod.model_validate(
        {"effective_from": date(2025, 1, 1), "currency": "USD", "source": "generated", "checked": date(2025, 1, 1), **prices}
    )


def _sku(sku_id: str, kind: str, period: PricePeriod, **extra: Any) -> Sku:
    return Sku.model_validate({"id": sku_id, "kind": kind, "name": sku_id, "periods": [period], **extra})


def _stack(architecture: str, components: list[dict[str, Any]]) -> Stack:
    data = {"schema_version": 1, "title": "generated", "architecture": architecture, "components": components}
    return Stack.model_validate(data)


@st.composite
def price_or_range(draw: st.DrawFn, prices: st.SearchStrategy[Decimal]) -> Decimal | Range:
    low = draw(prices)
    if draw(st.booleans()):
        return low
    return Range(low=low, high=low + draw(prices))


@st.composite
def generated_catalogs(draw: st.DrawFn, ranges: bool = False) -> Catalog:
    """A cascade (ASR per minute, LLM with a cached price, TTS per character, telephony) and an integrated
    audio-token model, each price drawn (a range when `ranges`), cached prices never above uncached ones."""
    per_million = price_or_range(money_per_million) if ranges else money_per_million
    per_minute = price_or_range(money_per_minute) if ranges else money_per_minute

    def cached_below(uncached: Decimal | Range) -> Decimal:
        ceiling = uncached.low if isinstance(uncached, Range) else uncached
        return draw(st.decimals(min_value=0, max_value=ceiling, places=3))

    llm_input = draw(per_million)
    audio_input = draw(per_million)
    text_input = draw(per_million)
    increment = draw(st.sampled_from([Decimal(1), Decimal(15), Decimal(60)]))
    rates = {"input_tokens_per_second": 10, "output_tokens_per_second": 20, "source": "generated", "checked": AS_OF}
    skus = [
        _sku("gen/asr", "asr", _period(usd_per_audio_minute=draw(per_minute), billing_increment_seconds=increment)),
        _sku("gen/llm", "llm", _period(usd_per_million_input_tokens=llm_input,
                                       usd_per_million_cached_input_tokens=cached_below(llm_input),
                                       usd_per_million_output_tokens=draw(per_million))),
        _sku("gen/tts", "tts", _period(usd_per_million_characters=draw(per_million))),
        _sku("gen/phone", "telephony", _period(usd_per_telephony_minute=draw(per_minute), billing_increment_seconds=60)),
        _sku("gen/audio", "audio-llm", _period(usd_per_million_audio_input_tokens=audio_input,
                                               usd_per_million_cached_audio_input_tokens=cached_below(audio_input),
                                               usd_per_million_audio_output_tokens=draw(per_million),
                                               usd_per_million_input_tokens=text_input,
                                               usd_per_million_cached_input_tokens=cached_below(text_input),
                                               usd_per_million_output_tokens=draw(per_million)),
             audio_tokens=rates),
    ]
    asr_billing = draw(st.sampled_from(["call", "turn"]))
    stacks = {
        "gen-cascade": _stack("cascade", [
            {"role": "asr", "sku": "gen/asr", "billed_per": asr_billing},
            {"role": "llm", "sku": "gen/llm"},
            {"role": "tts", "sku": "gen/tts"},
            {"role": "telephony", "sku": "gen/phone", "legs": draw(st.sampled_from([1, 2]))},
        ]),
        "gen-integrated": _stack("integrated", [{"role": "audio-llm", "sku": "gen/audio"}]),
    }
    return Catalog(skus={sku.id: sku for sku in skus}, stacks=stacks)


@st.composite
def scenarios(draw: st.DrawFn, ranges: bool = False) -> Scenario:
    """A call profile with every usage field drawn; optional fields sometimes left to their defaults."""

    def quantity(values: st.SearchStrategy[Decimal]) -> Decimal | Range:
        low = draw(values)
        if ranges and draw(st.booleans()):
            return Range(low=low, high=low + draw(values))
        return low

    def maybe(values: st.SearchStrategy[Decimal]) -> Decimal | Range | None:
        return quantity(values) if draw(st.booleans()) else None

    turns_low = draw(st.integers(1, 20))
    turns: Decimal | Range = Decimal(turns_low)
    if ranges and draw(st.booleans()):
        turns = Range(low=Decimal(turns_low), high=Decimal(turns_low + draw(st.integers(0, 10))))
    data: dict[str, Any] = {
        "schema_version": 1,
        "title": "generated",
        "calls_per_month": quantity(st.decimals(min_value=1, max_value=1_000_000, places=0)),
        "turns": turns,
        "caller_audio_seconds": quantity(seconds),
        "agent_audio_seconds": maybe(seconds),
        "agent_text_tokens": maybe(tokens),
        "agent_reply_characters": maybe(st.decimals(min_value=0, max_value=50_000, places=0)),
        "system_prompt_tokens": quantity(tokens),
        "cache_hit_fraction": quantity(st.decimals(min_value=0, max_value=Decimal("0.5"), places=2)),
        "call_duration_seconds": maybe(st.decimals(min_value=0, max_value=1800, places=0)),
    }
    return Scenario.model_validate({k: v for k, v in data.items() if v is not None})


@dataclass(frozen=True)
class World:
    catalog: Catalog
    stack: str


@st.composite
def worlds(draw: st.DrawFn, api_only: bool = False, ranges: bool = False) -> World:
    """A generated catalog and one of its stacks, or the bundled catalog and one of its stacks priced on AS_OF."""
    if draw(st.booleans()):
        catalog = draw(generated_catalogs(ranges=ranges))
        return World(catalog, draw(st.sampled_from(sorted(catalog.stacks))))
    choices = [s for s in BUNDLED_STACKS if not api_only or BUNDLED.stacks[s].architecture != "self-hosted"]
    return World(BUNDLED, draw(st.sampled_from(choices)))


def cost(world: World, scenario: Scenario, **kwargs: Any) -> Bill:
    return estimate(world.catalog, scenario, world.stack, as_of=AS_OF, stack_id=world.stack, **kwargs)


def with_fields(scenario: Scenario | records.Scenario, **values: Any) -> Scenario:
    # A scenario of the catalog is a record; as a model again, the format's rules check the new values.
    data = {k: {"low": v.low, "high": v.high} if isinstance(v, records.Range) else v
            for k, v in records.record_dict(scenario).items()}
    return Scenario.model_validate({**data, **values})


def not_below(after: Span, before: Span) -> bool:
    return after.low >= before.low and after.high >= before.high


# ------------------------------------------------------------------------------------------------ properties


@FAST
@given(world=worlds(ranges=True), scenario=scenarios(ranges=True))
def test_cost_is_never_negative(world: World, scenario: Scenario) -> None:
    result = cost(world, scenario)
    assert Decimal(0) <= result.per_call.low <= result.per_call.high
    assert Decimal(0) <= result.per_month.low <= result.per_month.high
    for line in result.lines:
        assert line.cost_per_call.low >= 0 and line.quantity.low >= 0


@FAST
@given(world=worlds(api_only=True), scenario=scenarios(), calls=st.integers(1, 10_000_000))
def test_monthly_cost_is_linear_in_calls_for_api_stacks(world: World, scenario: Scenario, calls: int) -> None:
    once = cost(world, with_fields(scenario, calls_per_month=Decimal(calls)))
    twice = cost(world, with_fields(scenario, calls_per_month=Decimal(2 * calls)))
    assert twice.per_call == once.per_call
    assert same_to_context_precision(twice.per_month.low, once.per_month.low * 2)
    assert same_to_context_precision(twice.per_month.high, once.per_month.high * 2)


def same_to_context_precision(a: Decimal, b: Decimal) -> bool:
    # Decimal keeps 28 significant digits, so a per-call figure with a division that does not terminate (/60 for a
    # per-minute price, /3 turns) is rounded in its 28th digit, and N x 2 and 2N can then differ there. Linearity
    # is asserted to 26 digits; test_monthly_cost_is_bit_exact_when_every_division_terminates shows the exact case.
    return abs(a - b) <= max(abs(a), abs(b)) * Decimal("1e-26")


@FAST
@given(calls=st.integers(1, 10_000_000))
def test_monthly_cost_is_bit_exact_when_every_division_terminates(calls: int) -> None:
    # support-call-5min on gpt-realtime: 300 s of caller audio x 10 tokens/s = 3,000 audio tokens x $32/1M = 0.096,
    # 200 text tokens x $16/1M = 0.0032 (bundled prices); per call 0.0992, exactly, so N calls cost 0.0992 x N.
    world = World(BUNDLED, "gpt-realtime")
    scenario = BUNDLED.scenario("support-call-5min")
    once = cost(world, with_fields(scenario, calls_per_month=Decimal(calls)))
    twice = cost(world, with_fields(scenario, calls_per_month=Decimal(2 * calls)))
    assert once.per_call == Span.of(Decimal("0.0992"))
    assert once.per_month == Span.of(Decimal("0.0992") * calls)
    assert twice.per_month == Span(once.per_month.low * 2, once.per_month.high * 2)


PRICE_FACTORS = st.decimals(min_value=1, max_value=2, places=2)


@FAST
@given(world=worlds(), scenario=scenarios(), data=st.data())
def test_cost_never_falls_when_a_price_rises(world: World, scenario: Scenario, data: st.DataObject) -> None:
    stack = world.catalog.stacks[world.stack]
    sku = data.draw(st.sampled_from([component.sku for component in stack.components]))
    field = data.draw(st.sampled_from(sorted(world.catalog.price(sku, AS_OF).prices())))
    factor = data.draw(PRICE_FACTORS)
    before = cost(world, scenario)
    after = cost(world, scenario, price_changes=[PriceChange(sku, field, factor=factor)])
    assert not_below(after.per_call, before.per_call)
    assert not_below(after.per_month, before.per_month)


QUANTITY_FIELDS = (
    "caller_audio_seconds", "agent_audio_seconds", "agent_text_tokens", "agent_reply_characters",
    "system_prompt_tokens", "call_duration_seconds", "speaking_rate_words_per_minute", "tokens_per_word",
    "characters_per_word",
)
"""Fields whose increase means more usage; turns is tested on its own (per-turn billing rounds)."""


@FAST
@given(world=worlds(), scenario=scenarios(), data=st.data())
def test_cost_never_falls_when_a_quantity_rises(world: World, scenario: Scenario, data: st.DataObject) -> None:
    field = data.draw(st.sampled_from([f for f in QUANTITY_FIELDS if getattr(scenario, f) is not None]))
    bump = data.draw(st.decimals(min_value=0, max_value=500, places=1))
    before = cost(world, scenario)
    after = cost(world, with_fields(scenario, **{field: getattr(scenario, field) + bump}))
    assert not_below(after.per_call, before.per_call)
    assert not_below(after.per_month, before.per_month)


@FAST
@given(world=worlds(), scenario=scenarios(), more=st.integers(0, 1_000_000))
def test_monthly_cost_never_falls_with_more_calls(world: World, scenario: Scenario, more: int) -> None:
    # Self-hosted per-call cost may fall (the GPU floor is spread wider); the monthly bill may not.
    before = cost(world, scenario)
    after = cost(world, with_fields(scenario, calls_per_month=scenario.calls_per_month + more))
    assert not_below(after.per_month, before.per_month)


def _per_turn_billing(world: World) -> bool:
    return any(c.billed_per == "turn" for c in world.catalog.stacks[world.stack].components)


@FAST
@given(world=worlds(), scenario=scenarios(), more=st.integers(0, 30))
def test_cost_never_falls_with_more_turns(world: World, scenario: Scenario, more: int) -> None:
    if _per_turn_billing(world):
        world = World(world.catalog, "gen-integrated")  # see the per-turn rounding example below
    before = cost(world, scenario)
    after = cost(world, with_fields(scenario, turns=scenario.turns + more))
    assert not_below(after.per_call, before.per_call)


def test_per_turn_billing_is_the_one_exception_to_more_turns_costing_more() -> None:
    # 10 s of caller audio billed per turn in whole seconds: 4 turns of 2.5 s bill 3 s each = 12 s; 5 turns of 2 s
    # bill 2 s each = 10 s. At $0.60/minute: 12 s = $0.12, 10 s = $0.10. Documented, not a bug: vendors round per request.
    catalog = Catalog(
        skus={"gen/asr": _sku("gen/asr", "asr", _period(usd_per_audio_minute=Decimal("0.60")))},
        stacks={"asr": _stack("cascade", [{"role": "asr", "sku": "gen/asr", "billed_per": "turn"}])},
    )
    world = World(catalog, "asr")
    base = Scenario(schema_version=1, title="t", calls_per_month=Decimal(1), caller_audio_seconds=Decimal(10))
    assert cost(world, with_fields(base, turns=4)).per_call == Span.of(Decimal("0.12"))
    assert cost(world, with_fields(base, turns=5)).per_call == Span.of(Decimal("0.10"))


@FAST
@given(world=worlds(), scenario=scenarios(), data=st.data())
def test_cost_never_rises_when_more_context_hits_a_cheaper_cache(world: World, scenario: Scenario, data: st.DataObject) -> None:
    # Generated cached prices are at most the uncached ones, and so are every bundled SKU's (checked below).
    higher = data.draw(st.decimals(min_value=scenario.cache_hit_fraction, max_value=1, places=2))
    before = cost(world, scenario)
    after = cost(world, with_fields(scenario, cache_hit_fraction=higher))
    assert after.per_call.low <= before.per_call.low and after.per_call.high <= before.per_call.high


def test_bundled_cached_prices_are_not_above_uncached_ones() -> None:
    pairs = [("usd_per_million_cached_input_tokens", "usd_per_million_input_tokens"),
             ("usd_per_million_cached_audio_input_tokens", "usd_per_million_audio_input_tokens")]
    checked = 0
    for sku in BUNDLED.skus.values():
        for period in sku.periods:
            prices = period.prices()
            for cached, uncached in pairs:
                if cached in prices:
                    assert Span.of(prices[cached]).high <= Span.of(prices[uncached]).low, (sku.id, period.effective_from)
                    checked += 1
    assert checked > 0


def _end(value: Any, end: str) -> Any:
    return getattr(value, end) if isinstance(value, Range | records.Range) else value


def _at(scenario: Scenario, end: str) -> Scenario:
    return Scenario.model_validate({name: _end(getattr(scenario, name), end) for name in Scenario.model_fields})


def _catalog_at(catalog: Catalog, end: str) -> Catalog:
    """The catalog with every ranged price and GPU throughput replaced by one of its ends."""

    def at(record: Any) -> Any:
        if isinstance(record, records.PricePeriod):
            return replace(record, priced={k: _end(v, end) for k, v in record.priced.items()})
        return replace(record, **{k: _end(v, end) for k, v in records.record_dict(record).items()})

    skus = {
        sku_id: replace(sku, periods=[at(p) for p in sku.periods], throughput=[at(t) for t in sku.throughput])
        for sku_id, sku in catalog.skus.items()
    }
    return Catalog(skus=skus, stacks=catalog.stacks)


@FAST
@given(world=worlds(ranges=True), scenario=scenarios(ranges=True))
def test_a_ranged_result_contains_the_point_results_at_its_ends(world: World, scenario: Scenario) -> None:
    ranged = cost(world, scenario)
    for end in ("low", "high"):
        point = cost(World(_catalog_at(world.catalog, end), world.stack), _at(scenario, end))
        assert point.per_call.is_point
        assert ranged.per_call.contains(point.per_call), end
        assert ranged.per_month.contains(point.per_month), end


# ----------------------------------------------------------------------------------------- money formatting

amounts = st.decimals(min_value=0, max_value=10**12, places=8, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(value=amounts, places=st.sampled_from([1, 2, 5, 6]))
def test_money_reads_back_as_the_half_up_rounding(value: Decimal, places: int) -> None:
    expected = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert Decimal(money(value, places)) == expected
    assert Decimal(money(value, places, grouping=True).replace(",", "")) == expected
    assert len(money(value, places).split(".")[1]) == places
    assert span_text(Span.of(value), places) == money(value, places)


def test_money_rounds_half_up_not_to_even() -> None:
    # Banker's rounding would give 0.00002 and 0.12; half-up gives 0.00003 and 0.13.
    assert money(Decimal("0.000025"), 5) == "0.00003"
    assert money(Decimal("0.125"), 2) == "0.13"
    assert money(Decimal("1234567.005"), 2, grouping=True) == "1,234,567.01"
