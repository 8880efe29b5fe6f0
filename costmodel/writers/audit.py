"""Audit a published article's figures: recompute each from its stated assumptions and classify it.

Input: the article's text and a claims file (ClaimsFile, YAML). Each claim quotes the printed text, states the
printed figure, and says how to compute it in the template language (costmodel.writers.template). The quote must
appear in the article and contain the printed figure, so claims cannot drift from the text.

Status, per claim (README "Writers"):
- ok:    the figure follows from the prices in force on the audit date (default today), within tolerance;
- stale: it does not, but it does follow from the prices in force on the claim's date (its `as_of`, by
         default the article's date): right then, not now;
- wrong: it does not follow from the prices of its own date — it does not follow from its own assumptions.
A side with no price in force (not yet launched, withdrawn) never matches and is never read as $0.
Tolerance: from the printed precision — half a unit in the last place the quote prints ("$5" ±0.50, "$0.0172"
±0.00005); a hedge in the quote ("about", "roughly", "~", "≈", ...) widens it to 10% of the printed figure or
one unit in the last place, whichever is larger. `tolerance` (absolute) or `tolerance_percent` (of the
computed figure) override it. Bounds ("under $0.20": relation at_most) allow no slack unless a tolerance is given.

Lifecycle (unless the claims file sets check_lifecycle: false): every SKU or stack the article names
(costmodel.writers.names) is looked up on both dates; one withdrawn by the article's date is wrong, withdrawn
since then stale, one with an announced withdrawal still ahead retiring (costmodel.writers.lifecycle).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from costmodel.core.interval import Span
from costmodel.data.catalog import Catalog
from costmodel.data.claims import Claim, ClaimsFile, Relation, Status
from costmodel.data.input_files import read_text
from costmodel.data.reader import parse_yaml
from costmodel.data.records import Range, to_record
from costmodel.data.validation import validate
from costmodel.errors import InputError, NoPriceError
from costmodel.writers.lifecycle import Lifecycle, lifecycle
from costmodel.writers.names import NameIndex, sentences
from costmodel.writers.template import (
    Call,
    Figure,
    Functions,
    PriceUsed,
    evaluate,
    html_comments,
    parse_expression,
    read_markdown,
)

HEDGES = ("about", "around", "approximately", "approx.", "roughly", "nearly", "almost", "circa", "ca.",
          "~", "≈")
"""Words (or signs) in a quote that mark its figure as approximate: the tolerance widens (module docstring)."""
HEDGE_PERCENT = Decimal(10)


@dataclass(frozen=True)
class ClaimResult:
    id: str
    quote: str
    article_line: int
    compute: str
    relation: Relation
    printed: Span[Decimal]
    printed_places: int
    kind: str
    """money, multiple, price or count (how the figure is shown)."""
    tolerance_low: Decimal
    tolerance_high: Decimal
    tolerance_text: str
    computed: Figure | None
    computed_unpriced: str | None
    at_article_date: Figure | None
    """The figure computed on the claim's own date (its as_of, by default the article's date)."""
    article_date_unpriced: str | None
    status: Status
    note: str | None
    claim_date: date | None = None
    """The date the claim was true as of (its as_of, or the article's date)."""
    reason: str = ""
    """Why the verdict, in one sentence."""
    writer_note: str | None = None
    """The claims file's own note on the claim."""
    prices: tuple[PriceUsed, ...] = ()
    """The prices (and rates) the figure was computed from, today's first then any the claim's date used."""


@dataclass(frozen=True)
class LifecycleResult:
    """A SKU or stack the article names that is withdrawn or retiring."""

    id: str
    kind: str
    """sku or stack."""
    name: str
    """The name as the article writes it (normalised)."""
    quote: str
    article_line: int
    today: Lifecycle
    then: Lifecycle
    status: Status
    reason: str


@dataclass(frozen=True)
class AuditReport:
    article: str
    title: str
    article_date: date
    as_of: date
    results: list[ClaimResult]
    lifecycle: list[LifecycleResult] = dataclasses.field(default_factory=list)

    @property
    def flagged(self) -> list[ClaimResult | LifecycleResult]:
        everything: list[ClaimResult | LifecycleResult] = [*self.results, *self.lifecycle]
        return [r for r in everything if r.status != "ok"]

    def counts(self) -> dict[str, int]:
        statuses = [r.status for r in self.results] + [c.status for c in self.lifecycle]
        return {status: statuses.count(status) for status in ("ok", "wrong", "stale", "retiring")}


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class QuoteIndex:
    """Finds where a quote starts in an article, any run of whitespace in the quote matching any run in the text.

    The article is reduced once to its words joined by single spaces, with each word's line; a quote of three
    or more words is then looked up through its rarest inner word (which must be a whole word of the article),
    so auditing many claims costs about the article's length plus the quotes' lengths, not their product.
    """

    def __init__(self, article: str) -> None:
        parts: list[str] = []
        self._starts: list[int] = []
        """Offset of each word in the joined text."""
        self._lines: list[int] = []
        """Line of each word in the article."""
        self._where: dict[str, list[int]] = {}
        """Word → indexes of its occurrences, in order."""
        offset, line = 0, 1
        for match in re.finditer(r"\S+|\n", article):
            word = match.group()
            if word == "\n":
                line += 1
                continue
            self._where.setdefault(word, []).append(len(parts))
            parts.append(word)
            self._starts.append(offset)
            self._lines.append(line)
            offset += len(word) + 1
        self._joined = " ".join(parts)
        self._found: dict[str, int | None] = {}

    def line(self, quote: str) -> int | None:
        """1-based line where the quote first starts, or None."""
        words = quote.split()
        key = " ".join(words)
        if key not in self._found:
            self._found[key] = self._search(words, key)
        return self._found[key]

    def _search(self, words: list[str], key: str) -> int | None:
        if not words:
            return None
        if len(words) < 3:
            at = self._joined.find(key)
            return None if at < 0 else self._line_at(at)
        # Inner words match whole article words; the first may end one and the last begin one.
        inner = range(1, len(words) - 1)
        anchor = min(inner, key=lambda i: len(self._where.get(words[i], ())))
        before = len(" ".join(words[:anchor])) + 1  # characters of the quote ahead of the anchor word
        for index in self._where.get(words[anchor], ()):
            start = self._starts[index] - before
            if start >= 0 and self._joined.startswith(key, start):
                return self._line_at(start)
        return None

    def _line_at(self, offset: int) -> int:
        return self._lines[bisect.bisect_right(self._starts, offset) - 1]


def _claim_lines(text: str) -> list[dict[str, int]]:
    """Line of each key of each claim ("" → the claim itself), from one pass over the parser's events.

    Events, not a composed tree: composing resolves every scalar's tag in Python, which took longer than the
    audit itself on a large claims file; and one pass replaces a full parse per looked-up line.
    """
    lines: list[dict[str, int]] = []
    # One frame per open collection: [is_mapping, next scalar is a key, key that opened it].
    stack: list[list[Any]] = []
    key: str | None = None
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            # The parser marks every event; the stubs allow None for hand-made events only.
            line = (event.start_mark.line if event.start_mark is not None else 0) + 1
            path = [frame[2] for frame in stack]
            if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent | yaml.AliasEvent):
                top = stack[-1] if stack else None
                is_key = top is not None and top[0] and top[1]
                if top is not None and top[0]:
                    top[1] = not top[1]  # mappings alternate key, value
                if is_key and isinstance(event, yaml.ScalarEvent):
                    key = event.value
                    # A key of a claim: root mapping → "claims" sequence → the claim's mapping.
                    if len(stack) == 3 and path[1] == "claims" and lines:
                        lines[-1].setdefault(key, line)
                    continue
                if len(stack) == 2 and path[1] == "claims" and not stack[1][0]:
                    lines.append({"": line})
                if isinstance(event, yaml.CollectionStartEvent):
                    opened_by = key if top is not None and top[0] else None
                    stack.append([isinstance(event, yaml.MappingStartEvent), True, opened_by])
                key = None
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
    except yaml.YAMLError:
        return lines
    return lines


