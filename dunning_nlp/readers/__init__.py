"""Readers for SMS exports, behind one function with a :class:`Format` enum.

``read_messages(path)`` detects the format and streams
:class:`~dunning_nlp.readers.base.Message` records; ``format=`` overrides
detection.  Supported: Android SMS Backup & Restore XML, iOS ``sms.db`` /
macOS ``chat.db``, Android ``mmssms.db``, CSV/TSV, JSON Lines and plain
text, from a file, a directory (every supported file inside, sorted) or
standard input (``-``).

Readers never drop a record silently: a record that cannot be read yields a
Message with ``error`` set.  Problems with the arguments themselves (a
missing file, an unknown format, a column that is not there) raise
:class:`~dunning_nlp.errors.DunningNLPError` subclasses before any output.
"""

from __future__ import annotations

import io
import os
import sqlite3
import sys
from enum import Enum
from pathlib import Path
from typing import BinaryIO, Iterator, Sequence

from ..errors import InputFileError, UnknownFormatError
from .base import Message

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


_SUFFIXES = {".xml": Format.ANDROID_XML, ".csv": Format.CSV, ".tsv": Format.TSV, ".jsonl": Format.JSONL,
             ".ndjson": Format.JSONL, ".json": Format.JSONL, ".txt": Format.TEXT, ".db": None, ".sqlite": None}


def _sniff(head: bytes) -> Format | None:
    if head.startswith(b"SQLite format 3\x00"):
        return None  # decided by the tables inside
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<?xml") or text.startswith(b"<smses") or text.startswith(b"<!DOCTYPE"):
        return Format.ANDROID_XML
    if text.startswith(b"{") or text.startswith(b'"'):
        return Format.JSONL
    return None


def detect_format(path: str | os.PathLike, head: bytes | None = None) -> Format:
    """Guess the format of a file from its first bytes, then its name."""
    path = Path(path)
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    if head.startswith(b"SQLite format 3\x00"):
        from .sqlite_db import sqlite_kind

        kind = sqlite_kind(str(path))
        if kind == "ios":
            return Format.IOS_DB
        if kind == "android":
            return Format.ANDROID_DB
        raise UnknownFormatError(f"{path}: SQLite file with neither a message/handle (iOS) nor an sms (Android) "
                                 f"table; not a supported SMS database")
    sniffed = _sniff(head)
    if sniffed is not None:
        return sniffed
    by_name = _SUFFIXES.get(path.suffix.lower())
    if by_name is not None:
        return by_name
    first_line = head.split(b"\n", 1)[0]
    if first_line.count(b",") >= 2 or first_line.count(b"\t") >= 1:
        return Format.TSV if first_line.count(b"\t") > first_line.count(b",") else Format.CSV
    return Format.TEXT


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
                  **options) -> Iterator[Message]:
    """Stream the messages of one file (or ``-`` for standard input).

    Options: ``tz`` (IANA zone for times without one), and for CSV/JSONL
    ``text_column``, ``sender_column``, ``time_column``, ``direction_column``,
    ``delimiter``.
    """
    fmt = Format(format) if not isinstance(format, Format) else format
    if path == "-":
        data = (stdin or sys.stdin.buffer).read()
        fh = io.BytesIO(data)
        fmt = _sniff(data[:4096]) or Format.TEXT if fmt is Format.AUTO else fmt
        if fmt in (Format.ANDROID_XML, Format.IOS_DB, Format.ANDROID_DB):
            raise UnknownFormatError("<stdin>: XML and SQLite dumps must be given as files")
        yield from _dispatch("<stdin>", fh, fmt, options)
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
                fmt = detect_format(path, fh.read(4096))
            except sqlite3.DatabaseError as exc:
                yield Message(path, 1, error=f"corrupt SQLite database: {exc}")
                return
            fh.seek(0)
        yield from _dispatch(path, fh, fmt, options)


def _dispatch(path: str, fh: BinaryIO, fmt: Format, options: dict) -> Iterator[Message]:
    from . import android_xml, sqlite_db, tabular

    tz = options.get("tz")
    if fmt is Format.ANDROID_XML:
        yield from android_xml.read_android_xml(path, tz=tz)
    elif fmt is Format.IOS_DB:
        yield from sqlite_db.read_ios_db(path, tz=tz)
    elif fmt is Format.ANDROID_DB:
        yield from sqlite_db.read_android_db(path, tz=tz)
    elif fmt in (Format.CSV, Format.TSV):
        yield from tabular.read_csv(path, fh, delimiter="\t" if fmt is Format.TSV else options.get("delimiter"),
                                    text_column=options.get("text_column"), sender_column=options.get("sender_column"),
                                    time_column=options.get("time_column"),
                                    direction_column=options.get("direction_column"), tz=tz)
    elif fmt is Format.JSONL:
        yield from tabular.read_jsonl(path, fh, text_column=options.get("text_column"), tz=tz)
    else:
        yield from tabular.read_text(path, fh)


def read_inputs(paths: Sequence[str], format: Format | str = Format.AUTO, **options) -> Iterator[Message]:
    """Stream messages from several files and directories in order."""
    for path in expand_inputs(paths):
        yield from read_messages(path, format, **options)
