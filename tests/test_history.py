"""prices diff: changed prices between two dates or two pricing folders, and the effect on per-call costs."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from costmodel.analyses.price_diff import price_diff
from costmodel.cli import cli
from costmodel.core.interval import Span
from costmodel.data.catalog import Catalog, load_catalog

OLD, NEW = date(2024, 6, 1), date(2025, 6, 1)


def test_gpt_4o_input_price_falls_from_5_to_2_50(catalog: Catalog) -> None:
    result = price_diff(catalog, OLD, catalog, NEW, scenarios=["support-call-5min"], stacks=["gpt-4o-cascade"])
    rows = {(r.sku, r.price_field): r for r in result.prices if r.sku == "openai/gpt-4o"}
    row = rows[("openai/gpt-4o", "usd_per_million_input_tokens")]
    assert (row.status, row.old, row.new) == ("changed", Decimal("5.00"), Decimal("2.50"))
    # (2.50 - 5.00) / 5.00 × 100 = -50
    assert row.change is not None and row.change.low == Decimal("-2.50") and row.change.low_percent == Decimal(-50)
    assert (row.old_effective_from, row.new_effective_from) == (date(2024, 5, 13), date(2024, 10, 2))
    assert "d9f3f38c" in (row.old_source or "") and "2024-10-02" in (row.new_source or "")
    output = rows[("openai/gpt-4o", "usd_per_million_output_tokens")]
    # 15.00 → 10.00: -5 / 15 × 100 = -33.33…%
    assert output.change is not None and round(output.change.low_percent, 2) == Decimal("-33.33")
    # The 2024-10-02 period adds a cached-input price the launch period did not have.
    assert rows[("openai/gpt-4o", "usd_per_million_cached_input_tokens")].status == "added"


def test_effect_on_the_full_gpt_4o_stack(catalog: Catalog) -> None:
    result = price_diff(catalog, OLD, catalog, NEW, scenarios=["support-call-5min"], stacks=["gpt-4o-cascade"])
    (row,) = result.costs
    # whisper-1: 300 s = 5 min × 0.006 = 0.030. GPT-4o input: 300 s at 150 wpm = 750 words × 1.3 = 975 tokens.
    # 2024-06-01: 0.030 + 975 × 5.00/1e6 (0.004875) + 200 × 15.00/1e6 (0.003) = 0.037875
    # 2025-06-01: 0.030 + 975 × 2.50/1e6 (0.0024375) + 200 × 10.00/1e6 (0.002) = 0.0344375
    assert row.old_per_call == Span.of(Decimal("0.037875"))
    assert row.new_per_call == Span.of(Decimal("0.0344375"))
    assert row.changed and row.change is not None
    assert row.change.low == Decimal("-0.0034375")  # 0.0344375 - 0.037875


def test_a_side_without_price_in_force_is_unpriced_not_zero(catalog: Catalog) -> None:
    result = price_diff(catalog, OLD, catalog, NEW, scenarios=["support-call-5min"], stacks=["budget-first"])
    (row,) = result.costs
    # gpt-4o-mini's first price starts 2024-07-18, after the old date.
    assert row.old_per_call is None and row.change is None and row.changed
    assert row.old_unpriced is not None and "openai/gpt-4o-mini" in row.old_unpriced and "2024-07-18" in row.old_unpriced
    # 0.030 + 975 × 0.15/1e6 (0.00014625) + 200 × 0.60/1e6 (0.00012) = 0.03026625
    assert row.new_per_call == Span.of(Decimal("0.03026625"))
    launched = [r for r in result.prices if r.sku == "openai/gpt-4o-mini"]
    assert {r.status for r in launched} == {"launched"} and all(r.old is None for r in launched)


def test_withdrawn_sku_is_reported_as_withdrawn(catalog: Catalog) -> None:
    # gemini-1.5-flash: 0.075/0.30 from 2024-08-12, withdrawn 2025-09-24.
    result = price_diff(catalog, date(2025, 1, 1), catalog, date(2026, 1, 1), stacks=["budget-first"],
                        scenarios=["support-call-5min"])
    rows = [r for r in result.prices if r.sku == "google/gemini-1.5-flash"]
    assert {r.status for r in rows} == {"withdrawn"}
    assert all(r.new is None and "withdrawn on 2025-09-24" in (r.reason or "") for r in rows)


def test_two_pricing_folders(bundled_copy: Path) -> None:
    # Make the "new release": gpt-4o-mini output halves (0.60 → 0.30) in the copy.
    sheet = bundled_copy / "pricing" / "openai.yaml"
    old_text = "        usd_per_million_cached_input_tokens: 0.075\n        usd_per_million_output_tokens: 0.60\n"
    text = sheet.read_text(encoding="utf-8")
    assert text.count(old_text) == 1
    sheet.write_text(text.replace(old_text, old_text.replace("0.60", "0.30")), encoding="utf-8")
    old = load_catalog()
    new = load_catalog(bundled_copy / "pricing", bundled_copy / "scenarios")
    on = date(2026, 11, 24)
    result = price_diff(old, on, new, on, scenarios=["support-call-5min"], stacks=["budget-first", "gpt-4o-cascade"])
    assert [(r.sku, r.price_field, r.old, r.new) for r in result.prices] == [
        ("openai/gpt-4o-mini", "usd_per_million_output_tokens", Decimal("0.60"), Decimal("0.30"))
    ]
    costs = {r.stack: r for r in result.costs}
    # budget-first: 0.03026625 - 200 × 0.30/1e6 (0.00006) = 0.03020625; gpt-4o-cascade does not use gpt-4o-mini.
    assert costs["budget-first"].new_per_call == Span.of(Decimal("0.03020625"))
    assert not costs["gpt-4o-cascade"].changed


def test_cli_prices_diff_costs_as_csv(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["prices", "diff", "--from", "2024-06-01", "--to", "2025-06-01",
                                 "--scenario", "support-call-5min", "--stacks", "gpt-4o-cascade", "--format", "csv"])
    assert result.exit_code == 0, result.output
    # Numeric CSV, exact: 0.037875 before, 0.0344375 after; change 0.0344375 − 0.037875 = −0.0034375, and
    # −0.0034375 / 0.037875 = −0.0907590759… of the old cost. A bare negative number is not neutralised (OWASP).
    header, row = result.output.splitlines()
    assert header == ("scenario,stack,changed,old_per_call_usd_low,old_per_call_usd_high,new_per_call_usd_low,"
                      "new_per_call_usd_high,change_usd_low,change_usd_high,change_fraction_low,change_fraction_high,"
                      "old_unpriced,new_unpriced")
    cells = row.split(",")
    assert cells[:9] == ["support-call-5min", "gpt-4o-cascade", "true", "0.037875", "0.037875", "0.0344375", "0.0344375",
                         "-0.0034375", "-0.0034375"]
    assert Decimal(cells[9]) == Decimal(cells[10]) == Decimal("-0.0034375") / Decimal("0.037875")
    assert cells[11:] == ["", ""]


def test_cli_prices_diff_table_and_json(runner) -> None:  # type: ignore[no-untyped-def]
    args = ["prices", "diff", "--from", "2024-06-01", "--to", "2025-06-01", "--scenario", "support-call-5min",
            "--stacks", "gpt-4o-cascade"]
    table = runner.invoke(cli, args)
    assert table.exit_code == 0, table.output
    line = next(ln for ln in table.output.splitlines() if ln.startswith("openai/gpt-4o ") and " input " in ln)
    assert line.split()[:6] == ["openai/gpt-4o", "input", "changed", "5.00", "2.50", "-50.0%"]
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    # Percent in JSON is the exact quotient to 28 significant digits: -0.0034375 / 0.037875 = -55/606 → -9.0759075907…
    row = next(r for r in document["prices"] if r["sku"] == "openai/gpt-4o" and r["price_field"].endswith("input_tokens")
               and "cached" not in r["price_field"])
    assert (row["old"], row["new"], row["change"]["low_percent"]) == (
        {"low": "5.00", "high": "5.00"}, {"low": "2.50", "high": "2.50"}, "-50")
    assert document["costs"] == [{
        "scenario": "support-call-5min", "stack": "gpt-4o-cascade", "changed": True,
        "old_per_call": {"low": "0.037875", "high": "0.037875"}, "new_per_call": {"low": "0.0344375", "high": "0.0344375"},
        "change": {"low": "-0.0034375", "high": "-0.0034375", "low_percent": "-9.075907590759075907590759076",
                   "high_percent": "-9.075907590759075907590759076"},
        "old_unpriced": None, "new_unpriced": None,
    }]


def test_cli_prices_diff_needs_a_side(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["prices", "diff"])
    assert result.exit_code == 2
    assert "give --from DATE" in result.output


def test_price_diff_frames_for_notebooks() -> None:
    from costmodel.analyses.price_diff import price_diff
    from costmodel.data.catalog import load_catalog

    catalog = load_catalog()
    result = price_diff(catalog, date(2024, 6, 1), catalog, date(2025, 6, 1))
    prices = result.prices_frame()
    gpt4o = prices[(prices.sku == "openai/gpt-4o") & (prices.price_field == "usd_per_million_input_tokens")].iloc[0]
    # 5.00 → 2.50 per 1M input tokens: −50%.
    assert (gpt4o.old_low, gpt4o.new_low, gpt4o.change_percent_low) == (5.0, 2.5, -50.0)
    costs = result.costs_frame()
    assert len(costs) == len(result.costs) and set(costs.columns) >= {"scenario", "stack", "new_per_call_low", "unpriced"}
