"""`capacity`'s result shown: per self-hosted component and hour of the traffic shape (text, Markdown, CSV) and JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from costmodel.analyses.capacity import Capacity, CapacityComponent
from costmodel.core.interval import Span
from costmodel.safe_text import for_format
from costmodel.views.envelope import document
from costmodel.views.formatting import (
    MONTHLY_PLACES,
    Column,
    Row,
    money_text,
    quantity_text,
    span_columns,
    span_keys,
    span_text,
    table,
)


def _share(value: Span[Decimal]) -> str:
    def one(d: Decimal) -> str:
        return f"{(d * 100).quantize(Decimal(1))}%"

    low, high = one(value.low), one(value.high)
    return low if low == high else f"{low}–{high}"


def capacity_rows(result: Capacity) -> list[Row]:
    """One row per component and level of load."""
    rows: list[Row] = []
    for c in result.components:
        for r in c.rows:
            rows.append({
                "component": c.role,
                "hours": r.hours,
                "hours_per_month": quantity_text(r.hours_per_month),
                "calls_per_hour": quantity_text(r.calls_per_hour),
                "load": quantity_text(r.load_gpus),
                "streams": quantity_text(r.streams),
                "gpus": quantity_text(r.gpus),
                "utilisation": _share(r.utilisation),
                "gpu_hours": quantity_text(r.gpu_hours),
                "cost": span_text(r.cost_per_month, MONTHLY_PLACES, grouping=True),
                "binding": r.binding,
            })
    return rows


def capacity_columns(currency: str) -> list[Column]:
    return [
        Column("component", "component"), Column("hours", "hours"), Column("hours_per_month", "h/month", "right"),
        Column("calls_per_hour", "calls/h", "right"), Column("load", "load (GPUs)", "right"),
        Column("streams", "streams", "right"), Column("gpus", "GPUs", "right"),
        Column("utilisation", "utilisation", "right"), Column("gpu_hours", "GPU-h/month", "right"),
        Column("cost", f"{currency}/month", "right"), Column("binding", "binding"),
    ]


def capacity_csv(result: Capacity) -> str:
    """`capacity` as numeric CSV: one row per component and level of load, every quantity as exact `_low`/`_high`
    plain decimals (utilisation a fraction, 0.25 for 25%), the cost columns named with the currency."""
    cost = f"cost_per_month_{result.currency.lower()}"
    quantities = ("hours_per_month", "calls_per_hour", "load_gpus", "streams", "gpus", "utilisation", "gpu_hours")
    rows = [
        {"component": c.role, "sku": c.sku, "hours": r.hours,
         **{k: v for name in quantities for k, v in span_columns(name, getattr(r, name)).items()},
         **span_columns(cost, r.cost_per_month), "binding": r.binding}
        for c in result.components for r in c.rows
    ]
    columns = [Column("component", "component"), Column("sku", "sku"), Column("hours", "hours"),
               *span_keys(*quantities, cost), Column("binding", "binding")]
    return table(rows, columns, "csv")


def component_summary(c: CapacityComponent) -> str:
    """One line: the operating point a component runs at and what sizes it."""
    point = f"{quantity_text(c.throughput)} {c.throughput_unit} per GPU"
    if c.streams_per_gpu is not None:
        point += f", {quantity_text(c.streams_per_gpu)} streams"
    if c.latency_ms is not None:
        target = f" (target {c.latency_target_ms} ms)" if c.latency_target_ms is not None else ""
        point += f" at {c.latency_ms} ms{target}"
    return (f"{c.role} {c.workload} on {c.sku}: {point}; {quantity_text(c.work_seconds_per_call)} GPU-s of work a call; "
            f"{c.scaling}, {c.purchase}; peak GPUs {quantity_text(c.gpus)}, "
            f"{quantity_text(c.gpu_hours_per_month)} GPU-h/month; bound by {c.binding}")


def capacity_document(result: Capacity) -> dict[str, Any]:
    """The JSON shape of `capacity`."""
    return document("capacity", {
        "scenario": result.scenario,
        "stack": result.stack,
        "calls_per_month": result.calls_per_month,
        "cost_per_month": result.cost_per_month,
        "components": result.components,
    }, as_of=result.as_of, currency=result.currency)


def capacity_text(result: Capacity, fmt: str) -> str:
    """`capacity` as text or Markdown (a summary per component and the hourly table), or the table as CSV."""
    if fmt == "csv":
        return capacity_csv(result)
    body = table(capacity_rows(result), capacity_columns(result.currency), fmt)
    head = f"{for_format(result.scenario, fmt)} on {for_format(result.stack, fmt)}: self-hosted capacity"
    lines = [f"**{head}**" if fmt == "markdown" else head,
             f"{quantity_text(result.calls_per_month)} calls/month · prices in force on {result.as_of} · {result.currency}",
             ""]
    lines += [f"- {for_format(component_summary(c), fmt)}" for c in result.components]
    lines += ["", body.rstrip("\n"), "",
              f"GPUs per month: {money_text(result.cost_per_month, MONTHLY_PLACES, result.currency, grouping=True)}. "
              "load = GPUs the work keeps busy at full throughput; utilisation = load ÷ GPUs running."]
    return "\n".join(lines) + "\n"
