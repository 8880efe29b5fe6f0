"""Cost = usage × price: itemised per-call and monthly estimates of a scenario on a stack, exact in Decimal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from costmodel.analyses.baseline import BillChanges
from costmodel.analyses.capacity import CapacityComponent, plan_component
from costmodel.core.backends import EXACT
from costmodel.core.bill import BillLine, bill_component
from costmodel.core.interval import Span
from costmodel.core.overrides import PriceChange, WhatIf, apply_price_changes, apply_settings, what_if
from costmodel.core.shared import Composition, Shared, shared_for
from costmodel.core.usage import Profile, profile
from costmodel.data.catalog import Catalog, fx_warning
from costmodel.data.meters import DURATION_FIELDS, PRICE_FIELDS
from costmodel.data.records import PricePeriod, Scenario, Sku, Stack, StackComponent, to_record
from costmodel.errors import InputError, NoPriceError
from costmodel.plain_dataclass import dataclass, field


@dataclass(frozen=True)
class LineItem:
    """One priced meter of one stack component."""

    role: str
    sku: str
    sku_name: str
    price_field: str
    meter: str
    quantity: Span[Decimal]
    per: Literal["call", "month"]
    unit_price: Span[Decimal]
    cost_per_call: Span[Decimal]
    cost_per_month: Span[Decimal]
    fixed: bool
    effective_from: date
    source: str
    checked: date
    estimate: bool
    note: str | None
    secondary: bool = False
    """The price was read only from a copy of the vendor's (source_kind: secondary), not estimated."""


@dataclass(frozen=True)
class TurnRow:
    """What one turn of a multi-turn call costs on one component (points only)."""

    turn: int
    role: str
    sku: str
    quantities: dict[str, Decimal]
    cost: Decimal


@dataclass(frozen=True)
class AudioTokenView:
    """The compression view: what one minute of audio becomes in a SKU's tokens, from its documented rate."""

    sku: str
    input_tokens_per_minute: Decimal
    output_tokens_per_minute: Decimal | None
    source: str
    checked: date
    estimate: bool


LIFECYCLE_WARNING_DAYS = 180
"""A stack gets a lifecycle warning for a SKU withdrawn or retiring within this many days after the as-of date:
about two quarters, the notice vendors commonly give for model retirements, time enough to re-price a stack."""


@dataclass(frozen=True)
class LifecycleWarning:
    """A SKU a stack relies on that stops being sold or shuts down soon after the date priced."""

    sku: str
    date: date
    what: Literal["withdrawn", "retires"]
    """withdrawn: the product stops being sold (withdrawn_on); retires: an announced shutdown (retires_on)."""
    days: int
    """Days from the as-of date to `date`."""
    source: str | None
    """Where the retirement was announced (retires_on), when the sheet says."""

    @property
    def text(self) -> str:
        """One line for text, Markdown and CSV."""
        verb = "is withdrawn" if self.what == "withdrawn" else "retires"
        return f"{self.sku} {verb} on {self.date} ({self.days} day{'' if self.days == 1 else 's'} after the prices' date)"


def lifecycle_warnings(sku: Sku, as_of: date, days: int = LIFECYCLE_WARNING_DAYS) -> list[LifecycleWarning]:
    """Warnings for a SKU withdrawn or retiring within `days` after `as_of` (none once its price has ended)."""
    found = []
    for when, what, source in ((sku.withdrawn_on, "withdrawn", None), (sku.retires_on, "retires", sku.retirement_source)):
        if when is not None and 0 < (when - as_of).days <= days:
            found.append(LifecycleWarning(sku.id, when, what, (when - as_of).days, source))  # type: ignore[arg-type]
    return found


@dataclass(frozen=True)
class FxUsed:
    currency: str
    per_usd: Decimal
    effective_from: date
    source: str
    checked: date
    warning: str | None = None
    """Set when the rate took effect more than 90 days before the costing date (data/catalog.py fx_warning)."""


