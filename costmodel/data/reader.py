"""Safe YAML parsing: decimals not floats, duplicate keys, alias bombs and huge or deep documents refused, errors with lines."""

from __future__ import annotations

import re
from collections.abc import Hashable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from costmodel.data.input_files import MAX_FILE_BYTES, read_text
from costmodel.data.records import MAX_EXPONENT, RANGE_RULE, out_of_range, range_message
from costmodel.errors import InputError

if TYPE_CHECKING:
    pass

__all__ = ["MAX_EXPONENT", "RANGE_RULE", "out_of_range"]  # the range rule lives in records; re-exported for callers

MAX_EXPANDED_NODES = 200_000
"""Largest node count a document may reach once its aliases are expanded."""
MAX_EXPANDED_BYTES = 4 * MAX_FILE_BYTES
"""Most bytes of scalar text (keys and values) a document may hold once its aliases are expanded: a few
aliases of one long string would otherwise turn a small file into gigabytes."""
MAX_VALUES = 300_000
"""Most values (scalars, lists and mappings) one file may hold. Parsing builds Python objects with position
marks for every value, so 8 MB of `[0,0,0,…]` (4 million values) would take minutes and gigabytes; the
bundled sheets hold 35 to 70 values per SKU, so a sheet of several thousand SKUs still fits (split larger libraries into
one sheet per provider)."""
MAX_NESTING = 64
"""Deepest nesting of lists and mappings (the bundled files nest at most 6 deep). Kept low because libyaml's
scanner walks every open flow level on each token: 999 levels of `[` around 3 million values took 38 s to
refuse, 64 levels take 2 s."""
NESTING_MESSAGE = f"nesting is over {MAX_NESTING} levels deep; flatten the structure"


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it, else the pure-Python one (chosen at run time, hence Any)."""


def _shown(text: str) -> str:
    """A value as quoted in an error line, cut short: an error must not echo a 7 MB scalar."""
    return repr(text) if len(text) <= 60 else repr(text[:40]) + "…"


_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")
_INT_DIGITS = re.compile(r"[-+]?[0-9]+")


def _int_spelling_problem(text: str) -> str | None:
    """Why a YAML 1.1 integer spelling is refused, or None for a plain decimal integer.

    YAML 1.1 (what PyYAML speaks) reads 010 as 8, 0x1F as 31, 0b11 as 3 and 1:30 as 90; YAML 1.2 and
    people read them differently, so rather than guess, costmodel asks for the number in plain decimal.
    """
    body = text.replace("_", "").lstrip("+-")
    if _SEXAGESIMAL.fullmatch(text):
        return f"{text} is a base-60 number in YAML 1.1 (1:30 means 90); write it in plain decimal, or quote it if it is text"
    if body[:2].lower() in {"0x", "0b", "0o"}:
        return f"{text} is a hexadecimal, binary or octal spelling; write the number in plain decimal"
    if _LEADING_ZERO.fullmatch(text) and len(body) > 1:
        plain = body.lstrip("0") or "0"
        return (
            f"{text} has a leading zero, which YAML 1.1 reads as octal or as text, not as {plain}; "
            f"write {text[0] if text[0] in '+-' else ''}{plain}, or quote it if it is text"
        )
    return None


class _Loader(_BaseLoader):  # type: ignore[misc]  # the base is chosen at run time (see _BaseLoader)
    """yaml.safe_load's loader, plus exact decimals, duplicate-key errors and alias accounting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.resolved_plain: dict[str, str] = {}

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        # Resolving a plain scalar tries a list of regular expressions; the same keys and small values recur
        # thousands of times in a price sheet, and with no path resolvers the tag depends on the text alone.
        if kind is yaml.ScalarNode and implicit[0] and value is not None:
            tag = self.resolved_plain.get(value)
            if tag is None:
                tag = self.resolved_plain[value] = super().resolve(kind, value, implicit)
            return tag
        return str(super().resolve(kind, value, implicit))

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            return super().construct_object(node, deep)
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise _NodeError(node, f"cannot read value {_shown(str(node.value))}: {str(exc)[:200]}") from None
        except (LookupError, AttributeError):  # PyYAML's own slips on odd scalars: an empty !!float, !!timestamp x
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            raise _NodeError(node, f"cannot read value {_shown(str(node.value))} as {tag}") from None

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
                        f"duplicate key {_shown(str(key))} (first at line {seen[key]}); YAML would silently keep the last, "
                        "so remove one",
                    )
                seen[key] = line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping

    def construct_yaml_decimal(self, node: yaml.ScalarNode) -> Decimal:
        raw = str(self.construct_scalar(node)).strip()
        if _SEXAGESIMAL.fullmatch(raw):
            raise _NodeError(node, f"{_int_spelling_problem(raw)}")
        text = raw.replace("_", "")
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
            raise _NodeError(node, f"cannot read {_shown(raw)} as a number") from None
        if out_of_range(value):
            raise _NodeError(node, range_message(text))
        return value

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node)).strip()
        problem = _int_spelling_problem(text)
        if problem is not None:
            raise _NodeError(node, problem)
        digits = text.replace("_", "")
        if not _INT_DIGITS.fullmatch(digits):  # an explicit !!int on text that is not one
            raise _NodeError(node, f"cannot read {_shown(text)} as a whole number")
        # More than 31 digits is past 1e30 whatever they are; checking first keeps int() off huge strings
        # (Python refuses to convert over 4,300 digits, and would take quadratic time below that limit).
        if len(digits.lstrip("+-")) > MAX_EXPONENT + 1 or out_of_range(Decimal(digits)):
            raise _NodeError(node, range_message(text))
        return int(digits)


