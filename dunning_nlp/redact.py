"""Masking of phone, ID, bank-card and QQ numbers in what the tool writes.

SMS dumps are private.  With ``--redact`` every text field written by
``batch`` (and ``report``) goes through :func:`redact`, which keeps the
first and last digits so a reader can still tell numbers apart:
``13812345678`` → ``138****5678``.

One catalogue of entities: every number pattern the normaliser recognises as
personal (:data:`dunning_nlp.text.normalize.PERSONAL_NUMBERS`: ID numbers, masked
numbers, account numbers after 卡号/账号, bank cards, mobile and landline
phones) is masked here too, so what the model reads as a phone number is
never written in clear.  Redaction adds what only matters for privacy:
old 15-digit IDs, 13–15-digit cards, Hong Kong local numbers, phones written
with dots (``138.1234.5678``) and QQ numbers.

Numbers are matched in the text as the normaliser reads it, character by
character (:func:`dunning_nlp.text.normalize.normalize_text` without
placeholders: NFKC, invisible characters removed), so every digit form the
model reads as a number is masked too: full-width ``１３８…``, mathematical
bold ``𝟏𝟑𝟖…``, superscripts, circled digits, and numbers split by
zero-width characters (``138\u200b1234\u200b5678``).  Only the digits are
starred, in the characters as written; the rest of the text is left as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text.normalize import PERSONAL_NUMBERS, normalize_text

__all__ = ["redact", "PATTERNS"]

_D = r"(?<![0-9])"
_E = r"(?![0-9])"
#: What redaction masks beyond the normaliser's catalogue.
_EXTRA: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id15", re.compile(_D + r"[1-9]\d{14}" + _E)),
    ("card", re.compile(_D + r"(?:\d{4}[ -]){2,4}\d{1,7}" + _E + "|" + _D + r"\d{13,19}" + _E)),
    (
        "phone",
        re.compile(
            _D
            + r"(?:(?:\+|00)86[- .]?)?1[3-9]\d[- .]?\d{4}[- .]?\d{4}"
            + _E
            + "|"
            + _D
            + r"[5-9]\d{3}[- ]\d{4}"
            + _E
            + "|"
            + _D
            + r"0\d{2,3}[- .]?\d{7,8}"
            + _E
        ),
    ),
    ("qq", re.compile(r"(?:(?<![a-z])qq|扣扣|企鹅)[号:： ]*\d{5,11}" + _E, re.IGNORECASE)),
)
#: Every pattern :func:`redact` applies, in order: the shared catalogue, then the extras.
#: (A number that is already masked, ``6222****1234``, is left as it is.)
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    tuple((kind, pattern) for kind, pattern in PERSONAL_NUMBERS if kind != "masked") + _EXTRA
)
_HAS_DIGIT = re.compile(
    r"\d|[\u00b2\u00b3\u00b9\u2070-\u209f\u2150-\u218f\u2460-\u24ff\u2776-\u2793"
    r"\u3220-\u3229\u3248-\u324f\u3251-\u325f\u3280-\u3289\u32b1-\u32bf\U0001f100-\U0001f10c]"
)
_KEEP = frozenset("\n\r\t")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """What the normaliser reads for one character: its NFKC form, '' for an invisible one, ' ' for a space."""
    if char in _KEEP:
        return char
    if char.isspace():
        return " "
    return normalize_text(char, traditional=False, deobfuscate=False, placeholders=False)


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` as the normaliser reads it, and for each folded character the index it comes from."""
    if text.isascii():
        return text, list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = char if char.isascii() else _fold_char(char)
        chars.append(folded)
        origin.extend([i] * len(folded))
    return "".join(chars), origin


def redact(text: str) -> str:
    """Mask phone, ID, bank-card and QQ numbers in ``text``.

    >>> redact("联系13812345678，卡号6222021234567890123")
    '联系138****5678，卡号622************0123'
    >>> redact("电话１３８１２３４５６７８ 或 138.1234.5678，QQ 12345678")
    '电话１３８****５６７８ 或 138.****.5678，QQ 12****78'
    >>> redact("𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖 或 138\u200b1234\u200b5678")
    '𝟏𝟑𝟖****𝟓𝟔𝟕𝟖 或 138\u200b****\u200b5678'
    """
    if not text or not _HAS_DIGIT.search(text):
        return text
    for _, pattern in PATTERNS:
        text = _apply(pattern, text)
    return text


def _apply(pattern: re.Pattern[str], text: str) -> str:
    """Mask the matches of ``pattern`` in the folded text, starring the digits as written in ``text``."""
    folded, origin = _folded(text)
    out, last = [], 0
    for match in pattern.finditer(folded):
        start, end = match.start(), match.end()
        first, stop = max(origin[start], last), origin[end - 1] + 1
        digits = [i for i in range(start, end) if folded[i].isdigit()]
        keep_head, keep_tail = (3, 4) if len(digits) >= 11 else (2, 2)
        hidden = {origin[i] for i in digits[keep_head : len(digits) - keep_tail]}
        out.append(text[last:first])
        out.append("".join("*" if j in hidden else text[j] for j in range(first, stop)))
        last = stop
    out.append(text[last:])
    return "".join(out)
