"""Markdown templates whose figures are computed: `{{ cost("support-call-5min", "budget-first") }}`.

A placeholder is ONE call to a named function with literal arguments. It is parsed with `ast` in eval mode
and the tree is checked node by node before anything runs: attribute access, subscripts, operators,
lambdas, comprehensions, names other than the functions below, and calls as arguments are refused with
`TEMPLATE:line: ...`. Nothing is ever passed to eval or exec; the functions are looked up in FUNCTIONS.
The same expressions are what an audit claim's `compute` field holds (costmodel.writers.audit), so a writer learns
one language. Besides whole calls (a scenario on a stack), `cost(SKU, input_tokens=3000, ...)` prices a usage
of one SKU directly, through the price-field registry (usage keywords derive from each field's unit), and
decimal literals are read exactly from their text.

Rounding (README "Writers"): costmodel.views.formatting's rules, half-up — per-call costs 5 places, component costs 6,
monthly costs 2 with thousands separators, ratios 1 place with "×", prices exactly as the price sheet
writes them; a range shows once its ends differ after rounding (`$0.60–1.50`). `places=N` overrides; `sig=N`
(any numeric function) shows N significant figures, for prose. HTML comments are not rendered.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from costmodel.analyses.estimate import Bill, audio_tokens_per_minute, estimate
from costmodel.core.backends import EXACT
from costmodel.core.interval import Span
from costmodel.data.catalog import Catalog
from costmodel.data.input_files import read_input
from costmodel.data.meters import DURATION_FIELDS, PRICE_ALIASES, PRICE_FIELDS, PriceField
from costmodel.data.records import PricePeriod
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


@dataclass(frozen=True)
class PriceUsed:
    """One price (or rate) a figure was computed from, with its dates and source: what an audit shows as the why."""

    sku: str
    field: str
    """Price field name (data/meters.py), or "audio tokens per second" for a token rate."""
    value: Span[Decimal]
    unit: str
    effective_from: date | None
    source: str
    checked: date
    estimate: bool

    def text(self) -> str:
        ends = format(self.value.low, "f") if self.value.is_point else \
            f"{format(self.value.low, 'f')}–{format(self.value.high, 'f')}"
        since = f", in force from {self.effective_from}" if self.effective_from else ""
        guess = ", an estimate" if self.estimate else ""
        return f"{self.sku} {ends} {self.unit}{since}{guess} (source: {self.source}; checked {self.checked})"


def usage_keyword(row: PriceField) -> str:
    """The keyword that counts a price field's usage in `cost(SKU, ...)`, derived from the field's unit.

    "1M input tokens" → input_tokens (counted in tokens), "audio minute" → audio_minutes, "GPU-hour" →
    gpu_hours: so a price field added to the registry gets its keyword without a change here.
    """
    word = re.sub(r"[\s-]+", "_", row.unit.removeprefix("1M ").lower())
    return word if word.endswith("s") else word + "s"


def _items_per_unit(row: PriceField) -> Decimal:
    """How many counted items one price unit holds: 1,000,000 tokens for "1M ..." units, else 1."""
    return row.quantity_per_unit if row.unit.startswith("1M ") else Decimal(1)


USAGE_KEYWORDS: dict[str, str] = {usage_keyword(row): row.name for row in PRICE_FIELDS.values()}
"""Usage keyword → price field name: input_tokens=, audio_minutes=, characters=, gpu_hours=, ..."""

SECONDS_PER = {"usd_per_audio_minute": Decimal(60), "usd_per_audio_second": Decimal(1),
               "usd_per_telephony_minute": Decimal(60)}
"""Fields billed by duration, rounded up per request to the period's billing increment and minimum."""


MAX_QUANTITY = Decimal(10) ** 15
"""Usage quantities above this (a quadrillion tokens or calls) are typos, refused before any arithmetic."""


