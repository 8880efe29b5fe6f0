"""End-to-end adversarial inputs: every bad file or flag value through the CLI gives exit status 2, exactly one line
on stderr naming path:line (or the flag) and what is wrong, no traceback, and no output file.

Each test breaks one thing in a tiny library written here (one SKU, one stack, one scenario), so the line
numbers in the expectations can be counted by eye in SHEET, STACK and SCENARIO below.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from costmodel.cli import cli

SHEET = """\
schema_version: 1
provider: acme
name: Acme AI
skus:
  - id: acme/chat
    kind: llm
    name: Acme Chat
    periods:
      - effective_from: 2025-01-01
        currency: USD
        source: https://example.com/prices
        checked: 2025-06-01
        usd_per_million_input_tokens: 1.00
        usd_per_million_output_tokens: 4.00
        effective_from_basis: sourced
"""
# line:  1 schema_version, 4 skus, 5 id, 6 kind, 8 periods, 9 effective_from, 10 currency, 11 source,
#       12 checked, 13 input price, 14 output price, 15 effective_from_basis (last, so the lines above keep
#       their numbers)

STACK = """\
schema_version: 1
title: Acme chat only
architecture: cascade
components:
  - role: llm
    sku: acme/chat
"""
# line: 5 role, 6 sku

SCENARIO = """\
schema_version: 1
title: One-minute call
calls_per_month: 1000
caller_audio_seconds: 60
agent_text_tokens: 100
"""
# line: 3 calls_per_month, 4 caller_audio_seconds, 5 agent_text_tokens


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def library(tmp_path: Path, sheet: str | bytes = SHEET, stack: str = STACK, scenario: str = SCENARIO) -> Path:
    """tmp_path/lib with pricing/acme.yaml, pricing/stacks/chat.yaml and scenarios/call.yaml."""
    root = tmp_path / "lib"
    (root / "pricing" / "stacks").mkdir(parents=True)
    (root / "scenarios").mkdir()
    sheet_path = root / "pricing" / "acme.yaml"
    if isinstance(sheet, bytes):
        sheet_path.write_bytes(sheet)
    else:
        sheet_path.write_text(sheet, encoding="utf-8")
    (root / "pricing" / "stacks" / "chat.yaml").write_text(stack, encoding="utf-8")
    (root / "scenarios" / "call.yaml").write_text(scenario, encoding="utf-8")
    return root


def fails(args: list[str], output: Path | None = None) -> str:
    """Run the CLI expecting bad input: exit 2, nothing on stdout, one stderr line, no traceback, no output file."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    if output is not None:
        assert not output.exists()
        assert [p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}")] == []
    return lines[0]


def file_error(root: Path) -> str:
    """The one-line error of a broken library, which `compare -o` and `validate` must report identically."""
    out = root / "out.json"
    pricing, scenarios = str(root / "pricing"), str(root / "scenarios")
    line = fails(["compare", "call", "--pricing", pricing, "--scenarios", scenarios, "-o", str(out)], out)
    assert fails(["validate", pricing, scenarios]) == line
    return line


def sheet_error(tmp_path: Path, sheet: str | bytes) -> tuple[str, str]:
    root = library(tmp_path, sheet=sheet)
    return file_error(root), str(root / "pricing" / "acme.yaml")


def flag_error(tmp_path: Path, *flags: str, command: tuple[str, ...] = ("compare", "call")) -> str:
    root = library(tmp_path)
    out = tmp_path / "out.json"
    args = [*command, *flags, "--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios"), "-o", str(out)]
    return fails(args, out)


def test_the_unbroken_library_prices_by_hand(tmp_path: Path) -> None:
    # The control: caller speech 60 s x 150 words/min / 60 x 1.3 tokens/word = 195 input tokens x $1/1M = 0.000195;
    # 100 output tokens x $4/1M = 0.0004; per call 0.000595; x 1000 calls = 0.595 a month.
    root = library(tmp_path)
    out = tmp_path / "out.json"
    args = ["compare", "call", "--format", "json", "--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios")]
    result = CliRunner().invoke(cli, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote {out}\n"
    text = out.read_text(encoding="utf-8")
    assert '"per_call": {\n        "low": "0.000595",\n        "high": "0.000595"\n      }' in text
    assert '"per_month": {\n        "low": "0.595",\n        "high": "0.595"\n      }' in text
    assert CliRunner().invoke(cli, args).stdout == text


# ---------------------------------------------------------------------------------------------- malformed files


def test_malformed_yaml_unclosed_bracket(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "    kind: llm\n", "    kind: [llm\n"))
    assert line.startswith(f"{path}:7: ")  # libyaml notices on the next line that the list never closed


def test_malformed_yaml_bad_indentation(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "    name: Acme Chat\n", "     name: Acme Chat\n"))
    assert line.startswith(f"{path}:7: ")
    assert "mapping values are not allowed" in line


