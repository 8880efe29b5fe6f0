"""Which SKUs and stacks a sentence names: the catalog's names and ids, matched loosely ("GPT-4o-mini" = "GPT-4o mini").

Used by the audit's lifecycle check and by the claims drafter. Each SKU is known by its name without the
parenthetical ("Gemini 1.5 Flash (Gemini API, ...)" → "gemini 1.5 flash") and by its id's model part
("google/gemini-1.5-flash" → "gemini 1.5 flash"); each stack by its id ("latency-first"). Matching is on
lower-cased text with hyphens and underscores as spaces, whole words only, longest name first, so "GPT-4o
mini" is never also read as "GPT-4o".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from costmodel.data.catalog import Catalog


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[-_–]", " ", text.lower()).split())


@dataclass(frozen=True)
class Mention:
    """One SKU or stack named in a sentence."""

    kind: str
    """sku or stack."""
    id: str
    phrase: str
    """The name as matched (normalised)."""


class NameIndex:
    """Every SKU and stack name of a catalog, for finding them in prose."""

    def __init__(self, catalog: Catalog) -> None:
        phrases: dict[str, tuple[str, str]] = {}
        for sku in catalog.skus.values():
            for name in (re.sub(r"\s*\(.*", "", sku.name), sku.id.split("/", 1)[-1]):
                phrase = normalise(name)
                if len(phrase) >= 3:
                    phrases.setdefault(phrase, ("sku", sku.id))  # first SKU wins a shared name
        for stack_id in catalog.stacks:
            phrase = normalise(stack_id)
            if len(phrase) >= 3 and phrase not in phrases:  # a SKU's own name is more precise than a stack's
                phrases[phrase] = ("stack", stack_id)
        self._phrases = phrases
        ordered = sorted(phrases, key=len, reverse=True)
        self._pattern = re.compile(
            r"(?<![\w.])(" + "|".join(re.escape(p) for p in ordered) + r")(?![\w])") if ordered else None

    def mentions(self, sentence: str) -> list[Mention]:
        """SKUs and stacks a sentence names, in order, each once; overlapping names resolve to the longest."""
        if self._pattern is None:
            return []
        found: list[Mention] = []
        for match in self._pattern.finditer(normalise(sentence)):
            kind, ident = self._phrases[match.group(1)]
            if all(m.id != ident for m in found):
                found.append(Mention(kind, ident, match.group(1)))
        return found


_BLOCK_START = re.compile(r"\s*(?:[-*+>#|]|\d+[.)])\s")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[^a-z0-9\s])")
WRAPPED_LINE = 60
"""A line at least this long that does not end a sentence is taken as prose wrapped onto the next line."""


def _ends_block(line: str, following: str) -> bool:
    """Does a line break end a sentence? Not inside hard-wrapped prose; yes before lists, headings, after titles."""
    stripped = line.rstrip()
    return (not stripped or not following.strip() or bool(_BLOCK_START.match(following))
            or stripped.endswith((".", "!", "?", ":")) or len(stripped) < WRAPPED_LINE)


def sentences(text: str) -> list[tuple[str, int]]:
    """The text's sentences with their 1-based lines, each with its whitespace collapsed.

    A sentence ends at ". " (or ! ?) before a capital, digit or sign, at a blank line, and at a line break
    before a list item or heading or after a short line (a title); a long line running on is wrapped prose.
    """
    lines = text.split("\n")
    blocks: list[tuple[str, int]] = []
    current: list[str] = []
    first = 1
    for number, line in enumerate(lines, start=1):
        if not current:
            first = number
        current.append(line)
        following = lines[number] if number < len(lines) else ""
        if number == len(lines) or _ends_block(line, following):
            blocks.append(("\n".join(current), first))
            current = []
    found = []
    for block, block_line in blocks:
        position = 0
        for match in [*_SENTENCE_SPLIT.finditer(block), None]:
            end = len(block) if match is None else match.start()
            chunk = block[position:end]
            if chunk.strip():
                lead = len(chunk) - len(chunk.lstrip())
                found.append((" ".join(chunk.split()), block_line + block.count("\n", 0, position + lead)))
            if match is not None:
                position = match.end()
    return found
