"""The one bill kernel: what each meter of a stack component costs, on the exact or the vector backend.

Cost = quantity × unit price ÷ the price field's quantity per unit (data/meters.py), in the output currency.
Self-hosted GPU-hours are billed per month, with the always-on floor (the GPUs kept whatever the volume)
given apart so the fixed part stays visible; monthly fees (a plan, a number rental, concurrency slots) are
monthly lines too, and so is a per-call meter whose price depends on the month's volume (volume tiers,
included minutes: see `_volume_lines`); everything else is billed per call. `estimate` itemises these lines exactly; sweeps
and break-evens add them up over arrays. A meter the usage needs but the period does not price is an error,
never $0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Generic

from costmodel.core.backends import Ops
from costmodel.core.interval import M, Span
from costmodel.core.usage import (
    Meters,
    Profile,
    component_usage,
    gpu_sizing,
    is_monthly,
    monthly_usage,
    nonneg_product,
    nonneg_quotient,
    price_factor,
)
from costmodel.data.meters import (
    EXTRA_METERS,
    FIXED_MONTHLY_FIELDS,
    MONTHLY_PRICE_FIELDS,
    PRICE_FIELDS,
    REGIONAL_UPLIFT,
    seconds_per_unit,
)
from costmodel.data.records import PricePeriod, Sku, StackComponent
from costmodel.errors import NoPriceError
from costmodel.plain_dataclass import dataclass


@dataclass(frozen=True, slots=True)
class BillLine(Generic[M]):
    """One priced meter of one stack component."""

    price_field: str
    quantity: Span[M]
    """Per call, or per month when `monthly`."""
    unit_price: Span[M]
    """Price per the field's unit, in the output currency."""
    cost: Span[M]
    """quantity × unit price ÷ the field's quantity per unit: per call, or per month when `monthly`."""
    monthly: bool
    floor: Span[M] | None = None
    """Monthly GPU-hours only: the always-on part of `quantity`, paid whatever the volume."""
    floor_cost: Span[M] | None = None
    """What `floor` costs a month."""
    label: str | None = None
    """What the quantity counts when it is not the price field's own meter: one part of a meter (a volume tier,
    the included minutes), start-up seconds, an uplift."""
    fixed: bool = False
    """A monthly fee paid whatever the volume (the whole line is fixed; `floor` is then the whole quantity)."""
    assumption: bool = False
    """Priced by the stack, not the SKU's sheet: a self-hosted component's operations cost."""

    @property
    def meter(self) -> str:
        """What the quantity counts: the line's own label, or the registry's meter."""
        return self.label or PRICE_FIELDS[self.price_field].meter


PriceLookup = Callable[[str], "Span[M] | None"]
"""A period's price of one field in USD on the backend, or None when the period does not set it."""


def _all_zero(value: Decimal | object) -> bool:
    if isinstance(value, Decimal):
        return value == 0
    import numpy

    return bool(numpy.all(numpy.asarray(value) == 0))


def bill_component(
    component: StackComponent,
    sku: Sku,
    period: PricePeriod,
    p: Profile[M],
    ops: Ops[M],
    price_of: Callable[[str], Span[M] | None],
    rate: Span[M],
) -> list[BillLine[M]]:
    """Every priced meter of one component, in the currency `rate` converts USD to."""
    monthly = is_monthly(component)
    # Self-hosted GPUs are sized once: the GPU-hours and their fixed floor come from the same plan.
    sizing = gpu_sizing(component, sku, p, ops) if monthly else None
    meters: Meters[M]
    if sizing is not None:
        meters = [("usd_per_gpu_hour", sizing.gpu_hours_per_month)]
        meters.extend(monthly_usage(period, p, ops))  # a GPU SKU's own monthly fees, if it has any
    else:
        meters = component_usage(component, sku, period, p, ops)
    lines: list[BillLine[M]] = []
    for name, quantity in meters:
        extra = EXTRA_METERS.get(name)
        price_field = extra.price_field if extra is not None else name
        label = extra.meter if extra is not None else None
        row = PRICE_FIELDS[price_field]
        price = price_of(price_field)
        if price is None:
            if _all_zero(quantity.high):  # quantities are never negative: a zero high end is no usage at all
                continue
            raise NoPriceError(
                f"{sku.id} has no {price_field} in its price period from {period.effective_from}, "
                f"but the {component.role} role needs it for {label or row.meter}"
            )
        unit_price = price * rate
        if price_field == "usd_per_gpu_hour" and component.purchase_discount:
            # Reserved or spot GPUs: the unit price is what this purchase option pays per GPU-hour.
            unit_price = unit_price * ops.const(price_factor(component))
        per_unit = ops.const(row.quantity_per_unit)
        if not monthly and _priced_by_volume(price_field, period):
            lines.extend(_volume_lines(price_field, quantity, price, rate, period, p, ops))
            continue
        if price_field in MONTHLY_PRICE_FIELDS:
            cost = quantity * unit_price / per_unit
            fixed = price_field in FIXED_MONTHLY_FIELDS
            lines.append(BillLine(price_field, quantity, unit_price, cost, monthly=True, fixed=fixed,
                                  floor=quantity if fixed else None, floor_cost=cost if fixed else None))
            continue
        # GPU-hours and their price are non-negative: the end-by-end product is the interval product, cheaper.
        cost = nonneg_quotient(nonneg_product(quantity, unit_price), per_unit) if monthly else \
            ops.scale(quantity, unit_price, per_unit)
        if not monthly:
            lines.append(BillLine(price_field, quantity, unit_price, cost, monthly=False, label=label))
            continue
        assert sizing is not None
        floor = sizing.floor_gpu_hours
        lines.append(BillLine(price_field, quantity, unit_price, cost, monthly=True,
                              floor=floor, floor_cost=nonneg_quotient(nonneg_product(floor, unit_price), per_unit)))
    if sizing is not None and component.operations_usd_per_month:
        # Engineering time to run the GPUs: one month at the stack's own figure, paid whatever the volume.
        month = ops.const(1)
        fee = ops.const(component.operations_usd_per_month) * rate
        lines.append(BillLine("usd_per_month", month, fee, fee, monthly=True, floor=month, floor_cost=fee,
                              label="operations (stack assumption)", fixed=True, assumption=True))
    if component.region is not None:
        lines.extend(regional_uplift_lines(component, sku, period, lines, ops))
    return lines


