"""Rule flags for the evidence report: what a complaint to a regulator can point at.

Each :class:`Flag` names a pattern of conduct and the rule it rests on, as
listed in the project's labelling guide.  :func:`flag_messages` takes
classified rows (as produced by :func:`dunning_nlp.batch.classify_messages`)
and returns, per row, the flags that apply.  Flags are only raised on
collection-related messages (any label but ``other``): an ordinary bank
alert sent at 23:00 is not a late-night collection message.

Per-message flags look at the label and at the rule signals the model
found (the row's ``signals``, from :attr:`dunning_nlp.model.classifier.Prediction.signals`:
one truth, not a second match of the text); three flags look across messages: late-night contact
(22:00–08:00 by default), many messages from one sender on one day, and a threat without debt words from a
sender who sent collection messages.

That last one is the only flag raised on an ``other`` message.  The classifier gives no collection label
to a message that says nothing of a debt (:mod:`dunning_nlp.model.gate`): alone, "有种你就一直别接" could be a
quarrel.  From a number that has been sending the borrower overdue notices it is part of the collection,
and a complaint needs it; the label stays ``other`` (the message does not say it), the flag says why it is
shown.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from ..model.gate import COLLECTION_LABELS
from .i18n import CATALOGUES

__all__ = ["Flag", "FLAGS", "FLAG_CODES", "FlagSettings", "flag_messages", "has_clock", "is_night"]


@dataclass(frozen=True)
class Flag:
    """A reportable pattern of conduct and the rule it rests on."""

    code: str
    title: str
    rule: str


#: The flags in report order.  Their titles and rules live in the report's message catalogue
#: (:mod:`dunning_nlp.report.i18n`, one per language); these are the English ones.
FLAG_CODES: tuple[str, ...] = ("threat", "thread_threat", "third_party", "late_night", "high_frequency",
                               "impersonation", "personal_account", "unofficial_channel")
FLAGS: dict[str, Flag] = {code: Flag(code, CATALOGUES["en"]["flags"][code]["title"], CATALOGUES["en"]["flags"][code]["rule"])
                          for code in FLAG_CODES}

_THREAT_SIGNALS = {"threat_visit", "threat_general", "insult", "contact_blast"}
_IMPERSONATION = {"fake_legal"}
_CHANNEL_SIGNALS = {"link", "personal_phone", "im_contact"}
_CLOCK = re.compile(r"\d[T ]\d")  # a date followed by a time of day
_SENDER_SEPARATORS = re.compile(r"[\s\-()]")
_CN_PREFIX = re.compile(r"^\+?(?:00)?86(?=1\d{10}$)")


@dataclass(frozen=True)
class FlagSettings:
    """Thresholds for the cross-message flags."""

    night_start: int = 22
    night_end: int = 8
    max_per_day: int = 3

    def is_night(self, hour: int) -> bool:
        return is_night(hour, self.night_start, self.night_end)


def is_night(hour: int, start: int, end: int) -> bool:
    """True when ``hour`` falls in the window from ``start`` to ``end`` (which may wrap past midnight).

    The one definition of "night" used by the flags and the report's chart.

    >>> is_night(23, 22, 8), is_night(7, 22, 8), is_night(8, 22, 8), is_night(13, 12, 14)
    (True, True, False, True)
    """
    if start > end:
        return hour >= start or hour < end
    return start <= hour < end


def has_clock(timestamp: str) -> bool:
    """True when an ISO timestamp has a time of day: a date-only value (``2024-03-01``) has no hour to judge."""
    return bool(_CLOCK.search(timestamp or ""))


def _when(timestamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(timestamp) if timestamp else None
    except ValueError:
        return None


def sender_key(sender: str) -> str:
    """A sender number as compared across messages: no spaces, dashes or brackets, no +86 before a mobile."""
    return _CN_PREFIX.sub("", _SENDER_SEPARATORS.sub("", str(sender or "")))


def flag_messages(rows: Sequence[dict], settings: FlagSettings = FlagSettings()) -> list[list[str]]:
    """Return, for each row, the codes of the flags that apply (in :data:`FLAGS` order)."""
    per_day: Counter = Counter()
    parsed = [_when(r.get("timestamp", "")) for r in rows]
    for row, when in zip(rows, parsed):
        if row.get("label") not in ("", "other", None) and when is not None:
            per_day[(row.get("sender", ""), when.date())] += 1
    collectors = {sender_key(r.get("sender", "")) for r in rows if r.get("label") in COLLECTION_LABELS} - {""}
    out: list[list[str]] = []
    for row, when in zip(rows, parsed):
        label = row.get("label") or ""
        names = set(filter(None, str(row.get("signals") or "").split(";")))
        if label == "other":
            threat = names & (_THREAT_SIGNALS | _IMPERSONATION) and sender_key(row.get("sender", "")) in collectors
            out.append(["thread_threat"] if threat else [])
            continue
        if not label:
            out.append([])
            continue
        secondary = set(filter(None, str(row.get("secondary", "")).split(";")))
        found = set()
        if label == "harassment" or "harassment" in secondary or (names & _THREAT_SIGNALS and label != "reminder"):
            found.add("threat")
        if label == "third_party" or "third_party" in secondary:
            found.add("third_party")
        if when is not None and has_clock(row.get("timestamp", "")) and settings.is_night(when.hour):
            found.add("late_night")
        if when is not None and per_day[(row.get("sender", ""), when.date())] > settings.max_per_day:
            found.add("high_frequency")
        if names & _IMPERSONATION and label != "reminder":
            found.add("impersonation")
        if "personal_account" in names and label in ("fraud", "harassment", "third_party"):
            found.add("personal_account")
        if names & _CHANNEL_SIGNALS and label in ("fraud", "harassment", "third_party"):
            found.add("unofficial_channel")
        out.append([code for code in FLAGS if code in found])
    return out
