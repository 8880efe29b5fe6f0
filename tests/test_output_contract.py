"""The output contract (issue 17): one JSON envelope for every command, a published JSON Schema per command that its
real output validates against, numeric CSV for every table command, and money shown with its currency's symbol."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path
from typing import Any

import jsonschema  # dev dependencies: when missing the suite fails, it does not skip
import pandas
import pytest
from click.testing import CliRunner

from costmodel.cli import cli
from costmodel.data.catalog import bundled_dir
from costmodel.views.envelope import ENVELOPE_KEYS
from costmodel.views.formatting import money_text, swept_value_text, with_symbol
from costmodel.views.output_schema import OUTPUTS, output_schema_json
from tests.test_monthly import TEL
from tests.whatif_catalog import write_round_data

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_SCHEMAS = ROOT / "schemas" / "output" if (ROOT / "schemas").is_dir() else bundled_dir("schemas") / "output"
ON = ["--as-of", "2026-11-24"]
COMMANDS = {"prices-diff": "prices diff", "prices-provenance": "prices --provenance"}
"""Output schema names that are not the command's own name."""
SCENARIOS = sorted(p.stem for p in bundled_dir("scenarios").glob("*.yaml"))


def _calls(folder: Path) -> Path:
    """Three recorded calls with a recorded cost (replay and reconcile read them)."""
    rows = [{"call_id": f"c{i}", "start_time": f"2026-10-0{i + 1}T10:00:00Z", "turns": 3, "caller_audio_seconds": 60,
             "agent_audio_seconds": 30, "actual_cost": "0.05", "actual_cost_currency": "USD"} for i in range(3)]
    path = folder / "calls.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _month_priced_data(folder: Path) -> Path:
    """write_round_data's pricing folder (stacks `api` and self-hosted `hosted`) with test_monthly's carrier sheet and
    a stack `number` on tel/number ($0.01 a minute plus a $1.15 monthly fee); returns the calls replay reads: six
    one-minute calls over October and November 2026, for two customers, each with a recorded cost."""
    pricing, _ = write_round_data(folder)
    (pricing / "tel.yaml").write_text(textwrap.dedent(TEL).lstrip("\n"), encoding="utf-8")
    (pricing / "stacks" / "number.yaml").write_text(
        "schema_version: 1\ntitle: Rented number\narchitecture: cascade\n"
        "components:\n  - {role: telephony, sku: tel/number}\n", encoding="utf-8")
    rows = [{"call_id": f"c{i}", "start_time": f"2026-{10 + i % 2}-0{i + 1}T10:00:00Z", "turns": 1,
             "caller_audio_seconds": 60, "agent_audio_seconds": 0, "agent_text_tokens": 0,
             "call_duration_seconds": 60, "customer": "ab"[i % 2], "actual_cost": "0.5", "actual_cost_currency": "USD"}
            for i in range(6)]
    calls = folder / "month-calls.jsonl"
    calls.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return calls


def _diff_folders(folder: Path) -> tuple[Path, Path]:
    """Two pricing folders whose prices differ in every way a diff reports: acme/asr changed (0.60 → 0.30 a
    minute), tel/number's monthly fee removed, tel/flat's added, tel/plan only on the new side (launched)."""
    old, _ = write_round_data(folder / "old")
    new, _ = write_round_data(folder / "new")
    sheet = textwrap.dedent(TEL).lstrip("\n")
    (old / "tel.yaml").write_text(sheet.split("  - id: tel/plan\n")[0], encoding="utf-8")
    (new / "tel.yaml").write_text(sheet.replace("usd_per_telephony_minute: 0.01, usd_per_month: 1.15",
                                                "usd_per_telephony_minute: 0.01").replace(
        "usd_per_telephony_minute: 0.015}", "usd_per_telephony_minute: 0.015, usd_per_month: 2}"), encoding="utf-8")
    acme = new / "acme.yaml"
    acme.write_text(acme.read_text(encoding="utf-8").replace("usd_per_audio_minute: 0.60", "usd_per_audio_minute: 0.30"),
                    encoding="utf-8")
    return old, new


