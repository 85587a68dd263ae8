"""The presence patterns of dunning_nlp.text._prefilter match exactly when the original patterns do."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

from dunning_nlp.text._prefilter import _CASE_EXTRA, first_chars, presence_pattern
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
])
def test_first_chars(regex, expected):
    assert first_chars(re.compile(regex)) == expected


@pytest.mark.parametrize("regex", [".a", "[^a]b", "\\da", "a?", "x*", "(?:)", "(?i:é)"])
def test_first_chars_unknown(regex):
    assert first_chars(re.compile(regex)) is None
    assert presence_pattern(re.compile(regex)).pattern == regex


def test_ignorecase_extras_are_all_of_unicode():
    """Every character that IGNORECASE takes for an ASCII letter is listed (scans the whole of Unicode)."""
    letters = re.compile("[a-z]", re.IGNORECASE)
    found = {chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and letters.fullmatch(chr(c))}
    listed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") | set("".join(_CASE_EXTRA.values()))
    assert found == listed


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
