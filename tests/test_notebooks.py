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

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
CELL_TIMEOUT_SECONDS = 120


def test_the_three_notebooks_are_there() -> None:
    assert [p.name for p in PATHS] == ["break-even.ipynb", "pricing-refresh.ipynb", "what-if.ipynb"]


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
