"""The call-record format: one row per real call, read from CSV, JSON Lines or Parquet in bounded chunks.

`CallRecord` (pydantic) is the single source of truth for the format: its fields are the columns, its docstrings
the documentation and the JSON Schema (`costmodel schema calls`). Reading millions of rows through pydantic
would take minutes, so rows are checked column by column with numpy against the same rules; a row that fails is
then validated by the model itself, which words the message: `file:row: column: what is wrong`. Bad rows are
counted and either stop the run (`on_bad_row="fail"`, the default) or are skipped and reported; a bad row is
never priced as zero.

Rows are numbered as a reader would count them: the file line for CSV (the header is line 1) and JSON Lines,
the 1-based row for Parquet.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from costmodel.data.input_files import check_regular, json_loads, read_lines
from costmodel.data.models import Count, Model, NonNegativeNumber
from costmodel.errors import InputError

if TYPE_CHECKING:
    import numpy


class CallRecord(Model):
    """One call as it happened: when, how long each side spoke, how many turns, and what it was billed."""

    call_id: Annotated[str, Field(min_length=1, max_length=200)]
    """The call's id in the system it came from (session id, call sid)."""
    start_time: datetime
    """When the call started, ISO 8601 (a time without a zone is read as UTC)."""
    caller_audio_seconds: NonNegativeNumber | None = None
    """Seconds of caller speech in the whole call."""
    agent_audio_seconds: NonNegativeNumber | None = None
    """Seconds of spoken agent reply in the whole call (0 for a text reply)."""
    caller_audio_seconds_per_turn: list[NonNegativeNumber] | None = None
    """Seconds of caller speech in each turn, in order (instead of caller_audio_seconds; JSON Lines and Parquet)."""
    agent_audio_seconds_per_turn: list[NonNegativeNumber] | None = None
    """Seconds of agent speech in each turn, in order (instead of agent_audio_seconds; JSON Lines and Parquet)."""
    turns: Annotated[int, Field(ge=1, le=100_000)] = 1
    """Exchanges in the call (caller speaks, agent replies)."""
    agent_text_tokens: NonNegativeNumber | None = None
    """Text tokens the model wrote in the whole call; default: the spoken reply's words, as in a scenario."""
    agent_reply_characters: NonNegativeNumber | None = None
    """Characters sent to the TTS in the whole call; default: from agent_audio_seconds at the speaking rate."""
    system_prompt_tokens: NonNegativeNumber | None = None
    """Instruction and tool tokens sent with every turn; default: the assumptions scenario's."""
    call_duration_seconds: NonNegativeNumber | None = None
    """Wall-clock length of the call (telephony, per-minute products); default: caller + agent audio."""
    customer: Annotated[str, Field(max_length=200)] | None = None
    """The customer or tenant the call was for, to split the bill."""
    direction: Literal["inbound", "outbound"] | None = None
    """Which way the call went (reported; the stack's telephony legs price it)."""
    legs: Count | None = None
    """Call legs the carrier billed (reported; the stack's telephony legs price it)."""
    actual_cost: NonNegativeNumber | None = None
    """What the call was actually billed, for `reconcile`."""
    actual_cost_currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    """ISO 4217 code of actual_cost (required with it)."""

    @model_validator(mode="after")
    def _consistent(self) -> CallRecord:
        for side in ("caller", "agent"):
            total = getattr(self, f"{side}_audio_seconds")
            per_turn = getattr(self, f"{side}_audio_seconds_per_turn")
            if total is None and per_turn is None:
                raise ValueError(f"give {side}_audio_seconds (whole call) or {side}_audio_seconds_per_turn")
            if total is not None and per_turn is not None:
                raise ValueError(f"give {side}_audio_seconds or {side}_audio_seconds_per_turn, not both")
            if per_turn is not None and len(per_turn) != self.turns:
                raise ValueError(f"{side}_audio_seconds_per_turn has {len(per_turn)} values for {self.turns} turns")
        if self.actual_cost is not None and self.actual_cost_currency is None:
            raise ValueError("actual_cost needs actual_cost_currency")
        return self


