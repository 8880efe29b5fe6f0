"""Validation of parsed data against a file-format model, every problem one `path:line: field: message` error."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from costmodel.data.input_files import read_text
from costmodel.data.reader import _BaseLoader, _shown, parse_yaml
from costmodel.errors import InputError, suggest

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails

M = TypeVar("M", bound="BaseModel")


def locate(text: str, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the value at `loc` (keys and list indexes), or the nearest enclosing one."""
    try:
        node = yaml.compose(text, Loader=_BaseLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
            if match is None:
                continue  # pydantic adds union branch names to loc; skip what the file does not have
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
    return line


@functools.cache
def _all_fields() -> list[str]:
    """Every field name of every file format, for did-you-mean (the models are imported only when validating)."""
    from costmodel.data import models as schema

    return sorted(
        {
            name
            for model in vars(schema).values()
            if isinstance(model, type) and issubclass(model, schema.Model)
            for name in model.model_fields
        }
    )


@functools.cache
def _pattern_help() -> dict[str, str]:
    from costmodel.data import models as schema

    return {
        schema.SKU_ID_PATTERN: "must be provider/model in lowercase letters, digits, '.', '_' or '-', e.g. openai/gpt-4o",
        schema.NAME_PATTERN: "must be lowercase letters, digits, '.', '_' or '-', e.g. whisper-large-v3",
        schema.CURRENCY_PATTERN: "must be a three-letter currency code in capitals, e.g. GBP",
    }


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"Range", "decimal", "function-after[_ordered(), Range]"} or part.startswith(("function-", "constrained-")):
            continue
        else:
            out += ("." if out else "") + part
    return out


def _got(value: object) -> str:
    """The offending value for an error line, cut short: a 7 MB string must not be echoed whole."""
    if isinstance(value, str):
        return _shown(value)
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:40] + "…"


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    loc = error["loc"]
    if kind == "extra_forbidden":
        name = str(loc[-1])
        close = suggest(name, _all_fields())
        hint = f"; did you mean {' or '.join(close)}?" if close else "; remove it or fix its spelling"
        return f"unknown field '{name}'{hint}"
    if kind == "missing":
        return "required field is missing; add it"
    if kind == "literal_error":
        return f"{error['msg'].replace('Input should be', 'must be')} (got {_got(error.get('input'))})"
    if kind == "finite_number":
        return "must be a finite number (NaN and infinity are not prices)"
    if kind in {"decimal_type", "decimal_parsing"}:
        # The number branch of a number-or-Range union: plain "decimal", or the range rule's validator wrapping it.
        union = any(isinstance(part, str) and (part == "decimal" or part.endswith(" decimal]")) for part in loc)
        also = " or a {low, high} range" if union else ""
        return f"must be a number{also} (got {_got(error.get('input'))})"
    if kind == "too_short":
        return "must list at least one entry"
    if kind == "string_too_short":
        return f"must be at least {error['ctx']['min_length']} characters (got {_got(error.get('input'))})"
    if kind == "string_pattern_mismatch":
        wanted = _pattern_help().get(error.get("ctx", {}).get("pattern", ""), f"must match {error['ctx']['pattern']}")
        return f"{wanted} (got {_got(error.get('input'))})"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message.replace("Input should be", "must be")


def _is_other_branch(error: ErrorDetails) -> bool:
    # A number-or-Range union reports one error per branch; only the branch the input was aimed at matters:
    # a mapping is a Range (its "not a decimal" is noise), anything else a number ("not a Range" is noise).
    in_range_branch = any(isinstance(part, str) and "Range" in part for part in error["loc"])
    if in_range_branch and error["type"] in {"model_type", "dict_type"}:
        return True
    return error["type"] == "decimal_type" and isinstance(error.get("input"), dict)


def _real(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    return [error for error in errors if not _is_other_branch(error)] or errors[:1]


def validate(model: type[M], data: Any, path: str | Path, text: str) -> M:
    """Validate parsed data against a model, turning the first problem into a path:line error."""
    if not isinstance(data, dict):
        got = {list: "a list", type(None): "nothing"}.get(type(data), "a single value")
        raise InputError(f"expected a mapping of fields (name: value) at the top, got {got}", path=path, line=1)
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except RecursionError:
        raise InputError("nesting too deep", path=path) from None
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt field is reported both as unknown and as missing; the unknown one carries the did-you-mean.
        real = sorted(_real(errors), key=lambda e: e["type"] == "missing")
        error = real[0]
        loc = tuple(error["loc"])
        more = len({_dotted(e["loc"]) for e in real}) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        raise InputError(
            _message(error) + suffix, path=path, line=locate(text, loc), field=_dotted(loc) or None
        ) from None


def load_model(path: Path, model: type[M]) -> M:
    """Read, parse and validate one file."""
    text = read_text(path)
    return validate(model, parse_yaml(text, path), path, text)