def test_wrong_type_text_for_a_price(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "input_tokens: 1.00", "input_tokens: cheap"))
    assert line.startswith(f"{path}:13: skus[0].periods[0].usd_per_million_input_tokens: ")
    assert "must be a number" in line and "'cheap'" in line


def test_wrong_type_list_for_a_quantity(tmp_path: Path) -> None:
    root = library(tmp_path, scenario=edit(SCENARIO, "calls_per_month: 1000", "calls_per_month: [1000]"))
    line = file_error(root)
    assert line.startswith(f"{root / 'scenarios' / 'call.yaml'}:3: calls_per_month: ")
    assert "must be a number" in line


def test_wrong_type_text_for_a_date(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "checked: 2025-06-01", "checked: last week"))
    assert line.startswith(f"{path}:12: skus[0].periods[0].checked: ")
    assert "date" in line


def test_missing_required_field_in_a_period(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "        source: https://example.com/prices\n", ""))
    # The period with no `source` starts on line 9 (its `- effective_from`).
    assert line == f"{path}:9: skus[0].periods[0].source: required field is missing; add it"


def test_missing_required_field_in_a_scenario(tmp_path: Path) -> None:
    root = library(tmp_path, scenario=edit(SCENARIO, "calls_per_month: 1000\n", ""))
    line = file_error(root)
    assert line == f"{root / 'scenarios' / 'call.yaml'}:1: calls_per_month: required field is missing; add it"


def test_unknown_field_misspelt(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "usd_per_million_output_tokens", "usd_per_milion_output_tokens"))
    assert line.startswith(f"{path}:14: skus[0].periods[0].usd_per_milion_output_tokens: unknown field")
    assert "did you mean usd_per_million_output_tokens" in line


def test_unknown_unit_of_price(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "usd_per_million_output_tokens", "usd_per_million_words"))
    assert line.startswith(f"{path}:14: skus[0].periods[0].usd_per_million_words: unknown field 'usd_per_million_words'")


def test_unknown_unit_of_billing(tmp_path: Path) -> None:
    root = library(tmp_path, stack=STACK + "    billed_per: minute\n")
    line = file_error(root)
    assert line.startswith(f"{root / 'pricing' / 'stacks' / 'chat.yaml'}:7: components[0].billed_per: ")
    assert "'call' or 'turn'" in line and "'minute'" in line


def test_unknown_kind(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "kind: llm", "kind: video"))
    assert line.startswith(f"{path}:6: skus[0].kind: ")
    assert "'video'" in line and "'llm'" in line


def test_unknown_currency_in_a_sheet(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "currency: USD", "currency: EUR"))
    assert line.startswith(f"{path}:10: skus[0].periods[0].currency: ")
    assert "'USD'" in line and "'EUR'" in line


# --------------------------------------------------------------------------------------------- bad numbers


def test_negative_price(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "input_tokens: 1.00", "input_tokens: -1.00"))
    assert line.startswith(f"{path}:13: skus[0].periods[0].usd_per_million_input_tokens: ")
    assert "greater than or equal to 0" in line


def test_zero_billing_increment(tmp_path: Path) -> None:
    sheet = edit(SHEET, "        usd_per_million_input", "        billing_increment_seconds: 0\n        usd_per_million_input")
    line, path = sheet_error(tmp_path, sheet)
    assert line.startswith(f"{path}:13: skus[0].periods[0].billing_increment_seconds: ")
    assert "greater than 0" in line


def test_zero_calls_per_month(tmp_path: Path) -> None:
    root = library(tmp_path, scenario=edit(SCENARIO, "calls_per_month: 1000", "calls_per_month: 0"))
    line = file_error(root)
    assert line.startswith(f"{root / 'scenarios' / 'call.yaml'}:3: calls_per_month: must be above 0")


def test_nan_price(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "input_tokens: 1.00", "input_tokens: .nan"))
    assert line.startswith(f"{path}:13: skus[0].periods[0].usd_per_million_input_tokens: ")
    assert "finite" in line


def test_infinite_price(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "output_tokens: 4.00", "output_tokens: .inf"))
    assert line.startswith(f"{path}:14: skus[0].periods[0].usd_per_million_output_tokens: ")
    assert "finite" in line


def test_infinite_range_end(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, edit(SHEET, "output_tokens: 4.00", "output_tokens: {low: 4, high: .inf}"))
    assert line.startswith(f"{path}:14: skus[0].periods[0].usd_per_million_output_tokens")
    assert "finite" in line


