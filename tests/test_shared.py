"""Shared components (`--with`, a scenario's `with:`) and the roles a scenario needs: like-for-like comparisons.

Figures are worked out by hand from the bundled Twilio sheet: twilio/uk-inbound is 0.0100 USD a minute, billed
in whole minutes (billing_increment_seconds: 60), one leg unless `legs` says otherwise.
"""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import costmodel
from costmodel.analyses.compare import compare
from costmodel.analyses.estimate import estimate
from costmodel.cli import cli
from costmodel.core.shared import parse_with, shared_for, speaks
from costmodel.data.catalog import Catalog, load_catalog
from costmodel.errors import InputError, UnknownIdError

AS_OF = "2026-11-30"
UK_LINE = "twilio/uk-inbound"

# support-call-5min: 300 s of caller audio, no agent audio, so the call lasts 300 s (caller + agent audio).
# Twilio bills whole minutes: ceil(300 / 60) = 5 minutes × 0.0100 USD = 0.0500 USD per call, one leg.
UK_LINE_PER_CALL = D("0.0500")
# 10,000 calls a month × 0.05 = 500 USD a month.
UK_LINE_PER_MONTH = D("500")


def _json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(cli, [*args, "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def _rows(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["stack"]: row for row in document["rows"]}


def _span(value: dict[str, str]) -> tuple[D, D]:
    return D(value["low"]), D(value["high"])


def test_with_adds_the_same_phone_line_to_every_stack(runner: CliRunner) -> None:
    without = _rows(_json(runner, "compare", "support-call-5min"))
    document = _json(runner, "compare", "support-call-5min", "--with", UK_LINE)
    with_line = _rows(document)
    for stack in ("budget-first", "gpt-audio-mini"):
        low, high = _span(without[stack]["per_call"])
        # cost with = cost without + 0.0500 (the UK line for a 5-minute call), at both ends.
        assert _span(with_line[stack]["per_call"]) == (low + UK_LINE_PER_CALL, high + UK_LINE_PER_CALL)
        month_low, month_high = _span(without[stack]["per_month"])
        assert _span(with_line[stack]["per_month"]) == (month_low + UK_LINE_PER_MONTH, month_high + UK_LINE_PER_MONTH)
        assert with_line[stack]["added"] == [
            {"role": "telephony", "sku": UK_LINE, "billed_per": "call", "legs": "1", "workload": None, "min_gpus": 1,
             "utilisation": "0.5", "gpu_hours_per_month": "730", "region": None, "scaling": "always-on",
             "scale_step_gpus": 1, "serving": "streaming", "latency_target_ms": None, "purchase": "on-demand",
             "purchase_discount": "0", "term_months": None, "interruption_overhead": "0",
             "operations_usd_per_month": "0"}
        ]
        assert with_line[stack]["replaced"] == []
        assert "telephony" in with_line[stack]["roles"]
    assert with_line["budget-first"]["roles"] == ["asr", "llm", "tts", "telephony"]
    assert with_line["gpt-audio-mini"]["roles"] == ["audio-llm", "telephony"]
    # budget-first-uk-phone already has the UK line: replaced by the same line, not doubled, so its cost is unchanged.
    phone = with_line["budget-first-uk-phone"]
    assert phone["per_call"] == without["budget-first-uk-phone"]["per_call"]
    assert phone["replaced"] == [{"role": "telephony", "sku": UK_LINE, "by": UK_LINE}]
    assert phone["added"] == []
    assert phone["roles"] == ["asr", "llm", "tts", "telephony"]
    # A phone line is needed once it is shared: every stack now has one, so the comparison is like for like.
    assert document["needs"] == ["telephony"]
    assert document["with"][0]["sku"] == UK_LINE
    assert document["like_for_like"] is True
    assert all(row["missing_roles"] == [] for row in document["rows"])


def test_the_library_takes_components_or_text(catalog: Catalog) -> None:
    from datetime import date

    on = date.fromisoformat(AS_OF)
    plain = compare(catalog, "support-call-5min", ["budget-first"], as_of=on)
    by_text = compare(catalog, "support-call-5min", ["budget-first"], as_of=on, with_components=[UK_LINE])
    component = costmodel.parse_with(UK_LINE, catalog)
    by_record = costmodel.compare(catalog, "support-call-5min", ["budget-first"], as_of=on, with_components=[component])
    assert plain.rows[0].per_call is not None and by_text.rows[0].per_call is not None
    assert by_text.rows[0].per_call.low == plain.rows[0].per_call.low + UK_LINE_PER_CALL
    assert by_record.rows[0].per_call == by_text.rows[0].per_call
    assert by_text.rows[0].composition.roles == ("asr", "llm", "tts", "telephony")


def test_legs_are_read_from_the_flag(catalog: Catalog) -> None:
    from datetime import date

    on = date.fromisoformat(AS_OF)
    one = estimate(catalog, "support-call-5min", "budget-first", as_of=on)
    two = estimate(catalog, "support-call-5min", "budget-first", as_of=on,
                   with_components=[parse_with("telephony=twilio/uk-inbound,legs=2", catalog)])
    # A forwarded call is two legs: 2 × 5 minutes × 0.0100 = 0.1000 USD a call.
    assert two.per_call.low == one.per_call.low + D("0.1000")
    line = next(line for line in two.lines if line.role == "telephony")
    assert line.quantity.low == 10  # minutes: 5 per leg × 2 legs


def _phone_scenario(bundled_copy: Path, extra: str) -> Path:
    source = (bundled_copy / "scenarios" / "support-call-5min.yaml").read_text(encoding="utf-8")
    path = bundled_copy / "scenarios" / "uk-phone-call.yaml"
    path.write_text(source + extra, encoding="utf-8")
    return path


def _data(bundled_copy: Path) -> list[str]:
    return ["--pricing", str(bundled_copy / "pricing"), "--scenarios", str(bundled_copy / "scenarios")]


def test_a_scenario_with_gives_the_same_figures_as_the_flag(runner: CliRunner, bundled_copy: Path) -> None:
    _phone_scenario(bundled_copy, "with:\n  - {role: telephony, sku: twilio/uk-inbound}\n")
    data = _data(bundled_copy)
    from_file = _json(runner, "compare", "uk-phone-call", *data)
    from_flag = _json(runner, "compare", "support-call-5min", "--with", UK_LINE, *data)
    for document in (from_file, from_flag):
        for name in ("scenario", "scenario_title", "inputs"):  # what was asked differs; the figures must not
            document.pop(name)
    assert from_file == from_flag
    # --with wins over the file's component of the same role: two legs instead of one (0.10 instead of 0.05).
    two_legs = _rows(_json(runner, "compare", "uk-phone-call", "--with", f"{UK_LINE},legs=2", *data))
    assert _span(two_legs["budget-first"]["per_call"])[0] == _span(_rows(from_flag)["budget-first"]["per_call"])[0] + D(
        "0.05")
    # breakdown, sweep, breakeven and sensitivity price the file's line too.
    bill = _json(runner, "breakdown", "uk-phone-call", "gpt-audio-mini", *data)
    assert [line["sku"] for line in bill["lines"] if line["role"] == "telephony"] == [UK_LINE]
    assert bill["added"][0]["sku"] == UK_LINE


def test_a_needed_role_missing_is_flagged_in_every_format(runner: CliRunner, bundled_copy: Path, tmp_path: Path) -> None:
    # A phone call that names telephony as needed but shares no line: only budget-first-uk-phone has one.
    _phone_scenario(bundled_copy, "needs: [telephony]\n")
    args = ["compare", "uk-phone-call", "--stacks", "budget-first,budget-first-uk-phone", "--as-of", AS_OF,
            *_data(bundled_copy)]
    text = runner.invoke(cli, args)
    assert text.exit_code == 0, text.output
    assert "Not like-for-like" in text.output and "budget-first lacks telephony" in text.output
    assert "missing roles" in text.output
    markdown = runner.invoke(cli, [*args, "--format", "markdown"])
    assert "Not like-for-like" in markdown.output and "| missing roles" in markdown.output
    csv = runner.invoke(cli, [*args, "--format", "csv"]).output.splitlines()
    missing = csv[0].split(",").index("missing_roles")
    secondary = csv[0].split(",").index("secondary_source")
    # Numeric CSV: plain ids, the secondary-source mark (†) as its own boolean column. budget-first's three prices
    # (whisper-1, gpt-4o-mini from 2024-10-01, tts-1) are read on OpenAI's own pages: false; the UK stack adds the
    # Twilio UK line, read from a secondary list: true.
    assert {line.split(",")[1]: (line.split(",")[missing], line.split(",")[secondary]) for line in csv[1:]} == {
        "budget-first": ("telephony", "false"), "budget-first-uk-phone": ("", "true")}
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    assert document["like_for_like"] is False
    assert {row["stack"]: row["missing_roles"] for row in document["rows"]} == {
        "budget-first": ["telephony"], "budget-first-uk-phone": []}
    report = tmp_path / "report.md"
    written = runner.invoke(cli, ["report", *args[1:], "-o", str(report)])
    assert written.exit_code == 0, written.output
    body = report.read_text(encoding="utf-8")
    assert "Not like-for-like" in body and "missing roles" in body


def test_spoken_output_is_needed_when_the_agent_speaks(runner: CliRunner, catalog: Catalog) -> None:
    # support-call-10-turns: 12 s of spoken reply a turn. privacy-first (self-hosted ASR + LLM) has no TTS.
    args = ["compare", "support-call-10-turns", "--stacks", "privacy-first,budget-first,gpt-audio-mini"]
    document = _json(runner, *args)
    assert document["needs"] == ["tts"]
    assert {row["stack"]: row["missing_roles"] for row in document["rows"]} == {
        "privacy-first": ["tts"], "budget-first": [], "gpt-audio-mini": []}
    # The 5-minute call has no spoken reply: no TTS needed, nothing flagged (and --set turns it on).
    quiet = _json(runner, "compare", "support-call-5min", "--stacks", "privacy-first")
    assert quiet["needs"] == [] and quiet["rows"][0]["missing_roles"] == []
    spoken = _json(runner, "compare", "support-call-5min", "--stacks", "privacy-first", "--set", "agent_audio_seconds=60")
    assert spoken["rows"][0]["missing_roles"] == ["tts"]
    assert speaks(catalog.sku("openai/gpt-audio-mini"))


def test_sweep_breakeven_and_breakdown_show_the_line(runner: CliRunner) -> None:
    base = _json(runner, "sweep", "support-call-5min", "--vary", "calls_per_month=10000:20000:10000",
                 "--stacks", "budget-first")
    swept = _json(runner, "sweep", "support-call-5min", "--vary", "calls_per_month=10000:20000:10000",
                  "--stacks", "budget-first", "--with", UK_LINE)
    # float64 sums: the phone line adds 0.05 at every volume (it is per call, not per month).
    for before, after in zip(base["stacks"]["budget-first"]["per_call_low"], swept["stacks"]["budget-first"]["per_call_low"],
                             strict=True):
        assert float(after) == pytest.approx(float(before) + 0.05, rel=1e-12)
    assert swept["stacks"]["budget-first"]["added"][0]["sku"] == UK_LINE
    assert swept["with"][0]["sku"] == UK_LINE
    even = _json(runner, "breakeven", "support-call-10-turns", "privacy-first", "budget-first", "--over", "calls_per_month")
    assert even["stacks"]["privacy-first"]["missing_roles"] == ["tts"]
    csv = runner.invoke(cli, ["breakeven", "support-call-10-turns", "privacy-first", "budget-first", "--over",
                              "calls_per_month", "--as-of", AS_OF, "--format", "csv"])
    header, *rows = csv.output.splitlines()
    # The missing role is a column of every crossing's row (one header row; CSV has no line under a title).
    missing = header.split(",").index("missing_roles_a")
    assert rows and all(row.split(",")[missing] == "tts" for row in rows)
    text = runner.invoke(cli, ["breakdown", "support-call-5min", "budget-first-uk-phone", "--with", UK_LINE,
                               "--as-of", AS_OF])
    assert "With on every stack: telephony twilio/uk-inbound (replacing budget-first-uk-phone's own twilio/uk-inbound)." \
        in text.output


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("twilio/uk-inbund", "--with: unknown SKU 'twilio/uk-inbund'; did you mean twilio/uk-inbound"),
        ("tts=twilio/uk-inbound", "role tts needs a SKU of kind tts, but twilio/uk-inbound is telephony"),
        ("aws/g5.xlarge", "used by roles self-hosted-asr, self-hosted-llm and self-hosted-tts; name one as ROLE=SKU"),
        ("phone=twilio/uk-inbound", "--with: unknown role 'phone'"),
        (f"{UK_LINE},legs=0", "legs: must be greater than 0"),
        (f"{UK_LINE},legs", "expected [ROLE=]SKU[,FIELD=VALUE...]"),
        (f"{UK_LINE},colour=red", "colour: Extra inputs are not permitted"),
    ],
)
def test_bad_with_values_exit_2_with_one_line(runner: CliRunner, value: str, message: str) -> None:
    result = runner.invoke(cli, ["compare", "support-call-5min", "--with", value])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_the_same_role_twice_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["compare", "support-call-5min", "--with", UK_LINE, "--with", "twilio/us-outbound"])
    assert result.exit_code == 2
    assert "--with: role telephony is given twice" in result.output


