"""Break-even: hand-worked crossings on a round-number pricing folder, and properties on the bundled data."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costmodel.analyses.breakeven import breakeven
from costmodel.analyses.estimate import estimate
from costmodel.analyses.sweep import decimal_of, evaluate, parse_field, prepare
from costmodel.cli import cli
from costmodel.core.overrides import PriceChange, parse_price_change
from tests.whatif_catalog import round_catalog, write_round_data

ON = date(2026, 11, 30)  # on or after every bundled lower-bound start the tests use (Twilio UK: 2026-11-24)


def test_self_hosted_floor_over_api_saving_matches_to_the_call(tmp_path: Path) -> None:
    # api costs 60 s × $0.01/s = $0.60 a call; hosted is a $1,000 floor (1 GPU × 500 h × $2) until 150,000 calls.
    # Same cost when 1000 / n = 0.60  →  n = 1000 / 0.6 = 1,666.67 calls; hosted is cheaper from 1,667 calls.
    result = breakeven(round_catalog(tmp_path), "minute-call", "api", "hosted", "calls_per_month", as_of=ON)
    assert len(result.crossings) == 1
    crossing = result.crossings[0]
    assert crossing.kind == "equal" and crossing.end == "point"
    assert crossing.value == pytest.approx(1000 / 0.6, rel=1e-12)
    assert int(crossing.value) + 1 == 1667
    assert (crossing.cheaper_below, crossing.cheaper_above) == ("api", "hosted")
    assert crossing.cost_a == pytest.approx(0.6) and crossing.cost_b == pytest.approx(0.6)
    assert crossing.method == "linear"


def test_gpu_step_gives_three_crossings(tmp_path: Path) -> None:
    # API at $0.01/min: a 60 s call costs $0.01. Hosted: 1000/n up to 150,000 calls, 2000/n from 150,001 (2 GPUs).
    # 1000/n = 0.01 at n = 100,000 (hosted cheaper above); at 150,000 hosted jumps from 0.00667 to 0.01333 (API
    # cheaper above the step); 2000/n = 0.01 at n = 200,000 (hosted cheaper again).
    result = breakeven(round_catalog(tmp_path), "minute-call", "api", "hosted", "calls_per_month", (1, 300_000),
                       as_of=ON, price_changes=[parse_price_change("acme/asr.audio_minute=0.01")])
    got = [(round(c.value, 6), c.kind, c.cheaper_below, c.cheaper_above) for c in result.crossings]
    assert got == [
        (100_000, "equal", "api", "hosted"),
        (150_000, "step", "hosted", "api"),
        (200_000, "equal", "api", "hosted"),
    ]


def test_break_even_over_a_price(tmp_path: Path) -> None:
    # At 1,000 calls hosted costs $1,000 / 1,000 = $1.00 a call; the API's one-minute call costs its price per minute.
    result = breakeven(round_catalog(tmp_path), "minute-call", "api", "hosted", "acme/asr.audio_minute", as_of=ON)
    assert (result.low, result.high) == (0.0, 6.0)  # default: up to 10 × today's $0.60
    [crossing] = result.crossings
    assert crossing.value == pytest.approx(1.0, rel=1e-12)
    assert (crossing.cheaper_below, crossing.cheaper_above) == ("api", "hosted")


def test_ranged_inputs_report_a_band(tmp_path: Path) -> None:
    # Caller audio 30–60 s: the API costs $0.30–$0.60 a call, so the floor is matched at 1000/0.6 = 1,666.67 calls
    # (high ends) and 1000/0.3 = 3,333.33 calls (low ends).
    result = breakeven(round_catalog(tmp_path), "ranged-call", "api", "hosted", "calls_per_month", as_of=ON)
    assert [(c.end, round(c.value, 6)) for c in result.crossings] == [("high", 1666.666667), ("low", 3333.333333)]
    assert result.band == pytest.approx((1000 / 0.6, 1000 / 0.3))


def test_never_cross_is_said_plainly(tmp_path: Path, runner) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    # Between 10,000 and 100,000 calls hosted costs $0.10–$0.01 a call, always under the API's $0.60.
    result = runner.invoke(cli, ["breakeven", "minute-call", "api", "hosted", "--over", "calls_per_month",
                                 "--between", "10000:100000", "--as-of", "2026-11-01",
                                 "--pricing", str(pricing), "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "minute-call: api vs hosted as calls_per_month varies between 10,000 and 100,000\n"
        "prices in force on 2026-11-01 · USD per call\n\n"
        "Answer: they never cross between 10,000 and 100,000: hosted is cheaper throughout.\n"
    )


def test_alternating_crossings_give_one_answer_first(tmp_path: Path, runner) -> None:
    # The GPU-step case above: api cheaper below 100,000 calls; hosted cheaper to 150,000, api again to 200,000
    # (2 GPUs: 2000/n > 0.01), hosted from 200,000 on (2000/n < 0.01 and the third GPU comes at 300,000, the end).
    result = breakeven(round_catalog(tmp_path), "minute-call", "api", "hosted", "calls_per_month", (1, 300_000),
                       as_of=ON, price_changes=[parse_price_change("acme/asr.audio_minute=0.01")])
    [(end, answer)] = result.answers.items()
    assert end == "point"
    assert (answer.kind, answer.cheaper_at_low, answer.cheaper_at_high, answer.crossings) == ("alternates", "api",
                                                                                                "hosted", 3)
    assert (answer.first, answer.settled_from) == (pytest.approx(100_000), pytest.approx(200_000))
    pricing, scenarios = write_round_data(tmp_path / "cli")
    args = ["breakeven", "minute-call", "api", "hosted", "--over", "calls_per_month", "--between", "1:300000",
            "--price", "acme/asr.audio_minute=0.01", "--as-of", "2026-11-01", "--pricing", str(pricing),
            "--scenarios", str(scenarios)]
    short = runner.invoke(cli, args)
    assert short.exit_code == 0, short.output
    # Line 3 is the what-if the --price made (a what-if leaves a trace under the title), then the answer.
    assert short.output.splitlines()[2:6] == [
        "what-if: acme/asr.usd_per_audio_minute=0.01",
        "",
        "Answer: api is cheaper below calls_per_month = 100,000; up to 200,000 the cheaper stack alternates "
        "(3 crossings at GPU or billing steps); from 200,000 on, hosted is cheaper for good.",
        "--all lists the 3 crossings step by step (csv and json always do).",
    ]
    every = runner.invoke(cli, [*args, "--all"])
    assert every.exit_code == 0, every.output
    assert "step (costs jump)" in every.output and "step (costs jump)" not in short.output
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    assert document["answers"]["point"] == {"kind": "alternates", "cheaper_at_low": "api", "cheaper_at_high": "hosted",
                                            "first_crossing": "100000", "settled_from": "200000", "crossings": 3}


def test_ranged_inputs_answer_per_end(tmp_path: Path, runner) -> None:
    # Caller audio 30–60 s (see test_ranged_inputs_report_a_band): the ends cross at 1000/0.3 and 1000/0.6 calls.
    pricing, scenarios = write_round_data(tmp_path)
    result = runner.invoke(cli, ["breakeven", "ranged-call", "api", "hosted", "--over", "calls_per_month",
                                 "--as-of", "2026-11-01", "--pricing", str(pricing), "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[3] == (
        "Answer: with the inputs at their low end, api is cheaper below calls_per_month = 3,333.33, hosted above it; "
        "with the inputs at their high end, api is cheaper below calls_per_month = 1,666.67, hosted above it."
    )


def test_cli_breakeven_table(tmp_path: Path, runner) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    result = runner.invoke(cli, ["breakeven", "minute-call", "api", "hosted", "--over", "calls_per_month",
                                 "--as-of", "2026-11-01", "--pricing", str(pricing), "--scenarios", str(scenarios),
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, row = result.output.splitlines()
    assert header == ("field,value,kind,end,stack_a,stack_b,per_call_usd_a,per_call_usd_b,cheaper_below,cheaper_above,"
                      "method,missing_roles_a,missing_roles_b")
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    # api 60 s × $0.01 = $0.60 a call; hosted $1,000 ÷ calls: equal at 1,000 / 0.6 = 5,000/3 calls (float64 solver).
    assert float(cells["value"]) == pytest.approx(5000 / 3)
    assert float(cells["per_call_usd_a"]) == pytest.approx(0.6) and float(cells["per_call_usd_b"]) == pytest.approx(0.6)
    assert (cells["field"], cells["kind"], cells["end"], cells["cheaper_below"], cells["cheaper_above"]) == (
        "calls_per_month", "equal", "point", "api", "hosted")
    # The table for people keeps the rounded value and the whole number of calls from which hosted is cheaper.
    table = runner.invoke(cli, ["breakeven", "minute-call", "api", "hosted", "--over", "calls_per_month",
                                "--as-of", "2026-11-01", "--pricing", str(pricing), "--scenarios", str(scenarios)])
    assert "1,666.67 (hosted cheaper from 1,667 calls)" in table.output


@pytest.mark.parametrize(("args", "message"), [
    (["--over", "calls_per_month", "--between", "5:1"], "--between"),
    (["--over", "no_such_field"], "unknown scenario field or SKU.PRICE_FIELD 'no_such_field'"),
    # The model's own rule for the field, named once (the flag was said twice before).
    (["--over", "calls_per_month", "--between", "0:10"], "Error: --between: calls_per_month must be above 0\n"),
    (["--over", "turns", "--between", "0:10"], "Error: --between: turns must be at least 1\n"),
    (["--over", "cache_hit_fraction", "--between", "0:2"], "cache_hit_fraction must be a share between 0 and 1"),
])
def test_bad_input_is_exit_2(tmp_path: Path, runner, args: list[str], message: str) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    result = runner.invoke(cli, ["breakeven", "minute-call", "api", "hosted", *args,
                                 "--pricing", str(pricing), "--scenarios", str(scenarios)])
    assert result.exit_code == 2
    assert message in result.output


# ------------------------------------------------------------------------------------------ properties

PAIRS = [("privacy-first", "gpt-realtime"), ("privacy-first", "gpt-realtime-mini"), ("gpt-audio-mini", "budget-first"),
         ("gpt-realtime-mini", "gpt-4o-cascade"), ("budget-first-uk-phone", "gpt-realtime-mini")]
FIELDS = {
    "calls_per_month": (100.0, 2_000_000.0),
    "caller_audio_seconds_per_turn": (1.0, 120.0),
    "turns": (1.0, 40.0),
    "openai/gpt-realtime-mini.audio_input": (0.0, 100.0),
    "system_prompt_tokens": (0.0, 20_000.0),
}


def _exact_costs(catalog, scenario, a, b, field, value):
    """Per-call costs of A and B at `value`, exactly (compare --set / --price) where the value is a valid input."""
    target = parse_field(field, catalog)
    if target.is_price:
        change = [PriceChange(target.sku, target.price_field, value=decimal_of(value))]
        return [estimate(catalog, scenario, s, as_of=ON, price_changes=change).per_call for s in (a, b)]
    if field == "turns" and value != int(value):
        # Whole turns only in a scenario; the crossing between two whole numbers comes from the same formula.
        prepared = prepare(catalog, scenario, [a, b], as_of=ON, currency="USD", settings=None, price_changes=())
        costs = evaluate(prepared, target, numpy.array([value]))
        return [costs[s][0] for s in (a, b)]
    settings_ = {field: decimal_of(value)}
    return [estimate(catalog, scenario, s, as_of=ON, settings=settings_).per_call for s in (a, b)]


def _end(span, end):
    value = span.high if end == "high" else span.low
    return float(numpy.asarray(value).ravel()[0])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=st.sampled_from(PAIRS), field=st.sampled_from(sorted(FIELDS)),
       scenario=st.sampled_from(["support-call-10-turns", "support-call-5min"]),
       cut=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_property_crossings_are_equal_and_sides_right(catalog, pair, field, scenario, cut) -> None:
    if scenario == "support-call-5min" and field == "caller_audio_seconds_per_turn":
        field = "caller_audio_seconds"
    lo_all, hi_all = FIELDS.get(field, (1.0, 3000.0))
    lo = lo_all + (hi_all - lo_all) * cut[0] * 0.5
    hi = lo + (hi_all - lo) * max(cut[1], 0.1)
    if field == "turns":
        lo, hi = float(int(lo)), float(max(int(hi), int(lo) + 1))
    a, b = pair
    result = breakeven(catalog, scenario, a, b, field, (lo, hi), as_of=ON)
    for crossing in result.crossings[:40]:
        end = "high" if crossing.end == "high" else "low"
        if crossing.kind == "equal":
            cost_a, cost_b = _exact_costs(catalog, scenario, a, b, field, crossing.value)
            assert abs(_end(cost_a, end) - _end(cost_b, end)) <= 0.0001
        for side, offset in (("below", -1), ("above", 1)):
            cheaper = crossing.cheaper_below if side == "below" else crossing.cheaper_above
            # A hair either side (far inside the neighbouring segment); the field's own grid keeps turns whole.
            step = 1e-7 * max(1.0, abs(crossing.value))
            value = min(max(crossing.value + offset * step, lo), hi)
            cost_a, cost_b = _exact_costs(catalog, scenario, a, b, field, value) if field != "turns" else \
                _exact_costs(catalog, scenario, a, b, field, value + 1e-9)
            low_a, low_b = _end(cost_a, end), _end(cost_b, end)
            if cheaper == a:
                assert low_a <= low_b
            elif cheaper == b:
                assert low_b <= low_a


def test_quadratic_turns_crossing_on_bundled_data(catalog) -> None:
    # gpt-realtime-mini's per-call cost grows with turns² (each turn re-reads the history), the phone cascade's
    # with turns plus a per-minute phone line: they meet between whole turns. The crossing must be an equal-cost
    # point of the shared formula, solved in closed form (not by bisection).
    result = breakeven(catalog, "support-call-10-turns", "gpt-realtime-mini", "budget-first-uk-phone", "turns", (1, 4),
                       as_of=ON)
    assert [c.kind for c in result.crossings] == ["equal"]
    for crossing in result.crossings:
        assert crossing.method == "quadratic"
        assert abs(crossing.cost_a - crossing.cost_b) < 1e-9
    assert result.notes == []
    # Whole turns either side bracket the crossing the right way round.
    first = result.crossings[0]
    below = estimate(catalog, "support-call-10-turns", first.cheaper_below, as_of=ON,
                     settings={"turns": Decimal(int(first.value))}).per_call.low
    other = first.cheaper_above
    below_other = estimate(catalog, "support-call-10-turns", other, as_of=ON,
                           settings={"turns": Decimal(int(first.value))}).per_call.low
    assert below <= below_other


def test_zero_length_calls_on_a_self_hosted_stack_do_not_break_the_solver(tmp_path: Path, runner) -> None:
    # minute-call gives its peak of concurrent calls directly, so the peak's call rate is peak ÷ call length; from
    # 0 s of caller audio that was 0 ÷ 0 (NaN GPUs) and `report` and this break-even ended in an internal error.
    # At 0 s the hosted stack still pays its floor, 1 GPU × 500 h × $2 = $1,000 a month = $1.00 a call at 1,000
    # calls, and the API (billed per second) costs nothing.
    pricing, scenarios = write_round_data(tmp_path)
    data = ["--pricing", str(pricing), "--scenarios", str(scenarios), "--as-of", "2026-11-01"]
    result = runner.invoke(cli, ["breakeven", "minute-call", "api", "hosted", "--over", "caller_audio_seconds",
                                 "--between", "0:200", *data])
    assert result.exit_code == 0, result.output
    document = json.loads(runner.invoke(cli, ["compare", "minute-call", "--set", "caller_audio_seconds=0",
                                              "--format", "json", *data]).output)
    per_call = {row["stack"]: row["per_call"] for row in document["rows"]}
    assert per_call == {"api": {"low": "0", "high": "0"}, "hosted": {"low": "1", "high": "1"}}
    report = runner.invoke(cli, ["report", "minute-call", "-o", str(tmp_path / "r.md"), *data])
    assert report.exit_code == 0, report.output
