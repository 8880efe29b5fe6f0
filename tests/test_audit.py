"""audit: the reference article's printed figures, recomputed from its own assumptions, marked ok/wrong/stale."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from costmodel.cli import cli
from costmodel.core.interval import Span
from costmodel.data.catalog import Catalog
from costmodel.errors import InputError
from costmodel.writers.audit import audit

ARTICLE = Path("articles/gpt-audio-mini-review.md")
CLAIMS = Path("articles/gpt-audio-mini-review.claims.yaml")
TODAY = date(2026, 11, 24)


def test_reference_article_statuses(catalog: Catalog) -> None:
    report = audit(ARTICLE, CLAIMS, catalog, TODAY)
    statuses = {r.id: r.status for r in report.results}
    assert statuses == {
        # gpt-audio-mini is 0.60 / 2.40 per 1M text tokens (since 2025-10-06), not $0.00, on both dates.
        "gpt-audio-mini-input-price": "wrong",
        "gpt-audio-mini-output-price": "wrong",
        # GPT-4o input: 5.00 at launch, 2.50 since 2024-10-02; $15.00 was the launch OUTPUT price. ±10% of 2.50 ≠ 15.
        "gpt-4o-input-price": "wrong",
        # GPT-4o-mini 0.15 / 0.60: as printed.
        "gpt-4o-mini-input-price": "ok",
        "gpt-4o-mini-output-price": "ok",
        # The article's own assumptions, as recorded in pricing/article.yaml.
        "assumed-text-price": "ok",
        "assumed-audio-price": "ok",
        # 300 s × 0.002–0.005 = 0.60–1.50 exactly.
        "integrated-audio-cost": "ok",
        # 200 × 0.10–0.30 / 1e6 = 0.00002–0.00006; 0.00012 (= 200 × 0.60/1e6) is off by more than ±0.000005.
        "integrated-text-cost": "wrong",
        # 0.60 + 0.00002 = 0.60002 and 1.50 + 0.00006 = 1.50006: within ±0.005 of 0.60–1.50.
        "integrated-total": "ok",
        # whisper-1: 0.006/min × 5 min = 0.030, not 0.02 ± 0.005.
        "pipeline-whisper-cost": "wrong",
        # gpt-4o-mini: 975 × 0.15/1e6 + 200 × 0.60/1e6 = 0.00014625 + 0.00012 = 0.00026625, not 0.12.
        "pipeline-text-cost": "wrong",
        # 0.030 + 0.00026625 = 0.03026625, not 0.14.
        "pipeline-total": "wrong",
        # 0.60002 / 0.03026625 ≈ 19.8 and 1.50006 / 0.03026625 ≈ 49.6, not 4–10 (±0.5).
        "integrated-multiple": "wrong",
        # 0.03026625 ≤ 0.20.
        "budget-first-under": "ok",
        # 10 tokens/s × 60 = 600 tokens a minute, not 60–80.
        "audio-tokens-per-minute": "wrong",
    }
    # Lifecycle: the latency-first bullet recommends Gemini 1.5 Flash, withdrawn 2025-09-24, before the article's
    # 2026-05-05: wrong. Its stack (latency-first, named in the same sentence) is the same finding, not a second.
    # The pricing paragraph (line 13) names GPT-4o and GPT-4o-mini, both with a shutdown announced for 2027-01-14
    # (retires_on), still ahead of 2026-11-24: retiring, once each. The budget-first bullet (line 15) names that
    # stack, whose LLM is GPT-4o-mini: retiring too, a finding of its own line.
    assert [(c.id, c.status, c.article_line) for c in report.lifecycle] == [
        ("openai/gpt-4o", "retiring", 13), ("openai/gpt-4o-mini", "retiring", 13), ("budget-first", "retiring", 15),
        ("google/gemini-1.5-flash", "wrong", 16)]
    assert report.counts() == {"ok": 7, "wrong": 10, "stale": 0, "retiring": 3}
    by_id = {r.id: r for r in report.results}
    assert by_id["pipeline-whisper-cost"].computed.value == Span.of(Decimal("0.030"))  # type: ignore[union-attr]
    assert by_id["pipeline-text-cost"].computed.value == Span.of(Decimal("0.00026625"))  # type: ignore[union-attr]
    assert by_id["integrated-audio-cost"].computed.value == Span(Decimal("0.600"), Decimal("1.500"))  # type: ignore[union-attr]
    assert by_id["integrated-text-cost"].computed.value == Span(Decimal("0.00002"), Decimal("0.00006"))  # type: ignore[union-attr]
    # Default tolerance is half a unit in the last printed place: $0.02 → ±0.005; $0.00012 → ±0.000005.
    assert by_id["pipeline-whisper-cost"].tolerance_low == Decimal("0.005")
    assert by_id["integrated-text-cost"].tolerance_low == Decimal("0.000005")
    # Quotes are located in the article (the pricing paragraph is line 13 of the excerpt).
    assert by_id["pipeline-whisper-cost"].article_line == 13


def test_cli_exits_1_and_shows_tolerance(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["audit", str(ARTICLE), "--as-of", "2026-11-24"])
    assert result.exit_code == 1
    rows: dict[str, str] = {}
    for line in result.output.splitlines():  # the table's row of each claim (its explanation below comes later)
        if line and line.split()[0].islower():
            rows.setdefault(line.split()[0], line)
    assert rows["pipeline-whisper-cost"].split() == ["pipeline-whisper-cost", "13", "$0.02", "$0.030000", "$0.030000",
                                                     "2026-05-05", "±0.005", "(as", "printed)", "wrong"]
    assert rows["integrated-audio-cost"].split()[-1] == "ok"
    assert rows["gpt-4o-input-price"].split()[-2:] == ["±10%", "wrong"]
    assert "7 ok, 10 wrong, 0 stale, 3 retiring." in result.output
    # Every claim explains itself under the table: why, the expression, the prices with dates and sources, the note.
    why = result.output[result.output.index("pipeline-whisper-cost (line 13): wrong"):]
    why = why[:why.index("\n\n")]
    assert "  why: $0.030000 on both 2026-05-05 and 2026-11-24, outside $0.02 ±0.005 (as printed)." in why
    assert '  computed as: component_cost("support-call-5min", "budget-first", "asr")' in why
    assert "  price: openai/whisper-1 0.006 USD per audio minute, in force from 2023-03-01 (source: https://" in why
    assert "  note: Priced as the Whisper API" in why
    assert "google/gemini-1.5-flash (line 16): wrong" in result.output
    assert "google/gemini-1.5-flash was already withdrawn as of 2025-09-24 when the article was dated 2026-05-05" \
        in result.output
    document = json.loads(runner.invoke(cli, ["audit", str(ARTICLE), "--as-of", "2026-11-24", "--format", "json"]).output)
    assert document["counts"] == {"ok": 7, "wrong": 10, "stale": 0, "retiring": 3}
    assert document["lifecycle"][3]["today"] == {"state": "withdrawn", "date": "2025-09-24",
                                                 "sku": "google/gemini-1.5-flash"}
    text_cost = next(c for c in document["claims"] if c["id"] == "integrated-text-cost")
    assert text_cost["computed"]["value"] == {"low": "0.00002", "high": "0.00006"}
    assert text_cost["printed"] == {"low": "0.00012", "high": "0.00012"}


@pytest.fixture
def article(write_yaml: Callable[[str, str], Path]) -> Callable[[str, str], tuple[Path, Path]]:
    def make(text: str, claims: str) -> tuple[Path, Path]:
        return write_yaml("a.md", text), write_yaml("a.claims.yaml", claims)

    return make


def claims_yaml(article_date: str, body: str) -> str:
    return "schema_version: 1\ntitle: test article\narticle_date: " + article_date + "\nclaims:\n" + \
        textwrap.indent(textwrap.dedent(body).lstrip("\n"), "  ")


def test_stale_figure_followed_from_its_dates_prices(catalog: Catalog, article) -> None:  # type: ignore[no-untyped-def]
    text, claims = article(
        "# June 2024\n\nGPT-4o costs $5.00 per 1M input tokens. The 5-minute call on the full GPT-4o stack costs $0.038.\n",
        claims_yaml("2024-06-01", """
            - id: gpt-4o-input
              quote: GPT-4o costs $5.00 per 1M input tokens
              printed: 5.00
              compute: price("openai/gpt-4o", "input")
            - id: cascade-cost
              quote: costs $0.038
              printed: 0.038
              compute: cost("support-call-5min", "gpt-4o-cascade")
            - id: cascade-whisper
              quote: The 5-minute call
              printed: 5
              compute: component_cost("support-call-5min", "gpt-4o-cascade", "asr", places=0)
              tolerance: 0.03
        """),
    )
    report = audit(text, claims, catalog, TODAY)
    by_id = {r.id: r for r in report.results}
    # 2024-06-01: GPT-4o input 5.00 (launch price) = printed; today 2.50 → stale.
    assert by_id["gpt-4o-input"].status == "stale"
    # 2024-06-01: 0.030 + 975 × 5/1e6 + 200 × 15/1e6 = 0.037875, within ±0.0005 of 0.038;
    # today 0.030 + 0.0024375 + 0.002 = 0.0344375, 0.0035625 away → stale.
    assert by_id["cascade-cost"].status == "stale"
    # Printed "5" vs whisper 0.030: |5 − 0.030| > 0.03 on both dates → wrong (an explicit tolerance is used as given).
    assert by_id["cascade-whisper"].status == "wrong"
    assert by_id["cascade-whisper"].tolerance_text == "±0.03"


def test_no_price_in_force_is_handled_explicitly(catalog: Catalog, article) -> None:  # type: ignore[no-untyped-def]
    text, claims = article(
        "Chirp runs $0.016 a minute. Gemini 1.5 Flash input is $0.075 per 1M tokens.\n",
        claims_yaml("2026-05-05", """
            - id: chirp
              quote: Chirp runs $0.016 a minute
              printed: 0.016
              compute: price("google/speech-to-text-v2", "audio_minute")
            - id: gemini-flash
              quote: Gemini 1.5 Flash input is $0.075
              printed: 0.075
              compute: price("google/gemini-1.5-flash", "input")
        """),
    )
    report = audit(text, claims, catalog, TODAY)
    by_id = {r.id: r for r in report.results}
    # speech-to-text-v2 is first priced 2026-07-08: no price on the article's date, 0.016 today → ok, with a note.
    chirp = by_id["chirp"]
    assert chirp.status == "ok" and chirp.at_article_date is None
    assert "no price in force on the article's date 2026-05-05" in (chirp.note or "")
    # gemini-1.5-flash was withdrawn 2025-09-24: unpriced on both dates, never $0 → wrong.
    flash = by_id["gemini-flash"]
    assert flash.status == "wrong" and flash.computed is None and flash.at_article_date is None
    # Dated 2025-01-01 instead, the same figure followed from the prices then (0.075 from 2024-08-12) → stale.
    claims.write_text(claims.read_text(encoding="utf-8").replace("2026-05-05", "2025-01-01"), encoding="utf-8")
    assert {r.id: r.status for r in audit(text, claims, catalog, TODAY).results}["gemini-flash"] == "stale"


def test_all_ok_exits_0(runner, article) -> None:  # type: ignore[no-untyped-def]
    text, claims = article(
        # Neither the stack nor its LLM is named: GPT-4o-mini's announced shutdown (2027-01-14) would make a text
        # naming it, or budget-first, "retiring", which is not all ok.
        "The cheapest stack costs under $0.20 per call; its language model's output is $0.60.\n",
        claims_yaml("2026-05-05", """
            - id: under
              quote: under $0.20 per call
              printed: 0.20
              relation: at_most
              compute: cost("support-call-5min", "budget-first")
            - id: mini-output
              quote: output is $0.60
              printed: 0.60
              compute: price("openai/gpt-4o-mini", "output")
        """),
    )
    result = runner.invoke(cli, ["audit", str(text), "--claims", str(claims), "--as-of", "2026-11-24", "--format", "csv"])
    assert result.exit_code == 0, result.output
    # Numeric CSV: the exact cost 0.03026625 (not the 5-place 0.03027 the text shows); the bound allows no slack
    # unless given (tolerance 0); a price printed as 0.60 is allowed half its last place, 0.005, either way.
    assert result.output == (
        "claim,line,kind,relation,printed_low,printed_high,computed_low,computed_high,at_claim_date_low,"
        "at_claim_date_high,claim_date,tolerance_low,tolerance_high,status,why,note\n"
        "under,1,money,at_most,0.2,0.2,0.03026625,0.03026625,0.03026625,0.03026625,2026-05-05,0,0,ok,"
        "$0.03027 on 2026-11-24 is within ≤ $0.20.,\n"
        "mini-output,1,price,about,0.6,0.6,0.6,0.6,0.6,0.6,2026-05-05,0.005,0.005,ok,"
        "$0.60 on 2026-11-24 is within $0.60 ±0.005 (as printed).,\n"
    )


def test_claims_cannot_drift_from_the_text(catalog: Catalog, article) -> None:  # type: ignore[no-untyped-def]
    text, claims = article(
        "Whisper costs $0.03 a call.\n",
        claims_yaml("2026-05-05", """
            - id: whisper
              quote: Whisper costs $0.02 a call
              printed: 0.02
              compute: component_cost("support-call-5min", "budget-first", "asr")
        """),
    )
    with pytest.raises(InputError, match=r"a.claims.yaml:6: claim whisper: the quote is not in"):
        audit(text, claims, catalog, TODAY)
    claims.write_text(claims.read_text(encoding="utf-8").replace("$0.02", "$0.03"), encoding="utf-8")
    # Quote fixed, printed figure still 0.02: it must appear in the quote.
    with pytest.raises(InputError, match=r"a.claims.yaml:7: claim whisper: printed figure 0.02 does not appear"):
        audit(text, claims, catalog, TODAY)


def test_bad_compute_expression_points_at_the_claims_line(runner, article) -> None:  # type: ignore[no-untyped-def]
    text, claims = article(
        "Whisper costs $0.03 a call.\n",
        claims_yaml("2026-05-05", """
            - id: whisper
              quote: Whisper costs $0.03 a call
              printed: 0.03
              compute: __import__("os").getcwd()
        """),
    )
    result = runner.invoke(cli, ["audit", str(text), "--claims", str(claims)])
    assert result.exit_code == 2
    assert result.output == f"{claims}:8: '__import__(\"os\").getcwd()': attribute access is not allowed; " \
        "call a named function directly\n"


def test_claims_format_errors(runner, article) -> None:  # type: ignore[no-untyped-def]
    text, claims = article(
        "x $1\n",
        claims_yaml("2026-05-05", """
            - id: one
              quote: x $1
              printed: 1
              compute: as_of()
              tolerance: 1
              tolerance_percent: 5
        """),
    )
    result = runner.invoke(cli, ["audit", str(text), "--claims", str(claims)])
    assert result.exit_code == 2
    assert "give tolerance or tolerance_percent, not both" in result.output
    claims.write_text(claims.read_text(encoding="utf-8").replace("    tolerance_percent: 5\n", ""), encoding="utf-8")
    result = runner.invoke(cli, ["audit", str(text), "--claims", str(claims)])
    assert result.exit_code == 2
    assert "compute must give a number; as_of() gives text" in result.output
