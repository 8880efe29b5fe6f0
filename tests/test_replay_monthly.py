"""Replay of stacks that charge by the month: volume tiers and included minutes priced on each calendar month's
real total, fees and concurrency slots once per month with calls, shared equally by the period's calls.

The pricing folder is test_monthly's (synthetic round figures): calls of 120 s are 2 billed minutes each.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from costmodel.analyses.estimate import estimate
from costmodel.analyses.replay import replay
from costmodel.data.catalog import Catalog
from tests.test_monthly import STACKS, _catalog

ON = date(2026, 11, 1)


@pytest.fixture
def cat(tmp_path: Path) -> Catalog:
    return _catalog(tmp_path / "data")


def _calls(path: Path, months: dict[str, int], together: int = 1) -> Path:
    """Two-minute calls, ten minutes apart from the 1st of each month 00:00 UTC, except that the first `together`
    calls of each month start at the same moment (so that many are in progress at once)."""
    rows: list[dict[str, Any]] = []
    for month, count in months.items():
        for i in range(count):
            start = datetime.fromisoformat(f"{month}-01T00:00:00") + timedelta(minutes=0 if i < together else 10 * i)
            rows.append({"call_id": f"{month}-{i}", "start_time": start.isoformat() + "Z",
                         "caller_audio_seconds": 120, "agent_audio_seconds": 0, "agent_text_tokens": 0,
                         "call_duration_seconds": 120})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_volume_tiers_are_priced_on_the_month_total(cat: Catalog, tmp_path: Path) -> None:
    # 600 calls × 2 min = 1,200 minutes in October.
    # graduated: 1,000 × $0.02 + 200 × $0.01 = $22; all-units: the month reaches 1,000, so 1,200 × $0.01 = $12.
    result = replay(cat, _calls(tmp_path / "c.jsonl", {"2026-10": 600}), ["graduated", "all-units"], as_of=ON)
    graduated, all_units = result.stack("graduated"), result.stack("all-units")
    assert graduated.total[0] == pytest.approx(22, abs=1e-9)
    assert all_units.total[0] == pytest.approx(12, abs=1e-9)
    assert graduated.monthly is not None and graduated.monthly.months["2026-10"][0] == pytest.approx(22, abs=1e-9)
    # Shared equally (average allocation): every call $22 / 600; the percentiles are that figure.
    assert graduated.per_call_mean[0] == pytest.approx(22 / 600, rel=1e-12)
    assert graduated.p50[0] == pytest.approx(22 / 600, rel=1e-4)


def test_a_monthly_fee_is_paid_once_per_calendar_month_with_calls(cat: Catalog, tmp_path: Path) -> None:
    # tel/number: $0.01 a minute + $1.15 a month. 300 calls in October and 300 in November, 2 min each:
    # minutes 1,200 × $0.01 = $12 per call lines; fees 2 × $1.15 = $2.30; total $14.30.
    calls = _calls(tmp_path / "c.jsonl", {"2026-10": 300, "2026-11": 300})
    per_call = tmp_path / "per-call.parquet"
    result = replay(cat, calls, ["number"], as_of=ON, per_call_path=per_call)
    s = result.stack("number")
    assert s.total[0] == pytest.approx(14.30, abs=1e-9)
    assert s.monthly is not None
    assert s.monthly.fixed_cost[0] == pytest.approx(2.30, abs=1e-12)
    assert s.monthly.months == {"2026-10": pytest.approx((1.15, 1.15)), "2026-11": pytest.approx((1.15, 1.15))}
    # Each call's row: its own 2 min × $0.01 = $0.02, plus $2.30 / 600 of the fees.
    rows = pq.read_table(per_call).column("number_low").to_pylist()
    assert rows == pytest.approx([0.02 + 2.30 / 600] * 600, rel=1e-12)


def test_included_minutes_and_tiers_count_each_month_on_its_own(cat: Catalog, tmp_path: Path) -> None:
    # tel/plan-tiered: $5 a month including 500 minutes, then $0.02 (graduated tiers from 1,000 billed minutes).
    # October: 300 calls = 600 min → 100 beyond the plan × $0.02 = $2, + $5 = $7.
    # November: 450 calls = 900 min → 400 × $0.02 = $8, + $5 = $13. Period: $20 (not 1,500 min in one month:
    # 1,000 × $0.02 + $5 = $25).
    result = replay(cat, _calls(tmp_path / "c.jsonl", {"2026-10": 300, "2026-11": 450}), ["plan-tiered"], as_of=ON)
    s = result.stack("plan-tiered")
    assert s.monthly is not None
    assert s.monthly.months["2026-10"][0] == pytest.approx(7, abs=1e-9)
    assert s.monthly.months["2026-11"][0] == pytest.approx(13, abs=1e-9)
    assert s.total[0] == pytest.approx(20, abs=1e-9)


def test_concurrency_slots_are_billed_on_the_measured_peak(cat: Catalog, tmp_path: Path) -> None:
    # plat/agent: $0.01 an audio minute beyond 1,000 included, $50 a month, 5 concurrent calls included, $8 a
    # further slot. 600 calls of 2 min, the first 8 at the same moment: peak 8 → 3 slots × $8 = $24;
    # 1,200 min → 200 × $0.01 = $2; with the plan $76.
    result = replay(cat, _calls(tmp_path / "c.jsonl", {"2026-10": 600}, together=8), ["agent"], as_of=ON)
    assert result.stack("agent").total[0] == pytest.approx(76, abs=1e-9)


def test_every_monthly_stack_equals_the_exact_engine_on_a_month_of_identical_calls(cat: Catalog,
                                                                                  tmp_path: Path) -> None:
    # 600 identical two-minute calls in one month with a peak of 8 in progress are the "two-minute" scenario
    # (600 calls a month, peak 7.3 → 8 slots): replay's total must be the exact engine's month, to 1e-9 a call.
    calls = _calls(tmp_path / "c.jsonl", {"2026-10": 600}, together=8)
    result = replay(cat, calls, sorted(STACKS), as_of=ON)
    assert not result.unpriced
    for s in result.stacks:
        exact = estimate(cat, "two-minute", s.stack, as_of=ON).per_month
        assert abs(Decimal(repr(s.total[0])) - exact.low) <= Decimal("1e-9") * 600, s.stack
        assert abs(Decimal(repr(s.total[1])) - exact.high) <= Decimal("1e-9") * 600, s.stack
