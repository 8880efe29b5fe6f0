"""Replay speed and memory: `costmodel replay` on millions of call records, against hand-written numpy.

One run measures, on this machine, each command in its own child process (CPU time = user + system from
os.wait4, and the child's peak resident memory):
- `costmodel replay` of 10,000,000 calls (support-call-10-turns drawn by benchmarks/gen_calls.py) over every
  bundled stack: wall time (target < 10 s on an idle 2-core machine) and CPU time;
- peak resident memory at 1,000,000 and at 10,000,000 calls (target: within 15 % of each other);
- `costmodel replay --stacks budget-first` ÷ a hand-written numpy script that reads the same Parquet file and
  prices the same calls on budget-first (Whisper's whole-second increment, GPT-4o-mini with cached history,
  tts-1) with the same outputs by the same methods (total; p50/p90/p99 from the same bit-pattern histogram; the
  ten costliest call ids, scanning only costs above the tenth kept) and, like replay, without importing pandas;
  total and percentiles checked equal first (target ≤ 2, medians of alternating runs of child CPU time).
Run: python benchmarks/bench_replay.py [--calls 10000000] [--repeat 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIO = "support-call-10-turns"
ON = "2026-11-24"


def child(argv: list[str]) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak resident MB, standard output) of one child process."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


HAND_WRITTEN = r'''
import json, sys
import numpy, pyarrow.parquet as pq
from datetime import date
from costmodel.data.catalog import load_catalog
catalog = load_catalog()
on = date.fromisoformat(sys.argv[2])
s = catalog.scenario("support-call-10-turns")
f, system = float(s.cache_hit_fraction), float(s.system_prompt_tokens)
words = float(s.speaking_rate_words_per_minute) / 60 * float(s.tokens_per_word)
chars = float(s.speaking_rate_words_per_minute) / 60 * float(s.characters_per_word)
def price(sku):
    return {k: float(v) for k, v in catalog.price(sku, on).prices().items()}
whisper, mini, tts = price("openai/whisper-1"), price("openai/gpt-4o-mini"), price("openai/tts-1")
handle = pq.ParquetFile(sys.argv[1])
total, calls = 0.0, 0
# The same outputs as replay, by the same methods: the total, per-call percentiles (the same histogram: float64
# bits shifted to keep 14 mantissa bits, bins held between the least and greatest seen) and the ten costliest
# calls by id (only calls above the tenth kept so far are looked at); what it leaves out is replay's row checks,
# GPU load and months.
SHIFT = 52 - 14
def column(table, name, dtype):
    # Straight from the Arrow buffer (null-free columns): ChunkedArray.to_numpy would import pandas, as replay avoids.
    array = table.column(name).combine_chunks()
    return numpy.frombuffer(array.buffers()[1], dtype=dtype, count=len(array) + array.offset)[array.offset:]
offset, histogram = None, None
top = []
for group in range(handle.num_row_groups):
    table = handle.read_row_group(group, columns=["call_id", "turns", "caller_audio_seconds", "agent_audio_seconds"])
    t = column(table, "turns", "int64").astype(float)
    caller = column(table, "caller_audio_seconds", "float64")
    agent = column(table, "agent_audio_seconds", "float64")
    billed = numpy.where(caller > 0, numpy.ceil(caller - 1e-9), 0.0)  # whisper: whole seconds per call
    caller_hist, agent_hist = caller * (t - 1) / 2, agent * (t - 1) / 2
    text, text_hist = agent * words, agent_hist * words
    cacheable = system * (t - 1) + caller_hist * words + text_hist
    new = system + caller * words
    cost = (billed * whisper["usd_per_audio_minute"] / 60
            + ((new + cacheable * (1 - f)) * mini["usd_per_million_input_tokens"]
               + cacheable * f * mini["usd_per_million_cached_input_tokens"]
               + text * mini["usd_per_million_output_tokens"]) / 1e6
            + agent * chars * tts["usd_per_million_characters"] / 1e6)
    total += float(cost.sum())
    calls += len(cost)
    keys = cost.view(numpy.int64) >> SHIFT  # every cost is positive here
    first, last = int(keys.min()), int(keys.max())
    counts = numpy.bincount(keys - first, minlength=last - first + 1)
    if histogram is None:
        offset, histogram = first, counts
    else:
        start, end = min(offset, first), max(offset + len(histogram), last + 1)
        grown = numpy.zeros(end - start, dtype=numpy.int64)
        grown[offset - start:offset - start + len(histogram)] = histogram
        grown[first - start:last + 1 - start] += counts
        offset, histogram = start, grown
    rows = numpy.flatnonzero(cost > top[-1][0]) if len(top) == 10 else numpy.arange(len(cost))
    if len(rows) > 10:
        rows = rows[numpy.argpartition(cost[rows], len(rows) - 10)[len(rows) - 10:]]
    ids = [table.column("call_id")[i].as_py() for i in rows.tolist()]  # (Arrow's take of numpy indices imports pandas)
    top = sorted(top + [(float(cost[i]), name) for i, name in zip(rows.tolist(), ids)], key=lambda x: -x[0])[:10]
cumulative = numpy.cumsum(histogram)
percentiles = [float(numpy.array([(offset + int(numpy.searchsorted(cumulative, -(-q * calls // 100))) + 1) << SHIFT])
                     .view(numpy.float64)[0]) for q in (50, 90, 99)]
print(json.dumps({"calls": calls, "total": total, "percentiles": percentiles, "top": top[:1]}))
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="keep the generated files here (reused if present)")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="costmodel-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    small, large = folder / "calls-1m.parquet", folder / f"calls-{args.calls}.parquet"
    for path, n in ((small, 1_000_000), (large, args.calls)):
        if not path.exists():
            subprocess.run([sys.executable, str(HERE / "gen_calls.py"), SCENARIO, str(n), str(path)], check=True)
    costmodel = [sys.executable, "-m", "costmodel"]
    replay = [*costmodel, "replay", "--as-of", ON, "--scenario", SCENARIO, "--format", "json"]
    script = folder / "hand_written.py"
    script.write_text(HAND_WRITTEN, encoding="utf-8")

    # Same figures first.
    _, _, _, engine_out = child([*replay, "--stacks", "budget-first", str(large)])
    _, _, _, hand_out = child([sys.executable, str(script), str(large), ON])
    engine_stack = json.loads(engine_out)["stacks"][0]
    hand = json.loads(hand_out)
    engine_figures = [float(engine_stack[name]["low"]) for name in ("per_call_p50", "per_call_p90", "per_call_p99")]
    if abs(float(engine_stack["total"]["low"]) - hand["total"]) > 1e-9 * abs(hand["total"]) \
            or engine_figures != hand["percentiles"]:
        raise SystemExit(f"hand-written numpy disagrees with replay: {hand} vs {engine_stack}")

    cascade: list[float] = []
    baseline: list[float] = []
    every: list[tuple[float, float, float]] = []
    for _ in range(args.repeat):
        cascade.append(child([*replay, "--stacks", "budget-first", str(large)])[1])
        baseline.append(child([sys.executable, str(script), str(large), ON])[1])
        wall, cpu, peak, _ = child([*replay, str(large)])
        every.append((wall, cpu, peak))
    _, _, peak_small, _ = child([*replay, str(small)])
    ratio = statistics.median(cascade) / statistics.median(baseline)
    wall = statistics.median(w for w, _, _ in every)
    cpu = statistics.median(c for _, c, _ in every)
    peak_large = max(p for _, _, p in every)
    load = os.getloadavg()[0]
    print(f"replay of {args.calls:,} calls over every bundled stack: {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"(target < 10 s wall on an idle machine; load average now {load:.1f} on {os.cpu_count()} cores)")
    print(f"peak memory: {peak_small:.0f} MB at 1,000,000 calls, {peak_large:.0f} MB at {args.calls:,} "
          f"({peak_large / peak_small:.2f}x; target within 1.15x)")
    print(f"budget-first: replay {statistics.median(cascade):.2f} s CPU ÷ hand-written numpy "
          f"{statistics.median(baseline):.2f} s CPU = {ratio:.2f} (target ≤ 2)")
    missed = ratio > 2 or peak_large > 1.15 * peak_small or (wall >= 10 and load < 1.5)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