def test_absurd_price_per_token_above_one_dollar(tmp_path: Path) -> None:
    # $1 per token is 1,000,000 per 1M tokens: the limit. One cent more is refused, the limit itself is not.
    line, path = sheet_error(tmp_path, edit(SHEET, "input_tokens: 1.00", "input_tokens: 1000000.01"))
    assert line.startswith(f"{path}:9: skus[0].periods[0]: usd_per_million_input_tokens = 1000000.01 is above the sanity limit")
    at_limit = library(tmp_path / "ok", sheet=edit(SHEET, "input_tokens: 1.00", "input_tokens: 1000000"))
    assert CliRunner().invoke(cli, ["validate", str(at_limit / "pricing")]).exit_code == 0


def test_absurd_gpu_price_above_1000_an_hour(tmp_path: Path) -> None:
    sheet = edit(SHEET, "kind: llm", "kind: gpu")
    sheet = edit(sheet, "        usd_per_million_input_tokens: 1.00\n        usd_per_million_output_tokens: 4.00\n",
                 "        usd_per_gpu_hour: 1000.01\n")
    line, path = sheet_error(tmp_path, sheet)
    assert line.startswith(f"{path}:9: skus[0].periods[0]: usd_per_gpu_hour = 1000.01 is above the sanity limit 1000")


def test_absurd_price_per_minute_above_100(tmp_path: Path) -> None:
    sheet = edit(SHEET, "        usd_per_million_output_tokens: 4.00\n", "        usd_per_audio_minute: 150\n")
    line, path = sheet_error(tmp_path, sheet)
    assert line.startswith(f"{path}:9: skus[0].periods[0]: usd_per_audio_minute = 150 is above the sanity limit 100")


# ----------------------------------------------------------------------------------------------- histories


SECOND_PERIOD = """\
      - effective_from: {date}
        currency: USD
        source: https://example.com/prices-v2
        checked: 2025-06-01
        usd_per_million_input_tokens: 0.50
        usd_per_million_output_tokens: 2.00
"""


def test_periods_out_of_order(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, SHEET + SECOND_PERIOD.format(date="2024-07-01"))
    assert line.startswith(f"{path}:5: skus[0]: ")
    assert "out of order" in line and "2024-07-01" in line


def test_periods_duplicated(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, SHEET + SECOND_PERIOD.format(date="2025-01-01"))
    assert line.startswith(f"{path}:5: skus[0]: ")
    assert "two periods start on 2025-01-01" in line


def test_stack_names_unknown_sku(tmp_path: Path) -> None:
    root = library(tmp_path, stack=edit(STACK, "sku: acme/chat", "sku: acme/chta"))
    line = file_error(root)
    assert line.startswith(f"{root / 'pricing' / 'stacks' / 'chat.yaml'}:6: components[0].sku: unknown SKU 'acme/chta'")
    assert "did you mean acme/chat" in line


def test_duplicate_mapping_keys(tmp_path: Path) -> None:
    sheet = edit(SHEET, "        usd_per_million_output_tokens: 4.00\n", "        usd_per_million_input_tokens: 2.00\n")
    line, path = sheet_error(tmp_path, sheet)
    assert line.startswith(f"{path}:14: duplicate key 'usd_per_million_input_tokens' (first at line 13)")


def test_duplicate_top_level_keys_in_a_scenario(tmp_path: Path) -> None:
    root = library(tmp_path, scenario=SCENARIO + "calls_per_month: 5000\n")
    line = file_error(root)
    assert line.startswith(f"{root / 'scenarios' / 'call.yaml'}:6: duplicate key 'calls_per_month' (first at line 3)")


# --------------------------------------------------------------------------------------------- hostile YAML


def test_tag_that_constructs_an_object_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    sheet = edit(SHEET, "name: Acme Chat", f'name: !!python/object/apply:os.system ["touch {marker}"]')
    line, path = sheet_error(tmp_path, sheet)
    assert line.startswith(f"{path}:7: tag !!python/object/apply:os.system is not allowed")
    assert not marker.exists()


def test_tag_that_builds_a_python_object_by_name(tmp_path: Path) -> None:
    sheet = edit(SHEET, "name: Acme Chat", "name: !!python/name:os.system")
    line, path = sheet_error(tmp_path, sheet)
    assert line.startswith(f"{path}:7: tag !!python/name:os.system is not allowed")


def billion_laughs() -> str:
    rows = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(rows) + "\n"


def test_alias_expansion_bomb(tmp_path: Path) -> None:
    # 9 levels of 9 aliases: 9**10 = 3.5 billion strings if expanded; refused before anything is built.
    scenario = SCENARIO + "description:\n" + "".join(f"  {row}\n" for row in billion_laughs().splitlines())
    root = library(tmp_path, scenario=scenario)
    line = file_error(root)
    assert line.startswith(f"{root / 'scenarios' / 'call.yaml'}:1: aliases expand to over 200,000 values")