def _stale_article(folder: Path) -> Path:
    """An article dated 2024-06-01 printing GPT-4o's launch input price, $5.00 per 1M tokens, then in force (it is
    $2.50 since 2024-10-02, so stale today), and a figure wrong on both dates."""
    article = folder / "june.md"
    article.write_text("# June 2024\n\nGPT-4o costs $5.00 per 1M input tokens; it costs $9.00 per 1M output.\n",
                       encoding="utf-8")
    (folder / "june.claims.yaml").write_text(textwrap.dedent("""\
        schema_version: 1
        title: June
        article_date: 2024-06-01
        claims:
          - {id: input, quote: GPT-4o costs $5.00 per 1M input tokens, printed: 5.00,
             compute: 'price("openai/gpt-4o", "input")'}
          - {id: output, quote: it costs $9.00 per 1M output, printed: 9.00,
             compute: 'price("openai/gpt-4o", "output")'}
        """), encoding="utf-8")
    return article


def _runs(folder: Path) -> list[tuple[str, list[str]]]:
    """(schema name, arguments) for every command with --format json, on the bundled data; compare on every scenario."""
    calls = str(_calls(folder))
    runs: list[tuple[str, list[str]]] = [("compare", ["compare", scenario, *ON]) for scenario in SCENARIOS]
    runs += [
        ("compare", ["compare", "support-call-5min", "--currency", "GBP", "--set", "turns=2..4", *ON,
                     "--price", "openai/gpt-4o-mini.input=*0.5", "--with", "twilio/uk-inbound"]),
        ("breakdown", ["breakdown", "support-call-10-turns", "gpt-realtime", *ON]),
        ("breakdown", ["breakdown", "clinic-scheduling", "privacy-first", *ON]),
        ("capacity", ["capacity", "support-call-5min", "privacy-first", *ON]),
        ("sweep", ["sweep", "support-call-5min", "--vary", "calls_per_month=100:100000", "--log", *ON]),
        ("breakeven", ["breakeven", "support-call-5min", "budget-first", "gpt-realtime", "--over", "turns", *ON]),
        # --baseline adds a `baseline` part to each (see tests/test_baseline_sweep.py).
        ("sweep", ["sweep", "support-call-5min", "--vary", "calls_per_month=100:100000", "--log", "--baseline",
                   "--price", "openai/whisper-1=*0.5", *ON]),
        ("breakeven", ["breakeven", "support-call-5min", "budget-first", "gpt-realtime", "--over", "turns",
                       "--baseline", "--price", "openai/whisper-1=*0.5", *ON]),
        ("sensitivity", ["sensitivity", "support-call-5min", "budget-first", *ON]),
        ("prices", ["prices", *ON]),
        ("prices-provenance", ["prices", "--provenance"]),
        ("prices-diff", ["prices", "diff", "--from", "2025-01-01", "--to", "2026-11-24"]),
        ("scenarios", ["scenarios"]),
        ("stacks", ["stacks"]),
        ("replay", ["replay", calls, "--stacks", "budget-first,gpt-realtime", *ON]),
        ("reconcile", ["reconcile", calls, "--stack", "budget-first", *ON]),
        ("audit", ["audit", str(ROOT / "articles" / "gpt-audio-mini-review.md"), *ON]),
    ]
    # The runs that write the optional parts: shared components added and replaced, --baseline figures, a
    # replay with a self-hosted stack (its GPU bill) and a monthly fee (its month-priced part) by customer, a
    # price diff with every status, an audit with stale claims.
    month_calls = str(_month_priced_data(folder / "monthly"))
    old, new = _diff_folders(folder / "diff")
    runs += [
        ("compare", ["compare", "support-call-5min", "--with", "twilio/uk-inbound", *ON,
                     "--price", "openai/gpt-4o-mini.input=*0.5", "--baseline"]),
        ("breakdown", ["breakdown", "support-call-5min", "budget-first-uk-phone", "--with", "twilio/uk-inbound",
                       "--set", "turns=3", "--baseline", *ON]),
        ("sensitivity", ["sensitivity", "support-call-5min", "budget-first", "--set", "turns=3", "--baseline", *ON]),
        ("replay", ["replay", month_calls, "--stacks", "api,hosted,number", "--by", "customer",
                    "--pricing", str(folder / "monthly" / "pricing"), "--as-of", "2026-11-01"]),
        ("reconcile", ["reconcile", month_calls, "--stack", "hosted", "--pricing", str(folder / "monthly" / "pricing"),
                       "--as-of", "2026-11-01"]),
        ("prices-diff", ["prices", "diff", "--from-pricing", str(old), "--to-pricing", str(new), "--all"]),
        ("audit", ["audit", str(_stale_article(folder)), *ON]),
    ]
    return runs


