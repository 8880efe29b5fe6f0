"""Write N synthetic call records drawn from a scenario (costmodel.analyses.synthetic), chunk by chunk.

Run: python benchmarks/gen_calls.py SCENARIO N OUT.parquet [--seed S]     (.parquet, .csv or .jsonl)
"""

from __future__ import annotations

import argparse
import time

from costmodel.analyses.synthetic import write_synthetic
from costmodel.data.catalog import load_catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    write_synthetic(load_catalog().scenario(args.scenario), args.n, args.out, seed=args.seed)
    print(f"wrote {args.n:,} calls to {args.out} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
