"""The safe loader (decimals, duplicate keys, tags, aliases, bad bytes, odd files) and the catalog's lookups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import costmodel.data.input_files
from costmodel.data.catalog import Catalog, load_catalog, price_in_force
from costmodel.data.models import PricePeriod, PriceSheet, Scenario, Sku
from costmodel.data.reader import load_yaml
from costmodel.data.validation import load_model
from costmodel.errors import InputError, NoPriceError, UnknownIdError

WriteYaml = Callable[[str, str], Path]


def error_of(call: Callable[[], object]) -> str:
    with pytest.raises(InputError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message
    return message


# ---------------------------------------------------------------- numbers


def test_decimals_not_floats(write_yaml: WriteYaml) -> None:
    data = load_yaml(write_yaml("n.yaml", "a: 0.1\nb: 0.2\nc: 1_000.50\n"))
    assert isinstance(data["a"], Decimal)
    # As floats 0.1 + 0.2 is 0.30000000000000004; as decimals it is exactly 0.3.
    assert data["a"] + data["b"] == Decimal("0.3")
    # Underscores are digit separators in YAML 1.1 and trailing zeros are kept (1_000.50 -> 1000.50).
    assert str(data["c"]) == "1000.50"


def test_prices_keep_the_sheets_digits(catalog: Catalog) -> None:
    # openai.yaml writes `usd_per_million_input_tokens: 5.00` for gpt-4o's launch period.
    period = catalog.price("openai/gpt-4o", date(2024, 6, 1))
    assert isinstance(period.usd_per_million_input_tokens, Decimal)
    assert str(period.usd_per_million_input_tokens) == "5.00"


# ---------------------------------------------------------------- what YAML may not do


def test_duplicate_key_names_both_lines(write_yaml: WriteYaml) -> None:
    path = write_yaml("d.yaml", "a: 1\nb: 2\na: 3\n")
    assert error_of(lambda: load_yaml(path)) == (
        f"{path}:3: duplicate key 'a' (first at line 1); YAML would silently keep the last, so remove one"
    )


def test_duplicate_key_in_nested_mapping(write_yaml: WriteYaml) -> None:
    path = write_yaml("d.yaml", "top:\n  x: 1\n  y: 2\n  x: 3\n")
    assert error_of(lambda: load_yaml(path)).startswith(f"{path}:4: duplicate key 'x' (first at line 2)")


def test_duplicate_key_in_a_price_sheet(write_yaml: WriteYaml) -> None:
    # A repeated price in one period: the second usd_per_million_input_tokens is on line 14.
    path = write_yaml("s.yaml", """
        schema_version: 1
        provider: acme
        name: Acme
        skus:
          - id: acme/model
            kind: llm
            name: Model
            periods:
              - effective_from: 2025-01-01
                currency: USD
                source: https://acme.example/pricing
                checked: 2025-02-01
                usd_per_million_input_tokens: 1.00
                usd_per_million_input_tokens: 0.10
        """)
    assert error_of(lambda: load_model(path, PriceSheet)).startswith(
        f"{path}:14: duplicate key 'usd_per_million_input_tokens' (first at line 13)"
    )


def test_python_object_tag_refused(write_yaml: WriteYaml, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = write_yaml("p.yaml", f"a: !!python/object/apply:os.system ['touch {marker}']\n")
    assert error_of(lambda: load_yaml(path)) == (
        f"{path}:1: tag !!python/object/apply:os.system is not allowed; costmodel files hold plain data"
    )
    assert not marker.exists()


def test_alias_bomb_refused(write_yaml: WriteYaml) -> None:
    # Nine levels of ten aliases each: 10**9 values once expanded. Refused from the node graph, before anything
    # walks the expansion (if it were walked, this test would not finish).
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"l{level}: &l{level} [{refs}]")
    path = write_yaml("bomb.yaml", "\n".join(lines) + "\n")
    assert error_of(lambda: load_yaml(path)) == f"{path}:1: aliases expand to over 200,000 values; write the data out instead"


def test_small_aliases_are_fine(write_yaml: WriteYaml) -> None:
    data = load_yaml(write_yaml("a.yaml", "base: &b {x: 1}\ncopy: *b\n"))
    assert data == {"base": {"x": 1}, "copy": {"x": 1}}


def test_recursive_alias_refused(write_yaml: WriteYaml) -> None:
    path = write_yaml("r.yaml", "a: &a [*a]\n")
    assert error_of(lambda: load_yaml(path)) == f"{path}:1: recursive alias: a node contains itself"


def test_non_utf8_bytes_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"schema_version: 1\ntitle: caf\xe9\n")  # 0xe9 is é in Latin-1, on line 2
    assert error_of(lambda: load_yaml(path)) == f"{path}:2: byte 0xe9 is not UTF-8; save the file as UTF-8"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    assert error_of(lambda: load_yaml(path)) == f"{path}:1: file is empty"


def test_comment_only_file(write_yaml: WriteYaml) -> None:
    path = write_yaml("c.yaml", "# just a comment\n\n   # another\n")
    assert error_of(lambda: load_yaml(path)) == f"{path}:1: file is empty"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert error_of(lambda: load_yaml(folder)) == f"{folder}: is a directory, expected a YAML file"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert error_of(lambda: load_yaml(path)) == f"{path}: no such file"


def test_multiple_documents(write_yaml: WriteYaml) -> None:
    path = write_yaml("m.yaml", "a: 1\n---\nb: 2\n")
    assert error_of(lambda: load_yaml(path)) == (
        f"{path}:2: a file holds one YAML document; remove the '---' and what follows, or split the file"
    )


def test_top_level_list(write_yaml: WriteYaml) -> None:
    path = write_yaml("l.yaml", "- a\n- b\n")
    assert error_of(lambda: load_model(path, Scenario)) == (
        f"{path}:1: expected a mapping of fields (name: value) at the top, got a list"
    )


def test_top_level_scalar(write_yaml: WriteYaml) -> None:
    path = write_yaml("s.yaml", "hello\n")
    assert error_of(lambda: load_model(path, Scenario)) == (
        f"{path}:1: expected a mapping of fields (name: value) at the top, got a single value"
    )


def test_file_over_size_limit(write_yaml: WriteYaml, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(costmodel.data.input_files, "MAX_FILE_BYTES", 10)
    path = write_yaml("big.yaml", "a: 1\nb: 2\nc: 3\n")  # 3 lines of 5 bytes = 15 bytes
    assert error_of(lambda: load_yaml(path)) == f"{path}: file is 15 bytes, over the 10-byte limit; split it"


def test_tab_indentation(write_yaml: WriteYaml) -> None:
    path = write_yaml("t.yaml", "a:\n\tb: 1\n")
    message = error_of(lambda: load_yaml(path))
    assert message.startswith(f"{path}:2: found a character that cannot start a value: indent with spaces")


def test_unclosed_bracket(write_yaml: WriteYaml) -> None:
    path = write_yaml("b.yaml", "a: [1, 2\nb: 3\n")
    message = error_of(lambda: load_yaml(path))
    assert message.startswith(f"{path}:2: ")


def test_impossible_date(write_yaml: WriteYaml) -> None:
    path = write_yaml("d.yaml", "a: 1\nwhen: 2025-13-45\n")
    assert error_of(lambda: load_yaml(path)) == f"{path}:2: cannot read value '2025-13-45': month must be in 1..12"


def test_list_as_mapping_key(write_yaml: WriteYaml) -> None:
    path = write_yaml("k.yaml", "? [a, b]\n: 1\n")
    assert error_of(lambda: load_yaml(path)) == f"{path}:1: a mapping key must be a plain value, not a list or mapping"


# ---------------------------------------------------------------- cross-references (catalog)


def break_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_copy(root: Path) -> Catalog:
    return load_catalog(root / "pricing", root / "scenarios")


def test_bundled_copy_loads(bundled_copy: Path, catalog: Catalog) -> None:
    copy = load_copy(bundled_copy)
    assert sorted(copy.skus) == sorted(catalog.skus)
    assert sorted(copy.stacks) == sorted(catalog.stacks)


def test_stack_naming_unknown_sku(bundled_copy: Path) -> None:
    # gpt-realtime.yaml: comment, schema_version, title, architecture, components:, then the component on line 6.
    path = bundled_copy / "pricing" / "stacks" / "gpt-realtime.yaml"
    break_file(path, "sku: openai/gpt-realtime}", "sku: openai/gpt-realtim}")
    with pytest.raises(UnknownIdError) as caught:
        load_copy(bundled_copy)
    assert str(caught.value).startswith(
        f"{path}:6: components[0].sku: unknown SKU 'openai/gpt-realtim'; did you mean openai/gpt-realtime"
    )
    assert "openai/gpt-realtime" in caught.value.suggestions


def test_stack_role_kind_mismatch(bundled_copy: Path) -> None:
    path = bundled_copy / "pricing" / "stacks" / "gpt-realtime.yaml"
    break_file(path, "sku: openai/gpt-realtime}", "sku: openai/gpt-4o-mini}")
    assert error_of(lambda: load_copy(bundled_copy)) == (
        f"{path}:6: components[0].sku: role audio-llm needs a SKU of kind audio-llm, but openai/gpt-4o-mini is llm; "
        "see costmodel prices --kind audio-llm"
    )


def test_stack_unknown_workload(bundled_copy: Path) -> None:
    # privacy-first.yaml: the first component (whisper) is on line 13, after a six-line folded description.
    path = bundled_copy / "pricing" / "stacks" / "privacy-first.yaml"
    break_file(path, "workload: whisper-large-v3", "workload: whisper-large-v2")
    assert error_of(lambda: load_copy(bundled_copy)) == (
        f"{path}:13: components[0].workload: unknown workload on aws/g5.xlarge 'whisper-large-v2'; "
        "did you mean whisper-large-v3?"
    )


def test_same_sku_in_two_sheets(bundled_copy: Path, write_yaml: WriteYaml) -> None:
    # A second sheet re-defining openai/gpt-4o, named so it loads after openai.yaml.
    extra = write_yaml("pricing/zz-openai.yaml", """
        schema_version: 1
        provider: openai
        name: Again
        skus:
          - id: openai/gpt-4o
            kind: llm
            name: GPT-4o
            periods:
              - {effective_from: 2025-01-01, currency: USD, source: somewhere, checked: 2025-01-02,
                 usd_per_million_input_tokens: 1}
        """)
    assert error_of(lambda: load_copy(bundled_copy)) == (
        f"{extra}: SKU openai/gpt-4o is also defined in {bundled_copy / 'pricing' / 'openai.yaml'}"
    )


def test_missing_pricing_folder(tmp_path: Path) -> None:
    assert error_of(lambda: load_catalog(tmp_path / "nope", tmp_path)) == f"{tmp_path / 'nope'}: no such folder"


def test_unknown_sku_suggests(catalog: Catalog) -> None:
    with pytest.raises(UnknownIdError) as caught:
        catalog.sku("openai/gpt-4")
    assert str(caught.value).startswith("unknown SKU 'openai/gpt-4'; did you mean openai/gpt-4o")


def test_unknown_stack_suggests(catalog: Catalog) -> None:
    with pytest.raises(UnknownIdError) as caught:
        catalog.stack("gpt-realtim")
    assert caught.value.suggestions[0] == "gpt-realtime"


def test_unknown_scenario_suggests(catalog: Catalog) -> None:
    with pytest.raises(UnknownIdError) as caught:
        catalog.scenario("support-call")
    assert str(caught.value) == "unknown scenario 'support-call'; did you mean support-call-5min or support-call-10-turns?"


def test_unknown_scenario_without_close_match_lists_known(catalog: Catalog) -> None:
    message = error_of(lambda: catalog.scenario("zzzz"))
    assert message == f"unknown scenario 'zzzz' (known: {', '.join(sorted(catalog.scenarios))})"


def test_unknown_currency(catalog: Catalog) -> None:
    assert error_of(lambda: catalog.fx_rate("XYZ", date(2025, 1, 1))).startswith("unknown currency 'XYZ'")


def test_no_fx_rate_before_the_first(catalog: Catalog) -> None:
    with pytest.raises(NoPriceError) as caught:
        catalog.fx_rate("GBP", date(1990, 1, 1))
    assert "no GBP exchange rate in force on 1990-01-01" in str(caught.value)


# ---------------------------------------------------------------- prices in force on a date


def make_sku(withdrawn_on: date | None = None) -> Sku:
    def period(start: date, price: str) -> PricePeriod:
        return PricePeriod(effective_from=start, currency="USD", source="https://acme.example", checked=date(2025, 1, 1),
                           usd_per_million_input_tokens=Decimal(price))

    return Sku(id="acme/model", kind="llm", name="Model", withdrawn_on=withdrawn_on,
               periods=[period(date(2025, 1, 1), "2.00"), period(date(2025, 3, 1), "1.00")])


def test_no_price_the_day_before_the_first_period() -> None:
    with pytest.raises(NoPriceError) as caught:
        price_in_force(make_sku(), date(2024, 12, 31))
    assert str(caught.value) == "no price in force for acme/model on 2024-12-31; its first price starts 2025-01-01"


@pytest.mark.parametrize(
    "on,price",
    [
        (date(2025, 1, 1), "2.00"),  # the first period's own day
        (date(2025, 2, 28), "2.00"),  # the day before the second period
        (date(2025, 3, 1), "1.00"),  # the second period's own day
        (date(2030, 1, 1), "1.00"),  # the last period runs on until withdrawn
    ],
)
def test_price_in_force_at_boundaries(on: date, price: str) -> None:
    assert price_in_force(make_sku(), on).usd_per_million_input_tokens == Decimal(price)


def test_withdrawn_on_boundary() -> None:
    sku = make_sku(withdrawn_on=date(2025, 6, 1))
    assert price_in_force(sku, date(2025, 5, 31)).usd_per_million_input_tokens == Decimal("1.00")
    with pytest.raises(NoPriceError) as caught:
        price_in_force(sku, date(2025, 6, 1))
    assert str(caught.value) == "acme/model was withdrawn on 2025-06-01; no price is in force on 2025-06-01"


def test_catalog_price_for_gpt_4o(catalog: Catalog) -> None:
    # openai.yaml: 5.00/15.00 from 2024-05-13, 2.50/10.00 from 2024-10-02.
    assert error_of(lambda: catalog.price("openai/gpt-4o", date(2024, 5, 12))).startswith("no price in force for openai/gpt-4o")
    launch = catalog.price("openai/gpt-4o", date(2024, 10, 1))
    assert (launch.usd_per_million_input_tokens, launch.usd_per_million_output_tokens) == (Decimal(5), Decimal(15))
    cut = catalog.price("openai/gpt-4o", date(2024, 10, 2))
    assert (cut.usd_per_million_input_tokens, cut.usd_per_million_output_tokens) == (Decimal("2.5"), Decimal(10))


def test_no_price_error_is_input_error() -> None:
    # Exit status 2 from the CLI: a missing price is bad input, never $0.
    assert issubclass(NoPriceError, InputError)
    assert NoPriceError("x").exit_code == 2
