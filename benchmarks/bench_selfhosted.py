"""Self-hosted sweep speed: the engine sweeping volume on privacy-first against hand-written numpy of the same formula.

One run measures, on this machine, both in the same run:
- the engine sweeping calls_per_month over privacy-first (three self-hosted GPUs, ranged council-triage: every
  point carries a low and a high end through GPU ceilings, policies and ranges);
- hand-written numpy computing the same per-call costs (both ends); the results are checked equal first.
The ratio engine ÷ numpy is the figure to watch (target ≤ 3).
Run: python benchmarks/bench_selfhosted.py [--points N] [--repeat N]
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import numpy

from costmodel.analyses.sweep import sweep
from costmodel.data.catalog import load_catalog

SCENARIO = "council-triage"
STACK = "privacy-first"
ON = date(2026, 11, 24)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def ends(value) -> tuple[float, float]:
    return (float(value.low), float(value.high)) if hasattr(value, "low") else (float(value), float(value))


def hand_written(catalog, calls: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """privacy-first on council-triage as calls_per_month varies: scheduled GPUs for the busiest open hour."""
    s = catalog.scenario(SCENARIO)
    stack = catalog.stack(STACK)
    price = float(catalog.price("aws/g5.xlarge", ON).price("usd_per_gpu_hour"))
    hours, ratio = float(s.operating_hours_per_month), float(s.peak_to_average_ratio)
    rate = calls / (hours * 3600) * ratio  # calls a second at the busiest hour
    words = float(s.speaking_rate_words_per_minute) / 60 * float(s.tokens_per_word)
    entries = {e.workload: e for e in catalog.sku("aws/g5.xlarge").throughput}
    out = []
    for end in (0, 1):
        caller, agent, text = (ends(v)[end] for v in (s.caller_audio_seconds, s.agent_audio_seconds, s.agent_text_tokens))
        total = numpy.zeros_like(calls)
        for c in stack.components:
            entry = entries[c.workload]
            if c.role == "self-hosted-llm":
                best_point = max(entry.curve, key=lambda point: point.throughput)
                prefill = (float(s.system_prompt_tokens) + caller * words) / ends(entry.prefill_tokens_per_second)[1 - end]
                work = text / float(best_point.throughput) + prefill
            else:
                audio = caller if c.role == "self-hosted-asr" else agent
                work = audio * ends(entry.real_time_factor)[end]
            busy = rate * work
            gpus = numpy.maximum(float(c.min_gpus), numpy.ceil(busy / float(c.utilisation) - 1e-9))
            total = total + gpus * hours * price
        out.append(total / calls)
    return out[0], out[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    catalog = load_catalog()
    values = numpy.linspace(1.0, 10_000_000.0, args.points)

    engine = sweep(catalog, SCENARIO, "calls_per_month", values, [STACK], as_of=ON)
    low, high = hand_written(catalog, values)
    curve = engine.curves[STACK]
    for name, mine, theirs in (("low", curve.per_call_low, low), ("high", curve.per_call_high, high)):
        if not numpy.allclose(mine, theirs, rtol=1e-9, atol=0):
            raise SystemExit(f"hand-written formula disagrees with the engine at the {name} end")

    engine_time = best(lambda: sweep(catalog, SCENARIO, "calls_per_month", values, [STACK], as_of=ON), args.repeat)
    numpy_time = best(lambda: hand_written(catalog, values), args.repeat)
    ratio = engine_time / numpy_time
    print(f"sweep of {args.points:,} values of calls_per_month on {STACK} ({SCENARIO}, ranged): {engine_time:.3f} s")
    print(f"engine ÷ hand-written numpy (same formula, both ends): {engine_time:.3f} s ÷ {numpy_time:.3f} s "
          f"= {ratio:.2f} (target ≤ 3)")
    return 0 if ratio <= 3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
