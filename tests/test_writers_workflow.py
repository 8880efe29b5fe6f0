"""The writer's workflow on a paragraph the tool has never seen: draft → edit → audit → render.

Usage claims price a SKU directly (no scenario or stack files), each claim can carry its own date, the audit
flags products that are withdrawn or retiring, tolerances follow the printed precision, and renders drop
comments and local citations. Expected values are worked out by hand from the bundled price sheets.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from costmodel.cli import cli
from costmodel.core.interval import Span
from costmodel.data.catalog import Catalog
from costmodel.data.meters import PRICE_FIELDS
from costmodel.errors import InputError
from costmodel.views.formatting import dump_json
from costmodel.writers.audit import audit
from costmodel.writers.audit_view import audit_document, audit_text
from costmodel.writers.draft import draft_claims, figures
from costmodel.writers.lifecycle import lifecycle
from costmodel.writers.template import USAGE_KEYWORDS, public_source, render_template, usage_keyword

TODAY = date(2026, 11, 24)

PARAGRAPH = """\
## Voice bill of materials

Transcribing a four-minute voicemail with Deepgram Nova-3 costs $0.0172. A reply from GPT-4o mini with 3,000 \
input tokens and 400 output tokens costs about $0.0007. Two minutes of caller audio becomes 1,200 audio tokens on \
GPT-Realtime mini. One minute of speech is only 60 tokens on GPT-Realtime mini. GPT-4o costs $5.00 per 1M input \
tokens. For the fast path we recommend Gemini 2.0 Flash.

