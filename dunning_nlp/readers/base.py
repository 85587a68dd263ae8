"""The record type every reader yields, and time helpers shared by readers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache

__all__ = ["Message", "from_epoch", "get_tz", "DEFAULT_TZ"]

#: Timestamps without a zone are read in this zone (most users are in mainland China).
DEFAULT_TZ = "Asia/Shanghai"


@dataclass
class Message:
    """One record read from an SMS dump.

    ``record`` is the position in the source (1-based record number, or
    line number for line-based formats).  A record that could not be read
    still yields a Message, with ``error`` set and ``text`` empty, so that
    nothing is lost from a batch run.
    """

    source: str
    record: int
    text: str = ""
    sender: str = ""
    timestamp: str = ""
    direction: str = ""
    error: str = ""


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
            "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y %H:%M:%S", "%b %d, %Y %I:%M:%S %p",
            "%Y-%m-%dT%H:%M:%S")


def parse_time(value: str, tz: tzinfo) -> str:
    """Best-effort ISO 8601 for a timestamp string; the input unchanged when it cannot be parsed."""
    value = (value or "").strip()
    if not value:
        return ""
    if value.isdigit():
        number = int(value)
        if number > 10**11:  # milliseconds
            return from_epoch(number / 1000, tz)
        if number > 10**8:
            return from_epoch(number, tz)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.isoformat(timespec="seconds")
