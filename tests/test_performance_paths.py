"""The fast paths of loading give what the general paths give: the direct document walk, the tag memo, the
nesting bound, the paused collector and the cache key read without importing pydantic."""

from __future__ import annotations

import gc
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costmodel.data import cache, reader
from costmodel.data.catalog import collector_paused
from costmodel.errors import InputError
from tests.import_probe import modules_imported_by

PLAIN = """\
name: Vendor
count: 12
price: 0.25
since: 2025-06-01
live: yes
quoted: 'yes'
nothing: null
periods:
  - {low: 1.5, high: 2}
  - [a, [b, c]]
"""


def test_a_plain_document_is_built_as_pyyaml_builds_it() -> None:
    data = reader.parse_yaml(PLAIN, "plain.yaml")
    assert data == {
        "name": "Vendor",
        "count": 12,
        "price": Decimal("0.25"),  # exact, never the float 0.25
        "since": date(2025, 6, 1),
        "live": True,  # plain yes is YAML 1.1's true; quoted 'yes' stays text though plain yes was seen first
        "quoted": "yes",
        "nothing": None,
        "periods": [{"low": Decimal("1.5"), "high": 2}, ["a", ["b", "c"]]],
    }
    # The same document with a tag somewhere takes PyYAML's own construction: the result is the same.
    assert reader.parse_yaml(PLAIN + "tagged: !!str 3\n", "tagged.yaml") == {**data, "tagged": "3"}


def error_line(text: str) -> tuple[str, int | None]:
    with pytest.raises(InputError) as caught:
        reader.parse_yaml(text, "f.yaml")
    return caught.value.message, caught.value.line


def test_the_first_problem_found_is_the_one_pyyaml_finds_first() -> None:
    # PyYAML fills collections a generation at a time: the top mapping's own values (line 3) before the
    # values of the mapping it holds (line 2). A depth-first walk would report line 2.
    text = "a:\n  b: 0x1F\nc: 010\n"
    assert error_line(text)[1] == 3
    # With an alias the document goes through PyYAML's constructor; the same line is reported.
    assert error_line(text + "d: &x 1\ne: *x\n")[1] == 3


def test_a_duplicate_key_reads_the_same_on_both_paths() -> None:
    plain = "a: 1\nb:\n  c: 2\n  c: 3\n"
    message, line = error_line(plain)
    assert line == 4
    assert message.startswith("duplicate key 'c' (first at line 3)")
    assert error_line(plain + "d: !!str x\n") == (message, line)


def test_a_list_as_a_key_is_refused_on_the_plain_path() -> None:
    assert error_line("? [a, b]\n: 1\n") == ("a mapping key must be a plain value, not a list or mapping", 1)


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("a: [1, [2, {b: 3}]]\n", 3),  # [ [ { : three open at once
        ("a: [1]\nb: [2]\nc: [3]\n", 1),  # three collections, never two open at once
        ("a: [[  # ]]\n  ]]\n", 2),  # the ]] in the comment close nothing
        ("note: x]]]]\nb: [[1]]\n", 2),  # closing brackets in block text cannot cancel later openings
        ('a: ["[[]", [1]]\n', 4),  # a quote: every opening bracket counts, the quoted two too (true depth 2)
    ],
)
def test_the_flow_bound_is_never_below_the_true_depth(text: str, bound: int) -> None:
    assert reader._flow_bound(text) == bound


def test_a_deep_document_hidden_behind_quoted_brackets_is_still_counted() -> None:
    # 1,100 nested lists, each holding a quoted "]": true depth 1,100, however the quotes are read.
    text = "".join('[ "]", ' for _ in range(1100)) + "1" + "]" * 1100 + "\n"
    assert reader._flow_bound(text) >= 1100
    assert error_line(text)[0] == reader.NESTING_MESSAGE


def test_the_collector_is_paused_during_a_load_and_left_as_it_was_found() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        with collector_paused():
            assert not gc.isenabled()
            with collector_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the inner pause found it paused and leaves it so
        assert gc.isenabled()
        gc.disable()
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller who paused it keeps it paused
    finally:
        (gc.enable if was else gc.disable)()


def test_the_cache_key_reads_pydantic_version_without_importing_pydantic(tmp_path: Path) -> None:
    import pydantic

    assert f"VERSION = '{pydantic.VERSION}'".encode() in cache.pydantic_fingerprint()
    code = (
        "from pathlib import Path\n"
        "from costmodel.data import cache\n"
        f"cache.library_key([Path({str(tmp_path)!r})], [(Path('a.yaml'), b'x: 1')])\n"
    )
    assert not {"pydantic", "tempfile"} & modules_imported_by(code)


def test_the_key_changes_with_the_pydantic_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    files = [(Path("a.yaml"), b"x: 1")]
    before = cache.library_key([Path("p")], files)
    monkeypatch.setattr(cache, "pydantic_fingerprint", lambda: b"VERSION = '9.9.9'")
    assert cache.library_key([Path("p")], files) != before


_OLD_COMMENT = re.compile(r"(?:\A|(?<=[ \t\r\n\x85\u2028\u2029\ufeff]))#[^\r\n\x85\u2028\u2029]*")
_OLD_LINE_PREFIX = re.compile(r"(?:\A|[\r\n\x85\u2028\u2029])([ \t?-]*)")


def _old_flow_bound(text: str) -> int:
    """The bound as first written (comments cut by one regex, then the brackets counted), kept as the reference."""
    if '"' in text or "'" in text or "!" in text:
        return text.count("[") + text.count("{")
    depth = deepest = 0
    for mark in re.findall(r"[\[\]{}]", _OLD_COMMENT.sub("", text)):
        if mark in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="[]{}# \t\n\r\x85\u2028\ufeff-?ab:", max_size=60))
def test_the_quick_scans_give_the_bounds_the_regexes_gave(text: str) -> None:
    # The single-scan flow bound and the line-prefix scan are rewrites for speed: same figures as before.
    assert reader._flow_bound(text) == _old_flow_bound(text)
    old_prefix = max(map(len, _OLD_LINE_PREFIX.findall(text)))
    assert reader._nesting_bound(text) == _old_flow_bound(text) + 2 * (old_prefix + 2)
