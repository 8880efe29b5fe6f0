"""costmodel: what a voice-AI stack really costs, per call and per month, from dated price sheets.

The public API is what `__all__` lists; notebooks, scripts and the README use only these names. They are
imported on first use (PEP 562), so `import costmodel` stays as cheap as the command line needs it to be.

    import costmodel
    library = costmodel.load_library()
    costmodel.compare(library, "council-triage", currency="GBP").to_frame()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # The library of price sheets, stacks, scenarios and fx rates.
    "load_library": "costmodel.data.catalog:load_catalog",
    "Catalog": "costmodel.data.catalog:Catalog",
    "Override": "costmodel.data.catalog:Override",
    "Scenario": "costmodel.data.records:Scenario",
    "Stack": "costmodel.data.records:Stack",
    "Sku": "costmodel.data.records:Sku",
    "PricePeriod": "costmodel.data.records:PricePeriod",
    "Range": "costmodel.data.records:Range",
    "StackComponent": "costmodel.data.records:StackComponent",
    # Quantities and what-ifs.
    "Span": "costmodel.core.interval:Span",
    "PriceChange": "costmodel.core.overrides:PriceChange",
    "parse_price_change": "costmodel.core.overrides:parse_price_change",
    "parse_settings": "costmodel.core.overrides:parse_settings",
    # Shared components (like-for-like comparisons) and the roles a scenario needs.
    "parse_with": "costmodel.core.shared:parse_with",
    "Shared": "costmodel.core.shared:Shared",
    "Composition": "costmodel.core.shared:Composition",
    # Analyses and their results.
    "estimate": "costmodel.analyses.estimate:estimate",
    "Bill": "costmodel.analyses.estimate:Bill",
    "LineItem": "costmodel.analyses.estimate:LineItem",
    "LifecycleWarning": "costmodel.analyses.estimate:LifecycleWarning",
    "compare": "costmodel.analyses.compare:compare",
    # What a what-if changes: a result against the run without what-ifs (--baseline).
    "with_baseline": "costmodel.analyses.baseline:with_baseline",
    "Change": "costmodel.analyses.baseline:Change",
    "RowChanges": "costmodel.analyses.baseline:RowChanges",
    "BillChanges": "costmodel.analyses.baseline:BillChanges",
    "Comparison": "costmodel.analyses.compare:Comparison",
    "ComparisonRow": "costmodel.analyses.compare:ComparisonRow",
    "sweep": "costmodel.analyses.sweep:sweep",
    "sweep_values": "costmodel.analyses.sweep:sweep_values",
    "decimal_of": "costmodel.analyses.sweep:decimal_of",
    "SweepResult": "costmodel.analyses.sweep:SweepResult",
    "breakeven": "costmodel.analyses.breakeven:breakeven",
    "BreakEven": "costmodel.analyses.breakeven:BreakEven",
    "Crossing": "costmodel.analyses.breakeven:Crossing",
    "sensitivity": "costmodel.analyses.sensitivity:sensitivity",
    "SensitivityResult": "costmodel.analyses.sensitivity:SensitivityResult",
    "price_diff": "costmodel.analyses.price_diff:price_diff",
    "capacity": "costmodel.analyses.capacity:capacity",
    "Capacity": "costmodel.analyses.capacity:Capacity",
    "PriceDiff": "costmodel.analyses.price_diff:PriceDiff",
    # Real traffic: call records, vendor exports, replay, reconcile, calibrate.
    "CallRecord": "costmodel.data.call_records:CallRecord",
    "CallReader": "costmodel.data.call_records:CallReader",
    "convert_export": "costmodel.data.imports:convert",
    "replay": "costmodel.analyses.replay:replay",
    "Replay": "costmodel.analyses.replay:Replay",
    "reconcile": "costmodel.analyses.reconcile:reconcile",
    "Reconciliation": "costmodel.analyses.reconcile:Reconciliation",
    "calibrate": "costmodel.analyses.calibrate:calibrate",
    "Calibration": "costmodel.analyses.calibrate:Calibration",
    "write_synthetic_calls": "costmodel.analyses.synthetic:write_synthetic",
    # Views: text and charts of results.
    "money_text": "costmodel.views.formatting:span_text",
    "quantity_text": "costmodel.views.formatting:quantity_text",
    "PER_CALL_PLACES": "costmodel.views.formatting:PER_CALL_PLACES",
    "MONTHLY_PLACES": "costmodel.views.formatting:MONTHLY_PLACES",
    "sweep_figure": "costmodel.views.charts:sweep_figure",
    "tornado_figure": "costmodel.views.charts:tornado_figure",
    "stack_colour": "costmodel.views.palette:stack_colour",
    "price_diff_text": "costmodel.views.price_diff:price_diff_text",
    # The writers' tools.
    "render_template": "costmodel.writers.template:render_template",
    "audit": "costmodel.writers.audit:audit",
    "AuditReport": "costmodel.writers.audit:AuditReport",
    # Errors.
    "CostmodelError": "costmodel.errors:CostmodelError",
    "InputError": "costmodel.errors:InputError",
    "UnknownIdError": "costmodel.errors:UnknownIdError",
    "NoPriceError": "costmodel.errors:NoPriceError",
    "MissingExtraError": "costmodel.errors:MissingExtraError",
}
"""Public name → module:attribute it comes from."""

__all__ = [
    "MONTHLY_PLACES",
    "PER_CALL_PLACES",
    "AuditReport",
    "Bill",
    "BillChanges",
    "BreakEven",
    "Calibration",
    "CallReader",
    "CallRecord",
    "Capacity",
    "Catalog",
    "Change",
    "Comparison",
    "ComparisonRow",
    "Composition",
    "CostmodelError",
    "Crossing",
    "InputError",
    "LifecycleWarning",
    "LineItem",
    "MissingExtraError",
    "NoPriceError",
    "Override",
    "PriceChange",
    "PriceDiff",
    "PricePeriod",
    "Range",
    "Reconciliation",
    "Replay",
    "RowChanges",
    "Scenario",
    "SensitivityResult",
    "Shared",
    "Sku",
    "Span",
    "Stack",
    "StackComponent",
    "SweepResult",
    "UnknownIdError",
    "__version__",
    "audit",
    "breakeven",
    "calibrate",
    "capacity",
    "compare",
    "convert_export",
    "decimal_of",
    "estimate",
    "load_library",
    "money_text",
    "parse_price_change",
    "parse_settings",
    "parse_with",
    "price_diff",
    "price_diff_text",
    "quantity_text",
    "reconcile",
    "render_template",
    "replay",
    "sensitivity",
    "stack_colour",
    "sweep",
    "sweep_figure",
    "sweep_values",
    "tornado_figure",
    "with_baseline",
    "write_synthetic_calls",
]
"""The public API: every name here is documented in the README and stable across minor versions."""


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'costmodel' has no attribute {name!r}")
    module, attribute = target.split(":")
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from costmodel.analyses.baseline import BillChanges, Change, RowChanges, with_baseline
    from costmodel.analyses.breakeven import BreakEven, Crossing, breakeven
    from costmodel.analyses.calibrate import Calibration, calibrate
    from costmodel.analyses.compare import Comparison, ComparisonRow, compare
    from costmodel.analyses.estimate import Bill, LineItem, estimate
    from costmodel.analyses.price_diff import PriceDiff, price_diff
    from costmodel.analyses.reconcile import Reconciliation, reconcile
    from costmodel.analyses.replay import Replay, replay
    from costmodel.analyses.sensitivity import SensitivityResult, sensitivity
    from costmodel.analyses.sweep import SweepResult, decimal_of, sweep, sweep_values
    from costmodel.analyses.synthetic import write_synthetic as write_synthetic_calls
    from costmodel.core.interval import Span
    from costmodel.core.overrides import PriceChange, parse_price_change, parse_settings
    from costmodel.core.shared import Composition, Shared, parse_with
    from costmodel.data.call_records import CallReader, CallRecord
    from costmodel.data.catalog import Catalog, Override
    from costmodel.data.catalog import load_catalog as load_library
    from costmodel.data.imports import convert as convert_export
    from costmodel.data.records import PricePeriod, Range, Scenario, Sku, Stack, StackComponent
    from costmodel.errors import CostmodelError, InputError, MissingExtraError, NoPriceError, UnknownIdError
    from costmodel.views.charts import sweep_figure, tornado_figure
    from costmodel.views.formatting import MONTHLY_PLACES, PER_CALL_PLACES, quantity_text
    from costmodel.views.formatting import span_text as money_text
    from costmodel.views.palette import stack_colour
    from costmodel.views.price_diff import price_diff_text
    from costmodel.writers.audit import AuditReport, audit
    from costmodel.writers.template import render_template
