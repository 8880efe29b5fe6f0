"""Capacity: per self-hosted component and hour of the traffic shape, the load, GPUs, utilisation, cost and what binds.

Exact (Decimal), from the same sizing the bill uses (core/usage.py `gpu_sizing`), so the table explains the
bill line by line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from costmodel.core.backends import EXACT
from costmodel.core.interval import Span
from costmodel.core.overrides import PriceChange, apply_price_changes, apply_settings
from costmodel.core.shared import shared_for
from costmodel.core.usage import HOURS_PER_MONTH, GpuSizing, Profile, SlotSizing, gpu_sizing, price_factor, profile
from costmodel.data.catalog import Catalog
from costmodel.data.records import Scenario, Sku, Stack, StackComponent, to_record
from costmodel.errors import InputError, NoPriceError
from costmodel.plain_dataclass import dataclass


@dataclass(frozen=True)
class CapacityRow:
    """One level of load (an hour, or hours with the same load) for one component."""

    hours: str
    hours_per_month: Span[Decimal]
    calls_per_hour: Span[Decimal]
    load_gpus: Span[Decimal]
    """GPUs the work keeps busy at full throughput."""
    streams: Span[Decimal]
    gpus: Span[Decimal]
    """GPUs running in these hours under the scaling policy."""
    utilisation: Span[Decimal]
    """load ÷ GPUs running (0 with no GPUs)."""
    gpu_hours: Span[Decimal]
    cost_per_month: Span[Decimal]
    binding: str
    """What sets the GPU count: throughput, latency, concurrency, minimum, or busiest hour (fixed-size policies)."""


@dataclass(frozen=True)
class CapacityComponent:
    """One self-hosted component: its operating point, its hours, and its month."""

    role: str
    sku: str
    workload: str
    scaling: str
    purchase: str
    throughput: Span[Decimal]
    """Work one GPU does per second at the operating point (output tokens, or audio seconds)."""
    throughput_unit: str
    streams_per_gpu: Span[Decimal] | None
    latency_ms: Decimal | None
    latency_target_ms: Decimal | None
    work_seconds_per_call: Span[Decimal]
    gpus: Span[Decimal]
    gpu_hours_per_month: Span[Decimal]
    unit_price: Span[Decimal]
    """Per GPU-hour after the purchase discount, in the output currency."""
    cost_per_month: Span[Decimal]
    binding: str
    rows: list[CapacityRow]


@dataclass(frozen=True)
class Capacity:
    """The capacity plan of one scenario on one stack's self-hosted components."""

    scenario: str
    stack: str
    as_of: date
    currency: str
    calls_per_month: Span[Decimal]
    components: list[CapacityComponent]
    cost_per_month: Span[Decimal]


def _binding(slot: SlotSizing[Decimal], running: Span[Decimal], floor: Decimal, limited_by_latency: bool) -> str:
    need = max(slot.gpus_for_throughput.high, slot.gpus_for_concurrency.high)
    if running.high <= floor:
        return "minimum"
    if running.high > need:
        return "busiest hour"  # a fixed-size policy keeps the busiest hour's GPUs in quieter hours
    if slot.gpus_for_concurrency.high >= slot.gpus_for_throughput.high:
        return "concurrency"
    return "latency" if limited_by_latency else "throughput"


def _rows(component: StackComponent, sizing: GpuSizing[Decimal], unit_price: Span[Decimal],
          p: Profile[Decimal]) -> list[CapacityRow]:
    overhead = 1 + component.interruption_overhead if component.purchase == "spot" else Decimal(1)
    zero = Span(Decimal(0), Decimal(0))
    slots = list(sizing.slots)
    covered = sum((slot.hours_per_month.high for slot in slots), Decimal(0))
    if p.traffic_profile is None and component.scaling != "scheduled" and covered < HOURS_PER_MONTH:
        # Without a traffic profile the closed hours are no slot, yet always-on and autoscaled GPUs run in them
        # (the bill counts them): a row of their own lets the table add up to the bill.
        closed_hours = Span.of(HOURS_PER_MONTH - covered)
        slots.append(SlotSizing("closed hours", closed_hours, False, zero, zero, None, zero, zero, sizing.min_gpus))
    # Always-on GPUs are rented gpu_hours_per_month of the month's 730 hours, spread evenly over its hours, so
    # each row carries its share and the rows sum to the bill's GPU-hours.
    rented_share = component.gpu_hours_per_month / HOURS_PER_MONTH if component.scaling == "always-on" else Decimal(1)
    rows = []
    for slot in slots:
        if component.scaling == "autoscaled":
            running = slot.gpus
        elif component.scaling == "scheduled":
            running = sizing.gpus if slot.open else zero
        else:
            running = sizing.gpus
        # End by end (low load with low GPUs, high with high): an interval quotient would pair the wrong ends.
        utilisation = Span(slot.busy_gpus.low / running.low if running.low > 0 else Decimal(0),
                           slot.busy_gpus.high / running.high if running.high > 0 else Decimal(0))
        gpu_hours = running * slot.hours_per_month * rented_share * overhead
        binding = _binding(slot, running, Decimal(component.min_gpus), sizing.point.limited_by_latency)
        if not slot.open:
            binding = "closed" if running.high == 0 else "minimum"
        rows.append(CapacityRow(slot.label, slot.hours_per_month, slot.calls_per_hour, slot.busy_gpus, slot.streams,
                                running, utilisation, gpu_hours, gpu_hours * unit_price, binding))
    return rows


