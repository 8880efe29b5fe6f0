"""`replay`, `reconcile` and `calibrate` results shown: text, Markdown, numeric CSV (exact floats) and JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from costmodel.safe_text import for_format
from costmodel.views.envelope import document
from costmodel.views.formatting import (
    MONTHLY_PLACES,
    PER_CALL_PLACES,
    Column,
    Row,
    float_exact,
    float_span,
    money,
    span_columns,
    span_keys,
    table,
    with_symbol,
)

if TYPE_CHECKING:
    from costmodel.analyses.calibrate import Calibration
    from costmodel.analyses.reconcile import Reconciliation
    from costmodel.analyses.replay import Replay


def _one(value: float, places: int) -> str:
    return money(Decimal(repr(float(value))), places, grouping=True)


def _money(value: float | tuple[float, float], places: int, currency: str | None = None) -> str:
    """One figure, or low..high where a price or assumption is a range (equal when rounded: one figure); each end
    with the currency's symbol when a currency is given (sentences; tables name it in the header)."""
    ends = value if isinstance(value, tuple) else (value, value)
    low, high = (_one(v, places) for v in ends)
    if currency is not None:
        low, high = with_symbol(low, currency), with_symbol(high, currency)
    return low if low == high else f"{low}..{high}"


def _json_money(value: tuple[float, float]) -> dict[str, str]:
    return {"low": float_exact(value[0]), "high": float_exact(value[1])}


def _period(result: Replay) -> str:
    if result.first_start is None or result.last_start is None:
        return ""
    return f"{result.first_start:%Y-%m-%d %H:%M} to {result.last_start:%Y-%m-%d %H:%M} UTC"


def _float_columns(key: str, value: tuple[float, float]) -> dict[str, str]:
    return span_columns(key, float_span(*value))


def replay_csv(result: Replay) -> str:
    """`replay` as numeric CSV: one row per stack (per stack and customer with --by customer), money as shortest
    round-trip decimals in `_low`/`_high` columns named with the currency; no GPU bill is 0."""
    cur = result.currency.lower()
    if result.by_customer:
        rows = [{"stack": s.stack, "customer": name, "calls": str(calls), **_float_columns(f"total_{cur}", cost)}
                for s in result.stacks for name, (cost, calls) in s.customers.items()]
        columns = [Column("stack", "stack"), Column("customer", "customer"), Column("calls", "calls"),
                   *span_keys(f"total_{cur}")]
        return table(rows, columns, "csv")
    keys = (f"total_{cur}", f"per_call_mean_{cur}", f"per_call_p50_{cur}", f"per_call_p90_{cur}",
            f"per_call_p99_{cur}", f"gpu_bill_{cur}")
    rows = []
    for s in result.stacks:
        values = (s.total, s.per_call_mean, s.p50, s.p90, s.p99, s.gpu.cost if s.gpu else (0.0, 0.0))
        rows.append({"stack": s.stack, **{k: v for key, value in zip(keys, values, strict=True)
                                          for k, v in _float_columns(key, value).items()}})
    return table(rows, [Column("stack", "stack"), *span_keys(*keys)], "csv")


