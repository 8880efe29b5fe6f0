"""Output targets and signals: only new or regular files are replaced, several outputs all or none, no temp survives."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from costmodel.cli import cli, run
from costmodel.errors import InputError
from costmodel.views.files import write_all

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "articles" / "gpt-audio-mini-review.md"
TEMPLATE = ROOT / "articles" / "gpt-audio-mini-pricing.md.tmpl"
AS_OF = "2026-11-01"

# Every command that writes a file with -o, with arguments that succeed on the bundled data.
WRITERS: dict[str, list[str]] = {
    "compare": ["compare"],
    "breakdown": ["breakdown", "support-call-5min", "budget-first"],
    "prices": ["prices"],
    "prices diff": ["prices", "diff", "--from", "2025-01-01", "--to", "2025-06-01"],
    "breakeven": ["breakeven", "support-call-5min", "budget-first", "gpt-audio-mini", "--over", "calls_per_month"],
    "sweep": ["sweep", "support-call-5min", "--vary", "turns=1:3"],
    "sensitivity": ["sensitivity", "support-call-5min", "budget-first"],
    "render": ["render", str(TEMPLATE)],
    "audit": ["audit", str(ARTICLE)],
    "report": ["report", "council-triage"],
}


def temporaries(folder: Path) -> list[str]:
    """What the writer would leave behind if it failed to clean up: .NAME.*.tmp (temporaries and backups)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))


def one_line_error(result: Any, code: int = 2) -> str:
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.stdout == ""
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@contextlib.contextmanager
def unix_socket(folder: Path) -> Iterator[Path]:
    # AF_UNIX paths are limited to ~100 bytes, which a deep pytest tmp_path can exceed: use a short folder.
    short = Path(tempfile.mkdtemp())
    path = short / "s"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        yield path
    finally:
        server.close()
        path.unlink(missing_ok=True)
        short.rmdir()


def special_target(kind: str, tmp_path: Path, stack: contextlib.ExitStack) -> tuple[Path, Callable[[os.stat_result], bool]]:
    """A path of the given kind, and a test that it is still that kind afterwards."""
    if kind == "character device":
        return Path(os.devnull), lambda s: stat.S_ISCHR(s.st_mode)
    if kind == "link to a character device":
        link = tmp_path / "null.json"
        link.symlink_to(os.devnull)
        return link, lambda s: stat.S_ISCHR(s.st_mode)
    if kind == "FIFO":
        fifo = tmp_path / "pipe.json"
        os.mkfifo(fifo)
        return fifo, lambda s: stat.S_ISFIFO(s.st_mode)
    if kind == "socket":
        return stack.enter_context(unix_socket(tmp_path)), lambda s: stat.S_ISSOCK(s.st_mode)
    folder = tmp_path / "folder.md"
    folder.mkdir()
    return folder, lambda s: stat.S_ISDIR(s.st_mode)


KINDS = ["character device", "link to a character device", "FIFO", "socket", "directory"]


# ---------------------------------------------------------------------------------------------- kinds of target


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", list(WRITERS))
def test_only_a_new_or_regular_file_is_an_output(tmp_path: Path, command: str, kind: str) -> None:
    with contextlib.ExitStack() as stack:
        target, still = special_target(kind, tmp_path, stack)
        before = sorted(p.name for p in tmp_path.iterdir())
        # A pricing folder that does not exist would fail the run later: the target is refused first, before any work.
        args = [*WRITERS[command], "--pricing", str(tmp_path / "missing"), "-o", str(target)]
        line = one_line_error(CliRunner().invoke(cli, args))
        assert line.startswith(f"Error: costmodel {command}: Invalid value for '-o' / '--output': '{target}' is ")
        expected = "is a directory" if kind == "directory" else "not a regular file"
        assert expected in line
        assert still(os.stat(target)), "the target was replaced"
        assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", ["sweep", "sensitivity"])
@pytest.mark.parametrize("kind", ["character device", "FIFO"])
def test_a_chart_is_only_written_to_a_new_or_regular_file(tmp_path: Path, command: str, kind: str) -> None:
    with contextlib.ExitStack() as stack:
        target, still = special_target(kind, tmp_path, stack)
        line = one_line_error(CliRunner().invoke(cli, [*WRITERS[command], "--plot", str(target)]))
        assert line.startswith(f"Error: costmodel {command}: Invalid value for '--plot': '{target}' is ")
        assert "not a regular file" in line
        assert still(os.stat(target))


