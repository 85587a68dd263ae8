"""Readers for SMS exports, behind one function with a :class:`Format` enum.

``read_messages(path)`` detects the format and streams
:class:`~dunning_nlp.io.message.Message` records; ``format=`` overrides
detection.  Supported: Android SMS Backup & Restore XML, iOS ``sms.db`` /
macOS ``chat.db``, Android ``mmssms.db`` (SMS and MMS), CSV/TSV, JSON Lines,
a JSON array (``.json``) and plain text, from a file, a directory (every
supported file inside, sorted) or standard input (``-``).

Detection: a SQLite file by its magic bytes and tables; otherwise the
suffix decides; content is sniffed only for a name without a known suffix
and for standard input (XML, JSON, a CSV/TSV header naming two known
columns, else text).  Standard input is spooled to a private temporary file,
so every format, XML and SQLite included, can be piped in.

Readers never drop a record silently: a record that cannot be read yields a
Message with ``error`` set.  Problems with the arguments themselves (a
missing path, an unknown option, a column the user named that is not there)
raise :class:`~dunning_nlp.errors.DunningNLPError` subclasses before any
output; problems of one file (unknown format, an unrelated SQLite database,
a call-log backup) raise with ``strict=True`` and become one error record
for that file with ``strict=False``, which :func:`read_inputs` and the CLI
use so that the rest of a directory is still read.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import BinaryIO, Iterator, Sequence

from ..errors import InputFileError, UnknownFormatError
from .message import Message

__all__ = ["Format", "Message", "detect_format", "read_messages", "expand_inputs", "read_inputs"]


class Format(str, Enum):
    """Input formats.  ``AUTO`` detects from the name and the first bytes."""

    AUTO = "auto"
    ANDROID_XML = "android-xml"
    IOS_DB = "ios-db"
    ANDROID_DB = "android-db"
    CSV = "csv"
    TSV = "tsv"
    JSONL = "jsonl"
    TEXT = "text"

    def __str__(self) -> str:
        return self.value


#: What a file's suffix says it is.  ``None``: a SQLite database, decided by the tables inside.
_SUFFIXES = {".xml": Format.ANDROID_XML, ".csv": Format.CSV, ".tsv": Format.TSV, ".jsonl": Format.JSONL,
             ".ndjson": Format.JSONL, ".json": Format.JSONL, ".txt": Format.TEXT, ".db": None, ".sqlite": None}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_XML_STARTS = ("<?xml", "<smses", "<calls", "<!DOCTYPE", "<!--")
#: Suffixes that always mean one JSON value per line, even when a line is an array.
_LINE_SUFFIXES = (".jsonl", ".ndjson")


def _decoded_head(head: bytes) -> str:
    """The start of a file as text (encoding detected, BOM and leading blanks removed)."""
    from .encoding import detect_encoding

    text = head.decode(detect_encoding(head), errors="replace")
    return text.lstrip("\ufeff \t\r\n")


def _tabular_header(line: str, columns: Sequence[str | None] = ()) -> Format | None:
    """CSV or TSV when ``line`` is a header naming at least two known columns (or those the user named).

    Two names, not one, so that a message which merely contains a comma and the word "date" stays text.
    """
    import csv

    from .tabular import COLUMN_ALIASES

    line = line.rstrip("\r\n")
    delimiter = "\t" if line.count("\t") > line.count(",") else ","
    try:
        fields = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return None
    known = set().union(*COLUMN_ALIASES.values())
    known.update("".join(c.lower().split()) for c in columns if c and not c.isdigit())
    hits = sum("".join(f.lower().split()) in known for f in fields)
    if len(fields) < 2 or hits < 2:
        return None
    return Format.TSV if delimiter == "\t" else Format.CSV


def _sniff(head: bytes, columns: Sequence[str | None] = ()) -> Format:
    """Format of content that has no telling suffix (a file without one, or standard input)."""
    text = _decoded_head(head)
    if text.startswith(_XML_STARTS):
        return Format.ANDROID_XML
    if text.startswith(("{", "[")):
        return Format.JSONL
    first_line = text.split("\n", 1)[0]
    tabular = _tabular_header(first_line, columns)
    if tabular is not None:
        return tabular
    if text.startswith('"'):
        import json

        try:
            json.loads(first_line)
            return Format.JSONL  # a line holding a JSON string
        except ValueError:
            pass
    return Format.TEXT


def detect_format(path: str | os.PathLike, head: bytes | None = None, *,
                  columns: Sequence[str | None] = ()) -> Format:
    """The format of a file: SQLite by its magic bytes and tables, then by the suffix, then by content.

    The suffix decides (a ``.csv`` whose first byte is ``"`` is CSV, a ``.txt`` is text whatever it starts
    with); the content is looked at only for a SQLite file and for a name without a known suffix, where a
    header naming two known columns (or the ``columns`` the user named) makes it CSV/TSV.
    """
    return _detect(str(path), Path(path), head, columns)


def _detect(name: str, path: Path, head: bytes | None, columns: Sequence[str | None]) -> Format:
    """:func:`detect_format` for the file at ``path``, naming it ``name`` in errors (``<stdin>``)."""
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    suffix = path.suffix.lower()
    if head.startswith(_SQLITE_MAGIC):
        from .sqlite import sqlite_kind

        kind = sqlite_kind(str(path))
        if kind == "ios":
            return Format.IOS_DB
        if kind == "android":
            return Format.ANDROID_DB
        if kind == "call-log":
            raise UnknownFormatError(f"{name}: a call log (table calls), not messages; no SMS to read in it")
        raise UnknownFormatError(f"{name}: SQLite file with neither a message/handle (iOS) nor an sms (Android) "
                                 f"table; not a supported SMS database")
    if suffix in _SUFFIXES:
        by_name = _SUFFIXES[suffix]
        if by_name is None:
            raise UnknownFormatError(f"{name}: named {suffix} but not a SQLite database")
        return by_name
    return _sniff(head, columns)


def expand_inputs(paths: Sequence[str]) -> list[str]:
    """Files named, with each directory replaced by the supported files inside it (sorted).

    Only what the user named is read: symbolic links inside a directory are
    not followed out of it.
    """
    out: list[str] = []
    for p in paths:
        if p == "-":
            out.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            root = path.resolve()
            for child in sorted(path.rglob("*")):
                if child.name.startswith(".") or not child.is_file():
                    continue
                if root not in child.resolve().parents:
                    continue  # a link pointing outside the named directory
                if child.suffix.lower() in _SUFFIXES:
                    out.append(str(child))
        elif path.is_file():
            out.append(str(path))
        elif path.exists():
            raise InputFileError(f"{p}: not a regular file or directory")
        else:
            raise InputFileError(f"{p}: no such file or directory")
    return out


def read_messages(path: str, format: Format | str = Format.AUTO, *, stdin: BinaryIO | None = None,
                  strict: bool = True, **options) -> Iterator[Message]:
    """Stream the messages of one file (or ``-`` for standard input).

    Options: ``tz`` (IANA zone for times without one), and for CSV/JSONL
    ``text_column``, ``sender_column``, ``time_column``, ``direction_column``,
    ``delimiter``.

    With ``strict=False`` a problem of the file itself (unknown format, an
    unrelated SQLite database, a file that cannot be opened) becomes one
    error record for that file, after the records read before it, so that a
    run over a directory goes on; a column the user named that is not there
    (:class:`~dunning_nlp.errors.ColumnError`) and a bad option still raise.
    """
    fmt = Format(format) if not isinstance(format, Format) else format
    messages = _read(path, fmt, stdin, options)
    yield from (messages if strict else _recorded("<stdin>" if path == "-" else path, messages))


#: Problems of one input file, as opposed to problems of the command line (ColumnError, a bad --tz).
_FILE_PROBLEMS = (UnknownFormatError, InputFileError, OSError, sqlite3.DatabaseError, UnicodeError)


def _recorded(source: str, messages: Iterator[Message]) -> Iterator[Message]:
    """Pass ``messages`` through; a per-file problem becomes one error record numbered after the last one."""
    produced = 0
    try:
        for message in messages:
            produced = max(produced, message.record)
            yield message
    except _FILE_PROBLEMS as exc:
        reason = str(exc) if isinstance(exc, (UnknownFormatError, InputFileError)) else \
            f"{type(exc).__name__}: {exc}"
        yield Message(source, produced + 1, error=" ".join(reason.split()))


def _read(path: str, fmt: Format, stdin: BinaryIO | None, options: dict) -> Iterator[Message]:
    """The records of one input; per-file problems raise (see :func:`_recorded`)."""
    if path == "-":
        yield from _read_stdin(stdin or sys.stdin.buffer, fmt, options)
        return
    if not os.path.isfile(path):
        raise InputFileError(f"{path}: no such file")
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputFileError(f"{path}: cannot open ({exc.strerror})") from exc
    with fh:
        if fmt is Format.AUTO:
            try:
                fmt = _detect(path, Path(path), fh.read(4096), _columns(options))
            except sqlite3.DatabaseError as exc:
                yield Message(path, 1, error=f"corrupt SQLite database: {exc}")
                return
            fh.seek(0)
        yield from _dispatch(path, path, fh, fmt, options)


def _columns(options: dict) -> tuple[str | None, ...]:
    """Column names the user gave: a header naming them marks CSV/TSV content too."""
    return tuple(options.get(k) for k in ("text_column", "sender_column", "time_column", "direction_column"))


def _read_stdin(stream: BinaryIO, fmt: Format, options: dict) -> Iterator[Message]:
    """Read standard input like a file without a name: spooled to a private temporary file, then sniffed.

    A real file lets every reader work on stdin, XML and SQLite included, with memory flat however much is
    piped in; the file is removed afterwards.
    """
    tmpdir = tempfile.mkdtemp(prefix="dunning-nlp-stdin-")
    try:
        spool = os.path.join(tmpdir, "stdin")
        with open(spool, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
        with open(spool, "rb") as fh:
            if fmt is Format.AUTO:
                try:
                    fmt = _detect("<stdin>", Path(spool), fh.read(4096), _columns(options))
                except sqlite3.DatabaseError as exc:
                    yield Message("<stdin>", 1, error=f"corrupt SQLite database: {exc}")
                    return
                fh.seek(0)
            yield from _dispatch("<stdin>", spool, fh, fmt, options)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _dispatch(source: str, path: str, fh: BinaryIO, fmt: Format, options: dict) -> Iterator[Message]:
    """Read the open file ``fh`` at ``path`` as ``fmt``; records name ``source`` (``<stdin>`` for a spool)."""
    from . import sqlite, tabular

    tz = options.get("tz")
    if fmt is Format.ANDROID_XML:
        yield from _named(source, _read_xml(path, tz))
    elif fmt is Format.IOS_DB:
        yield from _named(source, sqlite.read_ios_db(path, tz=tz))
    elif fmt is Format.ANDROID_DB:
        yield from _named(source, sqlite.read_android_db(path, tz=tz))
    elif fmt in (Format.CSV, Format.TSV):
        yield from tabular.read_csv(source, fh, delimiter="\t" if fmt is Format.TSV else options.get("delimiter"),
                                    text_column=options.get("text_column"), sender_column=options.get("sender_column"),
                                    time_column=options.get("time_column"),
                                    direction_column=options.get("direction_column"), tz=tz)
    elif fmt is Format.JSONL:
        if not path.lower().endswith(_LINE_SUFFIXES) and _decoded_head(_peek(fh)).startswith("["):
            yield from _read_json_array(source, fh, text_column=options.get("text_column"), tz=tz)
        else:
            yield from tabular.read_jsonl(source, fh, text_column=options.get("text_column"), tz=tz)
    else:
        yield from tabular.read_text(source, fh)


def _peek(fh: BinaryIO, size: int = 4096) -> bytes:
    """The first ``size`` bytes of a seekable file, which is left rewound."""
    head = fh.read(size)
    fh.seek(0)
    return head


def _named(source: str, messages: Iterator[Message]) -> Iterator[Message]:
    """Records of a path-based reader, renamed (a stdin spool is ``<stdin>`` to the user, not a temp path)."""
    for message in messages:
        message.source = source
        yield message


# ----------------------------------------------------------------- XML that holds no messages
def _read_xml(path: str, tz: str | None) -> Iterator[Message]:
    """The Android XML reader, plus one error record when the file holds no message because it is not an
    SMS backup (a call-log backup ``<calls>`` gives 0 rows otherwise, with no hint)."""
    from .android_xml import read_android_xml

    count = 0
    for message in read_android_xml(path, tz=tz):
        count += 1
        yield message
    if count:
        return
    root = _xml_root(path)
    if root == "calls":
        yield Message(path, 1, error="a call-log backup (<calls>), not messages: SMS Backup & Restore writes "
                                     "calls and messages to separate files; give the sms-*.xml one")
    elif root != "smses":  # an empty <smses/> is an empty backup, not a mistake
        yield Message(path, 1, error=f"no <sms> or <mms> records: root element <{root or '?'}> is not an "
                                     f"SMS Backup & Restore <smses> file")


_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.S)


def _xml_root(path: str) -> str:
    """Name of the root element of an XML file ('' when it cannot be seen in the first 64 KiB)."""
    with open(path, "rb") as fh:
        text = _decoded_head(fh.read(65536))
    match = _ROOT.search(_PROLOG.sub("", text))
    return match.group(1) if match else ""


# ----------------------------------------------------------------- a JSON array of messages
class _JSONArrayStream:
    """The elements of one top-level JSON array, decoded from text chunks one element at a time.

    Memory holds one element (plus a read chunk), not the whole file, so a large ``.json`` export streams
    like JSON Lines.
    """

    _BLANK = " \t\r\n\ufeff"
    _DECODER = json.JSONDecoder()

    def __init__(self, chunks: Iterator[str]):
        self.chunks = chunks
        self.buf, self.pos, self.eof = "", 0, False

    def _fill(self) -> bool:
        chunk = next(self.chunks, None)
        if chunk is None:
            self.eof = True
            return False
        self.buf, self.pos = self.buf[self.pos:] + chunk, 0
        return True

    def _next_char(self) -> str:
        """The next non-blank character ('' at the end), not consumed."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in self._BLANK:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def _value(self):
        if not self._next_char():  # raw_decode does not skip blanks itself
            raise json.JSONDecodeError("the array is not closed", self.buf, self.pos)
        while True:
            try:
                value, end = self._DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue  # the element goes on in the next chunk
                raise
            cut = end >= len(self.buf) or (isinstance(value, (int, float)) and self.buf[end] not in ",]" + self._BLANK)
            if cut and not self.eof and self._fill():
                continue  # a number cut by the chunk ("3." of "3.25") goes on in the next one
            self.pos = end
            return value

    def __iter__(self):
        if self._next_char() != "[":
            raise json.JSONDecodeError("expected '['", self.buf, self.pos)
        self.pos += 1
        if self._next_char() == "]":
            return
        while True:
            yield self._value()
            char = self._next_char()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                raise json.JSONDecodeError("expected ',' or ']' after an element", self.buf, self.pos - 1)


