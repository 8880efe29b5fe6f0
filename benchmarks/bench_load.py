"""Loading cost: a generated 1,000-SKU price library through costmodel's loader and validation, against bare parsing.

(a) parses every file with yaml.load(CSafeLoader) and nothing else; (b) runs costmodel.data.catalog.load_pricing
(safe loader with duplicate-key, alias and nesting checks, pydantic validation, path:line errors) plus
check_references. Both are timed in the same run, alternating, and the medians compared, so the ratio
holds on any machine. Target: ratio <= 2.
Run: python benchmarks/bench_load.py [--skus N] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from costmodel.data.catalog import Catalog, check_references, load_pricing

TARGET_RATIO = 2.0
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


def parse_only(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def load_and_validate(folder: Path) -> float:
    start = time.perf_counter()
    catalog = Catalog()
    load_pricing(folder, catalog)
    check_references(catalog)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pricing"
        paths = generate_library(folder, args.skus)
        size = sum(p.stat().st_size for p in paths)
        catalog = Catalog()
        load_pricing(folder, catalog)  # warm caches and prove the library is valid
        assert len(catalog.skus) == args.skus, len(catalog.skus)
        parsed, loaded = [], []
        for _ in range(args.repeat):
            parsed.append(parse_only(paths))
            loaded.append(load_and_validate(folder))
    base, ours = statistics.median(parsed), statistics.median(loaded)
    ratio = ours / base
    print(f"Price library load: {args.skus} SKUs in {len(paths)} files, {size / 1024:,.0f} KiB; median of {args.repeat} runs")
    print(f"  {'yaml.load (CSafeLoader) only':<36} {base * 1000:8.1f} ms   1.00x")
    print(f"  {'costmodel load + validate':<36} {ours * 1000:8.1f} ms   {ratio:.2f}x   (target <= {TARGET_RATIO:.0f}x)")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