def test_schema_write_dir_refuses_a_fifo_among_its_files_and_writes_none(tmp_path: Path) -> None:
    fifo = tmp_path / "stack.schema.json"
    os.mkfifo(fifo)
    line = one_line_error(CliRunner().invoke(cli, ["schema", "--write-dir", str(tmp_path)]))
    assert line == f"{fifo}: is a FIFO, not a regular file; give a file name, or - for standard output"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    # claims, fx and pricesheet come before stack: none of them was written either.
    assert [p.name for p in tmp_path.iterdir()] == ["stack.schema.json"]


@pytest.mark.parametrize(("stream", "name"), [("stdout", "standard output"), ("stdin", "standard input")])
def test_a_standard_stream_that_is_a_file_is_not_an_output(tmp_path: Path, stream: str, name: str) -> None:
    # `costmodel compare -o /dev/stdout > out.txt` would replace out.txt behind the shell's back (and drop >>).
    redirected = tmp_path / "stream.txt"
    redirected.write_text("previous\n", encoding="utf-8")
    with open(redirected, "r+b") as handle:
        kwargs: dict[str, Any] = {"stdout": handle} if stream == "stdout" else {"stdin": handle, "stdout": subprocess.PIPE}
        done = subprocess.run([sys.executable, "-m", "costmodel", "compare", "-o", f"/dev/{stream}"], stderr=subprocess.PIPE,
                              text=True, timeout=120, cwd=tmp_path, **kwargs)
    assert done.returncode == 2
    assert done.stderr == (f"Error: costmodel compare: Invalid value for '-o' / '--output': '/dev/{stream}' is this "
                           f"command's {name}; give another file name, or - for standard output\n")
    assert redirected.read_text(encoding="utf-8") == "previous\n"
    assert temporaries(tmp_path) == []


def test_dev_stdout_on_a_pipe_is_refused_without_naming_a_temporary(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "costmodel", "compare", "-o", "/dev/stdout"], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == ("Error: costmodel compare: Invalid value for '-o' / '--output': '/dev/stdout' is a FIFO, "
                           "not a regular file; give a file name, or - for standard output\n")


def test_a_path_through_a_file_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_text("x", encoding="utf-8")
    out = plain / "out.json"
    line = one_line_error(CliRunner().invoke(cli, ["compare", "-o", str(out)]))
    assert line == f"Error: costmodel compare: Invalid value for '-o' / '--output': '{out}' is inside a file, not a folder"


# ---------------------------------------------------------------------------------------------- standard output


@pytest.mark.parametrize("command", ["compare", "breakdown", "prices", "sweep", "render", "audit"])
def test_dash_is_standard_output(command: str) -> None:
    runner = CliRunner()
    args = [*WRITERS[command], "--as-of", AS_OF]
    plain = runner.invoke(cli, args)
    dashed = runner.invoke(cli, [*args, "-o", "-"])
    assert dashed.exit_code == plain.exit_code  # audit exits 1 when it flags a claim, either way
    assert dashed.stdout == plain.stdout != ""
    assert dashed.stderr == plain.stderr == ""


