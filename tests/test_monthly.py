"""Monthly billing mechanics: volume tiers, monthly fees, plans with included minutes, concurrency slots.

Every figure is worked out by hand on a tiny synthetic pricing folder written here (round numbers):

- Calls last 120 s (2 billed minutes, whole seconds billed), so a month of C calls is M = 2C minutes.
- tel/graduated and tel/all-units: $0.02 a minute below 1,000 minutes a month, $0.01 from 1,000 on; the same
  data, only the mode differs.
- tel/flat: $0.015 a minute, nothing monthly.
- tel/number: $0.01 a minute plus a $1.15 monthly number rental.
- tel/plan: a $5 plan including 500 minutes, then $0.02 a minute.
- tel/plan-tiered and tel/plan-all-units: tel/plan, with tel/graduated's (or tel/all-units') tiers counting the
  minutes billed beyond the 500 included.
- plat/agent: an audio-minute product ($0.01/min) on a $50 plan including 1,000 minutes, 5 concurrent calls
  included and $8 a month per further slot.
"""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from costmodel.analyses.breakeven import breakeven
from costmodel.analyses.estimate import estimate
from costmodel.analyses.sweep import sweep
from costmodel.core.overrides import PriceChange
from costmodel.data.catalog import Catalog, load_catalog
from costmodel.data.records import Range
from costmodel.errors import InputError

ON = date(2026, 11, 1)
SRC = "source: test sheet, checked: 2026-01-01, effective_from: 2026-01-01, currency: USD"
TIERS = "{price_field: usd_per_telephony_minute, mode: %s, tiers: [{from_units_per_month: 1000, usd_per_unit: 0.01}]}"

TEL = f"""
schema_version: 1
provider: tel
name: Telco
skus:
  - id: tel/graduated
    kind: telephony
    name: Graduated carrier
    periods:
      - {{{SRC}, usd_per_telephony_minute: 0.02, volume_tiers: {TIERS % "graduated"}}}
  - id: tel/all-units
    kind: telephony
    name: All-units carrier
    periods:
      - {{{SRC}, usd_per_telephony_minute: 0.02, volume_tiers: {TIERS % "all-units"}}}
  - id: tel/flat
    kind: telephony
    name: Flat carrier
    periods:
      - {{{SRC}, usd_per_telephony_minute: 0.015}}
  - id: tel/number
    kind: telephony
    name: Carrier with a rented number
    periods:
      - {{{SRC}, usd_per_telephony_minute: 0.01, usd_per_month: 1.15}}
  - id: tel/plan
    kind: telephony
    name: Carrier plan
    periods:
      - {{{SRC}, usd_per_telephony_minute: 0.02, usd_per_month: 5, included_minutes_per_month: 500}}
  - id: tel/plan-tiered
    kind: telephony
    name: Carrier plan with volume tiers
    periods:
      - {{{SRC}, usd_per_telephony_minute: 0.02, usd_per_month: 5, included_minutes_per_month: 500,
         volume_tiers: {TIERS % "graduated"}}}
  - id: tel/plan-all-units
    kind: telephony
    name: Carrier plan with all-units tiers
    periods:
      - {{{SRC}, usd_per_telephony_minute: 0.02, usd_per_month: 5, included_minutes_per_month: 500,
         volume_tiers: {TIERS % "all-units"}}}
"""
PLAT = f"""
schema_version: 1
provider: plat
name: Platform
skus:
  - id: plat/agent
    kind: asr
    name: Agent platform
    periods:
      - {{{SRC}, usd_per_audio_minute: 0.01, usd_per_month: 50, included_minutes_per_month: 1000,
         usd_per_concurrency_slot_per_month: 8, included_concurrent_calls: 5}}
"""
SCENARIO = """
schema_version: 1
title: Two-minute calls
calls_per_month: 600
caller_audio_seconds: 120
agent_audio_seconds: 0
agent_text_tokens: 0
call_duration_seconds: 120
peak_concurrent_calls: 7.3
"""
# Peak from volume: C calls × 120 s ÷ (100 h × 3600 s) × 3 = C ÷ 1,000 concurrent calls.
DERIVED_PEAK = """
schema_version: 1
title: Two-minute calls, peak from volume
calls_per_month: 600
caller_audio_seconds: 120
agent_audio_seconds: 0
agent_text_tokens: 0
call_duration_seconds: 120
operating_hours_per_month: 100
peak_to_average_ratio: 3
"""


