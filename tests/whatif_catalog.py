"""A tiny pricing folder with round numbers, so break-evens can be worked out by hand in the tests.

- acme/asr: an API transcriber at $0.60 per audio minute, billed per second ($0.01 a second).
- acme/gpu: a GPU at $2 an hour; whisper at real-time factor 0.1, 1,000 streams (concurrency never binds).
- stack `api`: acme/asr. Stack `hosted`: one GPU always on, 500 h a month at 50% utilisation:
  floor 1 × 500 h × $2 = $1,000 a month; each GPU does 500 × 0.5 = 250 GPU-hours of work a month.
- scenario `minute-call`: 1,000 calls a month, 60 s of caller audio, no spoken reply, 1 concurrent call.
  A call needs 60 s × 0.1 = 6 GPU-seconds = 1/600 h, so one GPU serves 250 × 600 = 150,000 calls a month.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from costmodel.data.catalog import Catalog, load_catalog

SHEET = """
schema_version: 1
provider: acme
name: Acme
skus:
  - id: acme/asr
    kind: asr
    name: Acme transcriber
    periods:
      - {effective_from: 2025-01-01, currency: USD, source: test sheet, checked: 2025-01-01,
         usd_per_audio_minute: 0.60}
  - id: acme/gpu
    kind: gpu
    name: Acme GPU
    throughput:
      - {workload: whisper, real_time_factor: 0.1, concurrent_streams: 1000, source: test sheet, checked: 2025-01-01}
    periods:
      - {effective_from: 2025-01-01, currency: USD, source: test sheet, checked: 2025-01-01, usd_per_gpu_hour: 2}
"""
API = """
schema_version: 1
title: API transcriber
architecture: cascade
components:
  - {role: asr, sku: acme/asr}
"""
HOSTED = """
schema_version: 1
title: Self-hosted whisper
architecture: self-hosted
components:
  - {role: self-hosted-asr, sku: acme/gpu, workload: whisper, min_gpus: 1, utilisation: 0.5, gpu_hours_per_month: 500}
"""
SCENARIO = """
schema_version: 1
title: One-minute dictation
calls_per_month: 1000
caller_audio_seconds: 60
agent_audio_seconds: 0
agent_text_tokens: 0
peak_concurrent_calls: 1
"""
RANGED = SCENARIO.replace("caller_audio_seconds: 60", "caller_audio_seconds: {low: 30, high: 60}").replace(
    "One-minute", "Half- to one-minute"
)


def write_round_data(folder: Path) -> tuple[Path, Path]:
    files = {
        "pricing/acme.yaml": SHEET,
        "pricing/stacks/api.yaml": API,
        "pricing/stacks/hosted.yaml": HOSTED,
        "scenarios/minute-call.yaml": SCENARIO,
        "scenarios/ranged-call.yaml": RANGED,
    }
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder / "pricing", folder / "scenarios"


def round_catalog(folder: Path) -> Catalog:
    return load_catalog(*write_round_data(folder))