def test_dash_for_the_text_and_a_file_for_the_chart(tmp_path: Path) -> None:
    chart = tmp_path / "chart.svg"
    runner = CliRunner()
    args = [*WRITERS["sweep"], "--as-of", AS_OF]
    result = runner.invoke(cli, [*args, "--plot", str(chart), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout == runner.invoke(cli, args).stdout
    assert result.stderr == f"wrote {chart}\n"
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_a_file_called_dash_is_written_with_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["compare", "--format", "csv", "--as-of", AS_OF, "-o", "./-"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert (tmp_path / "-").read_text(encoding="utf-8").startswith("rank,stack,architecture,")


def test_help_documents_dash(runner: CliRunner) -> None:
    assert "- is standard output" in " ".join(runner.invoke(cli, ["compare", "--help"]).stdout.split())


# ---------------------------------------------------------------------------------------------- inputs by identity


def test_a_hard_link_to_an_input_is_refused(bundled_copy: Path, tmp_path: Path) -> None:
    # The path differs from every input's path (even resolved): only the file identity tells it is an input.
    sheet = bundled_copy / "pricing" / "openai.yaml"
    before = sheet.read_bytes()
    link = tmp_path / "report.json"
    os.link(sheet, link)
    args = ["compare", "--pricing", str(bundled_copy / "pricing"), "--scenarios", str(bundled_copy / "scenarios"),
            "-o", str(link)]
    line = one_line_error(CliRunner().invoke(cli, args))
    assert line == f"{link}: is an input file; costmodel never overwrites its inputs"
    assert sheet.read_bytes() == before
    assert os.stat(sheet).st_ino == os.stat(link).st_ino  # still one file, not replaced
    assert temporaries(tmp_path) == []


def test_an_input_folder_reached_another_way_is_still_an_input(bundled_copy: Path, tmp_path: Path) -> None:
    # The data read through a linked folder, the output given by the real path (a bind mount behaves the same).
    alias = tmp_path / "alias"
    alias.symlink_to(bundled_copy / "scenarios", target_is_directory=True)
    target = bundled_copy / "scenarios" / "council-triage.yaml"
    before = target.read_bytes()
    args = ["compare", "council-triage", "--scenarios", str(alias), "-o", str(target)]
    line = one_line_error(CliRunner().invoke(cli, args))
    assert line == f"{target}: is an input file; costmodel never overwrites its inputs"
    assert target.read_bytes() == before


@pytest.mark.parametrize("which", ["template", "claims"])
def test_hard_links_to_render_and_audit_inputs_are_refused(tmp_path: Path, which: str) -> None:
    claims = ARTICLE.with_name(ARTICLE.stem + ".claims.yaml")
    source = TEMPLATE if which == "template" else claims
    link = tmp_path / "out.md"
    try:
        os.link(source, link)
    except OSError:  # the checkout is on another file system than tmp_path: use a copy with its own link
        copied = tmp_path / source.name
        copied.write_bytes(source.read_bytes())
        os.link(copied, link)
        source = copied
    args = ["render", str(source)] if which == "template" else ["audit", str(ARTICLE), "--claims", str(source)]
    before = source.read_bytes()
    line = one_line_error(CliRunner().invoke(cli, [*args, "-o", str(link)]))
    assert line == f"{link}: is an input file; costmodel never overwrites its inputs"
    assert source.read_bytes() == before


# ---------------------------------------------------------------------------------------------- several outputs


def test_the_same_file_for_chart_and_text_is_refused_before_any_work(tmp_path: Path) -> None:
    chart = tmp_path / "x.svg"
    chart.write_text("previous chart\n", encoding="utf-8")
    args = [*WRITERS["sweep"], "--plot", str(chart), "-o", str(chart)]
    line = one_line_error(CliRunner().invoke(cli, args))
    assert line == f"{chart}: is given for two outputs of this command; give each output its own file"
    assert chart.read_text(encoding="utf-8") == "previous chart\n"
    assert temporaries(tmp_path) == []


@pytest.mark.parametrize("alias", ["symlink", "hard link", "dotted path"])
def test_two_spellings_of_one_file_are_one_output(tmp_path: Path, alias: str) -> None:
    chart = tmp_path / "x.svg"
    chart.write_text("previous chart\n", encoding="utf-8")
    other = tmp_path / "y.svg"
    if alias == "symlink":
        other.symlink_to(chart)
    elif alias == "hard link":
        os.link(chart, other)
    else:
        (tmp_path / "sub").mkdir()
        other = tmp_path / "sub" / ".." / "x.svg"
    line = one_line_error(CliRunner().invoke(cli, [*WRITERS["sensitivity"], "--plot", str(chart), "-o", str(other)]))
    assert line == f"{other}: is the same file as another output of this command, {chart}; give each output its own file"
    assert chart.read_text(encoding="utf-8") == "previous chart\n"


def test_two_new_spellings_of_one_name_are_one_output(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    first, second = tmp_path / "new.svg", tmp_path / "sub" / ".." / "new.svg"
    with pytest.raises(InputError, match="is the same file as another output"):
        write_all([(first, "a"), (second, "b")])
    assert list(tmp_path.iterdir()) == [tmp_path / "sub"]


def previous_report(folder: Path) -> dict[str, bytes]:
    """A previous report.md with both charts, as an earlier run wrote them."""
    files = {"r.md": b"previous report\n", "r-calls.svg": b"<svg>old calls</svg>", "r-length.svg": b"<svg>old length</svg>"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_report_checks_every_chart_before_writing_any(tmp_path: Path) -> None:
    # council-triage has two charts, r-calls.svg then r-length.svg; the second name is a folder.
    (tmp_path / "r-length.svg").mkdir()
    args = ["report", "council-triage", "--as-of", AS_OF, "-o", str(tmp_path / "r.md")]
    line = one_line_error(CliRunner().invoke(cli, args))
    assert line == f"{tmp_path / 'r-length.svg'}: is a directory; give a file name"
    assert [p.name for p in tmp_path.iterdir()] == ["r-length.svg"]  # neither the first chart nor the report


class FullDisk:
    """A file handle that writes half of what it is given, then fails as a full disk does."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def __enter__(self) -> FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def disk_full_at(monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    """The `call`-th file the writer opens runs out of space; the ones before it are written whole."""
    import costmodel.views.files

    real = os.fdopen
    opened = []

    def fdopen(fd: int, mode: str) -> Any:
        opened.append(fd)
        handle = real(fd, mode)
        return FullDisk(handle) if len(opened) == call else handle

    monkeypatch.setattr(costmodel.views.files.os, "fdopen", fdopen)


@pytest.mark.parametrize("call", [1, 2, 3])
def test_a_full_disk_leaves_every_previous_report_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    before = previous_report(tmp_path)
    disk_full_at(monkeypatch, call)
    result = CliRunner().invoke(cli, ["report", "council-triage", "--as-of", AS_OF, "-o", str(tmp_path / "r.md")])
    assert one_line_error(result, 1) == "Error: No space left on device"
    assert contents(tmp_path) == before
    assert temporaries(tmp_path) == []


def test_a_full_disk_writes_no_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disk_full_at(monkeypatch, 4)  # claims, fx, pricesheet staged whole; stack fails
    result = CliRunner().invoke(cli, ["schema", "--write-dir", str(tmp_path)])
    assert one_line_error(result, 1) == "Error: No space left on device"
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_leaves_the_previous_chart_and_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chart, text = tmp_path / "c.svg", tmp_path / "t.csv"
    chart.write_text("old chart\n", encoding="utf-8")
    text.write_text("old text\n", encoding="utf-8")
    disk_full_at(monkeypatch, 2)  # the chart is staged first, the text second
    result = CliRunner().invoke(cli, [*WRITERS["sweep"], "--plot", str(chart), "-o", str(text), "--format", "csv"])
    assert one_line_error(result, 1) == "Error: No space left on device"
    assert (chart.read_text(encoding="utf-8"), text.read_text(encoding="utf-8")) == ("old chart\n", "old text\n")
    assert temporaries(tmp_path) == []


def test_a_rename_failing_midway_is_rolled_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import costmodel.views.files

    # Renamed in order r-calls.svg (replaces an old one), r-length.svg (new), r.md (replaces an old one): the
    # third rename fails. The first is put back from its backup link, the second removed as it was new.
    old = {"r.md": b"previous report\n", "r-calls.svg": b"<svg>old calls</svg>"}
    for name, data in old.items():
        (tmp_path / name).write_bytes(data)
    real = os.replace
    renames: list[str] = []

    def replace(source: Any, target: Any) -> None:
        renames.append(Path(target).name)
        if len(renames) == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(source, target)

    monkeypatch.setattr(costmodel.views.files.os, "replace", replace)
    result = CliRunner().invoke(cli, ["report", "council-triage", "--as-of", AS_OF, "-o", str(tmp_path / "r.md")])
    assert one_line_error(result, 1) == f"Error: {os.strerror(errno.EIO)}"
    assert renames == ["r-calls.svg", "r-length.svg", "r.md", "r-calls.svg"]  # the last one is the restore
    assert contents(tmp_path) == old
    assert temporaries(tmp_path) == []


def test_a_target_turned_into_a_fifo_after_the_check_is_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import costmodel.views.files

    out = tmp_path / "out.json"
    out.write_text("previous\n", encoding="utf-8")
    real = os.fsync

    def swap(fd: int) -> None:
        # While the temporary is written, someone puts a FIFO where the output was checked to be a file.
        out.unlink()
        os.mkfifo(out)
        real(fd)

    monkeypatch.setattr(costmodel.views.files.os, "fsync", swap)
    line = one_line_error(CliRunner().invoke(cli, ["compare", "--format", "json", "-o", str(out)]))
    assert line == f"{out}: is a FIFO, not a regular file; give a file name, or - for standard output"
    assert stat.S_ISFIFO(os.stat(out).st_mode)
    assert temporaries(tmp_path) == []


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "private.csv"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o600)  # someone made the previous report private: the new one must not become world-readable
    result = CliRunner().invoke(cli, ["compare", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith("rank,stack,")


# ---------------------------------------------------------------------------------------------- signals

# Runs the CLI in a child process whose writer stops, announced on stderr, while a temporary file exists.
# The signals start at their default action, as in a foreground shell job, whatever our own parent ignores.
PAUSED_WRITER = """
import os, signal, sys, time
for name in ("SIGINT", "SIGTERM", "SIGHUP"):
    signal.signal(getattr(signal, name), signal.default_int_handler if name == "SIGINT" else signal.SIG_DFL)
import costmodel.views.files
real_fsync = os.fsync
pause_at, calls = int(sys.argv[1]), []
def paused_fsync(fd):
    calls.append(fd)
    if len(calls) == pause_at:
        sys.stderr.write("staged\\n")
        sys.stderr.flush()
        time.sleep(300)
    real_fsync(fd)
costmodel.views.files.os.fsync = paused_fsync
from costmodel.cli import cli
cli.main(sys.argv[2:], prog_name="costmodel")
"""

SIGNALS = [("SIGINT", 130, "Interrupted."), ("SIGTERM", 143, "Terminated."), ("SIGHUP", 129, "Hung up.")]


def stop_while_staged(folder: Path, signum: int, pause_at: int, args: list[str]) -> tuple[int, str, str, list[str]]:
    """Run the paused writer, send `signum` once a temporary exists; (status, stdout, rest of stderr, temps seen)."""
    process = subprocess.Popen([sys.executable, "-c", PAUSED_WRITER, str(pause_at), *args], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    guard = threading.Timer(240, process.kill)  # turns a hang into a failure, never a pass
    guard.start()
    try:
        assert process.stderr is not None
        assert process.stderr.readline() == "staged\n"
        seen = temporaries(folder)
        process.send_signal(signum)
        out, err = process.communicate(timeout=120)
    finally:
        guard.cancel()
        process.kill()
    return process.returncode, out, err, seen


@pytest.mark.parametrize(("name", "status", "message"), SIGNALS)
def test_a_signal_while_writing_removes_the_temporary(tmp_path: Path, name: str, status: int, message: str) -> None:
    out = tmp_path / "out.json"
    out.write_text("previous\n", encoding="utf-8")
    code, stdout, stderr, seen = stop_while_staged(tmp_path, getattr(signal, name), 1,
                                                   ["compare", "--format", "json", "-o", str(out)])
    assert len(seen) == 1 and seen[0].startswith(".out.json.")  # the signal really came with a temporary there
    assert (code, stdout, stderr) == (status, "", f"{message}\n")
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert temporaries(tmp_path) == []


@pytest.mark.parametrize(("name", "status", "message"), SIGNALS[:2])
def test_a_signal_during_a_report_removes_every_temporary(tmp_path: Path, name: str, status: int, message: str) -> None:
    before = previous_report(tmp_path)
    # Paused on the second file: the first chart's temporary is complete, the second's being written.
    code, stdout, stderr, seen = stop_while_staged(tmp_path, getattr(signal, name), 2,
                                                   ["report", "council-triage", "--as-of", AS_OF, "-o", "r.md"])
    assert len(seen) == 2
    assert (code, stdout, stderr) == (status, "", f"{message}\n")
    assert contents(tmp_path) == before
    assert temporaries(tmp_path) == []


def test_ctrl_c_that_reaches_click_is_an_interrupt(capsys: pytest.CaptureFixture[str]) -> None:
    # Where our handler is not installed (not the main thread), click turns KeyboardInterrupt into Abort.
    @click.command()
    def slow() -> None:
        raise KeyboardInterrupt

    assert run(click.Group(commands={"slow": slow}), ["slow"], "costmodel", None) == 130
    assert capsys.readouterr().err.strip() == "Interrupted."


def test_end_of_input_at_a_prompt_stays_aborted(capsys: pytest.CaptureFixture[str]) -> None:
    @click.command()
    def ask() -> None:
        raise EOFError  # what click.prompt raises when standard input ends

    assert run(click.Group(commands={"ask": ask}), ["ask"], "costmodel", None) == 1
    assert capsys.readouterr().err.strip() == "Aborted."


def test_handlers_are_restored_after_a_run(runner: CliRunner) -> None:
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    assert runner.invoke(cli, ["scenarios"]).exit_code == 0
    assert {signum: signal.getsignal(signum) for signum in before} == before


def test_a_name_at_the_length_limit_is_written(tmp_path: Path) -> None:
    # 250 + ".csv" = 254 bytes, under the usual 255-byte limit; ".NAME.xxxxxxxx.tmp" would not be, so the
    # temporary's name must not simply extend the target's.
    out = tmp_path / ("x" * 250 + ".csv")
    result = CliRunner().invoke(cli, ["compare", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("rank,stack,")
    assert temporaries(tmp_path) == []
