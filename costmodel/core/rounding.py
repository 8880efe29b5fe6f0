"""Exact half-up rounding of decimals, the one rounding rule costmodel uses, safe for any in-range number."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext


def round_half_up(value: Decimal, places: int) -> Decimal:
    """`value` rounded half up to `places` decimal places (negative places round to tens, hundreds...)."""
    # quantize signals InvalidOperation when the result needs more digits than the context's 28; numbers
    # within the range rule multiply to far more (1e30 calls x 1e30 tokens), so give it the digits it needs.
    digits = max(value.adjusted(), 0) + places + 2 if value.is_finite() else 0
    with localcontext() as context:
        context.prec = max(context.prec, digits)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