def monthly_bill(
    component: StackComponent,
    sku: Sku,
    period: PricePeriod,
    volumes: dict[str, Span[M]],
    p: Profile[M],
    ops: Ops[M],
    price_of: Callable[[str], Span[M] | None],
    rate: Span[M],
) -> list[BillLine[M]]:
    """One month of a per-call component's charges that depend on the month, from that month's real totals.

    For replay, where calls are recorded one by one instead of drawn from a profile: `volumes` is each
    volume-priced meter's quantity summed over the month's calls (in the meter's own units, as `bill_component`
    gives it per call), priced here on the month's total (included minutes, graduated or all-units tiers) by the
    same `_volume_lines` as a profile's month; `p` gives the month's calls and peak of calls in progress, for the
    period's monthly fee and concurrency slots. Every line is monthly; a region's uplift is added on top.
    """
    one_call = dataclasses.replace(p, calls_per_month=ops.const(1))  # volumes are month totals already
    lines: list[BillLine[M]] = []
    for price_field, volume in volumes.items():
        price = price_of(price_field)
        if price is None:  # never: the meter was billed per call with this period's price
            raise NoPriceError(f"{sku.id} has no {price_field} in its price period from {period.effective_from}")
        lines.extend(_volume_lines(price_field, volume, price, rate, period, one_call, ops))
    for price_field, quantity in monthly_usage(period, p, ops):
        price = price_of(price_field)
        assert price is not None  # monthly_usage lists only the fees the period sets
        unit_price = price * rate
        cost = quantity * unit_price / ops.const(PRICE_FIELDS[price_field].quantity_per_unit)
        fixed = price_field in FIXED_MONTHLY_FIELDS
        lines.append(BillLine(price_field, quantity, unit_price, cost, monthly=True, fixed=fixed,
                              floor=quantity if fixed else None, floor_cost=cost if fixed else None))
    if component.region is not None:
        lines.extend(regional_uplift_lines(component, sku, period, lines, ops))
    return lines


def regional_uplift_lines(
    component: StackComponent, sku: Sku, period: PricePeriod, lines: list[BillLine[M]], ops: Ops[M]
) -> list[BillLine[M]]:
    """The extra a region or data zone adds on the component's charges, as lines of their own (charges × (factor - 1)).

    E.g. Azure Data Zone and OpenAI regional processing at 1.1× the global price; AssemblyAI in-region +10%.
    Only per-call components take a region (the model refuses one on self-hosted GPUs). Per-call charges,
    monthly charges that follow volume and fixed monthly fees are uplifted apart, so each stays in its unit.
    """
    assert component.region is not None
    factor = period.regional_uplifts.get(component.region)
    if factor is None:
        # The stack's region is listed in another period of the SKU (the catalog checks that): on this date the
        # regional price is not known, so the stack is unpriced, never billed at the global price.
        known = ", ".join(sorted(period.regional_uplifts)) or "none"
        raise NoPriceError(
            f"{sku.id} has no {component.region} uplift in its price period from {period.effective_from} "
            f"(regions: {known})"
        )
    extra = ops.const(factor - 1)
    label = f"{component.region} uplift ×{format(factor.normalize(), 'f')}"
    uplifts: list[BillLine[M]] = []
    for monthly, fixed in ((False, False), (True, False), (True, True)):
        group = [line for line in lines if line.monthly == monthly and line.fixed == fixed]
        if not group:
            continue
        charges = sum((line.cost for line in group), ops.const(0))
        uplift = charges * extra
        uplifts.append(BillLine(REGIONAL_UPLIFT, charges, extra, uplift, monthly=monthly, label=label, fixed=fixed,
                                floor=charges if fixed else None, floor_cost=uplift if fixed else None))
    return uplifts


