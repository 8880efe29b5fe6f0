"""Draft a claims file from an article: every figure found, its sentence quoted, the likely expression guessed.

`costmodel audit --draft ARTICLE.md` writes a claims skeleton for the writer to confirm. What counts as a
figure: money ("$0.0172", "$0.60–1.50", "£5"), percentages ("40%", "12 percent"), multiples ("4–10×",
"3x") and token counts ("1,200 audio tokens"). For each, the SKU is guessed from the names in the sentence
(costmodel.writers.names: the last product named before the figure, else the first after it, else the last
named in an earlier sentence), and the expression from the words around the figure:

- "$X per 1M input tokens", "per minute", "per GPU-hour", ... → price(SKU, field);
- money in a sentence stating usage ("3,000 input tokens", "four minutes", "600 characters", "730 hours")
  → cost(SKU, input_tokens=3000, ...), or monthly(SKU, ..., calls=N) when the sentence counts calls a month;
- tokens of a stretch of audio → audio_tokens(SKU, seconds=...), tokens a minute → audio_tokens_per_minute(SKU).

Every guessed expression carries a `# confirm` comment; one that cannot be guessed is written as
`compute: TODO(...)`, which the audit refuses (exit 2, pointing at the line) until the writer fills it in.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from costmodel.data.catalog import Catalog
from costmodel.data.meters import PRICE_FIELDS
from costmodel.errors import InputError
from costmodel.writers.names import NameIndex, normalise, sentences
from costmodel.writers.template import USAGE_KEYWORDS, html_comments

_NUM = r"\d[\d,]*(?:\.\d+)?"
_DASH = r"\s?(?:–|-|to)\s?"
_MONEY = re.compile(rf"(?P<cur>[$£€])\s?(?P<a>{_NUM})(?:{_DASH}[$£€]?(?P<b>{_NUM}))?(?![\d,.]*\d)")
_PERCENT = re.compile(rf"(?<![\w.$£€])(?P<a>{_NUM})(?:{_DASH}(?P<b>{_NUM}))?\s?(?:%|percent\b|per cent\b)")
_MULTIPLE = re.compile(rf"(?<![\w.$£€])(?P<a>{_NUM})(?:{_DASH}(?P<b>{_NUM}))?\s?(?:×|x\b|times\b)")
_TOKENS = re.compile(rf"(?<![\w.$£€])(?P<a>{_NUM})(?:{_DASH}(?P<b>{_NUM}))?\s(?:[a-z]+\s){{0,2}}tokens\b")

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60, "a": 1, "an": 1}
_COUNT = rf"(?P<n>{_NUM}|{'|'.join(_WORDS)})"

# "per <unit>" after a price → the price field alias (checked against the registry below).
_PER_UNIT: tuple[tuple[str, str], ...] = (
    (r"cached audio input tokens", "cached_audio_input"), (r"cached input tokens", "cached_input"),
    (r"audio input tokens", "audio_input"), (r"audio output tokens", "audio_output"),
    (r"input tokens", "input"), (r"output tokens", "output"), (r"(?:text )?tokens", "input"),
    (r"characters|chars", "characters"), (r"(?:gpu )?hours?|hr|gpu hour", "gpu_hour"),
    (r"audio seconds?|seconds?|sec", "audio_second"), (r"(?:audio )?minutes?|min", "audio_minute"),
)
_PER = re.compile(r"^\s?(?:/|per|a|an)\s(?:1m\s|million\s|1,000,000\s|m\s)?(?P<unit>[a-z][a-z ]*)")


@dataclass(frozen=True)
class Found:
    """One figure in a sentence."""

    kind: str
    """money, percent, multiple or tokens."""
    low: str
    high: str | None
    start: int
    end: int


MAX_DRAFT_FIGURES = 5_000
"""Most figures one draft holds (a long article has a few hundred); bounds its time (about 2 s) and size."""

QUOTE_CONTEXT = 300
"""Characters of a sentence a drafted claim quotes on each side of its figure (cut at a space); a normal
sentence is quoted whole."""


def _window(sentence: str, figure: Found) -> tuple[str, Found]:
    """The part of the sentence around a figure a claim quotes, and the figure's place in it."""
    if len(sentence) <= 2 * QUOTE_CONTEXT + (figure.end - figure.start):
        return sentence, figure
    start = max(0, figure.start - QUOTE_CONTEXT)
    end = min(len(sentence), figure.end + QUOTE_CONTEXT)
    if start > 0:  # begin after a space, so no word or number is cut in half
        space = sentence.find(" ", start, figure.start)
        start = space + 1 if space >= 0 else figure.start
    if end < len(sentence):
        space = sentence.rfind(" ", figure.end, end)
        end = space if space >= 0 else figure.end
    return sentence[start:end], dataclasses.replace(figure, start=figure.start - start, end=figure.end - start)


def _plain(number: str) -> str:
    return number.replace(",", "")


