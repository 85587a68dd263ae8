"""Android "SMS Backup & Restore" XML (``<smses>`` of ``<sms>`` and ``<mms>``).

Parsed as a stream (memory stays flat for multi-gigabyte backups) with
defusedxml, which refuses entity declarations (billion-laughs bombs) and
external entities.  The app writes characters outside the Basic
Multilingual Plane (emoji) as pairs of UTF-16 surrogate character
references (``&#55357;&#56832;``), which XML forbids; :class:`_RefRepair`
rewrites them to one valid reference on the fly, and a lone surrogate
reference to U+FFFD.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator
from xml.etree.ElementTree import ParseError

from .message import Message, from_epoch, get_tz

__all__ = ["read_android_xml"]

_PAIR = re.compile(rb"&#(x[dD][89abAB][0-9a-fA-F]{2}|5[5-6]\d{3});&#(x[dD][c-fC-F][0-9a-fA-F]{2}|5[6-7]\d{3});")
_LONE = re.compile(rb"&#(x[dD][89a-fA-F][0-9a-fA-F]{2}|5529[6-9]|55[3-9]\d{2}|5[6-7]\d{3});")
_HIGH_END = re.compile(rb"&#(x[dD][89abAB][0-9a-fA-F]{2}|5529[6-9]|55[3-9]\d{2}|56[0-2]\d{2}|563[01]\d);\Z")
_MAX_ATTR = 2_000_000  # longest body kept; bounded so one hostile attribute cannot exhaust memory


def _ref_value(ref: bytes) -> int:
    return int(ref[1:], 16) if ref[:1] in (b"x", b"X") else int(ref)


def _pair(match: re.Match[bytes]) -> bytes:
    hi, lo = _ref_value(match.group(1)), _ref_value(match.group(2))
    if 0xD800 <= hi <= 0xDBFF and 0xDC00 <= lo <= 0xDFFF:
        return b"&#%d;" % (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
    return b"&#65533;&#65533;"


def _lone(match: re.Match[bytes]) -> bytes:
    return b"&#65533;" if 0xD800 <= _ref_value(match.group(1)) <= 0xDFFF else match.group(0)


class _RefRepair:
    """File-like wrapper that repairs surrogate character references while streaming.

    A pair can straddle the end of a read chunk (``…&#55357;&#568`` | ``32;…``),
    so the end of each chunk is held back from the last ``&`` near it, and
    further back to a complete high-surrogate reference just before that ``&``:
    both halves of a pair are always repaired together, never as two lone
    halves turned into U+FFFD.
    """

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.tail = b""

    def read(self, size: int = 65536) -> bytes:
        while True:
            chunk = self.raw.read(max(size, 64))
            data = self.tail + chunk
            if not chunk:  # end of file: repair what is left
                self.tail = b""
                return _repair(data)
            cut = _safe_cut(data)
            self.tail, data = data[cut:], data[:cut]
            if data:  # never hand an empty chunk to the parser before the end: it would stop there
                return _repair(data)


def _repair(data: bytes) -> bytes:
    """Rewrite surrogate pairs to one reference each and lone surrogates to U+FFFD."""
    return _LONE.sub(_lone, _PAIR.sub(_pair, data))


def _safe_cut(data: bytes) -> int:
    """Where to split ``data`` so that no character reference, nor a surrogate pair, is cut in two."""
    cut = data.rfind(b"&", max(0, len(data) - 24))
    if cut == -1:
        return len(data)
    high = _HIGH_END.search(data, max(0, cut - 12), cut)
    return high.start() if high else cut


def _direction(kind: str) -> str:
    return {"1": "received", "2": "sent", "3": "draft", "4": "outbox", "5": "failed", "6": "queued"}.get(kind, kind)


def read_android_xml(path: str, *, tz: str | None = None) -> Iterator[Message]:
    """Yield one :class:`Message` per ``<sms>`` / ``<mms>``; a parse error yields an error record and stops."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    zone = get_tz(tz)
    number = 0
    with open(path, "rb") as raw:
        events = iterparse(_RefRepair(raw), events=("start", "end"), forbid_dtd=False, forbid_entities=True,
                           forbid_external=True)
        root = None
        try:
            for event, elem in events:
                if root is None and event == "start":
                    root = elem
                    continue
                if event != "end" or elem.tag not in ("sms", "mms"):
                    continue
                number += 1
                yield _message(path, number, elem, zone)
                elem.clear()
                if root is not None:
                    root.clear()  # drop finished records: memory stays flat
        except ParseError as exc:
            line, col = getattr(exc, "position", (0, 0))
            yield Message(path, number + 1, error=f"XML broken at line {line}, column {col} ({exc}); "
                                                  f"records after this point cannot be read")
        except DefusedXmlException as exc:
            yield Message(path, number + 1, error=f"XML refused: {type(exc).__name__} (entity declarations and "
                                                  f"external entities are not allowed)")


def _message(path: str, number: int, elem, zone) -> Message:
    attrs = elem.attrib
    sender = attrs.get("address", "")
    if attrs.get("contact_name") and attrs.get("contact_name") != "(Unknown)":
        sender = f"{sender} ({attrs['contact_name']})" if sender else attrs["contact_name"]
    stamp = ""
    date = attrs.get("date", "")
    if date.lstrip("-").isdigit():
        stamp = from_epoch(int(date) / 1000, zone)
    if elem.tag == "sms":
        text = attrs.get("body", "")
        direction = _direction(attrs.get("type", ""))
    else:
        parts = [p.attrib.get("text", "") for p in elem.iter("part") if p.attrib.get("ct", "").startswith("text/plain")]
        text = "\n".join(t for t in parts if t)
        direction = {"1": "received", "2": "sent"}.get(attrs.get("msg_box", ""), attrs.get("msg_box", ""))
    error = ""
    if text == "null":  # the app writes the string "null" for a missing body
        text = ""
    if len(text) > _MAX_ATTR:
        text, error = text[:_MAX_ATTR], f"body longer than {_MAX_ATTR} characters: truncated"
    return Message(path, number, text=text, sender=sender, timestamp=stamp, direction=direction, error=error)
