"""The package's layers, read from its own imports: no module imports a higher layer, and no imports go in a circle.

Layers, lowest first: the foundation (errors.py, safe_text.py, plain_dataclass.py) → data → core → analyses → views →
writers → cli → the package face (`costmodel`).
Every import counts, also those inside functions and under TYPE_CHECKING: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import costmodel

PACKAGE = Path(costmodel.__file__).resolve().parent
ROOT = PACKAGE.parent
LAYERS = ("foundation", "data", "core", "analyses", "views", "writers", "cli", "__init__", "__main__")
"""Layer names from the bottom up; a module's layer is its first path part below costmodel/."""
FOUNDATION = ("errors", "safe_text", "plain_dataclass")
"""Top-level modules every layer may use: the library's exceptions, text made safe for each destination, and the
dataclass decorator of the classes on the start-up path."""
FACE_RANK = LAYERS.index("__init__")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rank(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return FACE_RANK
    return 0 if parts[1] in FOUNDATION else LAYERS.index(parts[1])


def imports_of(path: Path) -> set[str]:
    """Every costmodel module this file imports, resolved to a module (not a name inside one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("costmodel"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("costmodel"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return found


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def test_every_module_sits_in_a_known_layer() -> None:
    for name in MODULES:
        parts = name.split(".")
        assert len(parts) == 1 or parts[1] in (*LAYERS, *FOUNDATION), f"{name} is in no layer: add it to LAYERS"


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{name} ({LAYERS[rank(name)]}) imports {target} ({LAYERS[rank(target)]})"
        for name, targets in graph.items()
        for target in targets
        if target != "costmodel" and rank(target) > rank(name)
    )


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle a depth-first search meets (a grey node reached again closes one)."""
    colour: dict[str, str] = {}
    found: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        colour[name] = "grey"
        for target in sorted(graph.get(name, ())):
            if target not in graph or target == "costmodel":
                continue
            if colour.get(target) == "grey":
                found.append([*trail[trail.index(target):], target])
            elif target not in colour:
                visit(target, [*trail, target])
        colour[name] = "black"

    for name in sorted(graph):
        if name not in colour:
            visit(name, [name])
    return found


def test_no_module_imports_a_higher_layer() -> None:
    assert upward_imports(GRAPH) == []


def test_imports_form_no_circle() -> None:
    assert circles(GRAPH) == []


def test_the_checks_catch_an_upward_import_and_a_circle() -> None:
    # A made-up graph with one of each, so the two checks above are known to be able to fail.
    graph = {
        "costmodel.data.catalog": {"costmodel.views.files"},
        "costmodel.views.files": {"costmodel.views.charts"},
        "costmodel.views.charts": {"costmodel.views.files"},
    }
    assert upward_imports(graph) == ["costmodel.data.catalog (data) imports costmodel.views.files (views)"]
    assert circles(graph) == [["costmodel.views.files", "costmodel.views.charts", "costmodel.views.files"]]


def test_only_the_face_imports_more_than_the_version_from_the_package_face() -> None:
    # `from costmodel import __version__` is the one thing lower layers may take from the face (a constant).
    for name, path in MODULES.items():
        if "costmodel" not in GRAPH[name] or rank(name) >= FACE_RANK:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "costmodel":
                assert [alias.name for alias in node.names] == ["__version__"], name


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_use_only_the_public_api(notebook: Path) -> None:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.startswith(("%", "!"))))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("costmodel"):
                assert node.module == "costmodel", f"{notebook.name} imports from {node.module}"
                for alias in node.names:
                    assert alias.name in costmodel.__all__, f"{notebook.name} imports {alias.name}, not in costmodel.__all__"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("costmodel."), f"{notebook.name} imports {alias.name}"


def test_the_public_api_resolves_every_name_it_declares() -> None:
    for name in costmodel.__all__:
        assert getattr(costmodel, name) is not None, name
    with pytest.raises(AttributeError):
        costmodel.no_such_name  # noqa: B018


def test_the_public_api_lists_exactly_what_it_exports() -> None:
    assert set(costmodel.__all__) == {"__version__", *costmodel._EXPORTS}
    assert len(costmodel.__all__) == len(set(costmodel.__all__))
