"""Synthetic call records drawn from a scenario: for benchmarks, tests and trying replay before real data exists.

Each call draws every ranged scenario field uniformly between its low and high (turns as whole numbers), takes
point fields as they are, and starts at a uniformly random moment of a 730-hour month from `start`. A per-turn
length becomes the whole call's (× turns). Nothing here is a measurement: these are the scenario's figures made
into rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costmodel.data.records import Range, Scenario

if TYPE_CHECKING:
    import numpy

MONTH_SECONDS = 730 * 3600
ROW_GROUP_ROWS = 262_144
"""Parquet row groups: a reader holds one at a time (pyarrow's default is 1,048,576 rows)."""


def _draw(value: Any, n: int, rng: numpy.random.Generator, whole: bool = False) -> numpy.ndarray:
    import numpy

    if isinstance(value, Range):
        low, high = float(value.low), float(value.high)
        if whole:
            return rng.integers(int(low), int(high) + 1, size=n).astype(float)
        return rng.uniform(low, high, size=n)
    return numpy.full(n, float(value))


def _labels(prefix: str, numbers: numpy.ndarray) -> Any:
    """prefix + each number, as a pyarrow string array (numpy's string functions take seconds a million)."""
    import pyarrow
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(prefix, pyarrow.array(numbers).cast(pyarrow.string()), "")


def synthetic_columns(scenario: Scenario, n: int, *, seed: int = 0, start: datetime | None = None,
                      customers: int = 10, first_id: int = 0) -> dict[str, Any]:
    """n calls drawn from the scenario as call-record columns (numpy arrays, text as pyarrow string arrays;
    start_time as epoch seconds)."""
    import numpy

    rng = numpy.random.default_rng(seed)
    origin = (start or datetime(2026, 10, 1, tzinfo=UTC)).timestamp()
    turns = _draw(scenario.turns, n, rng, whole=True)
    columns: dict[str, Any] = {
        "call_id": _labels("call-", numpy.arange(first_id, first_id + n)),
        "start_time": numpy.sort(origin + rng.uniform(0, MONTH_SECONDS, size=n)),
        "turns": turns,
    }
    for side in ("caller", "agent"):
        total, per_turn = getattr(scenario, f"{side}_audio_seconds"), getattr(scenario, f"{side}_audio_seconds_per_turn")
        if per_turn is not None:
            columns[f"{side}_audio_seconds"] = _draw(per_turn, n, rng) * turns
        else:
            columns[f"{side}_audio_seconds"] = _draw(total if total is not None else 0, n, rng)
    if scenario.agent_text_tokens is not None:
        columns["agent_text_tokens"] = _draw(scenario.agent_text_tokens, n, rng)
    elif scenario.agent_text_tokens_per_turn is not None:
        columns["agent_text_tokens"] = _draw(scenario.agent_text_tokens_per_turn, n, rng) * turns
    if scenario.agent_reply_characters is not None:
        columns["agent_reply_characters"] = _draw(scenario.agent_reply_characters, n, rng)
    if scenario.call_duration_seconds is not None:
        columns["call_duration_seconds"] = _draw(scenario.call_duration_seconds, n, rng)
    if customers:
        columns["customer"] = _labels("customer-", numpy.arange(first_id, first_id + n) % customers)
    return columns


def synthetic_chunks(scenario: Scenario, n: int, *, seed: int = 0, chunk: int = 1_000_000,
                     start: datetime | None = None) -> Iterator[dict[str, Any]]:
    """The same, `chunk` calls at a time (each chunk its own seed), so memory stays bounded."""
    done = 0
    part = 0
    while done < n:
        size = min(chunk, n - done)
        yield synthetic_columns(scenario, size, seed=seed * 1_000_003 + part, start=start, first_id=done)
        done += size
        part += 1


def write_synthetic(scenario: Scenario, n: int, path: str | Path, *, seed: int = 0, chunk: int = 1_000_000,
                    start: datetime | None = None) -> Path:
    """Write n synthetic calls to a Parquet, CSV or JSON Lines call-record file, chunk by chunk."""
    import pyarrow

    path = Path(path)
    writer: Any = None
    handle: Any = None
    suffix = path.suffix.lower()
    try:
        for columns in synthetic_chunks(scenario, n, seed=seed, chunk=chunk, start=start):
            arrays = {name: pyarrow.array(values) for name, values in columns.items()}
            arrays["start_time"] = pyarrow.array((columns["start_time"] * 1e6).astype("int64")).cast(
                pyarrow.timestamp("us", tz="UTC"))
            if "turns" in arrays:
                arrays["turns"] = pyarrow.array(columns["turns"].astype("int64"))
            table = pyarrow.table(arrays)
            if suffix == ".parquet":
                import pyarrow.parquet as pq

                writer = writer or pq.ParquetWriter(path, table.schema)
                writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
            elif suffix == ".csv":
                import pyarrow.csv as pcsv

                table = table.set_column(table.schema.get_field_index("start_time"), "start_time",
                                         pyarrow.array(_iso(columns["start_time"])))
                if handle is None:
                    handle = path.open("wb")
                    writer = pcsv.CSVWriter(handle, table.schema, write_options=pcsv.WriteOptions(quoting_style="none"))
                writer.write_table(table)
            else:
                import json

                if handle is None:
                    handle = path.open("w", encoding="utf-8")
                stamps = _iso(columns["start_time"])
                for i, row in enumerate(table.drop_columns(["start_time"]).to_pylist()):
                    handle.write(json.dumps({"start_time": stamps[i], **row}) + "\n")
    finally:
        if writer is not None:
            writer.close()
        if handle is not None:
            handle.close()
    return path


def _iso(seconds: numpy.ndarray) -> list[str]:
    import numpy

    return [f"{s}Z" for s in numpy.asarray(seconds * 1e6, dtype="int64").astype("datetime64[us]").astype(str).tolist()]