def plan_component(
    component: StackComponent, sku: Sku, p: Profile[Decimal], price: Span[Decimal]
) -> CapacityComponent:
    """One self-hosted component's plan, at an on-demand GPU-hour `price` in the output currency."""
    unit_price = price * price_factor(component)
    sizing = gpu_sizing(component, sku, p, EXACT)
    rows = _rows(component, sizing, unit_price, p)
    point = sizing.point
    unit = "output tokens/s" if component.role == "self-hosted-llm" else "audio s/s"
    bindings = list(dict.fromkeys(row.binding for row in rows if row.binding != "closed"))
    assert component.workload is not None
    return CapacityComponent(
        role=component.role, sku=sku.id, workload=component.workload, scaling=component.scaling,
        purchase=component.purchase, throughput=Span.of(point.throughput), throughput_unit=unit,
        streams_per_gpu=Span.of(point.streams) if point.streams is not None else None,
        latency_ms=point.latency_ms, latency_target_ms=component.latency_target_ms,
        work_seconds_per_call=sizing.work_seconds_per_call, gpus=sizing.gpus,
        gpu_hours_per_month=sizing.gpu_hours_per_month, unit_price=unit_price,
        cost_per_month=sizing.gpu_hours_per_month * unit_price, binding=", ".join(bindings), rows=rows,
    )


def capacity(
    catalog: Catalog,
    scenario: str | Scenario,
    stack: str | Stack,
    *,
    as_of: date | None = None,
    currency: str = "USD",
    settings: dict[str, Any] | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
    with_components: Sequence[StackComponent | str] = (),
) -> Capacity:
    """Per self-hosted component of `stack`, hour by hour: load, GPUs, utilisation, cost and the binding constraint.

    Shared components (the scenario's `with:`, `with_components`) are composed in as `estimate` does, so a
    shared self-hosted component is planned here too.
    """
    as_of = as_of or date.today()
    scenario_id = scenario if isinstance(scenario, str) else "custom"
    stack_id = stack if isinstance(stack, str) else "custom"
    scenario_model: Scenario = catalog.scenario(scenario) if isinstance(scenario, str) else to_record(scenario)
    stack_model: Stack = catalog.stack(stack) if isinstance(stack, str) else to_record(stack)
    if settings:
        scenario_model = apply_settings(scenario_model, settings)
    stack_model, _ = shared_for(scenario_model, with_components, catalog).compose(catalog, stack_model)
    fx_period = catalog.fx_rate(currency, as_of)
    rate = fx_period.per_usd if fx_period else Decimal(1)
    p = profile(scenario_model, EXACT)
    components = []
    total = Span(Decimal(0), Decimal(0))
    for component in stack_model.components:
        if not component.role.startswith("self-hosted"):
            continue
        sku = catalog.sku(component.sku)
        try:
            period = apply_price_changes(sku.id, catalog.price(component.sku, as_of), price_changes)
        except NoPriceError as exc:
            raise exc.for_stack(stack_id) from None
        price = period.price("usd_per_gpu_hour")
        if price is None:
            raise NoPriceError(f"{sku.id} has no usd_per_gpu_hour in its price period from {period.effective_from}")
        planned = plan_component(component, sku, p, Span.of(price) * rate)
        total = total + planned.cost_per_month
        components.append(planned)
    if not components:
        raise InputError(f"stack {stack_id} has no self-hosted components; capacity plans GPUs only")
    return Capacity(scenario_id, stack_id, as_of, currency, p.calls_per_month, components, total)
