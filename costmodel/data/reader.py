"""Safe YAML reading: decimals not floats, duplicate keys and alias bombs refused, errors as path:line: field: message."""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from costmodel.data import models as schema
from costmodel.errors import InputError, suggest

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest file costmodel reads; a price sheet of 10,000 SKUs is well under 8 MiB."""
MAX_EXPANDED_NODES = 200_000
"""Largest node count a document may reach once its aliases are expanded."""
MAX_EXPONENT = 30
"""Numbers beyond 10**±30 are refused: nothing costmodel prices comes near, and exact arithmetic on 1e+999999
overflows instead of giving a figure."""
RANGE_RULE = f"numbers must be 0 or lie within 1e-{MAX_EXPONENT} to 1e+{MAX_EXPONENT} in size"
MAX_NESTING = 1_000
"""Deepest nesting of lists and mappings; libyaml (bundled with PyYAML >= 6.0.4) refuses deeper on its own too."""
NESTING_MESSAGE = f"nesting is over {MAX_NESTING} levels deep; flatten the structure"

M = TypeVar("M", bound=BaseModel)

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """yaml.safe_load's loader, plus exact decimals, duplicate-key errors and alias accounting."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            return super().construct_object(node, deep)
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise _NodeError(node, f"cannot read value {node.value!r}: {exc}") from None
        except (LookupError, AttributeError):  # PyYAML's own slips on odd scalars: an empty !!float, !!timestamp x
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            raise _NodeError(node, f"cannot read value {node.value!r} as {tag}") from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, Hashable):
                    raise _NodeError(key_node, "a mapping key must be a plain value, not a list or mapping")
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise _NodeError(
                        key_node,
                        f"duplicate key '{key}' (first at line {seen[key]}); YAML would silently keep the last, "
                        "so remove one",
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_decimal(self, node: yaml.ScalarNode) -> Decimal:
        text = str(self.construct_scalar(node)).replace("_", "").strip()
        lowered = text.lower()
        if lowered in {".inf", "+.inf"}:
            return Decimal("Infinity")
        if lowered == "-.inf":
            return Decimal("-Infinity")
        if lowered == ".nan":
            return Decimal("NaN")
        try:
            value = Decimal(text)
        except InvalidOperation:
            # Sexagesimal floats (1:30.5) are legal YAML 1.1; fall back to PyYAML's reading.
            value = Decimal(str(yaml.SafeLoader.construct_yaml_float(self, node)))
        if out_of_range(value):
            raise _NodeError(node, f"{text} is out of range; {RANGE_RULE}")
        return value

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value: int = super().construct_yaml_int(node)
        if out_of_range(Decimal(value)):
            raise _NodeError(node, f"{node.value} is out of range; {RANGE_RULE}")
        return value


_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def out_of_range(value: Decimal) -> bool:
    """True for a finite non-zero number beyond 10**±MAX_EXPONENT (infinity and NaN have their own messages)."""
    return value.is_finite() and value != 0 and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT


class _NodeError(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.line = node.start_mark.line + 1
        self.message = message


def read_text(path: Path) -> str:
    """Read a costmodel input file as UTF-8 text, refusing directories, huge files and bad bytes."""
    if not path.exists():
        raise InputError("no such file", path=path)
    if path.is_dir():
        raise InputError("is a directory, expected a YAML file", path=path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit; split it", path=path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8", path=path, line=line
        ) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise InputError("file is empty", path=path, line=1)
    return text


def _expanded_size(root: yaml.Node) -> int:
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise _NodeError(node, "recursive alias: a node contains itself")
        in_progress.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        in_progress.discard(key)
        sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[key]

    return size(root)


_LINE_PREFIX = re.compile(r"(?:\A|[\r\n\x85\u2028\u2029])([ \t?-]*)")


def _nesting_bound(text: str) -> int:
    """A cheap upper bound on how deep the document nests, without parsing it.

    Flow collections each open with [ or {; block collections nest only by indentation or by compact
    `- `/`? ` prefixes, at most two levels per column (a mapping and its indentless sequence).
    """
    prefix = max(len(match.group(1)) for match in _LINE_PREFIX.finditer(text))
    return text.count("[") + text.count("{") + 2 * (prefix + 2)


def _nesting_depth(text: str) -> tuple[int, int]:
    """(deepest nesting, line where it is first reached), from libyaml's events (which do not recurse)."""
    depth = deepest = line = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > deepest:
                deepest, line = depth, event.start_mark.line + 1
                if deepest > MAX_NESTING:
                    break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest, line


def _check_size(text: str, path: str | Path) -> None:
    # libyaml's composer recurses in C once per level, so a deep enough file would crash the process (SIGSEGV).
    # Aliases are checked after composing and before constructing (parse_yaml): `<<` merges copy eagerly.
    if _nesting_bound(text) > MAX_NESTING:
        depth, line = _nesting_depth(text)
        if depth > MAX_NESTING:
            raise InputError(NESTING_MESSAGE, path=path, line=line)


def parse_yaml(text: str, path: str | Path) -> Any:
    """Parse one YAML document safely; every failure is an InputError naming path and line."""
    loader = _Loader(text)
    try:
        _check_size(text, path)
        node = loader.get_single_node()
        if node is None:
            raise InputError("file is empty", path=path, line=1)
        if "*" in text and _expanded_size(node) > MAX_EXPANDED_NODES:  # an alias needs a `*`
            raise InputError(
                f"aliases expand to over {MAX_EXPANDED_NODES:,} values; write the data out instead",
                path=path,
                line=node.start_mark.line + 1,
            )
        data = loader.construct_document(node)
    except _NodeError as exc:
        raise InputError(exc.message, path=path, line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = _yaml_problem(exc.problem or exc.context or "invalid YAML")
        raise InputError(problem, path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", path=path) from None
    except RecursionError:
        raise InputError("nesting too deep", path=path) from None
    finally:
        loader.dispose()
    return data


def _yaml_problem(problem: str) -> str:
    """PyYAML's wording, with the cases people hit most said in plain words and with the fix."""
    if "could not determine a constructor" in problem:
        tag = problem.split("'")[1] if problem.count("'") >= 2 else problem.split("tag")[-1].strip()
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        return f"tag {tag} is not allowed; costmodel files hold plain data"
    if "found another document" in problem:
        return "a file holds one YAML document; remove the '---' and what follows, or split the file"
    if "maximum nesting depth" in problem:
        return NESTING_MESSAGE
    if "cannot start any token" in problem:
        return "found a character that cannot start a value: indent with spaces, not tabs, and quote text starting with @ or `"
    return problem


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


_ALL_FIELDS = sorted(
    {
        name
        for model in vars(schema).values()
        if isinstance(model, type) and issubclass(model, schema.Model)
        for name in model.model_fields
    }
)


_PATTERN_HELP = {
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


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    loc = error["loc"]
    if kind == "extra_forbidden":
        name = str(loc[-1])
        close = suggest(name, _ALL_FIELDS)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; remove it or fix its spelling"
        return f"unknown field '{name}'{hint}"
    if kind == "missing":
        return "required field is missing; add it"
    if kind == "literal_error":
        return f"{error['msg'].replace('Input should be', 'must be')} (got {error.get('input')!r})"
    if kind == "finite_number":
        return "must be a finite number (NaN and infinity are not prices)"
    if kind in {"decimal_type", "decimal_parsing"}:
        also = " or a {low, high} range" if "decimal" in loc else ""
        return f"must be a number{also} (got {error.get('input')!r})"
    if kind == "too_short":
        return "must list at least one entry"
    if kind == "string_too_short":
        return f"must be at least {error['ctx']['min_length']} characters (got {error.get('input')!r})"
    if kind == "string_pattern_mismatch":
        wanted = _PATTERN_HELP.get(error.get("ctx", {}).get("pattern", ""), f"must match {error['ctx']['pattern']}")
        return f"{wanted} (got {error.get('input')!r})"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message.replace("Input should be", "must be")


def _is_other_branch(error: dict[str, Any]) -> bool:
    # A number-or-Range union reports one error per branch; only the branch the input was aimed at matters:
    # a mapping is a Range (its "not a decimal" is noise), anything else a number ("not a Range" is noise).
    in_range_branch = any(isinstance(part, str) and "Range" in part for part in error["loc"])
    if in_range_branch and error["type"] in {"model_type", "dict_type"}:
        return True
    return error["type"] == "decimal_type" and isinstance(error.get("input"), dict)


def _real(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [error for error in errors if not _is_other_branch(error)] or errors[:1]


def validate(model: type[M], data: Any, path: str | Path, text: str) -> M:
    """Validate parsed data against a model, turning the first problem into a path:line error."""
    if not isinstance(data, dict):
        got = {list: "a list", type(None): "nothing"}.get(type(data), "a single value")
        raise InputError(f"expected a mapping of fields (name: value) at the top, got {got}", path=path, line=1)
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


def load_yaml(path: Path) -> Any:
    """Read and parse one file without validating it (tests and tools)."""
    return parse_yaml(read_text(path), path)
