"""Valid data that used to crash, JSON for every result type, carried notes, linear render/audit and the sweep limit."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from costmodel.analyses.sweep import MAX_SWEEP_POINTS
from costmodel.cli import cli
from costmodel.core.interval import Span
from costmodel.data.models import Range
from costmodel.views.formatting import dump_json, to_json

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "articles" / "gpt-audio-mini-review.md"
CLAIMS = ROOT / "articles" / "gpt-audio-mini-review.claims.yaml"
ON = "2026-11-24"
HANG = 120
"""Seconds after which a subprocess counts as hung: generous, only to turn a hang into a failure."""


def data_args(folder: Path) -> list[str]:
    return ["--pricing", str(folder / "pricing"), "--scenarios", str(folder / "scenarios"), "--as-of", ON]


def ok(result: object) -> None:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]


# ---------------------------------------------------------------- a price of 0 is a price


VOICE_AGENT = """\
schema_version: 1
provider: zero
name: Zero
skus:
  - id: zero/voice-agent
    kind: audio-llm
    name: Free voice agent
    periods:
      - effective_from: 2026-01-01
        currency: USD
        source: https://example.com/prices
        checked: 2026-06-01
        usd_per_audio_minute: 0
        usd_per_million_output_tokens: 2.00
"""

VOICE_STACK = """\
schema_version: 1
title: Free voice agent
architecture: integrated
components:
  - {role: audio-llm, sku: zero/voice-agent}
