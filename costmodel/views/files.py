"""Writing output files: atomically (temporary file + rename), never over an input, nothing left on failure."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from costmodel.errors import InputError


def check_target(path: str | Path, protected: Iterable[Path] = ()) -> Path:
    """Refuse an output path before any work: a directory, an input file (also via a link), a missing folder."""
    target = Path(path)
    if target.is_dir():
        raise InputError("is a directory; give a file name", path=target)
    resolved = target.resolve()
    for source in protected:
        if resolved == Path(source).resolve():
            raise InputError("is an input file; costmodel never overwrites its inputs", path=target)
    if not resolved.parent.is_dir():
        raise InputError(f"folder {resolved.parent} does not exist", path=target)
    return resolved


def write_atomic(path: str | Path, data: str | bytes, protected: Iterable[Path] = ()) -> Path:
    """Write `data` to `path` so readers see the old file or the whole new one, never a partial one."""
    target = Path(path)
    resolved = check_target(target, protected)
    folder = resolved.parent
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp creates 0600; a report is meant to be shared, so give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, resolved)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return target
