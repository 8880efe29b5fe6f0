"""Compare one scenario across stacks: rows cheapest first, with monthly totals and multiples of the cheapest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costmodel.analyses.baseline import RowChanges
from costmodel.analyses.estimate import Bill, FxUsed, LifecycleWarning, estimate
from costmodel.core.interval import Span
from costmodel.core.overrides import PriceChange, WhatIf, apply_settings, what_if
from costmodel.core.shared import Composition, Shared, shared_for
from costmodel.data.catalog import Catalog
from costmodel.data.records import StackComponent
from costmodel.errors import NoPriceError, require
from costmodel.plain_dataclass import dataclass, field

if TYPE_CHECKING:
    import pandas

DEFAULT_SCENARIO = "support-call-5min"
"""The call profile `costmodel compare` prices when given none: the review article's 5-minute support call."""


@dataclass(frozen=True)
class ComparisonRow:
    """One stack's place in a comparison; `unpriced` says why a stack has no figures (never shown as $0)."""

    rank: int | None
    stack: str
    title: str
    architecture: str
    per_call: Span[Decimal] | None
    per_month: Span[Decimal] | None
    fixed_per_month: Span[Decimal] | None
    multiple_of_cheapest: Span[Decimal] | None
    estimate: bool
    unpriced: str | None = None
    composition: Composition = field(default_factory=Composition)
    """The roles priced, what shared components added or replaced, and the needed roles this stack lacks."""
    secondary: bool = False
    """Some price of the stack was read only from a secondary copy (Bill.secondary)."""


@dataclass(frozen=True)
class Comparison:
    """A scenario priced on several stacks at one date and currency."""

    scenario: str
    scenario_title: str
    as_of: date
    currency: str
    fx: FxUsed | None
    calls_per_month: Span[Decimal]
    rows: list[ComparisonRow]
    estimates: dict[str, Bill] = field(default_factory=dict)
    warnings: list[tuple[str, LifecycleWarning]] = field(default_factory=list)
    """(stack, warning) for each priced stack relying on a SKU withdrawn or retiring soon after `as_of`."""
    shared: Shared = field(default_factory=Shared)
    """Components every stack was priced with, and the roles the scenario needs."""
    whatif: WhatIf = field(default_factory=WhatIf)
    """The what-ifs (--set, --price) this result was computed with; empty for a plain run."""
    baseline: dict[str, RowChanges] | None = None
    """Per stack, its figures against the run without what-ifs (analyses/baseline.py, `--baseline`); None unless asked."""

    @property
    def incomplete(self) -> list[ComparisonRow]:
        """Rows of stacks lacking a needed role: not the same product as the others, so not comparable as priced."""
        return [row for row in self.rows if row.composition.missing_roles]

    def to_frame(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame (floats, for plotting; use the rows for exact figures)."""
        require("pandas", "notebooks", "Data frames")
        import pandas

        records: list[dict[str, Any]] = []
        for row in self.rows:
            record: dict[str, Any] = {"rank": row.rank, "stack": row.stack, "architecture": row.architecture}
            for name in ("per_call", "per_month", "fixed_per_month", "multiple_of_cheapest"):
                value = getattr(row, name)
                record[f"{name}_low"] = float(value.low) if value else None
                record[f"{name}_high"] = float(value.high) if value else None
            record["estimate"] = row.estimate
            record["unpriced"] = row.unpriced
            record["missing_roles"] = ",".join(row.composition.missing_roles)
            records.append(record)
        return pandas.DataFrame.from_records(records).set_index("stack")


def _multiple(value: Span[Decimal], cheapest: Span[Decimal]) -> Span[Decimal] | None:
    # End-wise: the low end against the cheapest's low end, the high end against its high end; the two
    # ratios are then ordered, since either can be the larger (a stack whose range is narrower than the cheapest's).
    if cheapest.low <= 0 or cheapest.high <= 0:
        return None
    at_low, at_high = value.low / cheapest.low, value.high / cheapest.high
    return Span(min(at_low, at_high), max(at_low, at_high))


def compare(
    catalog: Catalog,
    scenario: str = DEFAULT_SCENARIO,
    stacks: list[str] | None = None,
    *,
    as_of: date | None = None,
    currency: str = "USD",
    settings: dict[str, Any] | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
    with_components: Sequence[StackComponent | str] = (),
) -> Comparison:
    """Price one scenario on each stack (default: all), cheapest first by per-call cost.

    `with_components` (and the scenario's `with:`) are priced on every stack in place of its own component of the
    same role; rows say what was added or replaced and which needed roles a stack lacks (core/shared.py).
    """
    as_of = as_of or date.today()
    stack_ids = stacks if stacks else sorted(catalog.stacks)
    for stack_id in stack_ids:
        catalog.stack(stack_id)
    scenario_model = catalog.scenario(scenario)
    shared = shared_for(apply_settings(scenario_model, settings) if settings else scenario_model, with_components, catalog)
    priced: list[Bill] = []
    unpriced: list[ComparisonRow] = []
    for stack_id in stack_ids:
        try:
            priced.append(
                estimate(
                    catalog, scenario, stack_id, as_of=as_of, currency=currency,
                    settings=settings, price_changes=price_changes, with_components=shared.components,
                )
            )
        except NoPriceError as exc:
            stack = catalog.stacks[stack_id]
            unpriced.append(
                ComparisonRow(
                    None, stack_id, stack.title, stack.architecture, None, None, None, None, False,
                    exc.reason, shared.compose(catalog, stack)[1],
                )
            )
    if not priced:
        # No stacks at all (an empty library) is said so, like sweep and replay, not indexed into.
        reason = unpriced[0].unpriced if unpriced else "no stacks"
        raise NoPriceError(f"no stack has prices in force on {as_of}: {reason}")
    priced.sort(key=lambda e: (e.per_call.low, e.per_call.high, e.stack))
    cheapest = priced[0].per_call
    rows = [
        ComparisonRow(
            rank=index,
            stack=e.stack,
            title=e.stack_title,
            architecture=e.architecture,
            per_call=e.per_call,
            per_month=e.per_month,
            fixed_per_month=e.fixed_per_month,
            multiple_of_cheapest=_multiple(e.per_call, cheapest),
            estimate=e.estimate,
            composition=e.composition,
            secondary=e.secondary,
        )
        for index, e in enumerate(priced, start=1)
    ]
    first = priced[0]
    return Comparison(
        scenario=scenario,
        scenario_title=scenario_model.title,
        as_of=as_of,
        currency=currency,
        fx=first.fx,
        calls_per_month=first.calls_per_month,
        rows=rows + unpriced,
        estimates={e.stack: e for e in priced},
        shared=shared,
        warnings=[(e.stack, warning) for e in priced for warning in e.warnings],
        whatif=what_if(settings, price_changes),
    )