def _stack(role: str, sku: str) -> str:
    return f"schema_version: 1\ntitle: {sku}\narchitecture: cascade\ncomponents:\n  - {{role: {role}, sku: {sku}}}\n"


STACKS = {
    "graduated": _stack("telephony", "tel/graduated"),
    "all-units": _stack("telephony", "tel/all-units"),
    "flat": _stack("telephony", "tel/flat"),
    "number": _stack("telephony", "tel/number"),
    "plan": _stack("telephony", "tel/plan"),
    "plan-tiered": _stack("telephony", "tel/plan-tiered"),
    "plan-all-units": _stack("telephony", "tel/plan-all-units"),
    "agent": _stack("asr", "plat/agent"),
}


def _catalog(folder: Path) -> Catalog:
    files = {"pricing/tel.yaml": TEL, "pricing/plat.yaml": PLAT, "scenarios/two-minute.yaml": SCENARIO,
             "scenarios/derived-peak.yaml": DERIVED_PEAK}
    files.update({f"pricing/stacks/{name}.yaml": text for name, text in STACKS.items()})
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_catalog(folder / "pricing", folder / "scenarios")


@pytest.fixture
def cat(tmp_path: Path) -> Catalog:
    return _catalog(tmp_path)


def _lines(bill: object) -> dict[str, tuple[Decimal, Decimal]]:
    """meter → (quantity, cost per month), points only."""
    return {line.meter: (line.quantity.low, line.cost_per_month.low) for line in bill.lines}  # type: ignore[attr-defined]


# ---------------------------------------------------------------- volume tiers


def test_graduated_and_all_units_tiers_straddling_a_boundary_differ(cat: Catalog) -> None:
    # 600 calls × 2 min = 1,200 minutes a month: 1,000 below the tier edge, 200 above it.
    # graduated: 1,000 × $0.02 + 200 × $0.01 = $20 + $2 = $22 a month; $22 / 600 = $0.036666… a call.
    graduated = estimate(cat, "two-minute", "graduated", as_of=ON)
    assert graduated.per_month.low == Decimal(22)
    assert graduated.per_call.low == Decimal(22) / 600
    lines = _lines(graduated)
    # Quantities are in the meter's own unit, billed minutes, per month.
    assert lines["billed minutes, tier 1 (0-1,000 telephony minutes a month, graduated)"] == (1000, Decimal(20))
    assert lines["billed minutes, tier 2 (1,000+ telephony minutes a month, graduated)"] == (200, Decimal(2))
    assert all(line.per == "month" and not line.fixed for line in graduated.lines)
    # all-units: the month reaches the 1,000-minute tier, so all 1,200 minutes are at $0.01 = $12; $0.02 a call.
    all_units = estimate(cat, "two-minute", "all-units", as_of=ON)
    assert all_units.per_month.low == Decimal(12)
    assert all_units.per_call.low == Decimal("0.02")
    assert _lines(all_units) == {"billed minutes, all-units tier 2 (1,000+ telephony minutes a month)": (1200, 12)}


def test_all_units_over_a_ranged_volume_is_bounded_over_every_tier_it_touches(cat: Catalog) -> None:
    # 400-600 calls → 800-1,200 minutes. Below the edge 0.02 M costs $16 (at 800) up to just under $20 (near
    # 1,000); from the edge 0.01 M costs $10 (at 1,000) to $12 (at 1,200). A month costs between $10 and $20:
    # the cheapest month is not the smallest one, so the ends alone ($16 and $12) would not bound it.
    bill = estimate(cat, "two-minute", "all-units", as_of=ON, settings={"calls_per_month": Range(Decimal(400), Decimal(600))})
    assert (bill.per_month.low, bill.per_month.high) == (10, 20)
    line = bill.lines[0]
    assert line.meter == "billed minutes, all-units tiers 1-2 (0+ telephony minutes a month)"
    assert (line.unit_price.low, line.unit_price.high) == (Decimal("0.01"), Decimal("0.02"))
    # Per call, month ÷ calls with both ranged: [$10 ÷ 600, $20 ÷ 400]; the vector backend gives the same.
    assert (bill.per_call.low, bill.per_call.high) == (Decimal(10) / 600, Decimal(20) / 400)
    result = sweep(cat, "two-minute", "turns", [1], ["all-units"], as_of=ON,
                   settings={"calls_per_month": Range(Decimal(400), Decimal(600))})
    curve = result.curves["all-units"]
    assert (curve.per_call_low[0], curve.per_call_high[0]) == (pytest.approx(10 / 600), pytest.approx(20 / 400))


