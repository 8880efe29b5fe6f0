"""The base install prints tables; charts and notebooks are extras, and their absence is said, never a traceback."""

from __future__ import annotations

import email
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from tests.test_wheel import wheel  # noqa: F401  (the built wheel, shared with the wheel tests)

ROOT = Path(__file__).resolve().parent.parent
BASE = {"click", "pydantic", "pyyaml", "platformdirs", "numpy"}
"""What printing tables needs: the CLI, the file formats, YAML, the cache folder and the vector backend."""


def _name(requirement: str) -> str:
    for stop in "<>=!~;[ ":
        requirement = requirement.split(stop)[0]
    return requirement.lower()


def test_the_base_install_has_no_jupyter_pandas_or_matplotlib() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert {_name(r) for r in project["dependencies"]} == BASE
    extras = project["optional-dependencies"]
    assert {_name(r) for r in extras["plots"]} == {"matplotlib"}
    assert {"jupyter", "pandas", "matplotlib", "ipywidgets"} <= {_name(r) for r in extras["notebooks"]}


def test_the_dev_extra_runs_every_notebook_without_the_jupyter_front_ends() -> None:
    # The notebook tests start this interpreter's ipykernel through nbclient, and the interactive notebook builds
    # ipywidgets sliders: `pip install ".[dev]"` must bring all of them, but not the Jupyter front ends.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    assert {"nbclient", "nbformat", "ipykernel", "ipywidgets", "pandas", "matplotlib"} <= dev
    assert "jupyter" not in dev


def test_the_built_wheel_declares_the_same_split(wheel: Path) -> None:  # noqa: F811
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(archive.read(name))
    requires = metadata.get_all("Requires-Dist") or []
    unconditional = {_name(r) for r in requires if "extra ==" not in r}
    assert unconditional == BASE
    assert any(_name(r) == "jupyter" and "extra == 'notebooks'" in r.replace('"', "'") for r in requires)


def _without(module: str, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child where importing `module` fails, as in an install without the extra."""
    code = (
        "import sys\n"
        f"sys.modules[{module!r}] = None  # an import of it now raises ImportError\n"
        "from costmodel.cli import main\n"
        f"sys.argv = ['costmodel', *{list(argv)!r}]\n"
        "main()\n"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_plot_without_matplotlib_names_the_extra(tmp_path: Path) -> None:
    out = tmp_path / "x.svg"
    done = _without("matplotlib", "sweep", "support-call-5min", "--vary", "calls_per_month=1000:2000:3",
                    "--plot", str(out), cwd=tmp_path)
    assert done.returncode == 1, done
    assert done.stderr == ("Error: Charts need matplotlib, which is not installed: pip install 'costmodel[plots]'\n")
    assert "Traceback" not in done.stderr and not out.exists()


def test_report_without_matplotlib_says_the_charts_are_missing(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    done = _without("matplotlib", "report", "support-call-5min", "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    # Markdown escapes the brackets of the extra's name.
    assert ("## Break-even\n\nBreak-even charts need matplotlib, which is not installed: "
            "pip install 'costmodel\\[plots\\]'.") in text
    assert not list(tmp_path.glob("report-*.svg"))
    # The tables are all there: the comparison and the itemised breakdowns.
    assert "## Itemised breakdown per stack" in text


def test_compare_runs_without_any_extra(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "for name in ('matplotlib', 'pandas', 'jupyter', 'IPython'):\n"
        "    sys.modules[name] = None\n"
        "from costmodel.cli import main\n"
        "sys.argv = ['costmodel', 'compare']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "budget-first" in done.stdout
