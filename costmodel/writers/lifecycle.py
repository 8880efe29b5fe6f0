"""Is a product still sold? Lifecycle of SKUs and stacks for writers: available, retiring (announced) or withdrawn.

Read from the SKU record itself, not from a list kept here: `withdrawn_on` today, and any other date field a
SKU record carries whose name ends in `_on` (an announced shutdown, a deprecation), so lifecycle data added to
the price sheets later is picked up without a change here. A SKU with no price in force on the date (the
catalog's own rule, which also applies `withdrawn_on`) counts as withdrawn.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Literal

from costmodel.data.catalog import Catalog, price_in_force
from costmodel.data.records import Sku
from costmodel.errors import NoPriceError

State = Literal["available", "retiring", "withdrawn"]


@dataclass(frozen=True)
class Lifecycle:
    """Where one SKU stands on a date."""

    sku: str
    state: State
    on: date | None
    """The date it was (or will be) withdrawn; None when available with nothing announced."""
    reason: str

    def text(self) -> str:
        if self.state == "available":
            return "available"
        verb = "withdrawn as of" if self.state == "withdrawn" else "retiring on"
        return f"{verb} {self.on}" if self.on else self.reason


def _dated_fields(sku: Sku) -> list[tuple[str, date]]:
    """Every lifecycle date the record carries: fields named *_on holding a date (withdrawn_on and later ones)."""
    found = []
    for field in dataclasses.fields(sku):
        value = getattr(sku, field.name)
        if field.name.endswith("_on") and isinstance(value, date):
            found.append((field.name, value))
    return sorted(found, key=lambda item: item[1])


def sku_lifecycle(sku: Sku, on: date) -> Lifecycle:
    """A SKU's state on a date: withdrawn (no price in force, or a lifecycle date passed), retiring, available."""
    dated = _dated_fields(sku)
    passed = [(name, when) for name, when in dated if when <= on]
    if passed:
        name, when = passed[0]
        return Lifecycle(sku.id, "withdrawn", when, f"{sku.id}: {name.replace('_', ' ')} {when}")
    try:
        price_in_force(sku, on)
    except NoPriceError as exc:
        return Lifecycle(sku.id, "withdrawn", None, exc.message)
    if dated:
        name, when = dated[0]
        return Lifecycle(sku.id, "retiring", when, f"{sku.id}: {name.replace('_', ' ')} {when} (announced)")
    return Lifecycle(sku.id, "available", None, f"{sku.id} is available")


_ORDER: dict[State, int] = {"available": 0, "retiring": 1, "withdrawn": 2}


def lifecycle(catalog: Catalog, sku_or_stack: str, on: date) -> Lifecycle:
    """A SKU's state, or a stack's: the worst of its components (a stack is only as available as its parts)."""
    if sku_or_stack in catalog.stacks or (sku_or_stack not in catalog.skus and "/" not in sku_or_stack):
        stack = catalog.stack(sku_or_stack)
        states = [sku_lifecycle(catalog.sku(c.sku), on) for c in stack.components]
        # Worst first; among equals the earliest date (the first thing to go).
        return min(states, key=lambda s: (-_ORDER[s.state], s.on or date.max))
    return sku_lifecycle(catalog.sku(sku_or_stack), on)