def test_below_the_first_edge_both_modes_bill_the_base_price(cat: Catalog) -> None:
    # 400 calls × 2 min = 800 minutes, all below 1,000: 800 × $0.02 = $16 a month in either mode.
    for stack in ("graduated", "all-units"):
        bill = estimate(cat, "two-minute", stack, as_of=ON, settings={"calls_per_month": Decimal(400)})
        assert bill.per_month.low == Decimal(16), stack


def test_a_price_what_if_changes_the_base_price_and_keeps_the_tiers(cat: Catalog) -> None:
    # Base price $0.03: 1,000 × $0.03 + 200 × $0.01 = $30 + $2 = $32 a month.
    change = PriceChange("tel/graduated", "usd_per_telephony_minute", value=Decimal("0.03"))
    bill = estimate(cat, "two-minute", "graduated", as_of=ON, price_changes=[change])
    assert bill.per_month.low == Decimal(32)


# ---------------------------------------------------------------- monthly fees, plans, slots


def test_monthly_number_rental_is_spread_over_the_calls(cat: Catalog) -> None:
    # Minutes: 2 × $0.01 = $0.02 a call, × 600 = $12 a month. Rental: $1.15 a month, $1.15 / 600 a call.
    # Total $13.15 a month; per call $0.02 + $1.15/600 = $13.15/600 = $0.0219166…; the rental is the fixed part.
    bill = estimate(cat, "two-minute", "number", as_of=ON)
    assert bill.per_month.low == Decimal("13.15")
    assert bill.per_call.low == Decimal("0.02") + Decimal("1.15") / 600
    assert bill.fixed_per_month.low == Decimal("1.15")
    rental = next(line for line in bill.lines if line.price_field == "usd_per_month")
    assert rental.per == "month" and rental.fixed
    assert rental.quantity.low == 1
    assert rental.cost_per_month.low == Decimal("1.15")
    assert rental.cost_per_call.low == Decimal("1.15") / 600


def test_plan_with_included_minutes_and_paid_concurrency_slots(cat: Catalog) -> None:
    # 600 calls × 120 s = 1,200 audio minutes; the plan includes 1,000, so 200 are billed: 200 × $0.01 = $2.
    # Peak 7.3 concurrent calls → 8 slots, 5 included → 3 paid × $8 = $24.
    # Month: $50 plan + $0 included + $2 overage + $24 slots = $76; per call $76 / 600.
    bill = estimate(cat, "two-minute", "agent", as_of=ON)
    lines = _lines(bill)
    assert lines["billed audio seconds, included in plan (1,000 audio minutes a month)"] == (60_000, 0)
    assert lines["billed audio seconds, beyond included"] == (12_000, Decimal(2))
    assert lines["months (monthly fee)"] == (1, Decimal(50))
    assert lines["concurrency slots beyond those included"] == (3, Decimal(24))
    assert bill.per_month.low == Decimal(76)
    assert bill.per_call.low == Decimal(76) / 600
    assert bill.fixed_per_month.low == Decimal(50)  # the plan fee; slots follow the peak, so they are not fixed


def test_slots_never_go_negative_and_volume_inside_the_allowance_costs_only_the_fee(cat: Catalog) -> None:
    # 200 calls × 2 min = 400 minutes, inside the 1,000 included; peak 3 → 3 slots, all 5 included: $50 only.
    bill = estimate(cat, "two-minute", "agent", as_of=ON,
                    settings={"calls_per_month": Decimal(200), "peak_concurrent_calls": Decimal(3)})
    assert bill.per_month.low == Decimal(50)
    assert _lines(bill)["concurrency slots beyond those included"] == (0, 0)