def test_merge_key_expansion_bomb(tmp_path: Path) -> None:
    # `<<` merges copy keys eagerly, so 12 levels of 9 merged aliases would build 9**11 entries before any
    # check after construction ran (this hung and ate memory before the check moved ahead of construction).
    rows = ["  m0: &m0 {x: 1}"] + [f"  m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 9)}]}}" for i in range(1, 12)]
    root = library(tmp_path, scenario=SCENARIO + "description:\n" + "\n".join(rows) + "\n")
    line = file_error(root)
    assert line.startswith(f"{root / 'scenarios' / 'call.yaml'}:1: aliases expand to over 200,000 values")


def test_recursive_alias(tmp_path: Path) -> None:
    root = library(tmp_path, scenario=SCENARIO + "description: &loop [*loop]\n")
    line = file_error(root)
    assert line.startswith(f"{root / 'scenarios' / 'call.yaml'}:6: recursive alias")


def test_deep_nesting_does_not_crash_the_process(tmp_path: Path) -> None:
    # libyaml's C composer recurses once per level: 200,000 '[' crashed the interpreter (SIGSEGV) before the
    # nesting check. Run in a child process so a regression fails this test instead of killing the test run.
    path = tmp_path / "deep.yaml"
    path.write_text("title: " + "[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "costmodel", "validate", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert done.stderr == f"{path}:1: nesting is over 64 levels deep; flatten the structure\n"


def test_deep_and_wide_flow_is_refused_without_scanning_for_minutes(tmp_path: Path) -> None:
    # libyaml's scanner walks every open flow level on each token: 999 '[' around 3 million values took 38 s
    # (PyYAML 6.0.3 and 6.0.4 alike) when the value count ran before the nesting check. The nesting check now
    # runs first and stops at 65 levels; 64 levels (the top mapping and 63 lists) around the same values are
    # refused by the value count.
    for depth, message in ((999, "nesting is over 64 levels deep; flatten the structure"),
                           (63, "file holds over 300,000 values; split it (one price sheet per provider)")):
        path = tmp_path / f"deep-{depth}.yaml"
        path.write_text("title: " + "[" * depth + "0," * 3_000_000 + "0" + "]" * depth + "\n", encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "costmodel", "validate", str(path)], capture_output=True, text=True, timeout=120
        )
        assert (done.returncode, done.stdout, done.stderr) == (2, "", f"{path}:1: {message}\n")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    sheet = SHEET.encode("utf-8").replace(b"Acme Chat", b"Acme \xff Chat")
    line, path = sheet_error(tmp_path, sheet)
    assert line == f"{path}:7: byte 0xff is not UTF-8; save the file as UTF-8"


def test_utf16_file(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, SHEET.encode("utf-16"))
    assert line == f"{path}:1: file is UTF-16; save it as UTF-8"


def test_empty_file(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, "")
    assert line == f"{path}:1: file is empty"


def test_file_of_only_comments_and_blank_lines(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, "# prices to follow\n\n   \n# TODO\n")
    assert line == f"{path}:1: file is empty"


def test_file_of_only_a_document_marker(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, "---\n")
    assert line.startswith(f"{path}:1: ")
    assert "empty" in line or "nothing" in line


def test_top_level_list_instead_of_mapping(tmp_path: Path) -> None:
    line, path = sheet_error(tmp_path, "- acme/chat\n- acme/voice\n")
    assert line.startswith(f"{path}:1: expected a mapping of fields")


def test_directory_where_a_price_sheet_is_expected(tmp_path: Path) -> None:
    root = library(tmp_path)
    (root / "pricing" / "zeta.yaml").mkdir()
    out = root / "out.json"
    pricing, scenarios = str(root / "pricing"), str(root / "scenarios")
    line = fails(["compare", "call", "--pricing", pricing, "--scenarios", scenarios, "-o", str(out)], out)
    assert line == f"{root / 'pricing' / 'zeta.yaml'}: is a directory, expected a YAML file"
    assert fails(["validate", "--pricing", pricing, "--scenarios", scenarios]) == line


def test_dangling_link_where_a_price_sheet_is_expected(tmp_path: Path) -> None:
    root = library(tmp_path)
    (root / "pricing" / "zeta.yaml").symlink_to(tmp_path / "moved-away.yaml")
    line = fails(
        ["compare", "call", "--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios")]
    )
    assert line == f"{root / 'pricing' / 'zeta.yaml'}: no such file"


def test_directory_given_as_output_file(tmp_path: Path) -> None:
    root = library(tmp_path)
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    line = fails(["compare", "call", "--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios"),
                  "-o", str(out_dir)])
    assert line.startswith("Error: costmodel compare: Invalid value for '-o' / '--output'")
    assert "is a directory" in line
    assert list(out_dir.iterdir()) == []


