"""Masking of phone, ID and bank-card numbers in what the tool writes.

SMS dumps are private.  With ``--redact`` every text field written by
``batch`` (and ``report``) goes through :func:`redact`, which keeps the
first and last digits so a reader can still tell numbers apart:
``13812345678`` → ``138****5678``.  Covered: mainland mobiles (with or
without +86 and separators), Hong Kong (+852, 8 digits) and Taiwan (+886 /
09xx) phones, landlines with area codes, 18-digit resident ID numbers (and
15-digit old ones) and bank cards of 13–19 digits, grouped or not.
"""

from __future__ import annotations

import re

__all__ = ["redact", "PATTERNS"]

_D = r"(?<![0-9])"
_E = r"(?![0-9])"
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id", re.compile(_D + r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])\d{3}[0-9Xx]" + r"(?![0-9Xx])")),
    ("card", re.compile(_D + r"(?:\d{4}[ -]){2,4}\d{1,7}" + _E + "|" + _D + r"\d{13,19}" + _E)),
    ("id15", re.compile(_D + r"[1-9]\d{14}" + _E)),
    ("phone", re.compile(
        _D + r"(?:(?:\+|00)86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}" + _E
        + "|" + r"(?:\+|00)852[- ]?[2-9]\d{3}[- ]?\d{4}" + _E
        + "|" + _D + r"[5-9]\d{3}[- ]\d{4}" + _E
        + "|" + r"(?:\+|00)886[- ]?9\d{2}[- ]?\d{3}[- ]?\d{3}" + _E
        + "|" + _D + r"09\d{2}[- ]?\d{3}[- ]?\d{3}" + _E
        + "|" + _D + r"0\d{2,3}[- ]?\d{7,8}" + _E)),
)


def _mask(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    keep_head, keep_tail = (3, 4) if len(digits) >= 11 else (2, 2)
    hidden = set(digits[keep_head:len(digits) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def redact(text: str) -> str:
    """Mask phone, ID and bank-card numbers in ``text``.

    >>> redact("联系13812345678，卡号6222021234567890123")
    '联系138****5678，卡号622************0123'
    """
    if not text:
        return text
    for _, pattern in PATTERNS:
        text = pattern.sub(_mask, text)
    return text
