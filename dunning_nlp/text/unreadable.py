"""Bodies that are not text a person wrote: encrypted or binary blobs, and text lost in decoding.

Some exports hold messages that no reader can turn back into words: an SMS
app that encrypts its database writes base64 or hex ciphertext into the
body column, a binary part read as text gives control characters, a body in
an encoding that was lost gives a run of U+FFFD.  A classifier given such a
body still answers (base64 looks like a link or a code to it), and the
answer is noise.  :func:`looks_unreadable` tells these bodies apart so that
they are marked unreadable instead of classified.

The test is deliberately conservative — a message that a person could read
is never called unreadable:

* **a blob**: no CJK character at all, and runs of base64 or hex (at least
  32 characters each, no spaces, not inside a link) make up at least 70 % of the non-blank
  characters, with the character entropy of random data (base64 at least
  4.5 bits per character and mixing upper case, lower case and digits; hex
  at least 3.3 bits); or
* **lost text**: at least 30 % of the non-blank characters are U+FFFD,
  control characters or private-use characters, and there are at least three
  of them.

A long URL, an English sentence, a tracking number or a verification code do
not pass: URLs and sentences break the runs with ``.``, ``:`` or spaces, and
codes are short.

>>> looks_unreadable("U2FsdGVkX1+vupppZksvRf5pq5g5XjFRlipRkwB0K1Y96Qsv2Lm+31cmzaAILwytX/z66ZVWEQM/ccf1g")
True
>>> looks_unreadable("3f7a9c0e5b2d4186a7f0c3e9b5d21478e6a0c4f2b9d7183e5a2c0f6b4d8e1a97")
True
>>> looks_unreadable("\\ufffd\\ufffd\\ufffd\\ufffd欠\\ufffd\\ufffd")
True
>>> looks_unreadable("您的借款已逾期3天，请登录APP还款 https://m.example.com/aGVsbG8gd29ybGQgdGhpcyBpcyBsb25n")
False
>>> looks_unreadable("https://xhslink.com/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")
False
>>> looks_unreadable("Your verification code is 482913. Do not share it.")
False
>>> looks_unreadable("pneumonoultramicroscopicsilicovolcanoconiosis")
False
>>> looks_unreadable("")
False
"""

from __future__ import annotations

import math
import re
from collections import Counter

__all__ = ["looks_unreadable"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{32,}={0,2}")
_HEX_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])")
#: A link: its path may look random, but a link is something a person can read and follow.
_URL = re.compile(r"(?i:https?://|www\.)\S+")
#: Share of the non-blank characters that the runs must cover.
_RUN_SHARE = 0.7
#: Bits per character below which a run is not random enough to be ciphertext (random base64 gives about 5.5
#: over 64 characters, random hex about 3.8; English words stay under 4.2 and use one case).
_BASE64_ENTROPY = 4.5
_HEX_ENTROPY = 3.3
_LOST_SHARE = 0.3
#: Characters lost in decoding: U+FFFD, control characters (Unicode category Cc: U+0000–001F, U+007F–009F) and
#: private-use characters (category Co).  Line breaks and tabs are controls too, but :func:`looks_unreadable`
#: counts only non-blank characters, so they never reach this class.  One regex, not a category lookup per
#: character: it runs on every message ``batch`` classifies.
_LOST = re.compile("[\ufffd\x00-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
_LOST_MIN = 3


def _entropy(text: str) -> float:
    """Shannon entropy of the characters of ``text``, in bits per character."""
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _mixed(run: str) -> bool:
    return any(c.isupper() for c in run) and any(c.islower() for c in run) and any(c.isdigit() for c in run)


def looks_unreadable(text: str) -> bool:
    """True when ``text`` is an encrypted or binary blob, or mostly characters lost in decoding.

    See the module docstring for the exact test; an empty body is not "unreadable" (it is empty).
    """
    visible = "".join((text or "").split())
    if not visible:
        return False
    lost = len(_LOST.findall(visible))
    if lost >= _LOST_MIN and lost / len(visible) >= _LOST_SHARE:
        return True
    if _CJK.search(visible):
        return False
    text = _URL.sub(" ", text)
    hex_runs = _HEX_RUN.findall(text)
    if hex_runs and sum(map(len, hex_runs)) / len(visible) >= _RUN_SHARE:
        return _entropy("".join(hex_runs)) >= _HEX_ENTROPY
    runs = [run for run in _BASE64_RUN.findall(text) if _mixed(run)]
    if not runs or sum(map(len, runs)) / len(visible) < _RUN_SHARE:
        return False
    return _entropy("".join(runs)) >= _BASE64_ENTROPY
