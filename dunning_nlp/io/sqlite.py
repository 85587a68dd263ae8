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

A database is untrusted input.  Only real tables are read: an ``sms``,
``pdu``, ``part`` or ``addr`` that is a view (a recursive view never ends) or
a virtual table is not queried, and the record that says so is an error
record; ``trusted_schema`` is off.  Every query is bounded in time: one that
produces no row for :data:`STALL_SECONDS` is interrupted and reported; a
value longer than :data:`MAX_VALUE` bytes is refused instead of allocated.  Rows
are read in rowid order; a damaged page costs only the rows on it: the
reader seeks past it, reads one by one what can still be read near it, and
writes one error record for what could not (instead of stopping the file).
Every cell is converted to text (an INTEGER or BLOB body, a BLOB address),
and a ``date`` or ``type`` that is not a number is kept as written or noted.

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
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from .._files import remove_scratch, scratch_dir
from ..errors import InputFileError
from .message import Message, direction_of, epoch_to_iso, get_tz

__all__ = ["read_ios_db", "read_android_db", "sqlite_kind", "attributed_body_text", "STALL_SECONDS", "MAX_VALUE"]

_APPLE_EPOCH = 978307200  # 2001-01-01T00:00:00Z in Unix time
#: A query that produces no row for this many seconds is interrupted (a hostile schema, a damaged file).
STALL_SECONDS = 30.0
#: Longest value (text or BLOB, in bytes) read from a cell; a longer one makes its row unreadable.
MAX_VALUE = 64 << 20
#: Gaps of at most this many row ids around a damaged page are read one row at a time.
_SINGLES = 10_000
_MIN_ROWID, _MAX_ROWID = -(2**63), 2**63 - 1


#: Files SQLite keeps beside a database that may hold data not yet in it.
_SIDECARS = ("-wal", "-journal")


def _uri(path: str, query: str) -> str:
    """A ``file:`` URI for SQLite (percent-quoted, so ``?`` or ``#`` in a name stay part of it)."""
    return "file:" + quote(str(Path(path).resolve())) + "?" + query


class _Guard:
    """Progress handler bounding every query in time: no row for :data:`STALL_SECONDS` interrupts it."""

    def __init__(self):
        self.last = time.monotonic()
        self.stalled = False

    def progress(self) -> None:
        self.last = time.monotonic()

    def __call__(self) -> int:
        if time.monotonic() - self.last > STALL_SECONDS:
            self.stalled = True
            return 1
        return 0


class _Connection(sqlite3.Connection):
    """A connection that carries its :class:`_Guard`."""

    guard: _Guard


def _open_uri(path: str, uri: str) -> sqlite3.Connection:
    """Connect to ``uri`` (errors name ``path``, the input the user gave) with writes refused."""
    try:
        con = sqlite3.connect(uri, uri=True, factory=_Connection)
        con.execute("PRAGMA query_only = ON")
        with contextlib.suppress(sqlite3.Error):  # SQLite < 3.31 has no trusted_schema
            con.execute("PRAGMA trusted_schema = OFF")
        con.text_factory = lambda b: b.decode("utf-8", errors="replace")
        con.guard = _Guard()
        con.set_progress_handler(con.guard, 10_000)
        con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)  # a crafted cell cannot claim a gigabyte
        return con
    except sqlite3.Error as exc:
        raise InputFileError(f"{path}: cannot open SQLite database read-only ({exc})") from exc


def _guard(con: sqlite3.Connection) -> _Guard:
    return getattr(con, "guard", None) or _Guard()


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
    """Copy the database and its sidecar files into a new private scratch directory; return the copy's path.

    SQLite reads a WAL only through a ``-shm`` index it must be able to write; writing it beside the evidence
    would change the evidence (and fails on a read-only mount), so it is written beside a copy instead.
    """
    tmp = scratch_dir("sqlite")
    copy = os.path.join(tmp, "input.db")
    try:
        shutil.copyfile(path, copy)
        for suffix in sidecars:
            shutil.copyfile(path + suffix, copy + suffix)
    except OSError:
        remove_scratch(tmp)
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
            warning = (
                f"{names} beside the database cannot be read ({exc.strerror or exc}): messages not yet "
                f"written back into the database are missing"
            )
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
            remove_scratch(os.path.dirname(copy))