COLUMNS: tuple[str, ...] = tuple(CallRecord.model_fields)
"""Every column the format has, in the model's order."""
NUMBER_COLUMNS = ("caller_audio_seconds", "agent_audio_seconds", "agent_text_tokens", "agent_reply_characters",
                  "system_prompt_tokens", "call_duration_seconds", "actual_cost")
"""Optional non-negative numbers (NaN in a batch where the row leaves them out)."""
LIST_COLUMNS = ("caller_audio_seconds_per_turn", "agent_audio_seconds_per_turn")
TEXT_COLUMNS = ("customer", "direction", "actual_cost_currency")
MAX_NUMBER = 1e15
"""Above this a figure is refused (the model's range rule); float64 then still holds whole numbers exactly."""


@dataclass
class CallBatch:
    """A chunk of valid calls as numpy columns (float64 seconds and counts; NaN where a row leaves a value out)."""

    call_id: Any
    """pyarrow string array (text stays in Arrow: a million Python strings would cost seconds)."""
    start: numpy.ndarray
    """Start time, seconds since 1970-01-01 UTC (float64)."""
    turns: numpy.ndarray
    caller_audio_seconds: numpy.ndarray
    agent_audio_seconds: numpy.ndarray
    caller_history_seconds: numpy.ndarray
    """Sum over turns of the caller audio heard before that turn: exact from per-turn lists, NaN for an even spread."""
    agent_history_seconds: numpy.ndarray
    agent_text_tokens: numpy.ndarray
    agent_reply_characters: numpy.ndarray
    system_prompt_tokens: numpy.ndarray
    call_duration_seconds: numpy.ndarray
    actual_cost: numpy.ndarray
    customer: Any
    """pyarrow string arrays, null where a row leaves them out."""
    direction: Any
    actual_cost_currency: Any

    def __len__(self) -> int:
        return len(self.call_id)

    @property
    def duration(self) -> numpy.ndarray:
        """Wall-clock seconds: the recorded duration, else caller + agent audio (the scenario's default)."""
        import numpy

        spoken = self.caller_audio_seconds + self.agent_audio_seconds
        return numpy.where(numpy.isnan(self.call_duration_seconds), spoken, self.call_duration_seconds)


@dataclass
class BadRows:
    """Rows refused while reading: how many, and the first messages."""

    count: int = 0
    messages: list[str] = field(default_factory=list)
    KEEP = 20

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.messages) < self.KEEP:
            self.messages.append(message)


def _model_message(row: dict[str, Any]) -> tuple[str, str] | None:
    """(column, message) of the model's first complaint about a row, or None if it accepts it."""
    clean = {k: v for k, v in row.items() if v is not None and not (isinstance(v, float) and math.isnan(v))}
    try:
        CallRecord.model_validate(clean)
    except ValidationError as exc:
        error = exc.errors()[0]
        column = ".".join(str(part) for part in error["loc"]) or "row"
        message = str(error["msg"]).removeprefix("Value error, ")
        return column, message
    return None