@dataclass(frozen=True)
class Bill:
    """The bill for one scenario on one stack."""

    scenario: str
    stack: str
    stack_title: str
    architecture: str
    as_of: date
    currency: str
    fx: FxUsed | None
    calls_per_month: Span[Decimal]
    per_call: Span[Decimal]
    per_month: Span[Decimal]
    fixed_per_month: Span[Decimal]
    lines: list[LineItem]
    turns: list[TurnRow] = field(default_factory=list)
    estimate: bool = False
    """Some figure is estimated, derived or hypothetical (a price, a token rate or a throughput)."""
    notes: list[str] = field(default_factory=list)
    audio_tokens: list[AudioTokenView] = field(default_factory=list)
    warnings: list[LifecycleWarning] = field(default_factory=list)
    """SKUs of the stack withdrawn or retiring within LIFECYCLE_WARNING_DAYS after `as_of`."""
    shared: Shared = field(default_factory=Shared)
    """Components every stack was priced with (scenario `with:`, `--with`) and the roles the scenario needs."""
    composition: Composition = field(default_factory=Composition)
    """What the shared components added or replaced on this stack, and the needed roles it lacks."""
    capacity: list[CapacityComponent] = field(default_factory=list)
    """Self-hosted components: the GPU plan behind their GPU-hours (analyses/capacity.py)."""
    secondary: bool = False
    """Some price was read only from a secondary copy (mirror, reseller, news), not the vendor's own page."""
    whatif: WhatIf = field(default_factory=WhatIf)
    """The what-ifs (--set, --price) this result was computed with; empty for a plain run."""
    baseline: BillChanges | None = None
    """The bill against the same bill without what-ifs (analyses/baseline.py, `--baseline`); None unless asked."""


def _sources(sku: Sku, period: PricePeriod, component: StackComponent) -> tuple[bool, list[str]]:
    # A price read only from a copy is flagged `estimate` in the data too; it is marked as secondary
    # instead, so "estimate" keeps meaning a figure someone derived or assumed.
    estimate = period.estimate and period.source_kind != "secondary"
    notes = []
    if sku.audio_tokens is not None and sku.audio_tokens.estimate:
        estimate = True
        notes.append(f"{sku.id} audio token rates: {sku.audio_tokens.note}")
    if component.workload:
        entry = next(e for e in sku.throughput if e.workload == component.workload)
        if entry.estimate:
            estimate = True
            notes.append(f"{sku.id} {entry.workload} throughput: {entry.note}")
    if period.estimate:
        notes.append(f"{sku.id} price from {period.effective_from}: {period.note}")
    if component.operations_usd_per_month:
        notes.append(f"{component.role} operations cost: {component.operations_usd_per_month} USD a month is the "
                     "stack's own assumption (engineering time), not a vendor price")
    return estimate, notes


OPERATIONS_SOURCE = "the stack's operations_usd_per_month (an assumption of the stack, not a vendor price)"
OPERATIONS_NOTE = "Fixed monthly operations cost of running the self-hosted GPUs, as the stack states it."


def _line_items(
    component: StackComponent, sku: Sku, period: PricePeriod, p: Profile[Decimal], rate: Decimal, currency: str
) -> list[LineItem]:
    estimate, _ = _sources(sku, period, component)

    def price_of(name: str) -> Span[Decimal] | None:
        price = period.price(name)
        return None if price is None else Span.of(price)

    items = []

    def item(line: BillLine[Decimal], meter: str, quantity: Span[Decimal], cost: Span[Decimal], fixed: bool) -> LineItem:
        if line.monthly:
            per_month, per_call = cost, cost / p.calls_per_month
        else:
            per_call, per_month = cost, cost * p.calls_per_month
        return LineItem(
            role=component.role,
            sku=sku.id,
            sku_name=sku.name,
            price_field=line.price_field,
            meter=meter,
            quantity=quantity,
            per="month" if line.monthly else "call",
            unit_price=line.unit_price,
            cost_per_call=per_call,
            cost_per_month=per_month,
            fixed=fixed,
            effective_from=period.effective_from,
            source=OPERATIONS_SOURCE if line.assumption else period.source,
            checked=period.checked,
            estimate=estimate or line.assumption,
            note=OPERATIONS_NOTE if line.assumption else period.note,
            secondary=period.source_kind == "secondary" and not line.assumption,
        )

    for line in bill_component(component, sku, period, p, EXACT, price_of, Span.of(rate)):
        if line.fixed:  # a monthly fee: all of it is fixed
            items.append(item(line, line.meter, line.quantity, line.cost, fixed=True))
            continue
        if line.floor is None or line.floor_cost is None:
            items.append(item(line, line.meter, line.quantity, line.cost, fixed=False))
            continue
        # Shown as two lines, the fixed floor (min_gpus) and what volume adds, so the fixed part is visible.
        added = line.quantity - line.floor
        per_unit = PRICE_FIELDS[line.price_field].quantity_per_unit
        items.append(item(line, "GPU-hours, fixed floor (min_gpus)", line.floor, line.floor_cost, fixed=True))
        items.append(item(line, "GPU-hours, added for volume", added, added * line.unit_price / per_unit, fixed=False))
    return items


