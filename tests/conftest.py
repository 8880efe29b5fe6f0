"""Shared fixtures: the bundled catalog, a CLI runner, and a throwaway copy of the bundled data to break."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from costmodel.data.catalog import Catalog, bundled_dir, load_catalog

# The loaded-library cache goes to a folder of this test run, never the user's own cache directory
# (subprocesses started by tests inherit it through the environment).
os.environ["COSTMODEL_CACHE_DIR"] = tempfile.mkdtemp(prefix="costmodel-test-cache-")
# The suite's --pricing/--scenarios folders are whole libraries (small ones built by tests, or edited copies of the
# bundled data): they replace the bundled data, as --no-bundled does. Tests of adding to the bundled data
# (tests/test_layered_data.py) clear this for themselves.
os.environ["COSTMODEL_NO_BUNDLED"] = "1"
# Tables printed to a terminal wrap to $COLUMNS; tests compare full-width tables unless they set it themselves.
os.environ.pop("COLUMNS", None)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The bundled price sheets, stacks and scenarios, loaded once (read-only: models are frozen)."""
    return load_catalog(bundled_dir("pricing"), bundled_dir("scenarios"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    """tmp_path holding copies of pricing/ and scenarios/ (tmp_path/pricing, tmp_path/scenarios), free to break."""
    for name in ("pricing", "scenarios"):
        shutil.copytree(bundled_dir(name), tmp_path / name)
    return tmp_path


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    """write_yaml(name, text) -> path: a small YAML file in tmp_path, text dedented and stripped of the leading newline."""
    import textwrap

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
