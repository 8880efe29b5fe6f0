"""Templates: computed placeholders, rounding rules, and refusal of anything but the named functions."""

from __future__ import annotations

import builtins
from datetime import date
from pathlib import Path

import pytest

from costmodel.cli import cli
from costmodel.data.catalog import Catalog
from costmodel.errors import InputError, NoPriceError
from costmodel.writers.template import render_template

ON = date(2026, 11, 24)
S = '"support-call-5min"'


def render(catalog: Catalog, text: str, on: date = ON) -> str:
    return render_template(text, catalog, on, path="t.md")


def test_cost_component_ratio_price(catalog: Catalog) -> None:
    # budget-first per call: whisper 5 min × 0.006 = 0.030; gpt-4o-mini 975 × 0.15/1e6 = 0.00014625
    # + 200 × 0.60/1e6 = 0.00012 → 0.03026625 → 5 places half-up "0.03027".
    assert render(catalog, f'{{{{ cost({S}, "budget-first") }}}}') == "$0.03027"
    # Component (line) figures use 6 places: asr 0.030 → "0.030000"; llm 0.00026625 → "0.000266".
    assert render(catalog, f'{{{{ component_cost({S}, "budget-first", "asr") }}}}') == "$0.030000"
    assert render(catalog, f'{{{{ component_cost({S}, "budget-first", "llm") }}}}') == "$0.000266"
    # One meter of a component: 200 output tokens × 0.10–0.30 / 1e6 = 0.00002–0.00006.
    assert render(
        catalog, f'{{{{ component_cost({S}, "gpt-audio-mini-article-estimate", "audio-llm", "output") }}}}'
    ) == "$0.000020–0.000060"
    # Monthly: 10,000 calls × 0.03026625 = 302.6625 → cents, grouped.
    assert render(catalog, f'{{{{ cost({S}, "budget-first", per="month") }}}}') == "$302.66"
    # Article estimate 0.60002–1.50006 per call; monthly 6,000.20–15,000.60 with thousands separators.
    assert render(catalog, f'{{{{ cost({S}, "gpt-audio-mini-article-estimate", per="month") }}}}') == "$6,000.20–15,000.60"
    # Ratio: 0.60002 / 0.03026625 = 19.82… → 19.8; 1.50006 / 0.03026625 = 49.56… → 49.6.
    assert render(catalog, f'{{{{ ratio({S}, "gpt-audio-mini-article-estimate", "budget-first") }}}}') == "19.8–49.6×"
    # Prices as the sheet writes them, with source and date of the period in force.
    assert render(catalog, '{{ price("openai/gpt-4o-mini", "output") }}') == "$0.60"
    assert render(catalog, '{{ price("openai/gpt-4o", "input") }} from {{ price_date("openai/gpt-4o") }}') == \
        "$2.50 from 2024-10-02"
    assert render(catalog, '{{ price("openai/gpt-4o", "input") }}', date(2024, 6, 1)) == "$5.00"
    assert "2024-10-02" in render(catalog, '{{ price_source("openai/gpt-4o") }}')
    # 10 tokens per second of input audio × 60 = 600 a minute.
    assert render(catalog, '{{ audio_tokens_per_minute("openai/gpt-audio-mini") }}') == "600"
    assert render(catalog, "prices of {{ as_of() }}") == "prices of 2026-11-24"


def test_rounding_is_half_up_and_places_override(catalog: Catalog) -> None:
    # 0.03026625 to 7 places: the dropped digit is exactly 5 → half-up gives 0.0302663 (banker's would give 0.0302662).
    assert render(catalog, f'{{{{ cost({S}, "budget-first", places=7) }}}}') == "$0.0302663"
    assert render(catalog, f'{{{{ cost({S}, "budget-first", places=2) }}}}') == "$0.03"
    # A range whose ends round to the same figure shows once: 0.00002 and 0.00006 → 0.000.
    assert render(
        catalog, f'{{{{ component_cost({S}, "gpt-audio-mini-article-estimate", "audio-llm", "output", places=3) }}}}'
    ) == "$0.000"
    # 0.60002–1.50006 at 2 places: 0.60–1.50.
    assert render(catalog, f'{{{{ cost({S}, "gpt-audio-mini-article-estimate", places=2) }}}}') == "$0.60–1.50"
    # GBP at the fx rate in force: the figure is converted, then rounded; only the symbol is asserted here.
    assert render(catalog, f'{{{{ cost({S}, "budget-first", currency="GBP") }}}}').startswith("£0.0")


def test_text_around_placeholders_is_kept(catalog: Catalog) -> None:
    text = "# Title\n\nWhisper costs {{ component_cost(\"support-call-5min\", \"budget-first\", \"asr\") }} a call.\n"
    assert render(catalog, text) == "# Title\n\nWhisper costs $0.030000 a call.\n"


