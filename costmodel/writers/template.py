"""Markdown templates whose figures are computed: `{{ cost("support-call-5min", "budget-first") }}`.

A placeholder is ONE call to a named function with literal arguments. It is parsed with `ast` in eval mode
and the tree is checked node by node before anything runs: attribute access, subscripts, operators,
lambdas, comprehensions, names other than the functions below, and calls as arguments are refused with
`TEMPLATE:line: ...`. Nothing is ever passed to eval or exec; the functions are looked up in FUNCTIONS.
The same expressions are what an audit claim's `compute` field holds (costmodel.writers.audit), so a writer learns
one language.

Rounding (README "Writers"): costmodel.views.formatting's rules, half-up — per-call costs 5 places, component costs 6,
monthly costs 2 with thousands separators, ratios 1 place with "×", prices exactly as the price sheet
writes them; a range shows once its ends differ after rounding (`$0.60–1.50`). `places=N` overrides.
"""

from __future__ import annotations

import ast
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from costmodel.analyses.estimate import Bill, audio_tokens_per_minute, estimate
from costmodel.core.interval import Span
from costmodel.data.catalog import Catalog
from costmodel.data.input_files import read_input
from costmodel.data.meters import PRICE_ALIASES, PRICE_FIELDS
from costmodel.errors import InputError, NoPriceError
from costmodel.views.formatting import (
    LINE_PLACES,
    MONTHLY_PLACES,
    MULTIPLE_PLACES,
    PER_CALL_PLACES,
    quantity_text,
    span_text,
)

MAX_EXPRESSION_CHARS = 400
"""Longer placeholders are refused before parsing (no parser stress from a template)."""
MAX_PLACES = 10
CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}

Kind = Literal["money", "multiple", "price", "count", "text"]


@dataclass(frozen=True)
class Figure:
    """What a placeholder computes: an exact value (or text) and how to show it."""

    kind: Kind
    value: Span[Decimal] | None = None
    places: int | None = None
    """Decimal places to show; None for prices, which show as the sheet writes them."""
    currency: str = "USD"
    grouping: bool = False
    text: str | None = None
    """For text figures (sources, dates)."""

    def render(self) -> str:
        if self.kind == "text":
            return self.text or ""
        assert self.value is not None
        if self.kind == "multiple":
            return span_text(self.value, MULTIPLE_PLACES if self.places is None else self.places) + "×"
        if self.kind == "count":
            return quantity_text(self.value) if self.places is None else span_text(self.value, self.places, True)
        symbol = CURRENCY_SYMBOLS.get(self.currency, self.currency + " ")
        if self.places is None:  # a sheet price, as written (5.00 stays 5.00)
            low, high = format(self.value.low, "f"), format(self.value.high, "f")
            return symbol + (low if low == high else f"{low}–{high}")
        return symbol + span_text(self.value, self.places, self.grouping)