"""

TEN_TURNS = """\
schema_version: 1
title: Ten turns
calls_per_month: 1000
turns: 10
caller_audio_seconds_per_turn: 6
agent_text_tokens: 200
"""


@pytest.fixture
def free_voice_agent(tmp_path: Path) -> Path:
    (tmp_path / "pricing" / "stacks").mkdir(parents=True)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "pricing" / "zero.yaml").write_text(VOICE_AGENT, encoding="utf-8")
    (tmp_path / "pricing" / "stacks" / "free.yaml").write_text(VOICE_STACK, encoding="utf-8")
    (tmp_path / "scenarios" / "ten-turns.yaml").write_text(TEN_TURNS, encoding="utf-8")
    return tmp_path


def test_zero_audio_minute_price_on_an_audio_model_is_priced_not_a_crash(runner: CliRunner,
                                                                         free_voice_agent: Path) -> None:
    # Billed by duration at $0: only the text it writes costs, 200 tokens × $2.00 / 1M = $0.0004 a call,
    # × 1,000 calls = $0.40 a month. Multi-turn, so the engine used to try a per-turn token series and assert.
    result = runner.invoke(cli, ["compare", "ten-turns", *data_args(free_voice_agent), "--format", "json"])
    ok(result)
    (row,) = json.loads(result.output)["rows"]
    assert row["per_call"] == {"low": "0.0004", "high": "0.0004"}
    assert row["per_month"] == {"low": "0.4", "high": "0.4"}
    result = runner.invoke(cli, ["breakdown", "ten-turns", "free", *data_args(free_voice_agent), "--format", "json"])
    ok(result)
    document = json.loads(result.output)
    assert document["turns"] == []  # duration-billed: no token series to itemise
    minutes = next(line for line in document["lines"] if line["price_field"] == "usd_per_audio_minute")
    assert minutes["cost_per_call"] == {"low": "0", "high": "0"}


@pytest.mark.parametrize("command", [
    ["sensitivity", "ten-turns", "free", "--format", "json"],
    ["sweep", "ten-turns", "--vary", "turns=1:5", "--format", "csv"],
    ["report", "ten-turns", "-o", "{folder}/report.html"],
])
def test_zero_audio_minute_price_through_the_other_commands(runner: CliRunner, free_voice_agent: Path,
                                                            command: list[str]) -> None:
    command = [part.format(folder=free_voice_agent) for part in command]
    ok(runner.invoke(cli, [*command, *data_args(free_voice_agent)]))


def test_zero_gpu_throughput_is_a_clean_input_error(runner: CliRunner, bundled_copy: Path) -> None:
    # Work = output tokens ÷ tokens per second: at 0 there is no answer (it divided by zero), so the sheet is refused.
    sheet = bundled_copy / "pricing" / "lambda.yaml"
    data = yaml.safe_load(sheet.read_text(encoding="utf-8"))
    entries = [t for sku in data["skus"] for t in sku.get("throughput", []) if "output_tokens_per_second" in t]
    assert entries, "the bundled GPU sheet serves an LLM"
    entries[0]["output_tokens_per_second"] = 0
    sheet.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = runner.invoke(cli, ["compare", *data_args(bundled_copy)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"{sheet}:")
    assert "output_tokens_per_second must be above 0" in result.output


# ---------------------------------------------------------------- JSON for every result type


def test_sensitivity_json_with_a_ranged_input(runner: CliRunner) -> None:
    # council-triage's caller audio is a range, 20–60 s: ±20% gives 16–48 and 24–72 (20 × 0.8, 60 × 0.8, ...).
    result = runner.invoke(cli, ["sensitivity", "council-triage", "budget-first", "--format", "json", "--as-of", ON])
    ok(result)
    rows = {row["input"]: row for row in json.loads(result.output)["rows"]}
    audio = rows["caller_audio_seconds"]
    assert (audio["base"], audio["down"], audio["up"]) == (
        {"low": "20", "high": "60"}, {"low": "16", "high": "48"}, {"low": "24", "high": "72"})
    # A point keeps the same shape, so readers need not test which one they got.
    assert all(set(row["base"]) == {"low", "high"} for row in rows.values())


def test_to_json_handles_any_value_a_result_holds() -> None:
    @dataclass(frozen=True)
    class Row:
        name: str
        value: Range
        at: Span

    document = {"row": Row("x", Range(low=Decimal("1.50"), high=Decimal(2)), Span(Decimal(0), Decimal("0.1"))),
                "ratio": float("nan"), "share": 0.25, "tags": {"b", "a"}, "path": Path("p/q.yaml")}
    assert json.loads(dump_json(document)) == {
        "row": {"name": "x", "value": {"low": "1.5", "high": "2"}, "at": {"low": "0", "high": "0.1"}},
        "ratio": None, "share": 0.25, "tags": ["a", "b"], "path": "p/q.yaml",
    }
    with pytest.raises(TypeError, match="no JSON form for object"):
        to_json(object())


# ---------------------------------------------------------------- audit notes reach every format


def claim_notes() -> dict[str, str]:
    claims = yaml.safe_load(CLAIMS.read_text(encoding="utf-8"))["claims"]
    return {c["id"]: " ".join(c["note"].split()) for c in claims if c.get("note")}


def test_audit_carries_each_claims_note_to_every_format(runner: CliRunner) -> None:
    notes = claim_notes()
    assert len(notes) >= 2
    base = ["audit", str(ARTICLE), "--as-of", ON]
    document = json.loads(runner.invoke(cli, [*base, "--format", "json"]).output)
    assert {c["id"]: c["note"] for c in document["claims"] if c["note"]} == notes
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli, [*base, "--format", "csv"]).output)))
    assert {r["claim"]: r["note"] for r in rows if r["note"]} == notes
    # Text and Markdown explain each claim under the table, its note last.
    for fmt, label in (("table", "  note: "), ("markdown", "- **note:** ")):
        text = runner.invoke(cli, [*base, "--format", fmt]).output
        for claim, note in notes.items():
            block = text[text.index(f"{claim} (line ") if fmt == "table" else text.index(f"`{claim}`: "):]
            assert block[:block.index("\n\n", block.index(label)) + 1].endswith(f"\n{label}{note}\n")


# ---------------------------------------------------------------- render and audit run in linear time


def test_render_of_100k_placeholders_finishes(tmp_path: Path) -> None:
    template = tmp_path / "big.md.tmpl"
    # 100,000 lines of 44 bytes (4.4 MB, under the 5 MB template limit); quadratic, 20,000 took 85 s.
    template.write_text('{{ price("openai/gpt-4o-mini", "output") }}\n' * 100_000, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "costmodel", "render", str(template), "--as-of", ON],
                          capture_output=True, text=True, timeout=HANG)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "$0.60\n" * 100_000  # gpt-4o-mini output, $0.60 per 1M, as the sheet writes it


def test_render_counts_lines_after_many_placeholders(runner: CliRunner, tmp_path: Path) -> None:
    # Lines are counted on from placeholder to placeholder, so a late error must still name its own line:
    # 3,000 good lines, a placeholder spanning lines 3,001-3,002, then a bad call on line 3,003.
    template = tmp_path / "t.md"
    template.write_text('{{ as_of() }}\n' * 3000 + '{{ as_of(\n) }}\n' + 'x {{ nope() }}\n', encoding="utf-8")
    result = runner.invoke(cli, ["render", str(template), "--as-of", ON])
    assert result.exit_code == 2
    assert result.output.startswith(f"{template}:3003: unknown function 'nope'")


@pytest.mark.parametrize(("text", "line", "token"), [
    ("a\n{{ as_of() }}\n}} b\n", 3, "}}"),          # a closer with nothing open
    ("{{ as_of() }}\n\n{{ as_of()\n", 3, "{{"),     # an opener never closed
    ("{{ as_of() }}}}\n", 1, "}}"),                 # one closer too many, right after a placeholder
    ("{{" * 50_000, 1, "{{"),                       # unclosed openers: one pass, not one scan each
])
def test_stray_braces_are_found_in_one_pass(runner: CliRunner, tmp_path: Path, text: str, line: int,
                                            token: str) -> None:
    template = tmp_path / "t.md"
    template.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["render", str(template), "--as-of", ON])
    assert result.exit_code == 2
    assert result.output == f"{template}:{line}: unbalanced '{token}'\n"


def test_audit_of_many_claims_finishes(tmp_path: Path) -> None:
    # 5,000 claims, each quoting its own line of a 5,000-line article: every claim used to re-read the claims
    # file to find its line, and to search the article from the top.
    count = 5_000
    article = tmp_path / "many.md"
    article.write_text("".join(f"Item {i} output costs $0.60 per 1M tokens.\n" for i in range(count)), encoding="utf-8")
    claims = tmp_path / "many.claims.yaml"
    claims.write_text("schema_version: 1\ntitle: many\narticle_date: 2026-11-24\nclaims:\n" + "".join(
        f"  - id: c{i}\n    quote: Item {i} output   costs $0.60\n    printed: 0.60\n"
        f"    compute: price(\"openai/gpt-4o-mini\", \"output\")\n" for i in range(count)), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "costmodel", "audit", str(article), "--as-of", ON, "--format", "csv"],
                          capture_output=True, text=True, timeout=HANG)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == count
    # Claim i quotes line i + 1 (the quote's extra spaces match the article's single ones).
    assert all(row["line"] == str(i + 1) and row["status"] == "ok" for i, row in enumerate(rows))


def test_audit_names_the_claims_line_of_a_late_bad_claim(runner: CliRunner, tmp_path: Path) -> None:
    # The claim lines come from one pass over the claims file; claim 300 (0-based 299) starts on line
    # 4 + 299 × 4 + 1 = 1,201, so its compute is on line 1,204.
    article = tmp_path / "a.md"
    article.write_text("It costs $0.60.\n", encoding="utf-8")
    claims = tmp_path / "a.claims.yaml"
    good = '  - id: c{}\n    quote: costs $0.60\n    printed: 0.60\n    compute: price("openai/gpt-4o-mini", "output")\n'
    bad = '  - id: bad\n    quote: costs $0.60\n    printed: 0.60\n    compute: nope()\n'
    claims.write_text("schema_version: 1\ntitle: t\narticle_date: 2026-11-24\nclaims:\n"
                      + "".join(good.format(i) for i in range(299)) + bad, encoding="utf-8")
    result = runner.invoke(cli, ["audit", str(article), "--as-of", ON])
    assert result.exit_code == 2
    assert result.output.startswith(f"{claims}:1204: unknown function 'nope'")


@pytest.mark.parametrize(("quote", "line"), [
    ("runs $0.016 a", 2),            # the first and last words may be parts of words ("Chirp runs", "a minute")
    ("$0.016 a minute. Whisper", 2),  # across a line break
    ("Whisper is $0.006", 3),
])
def test_quote_lines_whatever_the_whitespace(tmp_path: Path, quote: str, line: int) -> None:
    from costmodel.writers.audit import QuoteIndex

    index = QuoteIndex("# Prices\nChirp runs $0.016 a minute.\n  Whisper\tis   $0.006 a minute.\n")
    assert index.line(quote) == line
    assert index.line("Whisper is $0.007") is None


# ---------------------------------------------------------------- the sweep limit is one the machine honours


def test_sweep_limit_is_stated_and_enforced(runner: CliRunner) -> None:
    assert f"{MAX_SWEEP_POINTS:,} points" in runner.invoke(cli, ["sweep", "--help"]).output
    # 1:20001:1 is 20,001 points, one over the limit; the error says the limit and what to do.
    stop = MAX_SWEEP_POINTS + 1
    result = runner.invoke(cli, ["sweep", "support-call-5min", "--vary", f"calls_per_month=1:{stop}:1"])
    assert result.exit_code == 2
    assert result.output == (f"Error: --vary: sweep of {stop:,} points is over the limit of {MAX_SWEEP_POINTS:,}; "
                             "use a larger STEP (or call costmodel.analyses.sweep.sweep from Python, which takes any number "
                             "of values)\n")
    # Over turns without a STEP every whole number is a point: 1:1000000 is a million.
    result = runner.invoke(cli, ["sweep", "support-call-5min", "--vary", "turns=1:1000000"])
    assert result.exit_code == 2
    assert "sweep of 1,000,000 points" in result.output


def test_sweep_at_the_limit_runs() -> None:
    # Exactly the limit: 1..20,000 calls a month, one CSV row per point (one stack) plus the header.
    done = subprocess.run([sys.executable, "-m", "costmodel", "sweep", "support-call-5min", "--as-of", ON,
                           "--vary", f"calls_per_month=1:{MAX_SWEEP_POINTS}:1", "--stacks", "budget-first",
                           "--format", "csv"], capture_output=True, text=True, timeout=HANG)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert len(rows) == MAX_SWEEP_POINTS + 1
    assert rows[0][:2] == ["field", "value"]
    assert rows[1][1] == "1" and rows[-1][1] == str(MAX_SWEEP_POINTS)