def _tolerances(claim: Claim, printed: Span[Decimal], computed: Span[Decimal] | None) -> tuple[Decimal, Decimal, str]:
    if claim.tolerance_percent is not None:
        base = computed or printed
        pct = claim.tolerance_percent
        return base.low * pct / 100, base.high * pct / 100, f"±{pct}%"
    if claim.tolerance is not None:
        return claim.tolerance, claim.tolerance, f"±{claim.tolerance}"
    if claim.relation != "about":
        return Decimal(0), Decimal(0), "0"
    places = printed_places(claim)
    hedge = hedge_word(claim.quote)
    if hedge is None:
        half = Decimal(5).scaleb(-places - 1)
        return half, half, f"±{half} (as printed)"
    unit = Decimal(1).scaleb(-places)
    low, high = (max(unit, abs(end) * HEDGE_PERCENT / 100) for end in (printed.low, printed.high))
    shown = f"±{low.normalize():f}" if low == high else f"±{low.normalize():f}/{high.normalize():f}"
    return low, high, f"{shown} (\"{hedge}\": {HEDGE_PERCENT}%)"


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def printed_places(claim: Claim) -> int:
    """Decimal places the quote prints the figure with ("$5" 0, "$0.0172" 4); else as the claims file writes it."""
    printed = _printed(claim)
    ends = {printed.low, printed.high} if isinstance(printed, Range) else {printed}
    places = [_places(Decimal(text.replace(",", ""))) for text in _NUMBER.findall(claim.quote)
              if Decimal(text.replace(",", "")) in ends]
    return max(places) if places else _places_of(_printed(claim))