_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
# YAML 1.1 reads 010 as an int but 09 as a string (not octal); both are a number with a leading zero to a
# reader, so resolve both as ints and let construct_yaml_int refuse them with one message.
_Loader.yaml_implicit_resolvers = {key: list(value) for key, value in _BaseLoader.yaml_implicit_resolvers.items()}
for _first in "+-0":
    _Loader.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, ("tag:yaml.org,2002:int", re.compile(r"^[-+]?0[0-9_]+$"))
    )


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_PLAIN_DOCUMENT_MARKS = ("*", "<<", "!")
"""A document without aliases, merge keys or explicit tags holds only plain mappings, lists and scalars."""


def _construct_plain(loader: _Loader, root: yaml.Node) -> Any:
    """What loader.construct_document(root) returns, for a document without aliases, merge keys or tags.

    PyYAML builds each node through a chain of generic calls and a generator per collection, most of a large
    load; this walk does the same work directly and in the same order, so the same problem is found first:
    collections are filled a generation at a time (a mapping's keys, all before any value, then its scalar
    values, then the collections it holds, in the order met), as PyYAML's state generators do. Scalars other
    than text go through the loader itself, so numbers, dates and their errors are exactly the loader's.
    """
    pending: list[tuple[dict[Any, Any] | list[Any], yaml.Node]] = []  # collections to fill, in PyYAML's order

    def value(node: yaml.Node) -> Any:
        kind = type(node)
        if kind is yaml.ScalarNode:
            return node.value if node.tag == _STR_TAG else loader.construct_object(node)
        if kind is yaml.MappingNode and node.tag == _MAP_TAG:
            mapping: dict[Any, Any] = {}
            pending.append((mapping, node))
            return mapping
        if kind is yaml.SequenceNode and node.tag == _SEQ_TAG:
            items: list[Any] = []
            pending.append((items, node))
            return items
        return loader.construct_object(node)

    def fill_mapping(mapping: dict[Any, Any], node: yaml.Node) -> None:
        keys: list[Any] = []
        lines: dict[Any, int] = {}
        for key_node, _ in node.value:  # every key first, as the duplicate-key check does
            if type(key_node) is yaml.ScalarNode and key_node.tag == _STR_TAG:
                key = key_node.value
            else:
                key = loader.construct_object(key_node, deep=True)
                if not isinstance(key, Hashable):
                    raise _NodeError(key_node, "a mapping key must be a plain value, not a list or mapping")
            if key in lines:
                raise _NodeError(
                    key_node,
                    f"duplicate key {_shown(str(key))} (first at line {lines[key]}); YAML would silently keep the last, "
                    "so remove one",
                )
            lines[key] = key_node.start_mark.line + 1
            keys.append(key)
        mapping.update(zip(keys, [value(value_node) for _, value_node in node.value], strict=True))

    document = value(root)
    while pending:
        generation, pending = pending, []
        for container, node in generation:
            if isinstance(container, dict):
                fill_mapping(container, node)
            else:
                container.extend([value(item) for item in node.value])
    return document


