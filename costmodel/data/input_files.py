"""Input files read safely: regular files only, opened without blocking, bounded in bytes before reading, UTF-8."""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from costmodel.errors import InputError

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest file costmodel reads; a price sheet of 10,000 SKUs is well under 8 MiB."""


MAX_EXPORT_BYTES = 128 * 1024 * 1024
"""Largest vendor export read whole (a JSON document is parsed in memory, at several times its size)."""

MAX_LINE_BYTES = 8 * 1024 * 1024
"""Longest line of a file read line by line (JSON Lines, a CSV header): a file with no line break is not read whole."""

_NONBLOCKING_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
"""Opening a FIFO for reading blocks until a writer comes, and opening a terminal could make it ours; neither may."""


def _open_regular(path: Path, expected: str) -> tuple[int, os.stat_result]:
    """An open descriptor of `path` and its status, refusing anything but a regular file with a clean error.

    Opened without blocking, and the open descriptor is checked (not the path, which could change in between).
    """
    try:
        fd = os.open(path, _NONBLOCKING_READ)
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError(f"is a directory, expected {expected}", path=path) from None
    except PermissionError:
        raise InputError("permission denied; check the file's permissions", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror or exc}", path=path) from None
    except ValueError:  # a NUL byte in the name
        raise InputError("is not a usable file name", path=path) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"is a directory, expected {expected}", path=path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file", path=path)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def check_regular(path: Path, expected: str = "a file") -> None:
    """Refuse, as read_bytes would, an input that is missing, a directory or not a regular file.

    For inputs read by another library (call records through pyarrow or pandas, streamed, so not bounded
    in bytes): a FIFO or device named as one must be a clean error, never a read that waits or never ends.
    """
    fd, _ = _open_regular(path, expected)
    os.close(fd)


def read_bytes(path: Path, limit: int | None = None, expected: str = "a YAML file") -> bytes:
    """The bytes of one input file: a regular file only, and never more than `limit` bytes read.

    The one reader for every file costmodel takes in (YAML data, claims, articles, templates, files a report
    hashes). It opens without blocking, checks the open descriptor (not the path, which could change in
    between), and reads at most limit + 1 bytes, so a file that grows or lies about its size is still bounded.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    fd, info = _open_regular(path, expected)
    try:
        if info.st_size > limit:
            raise InputError(f"file is {info.st_size:,} bytes, over the {limit:,}-byte limit; split it", path=path)
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        if remaining <= 0:  # it grew past the limit after fstat
            raise InputError(f"file is over the {limit:,}-byte limit; split it", path=path)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    finally:
        os.close(fd)


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32, going by a byte order mark or, without one, by where the zero bytes fall."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    sample = raw[:4096]
    zeros = sample.count(0)
    if len(sample) < 2 or zeros * 10 < len(sample) * 3:
        return None  # text in UTF-16 or UTF-32 is mostly ASCII and so at least a third zero bytes
    if zeros * 10 >= len(sample) * 6:
        return "UTF-32"
    even = sample[0::2].count(0)
    # UTF-16 puts the zero half of each ASCII character on the same side: nearly all zeros even or all odd.
    return "UTF-16" if max(even, zeros - even) * 10 >= zeros * 9 else None


def decode_text(raw: bytes, path: str | Path) -> str:
    """Input bytes as UTF-8 text, refusing UTF-16/32, NUL bytes and bad bytes with the line they are on."""
    wide = _wide_encoding(raw)
    if wide is not None:
        raise InputError(f"file is {wide}; save it as UTF-8", path=path, line=1)
    nul = raw.find(b"\0")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise InputError("NUL byte (0x00): a text file holds none; save the file as UTF-8 text", path=path, line=line)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8", path=path, line=line
        ) from None


def read_input(path: Path, limit: int | None = None, expected: str = "a YAML file") -> str:
    """One input file as UTF-8 text, through the shared bounded reader."""
    return decode_text(read_bytes(path, limit, expected), path)


def read_text(path: Path) -> str:
    """Read a costmodel YAML file as UTF-8 text, refusing non-regular files, huge files, bad bytes and empty files."""
    text = read_input(path)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise InputError("file is empty", path=path, line=1)
    return text


def read_lines(path: Path, *, replace_bad_bytes: bool = False,
               limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line of a streamed input (JSON Lines, a CSV header): a regular file only,
    and no line longer than `limit` bytes is ever read whole, so a file without line breaks cannot fill memory.

    A UTF-16/32 file or a NUL byte is named with its line; a byte that is not UTF-8 too, unless
    `replace_bad_bytes` (call records, where it shows as U+FFFD in the row's text instead).
    """
    fd, _ = _open_regular(path, "a text file")
    with os.fdopen(fd, "rb") as handle:
        number = 0
        while True:
            try:
                raw = handle.readline(limit + 1)
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
            if not raw:
                return
            number += 1
            if len(raw) > limit:
                raise InputError(f"line is over the {limit:,}-byte limit", path=path, line=number)
            if number == 1:
                wide = _wide_encoding(raw)
                if wide is not None:
                    raise InputError(f"file is {wide}; save it as UTF-8", path=path, line=1)
            if b"\0" in raw:
                raise InputError("NUL byte (0x00): a text file holds none; save the file as UTF-8 text", path=path,
                                 line=number)
            try:
                text = raw.decode("utf-8", "replace" if replace_bad_bytes else "strict")
            except UnicodeDecodeError as exc:
                raise InputError(f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8", path=path,
                                 line=number) from None
            yield number, text


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_loads(text: str) -> Any:
    """JSON text parsed, integers too long for any range kept as floats, any lone UTF-16 surrogate replaced.

    A lone surrogate (`"\\ud800"` unpaired) becomes U+FFFD.

    JSON may escape half a surrogate pair, which no UTF-8 output can hold: left in an id, it would stop every
    writer with an encoding error. A pair (an emoji) is joined by the parser and kept. Errors are json's own.
    """
    value = json.loads(text, parse_int=_json_int)
    if _SURROGATE_ESCAPE.search(text) is None:
        return value  # the common case, fast: no escaped surrogate anywhere
    return _replace_surrogates(value)


def _json_int(digits: str) -> int | float:
    # Up to 18 digits an integer fits numpy's int64; a longer one is kept as a float (inf past 1e308), which
    # the range rule refuses like any other number over 1e30, where int() would refuse 4,300+ digits with a
    # bare ValueError and a huge int would overflow converting to float or int64.
    return int(digits) if len(digits) <= 18 else float(digits)


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_replace_surrogates(key): _replace_surrogates(item) for key, item in value.items()}
    return value