Last reviewed 2025-11-01.
"""


def render(catalog: Catalog, expression: str, on: date = TODAY) -> str:
    return render_template("{{ " + expression + " }}", catalog, on, path="t.md")


def test_unseen_paragraph_drafted_edited_and_audited(catalog: Catalog, tmp_path: Path) -> None:
    article = tmp_path / "bom.md"
    article.write_text(PARAGRAPH, encoding="utf-8")
    draft = draft_claims(PARAGRAPH, catalog, "bom.md", TODAY)
    # The draft finds every figure, quotes its sentence, and guesses the SKU and the expression.
    assert "article_date: 2025-11-01" in draft  # the last date the text prints
    assert "compute: 'cost(\"deepgram/nova-3\", audio_minutes=4)'  # confirm" in draft
    assert "compute: 'cost(\"openai/gpt-4o-mini\", input_tokens=3000, output_tokens=400)'  # confirm" in draft
    assert "compute: 'audio_tokens(\"openai/gpt-realtime-mini\", minutes=2)'  # confirm" in draft
    assert "compute: 'audio_tokens_per_minute(\"openai/gpt-realtime-mini\")'  # confirm" in draft
    assert "compute: 'price(\"openai/gpt-4o\", \"input\")'  # confirm" in draft
    # The token counts the $0.0007 assumes are noted, not drafted as claims.
    assert "# usage the next figures assume, not claims: 3,000 input tokens; 400 output tokens" in draft
    assert draft.count("  - id: ") == 5
    # The writer's one edit: the $5.00 figure was true as of 2024-06-01 (an older draft of the piece).
    edited = draft.replace("    compute: 'price(\"openai/gpt-4o\", \"input\")'",
                           "    as_of: 2024-06-01\n    compute: 'price(\"openai/gpt-4o\", \"input\")'")
    assert len(edited.splitlines()) <= 30
    claims = tmp_path / "bom.claims.yaml"
    claims.write_text(edited, encoding="utf-8")
    assert list(tmp_path.iterdir()) and not any(p.suffix == ".yaml" and p != claims for p in tmp_path.iterdir())

    report = audit(article, claims, catalog, TODAY)
    by_id = {r.id: r for r in report.results}
    # Nova-3: 4 min × 0.0043 = 0.0172; "$0.0172" is checked to a ten-thousandth (±0.00005).
    nova = by_id["nova-3-money"]
    assert nova.computed is not None and nova.computed.value == Span.of(Decimal("0.0172"))
    assert (nova.tolerance_low, nova.status) == (Decimal("0.00005"), "ok")
    # GPT-4o mini: 3000 × 0.15/1e6 + 400 × 0.60/1e6 = 0.00045 + 0.00024 = 0.00069. "about $0.0007": one unit in
    # the last place (0.0001) beats 10% of 0.0007 (0.00007); |0.0007 − 0.00069| = 0.00001 → ok.
    mini = by_id["gpt-4o-mini-money"]
    assert mini.computed is not None and mini.computed.value == Span.of(Decimal("0.00069"))
    assert (mini.tolerance_low, mini.status) == (Decimal("0.0001"), "ok")
    # GPT-Realtime mini: 10 audio tokens a second × 120 s = 1,200 → ok; × 60 s = 600 a minute, not 60 → wrong.
    tokens = by_id["gpt-realtime-mini-tokens"]
    assert tokens.computed is not None and tokens.computed.value == Span.of(Decimal(1200)) and tokens.status == "ok"
    per_minute = by_id["gpt-realtime-mini-tokens-2"]
    assert per_minute.computed is not None and per_minute.computed.value == Span.of(Decimal(600))
    assert per_minute.status == "wrong"
    # GPT-4o input was 5.00 on 2024-06-01 (from 2024-05-13) and is 2.50 since 2024-10-02: right on its own date,
    # not today → stale; both values are shown.
    gpt4o = by_id["gpt-4o-money"]
    assert gpt4o.claim_date == date(2024, 6, 1) and gpt4o.status == "stale"
    assert gpt4o.at_article_date is not None and gpt4o.at_article_date.value == Span.of(Decimal("5.00"))
    assert gpt4o.computed is not None and gpt4o.computed.value == Span.of(Decimal("2.50"))
    assert gpt4o.reason == "right on 2024-06-01 ($5.00 is within $5.00 ±0.005 (as printed)) but not on 2026-11-24: $2.50."
    # Gemini 2.0 Flash: sold on the article's date 2025-11-01 (withdrawal announced for 2026-06-01), withdrawn
    # by today → the recommendation is stale. GPT-4o mini's and GPT-4o's shutdowns are announced for 2027-01-14,
    # after today → retiring (in the order the paragraph names them).
    assert [(c.id, c.status) for c in report.lifecycle] == [("openai/gpt-4o-mini", "retiring"),
                                                            ("openai/gpt-4o", "retiring"),
                                                            ("google/gemini-2.0-flash", "stale")]
    assert report.counts() == {"ok": 3, "wrong": 1, "stale": 2, "retiring": 2}

    # Without the writer's date the same $5.00 is wrong: on 2025-11-01 GPT-4o input was already 2.50.
    claims.write_text(draft, encoding="utf-8")
    assert {r.id: r.status for r in audit(article, claims, catalog, TODAY).results}["gpt-4o-money"] == "wrong"
    # Audited before the withdrawal, the recommendation is of a product retiring on 2026-06-01.
    early = audit(article, claims, catalog, date(2026, 1, 1))
    assert [(c.id, c.status, c.reason) for c in early.lifecycle] == [
        ("openai/gpt-4o-mini", "retiring", "openai/gpt-4o-mini is retiring on 2027-01-14 (announced)"),
        ("openai/gpt-4o", "retiring", "openai/gpt-4o is retiring on 2027-01-14 (announced)"),
        ("google/gemini-2.0-flash", "retiring", "google/gemini-2.0-flash is retiring on 2026-06-01 (announced)")]


def test_draft_from_the_cli_and_refusals(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "bom.md"
    article.write_text(PARAGRAPH, encoding="utf-8")
    out = tmp_path / "bom.claims.yaml"
    result = runner.invoke(cli, ["audit", str(article), "--draft", "-o", str(out), "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == draft_claims(PARAGRAPH, _catalog(), "bom.md", TODAY)
    assert runner.invoke(cli, ["audit", str(article), "--draft", "--claims", str(out)]).exit_code == 2
    # A figure the drafter cannot guess is written as TODO(...), which the audit refuses with its line.
    (tmp_path / "x.md").write_text("Our team grew 40% this year.\n", encoding="utf-8")
    drafted = runner.invoke(cli, ["audit", str(tmp_path / "x.md"), "--draft", "--as-of", "2026-11-24"]).output
    assert "    printed: 40\n    compute: TODO(percent)" in drafted
    (tmp_path / "x.claims.yaml").write_text(drafted, encoding="utf-8")
    refused = runner.invoke(cli, ["audit", str(tmp_path / "x.md")])
    assert refused.exit_code == 2
    assert refused.output.startswith(f"{tmp_path / 'x.claims.yaml'}:9: ") and "TODO" in refused.output


def _catalog() -> Catalog:
    from costmodel.data.catalog import bundled_dir, load_catalog

    return load_catalog(bundled_dir("pricing"), bundled_dir("scenarios"))


def test_figures_found_in_prose() -> None:
    sentence = "It costs $0.60–1.50 a call, 4–10× more, 25% of 3,000 tokens, and £5 per hour."
    found = [(f.kind, f.low, f.high) for f in figures(sentence)]
    assert found == [("money", "0.60", "1.50"), ("multiple", "4", "10"), ("percent", "25", None),
                     ("tokens", "3000", None), ("money", "5", None)]


def test_usage_costs_priced_through_the_meter_registry(catalog: Catalog) -> None:
    # 3000 × 0.15/1e6 + 400 × 0.60/1e6 = 0.00045 + 0.00024 = 0.00069 (5 places).
    assert render(catalog, 'cost("openai/gpt-4o-mini", input_tokens=3000, output_tokens=400)') == "$0.00069"
    # Deepgram Nova-3 per minute: 4 × 0.0043 = 0.0172; the same audio given in seconds, 240 s / 60 × 0.0043.
    assert render(catalog, 'cost("deepgram/nova-3", audio_minutes=4)') == "$0.01720"
    assert render(catalog, 'cost("deepgram/nova-3", audio_seconds=240)') == "$0.01720"
    # TTS-1 at 15.00 per 1M characters: 600 × 15/1e6 = 0.009.
    assert render(catalog, 'cost("openai/tts-1", characters=600)') == "$0.00900"
    # g6.xlarge at 0.8048 per GPU-hour × 730 h = 587.504: a dollar or more shows to the cent; sig=3 → 588.
    assert render(catalog, 'cost("aws/g6.xlarge", gpu_hours=730)') == "$587.50"
    assert render(catalog, 'cost("aws/g6.xlarge", gpu_hours=730, sig=3)') == "$588"
    # A month of 10,000 calls of the GPT-4o mini usage: 0.00069 × 10,000 = 6.90.
    assert render(catalog, 'monthly("openai/gpt-4o-mini", input_tokens=3000, output_tokens=400, calls=10000)') == "$6.90"
    # A scenario on a stack, per month, as cost(..., per="month"): 10,000 × 0.03026625 = 302.6625 → 302.66.
    assert render(catalog, 'monthly("support-call-5min", "budget-first")') == "$302.66"
    # Decimal usage is read from the source text: 2.5 min × 0.0043 = 0.01075.
    assert render(catalog, 'cost("deepgram/nova-3", audio_minutes=2.5)') == "$0.01075"
    # Audio tokens: gpt-realtime-mini turns a second of input into 10 tokens, of output into 20.
    assert render(catalog, 'audio_tokens("openai/gpt-realtime-mini", seconds=120)') == "1,200"
    assert render(catalog, 'audio_tokens("openai/gpt-realtime-mini", minutes=1, direction="output")') == "1,200"
    # A token-billed model takes the audio's length: 120 s × 10 tokens/s = 1,200 audio input tokens × 10.00/1e6
    # = 0.012, the same as counting the tokens.
    assert render(catalog, 'cost("openai/gpt-realtime-mini", audio_seconds=120)') == "$0.01200"
    assert render(catalog, 'cost("openai/gpt-realtime-mini", audio_input_tokens=1200)') == "$0.01200"


def test_duration_usage_is_billed_as_one_request(catalog: Catalog) -> None:
    twilio = catalog.price("twilio/us-outbound", TODAY)
    assert twilio.billing_increment_seconds == 60  # per started minute
    price = twilio.price("usd_per_telephony_minute")
    assert isinstance(price, Decimal)
    # 2.5 minutes = 150 s, rounded up to 180 s = 3 billed minutes × the per-minute price.
    expected = "$" + format((3 * price).quantize(Decimal("0.00001")), "f")
    assert render(catalog, 'cost("twilio/us-outbound", telephony_minutes=2.5)') == expected


def test_every_price_field_has_a_usage_keyword() -> None:
    # Derived from the unit: a field added to the registry is countable in cost(SKU, ...) with no other change.
    assert {usage_keyword(row) for row in PRICE_FIELDS.values()} == set(USAGE_KEYWORDS)
    assert len(USAGE_KEYWORDS) == len(PRICE_FIELDS)
    assert USAGE_KEYWORDS["input_tokens"] == "usd_per_million_input_tokens"
    assert USAGE_KEYWORDS["audio_minutes"] == "usd_per_audio_minute"
    assert USAGE_KEYWORDS["gpu_hours"] == "usd_per_gpu_hour"
    assert USAGE_KEYWORDS["characters"] == "usd_per_million_characters"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('cost("openai/gpt-4o-mini", colour=3)', "unknown usage quantity 'colour'"),
        ('cost("openai/gpt-4o-mini", characters=600)', "openai/gpt-4o-mini has no 1M characters price"),
        ('cost("openai/gpt-4o-mini")', "needs usage"),
        ('cost("openai/gpt-4o-mini", input_tokens=-5)', "not a UnaryOp expression"),
        ('cost("openai/tts-1", characters=1e400)', "characters must be a number from 0 to 1,000,000,000,000,000"),
        ('monthly("openai/gpt-4o-mini", input_tokens=5)', "needs calls=N"),
        ('audio_tokens("openai/gpt-4o-mini", seconds=5)', "not billed in audio tokens"),
        ('audio_tokens("openai/gpt-realtime-mini")', "give seconds= or minutes="),
        ('price_source("openai/gpt-4o", sig=2)', "sig= rounds numbers"),
        ('cost("openai/gpt-4o-mini", input_tokens=1, sig=0)', "sig must be a whole number from 1 to 10"),
    ],
)
def test_usage_refusals(catalog: Catalog, expression: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        render(catalog, expression)
    assert message in str(caught.value) and str(caught.value).startswith("t.md:1: ")


def test_tolerance_follows_the_printed_precision(catalog: Catalog, write_yaml) -> None:  # type: ignore[no-untyped-def]
    # Nova-3, 4 minutes: 0.0172. Printed "$0.02" (±0.005) holds; "$0.0171" (±0.00005) does not; "about $0.0171"
    # widens to max(one unit 0.0001, 10% × 0.0171 = 0.00171) = 0.00171 → holds; "$5" is checked to the dollar (±0.5).
    article = write_yaml("t.md", "It costs $0.02. It costs $0.0171. It costs about $0.0171. A call is $5 at most.\n")
    claims = write_yaml("t.claims.yaml", """
        schema_version: 1
        title: t
        article_date: 2026-11-01
        claims:
          - {id: a, quote: "It costs $0.02.", printed: 0.02, compute: 'cost("deepgram/nova-3", audio_minutes=4)'}
          - {id: b, quote: "It costs $0.0171.", printed: 0.0171, compute: 'cost("deepgram/nova-3", audio_minutes=4)'}
          - {id: c, quote: "about $0.0171", printed: 0.0171, compute: 'cost("deepgram/nova-3", audio_minutes=4)'}
          - {id: d, quote: "A call is $5", printed: 5, compute: 'cost("openai/tts-1", characters=300000)'}
    """)
    by_id = {r.id: r for r in audit(article, claims, catalog, TODAY).results}
    assert (by_id["a"].tolerance_low, by_id["a"].status) == (Decimal("0.005"), "ok")
    assert (by_id["b"].tolerance_low, by_id["b"].status) == (Decimal("0.00005"), "wrong")
    assert (by_id["c"].tolerance_low, by_id["c"].status) == (Decimal("0.00171"), "ok")
    assert by_id["c"].tolerance_text == '±0.00171 ("about": 10%)'
    # TTS-1: 300,000 characters × 15/1e6 = 4.50; |5 − 4.50| = 0.50 ≤ ±0.5 → ok.
    assert (by_id["d"].tolerance_low, by_id["d"].status) == (Decimal("0.5"), "ok")


def test_markdown_audit_reads_as_a_review_note(catalog: Catalog) -> None:
    report = audit(Path("articles/gpt-audio-mini-review.md"), Path("articles/gpt-audio-mini-review.claims.yaml"),
                   catalog, TODAY)
    note = audit_text(report, "markdown")
    assert note.startswith("**Review note: ")
    assert "### To fix" in note and "### Checked and right" in note
    assert note.index("### To fix") < note.index("### Products named that are withdrawn or retiring") \
        < note.index("### Checked and right")
    assert "#### `pipeline-whisper-cost`: wrong (line 13)\n\n> at $0.02 (Whisper)\n" in note
    assert "- **computed as:** `component_cost(\"support-call-5min\", \"budget-first\", \"asr\")`" in note
    assert "#### `google/gemini-1.5-flash`: wrong (line 16)" in note
    # JSON carries the same: each claim's date, reason and the prices it used with their dates and sources.
    document = json.loads(dump_json(audit_document(report)))
    whisper = next(c for c in document["claims"] if c["id"] == "pipeline-whisper-cost")
    assert whisper["claim_date"] == "2026-05-05" and whisper["reason"].startswith("$0.030000 on both")
    assert whisper["prices"] == [{
        "sku": "openai/whisper-1", "field": "usd_per_audio_minute", "value": {"low": "0.006", "high": "0.006"},
        "unit": "USD per audio minute", "effective_from": "2023-03-01", "source": whisper["prices"][0]["source"],
        "checked": "2026-11-24", "estimate": False}]
    assert whisper["prices"][0]["source"].startswith("https://")


def test_lifecycle_of_skus_and_stacks(catalog: Catalog) -> None:
    assert lifecycle(catalog, "google/gemini-1.5-flash", TODAY).text() == "withdrawn as of 2025-09-24"
    assert lifecycle(catalog, "google/gemini-2.0-flash", date(2026, 1, 1)).text() == "retiring on 2026-06-01"
    assert lifecycle(catalog, "deepgram/aura-2", TODAY).text() == "available"
    # GPT-4o-mini's shutdown is announced for 2027-01-14, after TODAY.
    assert lifecycle(catalog, "openai/gpt-4o-mini", TODAY).text() == "retiring on 2027-01-14"
    # A stack is as available as its parts: latency-first uses Gemini 1.5 Flash.
    assert lifecycle(catalog, "latency-first", TODAY).sku == "google/gemini-1.5-flash"
    assert render(catalog, 'lifecycle("latency-first")') == "withdrawn as of 2025-09-24"
    # latency-first-2.5 uses Gemini 2.5 Flash, whose shutdown is announced for 2026-12-01 (after TODAY).
    assert render(catalog, 'lifecycle("latency-first-2.5")') == "retiring on 2026-12-01"
    # deepgram-cascade's LLM is GPT-4o-mini; hosted-llama-cascade has no SKU with an announced shutdown.
    assert render(catalog, 'lifecycle("deepgram-cascade")') == "retiring on 2027-01-14"
    assert render(catalog, 'lifecycle("hosted-llama-cascade")') == "available"


def test_lifecycle_check_can_be_turned_off(catalog: Catalog, write_yaml) -> None:  # type: ignore[no-untyped-def]
    article = write_yaml("t.md", "Use Gemini 1.5 Flash; GPT-4o mini output is $0.60.\n")
    body = """
        schema_version: 1
        title: t
        article_date: 2026-11-01
        {extra}claims:
          - {{id: a, quote: "output is $0.60", printed: 0.60, compute: 'price("openai/gpt-4o-mini", "output")'}}
    """
    claims = write_yaml("t.claims.yaml", body.format(extra=""))
    # Gemini 1.5 Flash was withdrawn before the article's date; GPT-4o mini's shutdown (2027-01-14) is announced.
    assert [c.id for c in audit(article, claims, catalog, TODAY).lifecycle] == ["google/gemini-1.5-flash",
                                                                               "openai/gpt-4o-mini"]
    claims = write_yaml("t.claims.yaml", body.format(extra="check_lifecycle: false\n        "))
    assert audit(article, claims, catalog, TODAY).lifecycle == []


def test_renders_drop_comments_and_read_as_prose(catalog: Catalog) -> None:
    text = "<!-- for the writer: {{ not rendered }} -->\nA {{ as_of() }}\n<!--\ntwo lines\n-->\nB {{ nope() }}\n"
    # The comment is gone with its line; an error after it still points at its own line (6).
    with pytest.raises(InputError) as caught:
        render_template(text, catalog, TODAY, path="t.md")
    assert str(caught.value).startswith("t.md:6: unknown function 'nope'")
    assert render_template(text.replace(" {{ nope() }}", ""), catalog, TODAY) == "A 2026-11-24\nB\n"
    # Significant figures: 0.030000 (whisper-1 5 min × 0.006) → 2 s.f. "0.030"; a 1.008× ratio → "1×".
    assert render(catalog, 'component_cost("support-call-5min", "budget-first", "asr", sig=2)') == "$0.030"
    # gpt-audio-mini 0.03048 / budget-first 0.03026625 = 1.0070… → 1 significant figure → "1×".
    assert render(catalog, 'ratio("support-call-5min", "gpt-audio-mini", "budget-first", sig=1)') == "1×"


def test_rendered_sources_cite_no_local_files(catalog: Catalog) -> None:
    assert public_source("Vendor page https://example.com/p; excerpt bundled as articles/x.md") == \
        "Vendor page https://example.com/p"
    assert public_source("notes in /home/me/prices.txt") == "notes in"
    assert public_source("skypilot-org/skypilot-catalog catalogs/v6/aws/vms.csv (us-east-1)") == \
        "skypilot-org/skypilot-catalog catalogs/v6/aws/vms.csv (us-east-1)"
    assert "articles/" not in render(catalog, 'price_source("article/gpt-audio-mini-hypothetical")')


def test_bundled_template_keeps_every_alternative(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["render", "articles/gpt-audio-mini-pricing.md.tmpl", "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "<!--" not in result.output and "Render:" not in result.output
    assert "- Budget-first:" in result.output
    assert "- Latency-first:" in result.output and "Gemini 1.5 Flash is withdrawn as of 2025-09-24" in result.output
    assert "- Privacy-first:" in result.output
    # Whisper 5 min × 0.006 = 0.030 at 2 significant figures; not "$0.030000".
    assert "Whisper costs $0.030 and" in result.output


def test_draft_guesses_pairs_durations_and_months(catalog: Catalog) -> None:
    text = ("GPT-4o mini runs $0.15 / $0.60 (input / output). A five-minute call (300 seconds of audio) on "
            "GPT-Realtime mini costs $0.012. With 500 input tokens, 10,000 such calls a month on GPT-4o mini "
            "cost $0.75.\n")
    draft = draft_claims(text, catalog, "t.md", TODAY)
    assert "compute: 'price(\"openai/gpt-4o-mini\", \"input\")'" in draft
    assert "compute: 'price(\"openai/gpt-4o-mini\", \"output\")'" in draft
    # One duration stated twice ("five-minute", "300 seconds") is counted once, in seconds.
    assert "compute: 'cost(\"openai/gpt-realtime-mini\", audio_seconds=300)'" in draft
    # A figure after "N calls a month" is the month's: 500 × 0.15/1e6 × 10,000 = 0.75.
    assert "compute: 'monthly(\"openai/gpt-4o-mini\", input_tokens=500, calls=10000)'" in draft
    assert render(catalog, 'monthly("openai/gpt-4o-mini", input_tokens=500, calls=10000)') == "$0.75"
    # 300 s × 10 tokens/s = 3,000 audio input tokens × 10.00/1e6 = 0.030, not the printed 0.012.
    assert render(catalog, 'cost("openai/gpt-realtime-mini", audio_seconds=300)') == "$0.03000"


def test_sentences_follow_hard_wrapped_prose() -> None:
    from costmodel.writers.names import sentences

    text = ("## Costs\n\nA reply from GPT-4o mini with 3,000 input tokens and 400 output tokens costs\n"
            "$0.00069 per call. Next!\n- A bullet\nShort title\nLast line.\n")
    assert sentences(text) == [
        ("## Costs", 1),
        # The first line runs on (60+ characters, no full stop): wrapped prose, one sentence, at its first line.
        ("A reply from GPT-4o mini with 3,000 input tokens and 400 output tokens costs $0.00069 per call.", 3),
        ("Next!", 4), ("- A bullet", 5), ("Short title", 6), ("Last line.", 7),
    ]
