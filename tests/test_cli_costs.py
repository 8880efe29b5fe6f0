"""`compare` and `breakdown` through the CLI, on a tiny pricing folder whose figures are worked out by hand."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner

from costmodel.cli import cli
from tests.import_probe import modules_imported_by

SHEET = """\
    schema_version: 1
    provider: t
    name: Test provider
    skus:
      - id: t/asr
        kind: asr
        name: ASR
        periods:
          - {effective_from: 2024-01-01, currency: USD, source: test sheet, checked: 2026-11-01, usd_per_audio_minute: 0.006}
      - id: t/llm
        kind: llm
        name: LLM
        periods:
          - {effective_from: 2024-01-01, currency: USD, source: test sheet, checked: 2026-11-01,
             usd_per_million_input_tokens: 0.15, usd_per_million_output_tokens: 0.60}
      - id: t/audio
        kind: audio-llm
        name: Audio model
        audio_tokens: {input_tokens_per_second: 10, output_tokens_per_second: 20, source: test sheet, checked: 2026-11-01}
        periods:
          - {effective_from: 2024-01-01, currency: USD, source: test sheet, checked: 2026-11-01,
             usd_per_million_input_tokens: 0.60, usd_per_million_output_tokens: 2.40,
             usd_per_million_audio_input_tokens: 10, usd_per_million_audio_output_tokens: 20}
"""
FX = """\
    schema_version: 1
    base: USD
    rates:
      - currency: GBP
        periods: [{effective_from: 2024-01-01, per_usd: 0.5, source: test sheet, checked: 2026-11-01}]
"""
CASCADE = """\
    schema_version: 1
    title: Cascade
    architecture: cascade
    components: [{role: asr, sku: t/asr}, {role: llm, sku: t/llm}]
"""
INTEGRATED = """\
    schema_version: 1
    title: Integrated
    architecture: integrated
    components: [{role: audio-llm, sku: t/audio}]
"""
CALL = """\
    schema_version: 1
    title: Five minutes
    calls_per_month: 1000
    caller_audio_seconds: 300
    agent_audio_seconds: 0
    agent_text_tokens: 200
"""


@pytest.fixture
def data(tmp_path: Path) -> list[str]:
    files = {
        "pricing/t.yaml": SHEET, "pricing/fx.yaml": FX, "pricing/stacks/cascade.yaml": CASCADE,
        "pricing/stacks/integrated.yaml": INTEGRATED, "scenarios/call.yaml": CALL,
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return ["--pricing", str(tmp_path / "pricing"), "--scenarios", str(tmp_path / "scenarios"), "--as-of", "2026-11-24"]


# By hand, for the 5-minute call:
# cascade: ASR 300 s = 5 min × $0.006 = $0.03; LLM input 300 s × 150/60 words/s × 1.3 tokens/word = 975 tokens
#   × $0.15/1M = $0.00014625; output 200 × $0.60/1M = $0.00012 → $0.03026625 per call → "0.03027";
#   × 1,000 calls = $30.26625 → "30.27".
# integrated: 300 s × 10 tokens/s = 3,000 audio tokens × $10/1M = $0.03; 200 × $2.40/1M = $0.00048 → $0.03048;
#   × 1,000 = $30.48; multiple 0.03048 / 0.03026625 = 1.00706… → "1.0×".
EXPECTED_TABLE = """\
call: Five minutes
1,000 calls/month · prices in force on 2026-11-24 · USD

  #  stack       architecture      per call (USD)    per month (USD)    × cheapest
---  ----------  --------------  ----------------  -----------------  ------------
  1  cascade     cascade                  0.03027              30.27          1.0×
  2  integrated  integrated               0.03048              30.48          1.0×

