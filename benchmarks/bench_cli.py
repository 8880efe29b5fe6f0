"""CLI start-up: `costmodel compare` wall time as a ratio to bare `python -c "import click, pydantic, yaml"`.

Both are measured in the same run, alternating, and the medians compared, so the ratio holds on any machine.
Run: python benchmarks/bench_cli.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

BASELINE = [sys.executable, "-c", "import click, pydantic, yaml"]
COMMANDS = {
    "compare": [sys.executable, "-m", "costmodel", "compare"],
    "compare --format json": [sys.executable, "-m", "costmodel", "compare", "--format", "json"],
    "validate": [sys.executable, "-m", "costmodel", "validate"],
}


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    wall(BASELINE)  # warm the file cache for both
    times: dict[str, list[float]] = {"baseline": [], **{name: [] for name in COMMANDS}}
    for _ in range(repeat):
        times["baseline"].append(wall(BASELINE))
        for name, command in COMMANDS.items():
            times[name].append(wall(command))
    base = statistics.median(times["baseline"])
    print(f"CLI start-up, median of {repeat} runs each (baseline: python -c 'import click, pydantic, yaml')")
    print(f"  {'baseline':<24} {base * 1000:8.1f} ms   1.00x")
    for name in COMMANDS:
        median = statistics.median(times[name])
        print(f"  {'costmodel ' + name:<24} {median * 1000:8.1f} ms   {median / base:.2f}x")


if __name__ == "__main__":
    main()