def test_file_given_as_pricing_folder(tmp_path: Path) -> None:
    root = library(tmp_path)
    line = fails(["compare", "call", "--pricing", str(root / "pricing" / "acme.yaml")])
    assert "--pricing" in line and "is a file" in line


def test_file_of_tens_of_megabytes(tmp_path: Path) -> None:
    padding = "# " + "x" * 97 + "\n"
    sheet = SHEET + padding * (30 * 1024 * 1024 // len(padding))  # about 30 MiB, valid YAML throughout
    line, path = sheet_error(tmp_path, sheet)
    size = len(sheet.encode("utf-8"))
    assert line == f"{path}: file is {size:,} bytes, over the 8,388,608-byte limit; split it"


def test_a_hundred_million_turns_prices_in_bounded_time_and_memory(tmp_path: Path) -> None:
    # turns=100000000 used to build a per-turn table of 10**8 rows (minutes, gigabytes). The totals are closed-form:
    # input = 195 new caller tokens + (195 caller + 100 agent) x (n - 1) / 2 re-sent history
    #       = 195 + 295 x 49,999,999.5 = 14,750,000,047.5 tokens x $1/1M = 14750.0000475
    # output = 100 tokens x $4/1M = 0.0004; per call 14750.0004475.
    root = library(tmp_path)
    args = ["breakdown", "call", "chat", "--set", "turns=100000000", "--format", "json",
            "--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert '"per_call": {\n    "low": "14750.0004475",\n    "high": "14750.0004475"\n  }' in result.stdout
    assert '"turns": []' in result.stdout


def test_number_too_large_for_exact_arithmetic_in_a_file(tmp_path: Path) -> None:
    # 1.0e+999999 is a valid YAML float; exact arithmetic on it overflowed (exit 1, "internal error").
    root = library(tmp_path, scenario=edit(SCENARIO, "calls_per_month: 1000", "calls_per_month: 1.0e+999999"))
    line = file_error(root)
    assert line.startswith(f"{root / 'scenarios' / 'call.yaml'}:3: 1.0e+999999 is out of range")


def test_number_too_small_for_exact_arithmetic_in_a_file(tmp_path: Path) -> None:
    # Dividing by 1.0e-999999 hours overflowed too.
    root = library(tmp_path, scenario=SCENARIO + "operating_hours_per_month: 1.0e-999999\n")
    line = file_error(root)
    assert line.startswith(f"{root / 'scenarios' / 'call.yaml'}:6: 1.0e-999999 is out of range")


def test_integer_too_large_in_a_file(tmp_path: Path) -> None:
    root = library(tmp_path, scenario=edit(SCENARIO, "calls_per_month: 1000", "calls_per_month: 1" + "0" * 40))
    line = file_error(root)
    assert line.startswith(f"{root / 'scenarios' / 'call.yaml'}:3: 1{'0' * 40} is out of range")


# ------------------------------------------------------------------------------------------------ bad flags


def test_set_without_equals(tmp_path: Path) -> None:
    assert flag_error(tmp_path, "--set", "turns") == "Error: --set turns: expected FIELD=VALUE, e.g. turns=12"


def test_set_unknown_field(tmp_path: Path) -> None:
    # The issue asks for the field named, a suggestion, and the list of valid fields.
    from costmodel.data.models import SCENARIO_FIELDS

    assert flag_error(tmp_path, "--set", "turnz=3") == (
        "Error: --set: unknown scenario field 'turnz'; did you mean turns? (known: " + ", ".join(sorted(SCENARIO_FIELDS)) + ")"
    )


def test_set_not_a_number(tmp_path: Path) -> None:
    assert flag_error(tmp_path, "--set", "turns=abc") == "Error: --set turns: 'abc' is not a number"


def test_set_empty_value(tmp_path: Path) -> None:
    assert flag_error(tmp_path, "--set", "turns=") == "Error: --set turns: '' is not a number"


def test_set_range_high_below_low(tmp_path: Path) -> None:
    assert flag_error(tmp_path, "--set", "turns=5..2") == "Error: --set turns: range 5..2 has high below low; write LOW..HIGH"


def test_set_nan(tmp_path: Path) -> None:
    assert flag_error(tmp_path, "--set", "turns=nan") == "Error: --set turns: 'nan' is not a finite number"


def test_set_infinite(tmp_path: Path) -> None:
    assert flag_error(tmp_path, "--set", "calls_per_month=Infinity") == (
        "Error: --set calls_per_month: 'Infinity' is not a finite number"
    )


def test_set_out_of_range(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--set", "turns=1e999999999")
    assert line.startswith("Error: --set turns: '1e999999999' is out of range")


def test_set_negative_quantity(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--set", "caller_audio_seconds=-5")
    assert line == "Error: --set caller_audio_seconds: must be greater than or equal to 0"


def test_set_zero_where_forbidden(tmp_path: Path) -> None:
    assert flag_error(tmp_path, "--set", "calls_per_month=0") == "Error: --set calls_per_month: must be above 0"


def test_set_fractional_turns(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--set", "turns=2.5")
    assert line == "Error: --set turns: must be a whole number of turns, got 2.5"


def test_price_without_equals(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--price", "acme/chat.input")
    assert line == ("Error: --price acme/chat.input: expected SKU.FIELD=VALUE or SKU=*FACTOR, e.g. "
                    "openai/gpt-audio-mini.audio_input=*0.5, or openai/gpt-audio-mini=*0.5 for every price")


def test_price_unknown_field(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--price", "acme/chat.inptu=1")
    assert line.startswith("Error: --price: unknown price field 'inptu'; did you mean input")


def test_price_unknown_sku(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--price", "acme/chta.input=1")
    assert line.startswith("Error: ") and "unknown SKU 'acme/chta'; did you mean acme/chat?" in line


def test_price_not_a_number(tmp_path: Path) -> None:
    assert flag_error(tmp_path, "--price", "acme/chat.input=*abc") == "Error: --price acme/chat.input=*abc: 'abc' is not a number"


def test_price_negative_value(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--price", "acme/chat.input=-1")
    assert line == "Error: --price acme/chat: must be greater than or equal to 0"


def test_price_negative_factor(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--price", "acme/chat.input=*-2")
    assert line == "Error: --price acme/chat.input=*-2: a price cannot go below zero"


def test_price_cut_by_more_than_100_percent(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--price", "acme/chat.input=-150%")
    assert line == "Error: --price acme/chat.input=-150%: a price cannot go below zero"


def test_price_nan(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--price", "acme/chat.input=NaN")
    assert line == "Error: --price acme/chat.input=NaN: 'NaN' is not a finite number"


def test_price_infinite(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--price", "acme/chat.input=inf")
    assert line == "Error: --price acme/chat.input=inf: 'inf' is not a finite number"


def test_price_above_the_sanity_limit(tmp_path: Path) -> None:
    # 2,000,000 USD per 1M tokens is $2 a token: a what-if is held to the same limits as a sheet.
    line = flag_error(tmp_path, "--price", "acme/chat.input=2000000")
    assert line.startswith("Error: --price acme/chat: usd_per_million_input_tokens = 2000000 is above the sanity limit 1000000")


def test_price_scaling_a_price_the_sku_does_not_have(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--price", "acme/chat.audio_input=*2")
    assert line == "Error: --price acme/chat.usd_per_million_audio_input_tokens: the SKU has no such price to scale"


def test_as_of_not_a_date(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--as-of", "yesterday")
    assert line == (
        "Error: costmodel compare: Invalid value for '--as-of': 'yesterday' is not a date in YYYY-MM-DD form, e.g. 2025-06-01"
    )


def test_as_of_impossible_date(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--as-of", "2025-02-30")
    assert line.startswith("Error: costmodel compare: Invalid value for '--as-of': '2025-02-30' is not a date")


def test_currency_unknown(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    line = fails(["compare", "--currency", "XYZ", "-o", str(out)], out)  # bundled data: USD, GBP and EUR
    assert line == "Error: --currency: unknown currency 'XYZ' (known: EUR, GBP, USD)"


FX = """\
schema_version: 1
base: USD
rates:
  - currency: GBP
    periods:
      - effective_from: 2025-03-01
        per_usd: 0.79
        source: https://example.com/fx
        checked: 2025-03-01
"""


def test_currency_before_its_first_rate(tmp_path: Path) -> None:
    root = library(tmp_path)
    (root / "pricing" / "fx.yaml").write_text(FX, encoding="utf-8")
    out = tmp_path / "out.json"
    line = fails(["compare", "call", "--currency", "gbp", "--as-of", "2025-02-01", "-o", str(out),
                  "--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios")], out)
    assert line == "Error: --currency: no GBP exchange rate in force on 2025-02-01; the earliest is 2025-03-01"


# ------------------------------------------------------------------------------------- never $0 for no price


def test_as_of_before_any_price_period_breakdown(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--as-of", "2024-06-01", command=("breakdown", "call", "chat"))
    assert line == "Error: stack chat: no price in force for acme/chat on 2024-06-01; its first price starts 2025-01-01"


def test_as_of_before_any_price_period_compare(tmp_path: Path) -> None:
    line = flag_error(tmp_path, "--as-of", "2024-06-01")
    assert line.startswith("Error: no stack has prices in force on 2024-06-01: ")
    assert "no price in force for acme/chat on 2024-06-01; its first price starts 2025-01-01" in line


LATER_SKU = """\
  - id: acme/chat-2
    kind: llm
    name: Acme Chat 2
    periods:
      - effective_from: 2024-01-01
        currency: USD
        source: https://example.com/prices
        checked: 2025-06-01
        usd_per_million_input_tokens: 2.00
        usd_per_million_output_tokens: 8.00
"""


def two_stacks(tmp_path: Path, sheet: str) -> Path:
    root = library(tmp_path, sheet=sheet + LATER_SKU)
    (root / "pricing" / "stacks" / "chat-2.yaml").write_text(edit(STACK, "acme/chat", "acme/chat-2"), encoding="utf-8")
    return root


def test_stack_without_price_in_force_is_unpriced_not_zero(tmp_path: Path) -> None:
    # On 2024-06-01 acme/chat (from 2025-01-01) has no price; acme/chat-2 does:
    # 195 input tokens x $2/1M = 0.00039 + 100 output tokens x $8/1M = 0.0008 -> 0.00119 per call.
    root = two_stacks(tmp_path, SHEET)
    args = ["compare", "call", "--as-of", "2024-06-01",
            "--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios")]
    document = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    priced, unpriced = document["rows"]
    assert (priced["stack"], priced["per_call"]) == ("chat-2", {"low": "0.00119", "high": "0.00119"})
    assert unpriced["stack"] == "chat"
    assert unpriced["per_call"] is None and unpriced["per_month"] is None and unpriced["rank"] is None
    assert unpriced["unpriced"] == "no price in force for acme/chat on 2024-06-01; its first price starts 2025-01-01"
    table_row = next(row for row in CliRunner().invoke(cli, args).stdout.splitlines() if " chat " in row)
    assert "unpriced" in table_row and "0.00000" not in table_row and "0.00" not in table_row.split("unpriced")[0]


def test_component_lacking_a_needed_price_field_is_unpriced_not_zero(tmp_path: Path) -> None:
    # acme/chat without an output price cannot bill the 100 output tokens: never a $0 line for them.
    sheet = edit(SHEET, "        usd_per_million_output_tokens: 4.00\n", "")
    root = two_stacks(tmp_path, sheet)
    pricing, scenarios = str(root / "pricing"), str(root / "scenarios")
    line = fails(["breakdown", "call", "chat", "--pricing", pricing, "--scenarios", scenarios])
    assert line == (
        "Error: acme/chat has no usd_per_million_output_tokens in its price period from 2025-01-01, "
        "but the llm role needs it for text output tokens"
    )
    result = CliRunner().invoke(cli, ["compare", "call", "--format", "json", "--pricing", pricing, "--scenarios", scenarios])
    rows = {row["stack"]: row for row in json.loads(result.stdout)["rows"]}
    assert rows["chat"]["per_call"] is None
    assert rows["chat"]["unpriced"].startswith("acme/chat has no usd_per_million_output_tokens")


# ---------------------------------------------------------------------------------------------- output files


def leftovers(folder: Path) -> list[str]:
    """Temporary files write_atomic would leave behind if it failed to clean up (named .NAME.*.tmp)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))


def data_flags(root: Path) -> list[str]:
    return ["--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios")]


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (["compare", "call"], "pricing/acme.yaml"),
        (["breakdown", "call", "chat"], "scenarios/call.yaml"),
        (["prices"], "pricing/stacks/chat.yaml"),
    ],
)
def test_output_onto_an_input_file_is_refused(tmp_path: Path, command: list[str], target: str) -> None:
    root = library(tmp_path)
    path = root / target
    before = path.read_bytes()
    line = fails([*command, *data_flags(root), "-o", str(path)])
    assert line == f"{path}: is an input file; costmodel never overwrites its inputs"
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def test_output_through_a_link_to_an_input_file_is_refused(tmp_path: Path) -> None:
    root = library(tmp_path)
    link = tmp_path / "report.json"
    link.symlink_to(root / "pricing" / "acme.yaml")
    line = fails(["compare", "call", *data_flags(root), "-o", str(link)])
    assert line == f"{link}: is an input file; costmodel never overwrites its inputs"
    assert (root / "pricing" / "acme.yaml").read_text(encoding="utf-8") == SHEET


def test_output_into_a_missing_folder(tmp_path: Path) -> None:
    root = library(tmp_path)
    out = tmp_path / "no-such-folder" / "out.json"
    line = fails(["compare", "call", *data_flags(root), "-o", str(out)])
    assert line == f"{out}: folder {out.parent} does not exist"
    assert not out.parent.exists()


def test_output_replaces_a_previous_file_whole(tmp_path: Path) -> None:
    root = library(tmp_path)
    out = tmp_path / "out.csv"
    out.write_text("old contents that are much longer than the new ones will be, " * 100, encoding="utf-8")
    result = CliRunner().invoke(cli, ["compare", "call", "--format", "csv", *data_flags(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    # Numeric CSV, exact: 0.000595 a call, 0.595 a month, nothing fixed, 1 × the cheapest (itself).
    text = out.read_text(encoding="utf-8")
    assert text.startswith("rank,stack,architecture,per_call_usd_low,")
    assert text.splitlines()[1].startswith("1,chat,cascade,0.000595,0.000595,0.595,0.595,0,0,1,1,")
    assert text.count("\n") == 2
    assert leftovers(tmp_path) == []


def test_disk_failure_while_writing_output_leaves_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import costmodel.views.files

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    root = library(tmp_path)
    out = tmp_path / "out.json"
    out.write_text("previous report\n", encoding="utf-8")
    monkeypatch.setattr(costmodel.views.files.os, "fsync", no_space)
    result = CliRunner().invoke(cli, ["compare", "call", "--format", "json", *data_flags(root), "-o", str(out)])
    assert result.exit_code == 1  # not bad input: the machine failed
    assert result.stderr == "Error: No space left on device\n"
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_write_atomic_failure_leaves_nothing_partial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    import costmodel.views.files
    from costmodel.views.files import write_atomic

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(5, f"{failing} failed")

    new = tmp_path / "new.json"
    old = tmp_path / "old.json"
    old.write_bytes(b"previous")
    if failing == "write":
        monkeypatch.setattr(costmodel.views.files.os, "fdopen", lambda fd, mode: _FailingHandle(fd))
    else:
        monkeypatch.setattr(costmodel.views.files.os, failing, boom)
    for target in (new, old):
        with pytest.raises(OSError):
            write_atomic(target, "x" * 100_000)
    assert not new.exists()
    assert old.read_bytes() == b"previous"
    assert leftovers(tmp_path) == []


_REAL_FDOPEN = os.fdopen


class _FailingHandle:
    """A file handle that writes half the data and then fails, like a full disk."""

    def __init__(self, fd: int) -> None:
        self.handle = _REAL_FDOPEN(fd, "wb")

    def __enter__(self) -> _FailingHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise OSError(28, "No space left on device")


def test_write_atomic_interrupted_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import costmodel.views.files
    from costmodel.views.files import write_atomic

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(costmodel.views.files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out.json", "{}")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_refuses_inputs_and_folders(tmp_path: Path) -> None:
    from costmodel.errors import InputError
    from costmodel.views.files import write_atomic

    source = tmp_path / "sheet.yaml"
    source.write_text(SHEET, encoding="utf-8")
    with pytest.raises(InputError, match="is an input file"):
        write_atomic(tmp_path / "." / "sheet.yaml", "overwritten", protected=[source])
    with pytest.raises(InputError, match="is a directory"):
        write_atomic(tmp_path, "x")
    assert source.read_text(encoding="utf-8") == SHEET
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.yaml"]


def test_sweep_plot_failure_leaves_no_partial_chart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import costmodel.views.files

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    root = library(tmp_path)
    chart = tmp_path / "chart.svg"
    monkeypatch.setattr(costmodel.views.files.os, "fsync", no_space)
    result = CliRunner().invoke(cli, ["sweep", "call", "--vary", "turns=1:3", "--plot", str(chart), *data_flags(root)])
    assert result.exit_code == 1
    assert result.stderr == "Error: No space left on device\n"
    assert not chart.exists()
    assert leftovers(tmp_path) == []


def test_sweep_plot_with_a_bad_extension_writes_nothing(tmp_path: Path) -> None:
    root = library(tmp_path)
    chart = tmp_path / "chart.txt"
    line = fails(["sweep", "call", "--vary", "turns=1:3", "--plot", str(chart), *data_flags(root)])
    assert line.startswith("Error: --plot") and line.endswith(f"{chart}: give a .png or .svg file name")
    assert not chart.exists()


def test_render_output_onto_its_own_template_is_refused(tmp_path: Path) -> None:
    root = library(tmp_path)
    template = tmp_path / "article.md"
    template.write_text("Acme input price: {{ price('acme/chat', 'usd_per_million_input_tokens') }}\n", encoding="utf-8")
    before = template.read_bytes()
    line = fails(["render", str(template), *data_flags(root), "-o", str(template)])
    assert line == f"{template}: is an input file; costmodel never overwrites its inputs"
    assert template.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_scaling_a_ranged_price_with_a_what_if(tmp_path: Path) -> None:
    # Was an internal error (exit 1): the ranged price reached the factor as a dict. With a ranged output price
    # of 4..6 per 1M doubled to 8..12: 100 output tokens cost 0.0008..0.0012; input 195 x $1/1M = 0.000195;
    # per call 0.000995..0.001395.
    root = library(tmp_path, sheet=edit(SHEET, "output_tokens: 4.00", "output_tokens: {low: 4, high: 6}"))
    args = ["breakdown", "call", "chat", "--price", "acme/chat.output=*2", "--format", "json", *data_flags(root)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["per_call"] == {"low": "0.000995", "high": "0.001395"}