def _text_chunks(fh: BinaryIO, size: int = 1 << 20) -> Iterator[str]:
    """Decode a binary file in chunks, with the encoding detected from its start."""
    import codecs

    from .encoding import detect_encoding

    decoder = codecs.getincrementaldecoder(detect_encoding(_peek(fh, 256 * 1024)))(errors="replace")
    while True:
        data = fh.read(size)
        text = decoder.decode(data, final=not data)
        if text:
            yield text
        if not data:
            return


def _read_json_array(source: str, fh: BinaryIO, *, text_column: str | None, tz: str | None) -> Iterator[Message]:
    """One message per element of a JSON array, each read exactly as a JSON Lines record would be.

    A broken array yields one error record at the element where it breaks; later elements cannot be found.
    """
    from .tabular import read_jsonl

    number = 0
    try:
        for value in _JSONArrayStream(_text_chunks(fh)):
            number += 1
            line = json.dumps(value, ensure_ascii=False).encode("utf-8") + b"\n"
            for message in read_jsonl(source, io.BytesIO(line), text_column=text_column, tz=tz):
                message.record = number
                if message.error.startswith("line 1"):
                    message.error = f"array element {number}" + message.error[len("line 1"):]
                yield message
    except json.JSONDecodeError as exc:
        yield Message(source, number + 1, error=f"JSON array broken after element {number} ({exc.msg}); "
                                                f"elements after this point cannot be read")


def read_inputs(paths: Sequence[str], format: Format | str = Format.AUTO, **options) -> Iterator[Message]:
    """Stream messages from several files and directories in order.

    A file that cannot be read gives one error record and the others are read (``strict=False``): one
    unrelated file in a directory does not stop the run.  Only a path that does not exist, a column the
    user named that is missing, or a bad option raises.
    """
    for path in expand_inputs(paths):
        yield from read_messages(path, format, strict=False, **options)