class Functions:
    """The named functions a template (or an audit claim) may call, bound to a catalog and a date."""

    def __init__(self, catalog: Catalog, as_of: date) -> None:
        self.catalog = catalog
        self.on = as_of
        self._estimates: dict[tuple[str, str, str], Bill] = {}

    def _estimate(self, scenario: str, stack: str, currency: str) -> Bill:
        key = (scenario, stack, currency)
        if key not in self._estimates:
            self._estimates[key] = estimate(self.catalog, scenario, stack, as_of=self.on, currency=currency)
        return self._estimates[key]

    def cost(self, scenario: str, stack: str, per: str = "call", places: int | None = None,
             currency: str = "USD") -> Figure:
        """Cost of a scenario on a stack, per call (default) or per month."""
        result = self._estimate(scenario, stack, currency)
        if per not in {"call", "month"}:
            raise InputError(f"per must be \"call\" or \"month\", not \"{per}\"")
        monthly = per == "month"
        value = result.per_month if monthly else result.per_call
        default = MONTHLY_PLACES if monthly else PER_CALL_PLACES
        return Figure("money", value, _places(places, default), currency, grouping=monthly)

    def component_cost(self, scenario: str, stack: str, role: str, field: str | None = None, per: str = "call",
                       places: int | None = None, currency: str = "USD") -> Figure:
        """Cost of one component (by role, e.g. "asr"), optionally one meter of it (field="output")."""
        result = self._estimate(scenario, stack, currency)
        roles = sorted({line.role for line in result.lines})
        if role not in roles:
            raise InputError(f"stack {stack} has no priced {role} component here (it has: {', '.join(roles)})")
        lines = [line for line in result.lines if line.role == role]
        if field is not None:
            name = price_field(field)
            lines = [line for line in lines if line.price_field == name]
            if not lines:
                raise InputError(f"the {role} component of {stack} has no {field} meter")
        if per not in {"call", "month"}:
            raise InputError(f"per must be \"call\" or \"month\", not \"{per}\"")
        zero = Span(Decimal(0), Decimal(0))
        if per == "month":
            value = sum((line.cost_per_month for line in lines), zero)
            return Figure("money", value, _places(places, MONTHLY_PLACES), currency, grouping=True)
        value = sum((line.cost_per_call for line in lines), zero)
        return Figure("money", value, _places(places, LINE_PLACES), currency)

    def ratio(self, scenario: str, stack: str, other_stack: str, places: int | None = None) -> Figure:
        """How many times the per-call cost of `stack` is that of `other_stack` (interval division: widest bounds)."""
        a = self._estimate(scenario, stack, "USD").per_call
        b = self._estimate(scenario, other_stack, "USD").per_call
        if b.low <= 0:
            raise InputError(f"{other_stack} costs nothing per call on {scenario}; no ratio to it")
        return Figure("multiple", a / b, _places(places, MULTIPLE_PLACES))

    def price(self, sku: str, field: str, places: int | None = None) -> Figure:
        """One price in force on the date, in USD per the field's unit ("input" = per 1M input tokens)."""
        name = price_field(field)
        value = self.catalog.price(sku, self.on).price(name)
        if value is None:
            raise InputError(f"{sku} has no {field} price ({PRICE_FIELDS[name].unit}) in force on {self.on}")
        return Figure("price", Span.of(value), None if places is None else _places(places, 0))

    def price_source(self, sku: str) -> Figure:
        """Where the price in force on the date comes from."""
        return Figure("text", text=" ".join(self.catalog.price(sku, self.on).source.split()))

    def price_date(self, sku: str) -> Figure:
        """The date the price in force took effect (YYYY-MM-DD)."""
        return Figure("text", text=self.catalog.price(sku, self.on).effective_from.isoformat())

    def price_checked(self, sku: str) -> Figure:
        """The date the source of the price in force was last read."""
        return Figure("text", text=self.catalog.price(sku, self.on).checked.isoformat())

    def audio_tokens_per_minute(self, sku: str, direction: str = "input") -> Figure:
        """Tokens one minute of input (or output) audio becomes, from the SKU's documented rate."""
        rates = audio_tokens_per_minute(self.catalog.sku(sku))
        if rates is None:
            raise InputError(f"{sku} is not billed in audio tokens")
        if direction not in {"input", "output"} or (direction == "output" and rates[1] is None):
            raise InputError(f"direction must be \"input\" or \"output\" (with an output rate), not \"{direction}\"")
        value = rates[0] if direction == "input" else rates[1]
        assert value is not None
        return Figure("count", Span.of(value))

    def as_of(self) -> Figure:
        """The date whose prices the figures use."""
        return Figure("text", text=self.on.isoformat())


FUNCTIONS: tuple[str, ...] = (
    "cost", "component_cost", "ratio", "price", "price_source", "price_date", "price_checked",
    "audio_tokens_per_minute", "as_of",
)
"""The only names a placeholder may call."""


MAX_TEMPLATE_BYTES = 5_000_000


def read_markdown(path: Path) -> str:
    """A template or article as UTF-8 text, through the shared bounded reader (path:line errors for bad bytes)."""
    return read_input(path, MAX_TEMPLATE_BYTES, expected="a Markdown file")


def price_field(alias: str) -> str:
    """A short price name ("input", "audio_second") or a full field name to the field name."""
    if alias in PRICE_FIELDS:
        return alias
    if alias not in PRICE_ALIASES:
        from costmodel.errors import UnknownIdError

        raise UnknownIdError("price field", alias, PRICE_ALIASES)
    return PRICE_ALIASES[alias]


def _places(places: int | None, default: int) -> int:
    if places is None:
        return default
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_PLACES:
        raise InputError(f"places must be a whole number from 0 to {MAX_PLACES}, not {places!r}")
    return places


@dataclass(frozen=True)
class Call:
    """A checked placeholder: function name and literal arguments."""

    name: str
    args: tuple[str | int, ...]
    kwargs: dict[str, str | int]


def _literal(node: ast.expr, where: dict[str, Any]) -> str | int:
    # bool is an int subclass, but `True` is not a whole number a template may pass.
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Constant):
        raise InputError(f"arguments must be strings or whole numbers, not {node.value!r}", **where)
    if isinstance(node, ast.Call):
        raise InputError("calls inside a placeholder are not allowed; arguments must be literals", **where)
    raise InputError(f"arguments must be literal strings or numbers, not a {type(node).__name__} expression", **where)