class RowChecker:
    """Checks raw columns of call records against the format's rules; `bad` counts and words the rows refused."""

    def __init__(self, path: str | Path, on_bad_row: Literal["fail", "skip"] = "fail") -> None:
        self.path = Path(path)
        self.on_bad_row = on_bad_row
        self.bad = BadRows()
        self.rows = 0
        """Rows read so far, good and bad."""

    def _refuse(self, line: int, column: str, message: str) -> None:
        self.rows += 1
        text = InputError(message, path=self.path, line=line, field=column).format()
        if self.on_bad_row == "fail":
            raise InputError(message + " (use --on-bad-row skip to leave bad rows out)", path=self.path, line=line,
                             field=column)
        self.bad.add(text)

    def check(self, columns: dict[str, Any], lines: numpy.ndarray) -> CallBatch:
        """The valid rows of a chunk as a CallBatch; bad rows refused with the model's own words."""
        import numpy
        import pyarrow
        import pyarrow.compute as pc

        n = len(lines)
        self.rows += n
        bad = numpy.zeros(n, dtype=bool)

        absent: dict[float, numpy.ndarray] = {}

        def numbers(name: str, default: float = numpy.nan) -> numpy.ndarray:
            raw = columns.get(name)
            if raw is None:  # one shared array for every absent column (never written to)
                key = -1.0 if default != default else default
                if key not in absent:
                    absent[key] = numpy.full(n, default)
                return absent[key]
            values = _to_float(raw)
            floats = isinstance(raw, numpy.ndarray) and raw.dtype.kind == "f"
            if floats and len(values) and 0 <= values.min() and values.max() <= MAX_NUMBER:
                return values  # the usual column: no NaN (min and max would be NaN), all in range; two passes
            missing = numpy.isnan(values) if floats else _is_missing(raw)
            valid = (values >= 0) & (values <= MAX_NUMBER)  # NaN and infinities fail both
            if not valid.all():
                bad[:] |= ~valid & ~missing
            return numpy.where(missing, default, values) if missing.any() else values

        ids, wrong = _text_array(columns.get("call_id"), n, trim=False)
        length = _buffer_values(pc.utf8_length(ids).cast(pyarrow.int64()), "int64")
        given = ~_mask(pc.is_null(ids))
        bad |= wrong | ~(given & (length > 0) & (length <= 200))  # null: refused
        start = _times(columns.get("start_time"), n)
        bad |= numpy.isnan(start)
        turns = numbers("turns", 1.0)
        if not (len(turns) and 1 <= turns.min() and turns.max() <= 100_000):
            bad |= (turns < 1) | (turns > 100_000)
        bad |= turns != numpy.floor(turns)
        values = {name: numbers(name) for name in NUMBER_COLUMNS}
        history: dict[str, numpy.ndarray] = {}
        for side in ("caller", "agent"):
            total = values[f"{side}_audio_seconds"]
            per_turn = columns.get(f"{side}_audio_seconds_per_turn")
            hist = numpy.full(n, numpy.nan)
            if per_turn is not None:
                sums, hist, ok = _per_turn(per_turn, turns)
                given = ~_is_missing(per_turn)
                bad |= given & (~ok | ~numpy.isnan(total))
                total = numpy.where(given, sums, total)
            bad |= numpy.isnan(total)
            values[f"{side}_audio_seconds"] = total
            history[side] = hist
        texts: dict[str, Any] = {}
        for name in TEXT_COLUMNS:
            texts[name], wrong = _text_array(columns.get(name), n)
            bad |= wrong
        direction, currency, customer = texts["direction"], texts["actual_cost_currency"], texts["customer"]
        if "direction" in columns:
            bad |= ~_mask(pc.or_kleene(pc.is_null(direction), pc.is_in(direction, pyarrow.array(["inbound", "outbound"]))))
        if "actual_cost_currency" in columns:
            bad |= ~_mask(pc.or_kleene(pc.is_null(currency), pc.match_substring_regex(currency, "^[A-Z]{3}$")))
        if "actual_cost" in columns:
            bad |= ~numpy.isnan(values["actual_cost"]) & _mask(pc.is_null(currency))
        if "customer" in columns:
            bad |= _mask(pc.greater(pc.utf8_length(customer), 200))
        if "legs" in columns:
            legs = numbers("legs")
            bad |= ~numpy.isnan(legs) & (legs != numpy.floor(legs))

        for index in numpy.flatnonzero(bad).tolist():
            row = {name: _plain(columns[name][index]) for name in columns}
            column, message = _model_message(row) or ("row", "not a valid call record")
            self.rows -= 1  # _refuse counts it again
            self._refuse(int(lines[index]), column, message)
        keep = ~bad
        everything = not bad.any()
        arrow_keep = None if everything else pyarrow.array(keep)

        def kept(array: Any) -> Any:
            return array if everything else array.filter(arrow_keep)

        def rows(array: numpy.ndarray) -> numpy.ndarray:
            return array if everything else array[keep]  # no copy when every row is good

        return CallBatch(
            call_id=kept(ids), start=rows(start), turns=rows(turns),
            caller_audio_seconds=rows(values["caller_audio_seconds"]),
            agent_audio_seconds=rows(values["agent_audio_seconds"]),
            caller_history_seconds=rows(history["caller"]), agent_history_seconds=rows(history["agent"]),
            agent_text_tokens=rows(values["agent_text_tokens"]),
            agent_reply_characters=rows(values["agent_reply_characters"]),
            system_prompt_tokens=rows(values["system_prompt_tokens"]),
            call_duration_seconds=rows(values["call_duration_seconds"]),
            actual_cost=rows(values["actual_cost"]),
            customer=kept(customer), direction=kept(direction), actual_cost_currency=kept(currency),
        )