def replay_text(result: Replay, fmt: str) -> str:
    """Per stack: the period's total, per-call mean and percentiles, the GPU bill; costliest calls; per customer."""
    if fmt == "csv":
        return replay_csv(result)
    cur = result.currency
    rows: list[Row] = [{
        "stack": s.stack,
        "total": _money(s.total, MONTHLY_PLACES),
        "mean": _money(s.per_call_mean, PER_CALL_PLACES),
        "p50": _money(s.p50, PER_CALL_PLACES),
        "p90": _money(s.p90, PER_CALL_PLACES),
        "p99": _money(s.p99, PER_CALL_PLACES),
        "gpu": _money(s.gpu.cost, MONTHLY_PLACES) if s.gpu else "-",
    } for s in result.stacks]
    columns = [Column("stack", "stack"), Column("total", f"total ({cur})", "right"),
               Column("mean", f"mean ({cur}/call)", "right"), Column("p50", "p50", "right"),
               Column("p90", "p90", "right"), Column("p99", "p99", "right"), Column("gpu", f"GPU bill ({cur})", "right")]
    body = table(rows, columns, fmt)
    heading = "## " if fmt == "markdown" else ""
    out = [f"{heading}Replay of {result.calls:,} calls from {for_format(result.source, fmt)}",
           "", f"Period {_period(result)}; prices in force on {result.as_of}; per-call costs in float64 "
           "(within 1e-9 of the exact engine); percentiles within 0.01 %.", ""]
    if result.bad_rows:
        out += [f"{result.bad_rows:,} bad rows left out (--on-bad-row skip); first:",
                *(f"  {for_format(m, fmt)}" for m in result.bad_messages[:5]), ""]
    out.append(body.rstrip("\n"))
    gpu = [s for s in result.stacks if s.gpu]
    for s in gpu:
        assert s.gpu is not None
        hours = s.gpu.gpu_hours
        shown = f"{hours[0]:,.0f}" if round(hours[0]) == round(hours[1]) else f"{hours[0]:,.0f}..{hours[1]:,.0f}"
        out += ["", f"{s.stack}: {shown} GPU-hours over {s.gpu.hours:,} clock hours sized on the hourly "
                f"load (peak {s.gpu.peak_gpus:,.0f} GPUs), always-on floor {_money(s.gpu.floor_cost, 2, cur)}."]
    for s in result.stacks:
        if s.monthly is not None:
            out += ["", f"{s.stack}: {_money(s.monthly.cost, 2, cur)} charged by the month over "
                    f"{len(s.monthly.months):,} calendar month(s) (fees {_money(s.monthly.fixed_cost, 2, cur)}; "
                    "tiers and included minutes on each month's total), shared equally by the calls."]
    out += ["", f"{heading}Costliest calls" if fmt == "markdown" else "Costliest calls:"]
    for s in result.stacks:
        top = ", ".join(f"{for_format(call_id, fmt)} {_money(cost, PER_CALL_PLACES)}" for call_id, cost in s.costliest[:3])
        out.append(f"- {s.stack}: {top}")
    if result.by_customer:
        out += ["", f"{heading}Cost per customer" if fmt == "markdown" else "Cost per customer:"]
        names = sorted({name for s in result.stacks for name in s.customers})
        crow: list[Row] = []
        for name in names:
            row: Row = {"customer": name}
            for s in result.stacks:
                cost, _ = s.customers.get(name, ((0.0, 0.0), 0))
                row[s.stack] = _money(cost, MONTHLY_PLACES)
            crow.append(row)
        ccols = [Column("customer", "customer")] + [Column(s.stack, s.stack, "right") for s in result.stacks]
        out.append(table(crow, ccols, fmt).rstrip("\n"))
    if result.unpriced:
        out += ["", "Not priced on this date: " + "; ".join(for_format(v, fmt) for v in result.unpriced.values())]
    return "\n".join(out) + "\n"


def replay_document(result: Replay) -> dict[str, Any]:
    """The JSON shape of `replay`: floats as their shortest round-trip decimals."""
    return document("replay", {
        "source": result.source,
        "calls": result.calls,
        "bad_rows": result.bad_rows,
        "bad_row_messages": result.bad_messages,
        "first_start": result.first_start.isoformat() if result.first_start else None,
        "last_start": result.last_start.isoformat() if result.last_start else None,
        "calls_per_month": result.months,
        "number_type": "float64",
        "stacks": [{
            "stack": s.stack,
            "title": s.title,
            "total": _json_money(s.total),
            "per_call_mean": _json_money(s.per_call_mean),
            "per_call_p50": _json_money(s.p50),
            "per_call_p90": _json_money(s.p90),
            "per_call_p99": _json_money(s.p99),
            "gpu": None if s.gpu is None else {
                "cost": _json_money(s.gpu.cost), "floor_cost": _json_money(s.gpu.floor_cost),
                "gpu_hours": _json_money(s.gpu.gpu_hours), "clock_hours": s.gpu.hours,
                "peak_gpus": float_exact(s.gpu.peak_gpus)},
            "monthly": None if s.monthly is None else {
                "cost": _json_money(s.monthly.cost), "fixed_cost": _json_money(s.monthly.fixed_cost),
                "months": {month: _json_money(cost) for month, cost in s.monthly.months.items()}},
            "costliest_calls": [{"call_id": c, "cost_high": float_exact(v)} for c, v in s.costliest],
            "customers": {name: {"calls": calls, "total": _json_money(cost)} for name, (cost, calls) in s.customers.items()},
        } for s in result.stacks],
        "unpriced": result.unpriced,
    }, as_of=result.as_of, currency=result.currency)


