"""The loaded library as plain records: the same fields as the file-format models, converted once, pydantic-free warm."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from costmodel.analyses.estimate import estimate
from costmodel.data import models, records
from costmodel.data.catalog import Catalog, bundled_dir
from costmodel.data.meters import PRICE_FIELDS
from costmodel.data.validation import load_model
from tests.import_probe import modules_imported_by

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(records.RECORDS))
def test_every_record_has_exactly_its_models_fields(name: str) -> None:
    model = getattr(models, name)
    record_fields = [f.name for f in fields(records.RECORDS[name]) if f.name not in records.NOT_MODEL_FIELDS.get(name, ())]
    model_fields = list(model.model_fields)
    if name == "PricePeriod":
        prices = [field for field in model_fields if field in PRICE_FIELDS]
        assert prices == list(PRICE_FIELDS)  # the model's price fields are the registry's rows
        model_fields = [field for field in model_fields if field not in PRICE_FIELDS]
        assert sorted(record_fields) == sorted(model_fields)
    else:
        assert record_fields == model_fields


def test_scenario_fields_and_bounds_are_the_models() -> None:
    assert records.SCENARIO_FIELDS == models.SCENARIO_FIELDS
    for name in records.SCENARIO_FIELDS:
        assert records.scenario_bounds(name) == models.scenario_bounds(name), name


def _same(record: Any, model: Any) -> bool:
    """A record value equals a model value: field by field, lists item by item, Ranges end by end."""
    if isinstance(model, list):
        return isinstance(record, list) and len(record) == len(model) and all(map(_same, record, model))
    if hasattr(type(model), "model_fields"):
        assert type(record).__name__ == type(model).__name__
        given = records.record_dict(record)
        return list(given) == list(type(model).model_fields) and all(
            _same(given[name], getattr(model, name)) for name in type(model).model_fields
        )
    return type(record) is type(model) and bool(record == model)


def test_the_bundled_library_converts_field_by_field(catalog: Catalog) -> None:
    seen = 0
    for path in sorted((bundled_dir("pricing")).glob("*.yaml")):
        if path.stem == "fx":
            fx = load_model(path, models.FxSheet)
            assert _same(catalog.fx, fx)
            continue
        for sku in load_model(path, models.PriceSheet).skus:
            assert _same(catalog.sku(sku.id), sku), sku.id
            seen += 1
    assert seen == len(catalog.skus)
    for path in sorted((bundled_dir("pricing") / "stacks").glob("*.yaml")):
        assert _same(catalog.stack(path.stem), load_model(path, models.Stack)), path.stem
    for path in sorted(bundled_dir("scenarios").glob("*.yaml")):
        model = load_model(path, models.Scenario)
        assert _same(catalog.scenario(path.stem), model), path.stem
        assert catalog.scenario(path.stem).fields_set == model.model_fields_set


def test_the_catalog_holds_records_only(catalog: Catalog) -> None:
    assert all(type(sku) is records.Sku for sku in catalog.skus.values())
    assert all(type(p) is records.PricePeriod for sku in catalog.skus.values() for p in sku.periods)
    assert all(type(stack) is records.Stack for stack in catalog.stacks.values())
    assert all(type(scenario) is records.Scenario for scenario in catalog.scenarios.values())
    assert type(catalog.fx) is records.FxSheet


def test_records_pickle_and_unpickle(catalog: Catalog) -> None:
    again = pickle.loads(pickle.dumps(catalog))
    assert again.skus == catalog.skus
    assert again.stacks == catalog.stacks
    assert again.scenarios == catalog.scenarios
    assert again.fx == catalog.fx
    scenario = next(iter(catalog.scenarios))
    assert again.scenarios[scenario].fields_set == catalog.scenarios[scenario].fields_set


def test_a_price_period_answers_like_the_model() -> None:
    period = records.PricePeriod(
        source="https://example.com", checked=date(2026, 1, 1), estimate=False, note=None,
        effective_from=date(2026, 1, 1), currency="USD", effective_from_basis="sourced", source_kind="vendor",
        billing_increment_seconds=Decimal(1),
        minimum_billed_seconds=Decimal(0),
        priced={"usd_per_million_input_tokens": Decimal("0.6"), "usd_per_audio_minute": records.Range(Decimal(1), Decimal(2))},
    )
    assert period.price("usd_per_million_input_tokens") == Decimal("0.6")
    assert period.price("usd_per_million_output_tokens") is None
    assert period.prices() == period.priced
    assert list(records.record_dict(period)) == list(models.PricePeriod.model_fields)


def test_the_engine_takes_a_file_format_scenario_too(catalog: Catalog) -> None:
    scenario_id = "support-call-5min"
    path = bundled_dir("scenarios") / f"{scenario_id}.yaml"
    model = load_model(path, models.Scenario)
    stack = sorted(catalog.stacks)[0]
    on = date(2026, 5, 5)
    from_model = estimate(catalog, model, stack, as_of=on)
    from_record = estimate(catalog, catalog.scenario(scenario_id), stack, as_of=on)
    assert from_model.per_call == from_record.per_call


def test_a_warm_compare_imports_no_pydantic_model_machinery(tmp_path: Path) -> None:
    env = {**os.environ, "COSTMODEL_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("COSTMODEL_CACHE", None)
    command = [sys.executable, "-m", "costmodel", "compare"]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True, timeout=120)  # primes the cache
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "costmodel", "compare"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "pydantic.main" not in imported
    assert "costmodel.data.models" not in imported
    assert "costmodel.data.records" in imported
    script = (
        "import costmodel\n"
        "library = costmodel.load_library()\n"
        "costmodel.compare(library, 'support-call-5min')\n"
    )
    assert not {"pydantic.main", "costmodel.data.models"} & modules_imported_by(script, cwd=ROOT, env=env)


def test_stack_component_record_defaults_are_the_formats() -> None:
    # Shared components show only fields that differ from these defaults (core/shared.py), so they must not drift.
    record = {f.name: f.default for f in fields(records.StackComponent) if f.default is not dataclasses.MISSING}
    model = {name: info.default for name, info in models.StackComponent.model_fields.items() if not info.is_required()}
    assert record == model