def figures(sentence: str) -> list[Found]:
    """Every figure of a sentence, left to right; a number inside a money figure is not counted again."""
    found: list[Found] = []
    # Characters already inside a figure, marked 1: checking a match against every earlier one was quadratic.
    taken = bytearray(len(sentence))
    for kind, pattern in (("money", _MONEY), ("percent", _PERCENT), ("multiple", _MULTIPLE), ("tokens", _TOKENS)):
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if taken.find(1, start, end) >= 0:
                continue
            taken[start:end] = b"\x01" * (end - start)
            high = match.group("b")
            found.append(Found(kind, _plain(match.group("a")), _plain(high) if high else None, match.start(),
                               match.end()))
    return sorted(found, key=lambda f: f.start)


def _count(text: str) -> Decimal:
    return Decimal(_WORDS[text.lower()]) if text.lower() in _WORDS else Decimal(_plain(text))


def usage_in(sentence: str) -> dict[str, Decimal]:
    """Usage a sentence states: tokens by kind, minutes, seconds, hours, characters, and calls."""
    text = sentence.lower()
    usage: dict[str, Decimal] = {}
    for match in re.finditer(rf"{_COUNT}\s(?:(?P<kind>cached input|cached audio input|audio input|audio output|"
                             rf"input|output|text|audio)\s)?tokens", text):
        kind = (match.group("kind") or "input").replace(" ", "_").replace("text", "input").replace("audio", "audio_input") \
            if match.group("kind") in {None, "text", "audio"} else match.group("kind").replace(" ", "_")
        usage[f"{kind}_tokens"] = usage.get(f"{kind}_tokens", Decimal(0)) + _count(match.group("n"))
    for unit, key in (("minute", "audio_minutes"), ("second", "audio_seconds"), ("hour", "gpu_hours"),
                      ("character", "characters")):
        duration = re.search(rf"{_COUNT}[\s-]{unit}s?\b", text)
        if duration and not re.match(r"\s?(?:per|a|an)\b", text[duration.end():]):
            usage[key] = _count(duration.group("n"))
    if "audio_minutes" in usage and "audio_seconds" in usage:
        # "a five-minute call (300 seconds of audio)" states one duration twice: keep the finer.
        del usage["audio_minutes"]
    calls = re.search(rf"{_COUNT}\s(?:[a-z]+\s)?calls\b", text)
    if calls:
        usage["calls"] = _count(calls.group("n"))
        usage["calls_at"] = Decimal(calls.start())
    return {key: value for key, value in usage.items() if key in {"calls", "calls_at"} or key in USAGE_KEYWORDS}


