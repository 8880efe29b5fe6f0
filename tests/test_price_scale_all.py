"""`--price SKU=*F` (or `SKU.*=*F`, `SKU=-20%`) scales every price of a SKU's period, volume tiers included."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner

from costmodel.cli import cli
from costmodel.core.overrides import ALL_PRICES, PriceChange, apply_price_changes, parse_price_change
from costmodel.data.catalog import Catalog, load_catalog
from costmodel.data.records import Range
from costmodel.errors import InputError, UnknownIdError
from costmodel.views.formatting import whatif_text
from tests.whatif_catalog import write_round_data

ON = date(2026, 11, 1)
SHEET = """
schema_version: 1
provider: x
name: X
skus:
  - id: x/plan
    kind: telephony
    name: A carrier plan with tiers
    periods:
      - {effective_from: 2026-01-01, currency: USD, source: test sheet, checked: 2026-01-01,
         usd_per_telephony_minute: 0.02, usd_per_month: 5, included_minutes_per_month: 500,
         volume_tiers: {price_field: usd_per_telephony_minute, mode: graduated,
                        tiers: [{from_units_per_month: 1000, usd_per_unit: 0.01}]}}
  - id: x/model-2.5-flash
    kind: asr
    name: A ranged transcriber whose id has a dot
    periods:
      - {effective_from: 2026-01-01, currency: USD, source: test sheet, checked: 2026-01-01,
         usd_per_audio_minute: {low: 0.4, high: 0.6}}
"""


def _catalog(tmp_path: Path) -> Catalog:
    (tmp_path / "pricing").mkdir()
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "pricing" / "x.yaml").write_text(textwrap.dedent(SHEET).lstrip(), encoding="utf-8")
    return load_catalog(tmp_path / "pricing", tmp_path / "scenarios")


@pytest.mark.parametrize("text", ["x/plan=*0.5", "x/plan.*=*0.5", "x/plan=-50%", "x/plan.*=-50%"])
def test_every_spelling_parses_to_one_factor_on_every_price(text: str) -> None:
    # -50% is the factor 1 + (-50)/100 = 0.5.
    assert parse_price_change(text) == PriceChange("x/plan", ALL_PRICES, factor=D("0.5"))


def test_a_sku_id_with_dots_is_kept_whole() -> None:
    # "2.5-flash" after the last dot is no price field, so the whole target is the SKU.
    assert parse_price_change("x/model-2.5-flash=*2") == PriceChange("x/model-2.5-flash", ALL_PRICES, factor=D(2))
    assert parse_price_change("x/model-2.5-flash.audio_minute=*2") == PriceChange(
        "x/model-2.5-flash", "usd_per_audio_minute", factor=D(2))


@pytest.mark.parametrize(("text", "message"), [
    ("x/plan=0.5", "a value needs a price field"),
    ("x/plan.*=0.5", "every price of a SKU can only be scaled"),
    ("=*0.5", r"expected SKU\.FIELD=VALUE or SKU=\*FACTOR"),
    ("x/plan=*-1", "a price cannot go below zero"),
])
def test_bad_every_price_changes_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_price_change(text)


def test_a_misspelt_field_with_a_value_is_still_an_unknown_field() -> None:
    with pytest.raises(UnknownIdError, match="unknown price field 'inptu'"):
        parse_price_change("x/plan.inptu=3")


def test_every_price_and_every_tier_is_scaled(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    period = apply_price_changes("x/plan", catalog.price("x/plan", ON), [parse_price_change("x/plan=*0.5")])
    # 0.02 × 0.5 = 0.01 a minute; 5 × 0.5 = 2.5 a month; the tier from 1,000 minutes: 0.01 × 0.5 = 0.005.
    assert period.prices() == {"usd_per_telephony_minute": D("0.01"), "usd_per_month": D("2.5")}
    assert period.volume_tiers is not None
    assert [(t.from_units_per_month, t.usd_per_unit) for t in period.volume_tiers.tiers] == [(D(1000), D("0.005"))]
    # Included minutes are a quantity, not a price: unchanged.
    assert period.included_minutes_per_month == D(500)


def test_a_ranged_price_is_scaled_at_both_ends(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    change = parse_price_change("x/model-2.5-flash=*2")
    period = apply_price_changes("x/model-2.5-flash", catalog.price("x/model-2.5-flash", ON), [change])
    # 0.4 × 2 = 0.8 and 0.6 × 2 = 1.2.
    assert period.prices() == {"usd_per_audio_minute": Range(low=D("0.8"), high=D("1.2"))}
    assert whatif_text_of(change) == "x/model-2.5-flash.* ×2"


def whatif_text_of(change: PriceChange) -> str:
    from costmodel.core.overrides import WhatIf

    return whatif_text(WhatIf({}, (change,)))


def test_cli_scales_every_price_and_names_a_misspelt_field(tmp_path: Path) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    common = ["--as-of", "2026-11-01", "--pricing", str(pricing), "--scenarios", str(scenarios)]
    runner = CliRunner()
    result = runner.invoke(cli, ["compare", "minute-call", "--stacks", "api", "--price", "acme/asr=*0.5",
                                 "--format", "csv", *common])
    assert result.exit_code == 0, result.output
    # acme/asr: 60 s = 1 minute × $0.60 × 0.5 = $0.30 a call; × 1,000 calls = $300 a month.
    # Numeric CSV: per_call_usd_low/high, then per_month_usd_low/high, exact.
    assert result.output.splitlines()[1].split(",")[3:7] == ["0.3", "0.3", "300", "300"]
    typo = runner.invoke(cli, ["compare", "minute-call", "--price", "acme/asr.audio_minte=*0.5", *common])
    assert typo.exit_code == 2
    # acme/asr is a known SKU, so "audio_minte" after it is a misspelt field, not part of an unknown SKU id.
    assert typo.output.startswith("Error: --price: unknown price field 'audio_minte'; did you mean audio_minute")
    unknown = runner.invoke(cli, ["compare", "minute-call", "--price", "acme/asx=*0.5", *common])
    assert unknown.exit_code == 2 and "unknown SKU 'acme/asx'" in unknown.output


def test_sensitivity_moves_the_scaled_price(tmp_path: Path) -> None:
    from costmodel.analyses.sensitivity import sensitivity
    from tests.whatif_catalog import round_catalog

    result = sensitivity(round_catalog(tmp_path), "minute-call", "api",
                         price_changes=[parse_price_change("acme/asr=*0.5")])
    [row] = [row for row in result.rows if row.name == "acme/asr.usd_per_audio_minute"]
    # The step moves the what-if price, 0.60 × 0.5 = 0.30, by ±20%: 0.24 and 0.36.
    assert (row.base_value, row.down_value, row.up_value) == (D("0.30"), D("0.24"), D("0.36"))
