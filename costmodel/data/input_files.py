"""Input files read safely: regular files only, opened without blocking, bounded in bytes before reading, UTF-8."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from costmodel.errors import InputError

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest file costmodel reads; a price sheet of 10,000 SKUs is well under 8 MiB."""


_NONBLOCKING_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
"""Opening a FIFO for reading blocks until a writer comes, and opening a terminal could make it ours; neither may."""


def read_bytes(path: Path, limit: int | None = None, expected: str = "a YAML file") -> bytes:
    """The bytes of one input file: a regular file only, and never more than `limit` bytes read.

    The one reader for every file costmodel takes in (YAML data, claims, articles, templates, files a report
    hashes). It opens without blocking, checks the open descriptor (not the path, which could change in
    between), and reads at most limit + 1 bytes, so a file that grows or lies about its size is still bounded.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
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
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"is a directory, expected {expected}", path=path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file", path=path)
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