def test_tiers_count_the_minutes_billed_beyond_the_included_ones(cat: Catalog) -> None:
    # 600 calls: 1,200 minutes, 500 included, 700 billed, all below the 1,000-minute tier: 700 × $0.02 = $14, + $5.
    assert estimate(cat, "two-minute", "plan-tiered", as_of=ON).per_month.low == Decimal(19)
    # 1,000 calls: 2,000 minutes, 1,500 billed: 1,000 × $0.02 + 500 × $0.01 = $25, + $5 = $30.
    bill = estimate(cat, "two-minute", "plan-tiered", as_of=ON, settings={"calls_per_month": Decimal(1000)})
    assert bill.per_month.low == Decimal(30)
    assert _lines(bill)["billed minutes, tier 2 (1,000+ telephony minutes a month, graduated)"] == (500, Decimal(5))


def test_all_units_tiers_after_an_allowance(cat: Catalog) -> None:
    # 200 calls: 400 minutes, all inside the 500 included: the $5 fee only.
    # 600 calls: 1,200 minutes, 700 billed, below the 1,000-minute tier: 700 × $0.02 = $14, + $5 = $19.
    # 1,000 calls: 2,000 minutes, 1,500 billed, past the tier: every billed minute at $0.01 = $15, + $5 = $20.
    for calls, month in ((200, 5), (600, 19), (1000, 20)):
        bill = estimate(cat, "two-minute", "plan-all-units", as_of=ON, settings={"calls_per_month": Decimal(calls)})
        assert bill.per_month.low == month, calls


# ---------------------------------------------------------------- break-even and sweep


def test_breakeven_past_a_graduated_tier_edge_is_found_exactly(cat: Catalog) -> None:
    # Flat: 0.015 M a month. Graduated: 0.02 M up to M = 1,000 (C = 500 calls), then 20 + 0.01 (M − 1,000).
    # Below the edge graduated is dearer (0.02 > 0.015) and they never meet; above it 10 + 0.01 M = 0.015 M
    # → M = 2,000 minutes → C = 1,000 calls, past the edge at 500.
    result = breakeven(cat, "two-minute", "flat", "graduated", "calls_per_month", (1, 5000), as_of=ON)
    assert [c.kind for c in result.crossings] == ["equal"]
    crossing = result.crossings[0]
    assert crossing.value == pytest.approx(1000, rel=1e-12)
    assert crossing.method == "linear"
    assert (crossing.cheaper_below, crossing.cheaper_above) == ("flat", "graduated")
    assert crossing.cost_a == pytest.approx(0.03)  # 2 min × $0.015


def test_breakeven_past_the_included_minutes_is_found_exactly(cat: Catalog) -> None:
    # Plan: $5 a month for up to 500 minutes (C = 250), then 5 + 0.02 (M − 500) = 0.02 M − 5. Flat: 0.015 M.
    # Inside the allowance: 5 = 0.015 M → M = 333.3… → C = 166.67 (the plan is cheaper from there);
    # past it: 0.02 M − 5 = 0.015 M → M = 1,000 → C = 500 (flat is cheaper again).
    result = breakeven(cat, "two-minute", "flat", "plan", "calls_per_month", (1, 5000), as_of=ON)
    values = [c.value for c in result.crossings]
    assert values == pytest.approx([500 / 3, 500], rel=1e-12)
    assert [c.method for c in result.crossings] == ["linear", "linear"]
    assert [(c.cheaper_below, c.cheaper_above) for c in result.crossings] == [("flat", "plan"), ("plan", "flat")]


def test_breakeven_across_an_allowance_and_a_tier_edge_finds_all_three_crossings(cat: Catalog) -> None:
    # Plan-tiered a month: $5 up to M = 500; 5 + 0.02 (M − 500) = 0.02 M − 5 up to M = 1,500 (1,000 billed);
    # then 5 + 20 + 0.01 (M − 1,500) = 10 + 0.01 M. Flat: 0.015 M.
    # 5 = 0.015 M → M = 333.3…, C = 166.67; 0.02 M − 5 = 0.015 M → M = 1,000, C = 500;
    # 10 + 0.01 M = 0.015 M → M = 2,000, C = 1,000 (past the tier edge at M = 1,500, C = 750).
    result = breakeven(cat, "two-minute", "flat", "plan-tiered", "calls_per_month", (1, 5000), as_of=ON)
    assert [c.value for c in result.crossings] == pytest.approx([500 / 3, 500, 1000], rel=1e-12)
    assert {c.method for c in result.crossings} == {"linear"}
    assert [c.cheaper_above for c in result.crossings] == ["plan-tiered", "flat", "plan-tiered"]


