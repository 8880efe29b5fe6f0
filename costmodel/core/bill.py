"""The one bill kernel: what each meter of a stack component costs, on the exact or the vector backend.

Cost = quantity × unit price ÷ the price field's quantity per unit (data/meters.py), in the output currency.
Self-hosted GPU-hours are billed per month, with the always-on floor (the GPUs kept whatever the volume)
given apart so the fixed part stays visible; everything else is billed per call. `estimate` itemises these lines exactly; sweeps
and break-evens add them up over arrays. A meter the usage needs but the period does not price is an error,
never $0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic

from costmodel.core.backends import Ops
from costmodel.core.interval import M, Span
from costmodel.core.usage import (
    Profile,
    component_usage,
    gpu_sizing,
    is_monthly,
    nonneg_product,
    nonneg_quotient,
    price_factor,
)
from costmodel.data.meters import PRICE_FIELDS
from costmodel.data.records import PricePeriod, Sku, StackComponent
from costmodel.errors import NoPriceError


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

    @property
    def meter(self) -> str:
        """What the quantity counts, from the registry."""
        return PRICE_FIELDS[self.price_field].meter


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
    meters = (
        [("usd_per_gpu_hour", sizing.gpu_hours_per_month)] if sizing is not None
        else component_usage(component, sku, period, p, ops)
    )
    lines: list[BillLine[M]] = []
    for price_field, quantity in meters:
        row = PRICE_FIELDS[price_field]
        price = price_of(price_field)
        if price is None:
            if _all_zero(quantity.high):  # quantities are never negative: a zero high end is no usage at all
                continue
            raise NoPriceError(
                f"{sku.id} has no {price_field} in its price period from {period.effective_from}, "
                f"but the {component.role} role needs it for {row.meter}"
            )
        unit_price = price * rate
        if monthly and component.purchase_discount:
            # Reserved or spot GPUs: the unit price is what this purchase option pays per GPU-hour.
            unit_price = unit_price * ops.const(price_factor(component))
        per_unit = ops.const(row.quantity_per_unit)
        # GPU-hours and their price are non-negative: the end-by-end product is the interval product, cheaper.
        cost = nonneg_quotient(nonneg_product(quantity, unit_price), per_unit) if monthly else quantity * unit_price / per_unit
        if not monthly:
            lines.append(BillLine(price_field, quantity, unit_price, cost, monthly=False))
            continue
        assert sizing is not None
        floor = sizing.floor_gpu_hours
        lines.append(BillLine(price_field, quantity, unit_price, cost, monthly=True,
                              floor=floor, floor_cost=nonneg_quotient(nonneg_product(floor, unit_price), per_unit)))
    return lines
