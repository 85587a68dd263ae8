"""What the evidence report asserts about each message: where it stands and which flags it carries (codes only).

A complaint is only as good as its least true sentence, so every assertion the
report makes is decided here, from typed values — the classifier's
:class:`~dunning_nlp.model.classifier.Prediction` (label, secondary labels and
the rule signals it found) inside each :class:`~dunning_nlp.batch.Row` — and
nowhere else.  This module holds codes only; every word shown for them lives
in :mod:`dunning_nlp.report.i18n`.

Where a message stands (:class:`Standing`):

* ``collection`` — a collection label (``reminder``, ``harassment``,
  ``third_party``; :data:`dunning_nlp.model.gate.COLLECTION_LABELS`).  Only
  these messages carry collection-conduct flags: night, per-day, third-party
  contact, threat, impersonation, personal account, unofficial channel.  An
  ordinary bank alert at 23:00 is not a late-night collection message.
* ``scam`` — labelled ``fraud``.  A scam gets no collection-conduct flag and is
  never counted as a "collection message": the report gives scams their own
  section (疑似诈骗短信), grouped by sender number, with scam channels only
  (110, 96110, 12381/12321).
* ``thread`` — labelled ``other`` but tied to a collector's thread by the one
  stated rule below; it carries the ``thread_threat`` flag and joins that
  sender's complaint.
* ``other`` — anything else labelled ``other`` (ads, chat, notices): counted,
  never in a complaint.
* ``unreadable`` — an encrypted or binary blob, or text lost in decoding
  (:func:`dunning_nlp.text.unreadable.looks_unreadable`): not classified, never
  in a complaint, listed with its reason.
* ``unread`` — no text to classify (a reader error, a call-log backup, an MMS
  that was never downloaded, an empty body): listed with its reason.

The thread rule.  The classifier gives no collection label to a message that
names no debt (:mod:`dunning_nlp.model.gate`): alone, "有种你就一直别接" could be
a quarrel.  An ``other`` message is shown as part of a collection only when
all of these hold: the same sender (:func:`sender_key`) sent collection
messages in this report; the message carries a threat or impersonation signal
(:data:`~dunning_nlp.text.signals.THREAT_SIGNALS`,
:data:`~dunning_nlp.text.signals.IMPERSONATION_SIGNALS` — the same groups the
classifier's secondary label reads); it is not an anti-fraud warning (signal
``scam_warning``) nor an advertisement (signal ``marketing``: 退订, 优惠 …, as
in an invoice ad whose "联系人:周先生" reads like a contact-list threat); it does
not laugh (哈哈, 开玩笑, a laughing emoji: a joke or a friend's banter, see
:data:`PLAYFUL`); and it is not signed by another
organisation than that sender's collection messages (gateway numbers such as
1069… carry many senders' 【signatures】).  A polite skip-trace that only asks
whether you know someone stays out: it carries no threat signal, or only the
contact-list one beside the signals of a message addressed to a contact.  A
quarrel from a number that never sent a collection message stays out by the
first condition; one from a collector's own number cannot be told from a
collector's threat and is shown, with the flag saying why.

The threat flag is the classifier's judgement: ``harassment`` as the label, or
as a secondary label (which the classifier adds to a third-party contact that
carries a threat signal) — except on a message addressed to a contact whose
only threat signal is the contact list itself ("您是他通讯录里的联系人，请告知其
联系方式": it says why the recipient is written to and threatens no one).  The
third-party flag is ``third_party`` as the label, or as a secondary label on a
message that is addressed to someone other than the borrower (signals
``third_party_address``, ``locate_person``): a message to the borrower that
says contacts *will* be told is a threat, not yet a contact.  The report does
not read the text again; it reads the signals the classifier found.

Cross-message flags: late-night contact (:class:`FlagSettings`, 22:00–08:00 by
default; a message with a date but no time of day has no hour to judge), and
more than ``max_per_day`` collection messages from one sender (same
:func:`sender_key`) on one day.

Rules behind the flags (:data:`FLAG_RULES`) are codes of the rules listed in
the labelling guide's "Rules the flags rest on"; flags that are a sign of a
scam rather than a breach of a rule (personal account, unofficial channel)
cite none.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import Enum

from ..batch import UNREADABLE_BODY
from ..io.message import has_time_of_day
from ..model.gate import COLLECTION_LABELS
from ..text.signals import CHANNEL_SIGNALS, IMPERSONATION_SIGNALS, THREAT_SIGNALS
from ..text.unreadable import looks_unreadable
from .platforms import REGULATED_KINDS, signature

__all__ = [
    "CHANNEL_CODES",
    "CHANNEL_FLAGS",
    "DEFAULT_SETTINGS",
    "FLAG_CODES",
    "FLAG_RULES",
    "FLAG_SIGNALS",
    "PLAYFUL",
    "RULE_CODES",
    "Assessment",
    "Flag",
    "FlagSettings",
    "Reason",
    "Standing",
    "assess",
    "channels_for",
    "is_night",
    "read_time",
    "sender_key",
    "unread_reason",
]


class Flag(str, Enum):
    """A reportable pattern of conduct, in report order."""

    THREAT = "threat"
    THREAD_THREAT = "thread_threat"
    THIRD_PARTY = "third_party"
    LATE_NIGHT = "late_night"
    HIGH_FREQUENCY = "high_frequency"
    IMPERSONATION = "impersonation"
    PERSONAL_ACCOUNT = "personal_account"
    UNOFFICIAL_CHANNEL = "unofficial_channel"

    def __str__(self) -> str:
        return self.value


FLAG_CODES: tuple[str, ...] = tuple(flag.value for flag in Flag)

#: The rules of the labelling guide ("Rules the flags rest on"), as codes; i18n gives each its wording.
RULE_CODES: tuple[str, ...] = (
    "criminal_293",  # 刑法第293条之一 (illegal debts such as usury) / 第293条 (lawful debts)
    "soft_violence",  # 2019 four-agency opinion on 软暴力
    "civil_privacy",  # 民法典第1032–1033条
    "pipl_10",  # 个人信息保护法第10条
    "nifa_night",  # NIFA guideline: no collection 22:00–08:00 unless agreed
    "nifa_frequency",  # NIFA guideline: at most 3 connected calls a day (SMS by analogy)
    "nifa_debtor_only",  # NIFA guideline: collect only from the debtor, not from contacts
)

#: The rules each flag rests on (none for the signs of a scam).
FLAG_RULES: dict[Flag, tuple[str, ...]] = {
    Flag.THREAT: ("criminal_293", "soft_violence"),
    Flag.THREAD_THREAT: ("criminal_293", "soft_violence"),
    Flag.THIRD_PARTY: ("nifa_debtor_only", "pipl_10", "civil_privacy"),
    Flag.LATE_NIGHT: ("nifa_night",),
    Flag.HIGH_FREQUENCY: ("nifa_frequency", "civil_privacy"),
    Flag.IMPERSONATION: ("criminal_293", "soft_violence"),
    Flag.PERSONAL_ACCOUNT: (),
    Flag.UNOFFICIAL_CHANNEL: (),
}


#: Where to complain or report, as the labelling guide assigns them, in the order a person should read them:
#: police (110), the 96110 anti-fraud line, the lender itself, the financial regulator (12378, banks,
#: insurers, consumer-finance companies), the market regulator (12315, agencies), the SMS report line
#: (12321, through 12381 since 2020).
CHANNEL_CODES: tuple[str, ...] = ("police", "antifraud", "lender", "regulator", "market", "sms_report")
_THREATS = frozenset({Flag.THREAT, Flag.THREAD_THREAT, Flag.IMPERSONATION})
_CONDUCT = frozenset(
    {Flag.THREAT, Flag.THREAD_THREAT, Flag.THIRD_PARTY, Flag.LATE_NIGHT, Flag.HIGH_FREQUENCY, Flag.IMPERSONATION}
)
#: The flags that send a complaint to each channel (the lender and the two regulators also depend on its kind).
CHANNEL_FLAGS: dict[str, frozenset[Flag]] = {
    "police": _THREATS,
    "antifraud": frozenset({Flag.PERSONAL_ACCOUNT, Flag.UNOFFICIAL_CHANNEL}),
    "lender": _CONDUCT,
    "regulator": _CONDUCT,
    "market": _CONDUCT,
    "sms_report": frozenset({Flag.THREAT, Flag.THREAD_THREAT, Flag.LATE_NIGHT, Flag.HIGH_FREQUENCY}),
}
#: Where a complaint about conduct goes, by the kind of organisation: 12378 for banks, insurers and
#: consumer-finance companies; the lender and 12315 for agencies and law firms; otherwise the lender first and
#: 12378 when the lender turns out to be a bank or consumer-finance company.
_CONDUCT_CHANNELS = {"agency": ("lender", "market"), "law_firm": ("lender", "market")}
#: A scam goes to these only: its signature says nothing of who sent it, so never to a financial regulator.
_SCAM_CHANNELS = ("police", "antifraud", "sms_report")


def channels_for(flags, kind: str = "unknown", scam: bool = False) -> tuple[str, ...]:
    """The channels (:data:`CHANNEL_CODES`) for a collector's flags and kind, or for a scam sender (``scam``).

    >>> channels_for({Flag.THREAT, Flag.LATE_NIGHT}, "bank")
    ('police', 'regulator', 'sms_report')
    >>> channels_for({Flag.THIRD_PARTY}, "agency"), channels_for((), scam=True)
    (('lender', 'market'), ('police', 'antifraud', 'sms_report'))
    """
    flags = set(flags)
    conduct: tuple[str, ...]
    if kind in REGULATED_KINDS:
        conduct = ("regulator",)
    else:
        conduct = _CONDUCT_CHANNELS.get(kind, ("lender", "regulator"))
    found = set(_SCAM_CHANNELS) if scam else set()
    for channel, raising in CHANNEL_FLAGS.items():
        if flags & raising and (raising is not _CONDUCT or channel in conduct):
            found.add(channel)
    return tuple(code for code in CHANNEL_CODES if code in found)


#: The signals behind each flag that rests on signals (what the evidence column names for it).
FLAG_SIGNALS: dict[Flag, frozenset[str]] = {
    Flag.THREAT: THREAT_SIGNALS,
    Flag.THREAD_THREAT: THREAT_SIGNALS | IMPERSONATION_SIGNALS,
    Flag.THIRD_PARTY: frozenset({"third_party_address", "locate_person"}),
    Flag.IMPERSONATION: IMPERSONATION_SIGNALS,
    Flag.PERSONAL_ACCOUNT: frozenset({"personal_account"}),
    Flag.UNOFFICIAL_CHANNEL: CHANNEL_SIGNALS,
}


class Standing(str, Enum):
    """Where a message stands in the report (see the module docstring)."""

    COLLECTION = "collection"
    THREAD = "thread"
    SCAM = "scam"
    OTHER = "other"
    UNREADABLE = "unreadable"
    UNREAD = "unread"

    def __str__(self) -> str:
        return self.value


class Reason(str, Enum):
    """Why a record was not classified."""

    BLOB = "blob"  # encrypted or binary content
    EMPTY = "empty"  # the body is empty
    CALL_LOG = "call_log"  # a call-log backup, not messages
    MMS_NOT_DOWNLOADED = "mms_not_downloaded"
    NOT_MESSAGES = "not_messages"  # a file that holds no SMS (unknown layout, no text column)
    DAMAGED = "damaged"  # a damaged database, XML, JSON or CSV row
    ENCODING = "encoding"  # text in no supported encoding
    CANNOT_OPEN = "cannot_open"
    READER_ERROR = "reader_error"  # any other reader error (its own words are shown)

    def __str__(self) -> str:
        return self.value


#: Words of a reader's error and what they mean, first match wins (the reader's words are shown beside them).
_READER_ERRORS: tuple[tuple[re.Pattern[str], Reason], ...] = tuple(
    (re.compile(p, re.IGNORECASE), r)
    for p, r in (
        (r"call[- ]log", Reason.CALL_LOG),
        (r"encrypted|binary", Reason.BLOB),  # batch marking a body unreadable (text.unreadable.looks_unreadable)
        (r"MMS notification", Reason.MMS_NOT_DOWNLOADED),
        (r"^empty message body$", Reason.EMPTY),
        (r"encoding", Reason.ENCODING),
        (r"no such file|cannot open|not a regular file", Reason.CANNOT_OPEN),
        (r"corrupt|broken|unreadable|not valid JSON|refused|truncated|malformed", Reason.DAMAGED),
        (
            (
                r"not a SQLite|neither a message|no <sms>|which column|no recognised header|no text column|"
                r"expected an object|unknown format|not an SMS"
            ),
            Reason.NOT_MESSAGES,
        ),
    )
)

#: Laughter and play: a message that laughs is banter, not a threat ("我一會兒去你公司找你拿鑰匙。哈哈").
PLAYFUL = re.compile(r"哈哈|呵呵哈|嘻嘻|嘿嘿|开玩笑|開玩笑|逗你|說笑|说笑|[😂🤣😆😄😁😹]|(?i:\blol\b|\blmao\b|\bhaha)")
#: Signals that mark a message as a warning or an advertisement, not a threat (the thread rule).
_NOT_A_THREAT = frozenset({"scam_warning", "marketing"})
#: Signals of a message addressed to a contact (a skip-trace), as opposed to one that threatens.
_SKIP_TRACE = FLAG_SIGNALS[Flag.THIRD_PARTY]
_SENDER_SEPARATORS = re.compile(r"[\s\-()]")
_CN_PREFIX = re.compile(r"^\+?(?:00)?86(?=1\d{10}$)")
_LABELLED = re.compile(r"\s*[(（].*$")  # "13900001111 (老同学)": a contact name after the number


@dataclass(frozen=True)
class FlagSettings:
    """Thresholds for the cross-message flags (the command line takes its defaults from here)."""

    night_start: int = 22
    night_end: int = 8
    max_per_day: int = 3

    def is_night(self, hour: int) -> bool:
        return is_night(hour, self.night_start, self.night_end)


#: The defaults, as one value (the command line and the report read them from here).
DEFAULT_SETTINGS = FlagSettings()


def is_night(hour: int, start: int, end: int) -> bool:
    """True when ``hour`` falls in the window from ``start`` to ``end`` (which may wrap past midnight).

    The one definition of "night" used by the flags and the report's chart.

    >>> is_night(23, 22, 8), is_night(7, 22, 8), is_night(8, 22, 8), is_night(13, 12, 14)
    (True, True, False, True)
    """
    if start > end:
        return hour >= start or hour < end
    return start <= hour < end


def read_time(timestamp: str, tz: tzinfo | None = None) -> tuple[datetime | None, bool]:
    """The one reading of a row's ISO timestamp: ``(when, has a time of day)``.

    ``when`` is in ``tz`` when the value carries an offset and ``tz`` is given; ``None`` when empty or unreadable.

    >>> read_time("2026-10-01T23:10:00+08:00")
    (datetime.datetime(2026, 10, 1, 23, 10, tzinfo=datetime.timezone(datetime.timedelta(seconds=28800))), True)
    >>> read_time("2026-10-01")[1], read_time("not a time")
    (False, (None, False))
    """
    if not timestamp:
        return None, False
    try:
        when = datetime.fromisoformat(timestamp)
    except ValueError:
        return None, False
    if tz is not None and when.tzinfo is not None:
        when = when.astimezone(tz)
    return when, has_time_of_day(timestamp)


def sender_key(sender: str) -> str:
    """A sender as compared across messages: no spaces, dashes, brackets or contact name, no +86 before a mobile.

    >>> sender_key("+86 138-0013-8000"), sender_key("13900001111 (老同学)")
    ('13800138000', '13900001111')
    """
    return _CN_PREFIX.sub("", _SENDER_SEPARATORS.sub("", _LABELLED.sub("", str(sender or ""))))


def unread_reason(error: str) -> Reason:
    """What a reader's (or batch's) error says, as a :class:`Reason`."""
    if _is_unreadable_body(error):
        return Reason.BLOB
    for pattern, reason in _READER_ERRORS:
        if pattern.search(error or ""):
            return reason
    return Reason.READER_ERROR


@dataclass(frozen=True)
class Assessment:
    """What the report asserts about one row: where it stands, its flags, and why it was not read."""

    standing: Standing
    flags: tuple[Flag, ...] = ()
    reason: Reason | None = None


def _is_unreadable_body(error: str) -> bool:
    """True when batch left a row unclassified because its body is a blob (:data:`~dunning_nlp.batch.UNREADABLE_BODY`,
    possibly followed by a reader's note after ``"; "``)."""
    return (error or "").split("; ", 1)[0] == UNREADABLE_BODY


def _standing(row) -> tuple[Standing, Reason | None]:
    if row.prediction is None:
        if _is_unreadable_body(row.error):
            return Standing.UNREADABLE, Reason.BLOB
        return Standing.UNREAD, unread_reason(row.error)
    if looks_unreadable(row.message.text):
        return Standing.UNREADABLE, Reason.BLOB
    if row.prediction.label in COLLECTION_LABELS:
        return Standing.COLLECTION, None
    if row.prediction.label == "fraud":
        return Standing.SCAM, None
    return Standing.OTHER, None


def assess(rows: Sequence, settings: FlagSettings = DEFAULT_SETTINGS, tz: tzinfo | None = None) -> list[Assessment]:
    """For each :class:`~dunning_nlp.batch.Row`, where it stands in the report and the flags that apply."""
    base = [_standing(row) for row in rows]
    keys = [sender_key(row.message.sender) for row in rows]
    times = [read_time(row.message.timestamp, tz) for row in rows]
    per_day: Counter = Counter()
    collectors: dict[str, set[str]] = {}
    for row, (standing, _), key, (when, _) in zip(rows, base, keys, times):
        if standing is not Standing.COLLECTION or not key:
            continue
        collectors.setdefault(key, set()).add(signature(row.message.text))
        if when is not None:
            per_day[(key, when.date())] += 1
    out: list[Assessment] = []
    for row, (standing, reason), key, (when, clock) in zip(rows, base, keys, times):
        if standing is Standing.OTHER and _in_thread(row, collectors.get(key)):
            out.append(Assessment(Standing.THREAD, (Flag.THREAD_THREAT,)))
            continue
        if standing is not Standing.COLLECTION:
            out.append(Assessment(standing, (), reason))
            continue
        pred = row.prediction
        names = set(pred.signals)
        escalated = pred.label in ("harassment", "third_party")
        found = set()
        if pred.label == "harassment" or ("harassment" in pred.secondary and not _names_contacts_only(names)):
            found.add(Flag.THREAT)
        if pred.label == "third_party" or ("third_party" in pred.secondary and names & _SKIP_TRACE):
            found.add(Flag.THIRD_PARTY)
        if when is not None and clock and settings.is_night(when.hour):
            found.add(Flag.LATE_NIGHT)
        if when is not None and key and per_day[(key, when.date())] > settings.max_per_day:
            found.add(Flag.HIGH_FREQUENCY)
        if escalated and names & IMPERSONATION_SIGNALS:
            found.add(Flag.IMPERSONATION)
        if escalated and "personal_account" in names:
            found.add(Flag.PERSONAL_ACCOUNT)
        if escalated and names & CHANNEL_SIGNALS:
            found.add(Flag.UNOFFICIAL_CHANNEL)
        out.append(Assessment(standing, tuple(flag for flag in Flag if flag in found)))
    return out


def _names_contacts_only(names: set[str]) -> bool:
    """A message to a contact whose only threat signal is the contact list itself ("您是他通讯录里的联系人"):
    it says why the recipient is written to, it threatens no one."""
    threats = names & (THREAT_SIGNALS | IMPERSONATION_SIGNALS)
    return bool(threats) and threats <= {"contact_blast"} and bool(names & _SKIP_TRACE)


def _in_thread(row, collector_signatures: set[str] | None) -> bool:
    """The thread rule (module docstring): an ``other`` message that belongs to a collector's thread."""
    if collector_signatures is None:
        return False
    names = set(row.prediction.signals)
    if not names & (THREAT_SIGNALS | IMPERSONATION_SIGNALS) or names & _NOT_A_THREAT or _names_contacts_only(names):
        return False
    text = row.message.text
    if PLAYFUL.search(text):
        return False
    own = signature(text)
    return not own or own in collector_signatures
