"""Loading cost: a generated 10,000-SKU price library through costmodel's loader and validation, against bare parsing.

The library is 10 provider sheets of 1,000 SKUs each plus a stack, laid out like the bundled pricing/ folder.
Each side runs in its own child process, alternating: (a) reads every file and parses it with
yaml.load(CSafeLoader) and nothing else; (b) runs costmodel.data.catalog.load_pricing (size, nesting and
alias checks, exact decimals, duplicate keys, pydantic validation, path:line errors) plus check_references.
Reported: the CPU time (user + system, from os.wait4) of each child, which includes starting Python and the
imports, and the CPU time of the load alone as the child measured it. Targets (issue 12): the child's CPU
time <= 1.5x the parsing child's, and the load alone <= 1.5 s. A third child parses with the garbage
collector paused, as costmodel's loader does, to show how much of the gap that accounts for (no target).
Run: python benchmarks/bench_load.py [--skus N] [--repeat N]; exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

TARGET_RATIO = 1.5
TARGET_SECONDS = 1.5
PROVIDERS = 10
KINDS = ("llm", "asr", "tts", "audio-llm", "telephony", "gpu")
PRICES = {
    "llm": ("usd_per_million_input_tokens: 0.{n:02d}", "usd_per_million_output_tokens: {{low: 1.{n:02d}, high: 2.5}}"),
    "asr": ("usd_per_audio_minute: 0.0{n:02d}", "billing_increment_seconds: 15"),
    "tts": ("usd_per_million_characters: {n}.50",),
    "audio-llm": ("usd_per_million_audio_input_tokens: 1{n}.00", "usd_per_million_audio_output_tokens: 2{n}.00"),
    "telephony": ("usd_per_telephony_minute: 0.0{n:02d}", "billing_increment_seconds: 60"),
    "gpu": ("usd_per_gpu_hour: {{low: 0.{n:02d}, high: 1.29}}",),
}


def sku_yaml(provider: str, index: int) -> str:
    """One SKU with three dated periods, written the way the bundled sheets are."""
    kind = KINDS[index % len(KINDS)]
    lines = [
        f"  - id: {provider}/model-{index:04d}",
        f"    kind: {kind}",
        f"    name: Generated model {index}",
        "    note: >-",
        "      Generated for the load benchmark; the prices are made up but shaped like the bundled ones,",
        "      with a folded note, ranges and several periods.",
    ]
    if kind == "audio-llm":
        lines += [
            "    audio_tokens:",
            "      input_tokens_per_second: 10",
            "      output_tokens_per_second: 20",
            "      source: https://example.com/realtime-costs",
            "      checked: 2026-01-01",
        ]
    if kind == "gpu":
        lines += [
            "    throughput:",
            "      - workload: whisper-large-v3",
            "        real_time_factor: {low: 0.067, high: 0.09}",
            "        concurrent_streams: {low: 3, high: 6}",
            "        source: https://example.com/benchmark",
            "        checked: 2026-01-01",
        ]
    lines.append("    periods:")
    for year in (2024, 2025, 2026):
        n = (index + year) % 90 + 10
        lines += [
            f"      - effective_from: {year}-0{1 + index % 9}-15",
            "        currency: USD",
            f"        source: https://example.com/{provider}/pricing#{index}",
            "        checked: 2026-01-01",
        ]
        lines += [f"        {price.format(n=n)}" for price in PRICES[kind]]
    return "\n".join(lines) + "\n"


def generate_library(folder: Path, skus: int = 1000) -> list[Path]:
    """Write `skus` SKUs over PROVIDERS sheets, plus one stack per kind, into folder (a pricing folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "stacks").mkdir(exist_ok=True)
    paths = []
    per_sheet = -(-skus // PROVIDERS)
    for p in range(PROVIDERS):
        provider = f"vendor{p:02d}"
        count = min(per_sheet, skus - p * per_sheet)
        if count <= 0:
            break
        body = "".join(sku_yaml(provider, p * per_sheet + i) for i in range(count))
        path = folder / f"{provider}.yaml"
        path.write_text(f"schema_version: 1\nprovider: {provider}\nname: Vendor {p}\nskus:\n{body}", encoding="utf-8")
        paths.append(path)
    roles = {"llm": "llm", "asr": "asr", "tts": "tts", "telephony": "telephony"}
    components = "".join(
        f"  - {{role: {role}, sku: vendor00/model-{KINDS.index(kind):04d}}}\n" for role, kind in roles.items()
    )
    stack = folder / "stacks" / "generated-cascade.yaml"
    stack.write_text(f"schema_version: 1\ntitle: Generated cascade\narchitecture: cascade\ncomponents:\n{components}")
    paths.append(stack)
    return paths


def parse_only(folder: Path) -> int:
    """What yaml.load alone does with the library: parse every file (stacks included) into Python objects."""
    paths = sorted(folder.glob("*.yaml")) + sorted((folder / "stacks").glob("*.yaml"))
    return sum(len(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or ()) for path in paths)


def load_and_validate(folder: Path) -> int:
    # Imported here so the parsing child pays only for yaml, as `yaml.load` alone would.
    from costmodel.data.catalog import Catalog, check_references, load_pricing

    catalog = Catalog()
    load_pricing(folder, catalog)
    check_references(catalog)
    return len(catalog.skus)


def child(mode: str, folder: Path) -> None:
    """Run one side in this process and print the CPU seconds its work took (start-up and imports excluded)."""
    if mode == "parse-gc-paused":
        gc.disable()
    work = load_and_validate if mode == "load" else parse_only
    start = time.process_time()
    work(folder)
    print(time.process_time() - start)


def main() -> int:
    from child_cpu import Command, Result, compile_costmodel, print_table, run_child

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", choices=("parse", "parse-gc-paused", "load"), help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder)
        return 0
    here = Path(__file__).resolve()
    compile_costmodel()  # the load child's imports are then what an installed costmodel's are
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pricing"
        paths = generate_library(folder, args.skus)
        size = sum(p.stat().st_size for p in paths)
        if load_and_validate(folder) != args.skus:  # the library is valid and whole before anything is timed
            raise SystemExit("the generated library did not load every SKU")
        names = {
            "yaml.load (CSafeLoader) alone": "parse",
            "costmodel load + validate": "load",
            "yaml.load, garbage collector paused": "parse-gc-paused",
        }
        commands = {name: Command([sys.executable, str(here), "--child", mode, str(folder)]) for name, mode in names.items()}
        totals: dict[str, list[float]] = {name: [] for name in names}
        work: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(args.repeat):
            for name, command in commands.items():
                cpu, output = run_child(command)
                totals[name].append(cpu)
                work[name].append(float(output))
    base, ours = "yaml.load (CSafeLoader) alone", "costmodel load + validate"

    def results(times: dict[str, list[float]], target: float | None) -> list[Result]:
        middle = statistics.median(times[base])
        return [
            Result(name, statistics.median(t), min(t), max(t), statistics.median(t) / middle, target if name == ours else None)
            for name, t in times.items()
        ]

    whole, alone = results(totals, TARGET_RATIO), results(work, None)
    print(f"Price library load: {args.skus:,} SKUs in {len(paths)} files, {size / 1024:,.0f} KiB; "
          f"median of {args.repeat} alternating runs")
    print("CPU time of each child process (start-up and imports included):")
    print_table(whole, unit="s")
    print("CPU time of the load alone, as measured in the child:")
    print_table(alone, unit="s")
    seconds = next(r.median for r in alone if r.name == ours)
    fast_enough = seconds <= TARGET_SECONDS
    print(f"  load + validate alone: {seconds:.2f} s (target <= {TARGET_SECONDS} s){'' if fast_enough else '   MISSED'}")
    return 0 if fast_enough and not any(r.missed for r in whole) else 1


if __name__ == "__main__":
    sys.exit(main())
