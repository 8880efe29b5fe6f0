"""Hostile inputs, part A: non-regular files, byte bounds, NUL and UTF-16/32, the one range rule for numbers,
YAML 1.1 integer spellings and duplicate ids, each a clean one-line error (exit 2) within a bounded time.

The tiny library below is the one tests/test_adversarial.py uses, so line numbers can be counted by eye.
Anything that could hang (a FIFO, /dev/zero) runs in a subprocess with a generous timeout, which only turns a
hang into a failure.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import costmodel.data.input_files
from costmodel.cli import cli
from costmodel.core.overrides import parse_number, parse_price_change, parse_quantity
from costmodel.data import records
from costmodel.data.input_files import read_bytes
from costmodel.data.models import Range, out_of_range
from costmodel.data.reader import load_yaml
from costmodel.errors import InputError

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
# line: 13 input price, 14 output price, 15 effective_from_basis (last, so the lines above keep their numbers)

STACK = """\
schema_version: 1
title: Acme chat only
architecture: cascade
components:
  - role: llm
    sku: acme/chat
"""

SCENARIO = """\
schema_version: 1
title: One-minute call
calls_per_month: 1000
caller_audio_seconds: 60
agent_text_tokens: 100
"""
# line: 3 calls_per_month, 4 caller_audio_seconds, 5 agent_text_tokens

TEMPLATE = "# Costs\n\nA call costs {{ cost(\"call\", \"chat\") }}.\n"

LIMIT_SECONDS = 60
"""Generous: each case finishes in well under a second; the timeout only turns a hang into a failure."""


def library(tmp_path: Path, scenario: str = SCENARIO, sheet: str = SHEET) -> Path:
    root = tmp_path / "lib"
    (root / "pricing" / "stacks").mkdir(parents=True)
    (root / "scenarios").mkdir()
    (root / "pricing" / "acme.yaml").write_text(sheet, encoding="utf-8")
    (root / "pricing" / "stacks" / "chat.yaml").write_text(STACK, encoding="utf-8")
    (root / "scenarios" / "call.yaml").write_text(scenario, encoding="utf-8")
    return root


def data_flags(root: Path) -> list[str]:
    return ["--pricing", str(root / "pricing"), "--scenarios", str(root / "scenarios")]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process, so a blocking read fails the test instead of hanging the run."""
    return subprocess.run(
        [sys.executable, "-m", "costmodel", *args], capture_output=True, text=True, timeout=LIMIT_SECONDS
    )


def one_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def fails(args: list[str]) -> str:
    """In-process CLI run expecting bad input: exit 2, one stderr line, no traceback."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def file_error(root: Path) -> str:
    """A broken library's error, which `compare` and `validate DIR...` must report identically."""
    line = fails(["compare", "call", *data_flags(root)])
    assert fails(["validate", str(root / "pricing"), str(root / "scenarios")]) == line
    return line


# ------------------------------------------------------------------------------------ non-regular files


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")


@needs_fifo
def test_fifo_named_yaml_in_a_data_folder_is_refused_not_waited_on(tmp_path: Path) -> None:
    root = library(tmp_path)
    fifo = root / "scenarios" / "zz.yaml"
    os.mkfifo(fifo)
    assert one_error(run("compare", "call", *data_flags(root))) == f"{fifo}: not a regular file"
    assert one_error(run("validate", str(root / "scenarios"))) == f"{fifo}: not a regular file"


