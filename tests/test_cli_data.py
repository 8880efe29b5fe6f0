"""The data commands through the CLI (validate, prices, schema), data-folder options, help text and usage errors."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import costmodel.data.models
from costmodel.cli import cli
from costmodel.data.catalog import bundled_dir
from costmodel.data.json_schema import FORMATS, schema_json

PRICING = bundled_dir("pricing")
SCENARIOS = bundled_dir("scenarios")
SCHEMAS_DIR = PRICING.parent / "schemas" if (PRICING.parent / "schemas").is_dir() else bundled_dir("schemas")
BUNDLED_YAML = sorted([*PRICING.rglob("*.yaml"), *SCENARIOS.rglob("*.yaml")])


def invoke(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> Result:
    result = runner.invoke(cli, list(args), prog_name="costmodel", env=env)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line of `path` containing `text` (found here, not by the program)."""
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def break_file(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in the file; return the line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def validate_copy(runner: CliRunner, root: Path) -> Result:
    return invoke(runner, "validate", "--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios"))


def gpt_4o_prices(output: str) -> dict[str, Decimal]:
    document = json.loads(output)
    sku = next(entry for entry in document["skus"] if entry["id"] == "openai/gpt-4o")
    # Every price is {low, high}; gpt-4o's are points (both ends equal).
    assert all(value["low"] == value["high"] for value in sku["prices"].values())
    return {name: Decimal(value["low"]) for name, value in sku["prices"].items()}


# ---------------------------------------------------------------- validate


def test_validate_bundled_data(runner: CliRunner) -> None:
    # Counted from the files' text, independently of the loader: provider sheets are pricing/*.yaml except fx.yaml;
    # every SKU starts with "  - id: " and every price period starts with "- effective_from:".
    sheets = [p for p in PRICING.glob("*.yaml") if p.stem != "fx"]
    skus = sum(p.read_text().count("\n  - id: ") for p in sheets)
    periods = sum(p.read_text().count("- effective_from:") for p in sheets)
    stacks = len(list((PRICING / "stacks").glob("*.yaml")))
    scenarios = len(list(SCENARIOS.glob("*.yaml")))
    files = len(sheets) + 1 + stacks + scenarios  # + fx.yaml
    result = invoke(runner, "validate")
    assert result.exit_code == 0
    assert result.output == (
        f"ok: {files} files, {skus} SKUs with {periods} price periods, {stacks} stacks, {scenarios} scenarios\n"
    )


def test_every_bundled_period_has_source_and_checked() -> None:
    # Read as raw YAML so this holds even if the model's rules were loosened.
    from costmodel.data.reader import load_yaml

    for path in PRICING.glob("*.yaml"):
        data = load_yaml(path)
        dated = [p for sku in data.get("skus", []) for p in sku["periods"]]
        dated += [p for rate in data.get("rates", []) for p in rate["periods"]]
        assert dated, path
        for period in dated:
            assert period.get("source") and period.get("checked"), f"{path}: {period.get('effective_from')}"


@pytest.mark.parametrize("field", ["source", "checked"])
def test_validate_fails_when_a_period_lacks_source_or_checked(runner: CliRunner, bundled_copy: Path, field: str) -> None:
    # Remove gpt-4o's launch-period line; the error points at that period's first line (effective_from).
    sheet = bundled_copy / "pricing" / "openai.yaml"
    text = sheet.read_text()
    start = text.index("  - id: openai/gpt-4o\n")
    period_line = text[:start].count("\n") + 1 + text[start:].split("\n").index("      - effective_from: 2024-05-13")
    line = re.search(rf"\n        {field}: [^\n]*\n", text[start:])
    assert line is not None
    sheet.write_text(text[:start] + text[start:].replace(line.group(0), "\n", 1))
    sku_index = text[:start].count("\n  - id: ")
    result = validate_copy(runner, bundled_copy)
    assert result.exit_code == 2
    assert result.output == f"{sheet}:{period_line}: skus[{sku_index}].periods[0].{field}: required field is missing; add it\n"