MAX_ITEMISED_TURNS = 100
"""Calls with more turns get no per-turn table: it would be unreadable, and turns: 100000000 must not take
the time and memory of a hundred million rows (the totals are closed-form and do not depend on it)."""


def turn_series(
    component: StackComponent, sku: Sku, period: PricePeriod, scenario: Scenario, rate: Decimal = Decimal(1)
) -> list[TurnRow]:
    """Per-turn usage and cost of an LLM or token-billed audio model, turn by turn (point scenarios only).

    Written turn by turn on purpose, independently of the closed-form totals in usage.py, so each checks the other.
    """
    p = profile(scenario, EXACT)
    if component.role not in {"llm", "audio-llm"} or not p.turns.is_point or p.turns.low > MAX_ITEMISED_TURNS:
        return []
    # Billed by duration (even at a price of 0, which is a price): no token series to itemise.
    if component.role == "audio-llm" and any(period.price(name) is not None for name in DURATION_FIELDS):
        return []
    # Sessions and LLMs billed by call minute have no per-turn token bill either.
    if any(period.price(name) is not None for name in ("usd_per_active_minute", "usd_per_llm_minute")):
        return []
    if any(isinstance(value, Span) and not value.is_point for value in vars(p).values()):
        return []
    # Volume-tiered prices depend on the month's total, not on one turn: no per-turn prices to show.
    if period.volume_tiers is not None:
        return []
    n = int(p.turns.low)
    system, f = p.system_prompt_tokens.low, p.cache_hit_fraction.low
    text_each = p.agent_text_tokens.low / n
    prices = {name: Span.of(value).low * rate for name, value in period.prices().items()}
    rows = []
    for k in range(1, n + 1):
        q: dict[str, Decimal] = {}
        if component.role == "llm":
            caller_text = p.caller_transcript_tokens.low / n
            cacheable = (system if k > 1 else 0) + (k - 1) * (caller_text + text_each)
            new = (system if k == 1 else 0) + caller_text
            text_cached = cacheable * f if "usd_per_million_cached_input_tokens" in prices else Decimal(0)
            q["usd_per_million_input_tokens"] = new + cacheable - text_cached
            if "usd_per_million_cached_input_tokens" in prices:
                q["usd_per_million_cached_input_tokens"] = text_cached
        else:
            assert sku.audio_tokens is not None and sku.audio_tokens.output_tokens_per_second is not None
            rate_in, rate_out = sku.audio_tokens.input_tokens_per_second, sku.audio_tokens.output_tokens_per_second
            caller_tokens = p.caller_seconds.low / n * rate_in
            agent_tokens = p.agent_seconds.low / n * rate_out
            history = (k - 1) * (caller_tokens + agent_tokens)
            audio_cached = history * f if "usd_per_million_cached_audio_input_tokens" in prices else Decimal(0)
            q["usd_per_million_audio_input_tokens"] = caller_tokens + history - audio_cached
            if "usd_per_million_cached_audio_input_tokens" in prices:
                q["usd_per_million_cached_audio_input_tokens"] = audio_cached
            q["usd_per_million_audio_output_tokens"] = agent_tokens
            if "usd_per_million_input_tokens" in prices:
                cacheable = (system if k > 1 else 0) + (k - 1) * text_each
                text_cached = cacheable * f if "usd_per_million_cached_input_tokens" in prices else Decimal(0)
                q["usd_per_million_input_tokens"] = (system if k == 1 else 0) + cacheable - text_cached
                if "usd_per_million_cached_input_tokens" in prices:
                    q["usd_per_million_cached_input_tokens"] = text_cached
        q["usd_per_million_output_tokens"] = text_each
        cost = sum(
            (qty * prices.get(name, Decimal(0)) / PRICE_FIELDS[name].quantity_per_unit for name, qty in q.items()),
            Decimal(0),
        )
        rows.append(TurnRow(turn=k, role=component.role, sku=sku.id, quantities=q, cost=cost))
    return rows


