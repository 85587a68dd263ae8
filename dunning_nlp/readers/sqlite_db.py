"""SQLite message stores: iOS ``sms.db`` / macOS ``chat.db`` and Android ``mmssms.db``.

Files are opened read-only through a ``file:…?mode=ro`` URI, so a dump is
never modified (no journal, no WAL checkpoint).  Vendor builds add or drop
columns; readers look at ``PRAGMA table_info`` and use what is there.

iOS stores dates since 2001-01-01, in seconds on old systems and
nanoseconds since iOS 11; on newer systems ``text`` is NULL and the body is
inside ``attributedBody`` (an NSAttributedString in Apple's typedstream
format), decoded by :func:`attributed_body_text`.  Tapback reactions
(``associated_message_type`` ≠ 0) are not messages and are skipped.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from ..errors import InputFileError
from .base import Message, from_epoch, get_tz

__all__ = ["read_ios_db", "read_android_db", "sqlite_kind", "attributed_body_text"]

_APPLE_EPOCH = 978307200  # 2001-01-01T00:00:00Z in Unix time


def _connect(path: str) -> sqlite3.Connection:
    uri = "file:" + quote(str(Path(path).resolve())) + "?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True)
        con.execute("PRAGMA query_only = ON")
        con.text_factory = lambda b: b.decode("utf-8", errors="replace")
        return con
    except sqlite3.Error as exc:
        raise InputFileError(f"{path}: cannot open SQLite database read-only ({exc})") from exc


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in con.execute(f"PRAGMA table_info({table})")}


def sqlite_kind(path: str) -> str:
    """``"ios"``, ``"android"`` or ``""`` depending on the tables present."""
    con = _connect(path)
    try:  # a corrupt file raises sqlite3.DatabaseError here; the caller reports it as a record
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()
    if {"message", "handle"} <= tables:
        return "ios"
    if "sms" in tables:
        return "android"
    return ""


def attributed_body_text(blob: bytes | None) -> str:
    """Extract the plain string from an ``attributedBody`` typedstream blob ('' if none)."""
    if not blob:
        return ""
    start = blob.find(b"NSString")
    if start == -1:
        return ""
    i = blob.find(b"+", start)  # the '+' type code precedes the string's length
    if i == -1 or i + 1 >= len(blob):
        return ""
    i += 1
    length = blob[i]
    i += 1
    if length == 0x81:  # 2-byte little-endian length
        length = int.from_bytes(blob[i:i + 2], "little")
        i += 2
    elif length == 0x82:  # 4-byte little-endian length
        length = int.from_bytes(blob[i:i + 4], "little")
        i += 4
    return blob[i:i + length].decode("utf-8", errors="replace")


def _apple_time(value, zone) -> str:
    if value in (None, "", 0):
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    if number > 1e12:  # nanoseconds since iOS 11
        number /= 1e9
    return from_epoch(number + _APPLE_EPOCH, zone)


def _rows(con: sqlite3.Connection, sql: str) -> Iterator[tuple]:
    cursor = con.execute(sql)
    while True:
        batch = cursor.fetchmany(1000)
        if not batch:
            return
        yield from batch


def _guarded(reader):
    """Turn a database that breaks before its first row into one error record instead of a traceback."""

    def wrapper(path: str, *, tz: str | None = None) -> Iterator[Message]:
        produced = 0
        try:
            for message in reader(path, tz=tz):
                produced += 1
                yield message
        except sqlite3.DatabaseError as exc:
            yield Message(path, produced + 1, error=f"database unreadable after record {produced}: {exc}")

    wrapper.__doc__, wrapper.__name__ = reader.__doc__, reader.__name__
    return wrapper


@contextlib.contextmanager
def _table(path: str, table: str) -> Iterator[tuple[sqlite3.Connection, set[str]]]:
    """Open the database read-only and yield (connection, columns of ``table``); refuse a file without it."""
    con = _connect(path)
    try:
        cols = _columns(con, table)
        if not cols:
            raise sqlite3.DatabaseError(f"no {table} table in {Path(path).name}")
        yield con, cols
    finally:
        con.close()


@_guarded
def read_ios_db(path: str, *, tz: str | None = None) -> Iterator[Message]:
    """Yield messages from an iOS ``sms.db`` or macOS ``chat.db``."""
    zone = get_tz(tz)
    with _table(path, "message") as (con, cols):
        hcols = _columns(con, "handle")
        pick = [f"m.{c}" if c in cols else "NULL" for c in ("ROWID", "text", "attributedBody", "date", "is_from_me")]
        sender = "h.id" if "id" in hcols else "NULL"
        where = "WHERE COALESCE(m.associated_message_type, 0) = 0" if "associated_message_type" in cols else ""
        sql = (f"SELECT {', '.join(pick)}, {sender} FROM message m LEFT JOIN handle h ON m.handle_id = h.ROWID "
               f"{where} ORDER BY m.ROWID")
        number = 0
        for row in _rows(con, sql):
            number += 1
            rowid, text, body, date, from_me, handle = row
            if not text:
                text = attributed_body_text(body)
            yield Message(path, number, text=text or "", sender=handle or "", timestamp=_apple_time(date, zone),
                          direction="sent" if from_me == 1 else "received")


@_guarded
def read_android_db(path: str, *, tz: str | None = None) -> Iterator[Message]:
    """Yield messages from the ``sms`` table of an Android ``mmssms.db``."""
    zone = get_tz(tz)
    with _table(path, "sms") as (con, cols):
        pick = [c if c in cols else "NULL" for c in ("_id", "address", "date", "type", "body")]
        order = "ORDER BY _id" if "_id" in cols else ""
        number = 0
        for row in _rows(con, f"SELECT {', '.join(pick)} FROM sms {order}"):
            number += 1
            _id, address, date, kind, body = row
            stamp = ""
            if isinstance(date, (int, float)) or (isinstance(date, str) and date.isdigit()):
                stamp = from_epoch(int(date) / 1000, zone)
            direction = {1: "received", 2: "sent", 3: "draft", 4: "outbox", 5: "failed", 6: "queued"}.get(
                int(kind) if str(kind).isdigit() else -1, str(kind or ""))
            yield Message(path, number, text=body or "", sender=address or "", timestamp=stamp, direction=direction)
