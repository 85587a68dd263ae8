"""The presence patterns of dunning_nlp.text._prefilter match exactly when the original patterns do."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

from dunning_nlp.text import normalize
from dunning_nlp.text._prefilter import (
    _CASE_EXTRA,
    FastSub,
    _unicode_digits,
    _unicode_spaces,
    first_chars,
    presence_pattern,
)
from dunning_nlp.text.normalize import COMPACT, normalize_text
from dunning_nlp.text.signals import SIGNALS, present_columns


@pytest.mark.parametrize("regex, expected", [
    ("abc", {"a"}),
    ("a|bc|[de]", {"a", "b", "d", "e"}),
    ("(?:x?y)+z", {"x", "y"}),
    ("(?<![a-z])q", {"q"}),
    ("\\bfoo", {"f"}),
    ("(?i:ab)", {"a", "A"}),
    ("(?i:s)", {"s", "S", "ſ"}),
    ("(?a:\\d)x", set("0123456789")),
    ("(?a:\\s)x", set(" \t\n\r\f\v")),
])
def test_first_chars(regex, expected):
    assert first_chars(re.compile(regex)) == expected


@pytest.mark.parametrize("regex", [".a", "[^a]b", "\\wa", "\\Sa", "a?", "x*", "(?:)", "(?i:é)"])
def test_first_chars_unknown(regex):
    assert first_chars(re.compile(regex)) is None
    assert presence_pattern(re.compile(regex)).pattern == regex


def test_ignorecase_extras_are_all_of_unicode():
    """Every character that IGNORECASE takes for an ASCII letter is listed (scans the whole of Unicode)."""
    letters = re.compile("[a-z]", re.IGNORECASE)
    found = {chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and letters.fullmatch(chr(c))}
    listed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") | set("".join(_CASE_EXTRA.values()))
    assert found == listed


def test_digit_and_space_classes_are_all_of_unicode():
    """\\d and \\s in a str pattern: the sets listed are exactly what the engine matches (the whole of Unicode)."""
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert set(re.findall(r"\d", everything)) == _unicode_digits()
    assert set(re.findall(r"\s", everything)) == _unicode_spaces()
    assert first_chars(re.compile(r"\d+元")) == _unicode_digits()
    assert presence_pattern(re.compile(r"(?<![0-9])\d{3}")).pattern.startswith("[\\d]")


def test_lookarounds_see_the_text_around_the_candidate():
    pattern = re.compile("(?<![a-z])(?:qq|wx)(?![a-z])")
    fast = presence_pattern(pattern)
    assert fast is not pattern
    for text in ["加qq", "aqq", "qqa", "x qq y", "wxq", "wx", "qwx"]:
        assert bool(fast.search(text)) == bool(pattern.search(text)), text


@pytest.mark.slow
def test_present_columns_equal_plain_search_on_the_corpus(corpus_rows):
    for row in corpus_rows[::3]:
        for form in (normalize_text(row["text"]), normalize_text(row["text"], compact=True)):
            assert present_columns(form) == [i for i, s in enumerate(SIGNALS) if s.pattern.search(form)]


_PIECES = sorted({piece for s in SIGNALS for piece in re.findall(r"[\u4e00-\u9fff]+|[A-Za-z]+", s.pattern.pattern)}
                 | set(COMPACT) | set(COMPACT.values()) | {"K", "ſ", "İ", " ", "x", "5", "的", "您"})


@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_present_columns_equal_plain_search_on_generated_text(pieces):
    text = "".join(pieces)
    assert present_columns(text) == [i for i, s in enumerate(SIGNALS) if s.pattern.search(text)]


def test_fast_sub_matches_where_sub_does():
    """Lookbehinds see the text before a candidate; matching resumes after each match, as ``re.sub`` does."""
    pattern = re.compile(r"(?<![0-9])1[3-9]\d{3}(?![0-9])")
    fast = FastSub(pattern)
    assert fast._finder() is not None
    for text in ["13800", "213800", "13800 14900", "1380014900", "x13800y", "", "电话13800、14999"]:
        assert fast.sub("P", text) == pattern.sub("P", text), text
        assert fast.sub(lambda m: m.group(0)[::-1], text) == pattern.sub(lambda m: m.group(0)[::-1], text), text
    unknown = re.compile(r"\w+")  # first characters not told: the plain substitution
    assert FastSub(unknown)._finder() is None
    assert FastSub(unknown).sub("-", "ab cd") == "- -"


def test_fast_sub_replacements_behave_as_in_re_sub():
    """Group references in a string replacement are expanded, a literal backslash escape too, and a function
    that returns None writes nothing — as ``re.sub`` does."""
    pattern = re.compile(r"(?<![0-9])(\d)(?P<tail>x+)")
    fast = FastSub(pattern)
    for text in ["1x2xx", "a1xb", "11x", "9x 8xxx"]:
        for repl in (r"<\1>", r"\g<tail>\g<1>", r"[\\]", "plain"):
            assert fast.sub(repl, text) == pattern.sub(repl, text), (repl, text)
        assert fast.sub(lambda m: None, text) == pattern.sub(lambda m: "", text)


_ENTITY_PATTERNS = [pattern for pattern, _ in normalize._ENTITY_RULES] + [
    normalize._SPLIT_RE,
    normalize._XMASK_RE,
    normalize._CODE_RE,
    normalize._CODE_AFTER_RE,
    normalize._ANON_RE,
    normalize._DODGED_RE,
]


def test_the_normalisers_rules_take_the_fast_path():
    """Every rule the normaliser wraps in FastSub really is matched from candidates (else the equivalence tests
    below would compare ``pattern.sub`` with itself)."""
    assert all(FastSub(pattern)._finder() is not None for pattern in _ENTITY_PATTERNS)


@pytest.mark.slow
def test_fast_sub_equals_sub_on_the_corpus(corpus_rows):
    for row in corpus_rows[::3]:
        text = normalize_text(row["text"], placeholders=False)
        for pattern in _ENTITY_PATTERNS:
            assert FastSub(pattern).sub("⟪X⟫", text) == pattern.sub("⟪X⟫", text), (pattern.pattern, text)


@given(
    st.text(
        alphabet="0123456789１٣ -./:年月日号点分元万¥xX×卡号账户:*http://a.cnwww.HTTPWWWKſİCODEcode验证码为DIGITNAMEURL一",
        max_size=40,
    )
)
def test_fast_sub_equals_sub_on_generated_text(text):
    for pattern in _ENTITY_PATTERNS:
        assert FastSub(pattern).sub("⟪X⟫", text) == pattern.sub("⟪X⟫", text), pattern.pattern