def test_a_scenario_with_an_unknown_sku_fails_at_its_line(runner: CliRunner, bundled_copy: Path) -> None:
    path = _phone_scenario(bundled_copy, "with:\n  - {role: telephony, sku: twilio/uk-inbund}\n")
    result = runner.invoke(cli, ["compare", "uk-phone-call", *_data(bundled_copy)])
    assert result.exit_code == 2
    line = len(path.read_text(encoding="utf-8").splitlines())  # the entry is the file's last line
    assert f"uk-phone-call.yaml:{line}: with[0].sku: unknown SKU 'twilio/uk-inbund'" in result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("needs: [phone]\n", "unknown role 'phone'"),
        ("with:\n  - {role: telephony, sku: twilio/uk-inbound}\n  - {role: telephony, sku: twilio/us-outbound}\n",
         "role telephony appears twice"),
    ],
)
def test_bad_needs_and_with_in_a_scenario(runner: CliRunner, bundled_copy: Path, extra: str, message: str) -> None:
    _phone_scenario(bundled_copy, extra)
    result = runner.invoke(cli, ["compare", "uk-phone-call", *_data(bundled_copy)])
    assert result.exit_code == 2
    assert message in result.output


def test_what_ifs_keep_a_scenarios_with(bundled_copy: Path) -> None:
    _phone_scenario(bundled_copy, "with:\n  - {role: telephony, sku: twilio/uk-inbound, legs: 2}\n")
    library = load_catalog(bundled_copy / "pricing", bundled_copy / "scenarios")
    scenario = library.scenario("uk-phone-call")
    from costmodel.core.overrides import apply_settings

    changed = apply_settings(scenario, {"turns": D(2)})
    assert changed.with_ == scenario.with_ and changed.with_[0].legs == 2
    assert shared_for(changed).needs == ("telephony",)


