"""SQLite message stores: iOS ``sms.db`` / macOS ``chat.db`` and Android ``mmssms.db``.

Nothing is ever created or changed next to an input (evidence must stay as
it was found, and may sit on a read-only mount).  A database without a
``-wal`` file beside it is opened ``mode=ro&immutable=1``: no lock, no
``-shm``/``-wal`` created, works on a read-only mount.  A database whose
``-wal`` file is there and readable (every modern iPhone and Samsung dump
taken live) holds recent messages only in that WAL, which SQLite can only
read through a writable ``-shm`` index: the database and its WAL are copied
into a private temporary directory (``$TMPDIR``) and read there, so those
messages are read and the originals are untouched.  A WAL that cannot be
read gives one trailing error record saying its messages are missing.
Vendor builds add or drop columns; readers look at ``PRAGMA table_info``
and use what is there.

Android ``mmssms.db`` keeps SMS in ``sms`` and MMS in ``pdu`` (one row per
message, ``date`` in seconds) with its text in ``part`` rows of type
``text/plain`` and its numbers in ``addr`` (137 = from, 151 = to); SMS are
read first, then MMS, numbered on from the last SMS.  The text of an MMS is
its ``text/plain`` parts joined by newlines, as the XML reader does.

iOS stores dates since 2001-01-01, in seconds on old systems and
nanoseconds since iOS 11; on newer systems ``text`` is NULL and the body is
inside ``attributedBody`` (an NSAttributedString in Apple's typedstream
format), decoded by :func:`attributed_body_text`.  Tapback reactions
(``associated_message_type`` ≠ 0) are not messages and are skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from ..errors import InputFileError
from .message import Message, from_epoch, get_tz

__all__ = ["read_ios_db", "read_android_db", "sqlite_kind", "attributed_body_text"]

_APPLE_EPOCH = 978307200  # 2001-01-01T00:00:00Z in Unix time


#: Files SQLite keeps beside a database that may hold data not yet in it.
_SIDECARS = ("-wal", "-journal")


def _uri(path: str, query: str) -> str:
    """A ``file:`` URI for SQLite (percent-quoted, so ``?`` or ``#`` in a name stay part of it)."""
    return "file:" + quote(str(Path(path).resolve())) + "?" + query


def _open_uri(path: str, uri: str) -> sqlite3.Connection:
    """Connect to ``uri`` (errors name ``path``, the input the user gave) with writes refused."""
    try:
        con = sqlite3.connect(uri, uri=True)
        con.execute("PRAGMA query_only = ON")
        con.text_factory = lambda b: b.decode("utf-8", errors="replace")
        return con
    except sqlite3.Error as exc:
        raise InputFileError(f"{path}: cannot open SQLite database read-only ({exc})") from exc


def _pending_sidecars(path: str) -> list[str]:
    """Suffixes of the non-empty ``-wal`` / ``-journal`` files beside ``path``."""
    found = []
    for suffix in _SIDECARS:
        try:
            if os.path.getsize(path + suffix) > 0:
                found.append(suffix)
        except OSError:
            continue
    return found


def _private_copy(path: str, sidecars: list[str]) -> str:
    """Copy the database and its sidecar files into a new private temporary directory; return the copy's path.

    SQLite reads a WAL only through a ``-shm`` index it must be able to write; writing it beside the evidence
    would change the evidence (and fails on a read-only mount), so it is written beside a copy instead.
    """
    tmp = tempfile.mkdtemp(prefix="dunning-nlp-sqlite-")
    copy = os.path.join(tmp, "input.db")
    try:
        shutil.copyfile(path, copy)
        for suffix in sidecars:
            shutil.copyfile(path + suffix, copy + suffix)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return copy


@contextlib.contextmanager
def _connect(path: str, *, with_wal: bool = True) -> Iterator[tuple[sqlite3.Connection, str]]:
    """Open ``path`` read-only without creating anything beside it; yield ``(connection, warning)``.

    ``warning`` is '' or says which records could not be read (a WAL present but unreadable).  With
    ``with_wal=False`` the WAL is ignored (cheap look at the schema, which a WAL rarely changes).
    """
    sidecars = _pending_sidecars(path) if with_wal else []
    copy, warning = None, ""
    if sidecars:
        try:
            copy = _private_copy(path, sidecars)
        except OSError as exc:
            names = " and ".join(Path(path + s).name for s in sidecars)
            warning = (f"{names} beside the database cannot be read ({exc.strerror or exc}): messages not yet "
                       f"written back into the database are missing")
    try:
        if copy is not None:
            con = _open_uri(path, _uri(copy, "mode=rw"))  # a private copy: recovery may write there
        else:
            con = _open_uri(path, _uri(path, "mode=ro&immutable=1"))
        try:
            yield con, warning
        finally:
            con.close()
    finally:
        if copy is not None:
            shutil.rmtree(os.path.dirname(copy), ignore_errors=True)


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in con.execute(f"PRAGMA table_info({table})")}