@needs_fifo
def test_fifo_as_template_and_as_article_is_refused(tmp_path: Path) -> None:
    root = library(tmp_path)
    fifo = tmp_path / "article.md"
    os.mkfifo(fifo)
    assert one_error(run("render", str(fifo), *data_flags(root))) == f"{fifo}: not a regular file"
    good_claims = tmp_path / "good.claims.yaml"
    good_claims.write_text(
        'schema_version: 1\ntitle: T\narticle_date: 2025-06-01\nclaims:\n  - id: c\n    quote: "costs 1"\n'
        '    printed: 1\n    compute: cost("call", "chat")\n',
        encoding="utf-8",
    )
    assert one_error(run("audit", str(fifo), "--claims", str(good_claims), *data_flags(root))) == (
        f"{fifo}: not a regular file"
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_symlink_to_a_device_is_refused_before_reading(tmp_path: Path, device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} does not exist here")
    root = library(tmp_path)
    link = root / "scenarios" / "zz.yaml"
    link.symlink_to(device)
    assert one_error(run("compare", "call", *data_flags(root))) == f"{link}: not a regular file"
    link.unlink()
    template = tmp_path / "t.md"
    template.symlink_to(device)
    assert one_error(run("render", str(template), *data_flags(root))) == f"{template}: not a regular file"


def test_directory_and_missing_file_keep_their_messages(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").mkdir()
    with pytest.raises(InputError) as raised:
        load_yaml(tmp_path / "d.yaml")
    assert str(raised.value) == f"{tmp_path / 'd.yaml'}: is a directory, expected a YAML file"
    with pytest.raises(InputError) as raised:
        load_yaml(tmp_path / "gone.yaml")
    assert str(raised.value) == f"{tmp_path / 'gone.yaml'}: no such file"
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputError) as raised:
        load_yaml(tmp_path / "dangling.yaml")
    assert str(raised.value) == f"{tmp_path / 'dangling.yaml'}: no such file"


def test_size_bound_holds_even_when_the_size_lies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A file whose fstat reports 0 bytes (as /proc files and growing files do) is still cut at limit + 1 bytes:
    # 20 bytes against a 10-byte limit, so the reader sees 11 bytes and refuses.
    path = tmp_path / "grows.yaml"
    path.write_bytes(b"a: 1\nb: 2\nc: 3\nd: 4\n")  # 4 lines of 5 bytes = 20 bytes
    real_fstat = os.fstat

    def lying_fstat(fd: int) -> os.stat_result:
        values = list(real_fstat(fd))
        values[6] = 0  # st_size
        return os.stat_result(values)

    reads: list[int] = []
    real_read = os.read

    def counting_read(fd: int, size: int) -> bytes:
        reads.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(costmodel.data.input_files.os, "fstat", lying_fstat)
    monkeypatch.setattr(costmodel.data.input_files.os, "read", counting_read)
    with pytest.raises(InputError) as raised:
        read_bytes(path, limit=10)
    assert str(raised.value) == f"{path}: file is over the 10-byte limit; split it"
    assert sum(reads) <= 11


def test_report_hashes_inputs_through_the_reader(tmp_path: Path) -> None:
    # The report fingerprints every input; a file swapped for a FIFO after loading must not hang it.
    from costmodel.data.catalog import Catalog
    from costmodel.views.report.build import input_files

    path = tmp_path / "pricing" / "acme.yaml"
    path.parent.mkdir()
    path.write_text("x: 1\n", encoding="utf-8")
    # The expected digest is hashlib's own of the same five bytes, not the program's output.
    assert input_files(Catalog(files=[path]))[0].sha256 == hashlib.sha256(b"x: 1\n").hexdigest()
    if hasattr(os, "mkfifo"):
        path.unlink()
        os.mkfifo(path)
        # In a child process: were the read to block, the timeout turns the hang into a failure.
        code = (
            "import sys; from pathlib import Path; from costmodel.data.catalog import Catalog; "
            "from costmodel.errors import InputError; from costmodel.views.report.build import input_files\n"
            "try:\n    input_files(Catalog(files=[Path(sys.argv[1])]))\n"
            "except InputError as exc:\n    print(exc)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=LIMIT_SECONDS
        )
        assert done.stdout == f"{path}: not a regular file\n", done


# ---------------------------------------------------------------------------------- alias byte bound


def test_aliases_of_a_long_string_are_bounded_in_bytes(tmp_path: Path) -> None:
    # One 4 MiB string aliased 9 times: 10 x 4 MiB = 40 MiB of text from an ~4 MiB file, over the 32 MiB bound
    # (4 x the 8 MiB file limit), with only 11 values, far under the 200,000-value bound.
    text = "a: &x " + "A" * (4 * 1024 * 1024) + "\nb: [" + ", ".join(["*x"] * 9) + "]\n"
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    line = one_error(run("validate", str(path)))
    assert line == f"{path}:1: aliases expand to over 33,554,432 bytes of text; write the data out instead"


def test_alias_keys_count_toward_the_byte_bound(tmp_path: Path) -> None:
    # Keys are text too: nine mappings each keyed by the 4 MiB string alias = 36 MiB plus the anchor's 4 MiB.
    maps = ", ".join(["{*x : 1}"] * 9)
    path = tmp_path / "keys.yaml"
    path.write_text("a: &x " + "K" * (4 * 1024 * 1024) + f"\nb: [{maps}]\n", encoding="utf-8")
    line = one_error(run("validate", str(path)))
    assert line == f"{path}:1: aliases expand to over 33,554,432 bytes of text; write the data out instead"


def test_a_few_short_aliases_are_still_fine(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("a: &x hello\nb: [*x, *x, *x]\n", encoding="utf-8")
    assert load_yaml(path) == {"a": "hello", "b": ["hello", "hello", "hello"]}


def test_millions_of_tiny_values_are_refused_quickly(tmp_path: Path) -> None:
    # 8 MB of `[0,0,0,...]` is 4 million values: parsing it all took minutes and gigabytes. Refused before any
    # value is built: over MAX_VALUES (300,000) on line 2, where the list is.
    path = tmp_path / "dense.yaml"
    path.write_text("schema_version: 1\nx: [" + ",".join(["0"] * 4_000_000) + "]\n", encoding="utf-8")
    line = one_error(run("validate", str(path)))
    assert line == f"{path}:2: file holds over 300,000 values; split it (one price sheet per provider)"


def test_a_file_just_under_the_value_bound_is_read(tmp_path: Path) -> None:
    # Values by hand: the top mapping 1 + the key "x" 1 + the list 1 + 299,997 items = 300,000, exactly the
    # bound (allowed); one item more is 300,001 (refused).
    path = tmp_path / "dense.yaml"
    path.write_text("x: [" + ",".join(["0"] * 299_997) + "]\n", encoding="utf-8")
    assert len(load_yaml(path)["x"]) == 299_997
    path.write_text("x: [" + ",".join(["0"] * 299_998) + "]\n", encoding="utf-8")
    with pytest.raises(InputError, match="over 300,000 values"):
        load_yaml(path)


# ------------------------------------------------------------------------------------ NUL and UTF-16/32


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"),
     ("utf-32-le", "UTF-32")],
)
def test_wide_encodings_are_named_on_line_1(tmp_path: Path, encoding: str, name: str) -> None:
    root = library(tmp_path)
    path = root / "scenarios" / "call.yaml"
    path.write_bytes(SCENARIO.encode(encoding))  # "utf-16-le" and "-be" write no byte order mark
    assert file_error(root) == f"{path}:1: file is {name}; save it as UTF-8"


