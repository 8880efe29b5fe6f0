"""Lay out cells already made safe as an aligned plain-text table or a GitHub Markdown table.

The layout is the one the CLI has always printed: columns two spaces apart under a row of dashes for text, and
`| cell |` rows under `|---|` for Markdown. A column is as wide as its widest cell, and at least two wider than
its header, so a one-character header such as `#` still gets a readable rule. Widths count terminal columns, not
code points: an East Asian wide character takes two, a combining mark none.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Literal

Align = Literal["left", "right"]

HEADER_MARGIN = 2
"""How much wider than its header a column is at least."""

_ZERO_WIDTH_CATEGORIES = frozenset({"Mn", "Me", "Cf"})
"""Combining marks and format characters (zero-width joiner and kin) take no column of their own."""
_ZERO_WIDTH_CHARS = frozenset(chr(c) for c in (*range(0x1160, 0x1200), *range(0xD7B0, 0xD800)))
"""Hangul medial vowels and final consonants: they combine with the leading consonant before them."""
ZERO_WIDTH_JOINER = "\u200d"

MAX_WIDTH: ContextVar[int | None] = ContextVar("costmodel_table_width", default=None)
"""Terminal columns a plain-text table may take (None: no limit). The CLI sets it for a table printed to a
terminal or under $COLUMNS, unless --wide; files and machine formats are never wrapped."""
MIN_WRAP_WIDTH = 12
"""Narrowest a wrapped text column gets: a stack id or a few words a line still read as words."""


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


def _fit(widths: list[int], aligns: Sequence[Align], headers: Sequence[str], body: Sequence[Sequence[str]],
         max_width: int) -> list[int]:
    """Column widths within max_width, given up in this order until the table fits.

    1. Figures (right-aligned) drop the margin beside their header, never below their widest figure: no number
       is ever wrapped or cut.
    2. Text columns shrink from the rightmost (notes) leftwards, each down to MIN_WRAP_WIDTH (or its header), so
       the first text column (the stack or SKU id a row is about) keeps its width longest.
    A table that cannot fit ends as narrow as it can be, never unreadable.
    """
    fitted = list(widths)
    excess = sum(fitted) + 2 * (len(fitted) - 1) - max_width
    order = [i for i, a in enumerate(aligns) if a == "right"] + [i for i, a in reversed(list(enumerate(aligns)))
                                                                 if a == "left"]
    for i in order:
        if excess <= 0:
            break
        if aligns[i] == "right":
            floor = max([display_width(headers[i]), *(display_width(row[i]) for row in body)])
        else:
            floor = max(MIN_WRAP_WIDTH, display_width(headers[i]))
        give = min(excess, max(0, fitted[i] - floor))
        fitted[i] -= give
        excess -= give
    return fitted


_BREAK_AFTER = "-/,;"
"""Where a long id or list may break inside a word: after a hyphen, a slash or a separator."""


def _pieces(word: str, width: int) -> list[str]:
    """A word longer than the column, cut after a hyphen or slash where it can be, else at the column's edge."""
    pieces: list[str] = []
    while display_width(word) > width:
        head = ""
        for char in word:
            if display_width(head + char) > width:
                break
            head += char
        soft = max(head.rfind(mark) for mark in _BREAK_AFTER)
        cut = soft + 1 if soft > 0 else len(head)
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def wrap(text: str, width: int) -> list[str]:
    """Text as lines of at most `width` terminal columns, broken at spaces where it can be, else inside words."""
    if display_width(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if display_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        *full, line = _pieces(word, width)
        lines.extend(full)
    return [*lines, line]


def layout(headers: Sequence[str], body: Sequence[Sequence[str]], aligns: Sequence[Align], markdown: bool,
           max_width: int | None = None) -> str:
    """The table as lines joined by newlines, without a final newline.

    Cells are stripped of edge whitespace. A table without rows aligns its headers left, as there is no
    column content to line them up with. A plain table wider than `max_width` (default: MAX_WIDTH) wraps its
    text columns onto continuation lines; nothing is cut and figures are never wrapped.
    """
    body = [[cell.strip() for cell in row] for row in body]
    widths = [
        max([display_width(header) + HEADER_MARGIN, *(display_width(row[i]) for row in body)])
        for i, header in enumerate(headers)
    ]
    header_aligns: Sequence[Align] = aligns if body else ["left"] * len(headers)
    limit = MAX_WIDTH.get() if max_width is None else max_width
    if not markdown and limit is not None and body:
        widths = _fit(widths, aligns, headers, body, limit)
    header_cells = [_pad(h, w, a) for h, w, a in zip(headers, widths, header_aligns, strict=True)]
    rows: list[list[str]] = []
    for row in body:
        wrapped = [wrap(cell, w) for cell, w in zip(row, widths, strict=True)]
        for k in range(max(len(cell) for cell in wrapped)):
            rows.append([_pad(cell[k] if k < len(cell) else "", w, a)
                         for cell, w, a in zip(wrapped, widths, aligns, strict=True)])
    if markdown:
        lines = [f"| {' | '.join(header_cells)} |", f"|{'|'.join('-' * (w + 2) for w in widths)}|"]
        lines += [f"| {' | '.join(row)} |" for row in rows]
    else:
        lines = ["  ".join(header_cells), "  ".join("-" * w for w in widths)]
        lines += ["  ".join(row) for row in rows]
    # Trailing spaces of a left-aligned last column are never shown; the old layout did not print them either.
    return "\n".join(line.rstrip() for line in lines)