def _json(args: list[str]) -> dict[str, Any]:
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    # audit exits 1 when it finds a wrong or stale claim (a finding for a pipeline), still writing its document.
    assert result.exit_code == 0 or (args[0] == "audit" and result.exit_code == 1), result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_every_command_with_json_has_a_schema_and_a_run(tmp_path: Path) -> None:
    assert {name for name, _ in _runs(tmp_path)} == set(OUTPUTS)


def test_every_commands_json_validates_against_its_published_schema(tmp_path: Path) -> None:
    documents: dict[str, list[dict[str, Any]]] = {}
    for name, args in _runs(tmp_path):
        schema = json.loads((OUTPUT_SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
        document = _json(args)
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=str)
        assert not errors, (args, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]])
        # The envelope comes first, in the same order, in every document.
        assert tuple(document)[:len(ENVELOPE_KEYS)] == ENVELOPE_KEYS, args
        assert document["command"] == COMMANDS.get(name, name)
        documents.setdefault(name, []).append(document)
    # The runs wrote every optional part, so the strict schemas were checked on each of them, not on nulls.
    _assert_every_optional_part_written(documents)


def _assert_every_optional_part_written(documents: dict[str, list[dict[str, Any]]]) -> None:
    def every(name: str, key: str) -> list[Any]:
        return [item for document in documents[name] for item in document[key]]

    compare_rows = every("compare", "rows")
    assert any(doc["fx"] for doc in documents["compare"])  # --currency GBP
    assert any(row["added"] for row in compare_rows) and any(row["replaced"] for row in compare_rows)
    assert any(row.get("baseline") for row in compare_rows)
    assert any(doc["with"] for doc in documents["compare"]) and any(doc["lifecycle_warnings"] for doc in documents["compare"])
    assert any(doc.get("baseline") for doc in documents["breakdown"])
    assert any(line.get("baseline") for line in every("breakdown", "lines"))
    for part in ("turns", "capacity", "audio_tokens", "replaced"):
        assert every("breakdown", part), part
    assert any(doc.get("baseline") for doc in documents["sensitivity"])
    assert every("capacity", "components")[0]["rows"]
    assert any(sku["audio_tokens"] for sku in every("prices", "skus"))
    assert every("prices-provenance", "oldest_checked")
    assert {row["status"] for row in every("prices-diff", "prices")} >= {
        "changed", "added", "removed", "launched", "withdrawn", "first recorded"}
    assert any(row["change"] for row in every("prices-diff", "costs"))
    replayed = every("replay", "stacks")
    assert any(s["gpu"] for s in replayed) and any(s["monthly"] for s in replayed)
    assert any(s["customers"] for s in replayed) and any(s["costliest_calls"] for s in replayed)
    assert every("reconcile", "largest_differences")
    assert {claim["status"] for claim in every("audit", "claims")} == {"ok", "wrong", "stale"}
    assert {finding["status"] for finding in every("audit", "lifecycle")} >= {"retiring", "wrong"}


def test_a_schema_refuses_a_display_string_where_the_contract_has_a_number(tmp_path: Path) -> None:
    schema = json.loads((OUTPUT_SCHEMAS / "scenarios.schema.json").read_text(encoding="utf-8"))
    document = _json(["scenarios"])
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid(document)
    document["scenarios"][0]["calls_per_month"] = "6,000"  # what `scenarios --format json` used to write
    assert not validator.is_valid(document)
    document = _json(["scenarios"])
    document["scenarios"][0]["turns"] = {"low": "4–6", "high": "4–6"}
    assert not validator.is_valid(document)
    del document["scenarios"][0]["turns"]
    assert not validator.is_valid(document)