def test_nul_byte_is_named_with_its_line(tmp_path: Path) -> None:
    root = library(tmp_path)
    path = root / "scenarios" / "call.yaml"
    # The NUL sits in the value on line 4 (caller_audio_seconds).
    path.write_bytes(SCENARIO.replace("caller_audio_seconds: 60", "caller_audio_seconds: 6\x000").encode())
    assert file_error(root) == f"{path}:4: NUL byte (0x00): a text file holds none; save the file as UTF-8 text"


def test_nul_byte_in_a_template_is_named_with_its_line(tmp_path: Path) -> None:
    root = library(tmp_path)
    template = tmp_path / "t.md"
    template.write_bytes(b"# Title\n\nline three\x00\n")
    line = fails(["render", str(template), *data_flags(root)])
    assert line == f"{template}:3: NUL byte (0x00): a text file holds none; save the file as UTF-8 text"


# -------------------------------------------------------------------------------------- one range rule


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("1e999999", "1E+999999"),  # no dot: YAML 1.1 reads a string, pydantic makes it a Decimal
        ('"1.0e+999999"', "1.0E+999999"),  # quoted
        ("1e-40", "1E-40"),  # tiny, a string again
        ("1.0e-40", "1.0e-40"),  # tiny, a YAML float
        ('"1e31"', "1E+31"),
        ("1.0000000000000000000000000000001e+30", "1.0000000000000000000000000000001e+30"),  # just over 1e30
    ],
)
def test_numbers_of_every_spelling_obey_the_range_rule(tmp_path: Path, written: str, shown: str) -> None:
    root = library(tmp_path, scenario=SCENARIO.replace("caller_audio_seconds: 60", f"caller_audio_seconds: {written}"))
    line = file_error(root)
    path = root / "scenarios" / "call.yaml"
    assert line.startswith(f"{path}:4: "), line
    assert f"{shown} is out of range; numbers must be 0 or lie within 1e-30 to 1e+30 in size" in line


