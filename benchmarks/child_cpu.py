"""Timing by the CPU time of child processes: each command runs in its own interpreter, alternating with its baseline.

CPU time (user + system, from os.wait4) is what the process itself spent, so a busy machine slows the wall
clock of both sides but changes their CPU time much less; the medians of alternating runs are compared.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


def compile_costmodel() -> None:
    """Write costmodel's bytecode, as installing a package does, so no child times the compiler.

    A checkout run with PYTHONDONTWRITEBYTECODE (or from a read-only folder) would otherwise compile every
    module on every start; compileall writes the .pyc files whatever that variable says.
    """
    import costmodel

    compileall.compile_dir(Path(costmodel.__file__).parent, quiet=1)


@dataclass(frozen=True)
class Command:
    """One thing to time: its argument vector and any environment variables set on top of ours."""

    argv: Sequence[str]
    env: Mapping[str, str] | None = None


def run_child(command: Command) -> tuple[float, str]:
    """Run the command to completion and return (its CPU time, user + system, in seconds; its standard output)."""
    env = {**os.environ, **command.env} if command.env else None
    with tempfile.TemporaryFile() as out:  # a file, not a pipe: the child never waits on us to read
        child = subprocess.Popen(list(command.argv), stdout=out, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait for it again
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command.argv)} exited with {child.returncode}")
    return usage.ru_utime + usage.ru_stime, output


def child_cpu_seconds(command: Command) -> float:
    """Run the command to completion, output discarded, and return its CPU time (user + system) in seconds."""
    return run_child(command)[0]


def alternate(commands: Mapping[str, Command], repeat: int) -> dict[str, list[float]]:
    """CPU seconds of each command, `repeat` rounds, every round running each command once in turn."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            times[name].append(child_cpu_seconds(command))
    return times


@dataclass(frozen=True)
class Result:
    """The spread of one measurement and its ratio to the baseline's median."""

    name: str
    median: float
    low: float
    high: float
    ratio: float
    target: float | None

    @property
    def missed(self) -> bool:
        return self.target is not None and self.ratio > self.target


def summarise(
    times: Mapping[str, list[float]], baseline: str, targets: Mapping[str, float] | None = None
) -> list[Result]:
    """Median, min and max of each measurement, with its ratio to the median of `baseline`."""
    base = statistics.median(times[baseline])
    targets = targets or {}
    return [
        Result(name, statistics.median(t), min(t), max(t), statistics.median(t) / base, targets.get(name))
        for name, t in times.items()
    ]


def print_table(results: Sequence[Result], unit: str = "ms") -> None:
    scale = 1000 if unit == "ms" else 1
    width = max(len(r.name) for r in results)
    for r in results:
        target = "" if r.target is None else f"   target <= {r.target:g}x{'   MISSED' if r.missed else ''}"
        print(
            f"  {r.name:<{width}}  {r.median * scale:9.1f} {unit}  "
            f"(min {r.low * scale:.1f}, max {r.high * scale:.1f})  {r.ratio:5.2f}x{target}"
        )