# --- Monthly billing mechanics (issue 13, part B): prices that depend on the month's volume. ---


def _allowance_units(price_field: str, period: PricePeriod) -> Decimal | None:
    """The plan's included minutes in the price field's units (minutes, or seconds for a per-second price)."""
    seconds = seconds_per_unit(price_field)
    if period.included_minutes_per_month is None or seconds is None:
        return None
    return period.included_minutes_per_month * 60 / seconds


def _priced_by_volume(price_field: str, period: PricePeriod) -> bool:
    tiers = period.volume_tiers
    return (tiers is not None and tiers.price_field == price_field) or _allowance_units(price_field, period) is not None


def _amount(value: Decimal) -> str:
    return f"{value:,}"


def _volume_lines(
    price_field: str,
    quantity: Span[M],
    price: Span[M],
    rate: Span[M],
    period: PricePeriod,
    p: Profile[M],
    ops: Ops[M],
) -> list[BillLine[M]]:
    """A per-call meter priced on the month's total: included minutes first, then volume tiers (or the flat price).

    Monthly units = quantity per call × calls ÷ the field's quantity per unit. Each part is its own monthly
    line, quantities in the meter's own units, so `breakdown` shows "tier 2" and what the plan included.
    """
    row = PRICE_FIELDS[price_field]
    per_unit = ops.const(row.quantity_per_unit)
    units = quantity * p.calls_per_month / per_unit
    lines: list[BillLine[M]] = []
    allowance = _allowance_units(price_field, period)
    billed = units
    if allowance is not None:
        included = ops.band(units, Decimal(0), allowance)
        lines.append(BillLine(price_field, included * per_unit, price * 0, included * 0, monthly=True,
                              label=f"{row.meter}, included in plan ({_amount(allowance)} {_units(row.unit)} a month)"))
        billed = ops.band(units, allowance, None)
    tiers = period.volume_tiers
    if tiers is None or tiers.price_field != price_field:
        label = f"{row.meter}, beyond included" if allowance is not None else None
        unit_price = price * rate
        lines.append(BillLine(price_field, billed * per_unit, unit_price, billed * unit_price, monthly=True, label=label))
        return lines
    # Tiers count the units billed beyond the allowance; their edges are shifted by it and applied to the
    # month's units, which stay affine in volume, so break-even solvers find every edge exactly.
    shift = allowance or Decimal(0)
    starts = [Decimal(0)] + [tier.from_units_per_month for tier in tiers.tiers]
    prices = [price] + [ops.const(tier.usd_per_unit) for tier in tiers.tiers]
    if tiers.mode == "all-units":
        # Every billed unit at the price of the tier the billed total reaches: one line, naming that tier.
        # The first tier starts at 0 month's units (those inside the allowance are billed nothing).
        edges = [Decimal(0)] + [start + shift for start in starts[1:]]
        cost, unit_price = ops.all_units(units, edges, prices, shift)
        lines.append(BillLine(price_field, billed * per_unit, unit_price * rate, cost * rate, monthly=True,
                              label=f"{row.meter}, all-units {_reached(billed, starts, row.unit)}"))
        return lines
    for number, (start, tier_price) in enumerate(zip(starts, prices, strict=True), start=1):
        end = starts[number] if number < len(starts) else None
        in_tier = ops.band(units, start + shift, None if end is None else end + shift)
        unit_price = tier_price * rate
        lines.append(BillLine(
            price_field, in_tier * per_unit, unit_price, in_tier * unit_price, monthly=True,
            label=f"{row.meter}, tier {number} ({_bounds(starts, number - 1)} {_units(row.unit)} a month, graduated)",
        ))
    return lines


def _bounds(starts: list[Decimal], index: int) -> str:
    start = starts[index]
    return f"{_amount(start)}+" if index + 1 == len(starts) else f"{_amount(start)}-{_amount(starts[index + 1])}"


def _reached(billed: Span[M], starts: list[Decimal], unit: str) -> str:
    """Which tier(s) the month's billed total reaches, for the line's label (exact figures only)."""
    if not isinstance(billed.low, Decimal) or not isinstance(billed.high, Decimal):
        return "tiers"  # the vector backend shows no labels

    def tier(value: Decimal) -> int:
        return max(i for i, start in enumerate(starts) if value >= start)

    first, last = tier(billed.low), tier(billed.high)
    if first == last:
        return f"tier {first + 1} ({_bounds(starts, first)} {_units(unit)} a month)"
    return f"tiers {first + 1}-{last + 1} ({_amount(starts[first])}+ {_units(unit)} a month)"


def _units(unit: str) -> str:
    """A price unit in the plural: "telephony minutes", "1M characters"."""
    return unit if unit.endswith("s") else unit + "s"