def test_range_bounds_are_inclusive() -> None:
    assert not out_of_range(Range(low="1e-30", high="1e30").low)  # type: ignore[arg-type]
    assert not out_of_range(Range(low=0, high="1e30").high)  # type: ignore[arg-type]
    for value in ("9.99e-31", "1.0000001e30", "-1e31", "1e999999999"):
        assert out_of_range(Decimal(value)), value


def test_range_rule_covers_numbers_in_ranges_and_prices(tmp_path: Path) -> None:
    low = SCENARIO.replace("calls_per_month: 1000", "calls_per_month: {low: 1e-40, high: 10}")
    line = file_error(library(tmp_path / "a", scenario=low))
    assert " 1E-40 is out of range" in line and line.startswith(f"{tmp_path / 'a' / 'lib' / 'scenarios' / 'call.yaml'}:3:")
    price = SHEET.replace("usd_per_million_input_tokens: 1.00", 'usd_per_million_input_tokens: "1e-31"')
    line = file_error(library(tmp_path / "b", sheet=price))
    assert line.startswith(f"{tmp_path / 'b' / 'lib' / 'pricing' / 'acme.yaml'}:13:"), line
    assert "1E-31 is out of range" in line


def test_whole_number_fields_obey_the_ceiling_too(tmp_path: Path) -> None:
    # min_gpus is an int field; 10**31 written as a YAML int is refused by the loader's int check, and the same
    # rule holds for a quoted "10...0" that pydantic turns into an int.
    from costmodel.data.models import StackComponent

    with pytest.raises(ValueError, match="out of range"):
        StackComponent.model_validate(
            {"role": "self-hosted-llm", "sku": "acme/gpu", "workload": "llama", "min_gpus": "1" + "0" * 31}
        )


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        (["--set", "turns=1e31"], "--set turns: '1e31' is out of range"),
        (["--set", "caller_audio_seconds=1e-40"], "--set caller_audio_seconds: '1e-40' is out of range"),
        (["--set", "caller_audio_seconds=1..1e31"], "--set caller_audio_seconds: '1e31' is out of range"),
        (["--set", "caller_audio_seconds=1e-31..1"], "--set caller_audio_seconds: '1e-31' is out of range"),
        (["--price", "acme/chat.input=*1e31"], "--price acme/chat.input=*1e31: '1e31' is out of range"),
        (["--price", "acme/chat.input=*1e-40"], "--price acme/chat.input=*1e-40: '1e-40' is out of range"),
        (["--price", "acme/chat.input=1e999999%"], "--price acme/chat.input=1e999999%: '1e999999' is out of range"),
        (["--price", "acme/chat.input=0..1e-31"], "--price acme/chat.input=0..1e-31: '1e-31' is out of range"),
    ],
)
def test_flag_numbers_obey_the_same_rule(tmp_path: Path, flag: list[str], message: str) -> None:
    root = library(tmp_path)
    line = fails(["compare", "call", *flag, *data_flags(root)])
    assert line.startswith(f"Error: {message}"), line


def test_a_factor_that_pushes_a_price_out_of_range_is_refused(tmp_path: Path) -> None:
    # A price of 0.5 scaled by 1e-30 is 0.5 x 1e-30 = 5e-31 (Decimal writes 5E-31), under the 1e-30 floor;
    # the factor alone is in range, so only the re-validated price can catch it.
    sheet = SHEET.replace("usd_per_million_input_tokens: 1.00", "usd_per_million_input_tokens: 0.5")
    root = library(tmp_path, sheet=sheet)
    line = fails(["compare", "call", "--price", "acme/chat.input=*1e-30", *data_flags(root)])
    assert line.startswith("Error: --price acme/chat: 5E-31 is out of range"), line
    ranged = SHEET.replace("usd_per_million_input_tokens: 1.00", "usd_per_million_input_tokens: {low: 0.5, high: 2}")
    root = library(tmp_path / "r", sheet=ranged)
    line = fails(["compare", "call", "--price", "acme/chat.input=*1e-30", *data_flags(root)])
    assert "is out of range" in line, line