def test_breakeven_with_all_units_tiers_after_an_allowance(cat: Catalog) -> None:
    # Plan-all-units a month: $5 up to M = 500; 0.02 M − 5 below M = 1,500 (1,000 billed); 5 + 0.01 (M − 500) =
    # 0.01 M from there. Flat 0.015 M. Equal at M = 333.3… (C = 166.67) and M = 1,000 (C = 500); at M = 1,500
    # (C = 750) the plan drops from $25 to $15 against flat's $22.50: a step, the plan cheaper above.
    result = breakeven(cat, "two-minute", "flat", "plan-all-units", "calls_per_month", (1, 5000), as_of=ON)
    assert [c.value for c in result.crossings] == pytest.approx([500 / 3, 500, 750], rel=1e-12)
    assert [c.kind for c in result.crossings] == ["equal", "equal", "step"]
    assert result.crossings[2].cheaper_above == "plan-all-units"


def test_breakeven_at_an_all_units_edge_is_a_step(cat: Catalog) -> None:
    # All-units: 0.02 M below M = 1,000 (C = 500), 0.01 M from there. Flat 0.015 M: dearer below, cheaper above,
    # never equal: the cheaper stack changes at the edge itself, C = 500.
    result = breakeven(cat, "two-minute", "flat", "all-units", "calls_per_month", (1, 5000), as_of=ON)
    assert len(result.crossings) == 1
    step = result.crossings[0]
    assert step.kind == "step"
    assert step.value == pytest.approx(500, rel=1e-12)
    assert (step.cheaper_below, step.cheaper_above) == ("flat", "all-units")


def test_sweep_on_the_vector_backend_equals_the_exact_estimate_across_the_steps(cat: Catalog) -> None:
    # Points either side of and on each edge: tier edge and allowance edges at C = 250 and 500, slot steps
    # (peak C/1,000, 5 included) at C = 5,000, 6,000.
    values = [100, 250, 499, 500, 501, 1000, 4999, 5000, 5001, 6000, 7500]
    stacks = ["graduated", "all-units", "number", "plan", "plan-tiered", "plan-all-units", "agent"]
    result = sweep(cat, "derived-peak", "calls_per_month", values, stacks, as_of=ON)
    for stack in stacks:
        for i, calls in enumerate(values):
            exact = estimate(cat, "derived-peak", stack, as_of=ON, settings={"calls_per_month": Decimal(calls)})
            assert result.curves[stack].per_call_low[i] == pytest.approx(float(exact.per_call.low), rel=1e-12), (
                stack, calls)
            assert result.curves[stack].fixed_per_month_low[i] == pytest.approx(float(exact.fixed_per_month.low))


def test_sweep_of_the_agent_plan_by_hand(cat: Catalog) -> None:
    # Peak C/1,000 → ⌈C/1,000⌉ slots, 5 included, $8 each beyond; minutes beyond 1,000 at $0.01; plan $50.
    # C = 5,000: 10,000 min → 9,000 × $0.01 = $90; 5 slots, none paid. $140 / 5,000 = $0.028.
    # C = 5,001: 10,002 min → $90.02; 6 slots → 1 paid = $8. $148.02 / 5,001.
    result = sweep(cat, "derived-peak", "calls_per_month", [5000, 5001], ["agent"], as_of=ON)
    assert result.curves["agent"].per_call_low == pytest.approx([140 / 5000, 148.02 / 5001], rel=1e-12)


# ---------------------------------------------------------------- validation


