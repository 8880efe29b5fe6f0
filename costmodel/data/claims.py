"""The claims file format: the figures one article prints, and how each should be computed (the audit's input)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from costmodel.data.models import NAME_PATTERN, Model, NonNegativeNumber, Quantity

Status = Literal["ok", "wrong", "stale", "retiring"]
Relation = Literal["about", "at_most", "at_least"]


class Claim(Model):
    """One figure an article prints, and how it should be computed from the article's assumptions."""

    id: Annotated[str, Field(pattern=NAME_PATTERN)]
    """Short name of the claim, e.g. whisper-cost."""
    quote: Annotated[str, Field(min_length=3)]
    """The printed text, verbatim (whitespace may differ); must contain the printed figure."""
    printed: Quantity
    """The figure as printed, a number or {low, high}; write it with the printed decimals (0.60, not 0.6)."""
    relation: Relation = "about"
    """about: printed ≈ computed; at_most: computed ≤ printed ("under $0.20"); at_least: computed ≥ printed."""
    compute: Annotated[str, Field(min_length=3)]
    """One template-language call giving the figure, e.g. cost("support-call-5min", "budget-first")."""
    as_of: date | None = None
    """The date the figure was true as of (default: the article's date); a figure right then but not today is stale."""
    tolerance: NonNegativeNumber | None = None
    """Absolute slack in the figure's unit; default from the printed precision (half a unit in the last place
    the quote prints; "about", "roughly", "~" and the like widen it to 10% or one unit), 0 for bounds."""
    tolerance_percent: NonNegativeNumber | None = None
    """Slack as a percentage of the computed figure, instead of `tolerance`."""
    note: str | None = None
    """Why the claim is computed this way."""

    @model_validator(mode="after")
    def _one_tolerance(self) -> Claim:
        if self.tolerance is not None and self.tolerance_percent is not None:
            raise ValueError("give tolerance or tolerance_percent, not both")
        return self


class ClaimsFile(Model):
    """The figures of one article to audit."""

    schema_version: Literal[1]
    """Format version of this file; currently 1."""
    title: str
    """What the article is, for the report."""
    source: str | None = None
    """Where the article is published."""
    article_date: date
    """The date the article's figures were computed (its review or publication date)."""
    check_lifecycle: bool = True
    """Also flag every SKU or stack the article names that is withdrawn or retiring (an automatic check)."""
    claims: Annotated[list[Claim], Field(min_length=1)]
    """The printed figures."""

    @model_validator(mode="after")
    def _unique_ids(self) -> ClaimsFile:
        counts = Counter(claim.id for claim in self.claims)  # one pass: list.count per id is quadratic
        twice = sorted(i for i, n in counts.items() if n > 1)
        if twice:
            raise ValueError(f"claim id {twice[0]} is used twice")
        return self