class CallReader(RowChecker):
    """Reads a call-record file in chunks of valid rows; `bad` counts and words the rows refused."""

    def __init__(self, path: str | Path, *, on_bad_row: Literal["fail", "skip"] = "fail",
                 chunk_rows: int = 131_072, skip: Iterable[str] = ()) -> None:
        super().__init__(path, on_bad_row)
        self.chunk_rows = chunk_rows
        self.skip = frozenset(skip) - {"call_id", "start_time"}
        """Columns the caller does not use: not read from Parquet or CSV, so not checked either."""
        suffix = self.path.suffix.lower()
        if suffix not in {".csv", ".jsonl", ".ndjson", ".parquet", ".pq"}:
            raise InputError("call records must be .csv, .jsonl (JSON Lines) or .parquet", path=self.path)
        check_regular(self.path, "a call-record file")
        self.kind = {"ndjson": "jsonl", "pq": "parquet"}.get(suffix[1:], suffix[1:])

    def __iter__(self) -> Iterator[CallBatch]:
        raw = {"csv": self._csv, "jsonl": self._jsonl, "parquet": self._parquet}[self.kind]()
        for columns, line_numbers in raw:
            batch = self.check(columns, line_numbers)
            if len(batch):
                yield batch

    # Raw readers yield (column name → numpy array or list, line number of each row).

    def _unknown(self, names: list[str], line: int) -> None:
        from costmodel.errors import suggest

        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise InputError(f"column '{name}' appears twice; keep one", path=self.path, line=line)
            seen.add(name)
        for name in names:
            if name not in COLUMNS:
                close = suggest(name, COLUMNS)
                hint = f"; did you mean {' or '.join(close)}?" if close else f"; columns: {', '.join(COLUMNS)}"
                raise InputError(f"unknown column '{name}'{hint}", path=self.path, line=line)
        for name in ("call_id", "start_time"):
            if name not in names:
                raise InputError(f"no {name} column; every row needs one", path=self.path, line=line)

    def _csv(self) -> Iterator[tuple[dict[str, Any], numpy.ndarray]]:
        import csv

        import numpy
        import pyarrow
        import pyarrow.csv as pcsv

        header = next((text for _, text in read_lines(self.path, replace_bad_bytes=True)), "").strip().lstrip("\ufeff")
        names = [n.strip() for n in next(csv.reader([header]))] if header else []
        self._unknown(names, 1)
        for name in LIST_COLUMNS:
            if name in names:
                raise InputError(f"{name} needs JSON Lines or Parquet (a CSV cell holds one value)", path=self.path, line=1)
        # Every column as text: numbers are converted here so one bad cell refuses its row, not the whole file.
        used = [n for n in names if n not in self.skip]
        convert = pcsv.ConvertOptions(column_types={n: pyarrow.string() for n in names}, strings_can_be_null=True,
                                      include_columns=used)
        names = used
        read = pcsv.ReadOptions(block_size=1 << 24)
        try:
            reader = pcsv.open_csv(self.path, read_options=read, convert_options=convert)
            first = 2
            for record_batch in reader:
                n = record_batch.num_rows
                columns = {name: _arrow_or_numpy(record_batch.column(name)) for name in names}
                yield columns, numpy.arange(first, first + n)
                first += n
        except pyarrow.ArrowInvalid as exc:
            raise InputError(f"not a readable CSV file: {str(exc).splitlines()[0]}", path=self.path) from None

    def _jsonl(self) -> Iterator[tuple[dict[str, Any], numpy.ndarray]]:
        import numpy

        rows: list[dict[str, Any]] = []
        lines: list[int] = []
        for number, text in read_lines(self.path, replace_bad_bytes=True):
            if not text.strip():
                continue
            try:
                row = json_loads(text)
            except (json.JSONDecodeError, RecursionError) as exc:
                self._refuse(number, "row", f"not JSON: {exc}")
                continue
            if not isinstance(row, dict):
                self._refuse(number, "row", "each line must be a JSON object")
                continue
            self._unknown(list(row), number)
            rows.append(row)
            lines.append(number)
            if len(rows) >= self.chunk_rows:
                yield self._columns(rows), numpy.asarray(lines)
                rows, lines = [], []
        if rows:
            yield self._columns(rows), numpy.asarray(lines)

    @staticmethod
    def _columns(rows: list[dict[str, Any]]) -> dict[str, Any]:
        import numpy

        out: dict[str, Any] = {}
        for name in COLUMNS:
            values = [row.get(name) for row in rows]
            if all(v is None for v in values):
                continue
            array = numpy.empty(len(values), dtype=object)
            array[:] = values
            out[name] = array
        return out

    def _row_groups(self, handle: Any, names: list[str]) -> Iterator[Any]:
        """Record batches of at most chunk_rows, one row group read at a time (memory: one row group; pyarrow's
        own iter_batches grew resident memory by ~2 MB a batch in our measurements). Arrow's pool keeps the freed
        buffers for the next row group: handing them back each time (release_unused) cost as much system time
        as it saved memory, which stays flat either way (measured at 1M and 10M rows)."""
        for group in range(handle.num_row_groups):
            table = handle.read_row_group(group, columns=names)
            yield from table.to_batches(max_chunksize=self.chunk_rows)
            del table

    def _parquet(self) -> Iterator[tuple[dict[str, Any], numpy.ndarray]]:
        import numpy
        import pyarrow
        import pyarrow.parquet as pq

        try:
            handle = pq.ParquetFile(self.path)
        except (pyarrow.ArrowInvalid, OSError) as exc:
            raise InputError(f"not a readable Parquet file: {exc}", path=self.path) from None
        names = list(handle.schema_arrow.names)
        self._unknown(names, 1)
        names = [n for n in names if n not in self.skip]
        first = 1
        for record_batch in self._row_groups(handle, names):
            n = record_batch.num_rows
            columns: dict[str, Any] = {}
            for name in names:
                column = record_batch.column(name)
                if pyarrow.types.is_timestamp(column.type):
                    import pyarrow.compute as pc

                    # Nulls filled before to_numpy: with nulls, pyarrow goes through pandas (half a second to import).
                    column = column.cast(pyarrow.timestamp("us", tz="UTC")).cast(pyarrow.int64())
                    if column.null_count:
                        seconds = pc.fill_null(column, 0).to_numpy().astype(float) / 1e6
                        seconds[_mask(pc.is_null(column))] = numpy.nan
                    else:
                        seconds = _buffer_values(column, "int64").astype(float) / 1e6
                    columns[name] = seconds
                elif pyarrow.types.is_list(column.type) or pyarrow.types.is_large_list(column.type):
                    columns[name] = numpy.asarray([*column.to_pylist(), None], dtype=object)[:-1]
                else:
                    columns[name] = _arrow_or_numpy(column)
            yield columns, numpy.arange(first, first + n)
            first += n


