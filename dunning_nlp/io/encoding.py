"""Guess the text encoding of an export: UTF-8 (with or without BOM), UTF-16, GB18030/GBK, Big5 or cp1252.

Exports from Chinese Windows tools are often GBK; Taiwanese and Hong Kong
tools write Big5; Western tools write cp1252.  BOMs decide first; then
strict UTF-8 on a sample.  What follows is a guess, and readers say so in
the row (:func:`guess_note`):

- bytes that are valid GB2312 (the 6,763 common simplified characters) are
  read as GB18030.  A few Chinese characters are valid in both GBK and Big5,
  and a detector picks Big5 for short GBK files (``请还款`` → ``③遜遴``), so
  GB wins a tie; pass ``encoding="big5"`` for a short Big5 file;
- otherwise charset-normalizer (a maintained detector) chooses among
  GB18030, Big5 and cp1252, so that accented Western text (``café``) is not
  read as Chinese and an exotic code page is never picked.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["detect_encoding", "decode_line", "decode_with", "guess_note", "is_guess", "CANDIDATES"]

CANDIDATES = ("utf_8", "gb18030", "big5", "cp1252", "utf_16")
_SAMPLE = 256 * 1024
_CERTAIN = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be")
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "big5hkscs": "big5",
    "cp950": "big5",
    "windows-1252": "cp1252",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "utf_8": "utf-8",
}


def _clean_except_cut(sample: bytes, encoding: str) -> bool:
    """True when ``sample`` decodes strictly, allowing only a character split by the sample's end."""
    try:
        sample.decode(encoding)
        return True
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 3 and len(sample) >= _SAMPLE - 4


#: What UTF-16 text from a phone holds: CJK, kana, full-width forms, Latin, punctuation, emoji halves.
_PLAUSIBLE = re.compile(
    "[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\ud800-\udfff\U0001f000-\U0001faff]"
)


def _bomless_utf16(sample: bytes) -> str:
    """``utf-16-le`` / ``utf-16-be`` for Chinese UTF-16 without a byte-order mark, else ''.

    Line breaks decide (``0A 00`` at an even offset is a UTF-16-LE newline, and UTF-8 or GBK text never holds
    a NUL byte), then nearly every character must be one a message holds.
    """
    for codec, newline, offset in (("utf-16-le", b"\n\x00", 0), ("utf-16-be", b"\x00\n", 0)):
        if not any(i % 2 == offset for i in _find_all(sample, newline)):
            continue
        text = sample[: len(sample) - len(sample) % 2].decode(codec, errors="surrogatepass")
        plausible = len(_PLAUSIBLE.findall(text))
        if text and plausible >= 0.95 * len(text):
            return codec
    return ""


def _find_all(data: bytes, needle: bytes, limit: int = 64) -> list[int]:
    found: list[int] = []
    start = 0
    while len(found) < limit:
        i = data.find(needle, start)
        if i == -1:
            break
        found.append(i)
        start = i + 1
    return found


def detect_encoding(sample: bytes) -> str:
    """Return a Python codec name for the bytes at the start of a file (see the module notes)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) < len(sample) // 8:
        return "utf-16-le"
    bomless = _bomless_utf16(sample)
    if bomless:
        return bomless
    if _clean_except_cut(sample, "utf-8"):
        return "utf-8"
    if _clean_except_cut(sample, "gb2312"):
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["gb18030", "big5", "cp1252"]).best()
    if best is None:
        return "gb18030"
    return _ALIASES.get(best.encoding, best.encoding)


def is_guess(encoding: str) -> bool:
    """True when text decoded with ``encoding`` rests on a guess (no BOM, not valid UTF-8)."""
    return codecs.lookup(encoding).name not in _CERTAIN


def guess_note(encoding: str) -> str:
    """The note a row carries when its bytes were decoded with a guessed encoding."""
    name = codecs.lookup(encoding).name
    name = {"gb18030": "GB18030 (GBK)", "big5": "Big5", "cp1252": "cp1252 (Western)"}.get(name, name)
    return f"encoding guessed as {name} (the file is not UTF-8); if the text looks wrong, convert the file to UTF-8"


def decode_with(raw: bytes, encoding: str) -> tuple[str, str]:
    """Decode one line of a file whose sample looked like ``encoding``.  Returns (text, codec used or '').

    Strict UTF-8 is tried first on every line: GBK or Big5 bytes almost
    never form valid UTF-8, while UTF-8 bytes often "decode" as GBK
    garbage.  So a file that mixes a UTF-8 header with GBK rows reads right.
    The codec is '' when no candidate fits and the line is shown with U+FFFD.
    """
    for candidate in dict.fromkeys(("utf-8", encoding, "gb18030", "big5")):
        try:
            return raw.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    return raw.decode(encoding, errors="replace"), ""


def decode_line(raw: bytes, encoding: str) -> tuple[str, bool]:
    """Decode one line (see :func:`decode_with`).  Returns (text, clean); a leading BOM is dropped."""
    text, used = decode_with(raw, encoding)
    return text.lstrip("\ufeff"), bool(used)
