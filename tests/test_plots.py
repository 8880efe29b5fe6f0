"""Charts: readable (legend, labelled axes with units and currency), written atomically, nothing on failure."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from costmodel.analyses.breakeven import breakeven
from costmodel.analyses.sensitivity import sensitivity
from costmodel.analyses.sweep import sweep
from costmodel.cli import cli
from costmodel.data.catalog import Catalog
from costmodel.views.charts import sweep_figure, tornado_figure
from costmodel.views.inputs import input_label
from costmodel.views.palette import PALETTE, bundled_stacks, stack_colour
from tests.import_probe import modules_imported_by
from tests.whatif_catalog import round_catalog, write_round_data

ON = date(2026, 11, 1)


def test_sweep_figure_labels_legend_floor_and_marks(tmp_path: Path) -> None:
    catalog = round_catalog(tmp_path)
    result = sweep(catalog, "minute-call", "calls_per_month", [100, 1000, 10_000, 100_000], as_of=ON, currency="USD")
    marks = [breakeven(catalog, "minute-call", "api", "hosted", "calls_per_month", (100, 100_000), as_of=ON)]
    figure = sweep_figure(result, marks)
    axes = figure.axes[0]
    assert axes.get_xlabel() == "calls per month"
    assert axes.get_ylabel() == "cost per call (USD)"
    assert axes.get_xscale() == "log"  # 100 to 100,000 spans three decades
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    # api: $0.01 a second × 60 s = $0.60 a call at any volume. hosted: a $1,000 a month GPU floor ÷ calls:
    # $10 at 100 calls, $1 at 1,000, $0.10 at 10,000, $0.01 at 100,000. The scale covers what costs at most
    # 3× the cheapest at its volume: api at 100 and 1,000 (0.60 ≤ 3 × 0.60), hosted from 1,000 (1 ≤ 3 × 0.60):
    # top = 1.00 × 1.08 headroom; hosted's $10 at 100 calls is off the scale and said so.
    assert labels == ["api (cascade)", "hosted (self-hosted) ▲ off the scale: up to 10 at 100", "hosted always-on floor",
                      "1: api = hosted at 1,667"]
    assert axes.get_ylim()[1] == pytest.approx(1.08)
    # The crossing's marker is numbered; the words are the legend's last entry (break-even at 1,000 ÷ 0.60 calls).
    assert [a.get_text() for a in axes.texts] == ["1"]


def test_tornado_figure(tmp_path: Path) -> None:
    result = sensitivity(round_catalog(tmp_path), "minute-call", "hosted", "20%", as_of=ON)
    axes = tornado_figure(result).axes[0]
    # Inputs in words, not field paths.
    assert [t.get_text() for t in axes.get_yticklabels()] == ["acme/gpu price per GPU-hour", "calls per month"]
    assert axes.get_xlabel().startswith("cost per call (USD)")


def test_cli_sweep_plot_writes_png(tmp_path: Path, runner) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    out = tmp_path / "out.png"
    result = runner.invoke(cli, ["sweep", "minute-call", "--vary", "calls_per_month=100:100000", "--log",
                                 "--plot", str(out), "--pricing", str(pricing), "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {out}" in result.output


def test_cli_plot_svg_for_sensitivity(tmp_path: Path, runner) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    out = tmp_path / "tornado.svg"
    result = runner.invoke(cli, ["sensitivity", "minute-call", "hosted", "--plot", str(out),
                                 "--pricing", str(pricing), "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    assert b"<svg" in out.read_bytes()[:500]


def test_unsupported_extension_is_exit_2_and_no_file(tmp_path: Path, runner) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    out = tmp_path / "chart.pdf"
    result = runner.invoke(cli, ["sweep", "minute-call", "--vary", "calls_per_month=1:10", "--plot", str(out),
                                 "--pricing", str(pricing), "--scenarios", str(scenarios)])
    assert result.exit_code == 2
    assert result.output == f"Error: --plot: {out}: give a .png or .svg file name\n"
    assert not out.exists()


def test_failure_leaves_no_file(tmp_path: Path, runner) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    out = tmp_path / "out.png"
    result = runner.invoke(cli, ["sweep", "minute-call", "--vary", "calls_per_month=1:10", "--stacks", "api,nope",
                                 "--plot", str(out), "--pricing", str(pricing), "--scenarios", str(scenarios)])
    assert result.exit_code == 2 and "unknown stack 'nope'" in result.output
    assert list(tmp_path.glob("*.png")) == [] and list(tmp_path.glob(".out.png*")) == []


def test_plot_into_a_missing_folder_is_exit_2(tmp_path: Path, runner) -> None:
    pricing, scenarios = write_round_data(tmp_path)
    result = runner.invoke(cli, ["sweep", "minute-call", "--vary", "calls_per_month=1:10", "--plot",
                                 str(tmp_path / "missing" / "x.svg"), "--pricing", str(pricing), "--scenarios", str(scenarios)])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_matplotlib_not_imported_without_a_plot() -> None:
    code = ("from costmodel.cli import cli; import costmodel.views.charts, costmodel.analyses.breakeven, "
            "costmodel.analyses.sensitivity, costmodel.cli.whatif")
    assert "matplotlib" not in modules_imported_by(code)


# --- layout: what a reader sees -------------------------------------------------------------------------------------

def _lab(hex_colour: str) -> tuple[float, float, float]:
    """sRGB hex → CIELAB (D65)."""
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    xyz = [sum(m * c for m, c in zip(row, lin, strict=True)) / white for row, white in zip(
        ((0.4124564, 0.3575761, 0.1804375), (0.2126729, 0.7151522, 0.0721750), (0.0193339, 0.1191920, 0.9503041)),
        (0.95047, 1.0, 1.08883), strict=True)]
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def delta_e2000(one: tuple[float, float, float], two: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = one, two
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dh = h2p - h1p if c1p * c2p else 0.0
    dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_l, d_c, d_h = l2 - l1, c2p - c1p, 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if not c1p * c2p:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) > 180:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    else:
        h_bar = (h1p + h2p) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_bar, 1 + 0.015 * cp_bar * t
    r_t = (-math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2))))
           * 2 * math.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7)))
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))


def test_the_colour_difference_is_ciede2000() -> None:
    # Two of the published test pairs of Sharma, Wu and Dalal (2005), table 1: pairs 1 and 17.
    assert delta_e2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert delta_e2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def test_the_palette_has_forty_colours_pairwise_distinct_and_readable_on_white() -> None:
    labs = [_lab(c) for c in PALETTE]
    assert len(set(PALETTE)) == len(PALETTE) == 40
    closest = min(delta_e2000(a, b) for i, a in enumerate(labs) for b in labs[i + 1:])
    assert closest >= 13  # ΔE2000 above ~10 is an obvious difference side by side
    assert all(25 <= lab[0] <= 73 for lab in labs)  # dark enough for a thin line on white, never black
    # Every bundled stack has a colour of its own.
    assert len({stack_colour(stack) for stack in bundled_stacks()}) == len(bundled_stacks()) <= len(PALETTE)


def _line_colours(figure: Any) -> dict[str, str]:
    from matplotlib.colors import to_hex

    return {line.get_label().split(" (")[0]: to_hex(line.get_color()) for line in figure.axes[0].get_lines()
            if " (" in line.get_label()}


def test_a_stack_keeps_its_colour_whatever_else_is_drawn(catalog: Catalog) -> None:
    values = [1000, 10_000]
    both = sweep(catalog, "support-call-5min", "calls_per_month", values, ["budget-first", "gpt-realtime", "privacy-first"],
                 as_of=ON)
    alone = sweep(catalog, "support-call-5min", "calls_per_month", values, ["privacy-first", "nova-sonic"], as_of=ON)
    first, second = _line_colours(sweep_figure(both)), _line_colours(sweep_figure(alone))
    assert first["privacy-first"] == second["privacy-first"] == stack_colour("privacy-first")
    assert len(set(first.values())) == 3 and len(set(second.values())) == 2
    # A stack the bundled data does not have (a user's own) gets a colour no bundled stack has, by its id alone.
    assert stack_colour("my-own-stack") not in {stack_colour(s) for s in bundled_stacks()}
    # ... and the same colour in every process: Python's str hash is salted per process, so a colour taken from it
    # would change from run to run (and from notebook to report).
    probe = "from costmodel import stack_colour; print(stack_colour('my-own-stack'))"
    colours = {subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2", "3")}
    assert colours == {stack_colour("my-own-stack")}


def _boxes_overlap(one: Any, two: Any) -> bool:
    return bool(one.x0 < two.x1 and two.x0 < one.x1 and one.y0 < two.y1 and two.y0 < one.y1)


def test_legend_outside_labels_apart_and_a_long_title_wrapped_inside(tmp_path: Path) -> None:
    catalog = round_catalog(tmp_path)
    result = sweep(catalog, "minute-call", "calls_per_month", [100, 1000, 10_000, 100_000], as_of=ON, currency="USD")
    mark = breakeven(catalog, "minute-call", "api", "hosted", "calls_per_month", (100, 100_000), as_of=ON)
    title = "A title long enough to run off a nine-inch figure at eleven points: " + "cost per call as volume varies " * 3
    # The same crossing twice: two numbers at one point, which must be moved apart.
    figure = sweep_figure(result, [mark, mark], title=title)
    figure.draw_without_rendering()
    axes, page = figure.axes[0], figure.bbox
    legend = figure.legends[0].get_window_extent()
    assert not _boxes_overlap(legend, axes.get_window_extent())
    assert page.x0 <= legend.x0 and legend.x1 <= page.x1 and page.y0 <= legend.y0
    numbers = [text.get_window_extent() for text in axes.texts]
    assert [text.get_text() for text in axes.texts] == ["1", "2"]
    assert not _boxes_overlap(numbers[0], numbers[1])
    box = axes.title.get_window_extent()
    assert "\n" in axes.title.get_text()
    assert page.x0 <= box.x0 and box.x1 <= page.x1 and box.y1 <= page.y1


def test_input_labels_are_words() -> None:
    assert input_label("caller_audio_seconds") == "caller audio (seconds per call)"
    assert input_label("caller_audio_seconds_per_turn") == "caller audio (seconds per turn)"
    assert input_label("turns") == "turns per call"
    assert input_label("openai/gpt-realtime.usd_per_million_audio_input_tokens") == (
        "openai/gpt-realtime price per 1M audio input tokens")


def test_a_legend_of_thirty_stacks_fits_inside_the_figure(catalog: Catalog) -> None:
    # Every bundled stack and long legend entries: the figure grows, the plot keeps its size, nothing is cut off.
    result = sweep(catalog, "support-call-5min", "calls_per_month", [100, 10_000, 1_000_000], as_of=ON)
    figure = sweep_figure(result)
    figure.draw_without_rendering()
    legend, page, axes = figure.legends[0].get_window_extent(), figure.bbox, figure.axes[0].get_window_extent()
    assert len(figure.legends[0].get_texts()) >= 30
    assert page.x0 <= legend.x0 and legend.x1 <= page.x1 and page.y0 <= legend.y0
    assert not _boxes_overlap(legend, axes)
    assert axes.height >= 3 * figure.dpi and axes.width >= 6 * figure.dpi  # inches of plot, not a sliver