def _buffer_values(array: Any, dtype: str) -> numpy.ndarray:
    """A fixed-width Arrow array's values, read from its buffer (Array.to_numpy imports pandas, half a second of
    start-up, for some types); values under nulls are whatever the buffer holds."""
    import numpy

    if array.buffers()[1] is None:  # every value null
        return numpy.zeros(len(array), dtype=dtype)
    raw = numpy.frombuffer(array.buffers()[1], dtype=dtype, count=len(array) + array.offset)
    return raw[array.offset:]


def _arrow_or_numpy(column: Any) -> Any:
    """Text columns stay Arrow arrays; numbers become float64 numpy arrays (null as NaN)."""
    import pyarrow

    if pyarrow.types.is_string(column.type) or pyarrow.types.is_large_string(column.type):
        return column
    if pyarrow.types.is_integer(column.type) or pyarrow.types.is_floating(column.type):
        import pyarrow.compute as pc

        values = column.cast(pyarrow.float64())
        return pc.fill_null(values, float("nan")).to_numpy() if values.null_count else _buffer_values(values, "float64")
    return column.to_numpy(zero_copy_only=False)


def _plain(value: Any) -> Any:
    """A numpy scalar as the plain Python value pydantic expects."""
    if hasattr(value, "as_py"):
        return value.as_py()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return value
    return value


