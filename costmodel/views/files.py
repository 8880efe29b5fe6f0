"""Writing outputs all or none: every target checked first, every file staged to a temporary, then all renamed."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from costmodel.errors import InputError
from costmodel.plain_dataclass import dataclass

STDOUT = "-"
"""The target name that means standard output (`-o -`)."""

Identity = tuple[int, int]
"""A file's (st_dev, st_ino): the same file whatever path, link or bind mount reaches it."""

_KINDS = {
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
}
_STANDARD_STREAMS = {0: "standard input", 1: "standard output", 2: "standard error"}
_DEFERRED = frozenset(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@dataclass(frozen=True)
class Target:
    """One checked output: the path as the user gave it, and the real file name the rename replaces."""

    given: str | Path
    resolved: Path | None
    """None for standard output."""

    @property
    def is_stdout(self) -> bool:
        return self.resolved is None


def is_stdout(path: str | Path | None) -> bool:
    """Whether a target names standard output: `-` (a file called `-` must be given with its folder, `/tmp/-`)."""
    return path is not None and str(path) == STDOUT


def identity(path: str | Path) -> Identity | None:
    """The (device, inode) of the file `path` leads to, following links; None when there is none."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def target_problem(path: str | Path) -> str | None:
    """Why `path` cannot be an output file, or None: only a new name or an existing regular file may be replaced.

    Renaming over a device, FIFO or socket would replace it with a plain file (as root, `-o /dev/null`
    would break the host), so anything that exists and is not a regular file is refused. So is the file
    this process already reads or writes as a standard stream (`-o /dev/stdout` when stdout is a file).
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None  # a new file (or a link to one not yet written): fine
    except NotADirectoryError:
        return "is inside a file, not a folder"
    except OSError as exc:
        return f"cannot be checked: {(exc.strerror or str(exc)).lower()}"
    except ValueError:  # a NUL byte in the name
        return "is not a usable file name"
    if stat.S_ISDIR(info.st_mode):
        return "is a directory; give a file name"
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        return f"is {kind}, not a regular file; give a file name, or - for standard output"
    for fd, name in _STANDARD_STREAMS.items():
        with contextlib.suppress(OSError):
            stream = os.fstat(fd)
            if (stream.st_dev, stream.st_ino) == (info.st_dev, info.st_ino):
                return f"is this command's {name}; give another file name, or - for standard output"
    return None


def check_targets(paths: Sequence[str | Path], protected: Iterable[str | Path] = ()) -> list[Target]:
    """Check every output before anything is written: kind, folder, not an input, not another output of the run.

    Inputs are compared by file identity, so a hard link, symlink or bind mount to an input is refused too.
    """
    inputs = {found for found in map(identity, protected) if found is not None}
    seen: dict[tuple[object, ...], str | Path] = {}
    targets = []
    for given in paths:
        if is_stdout(given):
            key: tuple[object, ...] = ("stdout",)
            target = Target(given, None)
        else:
            resolved = _check_file(Path(given), inputs)
            target = Target(given, resolved)
            key = _output_key(resolved)
        if key in seen:
            other = seen[key]
            if str(other) == str(given):
                raise InputError("is given for two outputs of this command; give each output its own file",
                                 path=given)
            raise InputError(f"is the same file as another output of this command, {other}; give each output "
                             "its own file", path=given)
        seen[key] = given
        targets.append(target)
    return targets


def check_target(path: str | Path, protected: Iterable[str | Path] = ()) -> Path:
    """Check one output file (see check_targets); returns the real path its rename will replace."""
    target = check_targets([path], protected)[0]
    return target.resolved if target.resolved is not None else Path(STDOUT)


def _check_file(target: Path, inputs: set[Identity]) -> Path:
    problem = target_problem(target)
    if problem is not None:
        raise InputError(problem, path=target)
    if identity(target) in inputs:
        raise InputError("is an input file; costmodel never overwrites its inputs", path=target)
    resolved = Path(os.path.realpath(target))
    if not resolved.parent.is_dir():
        raise InputError(f"folder {resolved.parent} does not exist", path=target)
    if not os.access(resolved.parent, os.W_OK):
        raise InputError(f"folder {resolved.parent} is not writable", path=target)
    return resolved


def _output_key(resolved: Path) -> tuple[object, ...]:
    # An existing file is known by its identity (a hard link is the same file); a new one by its folder's
    # identity and its name, so two spellings of one new path through a bind mount still collide.
    found = identity(resolved)
    if found is not None:
        return ("file", *found)
    folder = identity(resolved.parent)
    return ("new", folder, resolved.name) if folder is not None else ("path", str(resolved))


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM/SIGHUP for a few system calls that must not be cut in half (delivered on exit)."""
    if not hasattr(signal, "pthread_sigmask") or not _DEFERRED:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@dataclass
class _Staged:
    target: Target
    resolved: Path
    temporary: Path
    existed: bool = False
    """Whether a previous file was there at the commit (a rollback must not delete it)."""
    backup: Path | None = None


def write_all(outputs: Sequence[tuple[str | Path, str | bytes]], protected: Iterable[str | Path] = ()) -> list[Target]:
    """Write several outputs all or none: check every target, write every temporary, then rename them all.

    Standard output (`-`) is written last, once every file is in place. If anything fails (or a signal
    arrives) before the renames, every temporary is removed and no previous file is touched. A rename that
    fails midway is rolled back: files already replaced get their previous version back from a hard link
    taken just before, new ones are removed (see README "Output files" for the limits of this).
    """
    targets = check_targets([path for path, _ in outputs], protected)
    staged: list[_Staged] = []
    try:
        for target, (_, data) in zip(targets, outputs, strict=True):
            if target.resolved is not None:
                _stage(target, target.resolved, data, staged)
        _commit(staged)
    except BaseException:
        with signals_deferred():
            for each in staged:
                for leftover in (each.temporary, each.backup):
                    if leftover is not None:
                        with contextlib.suppress(OSError):
                            os.unlink(leftover)
        raise
    for target, (_, data) in zip(targets, outputs, strict=True):
        if target.is_stdout:
            _to_stdout(data)
    return targets


@contextlib.contextmanager
def streamed_output(path: str | Path, protected: Iterable[str | Path] = ()) -> Iterator[Path]:
    """A temporary name beside `path` for a file written in pieces by another library (pyarrow's streaming
    writers), renamed over `path` when the block ends; removed, and `path` untouched, if it fails or a signal
    stops it. The target is checked first like every output (not an input, not a device, its folder exists).

    The temporary keeps the target's suffix, so a writer that picks its format by suffix picks the same one.
    """
    import tempfile

    target = check_targets([path], protected)[0]
    assert target.resolved is not None, "streamed outputs are files, not standard output"
    resolved = target.resolved
    with signals_deferred():
        try:
            fd, name = tempfile.mkstemp(dir=resolved.parent, prefix=f".{_short(resolved.name)}.",
                                        suffix=".tmp" + resolved.suffix)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(target.given)) from None
        os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        if temporary.exists():
            os.chmod(temporary, _regular_mode(resolved) or (0o666 & ~_umask()))
            _commit([_Staged(target, resolved, temporary)])
    finally:
        with signals_deferred(), contextlib.suppress(OSError):
            os.unlink(temporary)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_atomic(path: str | Path, data: str | bytes, protected: Iterable[str | Path] = ()) -> Path:
    """Write `data` to `path` so readers see the old file or the whole new one, never a partial one."""
    write_all([(path, data)], protected)
    return Path(path)


def _stage(target: Target, resolved: Path, data: str | bytes, staged: list[_Staged]) -> None:
    """Write one temporary beside its target (same folder, so the rename is atomic) and flush it to disk."""
    import tempfile  # only when an output file is written: a command printing to the terminal never needs it

    payload = data.encode("utf-8") if isinstance(data, str) else data
    with signals_deferred():
        # Created and recorded together: an interrupt can never leave a temporary nobody knows about.
        try:
            fd, name = tempfile.mkstemp(dir=resolved.parent, prefix=f".{_short(resolved.name)}.", suffix=".tmp")
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(target.given)) from None
        staged.append(_Staged(target, resolved, Path(name)))
    try:
        # mkstemp creates 0600; keep the mode of the file being replaced, else what a plain open() would give.
        previous = _regular_mode(resolved)
        if previous is None:
            umask = os.umask(0)
            os.umask(umask)
            previous = 0o666 & ~umask
        os.fchmod(fd, previous & 0o777)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())


def _short(name: str) -> str:
    """The target's name as a temporary's prefix, cut so that a name near the 255-byte limit still fits."""
    return name.encode("utf-8", "surrogateescape")[:100].decode("utf-8", "ignore")


def _regular_mode(path: Path) -> int | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None


def _commit(staged: list[_Staged]) -> None:
    """Rename every temporary over its target, in order; undo the renames already done if one fails."""
    with signals_deferred():
        for each in staged:
            # Checked again just before the rename: the target may have become a FIFO or device since.
            problem = target_problem(each.resolved)
            if problem is not None:
                raise InputError(problem, path=each.target.given)
        for each in staged:
            each.existed = each.resolved.exists()
            # One file needs no backup: its single rename is atomic, it happens or it does not.
            if each.existed and len(staged) > 1:
                each.backup = _hard_link_backup(each.resolved)
        done: list[_Staged] = []
        try:
            for each in staged:
                os.replace(each.temporary, each.resolved)
                done.append(each)
        except BaseException:
            _roll_back(done)
            raise
        for each in staged:
            if each.backup is not None:
                with contextlib.suppress(OSError):
                    os.unlink(each.backup)
                each.backup = None


def _hard_link_backup(path: Path) -> Path | None:
    """A second name for the file about to be replaced, so a failed multi-file commit can put it back."""
    import secrets

    for _ in range(10):
        backup = path.with_name(f".{_short(path.name)}.{secrets.token_hex(4)}.old.tmp")
        try:
            os.link(path, backup)
        except FileExistsError:
            continue
        except OSError:
            return None  # a file system without hard links: this file cannot be rolled back
        return backup
    return None


def _roll_back(done: list[_Staged]) -> None:
    for each in reversed(done):
        with contextlib.suppress(OSError):
            if each.backup is not None:
                os.replace(each.backup, each.resolved)
                each.backup = None
            elif not each.existed:
                os.unlink(each.resolved)
            # else: replaced, and no second name to restore it from (no hard links here); it stays new.


def _to_stdout(data: str | bytes) -> None:
    import click

    # click.echo writes bytes to the binary stream under standard output (get_binary_stream is deprecated).
    click.echo(data, nl=False)