def test_percent_changes_parse_by_hand() -> None:
    # -20% is a factor of 1 - 20/100 = 0.8; *0 is allowed (a free price); 0% leaves the price alone.
    assert parse_price_change("acme/chat.input=-20%").factor == Decimal("0.8")
    assert parse_price_change("acme/chat.input=*0").factor == 0
    assert parse_price_change("acme/chat.input=0%").factor == 1
    assert parse_quantity("1e-30..1e30", "x") == records.Range(low=Decimal("1e-30"), high=Decimal("1e30"))
    assert parse_number("1_000", "x") == 1000
    with pytest.raises(InputError, match="a price cannot go below zero"):
        parse_price_change("acme/chat.input=-200%")  # 1 - 200/100 = -1


def test_extreme_in_range_numbers_never_raise_a_decimal_signal(tmp_path: Path) -> None:
    # Scenario numbers at their ceiling: 1e30 calls of 1e30 turns re-reading 1e30 prompt tokens at $1000 per 1M
    # tokens gives figures near 1e120, far past the 28 digits of decimal's default precision; rounding them for
    # display used to raise InvalidOperation ("internal error"). Outputs priced near the floor at the same time.
    # Prices sit a step inside the sanity ceiling and the floor so that sensitivity's ±20% stays valid too.
    sheet = SHEET.replace("usd_per_million_input_tokens: 1.00", "usd_per_million_input_tokens: 1000").replace(
        "usd_per_million_output_tokens: 4.00", "usd_per_million_output_tokens: 1.0e-29"
    )
    scenario = (
        "schema_version: 1\ntitle: Huge\ncalls_per_month: 1.0e+30\nturns: 1000000000000000000000000000000\n"
        "caller_audio_seconds: 1.0e+30\nagent_text_tokens: 1.0e+30\nsystem_prompt_tokens: 1.0e+30\n"
        "operating_hours_per_month: 1.0e-30\n"
    )
    root = library(tmp_path, scenario=scenario, sheet=sheet)
    (root / "pricing" / "stacks" / "other.yaml").write_text(STACK.replace("Acme chat only", "Other"), encoding="utf-8")
    commands = (
        ["compare", "call"],
        ["breakdown", "call", "chat"],
        ["sensitivity", "call", "chat"],  # scales 1e30 turns by 1.2 and rounds them to whole turns
        ["sweep", "call", "--vary", "calls_per_month=1:1e30:1e29"],
        ["breakeven", "call", "chat", "other", "--over", "turns"],
    )
    for fmt in ("table", "json", "csv", "markdown"):
        for command in commands:
            result = CliRunner().invoke(cli, [*command, "--format", fmt, *data_flags(root)])
            assert result.exit_code == 0, (command, fmt, result.output)


# ---------------------------------------------------------------------------- YAML 1.1 integer spellings


@pytest.mark.parametrize(
    ("written", "fragment"),
    [
        ("010", "010 has a leading zero, which YAML 1.1 reads as octal or as text, not as 10; write 10"),
        ("09", "09 has a leading zero, which YAML 1.1 reads as octal or as text, not as 9; write 9"),
        ("0x1F", "0x1F is a hexadecimal, binary or octal spelling; write the number in plain decimal"),
        ("0b11", "0b11 is a hexadecimal, binary or octal spelling; write the number in plain decimal"),
        ("1:30", "1:30 is a base-60 number in YAML 1.1 (1:30 means 90)"),
        ("1:30.5", "1:30.5 is a base-60 number in YAML 1.1 (1:30 means 90)"),
        ("-0_10", "-0_10 has a leading zero"),
    ],
)
def test_yaml11_integer_spellings_are_refused_with_their_line(tmp_path: Path, written: str, fragment: str) -> None:
    root = library(tmp_path, scenario=SCENARIO.replace("caller_audio_seconds: 60", f"caller_audio_seconds: {written}"))
    path = root / "scenarios" / "call.yaml"
    line = file_error(root)
    assert line.startswith(f"{path}:4: {fragment}"), line


def test_plain_integers_and_decimals_still_read() -> None:
    from costmodel.data.reader import parse_yaml

    assert parse_yaml("a: 0\nb: 10\nc: 1_000\nd: -0\ne: 0.5\nf: 09.5\ng: '010'\n", "x.yaml") == {
        "a": 0, "b": 10, "c": 1000, "d": 0, "e": Decimal("0.5"), "f": Decimal("9.5"), "g": "010",
    }


