"""The record every reader yields, and the rules readers share: times, epoch units, direction codes.

A :class:`Message` is frozen: a reader builds it once, and a later stage that
needs another value builds a new one with :func:`dataclasses.replace`.  Its
text fields are always ``str`` that can be written anywhere: a value of
another type (an INTEGER or BLOB cell of a SQLite export) is converted, and
a character that no encoding can write (a lone UTF-16 surrogate from JSON
``"\\ud83d"`` or from a file name that is not UTF-8) becomes U+FFFD.

Timestamps are written as ISO 8601 in the report's zone: a value with an
offset (``Z``, ``+00:00``) is converted with ``astimezone``, a value without
one is read in that zone.  A value that holds only a date stays a date
(``2024-03-01``, no hour), so that it is never taken for midnight
(:func:`has_time_of_day` is the one test of that).  A value that cannot be
read gives an empty timestamp and a note, never the raw text.

Each of these rules is written here once and imported by every reader:

- :func:`epoch_to_iso` guesses the unit of a Unix (or Apple) time from its
  size: seconds, milliseconds, microseconds or nanoseconds;
- :func:`direction_of` maps Android's ``type`` / ``msg_box`` codes and the
  words exports write (``接收``, ``Incoming``, ``deliver``) to ``received``,
  ``sent``, ``draft``, ``outbox``, ``failed`` or ``queued``; an unknown value
  is kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache

__all__ = [
    "Message",
    "from_epoch",
    "epoch_to_iso",
    "get_tz",
    "DEFAULT_TZ",
    "parse_time",
    "parse_timestamp",
    "combine_date_time",
    "is_date_only",
    "has_time_of_day",
    "direction_of",
    "DIRECTIONS",
    "clean_text",
]

#: Timestamps without a zone are read in this zone (most users are in mainland China).
DEFAULT_TZ = "Asia/Shanghai"

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value) -> str:
    """``value`` as a ``str`` every encoding can write: None is '', bytes are decoded as UTF-8 (U+FFFD for
    what is not), another type is ``str(value)``, and a lone surrogate becomes U+FFFD."""
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, (bytes, bytearray, memoryview)):
            value = bytes(value).decode("utf-8", errors="replace")
        else:
            value = str(value)
    if _SURROGATE.search(value):
        value = _SURROGATE.sub("\ufffd", value)
    return value


@dataclass(frozen=True)
class Message:
    """One record read from an SMS dump.

    ``record`` is the position in the source (1-based record number, or
    line number for line-based formats).  A record that could not be read
    still yields a Message, with ``error`` set and ``text`` empty, so that
    nothing is lost from a batch run.  ``note`` says what the reader had to
    guess or leave out for a record it *could* read (an encoding guessed, a
    timestamp not understood); the record is still classified.

    Frozen: build a changed copy with :func:`dataclasses.replace`.
    """

    source: str
    record: int
    text: str = ""
    sender: str = ""
    timestamp: str = ""
    direction: str = ""
    error: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        try:  # the common case in one step: every field a str, no surrogate anywhere
            clean = not _SURROGATE.search(
                "".join((self.source, self.text, self.sender, self.timestamp, self.direction, self.error, self.note))
            )
        except TypeError:  # a field that is not a str
            clean = False
        if not clean:
            for name in _TEXT_FIELDS:
                value = getattr(self, name)
                if type(value) is not str or _SURROGATE.search(value):
                    object.__setattr__(self, name, clean_text(value))
        if type(self.record) is not int:
            object.__setattr__(self, "record", int(self.record))


_TEXT_FIELDS = tuple(f.name for f in fields(Message) if f.name != "record")


@lru_cache(maxsize=8)
def get_tz(name: str | None = None) -> tzinfo:
    """A tzinfo for an IANA name; falls back to UTC+8 when no zone database is installed."""
    name = name or DEFAULT_TZ
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database on this system, or an unknown name
        if name in ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Macau"):
            return timezone(timedelta(hours=8), name)
        from ..errors import InputError

        raise InputError(f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai") from None


def from_epoch(seconds: float, tz: tzinfo) -> str:
    """ISO 8601 with zone for a Unix time; '' when out of range."""
    try:
        return datetime.fromtimestamp(seconds, tz).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return ""


# ----------------------------------------------------------------- epoch times
_EPOCH_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")  # ASCII digits only: int("²") would raise
#: Upper bounds (exclusive) of a plausible time counted in seconds, milliseconds and microseconds; above: ns.
_UNIT_BOUNDS = ((1e11, 1.0), (1e14, 1e3), (1e17, 1e6))


def _epoch_number(value) -> float | None:
    """A number from an int, a float or a string of ASCII digits; None for anything else (``²``, 401 digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value) if abs(value) < 10**25 else float("inf")
    if isinstance(value, float):
        return value if value == value else None
    text = str(value or "").strip()
    if not _EPOCH_NUMBER.match(text):
        return None
    return float(text) if len(text) <= 40 else float("inf")  # 401 digits: a number, out of any range


