"""Anywhere a scenario or stack id is accepted, the path of a YAML file works too, validated like the folders."""

from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from costmodel.analyses.compare import compare
from costmodel.cli import cli
from costmodel.errors import InputError, UnknownIdError
from tests.whatif_catalog import round_catalog, write_round_data

CALL = """
schema_version: 1
title: Two-minute dictation
calls_per_month: 500
caller_audio_seconds: 120
agent_audio_seconds: 0
agent_text_tokens: 0
peak_concurrent_calls: 1
"""
STACK = """
schema_version: 1
title: API transcriber, my copy
architecture: cascade
components:
  - {role: asr, sku: acme/asr}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    pricing, scenarios = write_round_data(tmp_path / "data")
    result = CliRunner().invoke(cli, [*args, "--as-of", "2026-11-01", "--pricing", str(pricing),
                                      "--scenarios", str(scenarios)])
    return result.exit_code, result.output


def test_compare_takes_a_scenario_file_and_a_stack_file(tmp_path: Path) -> None:
    call, stack = _write(tmp_path, "call.yaml", CALL), _write(tmp_path, "mine.yml", STACK)
    code, out = _run(tmp_path, "compare", str(call), "--stacks", f"api,{stack}", "--format", "csv")
    assert code == 0, out
    rows = {row["stack"]: row for row in csv.DictReader(io.StringIO(out))}
    # 120 s = 2 minutes × $0.60 = $1.20 a call on either stack (the same SKU); × 500 calls = $600 a month.
    assert set(rows) == {"api", str(stack)}
    assert rows[str(stack)]["per_call_usd_low"] == "1.2" and rows[str(stack)]["per_month_usd_high"] == "600"
    assert rows["api"]["per_call_usd_high"] == "1.2"


@pytest.mark.parametrize("command", [
    ["breakdown", "{call}", "{stack}"],
    ["sensitivity", "{call}", "{stack}"],
    ["capacity", "{call}", "hosted"],
    ["sweep", "{call}", "--vary", "calls_per_month=100:1000", "--stacks", "{stack},hosted"],
    ["breakeven", "{call}", "{stack}", "hosted", "--over", "calls_per_month"],
])
def test_every_costing_command_takes_paths(tmp_path: Path, command: list[str]) -> None:
    call, stack = _write(tmp_path, "call.yaml", CALL), _write(tmp_path, "mine.yaml", STACK)
    code, out = _run(tmp_path, *(part.format(call=call, stack=stack) for part in command))
    assert code == 0, out
    assert out.startswith(f"{call}")  # the title names the scenario by the path given


def test_breakeven_on_a_stack_file_is_worked_by_hand(tmp_path: Path) -> None:
    call, stack = _write(tmp_path, "call.yaml", CALL), _write(tmp_path, "mine.yaml", STACK)
    code, out = _run(tmp_path, "breakeven", str(call), str(stack), "hosted", "--over", "calls_per_month")
    assert code == 0, out
    # Mine costs $1.20 a call; hosted costs its $1,000 floor / n a call: equal at n = 1000 / 1.2 = 833.333.
    assert f"Answer: {stack} is cheaper below calls_per_month = 833.333, hosted above it." in out


def test_a_bad_file_gets_its_path_and_line(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.yaml", STACK.replace("acme/asr", "acme/asx"))
    code, out = _run(tmp_path, "breakdown", "minute-call", str(bad))
    assert code == 2
    # The component is on line 5 of the file (schema_version, title, architecture, components:, then it).
    assert out.strip() == f"{bad}:5: components[0].sku: unknown SKU 'acme/asx'; did you mean acme/asr or acme/gpu?"
    broken = _write(tmp_path, "broken.yaml", "title: x\n")
    code, out = _run(tmp_path, "compare", str(broken))
    assert code == 2 and out.startswith(f"{broken}:1: schema_version: required field is missing")


def test_a_missing_yaml_path_is_not_an_unknown_id(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "breakdown", "minute-call", str(tmp_path / "nope.yaml"))
    assert code == 2 and out.strip() == f"{tmp_path / 'nope.yaml'}: no such stack file"
    code, out = _run(tmp_path, "breakdown", "minute-cal", "api")
    assert code == 2 and "unknown scenario 'minute-cal'" in out


def test_the_library_takes_paths_and_a_failed_file_is_not_kept(tmp_path: Path) -> None:
    catalog = round_catalog(tmp_path / "data")
    call = _write(tmp_path, "call.yaml", CALL)
    result = compare(catalog, str(call), ["api"])
    assert result.scenario == str(call) and result.scenario_title == "Two-minute dictation"
    assert call in catalog.files  # an input: never overwritten by -o
    bad = _write(tmp_path, "bad.yaml", STACK.replace("acme/asr", "acme/asx"))
    with pytest.raises(UnknownIdError):
        catalog.stack(str(bad))
    assert str(bad) not in catalog.stacks
    with pytest.raises(InputError, match="no such scenario file"):
        catalog.scenario(str(tmp_path / "none.yml"))
