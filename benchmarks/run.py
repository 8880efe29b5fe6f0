"""Run every benchmark in one command; each measures its baseline in the same run and states its targets.

Run: python benchmarks/run.py [--quick]     (a few minutes on 2 cores; --quick uses fewer repeats)
Exit status 1 if any benchmark misses a stated target: sweep <= 3x hand-written numpy (also self-hosted); load + validate of
10,000 SKUs <= 1.5x yaml.load(CSafeLoader) alone and <= 1.5 s; compare <= 1.2x bare imports with a warm
cache and <= 3x cold; --help <= 0.8x.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    # name: (arguments, arguments with --quick)
    "bench_sweep.py": ([], ["--repeat", "3"]),
    "bench_selfhosted.py": ([], ["--repeat", "3"]),
    "bench_load.py": ([], ["--repeat", "3"]),
    "bench_cli.py": ([], ["--repeat", "7"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats: a rough look, not a measurement")
    quick = parser.parse_args().quick
    here = Path(__file__).resolve().parent
    failed = []
    for name, (full, fewer) in BENCHMARKS.items():
        print(f"== {name}", flush=True)
        arguments = fewer if quick else full
        if subprocess.run([sys.executable, str(here / name), *arguments], check=False).returncode != 0:
            failed.append(name)
        print(flush=True)
    if failed:
        print(f"missed a target or failed: {', '.join(failed)}")
        return 1
    print("every benchmark met its targets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