def _sku_error(tmp_path: Path, period: str) -> str:
    sheet = f"""\
schema_version: 1
provider: tel
name: Telco
skus:
  - id: tel/bad
    kind: telephony
    name: Bad
    periods:
      - effective_from: 2026-01-01
        currency: USD
        source: test sheet
        checked: 2026-01-01
{textwrap.indent(textwrap.dedent(period).strip(), "        ")}
"""
    (tmp_path / "pricing").mkdir(exist_ok=True)
    (tmp_path / "scenarios").mkdir(exist_ok=True)
    (tmp_path / "pricing" / "tel.yaml").write_text(sheet, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_catalog(tmp_path / "pricing", tmp_path / "scenarios")
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("period", "line", "words"),
    [
        # Line 13 is the first field after the four shared ones (lines 9-12); a tier list continues on line 15.
        ("usd_per_telephony_minute: 0.02\nvolume_tiers: {price_field: usd_per_telephony_minute, mode: graduated,\n"
         "  tiers: [{from_units_per_month: 1000, usd_per_unit: 0.01}, {from_units_per_month: 500, usd_per_unit: 0}]}",
         15, "ascending order"),
        ("usd_per_telephony_minute: 0.02\nvolume_tiers: {price_field: usd_per_telephony_minute, mode: graduated,\n"
         "  tiers: [{from_units_per_month: 1000, usd_per_unit: -0.01}]}", 15, "greater than or equal to 0"),
        ("usd_per_telephony_minute: 0.02\nvolume_tiers: {price_field: usd_per_lunch, mode: graduated,\n"
         "  tiers: [{from_units_per_month: 1000, usd_per_unit: 0.01}]}", 14, "usd_per_lunch is not a per-call price"),
        ("usd_per_telephony_minute: 0.02\nvolume_tiers: {price_field: usd_per_audio_minute, mode: graduated,\n"
         "  tiers: [{from_units_per_month: 1000, usd_per_unit: 0.01}]}", 14, "does not set"),
        ("usd_per_telephony_minute: 0.02\nvolume_tiers: {price_field: usd_per_telephony_minute, mode: stepped,\n"
         "  tiers: [{from_units_per_month: 1000, usd_per_unit: 0.01}]}", 14, "graduated"),
        ("usd_per_telephony_minute: 0.02\nvolume_tiers: {price_field: usd_per_telephony_minute, mode: graduated,\n"
         "  tiers: [{from_units_per_month: 0, usd_per_unit: 0.01}]}", 15, "greater than 0"),
        ("usd_per_month: -1", 13, "greater than or equal to 0"),
        ("usd_per_month: 5\nincluded_minutes_per_month: 1000", 14, "exactly one per-minute"),
        ("usd_per_telephony_minute: 0.02\nincluded_minutes_per_month: -5", 14, "greater than or equal to 0"),
        ("usd_per_telephony_minute: 0.02\nincluded_concurrent_calls: 5", 14, "needs usd_per_concurrency_slot_per_month"),
        ("usd_per_telephony_minute: 0.02\nusd_per_concurrency_slot_per_month: 8\nincluded_concurrent_calls: 2.5", 15,
         "integer"),
        ("usd_per_telephony_minute: 0.02\nusd_per_concurrency_slot_per_month: -8", 14, "greater than or equal to 0"),
    ],
)
def test_each_new_field_is_validated_with_its_line(tmp_path: Path, period: str, line: int, words: str) -> None:
    message = _sku_error(tmp_path, period)
    assert message.startswith(f"{tmp_path / 'pricing' / 'tel.yaml'}:{line}:"), message
    assert words in message, message


def test_monthly_fields_in_the_registry_are_sane(cat: Catalog) -> None:
    # A $2,000,000 monthly fee is above the $1,000,000 sanity limit: almost certainly a unit slip.
    with pytest.raises(InputError, match="sanity limit"):
        estimate(cat, "two-minute", "number", as_of=ON,
                 price_changes=[PriceChange("tel/number", "usd_per_month", value=Decimal(2_000_000))])


def test_breakdown_shows_each_tier_and_the_fixed_fee(cat: Catalog) -> None:
    from costmodel.views.breakdown import breakdown_text

    text = breakdown_text(estimate(cat, "two-minute", "graduated", as_of=ON), "text")
    assert "billed minutes, tier 2 (1,000+ telephony minutes a month, graduated)" in text
    text = breakdown_text(estimate(cat, "two-minute", "number", as_of=ON), "text")
    # $12 of minutes + $1.15 rental; the rental is the fixed part, and it is not called a GPU floor.
    assert "per month: $13.15 (of which $1.15 is paid whatever the volume)" in text
