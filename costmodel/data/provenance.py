"""Where each price came from, as data: start-date basis, source kind and read date, checked across a catalog.

The file format states per period how its start is known (`effective_from_basis`) and what kind of source
gave the figure (`source_kind`); the model checks each period on its own, this module checks the library:
every start stated, and which prices were not re-read within an age limit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from costmodel.data.catalog import Catalog
from costmodel.data.input_files import read_text
from costmodel.data.records import PricePeriod
from costmodel.errors import InputError

SOURCE_KINDS = ("vendor", "secondary", "inferred")
"""The kinds a period's source may be (data/models.py, `source_kind`), in the order reports list them."""


@dataclass(frozen=True)
class PeriodRef:
    """One price period with where it is: its SKU, its position in the SKU's history and its file."""

    sku: str
    index: int
    period: PricePeriod
    path: Path


def periods(catalog: Catalog, sku_ids: set[str] | None = None) -> list[PeriodRef]:
    """Every price period of the catalog (or of the SKUs named), SKUs in id order, oldest period first."""
    return [
        PeriodRef(sku_id, index, period, catalog.sku_paths.get(sku_id, Path("?")))
        for sku_id in sorted(catalog.skus)
        if sku_ids is None or sku_id in sku_ids
        for index, period in enumerate(catalog.skus[sku_id].periods)
    ]


def _error(catalog: Catalog, ref: PeriodRef, field: str, message: str) -> InputError:
    """An error at the period's field, with its line when the file can be read."""
    line = None
    if ref.path.exists():
        from costmodel.data.validation import locate

        # The SKU's position in its own sheet: SKUs of one file are added in file order.
        same_file = [s for s in catalog.skus if catalog.sku_paths.get(s) == ref.path]
        loc = ("skus", same_file.index(ref.sku), "periods", ref.index, field)
        line = locate(read_text(ref.path), loc)
    return InputError(message, path=ref.path, line=line, field=f"{ref.sku} periods[{ref.index}].{field}")


def unstated_starts(catalog: Catalog) -> list[InputError]:
    """Periods that do not say whether their start is sourced or only a lower bound (`validate` refuses them)."""
    return [
        _error(catalog, ref, "effective_from",
               f"effective_from {ref.period.effective_from} does not say how it is known; add "
               "effective_from_basis: sourced (a source dates the start) or lower-bound (only seen in force then)")
        for ref in periods(catalog)
        if ref.period.effective_from_basis is None
    ]


def stale(catalog: Catalog, today: date, max_age: timedelta) -> list[PeriodRef]:
    """Periods whose source was last read more than `max_age` before `today`."""
    return [ref for ref in periods(catalog) if today - ref.period.checked > max_age]


def stack_sku_ids(catalog: Catalog) -> set[str]:
    """The SKUs some bundled stack uses."""
    return {component.sku for stack in catalog.stacks.values() for component in stack.components}


@dataclass(frozen=True)
class Provenance:
    """How the catalog's prices are sourced: periods by kind, lower-bound starts, the oldest reads."""

    by_kind: dict[str, int]
    stack_by_kind: dict[str, int]
    """The same count over the periods of SKUs that a stack uses."""
    lower_bound_starts: int
    unstated_starts: int
    oldest_checked: list[PeriodRef]
    """The periods read longest ago, oldest first (at most five)."""


def provenance(catalog: Catalog) -> Provenance:
    every = periods(catalog)
    used = periods(catalog, stack_sku_ids(catalog))
    kinds = Counter(ref.period.source_kind for ref in every)
    stack_kinds = Counter(ref.period.source_kind for ref in used)
    return Provenance(
        by_kind={kind: kinds.get(kind, 0) for kind in SOURCE_KINDS},
        stack_by_kind={kind: stack_kinds.get(kind, 0) for kind in SOURCE_KINDS},
        lower_bound_starts=sum(ref.period.effective_from_basis == "lower-bound" for ref in every),
        unstated_starts=sum(ref.period.effective_from_basis is None for ref in every),
        oldest_checked=sorted(every, key=lambda ref: (ref.period.checked, ref.sku, ref.index))[:5],
    )