def _is_missing(raw: Any) -> numpy.ndarray:
    import numpy

    array = numpy.asarray(raw)
    if array.dtype.kind == "f":
        return numpy.asarray(numpy.isnan(array), dtype=bool)
    if array.dtype.kind in "iub":
        return numpy.zeros(array.shape, dtype=bool)
    return numpy.asarray([v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())
                          for v in array.tolist()], dtype=bool)


def _to_float(raw: Any) -> numpy.ndarray:
    """Numbers as float64; text that is not a number (and booleans) become NaN, so the row is refused."""
    import numpy

    array = numpy.asarray(raw)
    if array.dtype.kind in "fiu":
        return array.astype(float, copy=False)
    import pandas

    values = [None if isinstance(v, bool) else v for v in array.tolist()]
    return numpy.asarray(pandas.to_numeric(pandas.Series(values, dtype=object), errors="coerce"), dtype=float)


def _text_array(raw: Any, n: int, trim: bool = True) -> tuple[Any, numpy.ndarray]:
    """(a pyarrow string array with blanks as null, rows whose value is not text) of an optional text column."""
    import numpy
    import pyarrow
    import pyarrow.compute as pc

    wrong = numpy.zeros(n, dtype=bool)
    if raw is None:
        return pyarrow.nulls(n, type=pyarrow.string()), wrong
    if isinstance(raw, (pyarrow.Array, pyarrow.ChunkedArray)):
        if isinstance(raw, pyarrow.ChunkedArray):
            raw = raw.combine_chunks()
        if not (pyarrow.types.is_string(raw.type) or pyarrow.types.is_large_string(raw.type)):
            return pyarrow.nulls(n, type=pyarrow.string()), ~_mask(pc.is_null(raw))
        array = raw.cast(pyarrow.string())
        if not trim:
            return array, wrong
        array = pc.utf8_trim_whitespace(array)
    else:
        values = numpy.asarray(raw, dtype=object).tolist()
        wrong = numpy.asarray([v is not None and not isinstance(v, str) and not (isinstance(v, float) and math.isnan(v))
                               for v in values], dtype=bool)
        array = pyarrow.array([v if isinstance(v, str) else None for v in values], type=pyarrow.string())
        if not trim:
            return array, wrong
        array = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(pc.utf8_length(array), 0), pyarrow.scalar(None, pyarrow.string()), array), wrong


