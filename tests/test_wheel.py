"""A plain (non-editable) install from the wheel works from any directory: the bundled data ships inside it."""

from __future__ import annotations

import importlib.util
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Without build isolation when the backend is already here (no download); otherwise pip fetches hatchling.
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    done = run(sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", *isolation, "-w", out, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("costmodel-*.whl")
    return built


def dependency_dirs() -> list[str]:
    """The running interpreter's site-packages: where the README's `pip install` put costmodel's dependencies.

    Not the base interpreter's: a venv made with system site packages would see whatever the machine had
    before the install (another pydantic, say), and the wheel would be tested against the wrong libraries.
    """
    user = [site.getusersitepackages()] if site.ENABLE_USER_SITE else []
    dirs = [str(Path(d).resolve()) for d in [*site.getsitepackages(), *user] if Path(d).is_dir()]
    return list(dict.fromkeys(dirs))


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh, isolated venv with costmodel only from the wheel and its dependencies from the running interpreter."""
    home = tmp_path_factory.mktemp("venv")
    done = run(sys.executable, "-m", "venv", home, cwd=home)
    assert done.returncode == 0, done.stderr
    done = run(home / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=home)
    assert done.returncode == 0, done.stderr
    # Plain path lines are appended after the venv's own site-packages, so the wheel's costmodel comes first;
    # .pth files inside those folders are not run (an editable install's hook cannot pull the checkout in).
    (Path(done.stdout.strip()) / "_running_interpreter.pth").write_text("\n".join(dependency_dirs()) + "\n",
                                                                       encoding="utf-8")
    done = run(home / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--force-reinstall",
               wheel, cwd=home)
    assert done.returncode == 0, done.stderr
    return home


@pytest.fixture
def elsewhere(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An unrelated working directory and an environment with no costmodel settings or source on the path."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("COSTMODEL_") and key not in {"PYTHONPATH", "PYTHONHOME"}}
    return tmp_path, env


def test_wheel_holds_the_bundled_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, pattern in [("pricing", "*.yaml"), ("pricing/stacks", "*.yaml"), ("scenarios", "*.yaml"),
                            ("schemas", "*.schema.json")]:
        files = sorted((ROOT / folder).glob(pattern))
        assert files, folder
        for path in files:
            assert f"costmodel/_data/{folder}/{path.name}" in names


def test_installed_package_reads_its_own_data(venv: Path, elsewhere: tuple[Path, dict[str, str]]) -> None:
    cwd, env = elsewhere
    code = "import costmodel.data.catalog as c; print(c.__file__); print(c.bundled_dir('pricing'))"
    done = run(venv / "bin" / "python", "-c", code, cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    module, pricing = done.stdout.splitlines()
    site = Path(module).resolve().parent.parent  # costmodel/, above costmodel/data/catalog.py
    assert site.is_relative_to(venv.resolve())  # the wheel's copy, not the source checkout
    assert Path(pricing).resolve() == site / "_data" / "pricing"


def test_installed_validate_from_another_directory(venv: Path, elsewhere: tuple[Path, dict[str, str]]) -> None:
    cwd, env = elsewhere
    done = run(venv / "bin" / "costmodel", "validate", cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    # The same counts as the source checkout's data: the wheel carries every file.
    sheets = [p for p in (ROOT / "pricing").glob("*.yaml") if p.stem != "fx"]
    stacks = len(list((ROOT / "pricing" / "stacks").glob("*.yaml")))
    scenarios = len(list((ROOT / "scenarios").glob("*.yaml")))
    assert done.stdout.startswith(f"ok: {len(sheets) + 1 + stacks + scenarios} files, ")
    assert done.stdout.endswith(f", {stacks} stacks, {scenarios} scenarios\n")


def test_installed_compare_from_another_directory(venv: Path, elsewhere: tuple[Path, dict[str, str]]) -> None:
    cwd, env = elsewhere
    done = run(venv / "bin" / "costmodel", "compare", "--as-of", "2026-01-01", "--format", "csv", cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    assert "gpt-realtime" in done.stdout
    assert "Traceback" not in done.stderr


def test_installed_schema_matches_committed(venv: Path, elsewhere: tuple[Path, dict[str, str]]) -> None:
    cwd, env = elsewhere
    done = run(venv / "bin" / "python", "-m", "costmodel", "schema", "stack", cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (ROOT / "schemas" / "stack.schema.json").read_text(encoding="utf-8")


def test_installed_sees_the_running_interpreters_dependencies(venv: Path,
                                                              elsewhere: tuple[Path, dict[str, str]]) -> None:
    # The libraries the wheel runs on in the test venv are the very files the README's install put here, not
    # the base interpreter's (which may hold another pydantic, or none at all).
    import pydantic
    import yaml

    cwd, env = elsewhere
    done = run(venv / "bin" / "python", "-c", "import pydantic, yaml; print(pydantic.__file__); print(yaml.__file__)",
               cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    assert [Path(line).resolve() for line in done.stdout.splitlines()] == [
        Path(pydantic.__file__).resolve(), Path(yaml.__file__).resolve()]
