"""What an input is: the :class:`Format` enum, suffixes, sniffing, and the files a directory holds.

Detection: a SQLite file by its magic bytes and tables; otherwise the suffix decides (:data:`SUFFIXES`, the
one table every command uses); content is sniffed only for a name without a known suffix and for standard
input (XML, JSON, a CSV/TSV header naming two known columns, else text).
"""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Sequence
from enum import Enum
from pathlib import Path

from .._files import file_kind
from ..errors import InputFileError, UnknownFormatError
from .columns import column_key, known_keys

__all__ = [
    "Format",
    "SUFFIXES",
    "LINE_SUFFIXES",
    "detect_format",
    "expand_inputs",
    "decoded_head",
    "sniff",
    "format_for_name",
    "supported_suffixes",
]


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
SUFFIXES: dict[str, Format | None] = {
    ".xml": Format.ANDROID_XML,
    ".csv": Format.CSV,
    ".tsv": Format.TSV,
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".json": Format.JSONL,
    ".txt": Format.TEXT,
    ".db": None,
    ".sqlite": None,
}
#: Suffixes that always mean one JSON value per line, even when a line is an array.
LINE_SUFFIXES: tuple[str, ...] = (".jsonl", ".ndjson")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_XML_STARTS = ("<?xml", "<smses", "<calls", "<!DOCTYPE", "<!--")


def supported_suffixes() -> str:
    """The suffixes a directory is searched for, for messages (``.xml .db ...``)."""
    return " ".join(SUFFIXES)


def format_for_name(name: str) -> Format | None:
    """The format a file name's suffix says (``None`` also for a SQLite suffix, decided by content)."""
    return SUFFIXES.get(Path(name).suffix.lower())


def decoded_head(head: bytes) -> str:
    """The start of a file as text (encoding detected, BOM and leading blanks removed)."""
    from .encoding import detect_encoding

    text = head.decode(detect_encoding(head), errors="replace")
    return text.lstrip("\ufeff \t\r\n")


def _tabular_header(line: str, columns: Sequence[str | None] = ()) -> Format | None:
    """CSV or TSV when ``line`` is a header naming at least two known columns (or those the user named).

    Two names, not one, so that a message which merely contains a comma and the word "date" stays text.
    """
    line = line.rstrip("\r\n")
    delimiter = "\t" if line.count("\t") > line.count(",") else ","
    try:
        fields = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return None
    known = known_keys()
    known.update(column_key(c) for c in columns if c and not c.isdigit())
    hits = sum(column_key(f) in known for f in fields)
    if len(fields) < 2 or hits < 2:
        return None
    return Format.TSV if delimiter == "\t" else Format.CSV


def sniff(head: bytes, columns: Sequence[str | None] = ()) -> Format:
    """Format of content that has no telling suffix (a file without one, or standard input)."""
    text = decoded_head(head)
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
        except (ValueError, RecursionError):
            pass
    return Format.TEXT


def detect_format(path: str | os.PathLike, head: bytes | None = None, *, columns: Sequence[str | None] = ()) -> Format:
    """The format of a file: SQLite by its magic bytes and tables, then by the suffix, then by content.

    The suffix decides (a ``.csv`` whose first byte is ``"`` is CSV, a ``.txt`` is text whatever it starts
    with); the content is looked at only for a SQLite file and for a name without a known suffix, where a
    header naming two known columns (or the ``columns`` the user named) makes it CSV/TSV.
    """
    return detect(str(path), Path(path), head, columns)


def detect(name: str, path: Path, head: bytes | None, columns: Sequence[str | None]) -> Format:
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
        raise UnknownFormatError(
            f"{name}: SQLite file with neither a message/handle (iOS) nor an sms (Android) "
            f"table; not a supported SMS database"
        )
    if suffix in SUFFIXES:
        by_name = SUFFIXES[suffix]
        if by_name is None:
            raise UnknownFormatError(f"{name}: named {suffix} but not a SQLite database")
        return by_name
    return sniff(head, columns)


def expand_inputs(paths: Sequence[str]) -> list[str]:
    """Files named, with each directory replaced by the supported files inside it (sorted).

    Only what the user named is read: symbolic links inside a directory are
    not followed out of it.  A FIFO, socket or device inside a directory,
    named like a supported file, is listed too (never opened: reading it gives
    one error record saying what it is), so that nothing there is passed over
    without a row.
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
                if child.name.startswith(".") or child.suffix.lower() not in SUFFIXES:
                    continue
                try:
                    if root not in child.resolve().parents:
                        continue  # a link pointing outside the named directory
                    mode = child.stat().st_mode
                except (OSError, RuntimeError):  # a dangling link or a loop: not a file the user has
                    continue
                if stat.S_ISREG(mode) or not stat.S_ISDIR(mode):
                    out.append(str(child))
        elif path.is_file():
            out.append(str(path))
        elif path.exists():
            raise InputFileError(f"{p}: {file_kind(path.stat().st_mode)}, not a regular file or directory")
        else:
            raise InputFileError(f"{p}: no such file or directory")
    return out