def _mask(values: Any) -> numpy.ndarray:
    """A pyarrow boolean array as numpy, null as False."""
    import pyarrow

    if isinstance(values, pyarrow.ChunkedArray):
        values = values.combine_chunks()
    # Through uint8 buffers and without Python scalars (fill_null(False)): a boolean Array's to_numpy, and any
    # Python value turned into an Arrow scalar, import pandas (seconds of start-up on a busy machine).
    out = _buffer_values(values.cast(pyarrow.uint8()), "uint8").astype(bool)
    if values.null_count:
        out &= _buffer_values(values.is_valid().cast(pyarrow.uint8()), "uint8").astype(bool)
    return out


def _times(raw: Any, n: int) -> numpy.ndarray:
    """Start times as float seconds since the epoch, UTC; NaN where a value is not an ISO 8601 time."""
    import numpy

    if raw is None:
        return numpy.full(n, numpy.nan)
    array = numpy.asarray(raw)
    if array.dtype.kind == "f":  # already converted (Parquet timestamps)
        return array.astype(float)
    import pandas

    values = [v if isinstance(v, str) else None for v in array.tolist()]
    parsed = pandas.to_datetime(pandas.Series(values, dtype=object), utc=True, errors="coerce", format="ISO8601")
    return epoch_seconds(parsed)


def epoch_seconds(times: Any) -> numpy.ndarray:
    """A pandas Series of UTC times as float seconds since 1970 (NaN for NaT), whatever its datetime resolution."""
    import numpy
    import pandas

    # Through microseconds, not Timestamp arithmetic: pandas keeps a time of year 1 or 9999 at second or
    # microsecond resolution, and subtracting the epoch from it would convert to nanoseconds and overflow.
    values = pandas.Series(times).dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[us]")
    seconds = values.astype("int64").astype(float) / 1e6
    seconds[numpy.isnat(values)] = numpy.nan
    return seconds


def _per_turn(raw: Any, turns: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """(total, history, ok) of per-turn lists: history = Σ_k a_k·(n-k), what later turns re-send of turn k."""
    import numpy

    n = len(turns)
    totals, history, ok = numpy.zeros(n), numpy.full(n, numpy.nan), numpy.ones(n, dtype=bool)
    for i, value in enumerate(numpy.asarray(raw, dtype=object).tolist()):
        if value is None:
            continue
        try:
            seconds = numpy.asarray([float(x) for x in value], dtype=float)
        except (TypeError, ValueError):
            ok[i] = False
            continue
        if len(seconds) != turns[i] or not numpy.all(numpy.isfinite(seconds)) or numpy.any(seconds < 0):
            ok[i] = False
            continue
        totals[i] = seconds.sum()
        history[i] = float(numpy.dot(seconds, len(seconds) - 1 - numpy.arange(len(seconds))))
    return totals, history, ok


def record_of(row: dict[str, Any]) -> CallRecord:
    """One row validated by the model (adapters build rows with it, so what they write always reads back)."""
    return CallRecord.model_validate(row)


def write_records(records: list[CallRecord], path: str | Path) -> None:
    """Write records as JSON Lines (.jsonl), CSV (.csv, no per-turn lists) or Parquet (.parquet)."""
    path = Path(path)
    rows = [r.model_dump(mode="json", exclude_none=True) for r in records]
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
        return
    columns = [c for c in COLUMNS if any(c in row for row in rows)]
    if suffix == ".csv":
        import csv

        if any(c in LIST_COLUMNS for c in columns):
            raise InputError("per-turn lists need JSON Lines or Parquet", path=path)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        return
    if suffix in {".parquet", ".pq"}:
        import pyarrow
        import pyarrow.parquet as pq

        table = pyarrow.Table.from_pylist([{c: row.get(c) for c in columns} for row in rows])
        pq.write_table(table, path)
        return
    raise InputError("write call records as .jsonl, .csv or .parquet", path=path)
