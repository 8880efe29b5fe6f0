"""Run every benchmark in one go; each prints ratios against a baseline measured in the same run.

Run: python benchmarks/run.py        (about a minute on 2 cores)
Exit status 1 if a benchmark misses its stated target (load ≤ 2× parsing alone, sweep ≤ 3× hand-written numpy).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = ("bench_sweep.py", "bench_load.py", "bench_cli.py")


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = []
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, str(here / name)], check=False).returncode != 0:
            failed.append(name)
        print(flush=True)
    if failed:
        print(f"missed target or failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