def _tables(con: sqlite3.Connection) -> set[str]:
    """Names of the tables in the database."""
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def sqlite_kind(path: str) -> str:
    """``"ios"``, ``"android"``, ``"call-log"`` or ``""`` depending on the tables present.

    The schema is read from the database alone; only when that shows no known table and a WAL is there is
    the WAL read too (a database created moments before the dump), so a large dump is not copied twice.
    """
    # a corrupt file raises sqlite3.DatabaseError here; the caller reports it as a record
    tables: set[str] = set()
    try:
        with _connect(path, with_wal=False) as (con, _):
            tables = _tables(con)
    except sqlite3.DatabaseError:
        if not _pending_sidecars(path):
            raise
    if not _kind(tables) and _pending_sidecars(path):
        with _connect(path) as (con, _):
            tables = _tables(con)
    return _kind(tables)


def _kind(tables: set[str]) -> str:
    """What a set of table names says the database is (see :func:`sqlite_kind`)."""
    if {"message", "handle"} <= tables:
        return "ios"
    if "sms" in tables:
        return "android"
    if "calls" in tables:  # Android calllog.db / contacts2.db: calls, not messages
        return "call-log"
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
def _table(path: str, table: str) -> Iterator[tuple[sqlite3.Connection, set[str], str]]:
    """Open the database read-only and yield (connection, columns of ``table``, warning); refuse a file without it."""
    with _connect(path) as (con, warning):
        cols = _columns(con, table)
        if not cols:
            raise sqlite3.DatabaseError(f"no {table} table in {Path(path).name}")
        yield con, cols, warning


def _warning_record(path: str, number: int, warning: str) -> Iterator[Message]:
    """One trailing error record when part of the database could not be read (nothing is lost silently)."""
    if warning:
        yield Message(path, number + 1, error=warning)


@_guarded
def read_ios_db(path: str, *, tz: str | None = None) -> Iterator[Message]:
    """Yield messages from an iOS ``sms.db`` or macOS ``chat.db``."""
    zone = get_tz(tz)
    with _table(path, "message") as (con, cols, warning):
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
        yield from _warning_record(path, number, warning)


#: Android ``type`` (sms) and ``msg_box`` (pdu) codes.
_BOXES = {1: "received", 2: "sent", 3: "draft", 4: "outbox", 5: "failed", 6: "queued"}
#: MMS ``m_type`` values that are messages (send-req, notification-ind, retrieve-conf); others are reports.
_MMS_MESSAGES = (128, 130, 132)
_ADDR_FROM, _ADDR_TO = 137, 151


def _box(kind) -> str:
    """Direction for an Android ``type`` / ``msg_box`` code; an unknown code is kept as written."""
    return _BOXES.get(int(kind) if str(kind).isdigit() else -1, str(kind or ""))


