"""CLI start-up: CPU time of `costmodel compare` (warm and cold cache) and `--help` against bare imports.

The baseline is `python -c "import click, pydantic, yaml"` with the same interpreter; every command runs in a
child process, alternating with the baseline, and its CPU time (user + system) is taken from os.wait4, so
the ratios of the medians hold on any machine. The warm cache lives in a temporary folder primed by one run.
costmodel's bytecode is compiled first, as installing a package does (a checkout run with
PYTHONDONTWRITEBYTECODE would otherwise compile every module on every start and time the compiler).
Targets (issue 12): compare warm <= 1.2x, compare cold (COSTMODEL_CACHE=off) <= 3x, --help <= 0.8x.
Run: python benchmarks/bench_cli.py [--repeat N]; exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile

from child_cpu import Command, alternate, child_cpu_seconds, compile_costmodel, print_table, summarise

BASELINE = "python -c 'import click, pydantic, yaml'"
TARGETS = {"compare, warm cache": 1.2, "compare, cold (cache off)": 3.0, "--help": 0.8}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    compile_costmodel()
    costmodel = [sys.executable, "-m", "costmodel"]
    with tempfile.TemporaryDirectory() as cache:
        warm = {"COSTMODEL_CACHE_DIR": cache, "COSTMODEL_CACHE": "on"}
        commands = {
            BASELINE: Command([sys.executable, "-c", "import click, pydantic, yaml"]),
            "compare, warm cache": Command([*costmodel, "compare"], warm),
            "compare, cold (cache off)": Command([*costmodel, "compare"], {"COSTMODEL_CACHE": "off"}),
            "--help": Command([*costmodel, "--help"], warm),
        }
        for command in commands.values():  # prime the cache, the page cache and the .pyc files
            child_cpu_seconds(command)
        results = summarise(alternate(commands, repeat), BASELINE, TARGETS)
    print(f"CLI start-up, CPU time of the child process, median of {repeat} alternating runs")
    print_table(results)
    return 1 if any(r.missed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