def _quantity(name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or not 0 <= value <= MAX_QUANTITY:
        shown = value if isinstance(value, Decimal) else repr(value)
        raise InputError(f"{name} must be a number from 0 to {MAX_QUANTITY:,}, not {shown}")
    return Decimal(value)


class Functions:
    """The named functions a template (or an audit claim) may call, bound to a catalog and a date."""

    def __init__(self, catalog: Catalog, as_of: date) -> None:
        self.catalog = catalog
        self.on = as_of
        self._estimates: dict[tuple[str, str, str], Bill] = {}
        self.used: list[PriceUsed] = []
        """Prices read since the caller last cleared it (an audit clears it before each claim)."""

    def _use(self, sku: str, name: str, value: Span[Decimal], period: PricePeriod) -> None:
        used = PriceUsed(sku, name, value, "USD per " + PRICE_FIELDS[name].unit, period.effective_from,
                         " ".join(period.source.split()), period.checked, period.estimate)
        if used not in self.used:
            self.used.append(used)

    def _use_bill(self, bill: Bill, role: str | None = None, field: str | None = None) -> None:
        for line in bill.lines:
            if (role is None or line.role == role) and (field is None or line.price_field == field):
                used = PriceUsed(line.sku, line.price_field, line.unit_price,
                                 "USD per " + PRICE_FIELDS[line.price_field].unit, line.effective_from,
                                 " ".join(line.source.split()), line.checked, line.estimate)
                if used not in self.used:
                    self.used.append(used)

    def usage_cost(self, sku_id: str, currency: str, usage: dict[str, object]) -> Span[Decimal]:
        """Cost of a stated usage of one SKU on the date: each quantity priced through the meter registry.

        Durations (audio_minutes / audio_seconds, telephony_minutes) are billed as one request: rounded up to
        the period's billing increment and minimum, and a per-minute SKU takes audio_seconds= (and the
        reverse); a token-billed audio model turns audio_seconds= into audio input tokens at its documented
        rate. A quantity the SKU has no price for is an error, never $0.
        """
        sku = self.catalog.sku(sku_id)  # an unknown id is reported as such, before its usage
        if not usage:
            keys = ", ".join(USAGE_KEYWORDS)
            raise InputError(f"cost(\"{sku_id}\") needs usage, e.g. input_tokens=3000 (known: {keys})")
        period = self.catalog.price(sku_id, self.on)
        total = Span(Decimal(0), Decimal(0))
        for key, raw in usage.items():
            if key not in USAGE_KEYWORDS:
                from costmodel.errors import UnknownIdError

                raise UnknownIdError("usage quantity", key, USAGE_KEYWORDS)
            quantity = _quantity(key, raw)
            name = USAGE_KEYWORDS[key]
            if name in DURATION_FIELDS:
                seconds = quantity * SECONDS_PER[name]
                if sku.audio_tokens is not None and not any(period.price(f) is not None for f in DURATION_FIELDS):
                    # A token-billed audio model: input audio becomes tokens at its documented rate.
                    name, quantity = "usd_per_million_audio_input_tokens", seconds * self._token_rate(sku_id, "input")
                else:
                    # Either duration keyword prices against whichever duration field the SKU's period sets.
                    name = next((f for f in DURATION_FIELDS if period.price(f) is not None), name)
                    quantity = seconds / SECONDS_PER[name]
            price = period.price(name)
            if price is None:
                priced = [usage_keyword(PRICE_FIELDS[f]) for f in period.prices()]
                raise InputError(f"{sku_id} has no {PRICE_FIELDS[name].unit} price in force on {self.on} "
                                 f"(it prices: {', '.join(priced)})")
            if name in SECONDS_PER:
                seconds = quantity * SECONDS_PER[name]
                billed = EXACT.bill(Span.of(seconds), period.billing_increment_seconds,
                                    period.minimum_billed_seconds)
                quantity = billed.low / SECONDS_PER[name]
            value = Span.of(price)
            self._use(sku_id, name, value, period)
            total = total + value * quantity / _items_per_unit(PRICE_FIELDS[name])
        rate = self.catalog.fx_rate(currency, self.on)
        return total if rate is None else total * rate.per_usd

    def _estimate(self, scenario: str, stack: str, currency: str) -> Bill:
        key = (scenario, stack, currency)
        if key not in self._estimates:
            self._estimates[key] = estimate(self.catalog, scenario, stack, as_of=self.on, currency=currency)
        return self._estimates[key]

    def cost(self, scenario: str, stack: str | None = None, per: str = "call", places: int | None = None,
             currency: str = "USD", **usage: object) -> Figure:
        """Cost of a scenario on a stack, per call (default) or per month; or of a usage of one SKU.

        `cost("openai/gpt-4o-mini", input_tokens=3000, output_tokens=400)` prices the usage directly
        (see usage_cost); `cost("support-call-5min", "budget-first")` prices a whole call.
        """
        if stack is not None and usage:
            raise InputError(f"unexpected keyword argument '{next(iter(usage))}' (usage quantities are for "
                             "cost(SKU, ...), without a stack)")
        if stack is None and scenario in self.catalog.scenarios:
            raise InputError("missing a required argument: 'stack' (a scenario is priced on a stack)")
        if stack is None:
            if per not in {"call", "month"} or per == "month":
                raise InputError("a usage cost is for the usage given; use monthly(..., calls=N) for a month")
            value = self.usage_cost(scenario, currency, usage)
            # Small usage costs show as per-call costs do; a dollar or more (730 GPU-hours) to the cent.
            if places is None and value.high >= 1:
                return Figure("money", value, MONTHLY_PLACES, currency, grouping=True)
            return Figure("money", value, _places(places, PER_CALL_PLACES), currency)
        result = self._estimate(scenario, stack, currency)
        self._use_bill(result)
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
        name = None
        if field is not None:
            name = price_field(field)
            lines = [line for line in lines if line.price_field == name]
            if not lines:
                raise InputError(f"the {role} component of {stack} has no {field} meter")
        self._use_bill(result, role, name)
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
        a_bill, b_bill = self._estimate(scenario, stack, "USD"), self._estimate(scenario, other_stack, "USD")
        self._use_bill(a_bill)
        self._use_bill(b_bill)
        a, b = a_bill.per_call, b_bill.per_call
        if b.low <= 0:
            raise InputError(f"{other_stack} costs nothing per call on {scenario}; no ratio to it")
        return Figure("multiple", a / b, _places(places, MULTIPLE_PLACES))

    def price(self, sku: str, field: str, places: int | None = None) -> Figure:
        """One price in force on the date, in USD per the field's unit ("input" = per 1M input tokens)."""
        name = price_field(field)
        period = self.catalog.price(sku, self.on)
        value = period.price(name)
        if value is None:
            raise InputError(f"{sku} has no {field} price ({PRICE_FIELDS[name].unit}) in force on {self.on}")
        self._use(sku, name, Span.of(value), period)
        return Figure("price", Span.of(value), None if places is None else _places(places, 0))

    def monthly(self, what: str, stack: str | None = None, calls: int | None = None, places: int | None = None,
                currency: str = "USD", **usage: object) -> Figure:
        """A month's cost: a scenario on a stack (its calls a month), or a SKU's usage per call × `calls`."""
        if stack is not None and not usage:
            if calls is not None:
                raise InputError("calls= is for a SKU's usage; a scenario states its own calls a month")
            return self.cost(what, stack, per="month", places=places, currency=currency)
        if stack is not None:
            raise InputError("give a SKU and its usage, or a scenario and a stack, not both")
        if calls is None:
            raise InputError(f"monthly(\"{what}\", ...) needs calls=N, the calls a month")
        value = self.usage_cost(what, currency, usage) * _quantity("calls", calls)
        return Figure("money", value, _places(places, MONTHLY_PLACES), currency, grouping=True)

    def audio_tokens(self, sku: str, seconds: int | Decimal | None = None, minutes: int | Decimal | None = None,
                     direction: str = "input") -> Figure:
        """Audio tokens a stretch of audio becomes (seconds= or minutes=), from the SKU's documented rate."""
        if (seconds is None) == (minutes is None):
            raise InputError("give seconds= or minutes=, one of them")
        length = _quantity("seconds", seconds) if seconds is not None else _quantity("minutes", minutes) * 60
        per_second = self._token_rate(sku, direction)
        return Figure("count", Span.of(per_second * length))

    def _token_rate(self, sku_id: str, direction: str) -> Decimal:
        sku = self.catalog.sku(sku_id)
        rates = sku.audio_tokens
        if rates is None:
            raise InputError(f"{sku_id} is not billed in audio tokens")
        if direction not in {"input", "output"} or (direction == "output" and rates.output_tokens_per_second is None):
            raise InputError(f"direction must be \"input\" or \"output\" (with an output rate), not \"{direction}\"")
        value = rates.input_tokens_per_second if direction == "input" else rates.output_tokens_per_second
        assert value is not None
        used = PriceUsed(sku_id, f"{direction} audio tokens per second", Span.of(value), "tokens per second", None,
                         " ".join(rates.source.split()), rates.checked, rates.estimate)
        if used not in self.used:
            self.used.append(used)
        return value

    def lifecycle(self, sku_or_stack: str) -> Figure:
        """Whether a SKU (or every part of a stack) is sold on the date: "available", "retiring on D", "withdrawn on D"."""
        from costmodel.writers.lifecycle import lifecycle

        return Figure("text", text=lifecycle(self.catalog, sku_or_stack, self.on).text())

    def price_source(self, sku: str) -> Figure:
        """Where the price in force on the date comes from (citations of local files left out)."""
        return Figure("text", text=public_source(self.catalog.price(sku, self.on).source))

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
        self._token_rate(sku, direction)  # recorded as a price used
        return Figure("count", Span.of(value))

    def as_of(self) -> Figure:
        """The date whose prices the figures use."""
        return Figure("text", text=self.on.isoformat())


FUNCTIONS: tuple[str, ...] = (
    "cost", "component_cost", "ratio", "price", "price_source", "price_date", "price_checked",
    "audio_tokens_per_minute", "as_of", "monthly", "audio_tokens", "lifecycle",
)
"""The only names a placeholder may call."""

_LOCAL_PATH = re.compile(r"(?<![\w.:/])(?:/|\.\./|~/|file:)\S*|\b(?:articles|pricing|scenarios|docs|templates)/\S+")


def public_source(source: str) -> str:
    """A source fit for published text: the parts ("; "-separated) that cite a local file are left out.

    A price sheet may note where a copy of its source is kept next to the data ("excerpt bundled as
    articles/x.md"); a reader of the rendered text has no such file, so only the public citation is shown.
    """
    parts = [part.strip() for part in " ".join(source.split()).split(";")]
    kept = []
    for part in parts:
        hit = _LOCAL_PATH.search(part)
        if hit is None:
            kept.append(part)
            continue
        # Keep what comes before the local citation when it reads as a citation by itself.
        head = part[:hit.start()].rstrip(" ,:(")
        head = re.sub(r"[,;]?\s*(?:excerpt|copy|copied|kept|bundled)(?:\s+\w+)*$", "", head).rstrip(" ,:(")
        if head:
            kept.append(head)
    return "; ".join(kept) or "source not public"


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
        shown = places if isinstance(places, Decimal) else repr(places)
        raise InputError(f"places must be a whole number from 0 to {MAX_PLACES}, not {shown}")
    return places


@dataclass(frozen=True)
class Call:
    """A checked placeholder: function name and literal arguments."""

    name: str
    args: tuple[str | int | Decimal, ...]
    kwargs: dict[str, str | int | Decimal]
    significant: int | None = None
    """sig=N: show the figure to N significant figures (prose), instead of the function's places."""


MAX_SIGNIFICANT = 10


def _literal(node: ast.expr, where: dict[str, Any], text: str = "") -> str | int | Decimal:
    # bool is an int subclass, but `True` is not a whole number a template may pass.
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Constant) and isinstance(node.value, float):
        # Read from the source text, never from the float: 0.1 stays exactly 0.1 (usage like audio_minutes=2.5).
        source = ast.get_source_segment(text, node) or ""
        try:
            value = Decimal(source.replace("_", ""))
        except ArithmeticError:
            value = Decimal("NaN")
        if not value.is_finite():
            raise InputError(f"arguments must be plain decimal numbers, not {source!r}", **where)
        return value
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
    args = tuple(_literal(arg, where, text) for arg in node.args)
    kwargs: dict[str, str | int | Decimal] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise InputError("**arguments are not allowed", **where)
        kwargs[keyword.arg] = _literal(keyword.value, where, text)
    significant = kwargs.pop("sig", None)
    if significant is not None and (not isinstance(significant, int) or not 1 <= significant <= MAX_SIGNIFICANT):
        raise InputError(f"sig must be a whole number from 1 to {MAX_SIGNIFICANT}, not {significant!r}", **where)
    try:
        _signature(name).bind(None, *args, **kwargs)
    except TypeError as exc:
        raise InputError(f"{name}(): {exc}", **where) from None
    return Call(name, args, kwargs, significant)


