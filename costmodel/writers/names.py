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

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^a-z0-9])|\n+")


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


def sentences(text: str) -> list[tuple[str, int]]:
    """The text's sentences with their 1-based lines (a line break or ". " followed by a capital ends one)."""
    found = []
    line = 1
    position = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = len(text) if match is None else match.start()
        chunk = text[position:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            found.append((" ".join(chunk.split()), line + chunk.count("\n", 0, lead)))
        if match is not None:
            line += text.count("\n", position, match.end())
            position = match.end()
    return found
