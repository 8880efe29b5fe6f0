"""What-ifs leave a trace: every output of a run given --set/--price names them; a plain run is unchanged."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner

from costmodel.analyses.compare import compare
from costmodel.analyses.sensitivity import sensitivity
from costmodel.analyses.sweep import sweep
from costmodel.cli import cli
from costmodel.core.overrides import PriceChange, WhatIf, parse_price_change
from costmodel.data.records import Range
from costmodel.views.formatting import whatif_json, whatif_lines, whatif_text
from tests.whatif_catalog import round_catalog, write_round_data

WHATIF = ["--set", "calls_per_month=2000", "--price", "acme/asr.usd_per_audio_minute=*0.5"]
LINE = "what-if: calls_per_month=2000; acme/asr.usd_per_audio_minute ×0.5"
"""The line the two flags above make: settings first in the order given, then each price change."""

COMMANDS = {
    "compare": ["compare", "minute-call"],
    "breakdown": ["breakdown", "minute-call", "api"],
    "sweep": ["sweep", "minute-call", "--vary", "caller_audio_seconds=30:60", "--stacks", "api"],
    # Over the call length: the volume --set here cannot also be the input a break-even varies.
    "breakeven": ["breakeven", "minute-call", "api", "hosted", "--over", "caller_audio_seconds"],
    "sensitivity": ["sensitivity", "minute-call", "api"],
}


def _run(runner: CliRunner, tmp_path: Path, args: list[str]) -> str:
    pricing, scenarios = write_round_data(tmp_path)
    result = runner.invoke(cli, [*args, "--as-of", "2026-11-01", "--pricing", str(pricing),
                                 "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    return result.output


def test_whatif_text_names_settings_then_price_changes() -> None:
    whatif = WhatIf({"turns": D(12), "caller_audio_seconds": Range(low=D(30), high=D(60))},
                    (parse_price_change("openai/gpt-4o-mini.input=*0.5"),
                     PriceChange("acme/asr", "usd_per_audio_minute", value=D("0.25"))))
    assert whatif_text(whatif) == ("turns=12; caller_audio_seconds=30–60; "
                                   "openai/gpt-4o-mini.usd_per_million_input_tokens ×0.5; "
                                   "acme/asr.usd_per_audio_minute=0.25")


def test_no_whatif_means_no_line_and_an_empty_json_object() -> None:
    assert not WhatIf()
    assert whatif_lines(WhatIf(), "table") == [] and whatif_lines(WhatIf(), "csv") == []
    # The envelope always has `whatif`, so a reader never tests for the key: empty without what-ifs.
    assert whatif_json(WhatIf()) == whatif_json(None) == {"settings": {}, "prices": []}


def test_percent_change_is_shown_as_its_factor() -> None:
    # -20% is applied as the factor 1 + (-20)/100 = 0.8, and shown as what reaches the engine.
    whatif = WhatIf({}, (parse_price_change("acme/asr.usd_per_audio_minute=-20%"),))
    assert whatif_text(whatif) == "acme/asr.usd_per_audio_minute ×0.8"


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_text_and_markdown_show_the_line_under_the_title(runner: CliRunner, tmp_path: Path, command: str,
                                                         fmt: str) -> None:
    out = _run(runner, tmp_path, [*COMMANDS[command], *WHATIF, "--format", fmt])
    lines = out.splitlines()
    expected = f"*{LINE}*" if fmt == "markdown" else LINE
    assert expected in lines
    # Under the title, above the table: before the rule under the first table's header (dashes, in both formats).
    rule = next(i for i, line in enumerate(lines) if "-" in line and set(line) <= set("-| :"))
    assert 0 < lines.index(expected) < rule
    plain = _run(runner, tmp_path / "plain", [*COMMANDS[command], "--format", fmt])
    assert "what-if" not in plain


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_csv_gets_a_last_whatif_column(runner: CliRunner, tmp_path: Path, command: str) -> None:
    out = list(csv.reader(io.StringIO(_run(runner, tmp_path, [*COMMANDS[command], *WHATIF, "--format", "csv"]))))
    plain = list(csv.reader(io.StringIO(_run(runner, tmp_path / "plain", [*COMMANDS[command], "--format", "csv"]))))
    assert "what-if" not in plain[0] and len(plain) > 1
    assert out[0] == [*plain[0], "what-if"]
    assert [row[-1] for row in out[1:]] == [LINE.removeprefix("what-if: ")] * (len(out) - 1)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_json_has_a_whatif_object(runner: CliRunner, tmp_path: Path, command: str) -> None:
    document = json.loads(_run(runner, tmp_path, [*COMMANDS[command], *WHATIF, "--format", "json"]))
    assert document["whatif"] == {
        "settings": {"calls_per_month": {"low": "2000", "high": "2000"}},
        "prices": [{"sku": "acme/asr", "field": "usd_per_audio_minute", "value": None, "factor": "0.5"}],
    }
    plain = json.loads(_run(runner, tmp_path / "plain", [*COMMANDS[command], "--format", "json"]))
    assert plain["whatif"] == {"settings": {}, "prices": []}


def test_json_range_setting_and_absolute_price(runner: CliRunner, tmp_path: Path) -> None:
    args = ["compare", "minute-call", "--set", "caller_audio_seconds=30..60",
            "--price", "acme/asr.usd_per_audio_minute=0.3", "--format", "json"]
    document = json.loads(_run(runner, tmp_path, args))
    assert document["whatif"] == {
        "settings": {"caller_audio_seconds": {"low": "30", "high": "60"}},
        "prices": [{"sku": "acme/asr", "field": "usd_per_audio_minute", "value": {"low": "0.3", "high": "0.3"},
                    "factor": None}],
    }


def test_results_carry_the_whatifs_they_were_computed_with(tmp_path: Path) -> None:
    catalog = round_catalog(tmp_path)
    changes = [parse_price_change("acme/asr.usd_per_audio_minute=*0.5")]
    result = compare(catalog, "minute-call", ["api"], settings={"calls_per_month": D(2000)}, price_changes=changes)
    assert result.whatif == WhatIf({"calls_per_month": D(2000)}, tuple(changes))
    # The figures are the what-if's: 60 s = 1 minute × $0.60 × 0.5 = $0.30 a call, × 2,000 calls = $600 a month.
    assert result.rows[0].per_call is not None and result.rows[0].per_call.low == D("0.30")
    assert result.rows[0].per_month is not None and result.rows[0].per_month.low == D("600")
    assert result.estimates["api"].whatif == result.whatif
    assert not compare(catalog, "minute-call", ["api"]).whatif
    swept = sweep(catalog, "minute-call", "caller_audio_seconds", [30.0], ["api"], price_changes=changes)
    assert swept.whatif == WhatIf({}, tuple(changes))
    moved = sensitivity(catalog, "minute-call", "api", settings={"calls_per_month": D(2000)})
    assert moved.whatif == WhatIf({"calls_per_month": D(2000)}, ())


def test_report_shows_the_whatifs(runner: CliRunner, tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    _run(runner, tmp_path, ["report", "minute-call", "--stacks", "api", *WHATIF, "-o", str(html)])
    assert f'<p class="meta" id="whatif">{LINE}</p>' in html.read_text(encoding="utf-8")
    md = tmp_path / "r.md"
    _run(runner, tmp_path, ["report", "minute-call", "--stacks", "api", *WHATIF, "-o", str(md)])
    assert f"*{LINE}*" in md.read_text(encoding="utf-8").splitlines()
    plain = tmp_path / "plain.html"
    _run(runner, tmp_path / "p", ["report", "minute-call", "--stacks", "api", "-o", str(plain)])
    assert 'id="whatif"' not in plain.read_text(encoding="utf-8")


def test_chart_titles_get_the_whatifs_as_a_subtitle(tmp_path: Path) -> None:
    from costmodel.views.charts import sweep_figure, tornado_figure

    catalog = round_catalog(tmp_path)
    changes = [parse_price_change("acme/asr.usd_per_audio_minute=*0.5")]
    swept = sweep(catalog, "minute-call", "caller_audio_seconds", [30.0, 60.0], ["api"], price_changes=changes)
    title = sweep_figure(swept).axes[0].get_title()
    assert title.splitlines()[1] == "what-if: acme/asr.usd_per_audio_minute ×0.5"
    moved = sensitivity(catalog, "minute-call", "api", settings={"calls_per_month": D(2000)})
    assert tornado_figure(moved).axes[0].get_title().splitlines()[1] == "what-if: calls_per_month=2000"
    plain = sweep(catalog, "minute-call", "caller_audio_seconds", [30.0, 60.0], ["api"])
    assert "what-if" not in sweep_figure(plain).axes[0].get_title()
