"""The notebooks in notebooks/ run top to bottom on the bundled data, and are committed clean.

Each notebook asserts the facts it shows (a break-even where the curves cross, a price that fell), so running
it is the test; these tests only run them and check their shape. The kernel is this interpreter's own
ipykernel, launched from a throwaway kernelspec, so a clean `pip install ".[dev]"` is all it needs.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
CELL_TIMEOUT_SECONDS = 120


def test_the_four_notebooks_are_there() -> None:
    assert [p.name for p in PATHS] == ["break-even.ipynb", "interactive-what-if.ipynb", "pricing-refresh.ipynb",
                                       "what-if.ipynb"]


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kernelspec named python3 that runs ipykernel in the interpreter running the tests (never a stale one on PATH)."""
    folder = tmp_path_factory.mktemp("kernels")
    spec = folder / "python3"
    spec.mkdir()
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "Python 3", "language": "python"}))
    return folder


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs_top_to_bottom(path: Path, kernel_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Figures render off-screen; the kernel inherits this environment when it starts.
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)]))
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT_SECONDS,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on the first failing cell or assert
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code)  # every cell ran, none was skipped
    # Each notebook draws at least one chart (a PNG in some cell's output).
    assert any("image/png" in output.get("data", {}) for cell in code for output in cell.outputs)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {index} carries outputs"
            assert cell.execution_count is None, f"{path.name} cell {index} carries an execution count"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_opens_with_its_question_then_one_parameters_cell(path: Path) -> None:
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and "?" in cells[0].source.splitlines()[0]
    tagged = [i for i, cell in enumerate(cells) if "parameters" in cell.metadata.get("tags", [])]
    assert tagged == [1] and cells[1].cell_type == "code"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_uses_public_api_and_asserts_what_it_shows(path: Path) -> None:
    source = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code")
    assert re.search(r"^\s*assert ", source, re.MULTILINE), f"{path.name} asserts nothing"
    private = re.findall(r"from costmodel\S* import [^\n]*\b_\w+|costmodel\.\w+\._\w+", source)
    assert private == [], f"{path.name} reaches into private names: {private}"


def interactive_namespace() -> dict[str, Any]:
    """The interactive what-if notebook's parameters and functions, run in this process (magics dropped), without
    the slider cell: its redraw function and slider callback are then called directly."""
    cells = nbformat.read(NOTEBOOKS / "interactive-what-if.ipynb", as_version=4).cells
    namespace: dict[str, Any] = {}
    for cell in cells[1:3]:  # the parameters cell and the set-up cell that defines redraw and show
        exec("\n".join(line for line in cell.source.splitlines() if not line.startswith("%")), namespace)
    return namespace


def test_the_slider_callback_redraws_with_hand_worked_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    from decimal import Decimal

    from costmodel import Span

    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = interactive_namespace()
    assert notebook["CUT_SKU"] == "openai/gpt-realtime-mini" and notebook["SCENARIO"] == "support-call-5min"
    # The sliders moved: 600 s calls, 1 turn, 20,000 calls a month, gpt-realtime-mini's prices cut by 50%.
    drawn = notebook["redraw"](call_seconds=600, turns=1, calls_per_month=20_000, price_cut=50)
    table = drawn["table"]
    # budget-first: whisper-1 10 min × 0.006 = 0.06; gpt-4o-mini 1,950 input tokens (3.25 a second) × 0.15/1M =
    # 0.0002925 and 200 output tokens × 0.60/1M = 0.00012: 0.0604125 a call, × 20,000 = 1,208.25 a month.
    # As written (300 s, 10,000 calls): 0.03 + 0.00014625 + 0.00012 = 0.03026625 a call, 302.6625 a month.
    budget = drawn["comparison"].baseline["budget-first"]
    assert budget.per_call.delta == Span(Decimal("0.03014625"), Decimal("0.03014625"))  # 0.0604125 − 0.03026625
    assert budget.per_month.delta == Span(Decimal("905.5875"), Decimal("905.5875"))     # 1,208.25 − 302.6625
    assert table.loc["budget-first"].tolist() == ["0.06041", "1,208.25", "+0.03015", "+99.6%", "+905.59"]
    # gpt-realtime-mini at half price: 6,000 audio input tokens (10 a second) × 10/1M × 0.5 = 0.03 and 200 text
    # output tokens × 2.40/1M × 0.5 = 0.00024: 0.03024 a call, against 0.03048 as written (−0.00024, −0.79%);
    # per month 0.03024 × 20,000 = 604.80 against 304.80: +300.00.
    assert table.loc["gpt-realtime-mini"].tolist() == ["0.03024", "604.80", "-0.00024", "-0.8%", "+300.00"]
    realtime = drawn["comparison"].baseline["gpt-realtime-mini"].per_call
    assert realtime.percent == Span(Decimal("-0.7874"), Decimal("-0.7874"))  # −0.00024 ÷ 0.03048 × 100
    # Break-even along the call length: a second costs gpt-realtime-mini 10 × 10/1M × 0.5 = 0.00005 and
    # budget-first 0.006/60 + 3.25 × 0.15/1M = 0.0001004875; fixed parts 0.00024 and 0.00012. The lines cross
    # at 0.00012 ÷ 0.0000504875 = 2.38 s (whisper bills whole seconds, so the step at 2 s); above, realtime wins.
    crossing = drawn["breakeven"]
    assert crossing.crossings and crossing.crossings[-1].value < 3
    assert crossing.cheaper_at_high == {"point": "gpt-realtime-mini"}
    # The chart marks this call's length.
    assert 600 in [line.get_xdata()[0] for line in drawn["figure"].axes[0].lines if len(line.get_xdata()) == 2]


def test_the_slider_callback_shows_the_table_and_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = interactive_namespace()
    shown: list[Any] = []
    notebook["display"] = shown.append  # what the callback hands the front end
    notebook["show"](120, 4, 5_000, 10)
    assert [type(item).__name__ for item in shown] == ["DataFrame", "Markdown", "Figure"]
    # Titles wrap to the figure's width (views/charts.py): compare the words, not the line breaks.
    assert "gpt-realtime-mini −10%" in " ".join(shown[2].axes[0].get_title().split())