def _objects(con: sqlite3.Connection) -> dict[str, str]:
    """Every table and view by name: ``table``, ``view``, ``virtual`` (a virtual table) or ``no-rowid``."""
    found = {}
    for kind, name, sql in con.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view')"):
        text = " ".join(str(sql or "").upper().split())
        if kind == "table" and text.startswith("CREATE VIRTUAL TABLE"):
            kind = "virtual"
        elif kind == "table" and "WITHOUT ROWID" in text:
            kind = "no-rowid"
        found[str(name)] = kind
    return found


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    """Columns of ``table`` when it is a real table; empty for a view, a virtual table or no such table."""
    if _objects(con).get(table) not in ("table", "no-rowid"):
        return set()
    return {row[1] for row in con.execute(f'PRAGMA table_info("{table}")')}


def _tables(con: sqlite3.Connection) -> set[str]:
    """Names of the real tables in the database (views and virtual tables are not read)."""
    return {name for name, kind in _objects(con).items() if kind in ("table", "no-rowid")}


def _refused(con: sqlite3.Connection, names: tuple[str, ...]) -> str:
    """An error text naming which of ``names`` are views or virtual tables (not read), or ''."""
    objects = _objects(con)
    odd = [
        f"{n} is a {'view' if objects[n] == 'view' else 'virtual table'}"
        for n in names
        if objects.get(n) in ("view", "virtual")
    ]
    return f"{', '.join(odd)}, not a table: not read (a phone's database has tables there)" if odd else ""


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
    if not blob or not isinstance(blob, (bytes, bytearray, memoryview)):
        return ""
    blob = bytes(blob)
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
        length = int.from_bytes(blob[i : i + 2], "little")
        i += 2
    elif length == 0x82:  # 4-byte little-endian length
        length = int.from_bytes(blob[i : i + 4], "little")
        i += 4
    return blob[i : i + length].decode("utf-8", errors="replace")


def _cell_text(value) -> str:
    """A cell as text: TEXT as is, a BLOB decoded as UTF-8, a number written out, NULL as ''."""
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


# ----------------------------------------------------------------- reading rows past damaged pages
class _Gap:
    """Rows that could not be read: row ids after ``after`` up to ``upto`` (None: to the end)."""

    def __init__(self, after: int, upto: int | None, reason: str):
        self.after, self.upto, self.reason = after, upto, reason

    def describe(self, table: str) -> str:
        first = "the start" if self.after == _MIN_ROWID else f"row id {self.after}"
        last = "the end" if self.upto is None else f"row id {self.upto}"
        return (
            f"{table}: rows after {first} up to {last} cannot be read ({self.reason}); the rows around them were read"
        )


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """True for a damaged page (which a seek can skip), not for a query problem or an interrupt."""
    text = str(exc).lower()
    return (
        "malformed" in text
        or "corrupt" in text
        or "too big" in text
        or type(exc) in (sqlite3.DatabaseError, sqlite3.DataError)
    )