def epoch_to_iso(value, tz: tzinfo, *, offset: float = 0) -> tuple[str, str]:
    """ISO 8601 in ``tz`` for a count of seconds, milliseconds, micro- or nanoseconds since 1970 (or since
    ``offset``, e.g. Apple's 2001).  Returns ``(iso, problem)``.

    The unit is guessed from the size, the one rule every reader uses: below 10^11 seconds (up to the year
    5138), below 10^14 milliseconds, below 10^17 microseconds, else nanoseconds.  Zero, a negative value or an
    empty cell is no time (``("", "")``); a value that is not a number, or out of range, gives ``""`` and a
    problem to note.
    """
    if value is None or value == "":
        return "", ""
    number = _epoch_number(value)
    if number is None:
        return "", f"timestamp {str(value)[:40]!r} is not a number; left empty"
    if number <= 0:
        return "", ""
    divisor = next((unit for bound, unit in _UNIT_BOUNDS if number < bound), 1e9)
    iso = from_epoch(number / divisor + offset, tz)
    return (iso, "") if iso else ("", f"timestamp {str(value)[:40]!r} is out of range; left empty")


# ----------------------------------------------------------------- directions
#: What exports write for the direction of a message (lower-cased), and what it means.
DIRECTIONS: dict[str, str] = {
    # Android SMS ``type`` and MMS ``msg_box`` codes (telephony provider, SMS Backup & Restore)
    "1": "received",
    "2": "sent",
    "3": "draft",
    "4": "outbox",
    "5": "failed",
    "6": "queued",
    "incoming": "received",
    "outgoing": "sent",
    "received": "received",
    "sent": "sent",
    "inbox": "received",
    "outbox": "sent",  # folder names in exports: the messages received, the messages sent
    "draft": "draft",
    "failed": "failed",
    "queued": "queued",
    "deliver": "received",
    "submit": "sent",  # PDU types, written by some Android export tools
    "接收": "received",
    "收到": "received",
    "收": "received",
    "收件": "received",
    "已接收": "received",
    "发送": "sent",
    "已发送": "sent",
    "发": "sent",
    "寄件": "sent",
    "發送": "sent",
    "已發送": "sent",
    "草稿": "draft",
}


def direction_of(value) -> str:
    """``received``, ``sent``, ``draft``, ``outbox``, ``failed`` or ``queued`` for a direction code or word;
    an unknown value is returned as written (stripped), an empty one as ''."""
    if value is None or isinstance(value, bool):
        return ""
    text = str(value).strip()
    return DIRECTIONS.get(text.lower(), text)


# ----------------------------------------------------------------- timestamps as text
_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%b %d, %Y %I:%M:%S %p",
    "%b %d, %Y at %I:%M:%S %p",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y/%m/%d %H:%M:%S %z",
    "%a %b %d %H:%M:%S %Y",
)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%d/%m/%Y", "%b %d, %Y", "%Y%m%d")
_CLOCK_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%H:%M:%S.%f")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_CLOCK = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_EPOCH = re.compile(r"^[0-9]{9,}(\.[0-9]+)?$")  # Unix seconds or milliseconds
#: Year, month and day with any of - / . 年月日 and spaces between them, then an optional time of day: the
#: loose forms phones write (``2013. 2.17 23:53``, ``2013-2-7 9:05``).  Tried after the exact formats.
_LOOSE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\.?"
    r"(?:(?:\s+|\s*T\s*)(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?$"
)


def is_date_only(timestamp: str) -> bool:
    """True for an ISO timestamp that holds a calendar date and no time of day (``2024-03-01``)."""
    return bool(_DATE_ONLY.match(timestamp or ""))