class _NodeError(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.line = node.start_mark.line + 1
        self.message = message


def _expanded_size(root: yaml.Node) -> tuple[int, int]:
    """(values, bytes of scalar text, keys included) the document holds once every alias is expanded.

    Each node is measured once and both figures are capped just past their limits, so the walk is linear in
    the node graph however far the aliases would expand.
    """
    sizes: dict[int, tuple[int, int]] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> tuple[int, int]:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise _NodeError(node, "recursive alias: a node contains itself")
        in_progress.add(key)
        count, text = 1, 0
        if isinstance(node, yaml.ScalarNode):
            text = len(str(node.value).encode("utf-8", "surrogatepass"))
        else:
            children = node.value if isinstance(node, yaml.SequenceNode) else [n for kv in node.value for n in kv]
            for child in children:
                child_count, child_text = size(child)
                count, text = count + child_count, text + child_text
        in_progress.discard(key)
        sizes[key] = (min(count, MAX_EXPANDED_NODES + 1), min(text, MAX_EXPANDED_BYTES + 1))
        return sizes[key]

    return size(root)


_LINE_PREFIX = re.compile(r"[\r\n\x85\u2028\u2029]([ \t?-]*)")
"""What follows each line break up to the line's content (the first line is measured apart: a pattern that
starts with a fixed set of characters lets the regex engine skip to them, one that may also match at \\A does
not, and took twice as long over a large sheet)."""
_BLOCK_PREFIX = " \t?-"
_FLOW_OR_HASH = re.compile(r"[\[\]{}#]")
_COMMENT_AFTER = frozenset(" \t\r\n\x85\u2028\u2029\ufeff")
"""A `#` starts a comment at the start of the text or after one of these, and the comment runs to the end of its line."""
_LINE_END = re.compile(r"[\r\n\x85\u2028\u2029]")


def _flow_bound(text: str) -> int:
    """A cheap upper bound on how deep flow collections ([...] and {...}) nest, without parsing.

    Inside a flow collection a ] or } can only close one, unless it sits in a quoted scalar, a comment or a
    tag (a plain scalar there cannot hold one, an anchor name is letters and digits): so in a document with
    no quotes and no tags, opening brackets minus closing ones outside comments, never below zero, is never
    less than the true depth (outside flow collections the true depth is 0 whatever a bracket in the text
    does). Any quote or tag, and the bound is every opening bracket in the text.
    """
    if '"' in text or "'" in text or "!" in text:
        return text.count("[") + text.count("{")
    # One scan for brackets and `#` (a regex that finds comments by look-behind tries every position of a
    # 9 MiB library and took most of this check); a comment is skipped to the end of its line.
    depth = deepest = position = 0
    search = _FLOW_OR_HASH.search
    while (found := search(text, position)) is not None:
        mark, position = found.group(), found.end()
        if mark == "#":
            start = found.start()
            if start == 0 or text[start - 1] in _COMMENT_AFTER:
                line_end = _LINE_END.search(text, position)
                if line_end is None:
                    break
                position = line_end.start()
        elif mark in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _nesting_bound(text: str) -> int:
    """A cheap upper bound on how deep the document nests, without parsing it.

    Flow collections add at most _flow_bound levels; block collections nest only by indentation or by compact
    `- `/`? ` prefixes, at most two levels per column (a mapping and its indentless sequence).
    """
    first_line = len(text) - len(text.lstrip(_BLOCK_PREFIX))
    prefix = max(first_line, max(map(len, _LINE_PREFIX.findall(text)), default=0))
    return _flow_bound(text) + 2 * (prefix + 2)


def _event_line(event: yaml.Event) -> int:
    """The 1-based line an event starts on (libyaml gives every event a mark; 0 if one ever came without)."""
    return event.start_mark.line + 1 if event.start_mark is not None else 0


def _nesting_depth(text: str) -> tuple[int, int]:
    """(deepest nesting, line where it is first reached), from libyaml's events (which do not recurse)."""
    depth = deepest = line = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > deepest:
                deepest, line = depth, _event_line(event)
                if deepest > MAX_NESTING:
                    break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest, line


def _values_bound(text: str) -> int:
    """A cheap upper bound on how many values the document holds, without parsing it.

    Every value but the first is introduced by one of , : - [ { ? or a line break (a flow item, a mapping
    value, a block item, a collection, an explicit key, a block key), and a compact `- key:` hides at most one
    more on the same line: so twice their count bounds the values.
    """
    return 2 * sum(text.count(mark) for mark in ",:-[{?\n") + 1


def _count_values(text: str) -> tuple[int, int]:
    """(values counted, line reached), from libyaml's events, stopping just past MAX_VALUES."""
    count = line = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.NodeEvent):
            count += 1
            if count > MAX_VALUES:
                line = _event_line(event)
                break
    return count, line