def _scan(con: sqlite3.Connection, select: str, table: str, rowid: str, where: str = "") -> Iterator[tuple | _Gap]:
    """The rows of ``select`` (whose last column is ``rowid``, the row id of ``table``) in row id order.

    A damaged page (or a value too long to read) does not end the scan: the rows a failed batch held are read
    again one query per row up to the damage, the scan seeks past it (:func:`_resume_after`), rows near it are
    read one by one where they can be, and a :class:`_Gap` says what could not be read.  Row ids only grow:
    a damaged tree that loops back is treated as damage, never read twice.
    """
    guard = _guard(con)
    cond = f"({where}) AND " if where else ""
    sql = f"{select} WHERE {cond}{rowid} > ? ORDER BY {rowid}"
    single = f"{select} WHERE {cond}{rowid} = ?"
    last, careful = _MIN_ROWID, 0  # careful: rows still to read one query each after an error

    def checked(row: tuple) -> tuple:
        if not isinstance(row[-1], int) or row[-1] <= last:
            raise sqlite3.DatabaseError("database disk image is malformed (row ids out of order)")
        return row

    while True:
        try:
            guard.progress()
            if careful:  # one query per row: the cursor never steps onto the damaged row ahead of time
                row = con.execute(sql + " LIMIT 1", (last,)).fetchone()
                if row is None:
                    return
                last = checked(row)[-1]
                careful -= 1
                yield row
                continue
            cursor = con.execute(sql, (last,))
            while True:
                guard.progress()  # the time the caller took between rows is not the query's
                batch = cursor.fetchmany(1000)
                if not batch:
                    return
                for row in batch:
                    last = checked(row)[-1]
                    yield row
        except sqlite3.DatabaseError as exc:
            if guard.stalled or not _damaged(exc):
                raise
            if not careful:  # the rows a failed batch held: read them one at a time, up to the damage
                careful = 1000
                continue
            careful = 0
            resume, known = _resume_after(con, guard, table, rowid, last)
            recovered = 0
            if resume is not None and (known or resume - last <= _SINGLES):
                for rid in [resume] if known else range(last + 1, resume + 1):
                    if guard.stalled:
                        break
                    with contextlib.suppress(sqlite3.DatabaseError):
                        guard.progress()
                        rows = [row for row in con.execute(single, (rid,)).fetchall() if row[-1] == rid]
                        recovered += len(rows)
                        yield from rows
            if resume is None or not known or not recovered:
                reason = (
                    f"a value longer than {MAX_VALUE:,} bytes"
                    if "too big" in str(exc)
                    else f"damaged database page: {exc}"
                )
                yield _Gap(last, resume, reason)
            if resume is None or resume <= last:
                return
            last = resume


def _resume_after(con: sqlite3.Connection, guard: _Guard, table: str, rowid: str, last: int) -> tuple[int | None, bool]:
    """``(row id, known)``: the smallest row id past ``last`` from which ``table`` can be read again (None when
    nothing can); ``known`` when it is the very next row of the table (only that row is unreadable)."""
    base = rowid.split(".")[-1]
    probe_sql = f'SELECT {base} FROM "{table}" WHERE {base} > ? ORDER BY {base} LIMIT 1'

    def probe(x: int) -> tuple[bool, int | None]:
        """(readable from past ``x``, the next row id); a damaged tree that answers a smaller id is unreadable."""
        try:
            guard.progress()
            row = con.execute(probe_sql, (x,)).fetchone()
        except sqlite3.DatabaseError:
            if guard.stalled:
                raise
            return False, None
        if row is not None and (not isinstance(row[0], int) or row[0] <= x):
            return False, None
        return True, (row[0] if row else None)

    ok, nxt = probe(last)
    if ok:  # the row ids read on: the row after ``last`` itself (or a joined table) cannot be read
        return nxt, nxt is not None
    step, low = 1, last
    while True:
        x = last + step
        if x >= _MAX_ROWID:
            return None, False
        ok, _ = probe(x)
        if ok:
            high = x
            break
        low, step = x, step * 2
    while high - low > 1:
        mid = (low + high) // 2
        if probe(mid)[0]:
            high = mid
        else:
            low = mid
    return high, False


