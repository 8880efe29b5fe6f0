"""The one bill kernel: what each meter of a stack component costs, on the exact or the vector backend.

Cost = quantity × unit price ÷ the price field's quantity per unit (data/meters.py), in the output currency.
Self-hosted GPU-hours are billed per month, with the always-on floor (the GPUs kept whatever the volume)
given apart so the fixed part stays visible; everything else is billed per call. `estimate` itemises these lines exactly; sweeps
and break-evens add them up over arrays. A meter the usage needs but the period does not price is an error,
never $0.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Generic

from costmodel.core.backends import Ops
from costmodel.core.interval import M, Span
from costmodel.core.usage import Profile, component_usage, gpu_sizing, is_monthly
from costmodel.data.meters import PRICE_FIELDS
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
    lines: list[BillLine[M]] = []
    for price_field, quantity in component_usage(component, sku, period, p, ops):
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
        per_unit = ops.const(row.quantity_per_unit)
        cost = quantity * unit_price / per_unit
        if not monthly:
            lines.append(BillLine(price_field, quantity, unit_price, cost, monthly=False))
            continue
        sizing = gpu_sizing(component, sku, p, ops)
        floor = sizing.min_gpus * sizing.gpu_hours_per_month
        lines.append(BillLine(price_field, quantity, unit_price, cost, monthly=True,
                              floor=floor, floor_cost=floor * unit_price / per_unit))
    return lines