def hedge_word(quote: str) -> str | None:
    """The first hedge ("about", "~", ...) in a quote, or None."""
    lowered = quote.lower()
    for hedge in HEDGES:
        if hedge.isalpha() or hedge.endswith("."):
            if re.search(r"(?<!\w)" + re.escape(hedge) + r"(?!\w)", lowered):
                return hedge
        elif hedge in lowered:
            return hedge
    return None


def _printed(claim: Claim) -> Decimal | Range:
    """The claim's printed figure, a range as the record the engine's types take (claims are a file format)."""
    printed: Decimal | Range = to_record(claim.printed)
    return printed


def _places_of(value: Decimal | Range) -> int:
    if isinstance(value, Decimal):
        return _places(value)
    return max(_places(value.low), _places(value.high))


def matches(printed: Span[Decimal], computed: Span[Decimal], relation: Relation, tol_low: Decimal, tol_high: Decimal) -> bool:
    """Does the computed figure bear out the printed one? Ranges compare end to end."""
    if relation == "at_most":
        return computed.high <= printed.high + tol_high
    if relation == "at_least":
        return computed.low >= printed.low - tol_low
    return abs(printed.low - computed.low) <= tol_low and abs(printed.high - computed.high) <= tol_high


def _compute(call: Call, functions: Functions, path: Path, line: int | None) -> tuple[Figure | None, str | None]:
    try:
        figure = evaluate(call, functions, path=path, line=line)
    except NoPriceError as exc:
        return None, " ".join(exc.message.split())
    if figure.kind == "text" or figure.value is None:
        raise InputError(f"compute must give a number; {call.name}() gives text", path=path, line=line)
    return figure, None


def audit(article_path: Path, claims_path: Path, catalog: Catalog, as_of: date | None = None) -> AuditReport:
    """Check every claim of the claims file against the article text and the catalog's prices."""
    on = as_of or date.today()
    # One read serves validation and line lookup, so the lines point into the text that was validated.
    claims_text = read_text(claims_path)
    claims = validate(ClaimsFile, parse_yaml(claims_text, claims_path), claims_path, claims_text)
    claim_lines = _claim_lines(claims_text)
    article = read_markdown(article_path)
    quotes = QuoteIndex(article)
    functions: dict[date, Functions] = {}

    def functions_on(day: date) -> Functions:
        if day not in functions:
            functions[day] = Functions(catalog, day)
        return functions[day]

    results = []
    for index, claim in enumerate(claims.claims):
        def line_of(name: str, index: int = index) -> int | None:
            fields = claim_lines[index] if index < len(claim_lines) else {}
            return fields.get(name, fields.get(""))

        article_line = quotes.line(claim.quote)
        if article_line is None:
            raise InputError(
                f"claim {claim.id}: the quote is not in {article_path}; update the claim to the published text",
                path=claims_path, line=line_of("quote"),
            )
        printed = Span.of(_printed(claim))
        quote_digits = claim.quote.replace(",", "")
        for end in {format(printed.low, "f"), format(printed.high, "f")}:
            if end not in quote_digits:
                raise InputError(
                    f"claim {claim.id}: printed figure {end} does not appear in its quote", path=claims_path,
                    line=line_of("printed"),
                )
        claim_date = claim.as_of or claims.article_date
        call = parse_expression(claim.compute, path=claims_path, line=line_of("compute"))  # once, for both dates
        today, then = functions_on(on), functions_on(claim_date)
        today.used.clear()
        computed, why_not_today = _compute(call, today, claims_path, line_of("compute"))
        used = list(today.used)
        then.used.clear()
        earlier, why_not_then = _compute(call, then, claims_path, line_of("compute"))
        used += [price for price in then.used if price not in used]
        tol_low, tol_high, tol_text = _tolerances(claim, printed, computed.value if computed else None)
        # _compute returns only numeric figures, so a figure here always has a value.
        ok_today = (computed is not None and computed.value is not None
                    and matches(printed, computed.value, claim.relation, tol_low, tol_high))
        if earlier is not None and claim.tolerance_percent is not None:
            then_low, then_high, _ = _tolerances(claim, printed, earlier.value)
        else:
            then_low, then_high = tol_low, tol_high
        ok_then = (earlier is not None and earlier.value is not None
                   and matches(printed, earlier.value, claim.relation, then_low, then_high))
        status: Status = "ok" if ok_today else "stale" if ok_then else "wrong"
        # The claim's own note (why it is computed this way) comes first; then why a side has no figure.
        writer_note = " ".join(claim.note.split()) if claim.note and claim.note.strip() else None
        notes = [writer_note] if writer_note else []
        if why_not_today:
            notes.append(f"no price in force on {on}: {why_not_today}")
        if why_not_then:
            notes.append(f"no price in force on {_date_name(claim, claim_date)}: {why_not_then}")
        shown = computed or earlier
        kind = shown.kind if shown else "money"
        result = ClaimResult(
            id=claim.id, quote=" ".join(claim.quote.split()), article_line=article_line, compute=claim.compute,
            relation=claim.relation, printed=printed, printed_places=printed_places(claim), kind=kind,
            tolerance_low=tol_low, tolerance_high=tol_high, tolerance_text=tol_text,
            computed=computed, computed_unpriced=why_not_today, at_article_date=earlier,
            article_date_unpriced=why_not_then, status=status, note="; ".join(notes) or None,
            claim_date=claim_date, writer_note=writer_note, prices=tuple(used),
        )
        results.append(dataclasses.replace(result, reason=_reason(result, on)))
    checks = _lifecycle_checks(article, catalog, claims.article_date, on) if claims.check_lifecycle else []
    return AuditReport(str(article_path), claims.title, claims.article_date, on, results, checks)


