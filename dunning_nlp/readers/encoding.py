"""Guess the text encoding of an export: UTF-8 (with or without BOM), UTF-16, GB18030/GBK or Big5.

Exports from Chinese Windows tools are often GBK; Taiwanese and Hong Kong
tools write Big5.  BOMs decide first; then strict UTF-8 on a sample; then
charset-normalizer (a maintained detector) restricted to the encodings
SMS exports actually use, so that it cannot pick an exotic code page.
"""

from __future__ import annotations

import codecs

__all__ = ["detect_encoding", "decode_line", "CANDIDATES"]

CANDIDATES = ("utf_8", "gb18030", "big5", "utf_16")
_SAMPLE = 256 * 1024


def detect_encoding(sample: bytes) -> str:
    """Return a Python codec name for the bytes at the start of a file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) < len(sample) // 8:
        return "utf-16-le"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(sample) >= _SAMPLE - 4:
            return "utf-8"  # only the sample's cut split a character
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["gb18030", "big5", "utf_8"]).best()
    if best is None:
        return "gb18030"
    name = best.encoding
    return {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5hkscs": "big5"}.get(name, name)


def decode_line(raw: bytes, encoding: str) -> tuple[str, bool]:
    """Decode one line of a file whose sample looked like ``encoding``.  Returns (text, clean).

    Strict UTF-8 is tried first on every line: GBK or Big5 bytes almost
    never form valid UTF-8, while UTF-8 bytes often "decode" as GBK
    garbage.  So a file that mixes a UTF-8 header with GBK rows reads right.
    """
    for candidate in dict.fromkeys(("utf-8", "utf-8-sig" if encoding == "utf-8-sig" else "utf-8", encoding,
                                    "gb18030", "big5")):
        try:
            return raw.decode(candidate), True
        except UnicodeDecodeError:
            continue
    return raw.decode(encoding, errors="replace"), False