def estimate(
    catalog: Catalog,
    scenario: str | Scenario,
    stack: str | Stack,
    *,
    as_of: date | None = None,
    currency: str = "USD",
    settings: dict[str, Any] | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
    scenario_id: str | None = None,
    stack_id: str | None = None,
    with_components: Sequence[StackComponent | str] = (),
) -> Bill:
    """Itemised cost of one call profile on one stack, with prices in force on `as_of` (default today).

    The scenario's shared components (`with:`) and `with_components` (which win over the scenario's for the same
    role) replace the stack's own component of their role or are added to it (core/shared.py).
    """
    as_of = as_of or date.today()
    scenario_id = scenario_id or (scenario if isinstance(scenario, str) else "custom")
    stack_id = stack_id or (stack if isinstance(stack, str) else "custom")
    # A file-format model (data/models.py) given directly is turned into its record here, once.
    scenario_model: Scenario = catalog.scenario(scenario) if isinstance(scenario, str) else to_record(scenario)
    stack_model: Stack = catalog.stack(stack) if isinstance(stack, str) else to_record(stack)
    if settings:
        scenario_model = apply_settings(scenario_model, settings)
    shared = shared_for(scenario_model, with_components, catalog)
    stack_model, composition = shared.compose(catalog, stack_model)
    fx_period = catalog.fx_rate(currency, as_of)
    rate = fx_period.per_usd if fx_period else Decimal(1)
    fx = (
        FxUsed(currency, fx_period.per_usd, fx_period.effective_from, fx_period.source, fx_period.checked,
               fx_warning(fx_period, as_of))
        if fx_period
        else None
    )
    p = profile(scenario_model, EXACT)
    lines: list[LineItem] = []
    turns: list[TurnRow] = []
    notes: list[str] = []
    audio_tokens: list[AudioTokenView] = []
    plans: list[CapacityComponent] = []
    any_estimate = any_secondary = False
    warnings: list[LifecycleWarning] = []
    for component in stack_model.components:
        sku = catalog.sku(component.sku)
        warnings.extend(w for w in lifecycle_warnings(sku, as_of) if w not in warnings)
        try:
            period = catalog.price(component.sku, as_of)
        except NoPriceError as exc:
            raise exc.for_stack(stack_id) from None
        period = apply_price_changes(sku.id, period, price_changes)
        is_estimate, component_notes = _sources(sku, period, component)
        any_estimate = any_estimate or is_estimate
        any_secondary = any_secondary or period.source_kind == "secondary"
        notes.extend(n for n in component_notes if n not in notes)
        lines.extend(_line_items(component, sku, period, p, rate, currency))
        per_minute = audio_tokens_per_minute(sku)
        if per_minute is not None and sku.audio_tokens is not None:
            rates = sku.audio_tokens
            audio_tokens.append(
                AudioTokenView(sku.id, per_minute[0], per_minute[1], rates.source, rates.checked, rates.estimate)
            )
        turns.extend(turn_series(component, sku, period, scenario_model, rate))
        gpu_price = period.price("usd_per_gpu_hour")
        if component.role.startswith("self-hosted") and gpu_price is not None:
            plans.append(plan_component(component, sku, p, Span.of(gpu_price) * rate))
    if not lines:
        raise InputError(f"stack {stack_id} prices nothing for scenario {scenario_id}")
    any_estimate = any_estimate or any(line.estimate for line in lines)  # a stack's own assumption, too
    zero = Span(Decimal(0), Decimal(0))
    # Monthly items are divided by volume once, on their total, so per-call figures carry one rounding at most.
    per_call_items = sum((line.cost_per_call for line in lines if line.per == "call"), zero)
    monthly_items = sum((line.cost_per_month for line in lines if line.per == "month"), zero)
    per_call = per_call_items + (monthly_items / p.calls_per_month if monthly_items != zero else zero)
    per_month = sum((line.cost_per_month for line in lines), zero)
    fixed = sum((line.cost_per_month for line in lines if line.fixed), zero)
    return Bill(
        scenario=scenario_id,
        stack=stack_id,
        stack_title=stack_model.title,
        architecture=stack_model.architecture,
        as_of=as_of,
        currency=currency,
        fx=fx,
        calls_per_month=p.calls_per_month,
        per_call=per_call,
        per_month=per_month,
        fixed_per_month=fixed,
        lines=lines,
        turns=turns,
        estimate=any_estimate,
        notes=notes,
        audio_tokens=audio_tokens,
        warnings=warnings,
        shared=shared,
        composition=composition,
        capacity=plans,
        secondary=any_secondary,
        whatif=what_if(settings, price_changes),
    )


def audio_tokens_per_minute(sku: Sku) -> tuple[Decimal, Decimal | None] | None:
    """The compression view: tokens one minute of input (and output) audio becomes, from the documented rate."""
    if sku.audio_tokens is None:
        return None
    rates = sku.audio_tokens
    out = rates.output_tokens_per_second * 60 if rates.output_tokens_per_second is not None else None
    return rates.input_tokens_per_second * 60, out
