"""Charts: readable (legend, labelled axes with units and currency), written atomically, nothing on failure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from costmodel.analyses.breakeven import breakeven
from costmodel.analyses.sensitivity import sensitivity
from costmodel.analyses.sweep import sweep
from costmodel.cli import cli
from costmodel.views.charts import sweep_figure, tornado_figure
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
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    assert labels == ["api (cascade)", "hosted (self-hosted)", "hosted always-on floor"]
    # The crossing's marker is numbered; the words sit in one box listing every numbered crossing.
    assert [a.get_text() for a in axes.texts] == ["1"]
    assert figure.get_supxlabel() == "break-even (numbered on the chart):\n1  api = hosted at 1,667"


def test_tornado_figure(tmp_path: Path) -> None:
    result = sensitivity(round_catalog(tmp_path), "minute-call", "hosted", "20%", as_of=ON)
    axes = tornado_figure(result).axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["acme/gpu.usd_per_gpu_hour", "calls_per_month"]
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