def reconcile_csv(result: Reconciliation) -> str:
    """The calls furthest apart as numeric CSV: recorded, priced (`_low`/`_high`) and the difference as shortest
    round-trip decimals in the currency, and the difference as a fraction of the price (empty when the price is 0)."""
    cur = result.currency.lower()
    rows = [{
        "call_id": d.call_id, f"recorded_{cur}": float_exact(d.actual), **_float_columns(f"priced_{cur}", d.priced),
        f"difference_{cur}": float_exact(d.difference),
        "difference_fraction": "" if d.percent is None else float_exact(d.percent / 100),
    } for d in result.largest]
    columns = [Column("call_id", "call_id"), Column(f"recorded_{cur}", f"recorded_{cur}"), *span_keys(f"priced_{cur}"),
               Column(f"difference_{cur}", f"difference_{cur}"), Column("difference_fraction", "difference_fraction")]
    return table(rows, columns, "csv")


def reconcile_text(result: Reconciliation, fmt: str) -> str:
    """Recorded against priced, in total and for the calls furthest apart."""
    if fmt == "csv":
        return reconcile_csv(result)
    cur = result.currency
    rows: list[Row] = [{
        "call_id": d.call_id, "actual": _money(d.actual, PER_CALL_PLACES),
        "priced": _money(d.priced, PER_CALL_PLACES), "difference": _money(d.difference, PER_CALL_PLACES),
        "percent": f"{d.percent:+.1f}%" if d.percent is not None else "n/a",
    } for d in result.largest]
    columns = [Column("call_id", "call"), Column("actual", f"recorded ({cur})", "right"),
               Column("priced", f"costmodel ({cur})", "right"), Column("difference", "difference", "right"),
               Column("percent", "difference %", "right")]
    body = table(rows, columns, fmt)
    heading = "## " if fmt == "markdown" else ""
    share = f"{result.difference_percent:+.2f}%" if result.difference_percent is not None else "n/a"
    out = [f"{heading}Reconciliation of {result.compared:,} calls on {result.stack}",
           "",
           f"Recorded {_money(result.actual_total, 2, cur)}; costmodel prices the same usage at "
           f"{_money(result.priced_total, 2, cur)} (prices of {result.as_of}); difference "
           f"{_money(result.difference, 2, cur)} ({share}).",
           f"{result.over:,} calls recorded more than {result.tolerance_percent:g}% above the price, {result.under:,} more "
           f"than {result.tolerance_percent:g}% below; {result.without_cost:,} calls had no recorded cost.", "",
           "Calls furthest apart:", body.rstrip("\n")]
    if result.bad_rows:
        out += ["", f"{result.bad_rows:,} bad rows left out (--on-bad-row skip)."]
    return "\n".join(out) + "\n"


def reconcile_document(result: Reconciliation) -> dict[str, Any]:
    return document("reconcile", {
        "source": result.source,
        "stack": result.stack,
        "number_type": "float64",
        "calls_compared": result.compared,
        "calls_without_recorded_cost": result.without_cost,
        "bad_rows": result.bad_rows,
        "recorded_total": float_exact(result.actual_total),
        "priced_total": _json_money(result.priced_total),
        "difference": float_exact(result.difference),
        "difference_percent": None if result.difference_percent is None else float_exact(result.difference_percent),
        "tolerance_percent": float_exact(result.tolerance_percent),
        "calls_over": result.over,
        "calls_under": result.under,
        "largest_differences": [{"call_id": d.call_id, "recorded": float_exact(d.actual), "priced": _json_money(d.priced),
                                 "difference": float_exact(d.difference)} for d in result.largest],
    }, as_of=result.as_of, currency=result.currency)


def calibration_yaml(result: Calibration) -> str:
    """The fitted scenario as a YAML file that compare, breakeven and report read."""
    return result.yaml_text()
