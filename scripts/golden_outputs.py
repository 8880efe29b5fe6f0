"""Capture what every command prints, in every format, on the bundled data: a before/after check for refactors.

    python scripts/golden_outputs.py OUT_DIR      # one file per command line: exit status, stdout, stderr
    diff -r BEFORE_DIR AFTER_DIR                  # a refactor that changes no behaviour shows nothing

Dates are pinned (--as-of) so two captures on different days agree. Charts are left out: their bytes carry
matplotlib's metadata; the chart code is covered by its own tests.
"""

from __future__ import annotations

import hashlib
import re
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from costmodel.cli import cli
from costmodel.data.catalog import bundled_dir, load_catalog

AS_OF = "2026-11-30"
FORMATS = ("table", "markdown", "csv", "json")


def command_lines() -> list[list[str]]:
    catalog = load_catalog(bundled_dir("pricing"), bundled_dir("scenarios"))
    scenarios, stacks = sorted(catalog.scenarios), sorted(catalog.stacks)
    lines: list[list[str]] = [["--help"], ["validate"], ["scenarios"], ["stacks"], ["schema"]]
    for name in ("claims", "fx", "pricesheet", "scenario", "stack"):
        lines.append(["schema", name])
    for fmt in FORMATS:
        lines += [["scenarios", "--format", fmt], ["stacks", "--format", fmt]]
        lines.append(["prices", "--as-of", AS_OF, "--format", fmt])
        lines.append(["prices", "diff", "--from", "2024-06-01", "--to", "2025-06-01", "--format", fmt])
        lines.append(["audit", "articles/gpt-audio-mini-review.md", "--as-of", AS_OF, "--format", fmt])
        for scenario in scenarios:
            lines.append(["compare", scenario, "--as-of", AS_OF, "--format", fmt])
            lines.append(["compare", scenario, "--as-of", AS_OF, "--currency", "GBP", "--format", fmt])
            for stack in stacks:
                lines.append(["breakdown", scenario, stack, "--as-of", AS_OF, "--format", fmt])
            lines.append(["sweep", scenario, "--vary", "calls_per_month=1000:100000:10", "--log", "--as-of", AS_OF,
                          "--format", fmt])
            lines.append(["sweep", scenario, "--vary", "turns=2:12:6", "--as-of", AS_OF, "--format", fmt])
            lines.append(["breakeven", scenario, "privacy-first", "budget-first", "--as-of", AS_OF, "--format", fmt])
            lines.append(["breakeven", scenario, "gpt-realtime", "gpt-audio-mini", "--over", "turns",
                          "--between", "1:40", "--as-of", AS_OF, "--format", fmt])
            lines.append(["sensitivity", scenario, "budget-first", "--as-of", AS_OF, "--format", fmt])
            lines.append(["compare", scenario, "--as-of", AS_OF, "--set", "turns=12",
                          "--price", "openai/gpt-4o-mini.input=*0.5", "--format", fmt])
    lines.append(["render", "articles/gpt-audio-mini-pricing.md.tmpl", "--as-of", AS_OF])
    lines.append(["compare", "no-such-scenario"])
    lines.append(["breakdown", "support-call-5min", "no-such-stack"])
    lines.append(["compare", "--set", "turns=-1"])
    lines.append(["compare", "--price", "openai/gpt-4o-mini.inptu=1"])
    return lines


def file_name(args: list[str]) -> str:
    text = "_".join(args)
    slug = re.sub(r"[^A-Za-z0-9.=-]+", "_", text)[:120]
    return f"{slug}.{hashlib.sha256(text.encode()).hexdigest()[:8]}.txt"


def main(out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    lines = command_lines()
    with tempfile.TemporaryDirectory() as scratch:
        for scenario in ("council-triage", "support-call-5min"):
            for suffix in ("md", "html"):
                report = Path(scratch) / f"{scenario}.{suffix}"
                lines.append(["report", scenario, "--as-of", AS_OF, "-o", str(report)])
        for args in lines:
            result = runner.invoke(cli, args, catch_exceptions=False)
            text = f"$ costmodel {' '.join(args)}\nexit {result.exit_code}\n"
            text += f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
            for each in args:
                if each.startswith(scratch) and Path(each).exists():
                    text += f"--- {Path(each).name}\n{Path(each).read_text(encoding='utf-8').replace(scratch, 'SCRATCH')}"
            name = file_name([each.replace(scratch, "SCRATCH") for each in args])
            (out / name).write_text(text.replace(scratch, "SCRATCH"), encoding="utf-8")
    print(f"{len(lines)} command lines captured in {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