def _literal(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


class Drafter:
    """Guesses claims for one catalog's names and prices."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.names = NameIndex(catalog)

    def _sku(self, sentence: str, at: int, earlier: str | None) -> tuple[str | None, str]:
        before = [m for m in self.names.mentions(sentence[:at]) if m.kind == "sku"]
        if before:
            return before[-1].id, before[-1].phrase
        after = [m for m in self.names.mentions(sentence) if m.kind == "sku"]
        if after:
            return after[0].id, after[0].phrase
        return earlier, "an earlier sentence"

    def guess(self, sentence: str, figure: Found, sku: str | None) -> str | None:
        """The most likely expression for a figure, or None."""
        if sku is None:
            return None
        record = self.catalog.sku(sku)
        priced = set(record.periods[-1].priced) if record.periods else set()
        after = normalise(sentence[figure.end:])
        if figure.kind == "money":
            pair = re.search(r"\(input\s*/\s*output\)", sentence)
            if pair and figure.end < pair.start():
                # "$0.15 / $0.60 (input / output)": the figure before the slash is input, the one after output.
                if re.match(r"\s?/\s?[$£€]", sentence[figure.end:]):
                    return f'price("{sku}", "input")'
                if re.search(r"[$£€][\d.,]+\s?/\s?$", sentence[:figure.start]):
                    return f'price("{sku}", "output")'
            per = _PER.match(after)
            if per:
                for pattern, alias in _PER_UNIT:
                    if re.match(rf"(?:{pattern})\b", per.group("unit")):
                        name = next(row.name for row in PRICE_FIELDS.values() if row.alias == alias)
                        if name in priced or alias in {"input"}:
                            return f'price("{sku}", "{alias}")'
                        # A per-minute phrase for a per-second SKU (or the reverse): its own duration field.
                        duration = next((row.alias for row in PRICE_FIELDS.values() if row.name in priced
                                         and row.alias in {"audio_minute", "audio_second"}), None)
                        if alias in {"audio_minute", "audio_second"} and duration:
                            return f'price("{sku}", "{duration}")'
                        break
            usage = usage_in(sentence)
            calls = usage.pop("calls", None)
            # A figure after "N calls a month" is the month's; one before it is per call.
            calls_at = usage.pop("calls_at", None)
            if record.kind == "gpu" and "gpu_hours" not in usage:
                usage.pop("audio_minutes", None)
            if record.kind != "gpu":
                usage.pop("gpu_hours", None)
            if record.kind == "telephony" and "audio_minutes" in usage:
                usage["telephony_minutes"] = usage.pop("audio_minutes")
            if not usage:
                return None
            args = ", ".join(f"{key}={_literal(value)}" for key, value in usage.items())
            monthly = (calls is not None and calls_at is not None and figure.start > calls_at
                       and re.search(r"\b(month|monthly)\b", sentence.lower()))
            if monthly:
                return f'monthly("{sku}", {args}, calls={_literal(calls)})'  # type: ignore[arg-type]
            return f'cost("{sku}", {args})'
        if figure.kind == "tokens" and record.audio_tokens is not None:
            text = sentence.lower()
            if re.search(r"\b(a|per|one|each) minute\b", text):
                return f'audio_tokens_per_minute("{sku}")'
            usage = usage_in(sentence)
            usage.pop("calls_at", None)
            direction = ', direction="output"' if re.search(r"\b(output|spoken reply|reply|replies)\b", text) else ""
            if "audio_seconds" in usage:
                return f'audio_tokens("{sku}", seconds={_literal(usage["audio_seconds"])}{direction})'
            if "audio_minutes" in usage:
                return f'audio_tokens("{sku}", minutes={_literal(usage["audio_minutes"])}{direction})'
        return None

    def draft(self, article: str, title: str, article_date: date, source_name: str) -> str:
        """The claims skeleton as YAML text."""
        text = article
        for start, end in reversed(html_comments(article)):
            text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
        lines = [
            f"# Drafted from {source_name}: confirm each `# confirm`, fill in each TODO (the audit refuses them).",
            "schema_version: 1",
            f"title: {json.dumps(title, ensure_ascii=False)}",
            f"article_date: {article_date.isoformat()}",
            "claims:",
        ]
        ids: set[str] = set()
        next_number: dict[str, int] = {}
        drafted = 0
        earlier: str | None = None
        for sentence, _line in sentences(text):
            found = figures(sentence)
            assumed = usage_in(sentence) if any(f.kind == "money" for f in found) else {}
            # A token count a cost in the same sentence is computed from is an assumption, not a claim.
            usage = [f for f in found if f.kind == "tokens" and f.high is None and any(
                key.endswith("_tokens") and value == Decimal(f.low) for key, value in assumed.items())]
            if usage:
                shown = "; ".join(sentence[f.start:f.end] for f in usage)
                lines.append(f"  # usage the next figures assume, not claims: {shown}")
            drafted += len(found)
            if drafted > MAX_DRAFT_FIGURES:
                raise InputError(f"over {MAX_DRAFT_FIGURES:,} figures to draft claims for; no one confirms a claims "
                                 "file that long: draft one section at a time", path=source_name)
            for whole in found:
                if whole in usage:
                    continue
                # Each figure sees (and quotes) at most QUOTE_CONTEXT characters either side: a "sentence"
                # of thousands of figures would otherwise be quoted, and scanned, once per figure.
                context, figure = _window(sentence, whole)
                sku, named = self._sku(context, figure.start, earlier)
                compute = self.guess(context, figure, sku)
                base = (sku.split("/", 1)[-1] if sku else "figure") + "-" + figure.kind
                # The next free number per base, remembered: counting up from 2 for every figure was quadratic.
                n = next_number.get(base, 2)
                ident = base if base not in ids else f"{base}-{n}"
                while ident in ids:
                    ident, n = f"{base}-{n}", n + 1
                ids.add(ident)
                next_number[base] = n + 1 if ident != base else 2
                printed = figure.low if figure.high is None else f"{{low: {figure.low}, high: {figure.high}}}"
                lines += [f"  - id: {ident}", f"    quote: {json.dumps(context, ensure_ascii=False)}",
                          f"    printed: {printed}"]
                if compute:
                    lines.append(f"    compute: '{compute}'  # confirm: guessed from \"{named}\"")
                else:
                    lines.append(f"    compute: TODO({figure.kind})  # no guess: write the expression")
            mentioned = [m for m in self.names.mentions(sentence) if m.kind == "sku"]
            if mentioned:
                earlier = mentioned[-1].id
        if len(lines) == 5:
            lines.append("  []  # no figures found")
        return "\n".join(lines) + "\n"


_DATE = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")


def draft_claims(article: str, catalog: Catalog, source_name: str, today: date) -> str:
    """A claims skeleton for an article: title from its first heading, date from the last ISO date it prints."""
    heading = re.search(r"^#+\s+(.+)$", article, re.MULTILINE)
    title = heading.group(1).strip() if heading else source_name
    dates = []
    for match in _DATE.finditer(article):
        try:
            dates.append(date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
        except ValueError:
            continue
    return Drafter(catalog).draft(article, title, dates[-1] if dates else today, source_name)
