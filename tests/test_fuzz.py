"""Bounded fuzzing of the YAML loaders (hypothesis, runs in CI): arbitrary text, YAML-shaped token soup and mutated
bundled files. Every outcome is a loaded model or an InputError with a one-line message; never another exception.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from costmodel.analyses.compare import compare
from costmodel.core.overrides import apply_settings, parse_price_change, parse_settings
from costmodel.data.catalog import bundled_dir, load_catalog
from costmodel.data.models import SCENARIO_FIELDS, FxSheet, PriceSheet, Scenario, Stack
from costmodel.data.reader import parse_yaml
from costmodel.data.validation import load_model, validate
from costmodel.errors import InputError

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

MODELS = (PriceSheet, Stack, Scenario, FxSheet)


def _bundled_files() -> list[tuple[Path, type]]:
    pricing, scenarios = bundled_dir("pricing"), bundled_dir("scenarios")
    files: list[tuple[Path, type]] = [(p, FxSheet if p.stem == "fx" else PriceSheet) for p in sorted(pricing.glob("*.yaml"))]
    files += [(p, Stack) for p in sorted((pricing / "stacks").glob("*.yaml"))]
    files += [(p, Scenario) for p in sorted(scenarios.glob("*.yaml"))]
    return files


BUNDLED_FILES = _bundled_files()


def outcome(action: Callable[[], object]) -> InputError | None:
    """Run a load; an InputError is a fine outcome, as is success. Anything else fails the test."""
    try:
        action()
    except InputError as error:
        message = str(error)
        assert message and "\n" not in message and "Traceback" not in message
        return error
    return None


def parse_and_validate(text: str, model: type) -> None:
    path = "fuzz.yaml"
    data = parse_yaml(text, path)
    validate(model, data, path, text)


# -------------------------------------------------------------------------------------------- generators

YAML_TOKENS = [
    "\n", "\n", "  ", "    ", "- ", ": ", ":", "? ", "{", "}", "[", "]", ",", "'", '"', "#", "|", ">", "---\n", "...\n",
    "&a ", "*a", "&b ", "*b", "<<: ", "!!str ", "!!float ", "!!binary ", "!!set ", "!!python/object/apply:os.system ",
    "!custom ", "%YAML 1.1\n", "1", "1.5", "-2.0", ".inf", ".nan", "1e5", "1.0e+999999", "0x1F", "0o17", "1:30", "1_000",
    "2025-01-01", "2025-02-30", "null", "~", "yes", "no", "true", "\t", "\ufeff", "\x00", "\r", "\x85", "\u2028", "é",
    "schema_version", "provider", "skus", "id", "kind", "periods", "effective_from", "currency", "USD",
    "usd_per_million_input_tokens", "low", "high", "calls_per_month", "turns", "caller_audio_seconds", "components",
    "role", "sku", "acme/chat", "llm", "source", "checked", "title", "rates", "per_usd", "base",
]

yaml_soup = st.lists(st.sampled_from(YAML_TOKENS), max_size=80).map("".join)


@st.composite
def mutated_bundled(draw: st.DrawFn) -> tuple[Path, type, str]:
    """A bundled file with a few random edits: cut a slice, repeat a line, insert a token, swap two lines."""
    path, model = draw(st.sampled_from(BUNDLED_FILES))
    text = path.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        lines = text.splitlines(keepends=True)
        kind = draw(st.sampled_from(["cut", "repeat", "insert", "swap", "replace"]))
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if kind == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "repeat" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "".join(lines)
        elif kind == "insert":
            text = text[:at] + draw(st.sampled_from(YAML_TOKENS)) + text[at:]
        elif kind == "swap" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
        elif kind == "replace" and text:
            # Lone surrogates cannot be written as UTF-8 at all; invalid bytes are fuzzed by the binary test.
            text = text[:at] + draw(st.characters(exclude_categories=["Cs"])) + text[at + 1:]
    return path, model, text


# ----------------------------------------------------------------------------------------------- fuzz tests


@FUZZ
@given(text=st.text(max_size=400), model=st.sampled_from(MODELS))
def test_arbitrary_text_loads_or_is_an_input_error(text: str, model: type) -> None:
    outcome(lambda: parse_and_validate(text, model))


@FUZZ
@given(text=yaml_soup, model=st.sampled_from(MODELS))
@example(text="!!float ", model=PriceSheet)  # PyYAML raised IndexError on an empty !!float
@example(text="checked: !!timestamp x", model=PriceSheet)  # and AttributeError on a malformed !!timestamp
def test_yaml_shaped_soup_loads_or_is_an_input_error(text: str, model: type) -> None:
    outcome(lambda: parse_and_validate(text, model))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(raw=st.binary(max_size=400), model=st.sampled_from(MODELS))
def test_arbitrary_bytes_in_a_file_load_or_are_an_input_error(scratch: Path, raw: bytes, model: type) -> None:
    path = scratch / "bytes.yaml"
    path.write_bytes(raw)
    error = outcome(lambda: load_model(path, model))
    if error is not None:
        assert error.path == str(path)


@FUZZ
@given(case=mutated_bundled())
def test_mutated_bundled_files_load_or_give_a_path_line_error(scratch: Path, case: tuple[Path, type, str]) -> None:
    original, model, text = case
    path = scratch / original.name
    path.write_text(text, encoding="utf-8")
    error = outcome(lambda: load_model(path, model))
    if error is not None:
        assert error.path == str(path)


@pytest.fixture(scope="module")
def library_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("library")
    for name in ("pricing", "scenarios"):
        shutil.copytree(bundled_dir(name), root / name)
    return root


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated_bundled())
def test_a_mutated_file_in_the_library_still_loads_and_compares_or_is_an_input_error(
    library_copy: Path, case: tuple[Path, type, str]
) -> None:
    # End to end: catalog cross-checks and the engine must also cope with whatever a mutation lets through.
    original, _, text = case
    relative = original.relative_to(original.parents[1] if original.parent.name == "stacks" else original.parent)
    folder = library_copy / ("scenarios" if original.parent.name == "scenarios" else "pricing")
    target = folder / relative
    target.write_text(text, encoding="utf-8")
    try:

        def load_and_compare() -> None:
            catalog = load_catalog(library_copy / "pricing", library_copy / "scenarios")
            for scenario in sorted(catalog.scenarios)[:2]:
                compare(catalog, scenario, as_of=date(2026, 11, 1))

        outcome(load_and_compare)
    finally:
        shutil.copyfile(original, target)


flag_values = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(["1", "0", "-", "..", "–", ".", "e", "9", "999999999", "*", "%", "_", " ", "nan", "inf"]),
             max_size=8).map("".join),
)


@FUZZ
@given(field=st.sampled_from(SCENARIO_FIELDS), value=flag_values)
def test_set_values_apply_or_are_an_input_error(field: str, value: str) -> None:
    scenario = load_model(bundled_dir("scenarios") / "support-call-10-turns.yaml", Scenario)
    outcome(lambda: apply_settings(scenario, parse_settings([f"{field}={value}"])))


@FUZZ
@given(text=st.one_of(st.text(max_size=60), st.builds(lambda v: f"openai/gpt-4o-mini.input={v}", flag_values)))
def test_price_flags_parse_or_are_an_input_error(text: str) -> None:
    outcome(lambda: parse_price_change(text))