def _check_size(text: str, path: str | Path) -> None:
    # libyaml's composer recurses in C once per level, so a deep enough file would crash the process (SIGSEGV).
    # Aliases are checked after composing and before constructing (parse_yaml): `<<` merges copy eagerly.
    # Nesting first: libyaml's scanner walks every open flow level on each token, so counting the values of a
    # 200,000-deep file would take minutes; the nesting walk stops at MAX_NESTING levels.
    if _nesting_bound(text) > MAX_NESTING:
        depth, line = _nesting_depth(text)
        if depth > MAX_NESTING:
            raise InputError(NESTING_MESSAGE, path=path, line=line)
    if _values_bound(text) > MAX_VALUES:
        count, line = _count_values(text)
        if count > MAX_VALUES:
            raise InputError(
                f"file holds over {MAX_VALUES:,} values; split it (one price sheet per provider)", path=path, line=line
            )


def parse_yaml(text: str, path: str | Path) -> Any:
    """Parse one YAML document safely; every failure is an InputError naming path and line."""
    loader = _Loader(text)
    try:
        _check_size(text, path)
        node = loader.get_single_node()
        if node is None:
            raise InputError("file is empty", path=path, line=1)
        if "*" in text:  # an alias needs a `*`; without one the file's own size bounds the document
            values, text_bytes = _expanded_size(node)
            if values > MAX_EXPANDED_NODES or text_bytes > MAX_EXPANDED_BYTES:
                over_values = values > MAX_EXPANDED_NODES
                what = f"{MAX_EXPANDED_NODES:,} values" if over_values else f"{MAX_EXPANDED_BYTES:,} bytes of text"
                raise InputError(
                    f"aliases expand to over {what}; write the data out instead", path=path, line=node.start_mark.line + 1
                )
        if any(mark in text for mark in _PLAIN_DOCUMENT_MARKS):
            data = loader.construct_document(node)
        else:
            data = _construct_plain(loader, node)
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


def load_yaml(path: Path) -> Any:
    """Read and parse one file without validating it (tests and tools)."""
    return parse_yaml(read_text(path), path)