@pytest.mark.parametrize(
    ("placeholder", "message"),
    [
        ('__import__("os").system("echo hacked")', "attribute access is not allowed"),
        ("cost.__globals__", "is not a function call (Attribute)"),
        ('eval("1+1")', "unknown function 'eval'"),
        ('open("/etc/passwd")', "unknown function 'open'"),
        ('__import__("os")', "unknown function '__import__'"),
        ("import os", "cannot parse placeholder"),
        ('cost(price_source("x"), "budget-first")', "calls inside a placeholder are not allowed"),
        ('cost("support-call-5min", "budget-first").value', "is not a function call (Attribute)"),
        ('[cost][0]("a", "b")', "Subscript is not allowed"),
        ('(lambda: cost)()("a", "b")', "Call is not allowed"),
        ("(lambda: 1)()", "Lambda is not allowed"),
        ('cost(*["support-call-5min", "budget-first"])', "not a Starred expression"),
        ('cost(**{"scenario": "x"})', "**arguments are not allowed"),
        ("cost(__builtins__, 1)", "not a Name expression"),
        ('cost("support-call-5min", "budget-first", places=1+1)', "not a BinOp expression"),
        ("1 + 1", "is not a function call (BinOp)"),
        ("__builtins__", "is not a function call (Name)"),
    ],
)
def test_code_is_refused(catalog: Catalog, monkeypatch: pytest.MonkeyPatch, placeholder: str, message: str) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/exec must never run")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    with pytest.raises(InputError) as caught:
        render(catalog, "line one\n\nsee {{ " + placeholder + " }}\n")
    assert str(caught.value).startswith("t.md:3: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("placeholder", "message"),
    [
        ('coste("support-call-5min", "budget-first")', "unknown function 'coste'; did you mean cost?"),
        ('cost("support-call-5min")', "cost(): missing a required argument: 'stack'"),
        ('cost("support-call-5min", "budget-first", colour="red")', "unexpected keyword argument 'colour'"),
        ('cost("support-call-5min", "bugdet-first")', "unknown stack 'bugdet-first'; did you mean budget-first"),
        ('cost("support-call-5min", "budget-first", per="year")', 'per must be "call" or "month"'),
        ('cost("support-call-5min", "budget-first", places=99)', "places must be a whole number from 0 to 10"),
        ('price("openai/gpt-4o", "inptu")', "unknown price field 'inptu'; did you mean input"),
        ('price("openai/whisper-1", "input")', "has no input price"),
        ('component_cost("support-call-5min", "budget-first", "audio-llm")', "has no priced audio-llm component"),
        ('cost("support-call-5min", "budget-first", places=1.5)', "places must be a whole number from 0 to 10, not 1.5"),
        ("", "empty placeholder"),
    ],
)
def test_bad_names_and_arguments(catalog: Catalog, placeholder: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        render(catalog, "{{ " + placeholder + " }}")
    assert str(caught.value).startswith("t.md:1: ")
    assert message in str(caught.value)


def test_no_price_in_force_is_an_error_never_zero(catalog: Catalog) -> None:
    # google/speech-to-text-v2 is first priced on 2026-07-08; the article's date is 2026-05-05.
    with pytest.raises(NoPriceError, match="no price in force for google/speech-to-text-v2 on 2026-05-05"):
        render(catalog, 'x\n{{ price("google/speech-to-text-v2", "audio_minute") }}', date(2026, 5, 5))
    assert render(catalog, '{{ price("google/speech-to-text-v2", "audio_minute") }}') == "$0.016"


def test_unbalanced_braces(catalog: Catalog) -> None:
    with pytest.raises(InputError, match=r"^t.md:2: unbalanced '}}'"):
        render(catalog, "fine\noops }} here\n")
    with pytest.raises(InputError, match=r"^t.md:3: unbalanced '\{\{'"):
        render(catalog, 'a {{ as_of() }}\n\n{{ as_of()\n')


def test_cli_render_to_file_and_refusals(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    template = tmp_path / "t.md.tmpl"
    template.write_text('Whisper: {{ component_cost("support-call-5min", "budget-first", "asr", places=3) }}\n',
                        encoding="utf-8")
    out = tmp_path / "out.md"
    result = runner.invoke(cli, ["render", str(template), "-o", str(out), "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "Whisper: $0.030\n"
    # Never overwrite the template itself.
    result = runner.invoke(cli, ["render", str(template), "-o", str(template)])
    assert result.exit_code == 2 and "never overwrites its inputs" in result.output
    bad = tmp_path / "bad.md.tmpl"
    bad.write_text('ok\n{{ __import__("os").system("touch pwned") }}\n', encoding="utf-8")
    result = runner.invoke(cli, ["render", str(bad), "-o", str(tmp_path / "never.md")])
    assert result.exit_code == 2
    assert result.output == f'{bad}:2: \'__import__("os").system("touch pwned")\': attribute access is not allowed; ' \
        "call a named function directly\n"
    assert not (tmp_path / "never.md").exists() and not Path("pwned").exists()


def test_worked_example_template_renders(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["render", "articles/gpt-audio-mini-pricing.md.tmpl", "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "{{" not in result.output
    # gpt-audio-mini at OpenAI's price: 300 s × 10 tokens/s = 3,000 audio tokens × 10.00/1e6 = 0.030
    # + 200 × 2.40/1e6 = 0.00048 → 0.03048 per call, 304.80 a month.
    assert "| gpt-audio-mini at OpenAI's price | $0.03048 | $304.80 |" in result.output
    assert "GPT-4o (full) is billed at $2.50 per million input tokens" in result.output
