"""The price book's provenance rules: how a start date is known, what kind of source a price rests on, how
old a reading is, exchange-rate staleness and --fx-rate; and the bundled book's coverage."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from costmodel.analyses.price_diff import price_diff
from costmodel.cli import cli
from costmodel.data.catalog import Catalog, fx_warning, load_catalog, price_in_force
from costmodel.data.records import FxPeriod
from costmodel.errors import NoPriceError

PERIOD = """\
      - effective_from: {start}
        currency: USD
        source: https://example.com/{name}
        checked: {checked}
{extra}        usd_per_audio_minute: {price}
        billing_increment_seconds: 1
"""


def sheet(*periods: str, withdrawn: str = "") -> str:
    return (
        "schema_version: 1\nprovider: acme\nname: Acme\nskus:\n  - id: acme/asr\n    kind: asr\n    name: Acme ASR\n"
        + (f"    withdrawn_on: {withdrawn}\n" if withdrawn else "")
        + "    periods:\n"
        + "".join(periods)
    )


def period(start: str, price: str = "0.006", *, basis: str | None = "sourced", kind: str | None = None,
           checked: str = "2026-11-01", estimate: bool = False) -> str:
    extra = f"        effective_from_basis: {basis}\n" if basis else ""
    extra += f"        source_kind: {kind}\n" if kind else ""
    extra += "        estimate: true\n        note: read from a copy\n" if estimate else ""
    return PERIOD.format(start=start, name=start, checked=checked, extra=extra, price=price)


STACK = "schema_version: 1\ntitle: Acme\narchitecture: cascade\ncomponents:\n  - {role: asr, sku: acme/asr}\n"
SCENARIO = "schema_version: 1\ntitle: One minute\ncalls_per_month: 1000\ncaller_audio_seconds: 60\n"
FX = """\
schema_version: 1
base: USD
rates:
  - currency: GBP
    periods:
      - effective_from: 2026-01-21
        per_usd: 0.75
        source: https://example.com/fx
        checked: 2026-11-01