@functools.cache
def _signature(name: str) -> inspect.Signature:
    # Built once per function: inspect.signature was half the time of a template with many placeholders.
    return inspect.signature(getattr(Functions, name))


def parse_expression(source: str, *, path: str | Path | None = None, line: int | None = None) -> Call:
    """Check a placeholder's text: exactly one call of a named function with literal arguments."""
    where: dict[str, Any] = {"path": path, "line": line}
    text = source.strip()
    if not text:
        raise InputError("empty placeholder {{ }}", **where)
    if len(text) > MAX_EXPRESSION_CHARS:
        raise InputError(f"placeholder longer than {MAX_EXPRESSION_CHARS} characters", **where)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise InputError(f"cannot parse placeholder '{text}': {exc.msg}", **where) from None
    node = tree.body
    if not isinstance(node, ast.Call):
        raise InputError(
            f"'{text}' is not a function call ({type(node).__name__}); a placeholder is one call to "
            f"{', '.join(FUNCTIONS)}", **where,
        )
    if not isinstance(node.func, ast.Name):
        kind = "attribute access" if isinstance(node.func, ast.Attribute) else type(node.func).__name__
        raise InputError(f"'{text}': {kind} is not allowed; call a named function directly", **where)
    name = node.func.id
    if name not in FUNCTIONS:
        from costmodel.errors import suggest

        close = suggest(name, FUNCTIONS)
        hint = f"; did you mean {' or '.join(close)}?" if close else f" (known: {', '.join(FUNCTIONS)})"
        raise InputError(f"unknown function '{name}'{hint}", **where)
    args = tuple(_literal(arg, where) for arg in node.args)
    kwargs: dict[str, str | int] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise InputError("**arguments are not allowed", **where)
        kwargs[keyword.arg] = _literal(keyword.value, where)
    try:
        _signature(name).bind(None, *args, **kwargs)
    except TypeError as exc:
        raise InputError(f"{name}(): {exc}", **where) from None
    return Call(name, args, kwargs)


def evaluate(call: Call, functions: Functions, *, path: str | Path | None = None, line: int | None = None) -> Figure:
    """Run a checked call; library errors come back with the template's (or claims file's) path and line."""
    method: Callable[..., Figure] = getattr(functions, call.name)
    try:
        return method(*call.args, **call.kwargs)
    except InputError as exc:
        kind = type(exc) if isinstance(exc, NoPriceError) else InputError
        raise kind(f"{call.name}(): {exc.message}", path=path, line=line, field=exc.field) from None


def placeholders(text: str) -> list[tuple[int, int, int]]:
    """(start, end, line) of every `{{ ... }}` in one left-to-right pass; a stray `{{` or `}}` is an error.

    Linear in the text: each character is looked at a bounded number of times, and line numbers are counted
    on from the previous placeholder (a regex search for `{{(.*?)}}` restarts at every unclosed `{{`, and
    counting lines from the top for each placeholder made 32,000 placeholders take a minute).
    Returns positions only; raises InputError(line=None) for the caller to place.
    """
    found: list[tuple[int, int, int]] = []
    position, line = 0, 1
    while True:
        start = text.find("{{", position)
        # A `}}` before the next `{{` closes nothing: a typo that would otherwise be published as-is.
        gap_end = len(text) if start < 0 else start
        stray = text.find("}}", position, gap_end)
        if stray >= 0:
            raise _Stray("}}", line + text.count("\n", position, stray))
        if start < 0:
            return found
        end = text.find("}}", start + 2)
        if end < 0:
            raise _Stray("{{", line + text.count("\n", position, start))
        line += text.count("\n", position, start)
        found.append((start, end + 2, line))
        line += text.count("\n", start, end + 2)
        position = end + 2


class _Stray(Exception):
    def __init__(self, token: str, line: int) -> None:
        super().__init__(token)
        self.token, self.line = token, line


def render_template(text: str, catalog: Catalog, as_of: date, path: str | Path | None = None) -> str:
    """The template with every placeholder replaced by its computed, rounded figure."""
    functions = Functions(catalog, as_of)
    try:
        # Every placeholder is found (and a stray brace refused) before any figure is computed.
        found = placeholders(text)
    except _Stray as exc:
        raise InputError(f"unbalanced '{exc.token}'", path=path, line=exc.line) from None
    out: list[str] = []
    position = 0
    for start, end, line in found:
        call = parse_expression(text[start + 2:end - 2], path=path, line=line)
        out.append(text[position:start])
        out.append(evaluate(call, functions, path=path, line=line).render())
        position = end
    out.append(text[position:])
    return "".join(out)
