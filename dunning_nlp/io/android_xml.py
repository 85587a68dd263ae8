"""Android "SMS Backup & Restore" XML (``<smses>`` of ``<sms>`` and ``<mms>``).

Parsed as a stream with defusedxml, which refuses entity declarations
(billion-laughs bombs) and external entities.  No tree is built: a parser
target keeps only the record being read (an ``<sms>``, or an ``<mms>`` and
its ``<part>`` attributes), so memory stays flat however many other elements
a file holds, siblings or nested (nesting deeper than :data:`MAX_DEPTH`
stops the file with one error record).

The bytes are decoded before the parser sees them, in the encoding the file
declares (``encoding="GBK"`` or Big5, which the XML parser cannot read
itself), its byte-order mark, or UTF-8, and handed on as UTF-8.  On the way,
what the app or a damaged file writes that XML forbids is repaired instead of
ending the file: UTF-16 surrogate pairs written as two character references
(``&#55357;&#56832;``, how the app writes emoji) become one, and a lone
surrogate, a reference to a forbidden character (``&#1;``), a raw control
character and a byte that is not valid in the encoding become U+FFFD; a bare
``&`` is read as text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

from .message import Message, direction_of, epoch_to_iso, get_tz

__all__ = ["read_android_xml", "read_backup", "MAX_DEPTH"]

_MAX_ATTR = 2_000_000  # longest body kept; bounded so one hostile attribute cannot exhaust memory
#: Deepest element nesting read; a deeper file stops there with an error record (real backups nest 3 deep).
MAX_DEPTH = 100_000
_READ = 65536

_HIGH = r"x[dD][89abAB][0-9a-fA-F]{2}|5529[6-9]|55[3-9]\d{2}|56[0-2]\d{2}|563[01]\d"
_LOW = r"x[dD][c-fC-F][0-9a-fA-F]{2}|563[2-9]\d|56[4-9]\d{2}|57[0-2]\d{2}|573[0-3]\d|5734[0-3]"
_PAIR = re.compile(rf"&#({_HIGH});&#({_LOW});")
_NUMERIC = re.compile(r"&#(x[0-9a-fA-F]{1,8}|[0-9]{1,10});")
_HIGH_END = re.compile(rf"&#({_HIGH});\Z")
#: A ``&`` that starts no reference XML allows (predefined entities and character references).
_BARE_AMP = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,10}|#x[0-9a-fA-F]{1,8});)")
#: Characters XML 1.0 forbids, even as references.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")


def _ref_value(ref: str) -> int:
    return int(ref[1:], 16) if ref[:1] in "xX" else int(ref)


def _pair(match: re.Match[str]) -> str:
    hi, lo = _ref_value(match.group(1)), _ref_value(match.group(2))
    return f"&#{0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)};"


def _allowed(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _numeric(match: re.Match[str]) -> str:
    return match.group(0) if _allowed(_ref_value(match.group(1))) else "&#65533;"


def _repair(text: str) -> str:
    """Surrogate pairs to one reference; forbidden characters and references to them to U+FFFD; bare ``&``
    escaped."""
    if "&" in text:
        text = _NUMERIC.sub(_numeric, _PAIR.sub(_pair, text))
        text = _BARE_AMP.sub("&amp;", text)
    return _FORBIDDEN.sub("\ufffd", text)


def _safe_cut(text: str) -> int:
    """Where to split ``text`` so that no reference, nor a surrogate pair of references, is cut in two."""
    cut = text.rfind("&", max(0, len(text) - 24))
    if cut == -1:
        return len(text)
    high = _HIGH_END.search(text, max(0, cut - 12), cut)
    return high.start() if high else cut


def _encoding_of(head: bytes) -> str:
    """The codec of an XML file: its byte-order mark, else the encoding it declares, else UTF-8."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(b"<\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<"):
        return "utf-16-be"
    match = _DECLARED.match(head.lstrip())
    if match:
        try:
            name = codecs.lookup(match.group(1).decode("ascii")).name
        except LookupError:
            return "utf-8"
        if name.startswith(("utf-16", "utf-32")):  # declared, but the bytes read as ASCII: it is not
            return "utf-8"
        # GB2312/GBK declarations: GB18030 reads every GBK byte sequence and more
        return "gb18030" if name in ("gb2312", "gbk") else name
    return "utf-8"


class _RefRepair:
    """File-like wrapper that decodes an XML file and hands the parser repaired UTF-8 (see the module notes).

    A reference (or a surrogate pair of them) can straddle the end of a read chunk (``…&#55357;&#568`` |
    ``32;…``), so the end of each chunk is held back from the last ``&`` near it, and further back to a
    complete high-surrogate reference just before that ``&``: both halves of a pair are always repaired
    together, never as two lone halves turned into U+FFFD.
    """

    def __init__(self, raw: BinaryIO, encoding: str | None = None):
        self.raw = raw
        self.tail = ""
        self.encoding = encoding
        self.decoder: codecs.IncrementalDecoder | None = None

    def read(self, size: int = _READ) -> bytes:
        while True:
            chunk = self.raw.read(max(size, 64))
            if self.decoder is None:
                self.encoding = self.encoding or _encoding_of(chunk[:1024])
                self.decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
            decoder = self.decoder
            text = self.tail + decoder.decode(chunk, final=not chunk)
            if not chunk:  # end of file: repair what is left
                self.tail = ""
                return _repair(text).encode("utf-8")
            cut = _safe_cut(text)
            self.tail, text = text[cut:], text[:cut]
            if text:  # never hand an empty chunk to the parser before the end: it would stop there
                return _repair(text).encode("utf-8")