def has_time_of_day(timestamp: str) -> bool:
    """True when an ISO timestamp written by a reader has a time of day (``2024-03-01T23:30:00+08:00``).

    The one test of "has an hour": a date-only value (``2024-03-01``) or an empty one has none, and must be
    left out of anything that looks at the hour (night flags, the per-hour chart).

    >>> has_time_of_day("2024-03-01T23:30:00+08:00"), has_time_of_day("2024-03-01"), has_time_of_day("")
    (True, False, False)
    """
    return bool(_ISO_CLOCK.match(timestamp or ""))


def _strptime(value: str, formats: tuple[str, ...]) -> datetime | None:
    """The first format that reads ``value`` whole, or None."""
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _loose(value: str) -> datetime | date | None:
    """A date (and time) in one of the loose forms :data:`_LOOSE` reads; None when it is not one."""
    match = _LOOSE.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = match.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        return None


def _aware_iso(parsed: datetime, tz: tzinfo) -> str:
    """ISO 8601 in ``tz``: naive times are read in ``tz``, aware ones converted to it (``Z`` at 15:30 is 23:30
    +08:00)."""
    parsed = parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed.astimezone(tz)
    return parsed.isoformat(timespec="seconds")


def parse_timestamp(value, tz: tzinfo) -> tuple[str, str]:
    """Read one timestamp cell.  Returns ``(iso, problem)``.

    ``iso`` is ISO 8601 with the offset of ``tz`` for a date and time, a bare
    ``YYYY-MM-DD`` for a date without a time, and '' when the value is empty
    or cannot be read; ``problem`` then says why (so a row can carry it),
    because a raw unparsed string in the ISO column would be taken as a time.
    A run of nine or more digits is a Unix time (:func:`epoch_to_iso`).
    """
    value = str(value or "").strip()
    if not value:
        return "", ""
    if _EPOCH.match(value) and float(value) > 10**8:
        iso, _ = epoch_to_iso(value, tz)
        return (iso, "") if iso else ("", f"timestamp {value[:40]!r} is out of range; left empty")
    day = _strptime(value, _DATE_FORMATS) if ":" not in value else None  # every time of day has a colon
    if day is not None:
        return day.date().isoformat(), ""
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in "Zz" else value)
    except ValueError:
        parsed = _strptime(value, _FORMATS)
    if parsed is None:
        loose = _loose(value)
        if isinstance(loose, datetime):
            parsed = loose
        elif loose is not None:
            return loose.isoformat(), ""
    if parsed is None:
        return "", f"timestamp {value[:40]!r} not understood; left empty"
    try:
        return _aware_iso(parsed, tz), ""
    except (OverflowError, ValueError):  # year 1 in a zone east of UTC, year 9999 west of it
        return "", f"timestamp {value[:40]!r} is out of range; left empty"


def parse_time(value, tz: tzinfo) -> str:
    """ISO 8601 for a timestamp string ('' when it cannot be read); see :func:`parse_timestamp`."""
    return parse_timestamp(value, tz)[0]


def combine_date_time(day_value, clock_value, tz: tzinfo) -> tuple[str, str]:
    """Join a ``Date`` cell and a ``Time`` cell (exports that split them) into one ``(iso, problem)``.

    Either cell may also hold a full date and time, which then wins.  A date
    with an empty or unreadable time stays a date (no hour), with a note.
    """
    day_iso, day_problem = parse_timestamp(day_value, tz)
    clock_text = str(clock_value or "").strip()
    if day_iso and not is_date_only(day_iso):
        return day_iso, ""
    clock = _strptime(clock_text, _CLOCK_FORMATS) if clock_text else None
    if day_iso and clock is not None:
        joined = datetime.combine(date.fromisoformat(day_iso), time(clock.hour, clock.minute, clock.second))
        try:
            return _aware_iso(joined, tz), ""
        except (OverflowError, ValueError):
            return day_iso, f"time {clock_text[:40]!r} cannot be joined to the date; date kept without an hour"
    clock_iso, _ = parse_timestamp(clock_text, tz) if clock_text else ("", "")
    if clock_iso:
        return clock_iso, ""  # the "time" column held the whole timestamp
    if day_iso:
        return day_iso, (f"time {clock_text[:40]!r} not understood; date kept without an hour" if clock_text else "")
    if clock_text and not day_problem:
        return "", f"time {clock_text[:40]!r} has no date; timestamp left empty"
    return "", day_problem