def _guarded(reader: Callable) -> Callable:
    """Turn a database that breaks (or stalls) into one error record after what was read, not a traceback."""

    def wrapper(path: str, *, tz: str | None = None, source: str | None = None) -> Iterator[Message]:
        source = source or path
        produced = 0
        try:
            for message in reader(path, tz=tz, source=source):
                produced += 1
                yield message
        except sqlite3.DatabaseError as exc:
            if "interrupt" in str(exc).lower():
                reason = f"a query produced nothing for {STALL_SECONDS:g} seconds and was stopped"
            else:
                reason = str(exc)
            yield Message(source, produced + 1, error=f"database unreadable after record {produced}: {reason}")

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


def _warning_record(source: str, number: int, warning: str) -> Iterator[Message]:
    """One trailing error record when part of the database could not be read (nothing is lost silently)."""
    if warning:
        yield Message(source, number + 1, error=warning)


def _rowid_of(con: sqlite3.Connection, table: str, alias: str) -> str | None:
    """How to name ``table``'s row id in a query (``alias.rowid``), or None for a WITHOUT ROWID table."""
    return None if _objects(con).get(table) == "no-rowid" else f"{alias}rowid"


def _plain(con: sqlite3.Connection, sql: str) -> Iterator[tuple]:
    """The rows of ``sql`` (a table without row ids, read without :func:`_scan`'s recovery)."""
    guard = _guard(con)
    guard.progress()
    cursor = con.execute(sql)
    while True:
        guard.progress()
        batch = cursor.fetchmany(1000)
        if not batch:
            return
        yield from batch


def _noted(message: Message, *problems: str) -> Message:
    notes = "; ".join(p for p in problems if p)
    return replace(message, note=f"record {message.record}: {notes}") if notes else message


@_guarded
def read_ios_db(path: str, *, tz: str | None = None, source: str | None = None) -> Iterator[Message]:
    """Yield messages from an iOS ``sms.db`` or macOS ``chat.db``."""
    source = source or path
    zone = get_tz(tz)
    with _table(path, "message") as (con, cols, warning):
        hcols = _columns(con, "handle")
        pick = [f"m.{c}" if c in cols else "NULL" for c in ("ROWID", "text", "attributedBody", "date", "is_from_me")]
        sender = "h.id" if "id" in hcols else "NULL"
        where = "COALESCE(m.associated_message_type, 0) = 0" if "associated_message_type" in cols else ""
        join = "FROM message m LEFT JOIN handle h ON m.handle_id = h.ROWID" if hcols else "FROM message m"
        if not hcols:
            sender = "NULL"
        rowid = _rowid_of(con, "message", "m.")
        number = 0
        rows: Iterator[tuple | _Gap]
        if rowid is None:
            rows = _plain(
                con,
                f"SELECT {', '.join(pick)}, {sender}, NULL {join} {'WHERE ' + where if where else ''} ORDER BY m.ROWID",
            )
        else:
            rows = _scan(con, f"SELECT {', '.join(pick)}, {sender}, {rowid} {join}", "message", rowid, where)
        for row in rows:
            number += 1
            if isinstance(row, _Gap):
                yield Message(source, number, error=row.describe("message"))
                continue
            _rowid, text, body, date, from_me, handle, _ = row
            text = _cell_text(text)
            if not text:
                text = attributed_body_text(body)
            stamp, problem = epoch_to_iso(date, zone, offset=_APPLE_EPOCH)
            yield _noted(
                Message(
                    source,
                    number,
                    text=text,
                    sender=_cell_text(handle),
                    timestamp=stamp,
                    direction="sent" if from_me == 1 else "received",
                ),
                problem,
            )
        yield from _warning_record(source, number, warning)


#: MMS ``m_type`` values that are messages (send-req, notification-ind, retrieve-conf); others are reports.
_MMS_MESSAGES = (128, 130, 132)
_ADDR_FROM, _ADDR_TO = 137, 151