def test_validate_broken_copy_is_one_line_without_traceback(runner: CliRunner, bundled_copy: Path) -> None:
    sheet = bundled_copy / "pricing" / "openai.yaml"
    line = break_file(sheet, "usd_per_million_input_tokens: 5.00", "usd_per_million_input_tokens: -5.00")
    result = validate_copy(runner, bundled_copy)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"{sheet}:{line}: skus[")
    assert result.stderr.endswith(".usd_per_million_input_tokens: must be greater than or equal to 0\n")


def test_validate_one_good_file(runner: CliRunner) -> None:
    sheet = PRICING / "openai.yaml"
    text = sheet.read_text()
    result = invoke(runner, "validate", str(sheet))
    assert result.exit_code == 0
    assert result.output == (
        f"ok: 1 file, {text.count(chr(10) + '  - id: ')} SKUs with {text.count('- effective_from:')} price periods, "
        "0 stacks, 0 scenarios\n"
    )


def test_validate_scenario_and_fx_files(runner: CliRunner) -> None:
    result = invoke(runner, "validate", str(SCENARIOS / "support-call-5min.yaml"), str(PRICING / "fx.yaml"))
    assert result.exit_code == 0
    assert result.output == "ok: 2 files, 0 SKUs with 0 price periods, 0 stacks, 1 scenario\n"


def test_validate_folder_reports_every_broken_file(runner: CliRunner, bundled_copy: Path) -> None:
    scenarios = bundled_copy / "scenarios"
    first = break_file(scenarios / "clinic-scheduling.yaml", "schema_version: 1", "schema_version: 2")
    second = break_file(scenarios / "warehouse-dictation.yaml", "calls_per_month:", "calls_per_mnth:")
    result = invoke(runner, "validate", str(scenarios))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"{scenarios / 'clinic-scheduling.yaml'}:{first}: schema_version: must be 1 (got 2)"
    assert lines[1].startswith(
        f"{scenarios / 'warehouse-dictation.yaml'}:{second}: calls_per_mnth: unknown field 'calls_per_mnth'; "
        "did you mean calls_per_month"
    )
    assert len(lines) == 2


def test_validate_stack_file_checks_its_skus(runner: CliRunner, bundled_copy: Path) -> None:
    stack = bundled_copy / "pricing" / "stacks" / "gpt-realtime.yaml"
    line = break_file(stack, "sku: openai/gpt-realtime}", "sku: openai/gpt-realtim}")
    result = invoke(runner, "validate", str(stack))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{stack}:{line}: components[0].sku: unknown SKU 'openai/gpt-realtim'; did you mean")


def test_validate_missing_path(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'nope.yaml'}: no such file\n"


# ---------------------------------------------------------------- prices


def test_prices_gpt_4o_on_2024_06_01(runner: CliRunner) -> None:
    # Launch prices of gpt-4o (2024-05-13): 5.00 in, 15.00 out per 1M tokens; no cached price yet.
    result = invoke(runner, "prices", "--as-of", "2024-06-01", "--format", "json")
    assert result.exit_code == 0
    assert gpt_4o_prices(result.output) == {
        "usd_per_million_input_tokens": Decimal("5.00"),
        "usd_per_million_output_tokens": Decimal("15.00"),
    }
    # Exact, as the sheet writes it (5.00 stays 5.00), a point as {low, high} with equal ends.
    document = json.loads(result.output)
    gpt_4o = next(entry for entry in document["skus"] if entry["id"] == "openai/gpt-4o")
    assert gpt_4o["prices"]["usd_per_million_input_tokens"] == {"low": "5.00", "high": "5.00"}


def test_prices_gpt_4o_on_2025_06_01(runner: CliRunner) -> None:
    # From 2024-10-02 the alias is priced at 2.50 in, 1.25 cached in, 10.00 out.
    result = invoke(runner, "prices", "--as-of", "2025-06-01", "--format", "json")
    assert result.exit_code == 0
    prices = gpt_4o_prices(result.output)
    assert prices["usd_per_million_input_tokens"] == Decimal("2.50")
    assert prices["usd_per_million_output_tokens"] == Decimal("10.00")


