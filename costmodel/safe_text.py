"""Text from files and file names made safe for where it goes: a terminal, a one-line field, CSV, Markdown, HTML."""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
"""What never reaches a reader: C0 controls except tab and newline (a CR only as part of a CRLF line end: alone
it can overwrite a line), DEL, C1 controls (8-bit CSI and OSC included), ESC, and the Unicode bidi controls that
can make a terminal or a browser show text in another order than it is stored (U+202A-U+202E, U+2066-U+2069,
and the marks)."""

LINE_BREAKS = re.compile("\r\n|[\n\u2028\u2029]")
"""What a reader sees as a new line; \r on its own is a control (stripped) and U+0085 is C1."""

MAX_ERROR_CHARS = 500
"""Longest error line; a longer one is cut in its echoed values first, then in its middle."""
MAX_ECHOED_CHARS = 120
"""Longest quoted value an error line echoes back ('...' or "...")."""
ELLIPSIS = "…"

_JSON_ESCAPED = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
_NUMBER = re.compile(r"-(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")
_CSV_TRIGGERS = ("=", "+", "@", "\t", "\r")
_CSV_SLOW_START = frozenset("=+@- ")
"""First characters that need a closer look; str.isprintable() is False for every control, tab and CR included."""
_MARKDOWN_SPECIAL = re.compile(r"([\\`|\[\]])")
_BACKTICKS = re.compile("`+")


def strip_controls(text: str) -> str:
    """The text without control characters (newline, tab and CRLF kept): nothing in it can drive a terminal."""
    return CONTROL.sub("", text)


def terminal(text: str) -> str:
    """A whole document (many lines) for a terminal or a text file: controls removed, lines (CRLF too) kept."""
    return strip_controls(text)


def one_line(text: str) -> str:
    """Text for a one-line field (a table cell, a title line, an error line): a line break is shown as `\\n`.

    A title holding a newline therefore cannot forge a table row or a second error line; tabs become spaces
    so they cannot push a column out of line, and edge whitespace (a YAML block scalar's last newline) goes.
    """
    if text.isprintable() and text == text.strip():
        return text  # the common case, fast: nothing to remove or show differently
    text = strip_controls(text).strip()
    return LINE_BREAKS.sub(r"\\n", text).replace("\t", " ")


def csv_cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula (the OWASP rule).

    A cell starting with =, +, @, tab or CR, or with - unless the whole cell is a number (so negative figures
    stay numbers), is prefixed with an apostrophe; line breaks stay (the csv module quotes them).
    """
    if text.isprintable() and text[:1] not in _CSV_SLOW_START:
        return text  # the common case, fast (a sweep writes millions of cells): no control, no trigger
    text = strip_controls(text)
    # Some spreadsheets skip leading spaces before deciding what a cell is, so look past them.
    start = text.lstrip(" ")
    if start.startswith(_CSV_TRIGGERS) or (start.startswith("-") and not _NUMBER.fullmatch(start)):
        return "'" + text
    return text


def markdown(text: str) -> str:
    """Inline Markdown that shows exactly the text: no HTML, link, image, code span or table cell break.

    `<`, `>` and `&` become entities (no raw HTML, no autolink), `\\`, `` ` ``, `|`, `[` and `]` are
    backslash-escaped (no code span, table column, link or image), and whitespace runs, line breaks
    included, become one space (a line break would end a table row or a paragraph).
    """
    text = " ".join(strip_controls(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_code(text: str) -> str:
    """An inline code span showing the text literally, whatever backticks it holds (CommonMark's rule)."""
    text = " ".join(strip_controls(text).split())
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_fence(text: str, info: str = "") -> str:
    """A fenced code block around text of many lines; the fence is longer than any backtick run inside."""
    text = strip_controls(text).rstrip("\n")
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def html(text: str) -> str:
    """Text for HTML content or a quoted attribute: controls removed, & < > \" ' escaped."""
    from html import escape  # here, not at the top: only reports write HTML, and `costmodel --help` needs none

    return escape(strip_controls(text), quote=True)


def chart(text: str) -> str:
    """A chart label matplotlib draws as written: one line, and every $ escaped so no text turns into math.

    An unescaped pair of $ would be parsed as mathtext, and a file named `$\\foo$.yaml` would stop the chart
    with a parse error; a control character would only draw as a missing glyph.
    """
    return " ".join(strip_controls(text).split()).replace("$", r"\$")


def json_text(document: str) -> str:
    r"""JSON text whose strings hold no raw DEL, C1, bidi or line-separator character: each is written \uXXXX.

    json.dumps already escapes C0 controls; these are the rest a terminal or an editor would act on. They only
    occur inside strings, so escaping them leaves the same data for any JSON reader.
    """
    return _JSON_ESCAPED.sub(lambda match: f"\\u{ord(match.group(0)):04x}", document)


def cut(text: str, limit: int) -> str:
    """At most `limit` characters: the head and the tail kept, the middle replaced by an ellipsis."""
    if len(text) <= limit:
        return text
    head = (limit - len(ELLIPSIS)) * 3 // 5
    tail = limit - len(ELLIPSIS) - head
    return text[:head] + ELLIPSIS + (text[-tail:] if tail > 0 else "")


def error_line(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """One error line: one_line, and when too long the echoed values are cut first, then the middle.

    `path:line: field:` leads the line and the advice ends it; the user's own value, echoed in quotes,
    is what can be megabytes long, so it is what gets shortened.
    """
    text = one_line(text)
    if len(text) <= limit:
        return text

    def shorten(match: re.Match[str]) -> str:
        quoted = match.group(0)
        if len(quoted) <= MAX_ECHOED_CHARS:
            return quoted
        return quoted[0] + cut(quoted[1:-1], MAX_ECHOED_CHARS - 2) + quoted[-1]

    return cut(_QUOTED.sub(shorten, text), limit)


def for_format(text: str, fmt: str) -> str:
    """One-line text inside a document of `fmt` (a title or a label next to a table)."""
    if fmt == "markdown":
        return markdown(text)
    if fmt == "csv":
        return csv_cell(text)
    return one_line(text)