@_guarded
def read_android_db(path: str, *, tz: str | None = None, source: str | None = None) -> Iterator[Message]:
    """Yield the SMS (``sms`` table), then the MMS (``pdu`` + ``part``) of an Android ``mmssms.db``."""
    source = source or path
    zone = get_tz(tz)
    with _table(path, "sms") as (con, cols, warning):
        pick = [c if c in cols else "NULL" for c in ("_id", "address", "date", "type", "body")]
        rowid = _rowid_of(con, "sms", "")
        number = 0
        rows: Iterator[tuple | _Gap]
        if rowid is None:
            order = "ORDER BY _id" if "_id" in cols else ""
            rows = _plain(con, f"SELECT {', '.join(pick)}, NULL FROM sms {order}")
        else:
            rows = _scan(con, f"SELECT {', '.join(pick)}, rowid FROM sms", "sms", "rowid")
        for row in rows:
            number += 1
            if isinstance(row, _Gap):
                yield Message(source, number, error=row.describe("sms"))
                continue
            _id, address, date, kind, body, _ = row
            stamp, problem = epoch_to_iso(date, zone)
            yield _noted(
                Message(
                    source,
                    number,
                    text=_cell_text(body),
                    sender=_cell_text(address),
                    timestamp=stamp,
                    direction=direction_of(kind),
                ),
                problem,
            )
        for message, problem in _android_mms(con, source, zone):
            number += 1
            yield _noted(replace(message, record=number), problem)
        refused = _refused(con, ("pdu", "part", "addr"))
        if refused:
            number += 1
            yield Message(source, number, error=refused)
        yield from _warning_record(source, number, warning)


def _android_mms(con: sqlite3.Connection, source: str, zone) -> Iterator[tuple[Message, str]]:
    """Yield ``(message, time problem)`` for the MMS of the ``pdu`` table (record numbers set by the caller)."""
    pcols = _columns(con, "pdu")
    if "_id" not in pcols:
        return
    pick = [c if c in pcols else "NULL" for c in ("_id", "date", "msg_box", "m_type")]
    where = f"m_type IS NULL OR m_type IN {_MMS_MESSAGES}" if "m_type" in pcols else ""
    text_of = _mms_text_query(con)
    addr_of = _mms_addr_query(con)
    rowid = _rowid_of(con, "pdu", "")
    rows: Iterator[tuple | _Gap]
    if rowid is None:
        rows = _plain(con, f"SELECT {', '.join(pick)}, NULL FROM pdu {'WHERE ' + where if where else ''} ORDER BY _id")
    else:
        rows = _scan(con, f"SELECT {', '.join(pick)}, rowid FROM pdu", "pdu", "rowid", where)
    for row in rows:
        if isinstance(row, _Gap):
            yield Message(source, 0, error=row.describe("pdu")), ""
            continue
        _id, date, box, m_type, _ = row
        _guard(con).progress()
        try:
            text = "\n".join(_cell_text(t) for (t,) in con.execute(text_of, (_id,)) if t) if text_of else ""
            direction = direction_of(box)
            sender = _mms_sender(con, addr_of, _id, direction)
        except sqlite3.DatabaseError as exc:
            if _guard(con).stalled or not _damaged(exc):
                raise
            yield Message(source, 0, error=f"MMS {_cell_text(_id)}: its parts cannot be read ({exc})"), ""
            continue
        _guard(con).progress()
        error = ""
        if m_type == 130 and not text:
            error = "MMS notification only: the message was never downloaded, its text is not in the database"
        stamp, problem = epoch_to_iso(date, zone)
        yield Message(source, 0, text=text, sender=sender, timestamp=stamp, direction=direction, error=error), problem


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
    rows = [(_cell_text(a), t) for a, t in con.execute(sql, (mid,)) if a and a != "insert-address-token"]
    wanted = _ADDR_FROM if direction == "received" else _ADDR_TO
    picked = [a for a, t in rows if t == wanted] or [a for a, _ in rows]
    return "~".join(dict.fromkeys(picked))
