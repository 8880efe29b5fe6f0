"""--pricing/--scenarios DIR add to the bundled data: new ids are added, a same-id item replaces the bundled one and
every output says so; --no-bundled (and load_library without bundled=True) use the folders alone, as before."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import costmodel
from costmodel.cli import cli
from costmodel.data.catalog import bundled_dir

ON = "2026-11-24"

WHISPER_AT_TWICE = """
schema_version: 1
provider: openai
name: OpenAI at our negotiated prices
skus:
  - id: openai/whisper-1
    kind: asr
    name: Whisper at our negotiated rate
    periods:
      - effective_from: 2023-03-01
        currency: USD
        effective_from_basis: sourced
        source_kind: vendor
        source: https://example.com/our-contract
        checked: 2026-11-24
        usd_per_audio_minute: 0.012
        billing_increment_seconds: 1
"""

MY_STACK = """
schema_version: 1
title: Whisper and GPT-4o-mini, no voice
architecture: cascade
components:
  - {role: asr, sku: openai/whisper-1}
  - {role: llm, sku: openai/gpt-4o-mini}
"""


@pytest.fixture(autouse=True)
def add_to_bundled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs with --no-bundled by default (conftest); these tests are of the default, adding."""
    monkeypatch.delenv("COSTMODEL_NO_BUNDLED", raising=False)


@pytest.fixture
def mine(write_yaml: Callable[[str, str], Path], tmp_path: Path) -> Path:
    """A user pricing folder: one sheet re-pricing the bundled openai/whisper-1, and one new stack."""
    write_yaml("mine/pricing/negotiated.yaml", WHISPER_AT_TWICE)
    write_yaml("mine/pricing/stacks/my-stack.yaml", MY_STACK)
    return tmp_path / "mine" / "pricing"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_a_same_id_sku_replaces_the_bundled_one_and_json_lists_it(mine: Path) -> None:
    result = invoke("breakdown", "support-call-5min", "budget-first", "--as-of", ON, "--format", "json",
                    "--pricing", str(mine))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    asr = next(line for line in document["lines"] if line["role"] == "asr")
    # 300 s of caller audio = 5 minutes × 0.012 USD (the user's price, not the bundled 0.006) = 0.06 USD.
    assert asr["cost_per_call"] == {"low": "0.06", "high": "0.06"}
    assert document["overrides"] == [{"kind": "sku", "id": "openai/whisper-1", "file": str(mine / "negotiated.yaml"),
                                      "replaces": str(bundled_dir("pricing") / "openai.yaml")}]


def test_text_and_markdown_say_what_was_replaced_and_csv_says_it_on_stderr(mine: Path) -> None:
    for fmt in ("table", "markdown"):
        result = invoke("compare", "--as-of", ON, "--format", fmt, "--pricing", str(mine))
        assert result.exit_code == 0, result.output
        assert "Your data replaces bundled items:" in result.stdout
        assert "sku openai/whisper-1:" in result.stdout and "replaces the bundled" in result.stdout
    result = invoke("compare", "--as-of", ON, "--format", "csv", "--pricing", str(mine))
    assert result.exit_code == 0
    assert "replaces the bundled" not in result.stdout  # the CSV stays one header row and plain data
    assert result.stderr.startswith("note: sku openai/whisper-1: ")


def test_a_new_stack_is_added_beside_the_bundled_ones_and_uses_bundled_skus(mine: Path) -> None:
    result = invoke("compare", "--as-of", ON, "--format", "json", "--pricing", str(mine))
    assert result.exit_code == 0, result.output
    stacks = {row["stack"]: row for row in json.loads(result.stdout)["rows"]}
    assert "budget-first" in stacks and "my-stack" in stacks
    # my-stack = budget-first without tts-1 (which speaks nothing here, 0 USD): both at the user's whisper price,
    # 0.06 for the audio + the same LLM lines, so the two cost the same.
    assert stacks["my-stack"]["per_call"] == stacks["budget-first"]["per_call"]


def test_a_same_name_scenario_replaces_the_bundled_one(write_yaml: Callable[[str, str], Path], tmp_path: Path) -> None:
    bundled = (bundled_dir("scenarios") / "support-call-5min.yaml").read_text(encoding="utf-8")
    write_yaml("mine/scenarios/support-call-5min.yaml",
               bundled.replace("calls_per_month: 10000", "calls_per_month: 20000"))
    folder = tmp_path / "mine" / "scenarios"
    result = invoke("compare", "--as-of", ON, "--format", "json", "--stacks", "budget-first", "--scenarios", str(folder))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["calls_per_month"] == {"low": "20000", "high": "20000"}
    # 0.03026625 USD a call (the bundled bill) × 20,000 calls = 605.325 USD a month.
    assert document["rows"][0]["per_month"] == {"low": "605.325", "high": "605.325"}
    assert [(o["kind"], o["id"]) for o in document["overrides"]] == [("scenario", "support-call-5min")]


def test_no_bundled_uses_the_folders_alone(mine: Path) -> None:
    added = json.loads(invoke("stacks", "--format", "json", "--pricing", str(mine)).stdout)
    assert "budget-first" in json.dumps(added) and "my-stack" in json.dumps(added)
    # Alone, the user's folder has one stack, and its llm SKU (openai/gpt-4o-mini) is not in it.
    result = invoke("stacks", "--format", "json", "--pricing", str(mine), "--no-bundled")
    assert result.exit_code == 2
    assert "my-stack.yaml" in result.stderr and "openai/gpt-4o-mini" in result.stderr


def test_one_id_twice_in_the_users_own_folders_is_still_an_error(mine: Path) -> None:
    (mine / "again.yaml").write_text((mine / "negotiated.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke("compare", "--as-of", ON, "--pricing", str(mine))
    assert result.exit_code == 2
    assert "SKU openai/whisper-1 is also defined in" in result.stderr
    assert "again.yaml" in result.stderr or "negotiated.yaml" in result.stderr


def test_validate_checks_the_users_files_against_the_bundled_skus_and_names_overrides(mine: Path) -> None:
    result = invoke("validate", "--pricing", str(mine))
    assert result.exit_code == 0, result.output
    assert "note: sku openai/whisper-1: " in result.stdout
    # Given as files, the stack's bundled SKUs are found too.
    result = invoke("validate", str(mine / "stacks" / "my-stack.yaml"))
    assert result.exit_code == 0, result.output


def test_the_library_adds_only_when_asked(mine: Path) -> None:
    layered = costmodel.load_library(mine, bundled=True)
    assert [(o.kind, o.id, o.path.name, o.replaces.name) for o in layered.overrides] == [
        ("sku", "openai/whisper-1", "negotiated.yaml", "openai.yaml")]
    assert "my-stack" in layered.stacks and "budget-first" in layered.stacks
    assert layered.price("openai/whisper-1", date(2026, 11, 24)).usd_per_audio_minute == Decimal("0.012")
    with pytest.raises(costmodel.UnknownIdError):  # alone, the stack names SKUs the folder does not have
        costmodel.load_library(mine)
