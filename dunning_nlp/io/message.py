"""The record type every reader yields, and time helpers shared by readers.

Timestamps are written as ISO 8601 in the report's zone: a value with an
offset (``Z``, ``+00:00``) is converted with ``astimezone``, a value without
one is read in that zone.  A value that holds only a date stays a date
(``2024-03-01``, no hour), so that it is never taken for midnight.  A value
that cannot be read gives an empty timestamp and a note, never the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache

__all__ = ["Message", "from_epoch", "get_tz", "DEFAULT_TZ", "parse_time", "parse_timestamp", "combine_date_time",
           "is_date_only"]

#: Timestamps without a zone are read in this zone (most users are in mainland China).
DEFAULT_TZ = "Asia/Shanghai"


@dataclass
class Message:
    """One record read from an SMS dump.

    ``record`` is the position in the source (1-based record number, or
    line number for line-based formats).  A record that could not be read
    still yields a Message, with ``error`` set and ``text`` empty, so that
    nothing is lost from a batch run.  ``note`` says what the reader had to
    guess or leave out for a record it *could* read (an encoding guessed, a
    timestamp not understood); the record is still classified.
    """

    source: str
    record: int
    text: str = ""
    sender: str = ""
    timestamp: str = ""
    direction: str = ""
    error: str = ""
    note: str = ""


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


_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M:%S",
            "%Y.%m.%d %H:%M", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M:%S", "%Y年%m月%d日%H:%M",
            "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%b %d, %Y %I:%M:%S %p", "%b %d, %Y at %I:%M:%S %p",
            "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S %z", "%Y/%m/%d %H:%M:%S %z", "%a %b %d %H:%M:%S %Y")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%d/%m/%Y", "%b %d, %Y", "%Y%m%d")
_CLOCK_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%H:%M:%S.%f")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EPOCH = re.compile(r"^\d{9,}(\.\d+)?$")  # Unix seconds or milliseconds


def is_date_only(timestamp: str) -> bool:
    """True for an ISO timestamp that holds a calendar date and no time of day (``2024-03-01``)."""
    return bool(_DATE_ONLY.match(timestamp or ""))


def _strptime(value: str, formats: tuple[str, ...]) -> datetime | None:
    """The first format that reads ``value`` whole, or None."""
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _aware_iso(parsed: datetime, tz: tzinfo) -> str:
    """ISO 8601 in ``tz``: naive times are read in ``tz``, aware ones converted to it (``Z`` at 15:30 is 23:30 +08:00)."""
    parsed = parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed.astimezone(tz)
    return parsed.isoformat(timespec="seconds")


def parse_timestamp(value, tz: tzinfo) -> tuple[str, str]:
    """Read one timestamp cell.  Returns ``(iso, problem)``.

    ``iso`` is ISO 8601 with the offset of ``tz`` for a date and time, a bare
    ``YYYY-MM-DD`` for a date without a time, and '' when the value is empty
    or cannot be read; ``problem`` then says why (so a row can carry it),
    because a raw unparsed string in the ISO column would be taken as a time.
    """
    value = str(value or "").strip()
    if not value:
        return "", ""
    if _EPOCH.match(value) and float(value) > 10**8:
        number = float(value)
        iso = from_epoch(number / 1000 if number > 10**11 else number, tz)
        return (iso, "") if iso else ("", f"timestamp {value!r} is out of range; left empty")
    day = _strptime(value, _DATE_FORMATS) if ":" not in value else None  # every time of day has a colon
    if day is not None:
        return day.date().isoformat(), ""
    try:
        parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in "Zz" else value)
    except ValueError:
        parsed = _strptime(value, _FORMATS)
    if parsed is None:
        return "", f"timestamp {value[:40]!r} not understood; left empty"
    return _aware_iso(parsed, tz), ""


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
        return _aware_iso(joined, tz), ""
    clock_iso, _ = parse_timestamp(clock_text, tz) if clock_text else ("", "")
    if clock_iso:
        return clock_iso, ""  # the "time" column held the whole timestamp
    if day_iso:
        return day_iso, (f"time {clock_text[:40]!r} not understood; date kept without an hour" if clock_text else "")
    if clock_text and not day_problem:
        return "", f"time {clock_text[:40]!r} has no date; timestamp left empty"
    return "", day_problem