def test_a_huge_integer_is_refused_without_converting_it(tmp_path: Path) -> None:
    # 100,000 digits: Python refuses int() over 4,300 digits (ValueError), so the length is checked first.
    root = library(tmp_path, scenario=SCENARIO.replace("calls_per_month: 1000", "calls_per_month: 1" + "0" * 100_000))
    line = file_error(root)
    assert line.startswith(f"{root / 'scenarios' / 'call.yaml'}:3: 1000000000"), line
    assert "is out of range" in line and len(line) < 400


# ----------------------------------------------------------------------------------------- duplicate ids


def test_validate_dirs_rejects_a_sku_defined_twice_like_pricing_does(tmp_path: Path) -> None:
    root = library(tmp_path)
    (root / "pricing" / "zeta.yaml").write_text(SHEET, encoding="utf-8")
    first, second = root / "pricing" / "acme.yaml", root / "pricing" / "zeta.yaml"
    expected = f"{second}: SKU acme/chat is also defined in {first}"
    assert fails(["compare", "call", *data_flags(root)]) == expected
    assert fails(["validate", str(root / "pricing")]) == expected
    # Across two folders given to validate, the same rule.
    other = tmp_path / "other"
    other.mkdir()
    (other / "acme.yaml").write_text(SHEET, encoding="utf-8")
    second.unlink()
    assert fails(["validate", str(root / "pricing"), str(other)]) == (
        f"{other / 'acme.yaml'}: SKU acme/chat is also defined in {first}"
    )


def test_a_scenario_or_stack_id_defined_twice_is_refused(tmp_path: Path) -> None:
    root = library(tmp_path)
    twin = root / "scenarios" / "call.yml"  # same stem as call.yaml: the same scenario id
    twin.write_text(SCENARIO, encoding="utf-8")
    expected = f"{twin}: scenario call is also defined in {root / 'scenarios' / 'call.yaml'}"
    assert fails(["compare", "call", *data_flags(root)]) == expected
    assert fails(["validate", str(root / "scenarios")]) == expected
    twin.unlink()
    stack_twin = root / "pricing" / "stacks" / "chat.yml"
    stack_twin.write_text(STACK, encoding="utf-8")
    expected = f"{stack_twin}: stack chat is also defined in {root / 'pricing' / 'stacks' / 'chat.yaml'}"
    assert fails(["compare", "call", *data_flags(root)]) == expected
    assert fails(["validate", str(root / "pricing")]) == expected


def test_validate_checks_a_file_named_twice_once(tmp_path: Path) -> None:
    # The same folder twice, and a file inside it again: one sheet, so no id is "defined twice".
    root = library(tmp_path)
    pricing = root / "pricing"
    result = CliRunner().invoke(cli, ["validate", str(pricing), str(pricing / "acme.yaml"), str(pricing)])
    assert result.exit_code == 0, result.output
    # 2 files: acme.yaml and stacks/chat.yaml; 1 SKU with 1 period; 1 stack.
    assert result.stdout == "ok: 2 files, 1 SKU with 1 price period, 1 stack, 0 scenarios\n"


def test_symlink_loop_named_yaml_is_a_clean_error(tmp_path: Path) -> None:
    root = library(tmp_path)
    loop = root / "scenarios" / "loop.yaml"
    loop.symlink_to(loop.name)  # points at itself
    line = file_error(root)
    assert line.startswith(f"{loop}: cannot open: "), line


def test_a_huge_bad_value_is_not_echoed_whole(tmp_path: Path) -> None:
    # A 7 MB SKU id breaks the id pattern; the error quotes its first 40 characters and an ellipsis, not 7 MB.
    sheet = SHEET.replace("id: acme/chat", "id: " + "A" * 7_000_000)
    root = library(tmp_path, sheet=sheet)
    line = fails(["validate", str(root / "pricing" / "acme.yaml")])
    assert line.startswith(f"{root / 'pricing' / 'acme.yaml'}:5: skus[0].id: must be provider/model"), line[:300]
    assert f"(got '{'A' * 40}'…)" in line
    assert len(line) < 400
