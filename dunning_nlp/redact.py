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
with dots (``138.1234.5678``) and QQ numbers.  Numbers are matched after
folding full-width digits and separators to ASCII (as NFKC does), so
``１３８１２３４５６７８`` is caught; the rest of the text is left as written.
"""

from __future__ import annotations

import re

from .text.normalize import PERSONAL_NUMBERS

__all__ = ["redact", "PATTERNS"]

_D = r"(?<![0-9])"
_E = r"(?![0-9])"
#: What redaction masks beyond the normaliser's catalogue.
_EXTRA: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id15", re.compile(_D + r"[1-9]\d{14}" + _E)),
    ("card", re.compile(_D + r"(?:\d{4}[ -]){2,4}\d{1,7}" + _E + "|" + _D + r"\d{13,19}" + _E)),
    ("phone", re.compile(
        _D + r"(?:(?:\+|00)86[- .]?)?1[3-9]\d[- .]?\d{4}[- .]?\d{4}" + _E
        + "|" + _D + r"[5-9]\d{3}[- ]\d{4}" + _E
        + "|" + _D + r"0\d{2,3}[- .]?\d{7,8}" + _E)),
    ("qq", re.compile(r"(?:(?<![a-z])qq|扣扣|企鹅)[号:： ]*\d{5,11}" + _E, re.IGNORECASE)),
)
#: Every pattern :func:`redact` applies, in order: the shared catalogue, then the extras.
#: (A number that is already masked, ``6222****1234``, is left as it is.)
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, pattern) for kind, pattern in PERSONAL_NUMBERS if kind != "masked") + _EXTRA
# Full-width digits and the separators written between them, folded as NFKC would (one character each,
# so positions in the folded text are positions in the original).
_FOLD = str.maketrans("０１２３４５６７８９＋－．　", "0123456789+-. ")
_HAS_DIGIT = re.compile(r"[0-9０-９]")


def _mask(span: str, folded: str) -> str:
    """``span`` (as written) with the middle digits of ``folded`` (its ASCII-folded twin) starred."""
    digits = [i for i, ch in enumerate(folded) if ch.isdigit()]
    keep_head, keep_tail = (3, 4) if len(digits) >= 11 else (2, 2)
    hidden = set(digits[keep_head:len(digits) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(span))


def redact(text: str) -> str:
    """Mask phone, ID, bank-card and QQ numbers in ``text``.

    >>> redact("联系13812345678，卡号6222021234567890123")
    '联系138****5678，卡号622************0123'
    >>> redact("电话１３８１２３４５６７８ 或 138.1234.5678，QQ 12345678")
    '电话１３８****５６７８ 或 138.****.5678，QQ 12****78'
    """
    if not text or not _HAS_DIGIT.search(text):
        return text
    for _, pattern in PATTERNS:
        text = _apply(pattern, text, text.translate(_FOLD))
    return text


def _apply(pattern: re.Pattern[str], text: str, folded: str) -> str:
    """Mask the matches of ``pattern`` in the folded text, writing the original characters around them."""
    out, last = [], 0
    for match in pattern.finditer(folded):
        out.append(text[last:match.start()])
        out.append(_mask(text[match.start():match.end()], match.group(0)))
        last = match.end()
    out.append(text[last:])
    return "".join(out)
