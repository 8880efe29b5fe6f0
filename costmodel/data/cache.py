"""A cache of the loaded library, keyed by its files' contents: a warm start neither parses YAML nor validates.

Like Python's own __pycache__, the cache holds a pickle that costmodel wrote itself, in the user's cache
directory (platform conventions; COSTMODEL_CACHE_DIR overrides, COSTMODEL_CACHE=off disables). It is used
only when every check passes, and otherwise ignored and rewritten, never trusted:
- the entry's key is the SHA-256 of the folders as given and resolved, every data file's name and bytes, and
  the costmodel, pydantic (its version file) and Python versions, so any edit, upgrade or other folder is a
  different entry;
- the file is a regular file owned by the current user and writable by no one else, under a size bound;
- a digest of the payload is checked before unpickling, and the result must be of the type asked for.
Writing is atomic (temporary file + rename) and best effort: a read-only cache directory only costs speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.machinery
import os
import pickle
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

CACHE_DIR_ENV = "COSTMODEL_CACHE_DIR"
CACHE_SWITCH_ENV = "COSTMODEL_CACHE"
MAGIC = b"costmodel-library-cache-7\n"
"""Leads every entry; the number changes whenever the entry layout does (2: the catalog holds records, not models;
3: price periods hold monthly mechanics, volume tiers, included minutes and concurrency slots;
4: records gained the per-call mechanics' fields, so an entry pickled before them is never read into them;
5: scenarios hold their shared components and needed roles; 6: throughput curves, traffic profiles and
self-hosted scaling and purchase fields; 7: the catalog lists the bundled items a user's folders override)."""
MAX_ENTRY_BYTES = 64 * 1024 * 1024
"""Largest entry read back (a library of 10,000 SKUs pickles to a few MiB)."""
MAX_ENTRIES = 16
"""Entries kept; the least recently written go first."""


def cache_dir() -> Path:
    """Where entries live: COSTMODEL_CACHE_DIR, or the platform's user cache directory for costmodel."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("costmodel", appauthor=False))


def enabled() -> bool:
    return os.environ.get(CACHE_SWITCH_ENV, "on").lower() not in {"off", "0", "no", "false"}


def pydantic_fingerprint() -> bytes:
    """The installed pydantic's version file (its version and the pydantic-core it needs), read, not imported.

    Importing pydantic to ask its version would cost the warm start a good part of what the cache saves.
    """
    spec = importlib.machinery.PathFinder.find_spec("pydantic")
    if spec is None or spec.origin is None:
        return b"no pydantic"
    try:
        return (Path(spec.origin).parent / "version.py").read_bytes()
    except OSError:
        return b"pydantic without a readable version file"


def library_key(folders: Sequence[Path], files: Sequence[tuple[Path, bytes]]) -> bytes:
    """SHA-256 of everything the loaded library depends on."""
    from costmodel import __version__

    digest = hashlib.sha256()
    folder_names = (f"{f}\0{f.resolve()}".encode() for f in folders)
    for part in (MAGIC, __version__.encode(), pydantic_fingerprint(), sys.version.encode(), *folder_names):
        digest.update(part)
        digest.update(b"\0")
    for path, data in files:
        digest.update(f"{path}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.digest()


def _owned_and_private(fd: int) -> bool:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
        return False
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read_entry(path: Path, key: bytes, expected: type[T]) -> T | None:
    """The cached library for `key`, or None when the entry is missing, foreign, stale or corrupt."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not _owned_and_private(fd):
            return None
        chunks, size = [], 0
        while size <= MAX_ENTRY_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        blob = b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)
    head = len(MAGIC)
    if len(blob) < head + 64 or blob[:head] != MAGIC or blob[head : head + 32] != key:
        return None
    payload = blob[head + 64 :]
    if hashlib.sha256(payload).digest() != blob[head + 32 : head + 64]:
        return None
    try:
        loaded = pickle.loads(payload)
    except Exception:  # a truncated or foreign pickle: ignore it and load from the files
        return None
    return loaded if isinstance(loaded, expected) else None


def write_entry(path: Path, key: bytes, library: object) -> None:
    """Store the library atomically; any failure leaves the cache as it was (it is only a speed-up)."""
    try:
        payload = pickle.dumps(library, protocol=pickle.HIGHEST_PROTOCOL)
        import tempfile  # only a cold start writes; the warm path does without it (and what it imports)

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entry.", suffix=".tmp")
        try:
            view = memoryview(MAGIC + key + hashlib.sha256(payload).digest() + payload)
            try:
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        _prune(path.parent)
    except (OSError, pickle.PicklingError, RecursionError):
        return


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.library"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            stale.unlink()


def cached(
    folders: Sequence[Path], files: Sequence[tuple[Path, bytes]], build: Callable[[], T], expected: type[T]
) -> T:
    """The library from the cache when a valid entry for these exact files exists, else built and stored."""
    if not enabled():
        return build()
    key = library_key(folders, files)
    path = cache_dir() / f"{key.hex()[:32]}.library"
    library = read_entry(path, key, expected)
    if library is None:
        library = build()
        write_entry(path, key, library)
    return library