def test_prices_json_document(runner: CliRunner) -> None:
    result = invoke(runner, "prices", "--as-of", "2024-06-01", "--provider", "openai", "--kind", "llm", "--format", "json")
    document = json.loads(result.output)
    assert document["as_of"] == "2024-06-01"
    assert document["currency"] == "USD"
    entry = next(e for e in document["skus"] if e["id"] == "openai/gpt-4o")
    assert entry["effective_from"] == "2024-05-13"
    assert entry["checked"] == "2026-11-24"
    # Read from a LiteLLM copy, not OpenAI's page: flagged, and its kind says why.
    assert entry["estimate"] is True
    assert entry["source_kind"] == "secondary"
    assert entry["effective_from_basis"] == "sourced"
    assert entry["source"]
    assert {e["kind"] for e in document["skus"]} == {"llm"}


def test_prices_unknown_provider(runner: CliRunner) -> None:
    # "openaii" is close only to openai ("opena" is close to pipecat as well, since the pipecat sheet was added).
    result = invoke(runner, "prices", "--provider", "openaii")
    assert result.exit_code == 2
    assert result.output == "Error: --provider: unknown provider 'openaii'; did you mean openai?\n"


def test_prices_kind_filter(runner: CliRunner) -> None:
    result = invoke(runner, "prices", "--as-of", "2025-06-01", "--kind", "tts", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows
    assert {row["kind"] for row in rows} == {"tts"}


def test_prices_bad_kind(runner: CliRunner) -> None:
    result = invoke(runner, "prices", "--kind", "vision")
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 1
    assert result.output.startswith("Error: costmodel prices: Invalid value for '--kind': 'vision' is not one of")


def test_prices_csv(runner: CliRunner) -> None:
    result = invoke(runner, "prices", "--as-of", "2024-06-01", "--provider", "openai", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["sku", "kind", "price_field", "price_low", "price_high", "currency", "unit", "effective_from",
                             "effective_from_basis", "estimate", "source_kind", "checked", "source"]
    gpt_4o = [(row["price_field"], row["price_low"], row["price_high"], row["currency"], row["unit"], row["effective_from"])
              for row in rows if row["sku"] == "openai/gpt-4o"]
    # Numeric CSV: the sheet's 5.00 and 15.00 as plain decimals, the currency and unit in their own columns.
    assert gpt_4o == [("usd_per_million_input_tokens", "5", "5", "USD", "1M input tokens", "2024-05-13"),
                      ("usd_per_million_output_tokens", "15", "15", "USD", "1M output tokens", "2024-05-13")]


def test_prices_markdown(runner: CliRunner) -> None:
    result = invoke(runner, "prices", "--as-of", "2024-06-01", "--provider", "openai", "--kind", "llm", "--format", "markdown")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert re.fullmatch(r"\| SKU +\| kind +\| +price \| unit +\| in force from +\| basis +\| checked +\| source +\|", lines[0])
    assert re.fullmatch(r"\|[-:|]+\|", lines[1])
    assert any(re.fullmatch(r"\| openai/gpt-4o +\| llm +\| +5\.00 \| USD per 1M input tokens +\| 2024-05-13 .*", line)
               for line in lines)


def test_prices_table_heading(runner: CliRunner) -> None:
    result = invoke(runner, "prices", "--as-of", "2024-06-01", "--provider", "openai")
    assert result.exit_code == 0
    assert result.output.startswith("Prices in force on 2024-06-01 (USD)\n\n")


def test_prices_bad_date(runner: CliRunner) -> None:
    result = invoke(runner, "prices", "--as-of", "2024-13-01")
    assert result.exit_code == 2
    assert result.output == (
        "Error: costmodel prices: Invalid value for '--as-of': '2024-13-01' is not a date in YYYY-MM-DD form, e.g. 2025-06-01\n"
    )


# ---------------------------------------------------------------- your own data


def raise_gpt_4o_launch_price(sheet: Path) -> None:
    # gpt-4o's launch period is the only one pairing 5.00 input with 15.00 output (openai.yaml).
    old = "usd_per_million_input_tokens: 5.00\n        usd_per_million_output_tokens: 15.00"
    assert sheet.read_text().count(old) == 1
    break_file(sheet, old, old.replace("5.00", "6.00", 1))


def test_pricing_and_scenarios_options(runner: CliRunner, bundled_copy: Path) -> None:
    raise_gpt_4o_launch_price(bundled_copy / "pricing" / "openai.yaml")
    result = invoke(runner, "prices", "--as-of", "2024-06-01", "--format", "json", "--pricing", str(bundled_copy / "pricing"))
    assert gpt_4o_prices(result.output)["usd_per_million_input_tokens"] == Decimal("6.00")


def test_costmodel_pricing_env_var(runner: CliRunner, bundled_copy: Path) -> None:
    raise_gpt_4o_launch_price(bundled_copy / "pricing" / "openai.yaml")
    env = {"COSTMODEL_PRICING": str(bundled_copy / "pricing")}
    result = invoke(runner, "prices", "--as-of", "2024-06-01", "--format", "json", env=env)
    assert gpt_4o_prices(result.output)["usd_per_million_input_tokens"] == Decimal("6.00")


def test_costmodel_scenarios_env_var(runner: CliRunner, bundled_copy: Path) -> None:
    scenarios = bundled_copy / "scenarios"
    (scenarios / "mine.yaml").write_text(
        "schema_version: 1\ntitle: My call\ncalls_per_month: 7\ncaller_audio_seconds: 30\n", encoding="utf-8"
    )
    result = invoke(runner, "scenarios", "--format", "json", env={"COSTMODEL_SCENARIOS": str(scenarios)})
    assert result.exit_code == 0
    ids = [row["id"] for row in json.loads(result.output)["scenarios"]]
    assert "mine" in ids
    assert len(ids) == len(list(SCENARIOS.glob("*.yaml"))) + 1


def test_env_var_points_validate_at_a_broken_copy(runner: CliRunner, bundled_copy: Path) -> None:
    sheet = bundled_copy / "pricing" / "openai.yaml"
    line = break_file(sheet, "currency: USD", "currency: EUR")
    result = invoke(runner, "validate", env={"COSTMODEL_PRICING": str(bundled_copy / "pricing")})
    assert result.exit_code == 2
    assert re.fullmatch(rf"{re.escape(str(sheet))}:{line}: skus\[0\]\.periods\[0\]\.currency: must be 'USD' \(got 'EUR'\)\n",
                        result.stderr)


def test_option_overrides_env_var(runner: CliRunner, bundled_copy: Path, tmp_path: Path) -> None:
    result = invoke(runner, "validate", "--pricing", str(PRICING), env={"COSTMODEL_PRICING": str(tmp_path / "nope")})
    assert result.exit_code == 0


def test_missing_pricing_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "prices", "--pricing", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.output == f"{tmp_path / 'nope'}: no such folder\n"


# ---------------------------------------------------------------- schemas


def test_schema_pricesheet_matches_committed_file(runner: CliRunner) -> None:
    result = invoke(runner, "schema", "pricesheet")
    assert result.exit_code == 0
    assert result.output == (SCHEMAS_DIR / "pricesheet.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.output)["title"] == "PriceSheet"


def test_committed_schemas_never_drift_from_the_models() -> None:
    committed = {p.name.removesuffix(".schema.json") for p in SCHEMAS_DIR.glob("*.schema.json")}
    assert committed == set(FORMATS)
    for name in FORMATS:
        # Regenerate with `costmodel schema --write-dir schemas` after changing costmodel/schema.py.
        assert (SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8") == schema_json(name), name


def test_schema_without_name(runner: CliRunner) -> None:
    result = invoke(runner, "schema")
    assert result.exit_code == 2
    assert result.output == ("Error: costmodel schema: name a format: calls, claims, fx, pricesheet, scenario, stack, "
                             "or output COMMAND\n")


def test_schema_write_dir(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "schema", "--write-dir", str(tmp_path))
    assert result.exit_code == 0
    assert result.stderr == f"wrote 6 format schemas and 14 output schemas to {tmp_path}\n"
    for name in FORMATS:
        assert (tmp_path / f"{name}.schema.json").read_text() == (SCHEMAS_DIR / f"{name}.schema.json").read_text()


def test_schema_write_dir_missing(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "schema", "--write-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output == f"{tmp_path / 'out' / 'calls.schema.json'}: folder {tmp_path / 'out'} does not exist\n"


def expected_schema(path: Path) -> str:
    if path.parent == SCENARIOS:
        return "scenario"
    if path.parent.name == "stacks":
        return "stack"
    return "fx" if path.stem == "fx" else "pricesheet"


@pytest.mark.parametrize("path", BUNDLED_YAML, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bundled_yaml_names_its_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    target = (path.parent / match.group(1)).resolve()
    assert target == (SCHEMAS_DIR / f"{expected_schema(path)}.schema.json").resolve()
    assert target.is_file()


# ---------------------------------------------------------------- help, entry points, usage errors


def test_python_dash_m_costmodel() -> None:
    done = subprocess.run([sys.executable, "-m", "costmodel", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: costmodel [OPTIONS] COMMAND [ARGS]...")
    assert "validate" in done.stdout


def all_commands() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []

    def walk(group: click.Group, ctx: click.Context) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            path = f"{ctx.command_path} {name}"
            found.append((path, command))
            if isinstance(command, click.Group):
                walk(command, click.Context(command, info_name=name, parent=ctx))

    walk(cli, click.Context(cli, info_name="costmodel"))
    return found


def test_every_command_has_help() -> None:
    commands = all_commands()
    names = [path for path, _ in commands]
    assert {"costmodel validate", "costmodel prices", "costmodel schema"} <= set(names)
    assert (cli.help or "").strip()
    for path, command in commands:
        assert (command.help or "").strip(), f"{path} has no help text"
        for param in command.params:
            if isinstance(param, click.Option):
                assert (param.help or "").strip(), f"{path} {param.opts[0]} has no help text"


@pytest.mark.parametrize("path", [path for path, _ in all_commands()])
def test_every_command_help_runs(runner: CliRunner, path: str) -> None:
    result = invoke(runner, *path.split()[1:], "--help")
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: {path} ")


def test_every_schema_field_has_a_description() -> None:
    from costmodel.data.claims import Claim, ClaimsFile
    from costmodel.data.field_docs import field_docs

    models = [*vars(costmodel.data.models).values(), Claim, ClaimsFile]
    for model in models:
        base = costmodel.data.models.Model
        if isinstance(model, type) and issubclass(model, base) and model is not base:
            docs = field_docs(model)
            for name, field in model.model_fields.items():
                # A docstring under the field, or (price fields, made from the registry) a description.
                text = docs.get(name) or field.description or ""
                assert text.strip(), f"{model.__name__}.{name} has no docstring"


def test_unknown_command(runner: CliRunner) -> None:
    result = invoke(runner, "frobnicate")
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 1
    assert result.output.startswith("Error: costmodel: no such command 'frobnicate'; commands: ")


def test_misspelt_command_suggests(runner: CliRunner) -> None:
    result = invoke(runner, "valdiate")
    assert result.exit_code == 2
    assert result.output == "Error: costmodel: no such command 'valdiate'; did you mean 'validate'?\n"


def test_bad_flag(runner: CliRunner) -> None:
    result = invoke(runner, "validate", "--bogus")
    assert result.exit_code == 2
    assert result.output == "Error: costmodel validate: No such option '--bogus'.\n"
