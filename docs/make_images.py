"""Regenerate the README's chart(s) from the bundled data: `python docs/make_images.py`.

The chart is drawn by the library's own plot function, the one behind `costmodel sweep --plot` and the
break-even notebook, at a fixed price date so the image only changes when the data or the code does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from costmodel.analyses.breakeven import breakeven
from costmodel.analyses.sweep import sweep, sweep_values
from costmodel.data.catalog import load_catalog
from costmodel.views.charts import figure_bytes, sweep_figure
from costmodel.views.files import write_atomic

AS_OF = date(2026, 11, 1)
SCENARIO = "support-call-5min"
STACKS = ["budget-first", "gpt-4o-cascade", "gpt-realtime", "privacy-first"]
CALLS_PER_MONTH = (1_000, 100_000)
IMAGES = Path(__file__).resolve().parent / "images"


def break_even_png() -> bytes:
    """Cost per call against calls per month, with the first volume at which self-hosting matches gpt-realtime."""
    catalog = load_catalog()
    result = sweep(catalog, SCENARIO, "calls_per_month", sweep_values(*CALLS_PER_MONTH, log=True, points=800), STACKS,
                   as_of=AS_OF)
    found = breakeven(catalog, SCENARIO, "privacy-first", "gpt-realtime", "calls_per_month", CALLS_PER_MONTH, as_of=AS_OF)
    # Only the first break-even is labelled: above it each GPU step hands the lead back for a while, and
    # labels for every tooth of the saw would sit on top of each other at this size.
    first = replace(found, crossings=[next(c for c in found.crossings if c.kind == "equal")])
    title = f"{SCENARIO}: cost per call against calls per month (prices of {AS_OF})"
    figure = sweep_figure(result, [first], title=title)
    figure.axes[0].set_yscale("log")  # the self-hosted curve starts far above the API stacks
    return figure_bytes(figure, "png")


if __name__ == "__main__":
    catalog_files = load_catalog().files
    write_atomic(IMAGES / "break-even.png", break_even_png(), protected=catalog_files)
    print(f"wrote {IMAGES / 'break-even.png'}")