def _date_name(claim: Claim, day: date) -> str:
    return f"its date {day}" if claim.as_of else f"the article's date {day}"


def _reason(r: ClaimResult, on: date) -> str:
    """One sentence on why the verdict: what the figure should be on each date, against what was printed."""
    allowed = f"{printed_text(r)} {r.tolerance_text}" if r.relation == "about" else printed_text(r)
    today = "no price in force" if r.computed is None else r.computed.render()
    then = "no price in force" if r.at_article_date is None else r.at_article_date.render()
    if r.status == "ok":
        return f"{today} on {on} is within {allowed}."
    if r.status == "stale":
        return f"right on {r.claim_date} ({then} is within {allowed}) but not on {on}: {today}."
    same = r.computed is not None and r.at_article_date is not None and r.computed.value == r.at_article_date.value
    if same:
        return f"{today} on both {r.claim_date} and {on}, outside {allowed}."
    return f"{then} on {r.claim_date} and {today} on {on}; neither is within {allowed}."


def _lifecycle_checks(article: str, catalog: Catalog, article_date: date, on: date) -> list[LifecycleResult]:
    """Every SKU or stack the article names that is withdrawn or retiring, once each, at its first sentence."""
    index = NameIndex(catalog)
    text = article
    for start, end in reversed(html_comments(article)):
        # Same length with newlines kept: sentence lines still point into the article.
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    found: list[LifecycleResult] = []
    seen: set[str] = set()
    for sentence, line in sentences(text):
        flagged_here: set[str] = set()
        # SKUs before stacks: a stack retired by a SKU the sentence names is the same finding.
        for mention in sorted(index.mentions(sentence), key=lambda m: m.kind != "sku"):
            if mention.id in seen:
                continue
            seen.add(mention.id)
            now, then = lifecycle(catalog, mention.id, on), lifecycle(catalog, mention.id, article_date)
            if now.state == "available":
                continue
            if mention.kind == "stack" and now.sku in flagged_here:
                continue  # the SKU that retires the stack is already flagged in this sentence
            flagged_here.add(now.sku)
            what = f"{mention.id} ({now.sku})" if mention.kind == "stack" else mention.id
            status: Status
            if then.state == "withdrawn":
                status = "wrong"
                reason = f"{what} was already {then.text()} when the article was dated {article_date}"
            elif now.state == "withdrawn":
                status = "stale"
                reason = f"{what} was sold on {article_date} but is {now.text()}"
            else:
                status = "retiring"
                reason = f"{what} is {now.text()} (announced)"
            found.append(LifecycleResult(mention.id, mention.kind, mention.phrase, sentence, line, now, then,
                                         status, reason))
    return found


def printed_text(result: ClaimResult) -> str:
    """The printed figure as the article shows it, with the relation: `$0.60–1.50`, `≤ $0.20`, `4–10×`."""
    low, high = format(result.printed.low, "f"), format(result.printed.high, "f")
    number = low if low == high else f"{low}–{high}"
    shown = f"${number}" if result.kind in {"money", "price"} else f"{number}×" if result.kind == "multiple" else number
    return {"about": "", "at_most": "≤ ", "at_least": "≥ "}[result.relation] + shown