Per-call figures rounded half-up to 5 places, monthly to cents; ranges are low–high.
"""


def test_compare_prints_the_hand_worked_table(data: list[str]) -> None:
    result = CliRunner().invoke(cli, ["compare", "call", *data])
    assert result.exit_code == 0, result.output
    assert result.output == EXPECTED_TABLE


def test_compare_json_is_exact_and_documented(data: list[str]) -> None:
    result = CliRunner().invoke(cli, ["compare", "call", "--format", "json", *data])
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert (document["command"], document["scenario"], document["currency"], document["as_of"]) == (
        "compare", "call", "USD", "2026-11-24"
    )
    rows = {row["stack"]: row for row in document["rows"]}
    assert D(rows["cascade"]["per_call"]["low"]) == D("0.03026625")
    assert D(rows["integrated"]["per_month"]["high"]) == D("30.48")
    assert rows["cascade"]["rank"] == 1 and rows["cascade"]["unpriced"] is None


def test_compare_in_pounds_uses_the_fx_sheet(data: list[str]) -> None:
    # 0.5 GBP per USD: $0.03026625 → £0.015133125; the header names the rate and its date.
    result = CliRunner().invoke(cli, ["compare", "call", "--currency", "gbp", "--format", "json", *data])
    document = json.loads(result.stdout)
    assert D(document["rows"][0]["per_call"]["low"]) == D("0.015133125")
    assert document["fx"]["per_usd"] == "0.5" and document["fx"]["effective_from"] == "2024-01-01"
    # The 2024 rate is far over 90 days old today: warned on stderr and in the document.
    assert "GBP exchange rate of 2024-01-01 is" in result.stderr and document["fx"]["warning"]


def test_compare_csv_and_markdown(data: list[str]) -> None:
    csv = CliRunner().invoke(cli, ["compare", "call", "--format", "csv", *data]).output
    # Numeric CSV: exact plain decimals in low/high columns ($0.03026625 a call, $30.26625 a month, worked above).
    assert csv.splitlines()[0].startswith("rank,stack,architecture,per_call_usd_low,per_call_usd_high,")
    assert csv.splitlines()[1].startswith("1,cascade,cascade,0.03026625,0.03026625,30.26625,30.26625,0,0,1,1,")
    markdown = CliRunner().invoke(cli, ["compare", "call", "--format", "markdown", *data]).output
    assert "| 1 | cascade" in markdown.replace("   ", " ").replace("  ", " ")


def test_set_changes_the_scenario_and_rejects_unknown_fields(data: list[str]) -> None:
    # --set caller_audio_seconds=60: cascade = 1 min × 0.006 + 195 × 0.15/1M + 200 × 0.60/1M
    #   = 0.006 + 0.00002925 + 0.00012 = $0.00614925.
    result = CliRunner().invoke(cli, ["compare", "call", "--set", "caller_audio_seconds=60", "--format", "json", *data])
    assert D(json.loads(result.output)["rows"][0]["per_call"]["low"]) == D("0.00614925")
    bad = CliRunner().invoke(cli, ["compare", "call", "--set", "caller_seconds=60", *data])
    assert bad.exit_code == 2
    assert bad.output.count("\n") == 1
    assert "unknown scenario field 'caller_seconds'" in bad.output and "caller_audio_seconds" in bad.output


def test_price_what_if_halves_audio(data: list[str]) -> None:
    # Audio input at *0.5 → $5/1M: 3,000 × 5/1M = $0.015 + $0.00048 = $0.01548; now cheaper than the cascade.
    result = CliRunner().invoke(
        cli, ["compare", "call", "--price", "t/audio.audio_input=*0.5", "--format", "json", *data]
    )
    rows = json.loads(result.output)["rows"]
    assert rows[0]["stack"] == "integrated" and D(rows[0]["per_call"]["low"]) == D("0.01548")


def test_breakdown_itemises_every_meter_with_its_source(data: list[str]) -> None:
    result = CliRunner().invoke(cli, ["breakdown", "call", "cascade", "--format", "json", *data])
    assert result.exit_code == 0
    lines = json.loads(result.output)["lines"]
    summary = [(line["sku"], line["meter"], line["quantity"]["low"], line["cost_per_call"]["low"]) for line in lines]
    assert summary == [
        ("t/asr", "billed audio seconds", "300", "0.03"),
        ("t/llm", "text input tokens", "975", "0.00014625"),
        ("t/llm", "text output tokens", "200", "0.00012"),
    ]
    assert all(line["source"] == "test sheet" and line["checked"] == "2026-11-01" for line in lines)
    table = CliRunner().invoke(cli, ["breakdown", "call", "cascade", *data]).output
    assert "Total per call: $0.03027 · per month: $30.27" in table


def test_unknown_stack_and_scenario_suggest_close_matches(data: list[str]) -> None:
    result = CliRunner().invoke(cli, ["breakdown", "call", "cascad", *data])
    assert result.exit_code == 2
    assert result.output == "Error: unknown stack 'cascad'; did you mean cascade?\n"
    result = CliRunner().invoke(cli, ["compare", "cal", *data])
    assert result.output == "Error: unknown scenario 'cal'; did you mean call?\n"


def test_bad_as_of_and_currency_are_one_line_usage_errors(data: list[str]) -> None:
    result = CliRunner().invoke(cli, ["compare", "call", *data, "--as-of", "2024-02-30"])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "--as-of" in result.output
    result = CliRunner().invoke(cli, ["compare", "call", *data, "--currency", "XYZ"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "--currency" in result.output and "unknown currency 'XYZ'" in result.output


def test_compare_with_no_arguments_prices_the_bundled_5_minute_call() -> None:
    result = CliRunner().invoke(cli, ["compare", "--as-of", "2026-11-24"])
    assert result.exit_code == 0
    assert result.output.startswith("support-call-5min: 5-minute customer-service call")
    # budget-first: whisper-1 $0.03 + GPT-4o-mini ($0.00014625 + $0.00012) = $0.03026625 → 0.03027 (no longer the
    # cheapest: the hosted-Llama cascades undercut it).
    row = next(line for line in result.output.splitlines() if " budget-first " in line)
    assert "0.03027" in row
    # A withdrawn model is marked unpriced, never shown as $0.
    assert "latency-first" in result.output and "unpriced" in result.output


def test_compare_does_not_import_pandas_or_matplotlib() -> None:
    code = (
        "from click.testing import CliRunner; from costmodel.cli import cli; "
        "r = CliRunner().invoke(cli, ['compare']); assert r.exit_code == 0, r.output"
    )
    assert not {"pandas", "matplotlib", "numpy"} & modules_imported_by(code)


def test_unknown_sku_in_price_names_the_flag(data: list[str]) -> None:
    result = CliRunner().invoke(cli, ["compare", "call", "--price", "t/audoi.audio_input=*0.5", *data])
    assert result.exit_code == 2
    assert result.output.startswith("Error: --price: unknown SKU 't/audoi'; did you mean t/audio")
    assert result.output.count("\n") == 1


def test_sweep_refuses_an_input_as_output_before_drawing_the_chart(data: list[str], tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    scenario_file = tmp_path / "scenarios" / "call.yaml"
    before = scenario_file.read_text()
    result = CliRunner().invoke(
        cli, ["sweep", "call", "--vary", "calls_per_month=100:1000", "--plot", str(chart), "-o", str(scenario_file), *data]
    )
    assert result.exit_code == 2
    assert result.output == f"{scenario_file}: is an input file; costmodel never overwrites its inputs\n"
    assert not chart.exists() and scenario_file.read_text() == before


def test_prices_options_before_diff_are_refused_not_ignored() -> None:
    result = CliRunner().invoke(cli, ["prices", "--as-of", "2024-01-01", "diff", "--from", "2024-06-01", "--to", "2025-06-01"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: costmodel prices: options before 'diff' belong to 'prices'; put them after 'diff' "
        "(see costmodel prices diff --help)\n"
    )
