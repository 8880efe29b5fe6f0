"""--baseline on sweep and breakeven: each swept point's change, and the shift of the break-even, in every format,
worked by hand on the round test data (tests/whatif_catalog.py).

On that data (prices of 2026-11-01):
- stack `api` pays acme/asr at $0.60 an audio minute; a 60 s call costs 60 × 0.60 / 60 = $0.60. Halving the price
  (the what-if `acme/asr.usd_per_audio_minute=*0.5`) makes it $0.30: a change of −0.30, −50%.
- stack `hosted` pays one always-on GPU, 500 h × $2 = $1,000 a month (one GPU serves 150,000 calls a month), so
  N calls a month cost 1,000 / N a call, the same with or without the what-if (change 0, 0%).
- they cost the same where 1,000 / N = 0.60, N = 1,666.67 calls a month without the what-if, and where
  1,000 / N = 0.30, N = 3,333.33 with it: the break-even moves +1,666.67 calls (+100%).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from costmodel.cli import cli
from tests.whatif_catalog import write_round_data

HALF = "acme/asr.usd_per_audio_minute=*0.5"
SWEEP = ("sweep", "minute-call", "--vary", "calls_per_month=1000:5000:1000")
BREAKEVEN = ("breakeven", "minute-call", "api", "hosted", "--over", "calls_per_month", "--between", "100:100000")


def invoke(folder: Path, *args: str) -> Result:
    pricing, scenarios = write_round_data(folder)
    return CliRunner().invoke(cli, [*args, "--pricing", str(pricing), "--scenarios", str(scenarios),
                                    "--as-of", "2026-11-01"])


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sweep_text_shows_each_points_change(tmp_path: Path) -> None:
    text = ok(invoke(tmp_path, *SWEEP, "--price", HALF, "--baseline"))
    assert "Δ api" in text and "Δ hosted" in text and "Δ: change per call from the same sweep without the what-ifs" in text
    row = next(line for line in text.splitlines() if line.lstrip().startswith("2,000"))
    # api: 0.30 against 0.60 → −0.30000 (−50.0%); hosted: 1,000 / 2,000 = 0.50000 both ways → 0.00000 (0.0%).
    assert "0.30000" in row and "-0.30000 (-50.0%)" in row
    assert "0.50000" in row and "0.00000 (0.0%)" in row
    markdown = ok(invoke(tmp_path, *SWEEP, "--price", HALF, "--baseline", "--format", "markdown"))
    assert "Δ api" in markdown and "-0.30000 (-50.0%)" in markdown


def test_sweep_json_has_a_baseline_per_point_and_stack(tmp_path: Path) -> None:
    document = json.loads(ok(invoke(tmp_path, *SWEEP, "--price", HALF, "--baseline", "--format", "json")))
    api, hosted = document["stacks"]["api"]["baseline"], document["stacks"]["hosted"]["baseline"]
    assert len(api) == len(hosted) == 5  # 1,000 to 5,000 in steps of 1,000
    for point in api:  # 0.60 → 0.30 at every volume
        assert float(point["baseline"]["low"]) == pytest.approx(0.60) == float(point["baseline"]["high"])
        assert float(point["change"]["low"]) == pytest.approx(-0.30) == float(point["change"]["high"])
        assert float(point["percent"]["low"]) == pytest.approx(-50) == float(point["percent"]["high"])
    # hosted at 4,000 calls: 1,000 / 4,000 = 0.25 a call either way.
    assert float(hosted[3]["baseline"]["low"]) == pytest.approx(0.25)
    assert hosted[3]["change"] == {"low": "0", "high": "0"} and hosted[3]["percent"] == {"low": "0", "high": "0"}
    plain = json.loads(ok(invoke(tmp_path, *SWEEP, "--price", HALF, "--format", "json")))
    assert "baseline" not in plain["stacks"]["api"]


def test_sweep_csv_has_numeric_baseline_columns(tmp_path: Path) -> None:
    import pandas

    text = ok(invoke(tmp_path, *SWEEP, "--price", HALF, "--baseline", "--format", "csv"))
    frame = pandas.read_csv(io.StringIO(text))
    columns = [f"per_call_usd_{part}_{end}" for part in ("baseline", "change", "change_pct") for end in ("low", "high")]
    for column in columns:
        assert frame[column].dtype.kind in "fi", column  # -50 and 0 percent read as whole numbers
    api = frame[frame["stack"] == "api"]
    assert list(api.per_call_usd_change_low) == pytest.approx([-0.30] * 5)
    assert list(api.per_call_usd_change_pct_high) == pytest.approx([-50.0] * 5)
    hosted = frame[frame["stack"] == "hosted"].set_index("value")
    # 1,000 / 5,000 = 0.20 a call, unchanged.
    assert hosted.loc[5000, "per_call_usd_baseline_low"] == pytest.approx(0.20)
    assert hosted.loc[5000, "per_call_usd_change_high"] == 0


def test_sweep_chart_draws_the_baseline_faint_and_dashed_in_the_stacks_colour(tmp_path: Path) -> None:
    from matplotlib.colors import to_hex

    from costmodel import stack_colour, sweep, sweep_figure, with_baseline
    from costmodel.core.overrides import parse_price_change
    from tests.whatif_catalog import round_catalog

    catalog = round_catalog(tmp_path)
    result = with_baseline(sweep, catalog, "minute-call", "calls_per_month", [1000.0, 2000.0], ["api", "hosted"],
                           price_changes=[parse_price_change(HALF)])
    figure = sweep_figure(result)
    faint = [line for line in figure.axes[0].get_lines() if line.get_alpha() == 0.45]
    # api's baseline curve is its 0.60 a call; hosted's is 1,000 / N = 1.00 and 0.50.
    assert {to_hex(line.get_color()): list(line.get_ydata()) for line in faint} == {
        to_hex(stack_colour("api")): pytest.approx([0.60, 0.60]),
        to_hex(stack_colour("hosted")): pytest.approx([1.00, 0.50]),
    }
    legend = [text.get_text() for legend in figure.legends for text in legend.get_texts()]
    assert any("without the what-ifs" in text for text in legend)
    out = tmp_path / "sweep.svg"
    ok(invoke(tmp_path, *SWEEP, "--price", HALF, "--baseline", "--plot", str(out)))
    assert b"<svg" in out.read_bytes()[:500]


def test_breakeven_says_how_far_the_crossing_moves_in_every_format(tmp_path: Path) -> None:
    text = ok(invoke(tmp_path, *BREAKEVEN, "--price", HALF, "--baseline"))
    assert "Answer: api is cheaper below calls_per_month = 3,333.33, hosted above it." in text
    assert "Without the what-ifs: api is cheaper below calls_per_month = 1,666.67, hosted above it." in text
    # (3,333.33 − 1,666.67) / 1,666.67 = +100%.
    assert "Break-even moves from calls_per_month = 1,666.67 to 3,333.33 (+100.0%)." in text
    markdown = ok(invoke(tmp_path, *BREAKEVEN, "--price", HALF, "--baseline", "--format", "markdown"))
    assert "1,666.67 to 3,333.33 (+100.0%)" in markdown
    document = json.loads(ok(invoke(tmp_path, *BREAKEVEN, "--price", HALF, "--baseline", "--format", "json")))
    baseline = document["baseline"]
    assert float(baseline["answers"]["point"]["settled_from"]) == pytest.approx(5000 / 3)
    assert [c["cheaper_above"] for c in baseline["crossings"]] == ["hosted"]
    shift = baseline["shifts"]["point"]
    assert float(shift["baseline"]) == pytest.approx(5000 / 3) and float(shift["value"]) == pytest.approx(10000 / 3)
    assert float(shift["change"]) == pytest.approx(5000 / 3) and float(shift["percent"]) == pytest.approx(100)
    rows = list(csv.DictReader(io.StringIO(ok(invoke(tmp_path, *BREAKEVEN, "--price", HALF, "--baseline",
                                                     "--format", "csv")))))
    # One crossing each run, the what-if's first; every row carries its end's shift.
    assert [row["run"] for row in rows] == ["whatif", "baseline"]
    assert float(rows[0]["value"]) == pytest.approx(10000 / 3) and float(rows[1]["value"]) == pytest.approx(5000 / 3)
    for row in rows:
        assert float(row["settled_from_baseline"]) == pytest.approx(5000 / 3)
        assert float(row["settled_from_change_pct"]) == pytest.approx(100)


def test_breakeven_baseline_searches_the_same_range(tmp_path: Path) -> None:
    # Without --between a search over turns runs 1 to 50; the baseline run searches the what-if run's range.
    document = json.loads(ok(invoke(tmp_path, "breakeven", "minute-call", "api", "hosted", "--over", "turns",
                                    "--set", "calls_per_month=2000", "--baseline", "--format", "json")))
    assert document["between"] == {"low": "1", "high": "50"}
    # Per call: api 0.60 at any number of turns; hosted 1,000 / 1,000 = 1.00 without, 1,000 / 2,000 = 0.50 with
    # the what-if: api is cheaper throughout without it, hosted with it, and neither run crosses.
    assert document["answers"]["point"]["cheaper_at_low"] == "hosted"
    assert document["baseline"]["answers"]["point"]["cheaper_at_low"] == "api"
    assert document["baseline"]["shifts"]["point"] == {"baseline": None, "value": None, "change": None, "percent": None}
    text = ok(invoke(tmp_path, "breakeven", "minute-call", "api", "hosted", "--over", "turns",
                     "--set", "calls_per_month=2000", "--baseline"))
    assert "Without the what-ifs: they never cross between 1 and 50: api is cheaper throughout." in text
    assert "Break-even: none with or without the what-ifs." in text


@pytest.mark.parametrize("args", [SWEEP, BREAKEVEN])
def test_baseline_without_a_what_if_is_a_usage_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = invoke(tmp_path, *args, "--baseline")
    assert result.exit_code == 2 and "--baseline" in result.stderr


@pytest.mark.parametrize("args", [SWEEP, BREAKEVEN])
def test_the_varied_input_cannot_also_be_a_what_if(tmp_path: Path, args: tuple[str, ...]) -> None:
    # The swept value would replace the --set silently (and --baseline would show no change at all).
    result = invoke(tmp_path, *args, "--set", "calls_per_month=3000", "--baseline")
    assert result.exit_code == 2 and "calls_per_month" in result.stderr and "--set" in result.stderr
    price = invoke(tmp_path, "sweep", "minute-call", "--vary", "acme/asr.usd_per_audio_minute=0.1:1", "--price", HALF)
    assert price.exit_code == 2 and "--price" in price.stderr