def significant_places(value: Span[Decimal], significant: int) -> int:
    """Decimal places that show a figure to `significant` figures, from its larger end: 0.030000 → 0.030 (2)."""
    largest = max(abs(value.low), abs(value.high))
    if largest == 0:
        return 0
    return max(0, significant - 1 - largest.adjusted())


def evaluate(call: Call, functions: Functions, *, path: str | Path | None = None, line: int | None = None) -> Figure:
    """Run a checked call; library errors come back with the template's (or claims file's) path and line."""
    method: Callable[..., Figure] = getattr(functions, call.name)
    try:
        figure = method(*call.args, **call.kwargs)
    except InputError as exc:
        kind = type(exc) if isinstance(exc, NoPriceError) else InputError
        raise kind(f"{call.name}(): {exc.message}", path=path, line=line, field=exc.field) from None
    if call.significant is None:
        return figure
    if figure.value is None:
        raise InputError(f"{call.name}(): sig= rounds numbers; this gives text", path=path, line=line)
    return dataclasses.replace(figure, places=significant_places(figure.value, call.significant))


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
    comments = html_comments(text, path)
    try:
        # Every placeholder is found (and a stray brace refused) before any figure is computed; comments are
        # blanked first (to spaces, newlines kept, so offsets and lines still hold): their text is never rendered.
        found = placeholders(_blanked(text, comments))
    except _Stray as exc:
        raise InputError(f"unbalanced '{exc.token}'", path=path, line=exc.line) from None
    cuts = [(start, end, "") for start, end in comments]
    for start, end, line in found:
        call = parse_expression(text[start + 2:end - 2], path=path, line=line)
        cuts.append((start, end, evaluate(call, functions, path=path, line=line).render()))
    out: list[str] = []
    position = 0
    for start, end, replacement in sorted(cuts):
        out.append(text[position:start])
        out.append(replacement)
        position = end
    out.append(text[position:])
    return "".join(out)


def html_comments(text: str, path: str | Path | None = None) -> list[tuple[int, int]]:
    """(start, end) of every `<!-- ... -->`; a comment on lines of its own takes its line break with it."""
    found = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            raise InputError("unclosed '<!--' comment", path=path, line=text.count("\n", 0, start) + 1)
        end += 3
        alone = (start == 0 or text[start - 1] == "\n") and text.startswith("\n", end)
        found.append((start, end + 1 if alone else end))
        position = end
    return found


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts, position = [], 0
    for start, end in spans:
        parts.append(text[position:start])
        # Same length, so placeholder offsets found in the blanked text hold in the original.
        parts.append(re.sub(r"[^\n]", " ", text[start:end]))
        position = end
    parts.append(text[position:])
    return "".join(parts)