def test_unknown_text_without_a_library_is_an_input_error(catalog: Catalog) -> None:
    with pytest.raises(InputError, match="needs the library"):
        shared_for(catalog.scenario("support-call-5min"), [UK_LINE])
    with pytest.raises(UnknownIdError):
        parse_with("nope/none", catalog)



def test_a_shared_tts_is_not_added_beside_an_audio_model_that_speaks(runner: CliRunner) -> None:
    args = ["compare", "support-call-10-turns", "--stacks", "privacy-first,budget-first,gpt-audio-mini"]
    without = _rows(_json(runner, *args))
    document = _json(runner, *args, "--with", "tts=openai/tts-1")
    rows = _rows(document)
    # gpt-audio-mini speaks itself: no TTS added, its figure unchanged, the role noted as covered.
    assert rows["gpt-audio-mini"]["per_call"] == without["gpt-audio-mini"]["per_call"]
    assert rows["gpt-audio-mini"]["added"] == [] and rows["gpt-audio-mini"]["covered"] == ["tts"]
    # budget-first's own TTS is tts-1 already: replaced by the same SKU, same figure.
    assert rows["budget-first"]["per_call"] == without["budget-first"]["per_call"]
    assert rows["budget-first"]["replaced"] == [{"role": "tts", "sku": "openai/tts-1", "by": "openai/tts-1"}]
    # privacy-first gets the TTS and is no longer flagged. 12 s of reply a turn × 10 turns = 120 s;
    # 120 s ÷ 60 × 150 words a minute = 300 words × 6 characters = 1,800 characters × 15 USD per 1M = 0.027 USD.
    low, high = _span(without["privacy-first"]["per_call"])
    assert _span(rows["privacy-first"]["per_call"]) == (low + D("0.027"), high + D("0.027"))
    assert rows["privacy-first"]["missing_roles"] == []
    assert document["like_for_like"] is True