class _TooDeep(Exception):
    pass


class _Records:
    """Parser target: collects ``(tag, attributes, parts)`` of each finished ``<sms>``/``<mms>``, nothing else."""

    def __init__(self) -> None:
        self.depth = 0
        self.root = ""
        self.current: tuple[str, dict, list, int] | None = None
        self.done: list[tuple[str, dict, list]] = []

    def start(self, tag, attrib):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep()
        if self.depth == 1:
            self.root = tag
        elif self.current is None:
            if tag in ("sms", "mms"):
                self.current = (tag, attrib, [], self.depth)
        elif self.current[0] == "mms" and tag == "part":
            self.current[2].append(attrib)

    def end(self, tag):
        if self.current is not None and self.depth == self.current[3]:
            self.done.append(self.current[:3])
            self.current = None
        self.depth -= 1

    def close(self):
        return None


def read_android_xml(
    path: str, *, tz: str | None = None, source: str | None = None, info: dict | None = None
) -> Iterator[Message]:
    """Yield one :class:`Message` per ``<sms>`` / ``<mms>``; a parse error yields an error record and stops.

    Records name ``source`` (default ``path``); ``info``, when given, receives the root element's name
    (``"root"``).
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    source = source or path
    zone = get_tz(tz)
    records = _Records()
    parser = DefusedXMLParser(
        target=records, encoding="utf-8", forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    number = 0

    def finished() -> Iterator[Message]:
        nonlocal number
        done, records.done = records.done, []
        for tag, attrs, parts in done:
            number += 1
            yield _safe_message(source, number, tag, attrs, parts, zone)

    with open(path, "rb") as raw:
        stream = _RefRepair(raw)
        try:
            while True:
                data = stream.read(_READ)
                if not data:
                    parser.close()
                    break
                parser.feed(data)
                yield from finished()
            yield from finished()
        except ParseError as exc:
            yield from finished()
            line, col = getattr(exc, "position", (0, 0))
            yield Message(
                source,
                number + 1,
                error=f"XML broken at line {line}, column {col} ({exc}); records after this point cannot be read",
            )
        except DefusedXmlException as exc:
            yield from finished()
            yield Message(
                source,
                number + 1,
                error=f"XML refused: {type(exc).__name__} (entity declarations and external entities are not allowed)",
            )
        except _TooDeep:
            yield from finished()
            line = parser.parser.CurrentLineNumber
            yield Message(
                source,
                number + 1,
                error=f"XML nested deeper than {MAX_DEPTH:,} elements at line "
                f"{line}; records after this point cannot be read",
            )
        finally:
            if info is not None:
                info["root"] = records.root


def _safe_message(source: str, number: int, tag: str, attrs: dict, parts: list, zone) -> Message:
    """One record; should it hold a value no rule foresaw, an error record instead of a stopped file."""
    try:
        return _message(source, number, tag, attrs, parts, zone)
    except Exception as exc:  # noqa: BLE001 - reported in the record
        return Message(
            source, number, error=f"<{tag}> record {number} unreadable ({type(exc).__name__}: {str(exc)[:120]})"
        )


def _message(source: str, number: int, tag: str, attrs: dict, parts: list, zone) -> Message:
    sender = attrs.get("address", "")
    if attrs.get("contact_name") and attrs.get("contact_name") != "(Unknown)":
        sender = f"{sender} ({attrs['contact_name']})" if sender else attrs["contact_name"]
    stamp, problem = epoch_to_iso(attrs.get("date", ""), zone)
    if tag == "sms":
        text = attrs.get("body", "")
        direction = direction_of(attrs.get("type", ""))
    else:
        texts = [p.get("text", "") for p in parts if p.get("ct", "").startswith("text/plain")]
        text = "\n".join(t for t in texts if t)
        direction = direction_of(attrs.get("msg_box", ""))
    error = ""
    if text == "null":  # the app writes the string "null" for a missing body
        text = ""
    if len(text) > _MAX_ATTR:
        text, error = text[:_MAX_ATTR], f"body longer than {_MAX_ATTR} characters: truncated"
    return Message(
        source,
        number,
        text=text,
        sender=sender,
        timestamp=stamp,
        direction=direction,
        error=error,
        note=problem and f"record {number}: {problem}",
    )


# ----------------------------------------------------------------- XML that holds no messages
def read_backup(path: str, *, tz: str | None = None, source: str | None = None) -> Iterator[Message]:
    """:func:`read_android_xml`, plus one error record when the file holds no message because it is not an
    SMS backup (a call-log backup ``<calls>`` gives 0 rows otherwise, with no hint)."""
    source = source or path
    info: dict = {}
    count = 0
    for message in read_android_xml(path, tz=tz, source=source, info=info):
        count += 1
        yield message
    if count:
        return
    root = info.get("root", "")
    if root == "calls":
        yield Message(
            source,
            1,
            error="a call-log backup (<calls>), not messages: SMS Backup & Restore writes "
            "calls and messages to separate files; give the sms-*.xml one",
        )
    elif root != "smses":  # an empty <smses/> is an empty backup, not a mistake
        yield Message(
            source,
            1,
            error=f"no <sms> or <mms> records: root element <{root or '?'}> is not an "
            f"SMS Backup & Restore <smses> file",
        )