def test_a_schema_refuses_an_unknown_key_deep_inside(tmp_path: Path) -> None:
    month_calls = str(_month_priced_data(tmp_path))
    cases = [
        ("compare", ["compare", "support-call-5min", "--with", "twilio/uk-inbound", *ON], ("rows", 0, "added", 0)),
        ("capacity", ["capacity", "support-call-5min", "privacy-first", *ON], ("components", 0, "rows", 0)),
        ("replay", ["replay", month_calls, "--stacks", "number", "--pricing", str(tmp_path / "pricing"),
                    "--as-of", "2026-11-01"], ("stacks", 0, "monthly")),
        ("audit", ["audit", str(ROOT / "articles" / "gpt-audio-mini-review.md"), *ON], ("claims", 0, "tolerance")),
    ]
    for name, args, where in cases:
        validator = jsonschema.Draft202012Validator(
            json.loads((OUTPUT_SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")))
        document = _json(args)
        assert validator.is_valid(document), name
        part: Any = document
        for step in where:
            part = part[step]
        part["colour"] = "red"
        errors = list(validator.iter_errors(document))
        assert [list(e.absolute_path) for e in errors] == [list(where)], name
        # A part that may be null fails both branches; the object branch says why.
        messages = [errors[0].message] + [e.message for e in errors[0].context or []]
        assert "Additional properties are not allowed ('colour' was unexpected)" in messages, (name, messages)


def _objects(node: Any, path: str) -> Any:
    """Every JSON Schema object node under `node`, with where it is."""
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{path}/{index}")


def test_every_object_of_every_output_schema_is_closed() -> None:
    # An object either lists its properties and allows no other, or is a map whose values have a schema of their
    # own; only the envelope's `inputs` (each command's own arguments) is open.
    for schema_file in sorted(OUTPUT_SCHEMAS.glob("*.schema.json")):
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        for where, node in _objects(schema, schema_file.name):
            if where.endswith("/properties/inputs"):
                continue
            if "properties" in node:
                assert node.get("additionalProperties") is False, where
            else:
                assert isinstance(node.get("additionalProperties"), dict) and node["additionalProperties"], where


def test_the_envelope_records_what_was_asked(tmp_path: Path) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    scenario_file = scenarios / "minute-call.yaml"
    document = _json(["compare", str(scenario_file), "--pricing", str(pricing), "--scenarios", str(scenarios),
                      "--as-of", "2026-11-01", "--set", "turns=2", "--price", "acme/asr.usd_per_audio_minute=*0.5"])
    assert document["command"] == "compare" and document["as_of"] == "2026-11-01" and document["currency"] == "USD"
    # Inputs are named as the command line spells them; the scenario given as a file keeps its path.
    assert document["inputs"] == {
        "scenario": str(scenario_file), "stacks": None, "as_of": "2026-11-01", "currency": "USD", "fx_rate": None,
        "set": ["turns=2"], "price": ["acme/asr.usd_per_audio_minute=*0.5"], "with": [],
        "pricing": str(pricing), "scenarios": str(scenarios), "baseline": False,
        "no_bundled": True,  # the suite sets COSTMODEL_NO_BUNDLED (tests/conftest.py)
    }
    assert document["whatif"] == {
        "settings": {"turns": {"low": "2", "high": "2"}},
        "prices": [{"sku": "acme/asr", "field": "usd_per_audio_minute", "value": None, "factor": "0.5"}],
    }
    assert document["warnings"] == []


def test_warnings_name_a_stack_lacking_a_needed_role() -> None:
    # clinic-scheduling has the agent speak (8-12 s a turn), so it needs tts; privacy-first has no TTS of its own.
    document = _json(["breakdown", "clinic-scheduling", "privacy-first", *ON])
    assert any(w.startswith("Not the whole product:") and "privacy-first lacks tts" in w for w in document["warnings"])


def test_listings_write_numbers_and_ranges_not_display_text() -> None:
    scenarios = {entry["id"]: entry for entry in _json(["scenarios"])["scenarios"]}
    clinic = scenarios["clinic-scheduling"]
    # clinic-scheduling.yaml: 6000 calls a month, 4-6 turns, 8-12 s of caller audio per turn.
    assert clinic["calls_per_month"] == {"low": "6000", "high": "6000"}
    assert clinic["turns"] == {"low": "4", "high": "6"}
    assert clinic["caller_audio_seconds_per_turn"] == {"low": "8", "high": "12"}
    assert clinic["caller_audio_seconds"] is None
    budget = {entry["id"]: entry for entry in _json(["stacks"])["stacks"]}["budget-first"]
    # pricing/stacks/budget-first.yaml: a cascade of whisper-1, gpt-4o-mini and tts-1, in the stack format's fields.
    assert budget["architecture"] == "cascade"
    assert [(c["role"], c["sku"]) for c in budget["components"]] == [
        ("asr", "openai/whisper-1"), ("llm", "openai/gpt-4o-mini"), ("tts", "openai/tts-1")]


def test_committed_output_schemas_never_drift_from_the_models() -> None:
    committed = {p.name.removesuffix(".schema.json") for p in OUTPUT_SCHEMAS.glob("*.schema.json")}
    assert committed == set(OUTPUTS)
    for name in OUTPUTS:
        # Regenerate with `costmodel schema --write-dir schemas` after changing costmodel/views/output_schema.py.
        assert (OUTPUT_SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8") == output_schema_json(name), name


def test_schema_output_command_prints_the_committed_schema() -> None:
    for spelled in ("prices-diff", "prices diff"):
        result = CliRunner().invoke(cli, ["schema", "output", spelled])
        assert result.exit_code == 0
        assert result.output == (OUTPUT_SCHEMAS / "prices-diff.schema.json").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["schema", "output"])
    assert result.exit_code == 2 and "name one: audit, breakdown," in result.output
    result = CliRunner().invoke(cli, ["schema", "pricesheet", "compare"])
    assert result.exit_code == 2 and "did you mean output compare?" in result.output


# ---------------------------------------------------------------- numeric CSV


def _csv(tmp_path: Path, *args: str) -> Any:
    pricing, scenarios = write_round_data(tmp_path)
    result = CliRunner().invoke(cli, [*args, "--format", "csv", "--as-of", "2026-11-01", "--pricing", str(pricing),
                                      "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    return pandas.read_csv(io.StringIO(result.output))


def test_sweep_csv_reads_as_numbers(tmp_path: Path) -> None:
    frame = _csv(tmp_path, "sweep", "minute-call", "--vary", "calls_per_month=1000:4000:1000")
    for column in ("value", "per_call_usd_low", "per_call_usd_high"):
        assert pandas.api.types.is_numeric_dtype(frame[column]), column
    assert pandas.api.types.is_bool_dtype(frame["unpriced"])
    hosted = frame[frame["stack"] == "hosted"].set_index("value")["per_call_usd_high"]
    # hosted: $1,000 a month of GPU floor ÷ calls: 1, 0.5, 0.333…, 0.25; api: 60 s × $0.01 = 0.6 throughout.
    assert list(hosted.index) == [1000, 2000, 3000, 4000]
    assert list(hosted) == pytest.approx([1, 0.5, 1 / 3, 0.25])
    assert set(frame[frame["stack"] == "api"]["per_call_usd_low"]) == {0.6}
    # The sums a spreadsheet would take work without cleaning: 4 × 0.6 = 2.4.
    assert frame[frame["stack"] == "api"]["per_call_usd_low"].sum() == pytest.approx(2.4)


def test_breakeven_csv_reads_as_numbers(tmp_path: Path) -> None:
    frame = _csv(tmp_path, "breakeven", "minute-call", "api", "hosted", "--over", "calls_per_month")
    for column in ("value", "per_call_usd_a", "per_call_usd_b"):
        assert pandas.api.types.is_numeric_dtype(frame[column]), column
    # $0.60 = $1,000 ÷ calls at 1,000 / 0.6 = 5,000/3 calls.
    (crossing,) = frame.to_dict("records")
    assert crossing["value"] == pytest.approx(5000 / 3)
    assert (crossing["cheaper_below"], crossing["cheaper_above"]) == ("api", "hosted")


@pytest.mark.parametrize("args", [
    ["compare", "minute-call"],
    ["compare", "ranged-call"],
    ["breakdown", "minute-call", "hosted"],
    ["sensitivity", "minute-call", "api"],
    ["sweep", "ranged-call", "--vary", "calls_per_month=1000:3000:1000"],
    ["breakeven", "minute-call", "api", "hosted", "--over", "calls_per_month"],
])
def test_every_table_commands_money_columns_are_numeric(tmp_path: Path, args: list[str]) -> None:
    frame = _csv(tmp_path, *args)
    money = [c for c in frame.columns if "_usd" in c]
    assert money, list(frame.columns)
    for column in money:
        assert pandas.api.types.is_numeric_dtype(frame[column]), (args, column)
    for column in {"estimate", "secondary_source", "unpriced", "fixed"} & set(frame.columns):
        assert pandas.api.types.is_bool_dtype(frame[column]), (args, column)


def test_capacity_and_prices_csv_read_as_numbers(tmp_path: Path) -> None:
    capacity = _csv(tmp_path, "capacity", "minute-call", "hosted")
    for column in ("hours_per_month_low", "gpus_high", "utilisation_low", "gpu_hours_high", "cost_per_month_usd_low"):
        assert pandas.api.types.is_numeric_dtype(capacity[column]), column
    # One row, the scenario's open hours (730 a month by default), with the stack renting its GPU 500 h of
    # them: 1 GPU × 730 h × 500/730 = 500 GPU-h × $2 = $1,000, the bill's figure; 10% used
    # (60 calls an hour × 6 GPU-s = 360 GPU-s an hour = 0.1 of a GPU).
    (row,) = capacity.to_dict("records")
    assert (row["gpus_low"], row["hours_per_month_high"], row["gpu_hours_high"], row["cost_per_month_usd_high"]) == (
        1, 730, 500, 1000)
    assert row["utilisation_low"] == pytest.approx(0.1)
    prices = _csv(tmp_path / "prices", "prices").set_index("price_field")
    assert pandas.api.types.is_numeric_dtype(prices["price_low"]) and pandas.api.types.is_bool_dtype(prices["estimate"])
    # acme/asr at $0.60 an audio minute, acme/gpu at $2 a GPU-hour, as the sheet writes them.
    assert prices.loc["usd_per_audio_minute", "price_high"] == 0.6 and prices.loc["usd_per_gpu_hour", "price_low"] == 2
    assert set(prices["currency"]) == {"USD"}


def test_prices_diff_csv_reads_as_numbers() -> None:
    result = CliRunner().invoke(cli, ["prices", "diff", "--from", "2026-06-01", "--to", "2026-11-24", "--all",
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = pandas.read_csv(io.StringIO(result.output))
    for column in ("old_per_call_usd_low", "new_per_call_usd_high", "change_usd_low", "change_fraction_high"):
        assert pandas.api.types.is_numeric_dtype(frame[column]), column
    assert pandas.api.types.is_bool_dtype(frame["changed"])
    both = frame.dropna(subset=["old_per_call_usd_low", "new_per_call_usd_low"])
    assert len(both) > 0
    # change = new − old, end by end.
    assert list(both["change_usd_low"]) == pytest.approx(list(both["new_per_call_usd_low"] - both["old_per_call_usd_low"]))


def test_replay_and_reconcile_csv_read_as_numbers(tmp_path: Path) -> None:
    pricing, _ = write_round_data(tmp_path)
    rows = [{"call_id": f"c{i}", "start_time": "2026-10-01T10:00:00Z", "turns": 1, "caller_audio_seconds": 60,
             "agent_audio_seconds": 0, "agent_text_tokens": 0, "actual_cost": "0.5", "actual_cost_currency": "USD"}
            for i in range(2)]
    calls = tmp_path / "calls.jsonl"
    calls.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    common = ["--as-of", "2026-11-01", "--pricing", str(pricing), "--format", "csv"]
    replayed = CliRunner().invoke(cli, ["replay", str(calls), "--stacks", "api", *common])
    assert replayed.exit_code == 0, replayed.output
    frame = pandas.read_csv(io.StringIO(replayed.output)).set_index("stack")
    # Two calls of 60 s at $0.01 a second: $0.60 each, $1.20 in total, no GPU bill.
    assert frame.loc["api", "total_usd_low"] == pytest.approx(1.2)
    # Percentiles come from a histogram with bins 0.01 % wide.
    assert frame.loc["api", "per_call_p50_usd_high"] == pytest.approx(0.6, rel=1e-4) and frame.loc["api", "gpu_bill_usd_low"] == 0
    reconciled = CliRunner().invoke(cli, ["reconcile", str(calls), "--stack", "api", *common])
    assert reconciled.exit_code == 0, reconciled.output
    frame = pandas.read_csv(io.StringIO(reconciled.output))
    # Recorded $0.50 against $0.60: −$0.10, −0.10 / 0.60 = −1/6 of the price.
    assert list(frame["recorded_usd"]) == [0.5, 0.5] and list(frame["priced_usd_high"]) == pytest.approx([0.6, 0.6])
    assert list(frame["difference_usd"]) == pytest.approx([-0.1, -0.1])
    assert list(frame["difference_fraction"]) == pytest.approx([-1 / 6, -1 / 6])


def test_audit_csv_reads_as_numbers() -> None:
    result = CliRunner().invoke(cli, ["audit", str(ROOT / "articles" / "gpt-audio-mini-review.md"), *ON,
                                      "--format", "csv"])
    assert result.exit_code in (0, 1), result.output  # 1: the bundled article has wrong claims (a finding)
    frame = pandas.read_csv(io.StringIO(result.output)).set_index("claim")
    for column in ("printed_low", "printed_high", "computed_low", "at_claim_date_high", "tolerance_low"):
        assert pandas.api.types.is_numeric_dtype(frame[column]), column
    # The review prints GPT-4o's input price as $15.00; it is $2.50 per 1M tokens (openai sheet), 10% slack of it 0.25.
    gpt4o = frame.loc["gpt-4o-input-price"]
    assert (gpt4o["printed_low"], gpt4o["computed_high"], gpt4o["tolerance_high"]) == (15, 2.5, 0.25)


# ---------------------------------------------------------------- currency symbols and swept values


def test_money_shows_its_currencys_symbol() -> None:
    from decimal import Decimal

    from costmodel.core.interval import Span

    assert with_symbol("0.04449", "GBP") == "£0.04449"
    assert with_symbol("1,468.76", "EUR") == "€1,468.76"
    assert with_symbol("-2.50", "USD") == "-$2.50"
    # No symbol that says which currency alone: the code and a space.
    assert with_symbol("3.00", "CHF") == "CHF 3.00"
    # 0.044485 rounds half-up to 0.04449 at 5 places; a range has the symbol on both ends.
    assert money_text(Span(Decimal("0.044485"), Decimal("0.044485")), 5, "GBP") == "£0.04449"
    assert money_text(Span(Decimal("1468.755"), Decimal("2203.14")), 2, "USD", grouping=True) == "$1,468.76–$2,203.14"


def test_text_output_writes_amounts_with_symbols(tmp_path: Path) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    result = CliRunner().invoke(cli, ["breakdown", "minute-call", "api", "--as-of", "2026-11-01", "--pricing",
                                      str(pricing), "--scenarios", str(scenarios), "--fx-rate", "GBP=0.5",
                                      "--currency", "GBP"])
    assert result.exit_code == 0, result.output
    # 60 s × $0.01 = $0.60 a call × 0.5 GBP per USD = £0.30; × 1,000 calls = £300.00 a month.
    assert "Total per call: £0.30000 · per month: £300.00" in result.output
    assert "0.30000 GBP" not in result.output


@pytest.mark.parametrize(("value", "field", "shown"), [
    (251.18864315095797, "calls_per_month", "251"),  # a log sweep's point: a count is whole from 10 up
    (12589.254117941662, "calls_per_month", "12,589"),
    (2.6826957952797255, "turns", "2.68"),  # under 10, 3 significant digits
    (15.848931924611133, "caller_audio_seconds", "15.85"),  # seconds: 4 significant digits
    (1584.893192461114, "caller_audio_seconds", "1,585"),
    (0.000123456, "acme/asr.usd_per_audio_minute", "0.0001235"),
])
def test_swept_values_read_by_their_quantity(value: float, field: str, shown: str) -> None:
    assert swept_value_text(value, field) == shown