def test_the_report_says_what_was_shared_and_can_be_reproduced(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "phone.md"
    result = runner.invoke(cli, ["report", "support-call-5min", "--stacks", "budget-first,budget-first-uk-phone",
                                 "--with", f"{UK_LINE},legs=2", "--as-of", AS_OF, "-o", str(out)])
    assert result.exit_code == 0, result.output
    body = out.read_text(encoding="utf-8")
    assert ("With on every stack: telephony twilio/uk-inbound (legs=2) (added to budget-first; replacing "
            "budget-first-uk-phone's own twilio/uk-inbound).") in body
    # The reproduce line and the fingerprinted settings carry the flag, so the same command gives the same report.
    assert "--with telephony=twilio/uk-inbound,legs=2" in body
    assert '"with": ["telephony=twilio/uk-inbound,legs=2"]' in body


def test_validate_checks_a_scenarios_with_against_the_pricing(runner: CliRunner, bundled_copy: Path) -> None:
    good = _phone_scenario(bundled_copy, "with:\n  - {role: telephony, sku: twilio/uk-inbound}\n")
    result = runner.invoke(cli, ["validate", str(good), "--pricing", str(bundled_copy / "pricing")])
    assert result.exit_code == 0, result.output
    bad = bundled_copy / "bad-phone-call.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("twilio/uk-inbound", "twilio/uk-inbund"), encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(bad), "--pricing", str(bundled_copy / "pricing")])
    assert result.exit_code == 2
    line = len(bad.read_text(encoding="utf-8").splitlines())
    assert f"bad-phone-call.yaml:{line}: with[0].sku: unknown SKU 'twilio/uk-inbund'" in result.output


def test_sensitivity_moves_the_shared_line_and_breakdown_flags_a_missing_role(runner: CliRunner) -> None:
    document = _json(runner, "sensitivity", "support-call-5min", "budget-first", "--with", UK_LINE)
    row = next(r for r in document["rows"] if r["input"] == "twilio/uk-inbound.usd_per_telephony_minute")
    # The line costs 0.05 a call; ±20% of its rate moves the call by 0.2 × 0.05 = 0.01 either way.
    assert D(row["swing"]) == D("0.01")
    assert document["added"][0]["sku"] == UK_LINE
    text = runner.invoke(cli, ["breakdown", "support-call-10-turns", "privacy-first", "--as-of", AS_OF])
    assert "Not the whole product: the scenario needs tts" in text.output and "privacy-first lacks tts" in text.output
    csv = runner.invoke(cli, ["breakdown", "support-call-10-turns", "privacy-first", "--as-of", AS_OF, "--format", "csv"])
    import csv as csv_module  # sources hold quoted commas: read the cells as CSV

    header, *lines = list(csv_module.reader(csv.output.splitlines()))
    assert lines and all(line[header.index("missing_roles")] == "tts" for line in lines)


def test_a_self_hosted_component_needs_a_workload_with_the_right_throughput(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["compare", "support-call-5min", "--with", "self-hosted-asr=aws/g5.xlarge,workload=llama-3.1-8b"])
    assert result.exit_code == 2
    assert "self-hosted-asr needs real_time_factor in aws/g5.xlarge's llama-3.1-8b throughput" in result.output
    missing = runner.invoke(cli, ["compare", "support-call-5min", "--with", "self-hosted-asr=aws/g5.xlarge"])
    assert missing.exit_code == 2 and "role self-hosted-asr needs workload" in missing.output
