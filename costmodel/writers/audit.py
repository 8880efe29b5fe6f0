"""Audit a published article's figures: recompute each from its stated assumptions and classify it.

Input: the article's text and a claims file (ClaimsFile, YAML). Each claim quotes the printed text, states the
printed figure, and says how to compute it in the template language (costmodel.writers.template). The quote must
appear in the article and contain the printed figure, so claims cannot drift from the text.

Status, per claim (README "Writers"):
- ok:    the figure follows from the prices in force on the audit date (default today), within tolerance;
- stale: it does not, but it does follow from the prices in force on the article's date;
- wrong: it follows from neither — it does not follow from the article's own assumptions.
A side with no price in force (not yet launched, withdrawn) never matches and is never read as $0.
Tolerance: by default half a unit in the last printed place (the printed figure must be the computed one,
rounded as printed: $0.02 allows ±0.005); `tolerance` (absolute) or `tolerance_percent` (of the computed
figure) override it. Bounds ("under $0.20": relation at_most) allow no slack unless a tolerance is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from costmodel.core.interval import Span
from costmodel.data.catalog import Catalog
from costmodel.data.claims import Claim, ClaimsFile, Relation, Status
from costmodel.data.reader import load_model, locate, read_text
from costmodel.errors import InputError, NoPriceError
from costmodel.writers.template import Figure, Functions, evaluate, parse_expression, read_markdown


@dataclass(frozen=True)
class ClaimResult:
    id: str
    quote: str
    article_line: int
    compute: str
    relation: Relation
    printed: Span
    printed_places: int
    kind: str
    """money, multiple, price or count (how the figure is shown)."""
    tolerance_low: Decimal
    tolerance_high: Decimal
    tolerance_text: str
    computed: Figure | None
    computed_unpriced: str | None
    at_article_date: Figure | None
    article_date_unpriced: str | None
    status: Status
    note: str | None


@dataclass(frozen=True)
class AuditReport:
    article: str
    title: str
    article_date: date
    as_of: date
    results: list[ClaimResult]

    @property
    def flagged(self) -> list[ClaimResult]:
        return [r for r in self.results if r.status != "ok"]

    def counts(self) -> dict[str, int]:
        return {status: sum(1 for r in self.results if r.status == status) for status in ("ok", "wrong", "stale")}


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _quote_line(article: str, quote: str) -> int | None:
    """1-based line where the quote starts, matching any run of whitespace in the quote to any run in the text."""
    words = quote.split()
    match = re.search(r"\s+".join(re.escape(word) for word in words), article)
    return None if match is None else article.count("\n", 0, match.start()) + 1


def _tolerances(claim: Claim, printed: Span, computed: Span | None) -> tuple[Decimal, Decimal, str]:
    if claim.tolerance_percent is not None:
        base = computed or printed
        pct = claim.tolerance_percent
        return base.low * pct / 100, base.high * pct / 100, f"±{pct}%"
    if claim.tolerance is not None:
        return claim.tolerance, claim.tolerance, f"±{claim.tolerance}"
    if claim.relation != "about":
        return Decimal(0), Decimal(0), "0"
    half = Decimal(5).scaleb(-_places_of(claim.printed) - 1)
    return half, half, f"±{half} (as printed)"


def _places_of(value: Decimal | object) -> int:
    if isinstance(value, Decimal):
        return _places(value)
    low, high = value.low, value.high  # type: ignore[attr-defined]
    return max(_places(low), _places(high))


def matches(printed: Span, computed: Span, relation: Relation, tol_low: Decimal, tol_high: Decimal) -> bool:
    """Does the computed figure bear out the printed one? Ranges compare end to end."""
    if relation == "at_most":
        return computed.high <= printed.high + tol_high
    if relation == "at_least":
        return computed.low >= printed.low - tol_low
    return abs(printed.low - computed.low) <= tol_low and abs(printed.high - computed.high) <= tol_high


def _compute(call_text: str, functions: Functions, path: Path, line: int | None) -> tuple[Figure | None, str | None]:
    call = parse_expression(call_text, path=path, line=line)
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
    claims = load_model(claims_path, ClaimsFile)
    claims_text = read_text(claims_path)
    article = read_markdown(article_path)
    today, then = Functions(catalog, on), Functions(catalog, claims.article_date)
    results = []
    for index, claim in enumerate(claims.claims):
        def line_of(name: str, index: int = index) -> int | None:
            return locate(claims_text, ("claims", index, name))

        article_line = _quote_line(article, claim.quote)
        if article_line is None:
            raise InputError(
                f"claim {claim.id}: the quote is not in {article_path}; update the claim to the published text",
                path=claims_path, line=line_of("quote"),
            )
        printed = Span.of(claim.printed)
        quote_digits = claim.quote.replace(",", "")
        for end in {format(printed.low, "f"), format(printed.high, "f")}:
            if end not in quote_digits:
                raise InputError(
                    f"claim {claim.id}: printed figure {end} does not appear in its quote", path=claims_path,
                    line=line_of("printed"),
                )
        computed, why_not_today = _compute(claim.compute, today, claims_path, line_of("compute"))
        earlier, why_not_then = _compute(claim.compute, then, claims_path, line_of("compute"))
        tol_low, tol_high, tol_text = _tolerances(claim, printed, computed.value if computed else None)
        ok_today = computed is not None and matches(printed, computed.value, claim.relation, tol_low, tol_high)  # type: ignore[arg-type]
        if earlier is not None and claim.tolerance_percent is not None:
            then_low, then_high, _ = _tolerances(claim, printed, earlier.value)
        else:
            then_low, then_high = tol_low, tol_high
        ok_then = earlier is not None and matches(printed, earlier.value, claim.relation, then_low, then_high)  # type: ignore[arg-type]
        status: Status = "ok" if ok_today else "stale" if ok_then else "wrong"
        notes = []
        if why_not_today:
            notes.append(f"no price in force on {on}: {why_not_today}")
        if why_not_then:
            notes.append(f"no price in force on the article's date {claims.article_date}: {why_not_then}")
        kind = (computed or earlier).kind if (computed or earlier) else "money"  # type: ignore[union-attr]
        results.append(
            ClaimResult(
                id=claim.id, quote=" ".join(claim.quote.split()), article_line=article_line, compute=claim.compute,
                relation=claim.relation, printed=printed, printed_places=_places_of(claim.printed), kind=kind,
                tolerance_low=tol_low, tolerance_high=tol_high, tolerance_text=tol_text,
                computed=computed, computed_unpriced=why_not_today, at_article_date=earlier,
                article_date_unpriced=why_not_then, status=status, note="; ".join(notes) or None,
            )
        )
    return AuditReport(str(article_path), claims.title, claims.article_date, on, results)


def printed_text(result: ClaimResult) -> str:
    """The printed figure as the article shows it, with the relation: `$0.60–1.50`, `≤ $0.20`, `4–10×`."""
    low, high = format(result.printed.low, "f"), format(result.printed.high, "f")
    number = low if low == high else f"{low}–{high}"
    shown = f"${number}" if result.kind in {"money", "price"} else f"{number}×" if result.kind == "multiple" else number
    return {"about": "", "at_most": "≤ ", "at_least": "≥ "}[result.relation] + shown
