"""The Dask engine of `replay`: the same kernel (`replay_batch`) over the partitions of a Dask DataFrame.

Each partition is checked row by row against the call-record format (rows keep their file numbers: partition
lengths are counted first) and priced into a `ReplayPartial`; the partials are merged on the client. The hourly
GPU load is merged from the partitions, so self-hosted stacks are sized on the whole period as locally.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from costmodel.analyses.replay import ReplayPartial, replay_batch
from costmodel.core.backends import VectorOps
from costmodel.data.call_records import COLUMNS, RowChecker, epoch_seconds
from costmodel.errors import InputError

if TYPE_CHECKING:
    import pandas

    from costmodel.analyses.sweep import Prepared
    from costmodel.data.records import Scenario


def _partition(frame: pandas.DataFrame, first_line: int, path: str, prepared: Prepared, base: Scenario,
               by_customer: bool, on_bad_row: Literal["fail", "skip"]) -> ReplayPartial:
    import numpy

    checker = RowChecker(path, on_bad_row)
    columns: dict[str, Any] = {}
    for name in frame.columns:
        column = frame[name]
        if str(column.dtype).startswith("datetime64"):
            values = column.dt.tz_localize("UTC") if column.dt.tz is None else column.dt.tz_convert("UTC")
            columns[name] = epoch_seconds(values)
        elif column.dtype == object or str(column.dtype) in {"string", "str"}:
            columns[name] = column.astype(object).where(column.notna(), None).to_numpy(dtype=object)
        else:
            columns[name] = column.to_numpy(dtype=float, na_value=numpy.nan)
    lines = numpy.arange(first_line, first_line + len(frame))
    partial = ReplayPartial()
    batch = checker.check(columns, lines)
    replay_batch(prepared, base, batch, partial, by_customer=by_customer, ops=VectorOps())
    partial.bad, partial.rows = checker.bad, checker.rows
    return partial


def dask_partial(prepared: Prepared, base: Scenario, calls: str | Path, *, by_customer: bool,
                 on_bad_row: Literal["fail", "skip"], scheduler: str | None) -> ReplayPartial:
    """Read the records as a Dask DataFrame, price every partition with the local kernel, merge the partials."""
    import importlib

    import dask.dataframe as dd

    dask: Any = importlib.import_module("dask")  # untyped: called through Any

    path = Path(calls)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("no such file", path=path)
    if suffix in {".parquet", ".pq"}:
        frame = dd.read_parquet(str(path), split_row_groups=True)
        first = 1
    elif suffix == ".csv":
        frame = dd.read_csv(str(path), dtype=object, blocksize="64MB", keep_default_na=False, na_values=[""])
        first = 2
    else:
        raise InputError("--engine dask reads .parquet or .csv call records", path=path)
    unknown = [c for c in frame.columns if c not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column '{unknown[0]}'", path=path, line=1)
    client: Any = None
    if scheduler:
        client = importlib.import_module("distributed").Client(scheduler)
    try:
        lengths = frame.map_partitions(len).compute()
        offsets = [first]
        for length in list(lengths)[:-1]:
            offsets.append(offsets[-1] + int(length))
        parts = frame.to_delayed()
        task = dask.delayed(_partition)
        partials = dask.compute(*[task(part, offset, str(path), prepared, base, by_customer, on_bad_row)
                                  for part, offset in zip(parts, offsets, strict=True)])
    finally:
        if client is not None:
            client.close()
    total = ReplayPartial()
    for partial in partials:
        total.merge(partial)
    return total
