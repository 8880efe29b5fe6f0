"""Hostile inputs, round two: variants of issue 11's classes that an independent probe found still breaking.

Each test names the class it belongs to; the fix is in the shared layer (the bounded reader, the CLI's error
mapping, the analyses' empty cases), so the test drives the real command line in a child process, where a
hang or a crash cannot pass unnoticed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.test_hardening_inputs import data_flags, library, one_error, run

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")

CALLS = "call_id,start_time,caller_audio_seconds,agent_audio_seconds\nc1,2026-01-01T10:00:00,60,30\n"
EXPORTS = ["openai-realtime", "twilio", "vapi", "retell", "livekit", "pipecat"]


# ------------------------------------------------------------------ class 1: non-regular files, byte bounds


@needs_fifo
@pytest.mark.parametrize("command", ["replay", "calibrate", "reconcile"])
def test_a_fifo_named_as_call_records_is_refused_as_not_regular(tmp_path: Path, command: str) -> None:
    # Call records are streamed by pyarrow, not the YAML reader; the same check must run before it opens them.
    root = library(tmp_path)
    fifo = tmp_path / "calls.csv"
    os.mkfifo(fifo)
    extra = {"reconcile": ["--stack", "chat", *data_flags(root)], "replay": data_flags(root)}.get(command, [])
    assert one_error(run(command, str(fifo), *extra)) == f"{fifo}: not a regular file"


@pytest.mark.parametrize("kind", EXPORTS)
def test_a_device_named_as_a_vendor_export_is_refused_as_not_regular(tmp_path: Path, kind: str) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    root = library(tmp_path)
    link = tmp_path / "export.json"
    link.symlink_to("/dev/zero")
    assert one_error(run("replay", str(link), "--from", kind, *data_flags(root))) == f"{link}: not a regular file"


@pytest.mark.parametrize("kind", ["vapi", "retell", "twilio"])
def test_a_json_export_nested_too_deeply_is_a_clean_error(tmp_path: Path, kind: str) -> None:
    # json.loads raises RecursionError, not JSONDecodeError, on 100,000 open brackets.
    root = library(tmp_path)
    export = tmp_path / "export.json"
    export.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    line = one_error(run("replay", str(export), "--from", kind, *data_flags(root)))
    assert line == f"{export}: not JSON that can be read: nested too deeply"


@pytest.mark.parametrize("kind", ["livekit", "pipecat", "openai-realtime"])
def test_a_json_lines_export_nested_too_deeply_names_its_line(tmp_path: Path, kind: str) -> None:
    root = library(tmp_path)
    export = tmp_path / "export.jsonl"
    export.write_text("\n" + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    line = one_error(run("replay", str(export), "--from", kind, *data_flags(root)))
    assert line == f"{export}:2: not JSON that can be read: nested too deeply"


def test_json_lines_are_bounded_per_line_not_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A file with no line break would be one line of any size; the reader stops at limit + 1 bytes.
    from costmodel.data.input_files import read_lines
    from costmodel.errors import InputError

    path = tmp_path / "calls.jsonl"
    path.write_bytes(b'{"a": 1}\n' + b"x" * 101)
    reads: list[int] = []
    lines = read_lines(path, limit=100)
    assert next(lines) == (1, '{"a": 1}\n')
    with pytest.raises(InputError) as raised:
        reads.append(len(next(lines)[1]))
    assert str(raised.value) == f"{path}:2: line is over the 100-byte limit"
    assert reads == []


def test_a_json_lines_export_line_over_the_bound_is_refused(tmp_path: Path) -> None:
    # 8 MiB + 1 byte on one line: refused with its line number, after reading at most 8 MiB + 1 bytes of it.
    root = library(tmp_path)
    export = tmp_path / "export.jsonl"
    export.write_bytes(b'{"session_id": "' + b"a" * (8 * 1024 * 1024) + b'"}\n')
    line = one_error(run("replay", str(export), "--from", "livekit", *data_flags(root)))
    assert line == f"{export}:1: line is over the 8,388,608-byte limit"


def test_a_call_record_csv_without_line_breaks_is_refused_at_its_header(tmp_path: Path) -> None:
    root = library(tmp_path)
    calls = tmp_path / "calls.csv"
    calls.write_bytes(b"a" * (8 * 1024 * 1024 + 10))
    line = one_error(run("replay", str(calls), *data_flags(root)))
    assert line == f"{calls}:1: line is over the 8,388,608-byte limit"


@pytest.mark.parametrize("kind", ["vapi", "livekit"])
def test_exports_go_through_the_utf8_checks_of_the_shared_reader(tmp_path: Path, kind: str) -> None:
    root = library(tmp_path)
    export = tmp_path / ("export.json" if kind == "vapi" else "export.jsonl")
    export.write_bytes('{"session_id": "a"}\n'.encode("utf-16"))
    assert one_error(run("replay", str(export), "--from", kind, *data_flags(root))) == (
        f"{export}:1: file is UTF-16; save it as UTF-8"
    )
    export.write_bytes(b'{"session_id": "a\xff"}\n')
    assert one_error(run("replay", str(export), "--from", kind, *data_flags(root))) == (
        f"{export}:1: byte 0xff is not UTF-8; save the file as UTF-8"
    )


def test_a_twilio_csv_export_with_a_huge_cell_is_a_clean_error(tmp_path: Path) -> None:
    # The csv module refuses a field over 128 KiB with csv.Error, which must not become an internal error.
    root = library(tmp_path)
    export = tmp_path / "calls.csv"
    export.write_text("sid,duration\n" + "a" * 200_000 + ",60\n", encoding="utf-8")
    line = one_error(run("replay", str(export), "--from", "twilio", *data_flags(root)))
    assert line.startswith(f"{export}: not a readable CSV file: field larger than field limit")


# ------------------------------------------------------------------ class 6: consistency and clean errors


def test_a_path_too_long_for_the_file_system_is_bad_input(tmp_path: Path) -> None:
    # ENAMETOOLONG from a path the user typed is the input's fault: exit 2, one line, like a missing file.
    root = library(tmp_path)
    long = "/" + "a" * 5000
    for args in (["compare", "--pricing", long], ["compare", "call", "--scenarios", long],
                 ["compare", long + ".yaml", *data_flags(root)], ["validate", long]):
        line = one_error(run(*args))
        assert line.endswith(": file name too long"), line
        assert len(line) <= 500


def test_an_empty_library_is_a_clean_error_in_compare_and_report(tmp_path: Path) -> None:
    # No stack at all: said as such (sweep and replay already did), never an index into an empty list.
    root = library(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    flags = ["--pricing", str(empty), "--scenarios", str(root / "scenarios")]
    expected = "Error: no stack has prices in force on 2025-06-01: no stacks"
    assert one_error(run("compare", "call", "--as-of", "2025-06-01", *flags)) == expected
    assert one_error(run("report", "call", "--as-of", "2025-06-01", "-o", str(tmp_path / "r.md"), *flags)) == expected
    assert not (tmp_path / "r.md").exists()


def test_calls_file_checks_keep_the_missing_and_directory_messages(tmp_path: Path) -> None:
    root = library(tmp_path)
    assert one_error(run("replay", str(tmp_path / "none.csv"), *data_flags(root))) == f"{tmp_path / 'none.csv'}: no such file"
    calls = tmp_path / "calls.csv"
    calls.write_text(CALLS, encoding="utf-8")
    assert json.loads(run("replay", str(calls), "--format", "json", *data_flags(root)).stdout)


# ------------------------------------------------------------------ class 2: numbers and times from call records


def test_start_times_outside_pandas_nanosecond_range_are_priced(tmp_path: Path) -> None:
    # Year 1 and year 9999 are valid ISO 8601; pandas keeps them at microsecond resolution, and they must not
    # overflow on the way to epoch seconds. Two API-priced calls: totals only, no clock sizing involved.
    import pandas

    from costmodel.data.call_records import epoch_seconds

    times = pandas.to_datetime(pandas.Series(["0001-01-01T00:00:00", "1970-01-01T00:00:01", None, "9999-12-31T23:59:59"],
                                             dtype=object), utc=True, errors="coerce", format="ISO8601")
    seconds = epoch_seconds(times)
    # 1970-01-01T00:00:01 is 1 s after the epoch; year 1 is 719,162 days before it (days from 0001-01-01 to
    # 1970-01-01), × 86,400 = 62,135,596,800 s; 9999-12-31T23:59:59 is 2,932,896 days after, × 86,400 + 86,399.
    assert seconds[1] == 1.0
    assert seconds[0] == -719_162 * 86_400
    assert seconds[3] == 2_932_896 * 86_400 + 86_399
    assert str(seconds[2]) == "nan"


def test_call_times_spanning_centuries_are_refused_before_sizing_gpus(tmp_path: Path) -> None:
    # Self-hosted GPUs are sized minute by minute from the first call to the last: 10,000 years would be
    # 5.3 billion minutes (39 GiB). The span is checked in floats first, and refused.
    import numpy

    from costmodel.analyses.hourly_gpus import MAX_SPAN_DAYS, Load
    from costmodel.errors import InputError

    zeros = numpy.zeros(2)
    start = numpy.array([0.0, (MAX_SPAN_DAYS + 1) * 86_400.0])
    with pytest.raises(InputError, match=r"the calls span 3,661 days .* at most 3,660 days"):
        Load().add(start, numpy.array([60.0, 60.0]), (zeros, zeros), (zeros, zeros), (zeros, zeros))
    # A duration of 1e30 s (within the range rule) is a span too, caught before integer minutes could overflow.
    with pytest.raises(InputError, match="the calls span"):
        Load().add(numpy.array([0.0]), numpy.array([1e30]), (zeros[:1],) * 2, (zeros[:1],) * 2, (zeros[:1],) * 2)


def test_calibrate_over_a_long_quiet_span_writes_a_fractional_rate(tmp_path: Path) -> None:
    # Two calls, the first starting 2025-01-01T00:00:00 and the last ending 2026-01-01T00:01:00 (a 60 s call):
    # 365 days + 60 s = 31,536,060 s. calls_per_month = 2 × 730 h × 3,600 s ÷ 31,536,060 s = 5,256,000 ÷
    # 31,536,060 = 0.1666663...: rounded to a whole number it would be 0, which a scenario refuses; six
    # significant figures: 0.166666.
    calls = tmp_path / "calls.csv"
    calls.write_text("call_id,start_time,caller_audio_seconds,agent_audio_seconds\n"
                     "a,2025-01-01T00:00:00,30,30\nb,2026-01-01T00:00:00,30,30\n", encoding="utf-8")
    done = run("calibrate", str(calls))
    assert done.returncode == 0, done.stderr
    assert "calls_per_month: 0.166666\n" in done.stdout


def test_json_integers_too_long_for_any_range_are_a_bad_row(tmp_path: Path) -> None:
    # 4,000 digits: int() alone would refuse it with a bare ValueError, float(int) would overflow.
    root = library(tmp_path)
    calls = tmp_path / "calls.jsonl"
    calls.write_text('{"call_id": "a", "start_time": "2026-01-01T10:00:00", "caller_audio_seconds": '
                     + "9" * 4000 + ', "agent_audio_seconds": 1}\n', encoding="utf-8")
    assert one_error(run("replay", str(calls), *data_flags(root))) == (
        f"{calls}:1: caller_audio_seconds: Input should be a finite number "
        "(use --on-bad-row skip to leave bad rows out)"
    )


# ------------------------------------------------------------------ class 4: text that no output can hold


def test_lone_surrogates_in_json_become_replacement_characters(tmp_path: Path) -> None:
    # "\ud800" alone is valid JSON but no UTF-8 writer can encode it; a pair (an emoji) is one character, kept.
    from costmodel.data.input_files import json_loads

    assert json_loads('{"a\\ud800": ["x\\udfff", "\\ud83d\\ude00"]}') == {"a\ufffd": ["x\ufffd", "\U0001F600"]}
    root = library(tmp_path)
    calls = tmp_path / "calls.jsonl"
    calls.write_text('{"call_id": "c\\ud800", "start_time": "2026-01-01T10:00:00", "caller_audio_seconds": 60, '
                     '"agent_audio_seconds": 0, "customer": "\\udfff"}\n', encoding="utf-8")
    for fmt in ("table", "csv", "json", "markdown"):
        done = run("replay", str(calls), "--by", "customer", "--format", fmt, *data_flags(root))
        assert done.returncode == 0, done.stderr
        assert "\ufffd" in done.stdout


def test_a_call_record_column_given_twice_is_refused_on_line_1(tmp_path: Path) -> None:
    root = library(tmp_path)
    calls = tmp_path / "calls.csv"
    calls.write_text("call_id,call_id,start_time,caller_audio_seconds,agent_audio_seconds\n"
                     "a,a,2026-01-01T10:00:00,1,1\n", encoding="utf-8")
    assert one_error(run("replay", str(calls), *data_flags(root))) == f"{calls}:1: column 'call_id' appears twice; keep one"


# ------------------------------------------------------------------ class 3: output targets of replay --per-call


def test_per_call_output_may_not_be_the_calls_file_or_the_other_output(tmp_path: Path) -> None:
    root = library(tmp_path)
    calls = tmp_path / "calls.csv"
    calls.write_text(CALLS, encoding="utf-8")
    before = calls.read_bytes()
    assert one_error(run("replay", str(calls), "--per-call", str(calls), *data_flags(root))) == (
        f"{calls}: is an input file; costmodel never overwrites its inputs"
    )
    link = tmp_path / "link.csv"
    os.link(calls, link)
    assert one_error(run("replay", str(calls), "--per-call", str(link), *data_flags(root))) == (
        f"{link}: is an input file; costmodel never overwrites its inputs"
    )
    same = tmp_path / "out.csv"
    assert one_error(run("replay", str(calls), "--per-call", str(same), "-o", str(same), *data_flags(root))) == (
        f"{same}: is given for two outputs of this command; give each output its own file"
    )
    assert calls.read_bytes() == before
    assert not same.exists()


def test_per_call_file_is_renamed_into_place_and_leaves_no_temporary(tmp_path: Path) -> None:
    from costmodel.views.files import streamed_output

    target = tmp_path / "per.csv"
    target.write_text("old\n", encoding="utf-8")
    os.chmod(target, 0o640)
    with streamed_output(target) as temporary:
        assert temporary.parent == tmp_path and temporary.suffix == ".csv"  # pyarrow picks the format by suffix
        temporary.write_text("new\n", encoding="utf-8")
        assert target.read_text(encoding="utf-8") == "old\n"  # untouched until the block ends
    assert target.read_text(encoding="utf-8") == "new\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    with pytest.raises(KeyboardInterrupt), streamed_output(target) as temporary:
        temporary.write_text("partial\n", encoding="utf-8")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["per.csv"]


def test_per_call_csv_cells_from_records_cannot_start_a_formula(tmp_path: Path) -> None:
    root = library(tmp_path)
    calls = tmp_path / "calls.csv"
    calls.write_text("call_id,start_time,caller_audio_seconds,agent_audio_seconds\n"
                     "=HYPERLINK(\"http://x\"),2026-01-01T10:00:00,60,0\n", encoding="utf-8")
    per = tmp_path / "per.csv"
    done = run("replay", str(calls), "--per-call", str(per), *data_flags(root))
    assert done.returncode == 0, done.stderr
    import csv

    rows = list(csv.reader(per.read_text(encoding="utf-8").splitlines()))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"


def test_the_wrote_line_shows_a_file_name_without_control_characters(tmp_path: Path) -> None:
    root = library(tmp_path)
    name = tmp_path / "\x1b]0;title\x07.txt"
    done = run("compare", "call", "-o", str(name), *data_flags(root))
    assert done.returncode == 0, done.stderr
    assert name.exists()
    assert done.stderr == f"wrote {tmp_path}/]0;title.txt\n"


# ------------------------------------------------------------------ class 5: linear time in what parses user text


def test_draft_of_a_sentence_with_thousands_of_figures_is_linear_and_bounded(tmp_path: Path) -> None:
    # 4,000 "$1.00" in one sentence: each claim quotes at most 300 characters either side of its figure
    # (a whole-sentence quote per figure was 24,000 characters × 4,000 claims), and ids are numbered
    # without rescanning; more than 5,000 figures is refused rather than drafted.
    from costmodel.writers.draft import QUOTE_CONTEXT

    root = library(tmp_path)
    article = tmp_path / "a.md"
    article.write_text("$1.00 " * 4000, encoding="utf-8")
    done = run("audit", str(article), "--draft", *data_flags(root))
    assert done.returncode == 0, done.stderr
    quotes = [line for line in done.stdout.splitlines() if line.startswith("    quote: ")]
    assert len(quotes) == 4000
    assert max(len(q) for q in quotes) <= len('    quote: ""') + 2 * QUOTE_CONTEXT + len("$1.00")
    assert "  - id: figure-money-4000" in done.stdout
    article.write_text("$1.00 " * 5001, encoding="utf-8")
    assert one_error(run("audit", str(article), "--draft", *data_flags(root))) == (
        "a.md: over 5,000 figures to draft claims for; no one confirms a claims file that long: draft one section "
        "at a time"
    )


@pytest.mark.parametrize(("kind", "line"), [
    ("retell", '[{"call_id": "a", "start_timestamp": -1e20, "duration_ms": 1000, "call_cost": {"combined_cost": 1}}]'),
    ("pipecat", '{"session_id": "a", "timestamp": 1e400, "type": "TTSUsageMetricsData", "value": 5}\n'),
    ("livekit", '{"session_id": "a", "start_time": 99999999999999999, "usage": {}}\n'),
])
def test_export_epoch_times_out_of_range_are_a_clean_error(tmp_path: Path, kind: str, line: str) -> None:
    # datetime.fromtimestamp raises OverflowError, OSError or ValueError past year 9999 or for infinity.
    root = library(tmp_path)
    export = tmp_path / ("e.jsonl" if line.endswith("\n") else "e.json")
    export.write_text(line, encoding="utf-8")
    error = one_error(run("replay", str(export), "--from", kind, *data_flags(root)))
    assert error.startswith(f"{export}:1: not a time: ") and error.endswith("is out of range as epoch seconds")


def test_json_integers_too_big_for_int64_are_refused_by_the_range_rule(tmp_path: Path) -> None:
    # 20 nines fit no int64 column (numpy raised OverflowError: an internal error); up to 18 digits always fit.
    # Kept as a float, the value meets the range rule like any other number.
    from costmodel.data.input_files import json_loads

    value = json_loads('{"a": 99999999999999999999, "b": 999999999999999999, "c": -5}')
    assert value == {"a": 1e20, "b": 999_999_999_999_999_999, "c": -5}
    assert isinstance(value["a"], float) and isinstance(value["b"], int)


def test_a_scheduler_address_with_control_characters_is_refused_before_connecting(tmp_path: Path) -> None:
    # The address is checked by its form first; connecting to it would wait for Dask's 30 s default timeout.
    root = library(tmp_path)
    calls = tmp_path / "calls.csv"
    calls.write_text(CALLS, encoding="utf-8")
    error = one_error(run("replay", str(calls), "--engine", "dask", "--scheduler", "\x1b[31mhost:1", *data_flags(root)))
    assert error == ("Error: --scheduler: '\\x1b[31mhost:1' is not a scheduler address; write HOST:PORT or "
                     "tcp://HOST:PORT")
