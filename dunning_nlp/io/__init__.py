"""Readers for SMS exports, behind one function with a :class:`Format` enum.

``read_messages(path)`` detects the format and streams
:class:`~dunning_nlp.io.message.Message` records; ``format=`` overrides
detection.  Supported: Android SMS Backup & Restore XML, iOS ``sms.db`` /
macOS ``chat.db``, Android ``mmssms.db`` (SMS and MMS), CSV/TSV, JSON Lines,
a JSON array (``.json``) and plain text, from a file, a directory (every
supported file inside, sorted) or standard input (``-``).

The package, one job per module:

- :mod:`~dunning_nlp.io.message`: the frozen :class:`Message`, times, epoch units, direction codes;
- :mod:`~dunning_nlp.io.columns`: the header names every reader knows;
- :mod:`~dunning_nlp.io.detect`: :class:`Format`, suffixes, sniffing, the files of a directory;
- :mod:`~dunning_nlp.io.stdin`: standard input spooled to a private, bounded file;
- :mod:`~dunning_nlp.io.android_xml`, :mod:`~dunning_nlp.io.sqlite`, :mod:`~dunning_nlp.io.tabular`
  (CSV/TSV, JSON Lines, text), :mod:`~dunning_nlp.io.json_array`: the readers;
- :mod:`~dunning_nlp.io.encoding`: guessing the encoding of a text export.

Readers never drop a record silently: a record that cannot be read yields a
Message with ``error`` set, and every record counted yields exactly one
Message.  Problems with the arguments themselves (a missing path, an unknown
option, a column the user named that is not there) raise
:class:`~dunning_nlp.errors.DunningNLPError` subclasses before any output;
problems of one file (unknown format, an unrelated SQLite database, a
call-log backup, a FIFO, a value no rule foresaw) raise with ``strict=True``
and become one error record for that file with ``strict=False``, which
:func:`read_inputs` and the CLI use so that the rest of a directory is still
read.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from .._files import file_kind
from ..errors import ColumnError, InputError, InputFileError, UnknownFormatError
from .detect import LINE_SUFFIXES, Format, decoded_head, detect, detect_format, expand_inputs
from .message import Message

__all__ = ["Format", "Message", "detect_format", "read_messages", "expand_inputs", "read_inputs"]


def read_messages(
    path: str, format: Format | str = Format.AUTO, *, stdin: BinaryIO | None = None, strict: bool = True, **options
) -> Iterator[Message]:
    """Stream the messages of one file (or ``-`` for standard input).

    Options: ``tz`` (IANA zone for times without one), and for CSV/JSONL
    ``text_column``, ``sender_column``, ``time_column``, ``direction_column``,
    ``delimiter``.

    With ``strict=False`` a problem of the file itself (unknown format, an
    unrelated SQLite database, a file that cannot be opened, a value no rule
    foresaw) becomes one error record for that file, after the records read
    before it, so that a run over a directory goes on; a column the user named
    that is not there (:class:`~dunning_nlp.errors.ColumnError`) and a bad
    option still raise.
    """
    fmt = Format(format) if not isinstance(format, Format) else format
    messages = _read(path, fmt, stdin, options)
    yield from (messages if strict else _recorded("<stdin>" if path == "-" else path, messages))


def _command_line_problem(exc: BaseException) -> bool:
    """True for a problem of the command line (a missing column, a bad --tz), which must stop the run."""
    return isinstance(exc, ColumnError) or (isinstance(exc, InputError) and not isinstance(exc, UnknownFormatError))


def _recorded(source: str, messages: Iterator[Message]) -> Iterator[Message]:
    """Pass ``messages`` through; a per-file problem becomes one error record numbered after the last one."""
    produced = 0
    try:
        for message in messages:
            produced = max(produced, message.record)
            yield message
    except Exception as exc:  # noqa: BLE001 - everything but the command line's problems is this file's
        if _command_line_problem(exc):
            raise
        if isinstance(exc, (UnknownFormatError, InputFileError)):
            reason = str(exc)
        elif isinstance(exc, (OSError, sqlite3.DatabaseError, UnicodeError)):
            reason = f"{type(exc).__name__}: {exc}"
        else:
            reason = f"unreadable after record {produced} ({type(exc).__name__}: {str(exc)[:200]})"
        yield Message(source, produced + 1, error=" ".join(reason.split()))


def _read(path: str, fmt: Format, stdin: BinaryIO | None, options: dict) -> Iterator[Message]:
    """The records of one input; per-file problems raise (see :func:`_recorded`)."""
    if path == "-":
        yield from _read_stdin(stdin or sys.stdin.buffer, fmt, options)
        return
    try:
        mode = os.stat(path).st_mode
    except OSError:
        raise InputFileError(f"{path}: no such file") from None
    if not stat.S_ISREG(mode):  # never opened: a FIFO would block, a device never end
        raise InputFileError(f"{path}: {file_kind(mode)}, not a regular file; not read")
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputFileError(f"{path}: cannot open ({exc.strerror})") from exc
    with fh:
        yield from _detected(path, path, fh, fmt, options)


def _detected(source: str, path: str, fh: BinaryIO, fmt: Format, options: dict) -> Iterator[Message]:
    """Detect the format of the open file ``fh`` when asked to (``AUTO``), then read it."""
    if fmt is Format.AUTO:
        try:
            fmt = detect(source, Path(path), fh.read(4096), _columns(options))
        except sqlite3.DatabaseError as exc:
            yield Message(source, 1, error=f"corrupt SQLite database: {exc}")
            return
        fh.seek(0)
    yield from _dispatch(source, path, fh, fmt, options)


def _columns(options: dict) -> tuple[str | None, ...]:
    """Column names the user gave: a header naming them marks CSV/TSV content too."""
    return tuple(options.get(k) for k in ("text_column", "sender_column", "time_column", "direction_column"))


def _read_stdin(stream: BinaryIO, fmt: Format, options: dict) -> Iterator[Message]:
    """Read standard input like a file without a name: spooled to a private file (:mod:`.stdin`), then sniffed.

    A real file lets every reader work on stdin, XML and SQLite included, with memory flat however much is
    piped in; the file is removed afterwards.
    """
    from .stdin import spooled

    with spooled(stream) as spool, open(spool, "rb") as fh:
        yield from _detected("<stdin>", spool, fh, fmt, options)


def _dispatch(source: str, path: str, fh: BinaryIO, fmt: Format, options: dict) -> Iterator[Message]:
    """Read the open file ``fh`` at ``path`` as ``fmt``; records name ``source`` (``<stdin>`` for a spool)."""
    from . import sqlite, tabular
    from .android_xml import read_backup
    from .json_array import read_json_array

    tz = options.get("tz")
    if fmt is Format.ANDROID_XML:
        yield from read_backup(path, tz=tz, source=source)
    elif fmt is Format.IOS_DB:
        yield from sqlite.read_ios_db(path, tz=tz, source=source)
    elif fmt is Format.ANDROID_DB:
        yield from sqlite.read_android_db(path, tz=tz, source=source)
    elif fmt in (Format.CSV, Format.TSV):
        yield from tabular.read_csv(
            source,
            fh,
            delimiter="\t" if fmt is Format.TSV else options.get("delimiter"),
            text_column=options.get("text_column"),
            sender_column=options.get("sender_column"),
            time_column=options.get("time_column"),
            direction_column=options.get("direction_column"),
            tz=tz,
        )
    elif fmt is Format.JSONL:
        if not path.lower().endswith(LINE_SUFFIXES) and decoded_head(_peek(fh)).startswith("["):
            yield from read_json_array(source, fh, text_column=options.get("text_column"), tz=tz)
        else:
            yield from tabular.read_jsonl(source, fh, text_column=options.get("text_column"), tz=tz)
    else:
        yield from tabular.read_text(source, fh)


def _peek(fh: BinaryIO, size: int = 4096) -> bytes:
    """The first ``size`` bytes of a seekable file, which is left rewound."""
    head = fh.read(size)
    fh.seek(0)
    return head


def read_inputs(paths: Sequence[str], format: Format | str = Format.AUTO, **options) -> Iterator[Message]:
    """Stream messages from several files and directories in order.

    A file that cannot be read gives one error record and the others are read (``strict=False``): one
    unrelated file in a directory does not stop the run.  Only a path that does not exist, a column the
    user named that is missing, or a bad option raises.
    """
    for path in expand_inputs(paths):
        yield from read_messages(path, format, strict=False, **options)
