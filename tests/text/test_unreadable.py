"""The lost-character class of :mod:`dunning_nlp.text.unreadable` is the Unicode definition, as one regex."""

from __future__ import annotations

import sys
import unicodedata

from dunning_nlp.text.unreadable import _LOST, looks_unreadable


def test_lost_class_is_fffd_controls_and_private_use_over_all_of_unicode():
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates never reach a str of a message
        ch = chr(code)
        if ch.isspace():
            continue  # blank characters are dropped before counting
        expected = ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co")
        assert bool(_LOST.fullmatch(ch)) is expected, hex(code)


def test_lost_text_and_readable_text():
    assert looks_unreadable("\ufffd\ufffd\ufffd\ufffd欠\ufffd\ufffd")
    assert looks_unreadable("\x01\x02\x03好")
    assert not looks_unreadable("好\ufffd的")  # fewer than three lost characters
