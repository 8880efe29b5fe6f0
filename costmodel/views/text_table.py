"""Lay out cells already made safe as an aligned plain-text table or a GitHub Markdown table.

The layout is the one the CLI has always printed: columns two spaces apart under a row of dashes for text, and
`| cell |` rows under `|---|` for Markdown. A column is as wide as its widest cell, and at least two wider than
its header, so a one-character header such as `#` still gets a readable rule. Widths count terminal columns, not
code points: an East Asian wide character takes two, a combining mark none.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Literal

Align = Literal["left", "right"]

HEADER_MARGIN = 2
"""How much wider than its header a column is at least."""

_ZERO_WIDTH_CATEGORIES = frozenset({"Mn", "Me", "Cf"})
"""Combining marks and format characters (zero-width joiner and kin) take no column of their own."""
_ZERO_WIDTH_CHARS = frozenset(chr(c) for c in (*range(0x1160, 0x1200), *range(0xD7B0, 0xD800)))
"""Hangul medial vowels and final consonants: they combine with the leading consonant before them."""
ZERO_WIDTH_JOINER = "\u200d"


def display_width(text: str) -> int:
    """Terminal columns the text takes: 2 for East Asian wide and full-width characters, 0 for combining marks."""
    if text.isascii():
        return len(text)  # the common case, fast
    width = 0
    joined = False
    for char in text:
        # A character joined to the one before by a zero-width joiner draws as part of it (an emoji sequence).
        if joined:
            joined = False
            continue
        joined = char == ZERO_WIDTH_JOINER
        if char in _ZERO_WIDTH_CHARS or (unicodedata.category(char) in _ZERO_WIDTH_CATEGORIES and char != "\u00ad"):
            continue  # U+00AD, the soft hyphen, is a format character that terminals draw
        width += 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1
    return width


def _pad(text: str, width: int, align: Align) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if align == "right" else text + fill


def layout(headers: Sequence[str], body: Sequence[Sequence[str]], aligns: Sequence[Align], markdown: bool) -> str:
    """The table as lines joined by newlines, without a final newline.

    Cells are stripped of edge whitespace. A table without rows aligns its headers left, as there is no
    column content to line them up with.
    """
    body = [[cell.strip() for cell in row] for row in body]
    widths = [
        max([display_width(header) + HEADER_MARGIN, *(display_width(row[i]) for row in body)])
        for i, header in enumerate(headers)
    ]
    header_aligns: Sequence[Align] = aligns if body else ["left"] * len(headers)
    header_cells = [_pad(h, w, a) for h, w, a in zip(headers, widths, header_aligns, strict=True)]
    rows = [[_pad(cell, w, a) for cell, w, a in zip(row, widths, aligns, strict=True)] for row in body]
    if markdown:
        lines = [f"| {' | '.join(header_cells)} |", f"|{'|'.join('-' * (w + 2) for w in widths)}|"]
        lines += [f"| {' | '.join(row)} |" for row in rows]
    else:
        lines = ["  ".join(header_cells), "  ".join("-" * w for w in widths)]
        lines += ["  ".join(row) for row in rows]
    # Trailing spaces of a left-aligned last column are never shown; the old layout did not print them either.
    return "\n".join(line.rstrip() for line in lines)