"""


def library(tmp_path: Path, text: str, fx: str = FX) -> tuple[Path, Path]:
    pricing, scenarios = tmp_path / "pricing", tmp_path / "scenarios"
    (pricing / "stacks").mkdir(parents=True)
    scenarios.mkdir()
    (pricing / "acme.yaml").write_text(text, encoding="utf-8")
    (pricing / "fx.yaml").write_text(fx, encoding="utf-8")
    (pricing / "stacks" / "acme.yaml").write_text(STACK, encoding="utf-8")
    (scenarios / "call.yaml").write_text(SCENARIO, encoding="utf-8")
    return pricing, scenarios


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------- the file format's rules


@pytest.mark.parametrize("kind", ["secondary", "inferred"])
def test_a_secondary_or_inferred_price_must_be_flagged(tmp_path: Path, kind: str) -> None:
    pricing, _ = library(tmp_path, sheet(period("2026-01-01", kind=kind)))
    code, _, err = run("validate", str(pricing))
    assert code == 2
    assert f"source_kind: {kind} needs estimate: true" in err
    assert err.startswith(f"{pricing / 'acme.yaml'}:")


def test_a_flagged_secondary_price_is_accepted(tmp_path: Path) -> None:
    pricing, _ = library(tmp_path, sheet(period("2026-01-01", kind="secondary", estimate=True)))
    code, out, _ = run("validate", str(pricing))
    assert code == 0, out


def test_validate_refuses_a_start_that_does_not_say_how_it_is_known(tmp_path: Path) -> None:
    pricing, _ = library(tmp_path, sheet(period("2026-01-01", basis=None)))
    code, _, err = run("validate", str(pricing))
    assert code == 2
    # Line 9: four header lines, the SKU's id/kind/name on 5-7, `periods:` on 8, then the period's effective_from.
    assert err.startswith(f"{pricing / 'acme.yaml'}:9: acme/asr periods[0].effective_from: effective_from 2026-01-01")
    assert "effective_from_basis: sourced" in err and "lower-bound" in err


# ---------------------------------------------------------------- lower-bound starts


def test_before_a_lower_bound_the_price_is_unknown_not_unlaunched(tmp_path: Path) -> None:
    pricing, scenarios = library(tmp_path, sheet(period("2026-06-17", basis="lower-bound")))
    catalog = load_catalog(pricing, scenarios)
    with pytest.raises(NoPriceError) as before:
        catalog.price("acme/asr", date(2024, 6, 1))
    assert before.value.cause == "unknown-before"
    assert "unknown before 2026-06-17" in before.value.reason
    assert catalog.price("acme/asr", date(2026, 6, 17)).price("usd_per_audio_minute") == Decimal("0.006")


def test_before_a_sourced_start_the_sku_was_not_launched(tmp_path: Path) -> None:
    pricing, scenarios = library(tmp_path, sheet(period("2026-06-17")))
    with pytest.raises(NoPriceError) as before:
        load_catalog(pricing, scenarios).price("acme/asr", date(2024, 6, 1))
    assert before.value.cause == "not-launched"
    assert "first price starts 2026-06-17" in before.value.reason


def test_withdrawn_is_its_own_cause(tmp_path: Path) -> None:
    pricing, scenarios = library(tmp_path, sheet(period("2026-01-01"), withdrawn="2026-06-01"))
    with pytest.raises(NoPriceError) as after:
        load_catalog(pricing, scenarios).price("acme/asr", date(2026, 6, 1))
    assert after.value.cause == "withdrawn"


def test_compare_before_a_lower_bound_says_unknown_before(tmp_path: Path) -> None:
    pricing, scenarios = library(tmp_path, sheet(period("2026-06-17", basis="lower-bound")))
    code, _, err = run("compare", "call", "--as-of", "2024-06-01", "--pricing", str(pricing),
                         "--scenarios", str(scenarios))
    assert code == 2
    assert "unknown before 2026-06-17" in err


def test_prices_diff_says_first_recorded_for_a_lower_bound_and_launched_for_a_sourced_start(tmp_path: Path) -> None:
    lower, scenarios = library(tmp_path / "a", sheet(period("2025-01-01", basis="lower-bound")))
    sourced, _ = library(tmp_path / "b", sheet(period("2025-01-01")))
    old = load_catalog(lower, scenarios)
    diff = price_diff(old, date(2024, 6, 1), old, date(2025, 6, 1))
    assert [(r.sku, r.status) for r in diff.prices] == [("acme/asr", "first recorded")]
    new = load_catalog(sourced, scenarios)
    diff = price_diff(new, date(2024, 6, 1), new, date(2025, 6, 1))
    assert [(r.sku, r.status) for r in diff.prices] == [("acme/asr", "launched")]


# ---------------------------------------------------------------- reading age and provenance summary


def test_validate_max_age_lists_prices_not_re_read(tmp_path: Path) -> None:
    # checked 2026-06-01, as of 2026-11-30: 29 days left in June + 31 + 31 + 30 + 31 + 30 = 182 days.
    pricing, _ = library(tmp_path, sheet(period("2026-01-01", checked="2026-06-01")))
    code, out, _ = run("validate", str(pricing), "--max-age", "120d", "--as-of", "2026-11-30")
    assert code == 1
    assert "stale: acme/asr from 2026-01-01: source last read 2026-06-01 (182 days before 2026-11-30)" in out
    code, out, _ = run("validate", str(pricing), "--max-age", "182", "--as-of", "2026-11-30")
    assert code == 0 and "0 price periods not re-read within 182 days" in out
    code, _, err = run("validate", str(pricing), "--max-age", "soon")
    assert code == 2 and "'soon' is not a number of days" in err


def test_prices_provenance_counts_periods_by_kind(tmp_path: Path) -> None:
    text = sheet(
        period("2025-01-01", basis="lower-bound", kind="secondary", estimate=True, checked="2026-02-01"),
        period("2025-06-01", kind="inferred", estimate=True),
        period("2026-01-01"),
    )
    pricing, scenarios = library(tmp_path, text)
    code, out, _ = run("prices", "--provenance", "--format", "json", "--pricing", str(pricing),
                       "--scenarios", str(scenarios))
    assert code == 0
    doc = json.loads(out)
    # One period of each kind; all three belong to acme/asr, which the stack uses.
    assert doc["periods_by_source_kind"] == {"vendor": 1, "secondary": 1, "inferred": 1}
    assert doc["stack_periods_by_source_kind"] == {"vendor": 1, "secondary": 1, "inferred": 1}
    assert doc["lower_bound_starts"] == 1
    assert doc["oldest_checked"][0]["checked"] == "2026-02-01"


# ---------------------------------------------------------------- exchange rates


def test_fx_warning_starts_after_ninety_days() -> None:
    rate = FxPeriod(source="https://example.com", checked=date(2026, 1, 21), estimate=False, note=None,
                    effective_from=date(2026, 1, 21), per_usd=Decimal("0.75"))
    # 2026-01-21 → 2026-04-21: 10 days left in January + 28 + 31 + 21 = 90 days: not yet stale.
    assert fx_warning(rate, date(2026, 4, 21)) is None
    warning = fx_warning(rate, date(2026, 4, 22))
    assert warning is not None and "91 days older than 2026-04-22" in warning


def test_a_stale_rate_is_warned_in_every_format(tmp_path: Path) -> None:
    pricing, scenarios = library(tmp_path, sheet(period("2026-01-01")))
    base = ["compare", "call", "--currency", "GBP", "--as-of", "2026-11-30", "--pricing", str(pricing),
            "--scenarios", str(scenarios)]
    # 2026-01-21 → 2026-11-30: 10 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 = 313 days.
    for fmt in ("table", "markdown", "csv", "json"):
        code, out, err = run(*base, "--format", fmt)
        assert code == 0, err
        assert "GBP exchange rate of 2026-01-21 is 313 days older than 2026-11-30" in err, fmt
        if fmt != "csv":
            assert "313 days older" in out, fmt


def test_fx_rate_overrides_the_sheet_and_is_shown(tmp_path: Path) -> None:
    pricing, scenarios = library(tmp_path, sheet(period("2026-01-01")))
    code, out, err = run("compare", "call", "--currency", "GBP", "--fx-rate", "GBP=0.80", "--as-of", "2026-11-30",
                         "--pricing", str(pricing), "--scenarios", str(scenarios))
    assert code == 0, err
    # 60 s at 0.006 USD/min = 0.006 USD per call × 0.80 = 0.0048 GBP; × 1,000 calls = 4.80 GBP a month.
    assert "0.00480" in out and "4.80" in out
    assert "1 USD = 0.80 GBP (set with --fx-rate" in out
    assert "older than" not in err  # a rate set for the run is never stale
    code, _, err = run("compare", "call", "--currency", "GBP", "--fx-rate", "GBP:0.8", "--pricing", str(pricing),
                       "--scenarios", str(scenarios))
    assert code == 2 and "is not CODE=UNITS_PER_USD" in err


# ---------------------------------------------------------------- the bundled book


REQUIRED_STACKS = ("azure-eu-gpt-realtime-mini", "gemini-live", "nova-sonic", "deepgram-cascade",
                   "elevenlabs-agents", "hosted-llama-cascade")


def test_the_bundled_book_prices_at_least_25_stacks_today(catalog: Catalog) -> None:
    from costmodel.analyses.estimate import estimate

    priced = []
    for stack in catalog.stacks:
        try:
            estimate(catalog, "support-call-5min", stack, as_of=date(2026, 11, 30))
        except NoPriceError:
            continue
        priced.append(stack)
    assert len(priced) >= 25
    assert set(REQUIRED_STACKS) <= set(priced)


def test_no_bundled_period_leaves_its_start_unstated(catalog: Catalog) -> None:
    from costmodel.data.provenance import unstated_starts

    assert unstated_starts(catalog) == []


def test_bundled_placeholder_dates_are_gone(catalog: Catalog) -> None:
    # The old sheets used 2025-01-01 as a stand-in start for undated prices.
    assert not [sku.id for sku in catalog.skus.values() for p in sku.periods if p.effective_from == date(2025, 1, 1)]


def test_no_false_launches_between_2024_06_and_2025_06(catalog: Catalog) -> None:
    diff = price_diff(catalog, date(2024, 6, 1), catalog, date(2025, 6, 1))
    launched = {row.sku for row in diff.prices if row.status == "launched"}
    # Products that existed before 2024-06-01 must not be reported as launched in between.
    assert not launched & {"aws/g5.xlarge", "aws/g6.xlarge", "aws/polly-neural", "aws/transcribe",
                           "twilio/us-inbound-local", "twilio/us-outbound", "twilio/uk-inbound",
                           "google/gemini-1.5-flash"}
    # Every SKU still called launched has a sourced start between the two dates.
    for row in diff.prices:
        if row.status == "launched":
            start = price_in_force(catalog.skus[row.sku], date(2025, 6, 1)).effective_from
            first = catalog.skus[row.sku].periods[0]
            assert first.effective_from_basis == "sourced" and date(2024, 6, 1) < first.effective_from <= start
