"""The docstring written under each field of a file-format model, read from the source only when someone asks.

Reading docstrings takes `inspect` and a parse of the source, a fifth of the cost of defining the models, so
the models do not do it when they are defined (no `use_attribute_docstrings`): only JSON Schema generation
and the report's assumptions table need the text, and they ask here.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap


@functools.cache
def field_docs(model: type) -> dict[str, str]:
    """Field name → its docstring, for a class and its bases (a subclass's own docstring wins)."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if cls.__module__ in {"builtins", "typing"} or cls.__module__.startswith("pydantic"):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(cls))
        except (OSError, TypeError):  # no source (a class made at run time): no docstrings to read
            continue
        body = ast.parse(source).body[0]
        if not isinstance(body, ast.ClassDef):
            continue
        for statement, following in zip(body.body, body.body[1:], strict=False):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[statement.target.id] = inspect.cleandoc(following.value.value)
    return docs