def _android_time(value, zone, unit: float) -> str:
    """ISO time for an Android date (``unit`` 1000 for SMS milliseconds, 1 for MMS seconds); '' if none."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, (int, float)) or value <= 0:
        return ""
    if unit == 1 and value > 1e11:  # some vendors store MMS dates in milliseconds too
        unit = 1000
    return from_epoch(value / unit, zone)


@_guarded
def read_android_db(path: str, *, tz: str | None = None) -> Iterator[Message]:
    """Yield the SMS (``sms`` table), then the MMS (``pdu`` + ``part``) of an Android ``mmssms.db``."""
    zone = get_tz(tz)
    with _table(path, "sms") as (con, cols, warning):
        pick = [c if c in cols else "NULL" for c in ("_id", "address", "date", "type", "body")]
        order = "ORDER BY _id" if "_id" in cols else ""
        number = 0
        for row in _rows(con, f"SELECT {', '.join(pick)} FROM sms {order}"):
            number += 1
            _id, address, date, kind, body = row
            yield Message(path, number, text=body or "", sender=address or "",
                          timestamp=_android_time(date, zone, 1000), direction=_box(kind))
        for message in _android_mms(con, path, zone):
            number += 1
            message.record = number
            yield message
        yield from _warning_record(path, number, warning)


def _android_mms(con: sqlite3.Connection, path: str, zone) -> Iterator[Message]:
    """Yield the MMS of the ``pdu`` table (record numbers set by the caller); nothing if there is none."""
    pcols = _columns(con, "pdu")
    if "_id" not in pcols:
        return
    pick = [c if c in pcols else "NULL" for c in ("_id", "date", "msg_box", "m_type")]
    where = f"WHERE m_type IS NULL OR m_type IN {_MMS_MESSAGES}" if "m_type" in pcols else ""
    text_of = _mms_text_query(con)
    addr_of = _mms_addr_query(con)
    for _id, date, box, m_type in _rows(con, f"SELECT {', '.join(pick)} FROM pdu {where} ORDER BY _id"):
        text = "\n".join(t for (t,) in con.execute(text_of, (_id,)) if t) if text_of else ""
        direction = _box(box)
        error = ""
        if m_type == 130 and not text:
            error = "MMS notification only: the message was never downloaded, its text is not in the database"
        yield Message(path, 0, text=text, sender=_mms_sender(con, addr_of, _id, direction),
                      timestamp=_android_time(date, zone, 1), direction=direction, error=error)


def _mms_text_query(con: sqlite3.Connection) -> str:
    """SQL for the ``text/plain`` parts of one MMS in order, or '' when the ``part`` table lacks them."""
    cols = _columns(con, "part")
    if not {"mid", "ct", "text"} <= cols:
        return ""
    order = ", ".join(c for c in ("seq", "_id") if c in cols) or "rowid"
    return f"SELECT text FROM part WHERE mid = ? AND ct LIKE 'text/plain%' ORDER BY {order}"


def _mms_addr_query(con: sqlite3.Connection) -> str:
    """SQL for the (address, type) rows of one MMS, or '' when the ``addr`` table lacks them."""
    cols = _columns(con, "addr")
    if not {"msg_id", "address", "type"} <= cols:
        return ""
    return "SELECT address, type FROM addr WHERE msg_id = ? ORDER BY rowid"


def _mms_sender(con: sqlite3.Connection, sql: str, mid, direction: str) -> str:
    """The other party: the ``from`` address of a received MMS, the ``to`` addresses (``~``-joined) otherwise.

    ``~`` joins the numbers of a group message as SMS Backup & Restore's XML does.
    """
    if not sql:
        return ""
    rows = [(a, t) for a, t in con.execute(sql, (mid,)) if a and a != "insert-address-token"]
    wanted = _ADDR_FROM if direction == "received" else _ADDR_TO
    picked = [a for a, t in rows if t == wanted] or [a for a, _ in rows]
    return "~".join(dict.fromkeys(picked))
