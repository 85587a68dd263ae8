"""The evidence report's data: typed values from classified rows to the page.

:func:`build_report` takes the typed rows of :func:`dunning_nlp.batch.classify_messages`
(:class:`~dunning_nlp.batch.Row`: the frozen message and its
:class:`~dunning_nlp.model.classifier.Prediction`) and returns a
:class:`Report`: every row as an :class:`Entry` with where it stands and its
flags (:func:`dunning_nlp.report.flags.assess`, the one place the report
decides what it asserts), collectors grouped by the name their messages give
(:mod:`dunning_nlp.report.platforms`, else by sender number), scam senders
grouped by number, and per input file what was read and what was not.
Nothing here is display text and nothing is parsed back from a string:
times are :class:`~datetime.datetime` in the report's zone, settings a
:class:`~dunning_nlp.report.flags.FlagSettings`, flags and reasons enums.

Strings are made only at the edges: :mod:`dunning_nlp.report.wording` (the
complaint paragraphs, in the report's language), :mod:`dunning_nlp.report.html`
(the page, also printed to PDF by :mod:`dunning_nlp.report.pdf`), and
:func:`write_report` for CSV (one row per input record) and JSON
(:func:`report_to_dict`).

Decisions this report rests on (see :mod:`dunning_nlp.report.flags` for the rules):

* Collection-conduct flags only on collection labels; ``other`` rows enter a
  complaint only by the stated thread rule; unreadable blobs and unread
  records never do, and each is listed with its reason.
* Scam senders have their own section, grouped by number, with scam channels
  only; they are never called "collection messages".
* 署名为 only for a real 【signature】; a name from running text must be an
  organisation's name (:func:`dunning_nlp.report.platforms.is_fragment`).
* Times in the report's zone (``tz``, default Asia/Shanghai), the generation
  time included.
* ``redacted`` masks numbers in texts and the numbers of senders no complaint
  concerns; collectors' and scam senders' numbers are kept, because a
  complaint needs them, and the page says so.

Message text is untrusted input; it is only ever escaped, never interpreted.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import atomic_writer
from .._version import __version__
from ..batch import csv_cell
from ..io.message import DEFAULT_TZ, clean_text, get_tz
from ..labels import LABELS
from ..model.store import sha256_file
from ..redact import redact
from .flags import (
    DEFAULT_SETTINGS,
    FLAG_CODES,
    Flag,
    FlagSettings,
    Reason,
    Standing,
    assess,
    channels_for,
    read_time,
    sender_key,
)
from .i18n import catalogue
from .platforms import CONFIDENCE_ORDER, Mention, find_platforms, platform_key
from .wording import complaint_text, scam_text, shown_sender, text_mask

if TYPE_CHECKING:
    from ..batch import Row

__all__ = [
    "REPORT_FORMATS",
    "Entry",
    "InputFile",
    "Report",
    "SenderGroup",
    "build_report",
    "report_to_dict",
    "shown_source",
    "write_report",
]

#: What ``-o`` may end in; the command line refuses anything else.
REPORT_FORMATS = ("html", "pdf", "csv", "json")
#: Entries that a complaint or the scam section is about.
_IN_COLLECTION = (Standing.COLLECTION, Standing.THREAD)
_CLASSIFIED = (Standing.COLLECTION, Standing.THREAD, Standing.SCAM, Standing.OTHER)


@dataclass(frozen=True)
class Entry:
    """One input record as the report sees it: the typed row and what the report asserts about it."""

    row: Row
    standing: Standing
    flags: tuple[Flag, ...]
    reason: Reason | None
    when: datetime | None
    has_time: bool
    key: str
    mention: Mention | None
    group: str

    @property
    def message(self):
        return self.row.message

    @property
    def prediction(self):
        return self.row.prediction

    @property
    def label(self) -> str:
        return self.row.prediction.label if self.row.prediction is not None else ""

    @property
    def score(self) -> float | None:
        return self.row.prediction.score if self.row.prediction is not None else None

    @property
    def concerned(self) -> bool:
        """In a complaint (flagged) or in the scam section."""
        return bool(self.flags) or self.standing is Standing.SCAM

    @property
    def order(self) -> tuple:
        """Time order (in the report's zone; undated last), then input order."""
        local = self.when.replace(tzinfo=None) if self.when is not None else datetime.max
        return (local, self.message.source, self.message.record)


@dataclass(frozen=True)
class SenderGroup:
    """A collector (messages grouped by the name they give, else by number) or a scam sender (by number)."""

    key: str
    scam: bool
    mention: Mention | None
    senders: tuple[str, ...]
    entries: tuple[Entry, ...]
    channels: tuple[str, ...]

    @property
    def concerned(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.concerned)

    @property
    def flagged(self) -> int:
        return sum(1 for e in self.entries if e.flags)

    @property
    def flag_counts(self) -> dict[Flag, int]:
        counts = Counter(flag for e in self.entries for flag in e.flags)
        return {flag: counts[flag] for flag in Flag if counts[flag]}

    @property
    def label_counts(self) -> dict[str, int]:
        counts = Counter(e.label for e in self.entries)
        return {lab: counts[lab] for lab in LABELS}

    @property
    def kind(self) -> str:
        return self.mention.kind if self.mention else "unknown"

    @property
    def span(self) -> tuple[datetime | None, datetime | None]:
        """First and last time of the messages a complaint is about (of all, when none is)."""
        dated = [e for e in (self.concerned or self.entries) if e.when is not None]
        return (dated[0].when, dated[-1].when) if dated else (None, None)


@dataclass(frozen=True)
class InputFile:
    """One input file: its hash and how many of its records were analysed."""

    path: str
    sha256: str
    records: int
    analysed: int

    @property
    def not_analysed(self) -> int:
        return self.records - self.analysed


@dataclass(frozen=True)
class Report:
    """Everything the report shows, as typed values."""

    lang: str
    title: str
    generated_at: datetime
    tz: str
    tool: str
    model_sha256: str
    redacted: bool
    settings: FlagSettings
    inputs: tuple[InputFile, ...]
    entries: tuple[Entry, ...]
    collectors: tuple[SenderGroup, ...]
    scams: tuple[SenderGroup, ...]
    standings: dict[Standing, int] = field(default_factory=dict)
    #: Each message's ``source`` as shown (:func:`shown_source`; see :meth:`source_of`).
    sources: dict[str, str] = field(default_factory=dict)

    def source_of(self, entry: Entry) -> str:
        """The file an entry came from, as the report shows it (safe to write, numbers masked when redacted)."""
        source = entry.message.source
        return self.sources.get(source) or shown_source(source, self.redacted)

    @property
    def flagged(self) -> tuple[Entry, ...]:
        """Flagged collection messages and suspected scams, in time order."""
        return tuple(sorted((e for e in self.entries if e.concerned), key=lambda e: e.order))

    @property
    def flag_counts(self) -> dict[Flag, int]:
        counts = Counter(flag for e in self.entries for flag in e.flags)
        return {flag: counts[flag] for flag in Flag}

    @property
    def complaints(self) -> tuple[SenderGroup, ...]:
        """Collectors with at least one flagged message."""
        return tuple(g for g in self.collectors if g.flagged)

    @property
    def not_analysed(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.standing in (Standing.UNREAD, Standing.UNREADABLE))

    def per_day(self) -> dict[str, dict[str, int]]:
        """Classified messages per calendar day (ISO date), by label."""
        days: dict[str, Counter] = defaultdict(Counter)
        for e in self.entries:
            if e.standing in _CLASSIFIED and e.when is not None:
                days[e.when.date().isoformat()][e.label] += 1
        return {day: {lab: c[lab] for lab in LABELS} for day, c in sorted(days.items())}

    def per_hour(self) -> list[dict[str, int]]:
        """Classified messages per hour of day, by label (messages with a date but no time left out)."""
        hours: list[Counter] = [Counter() for _ in range(24)]
        for e in self.entries:
            if e.standing in _CLASSIFIED and e.when is not None and e.has_time:
                hours[e.when.hour][e.label] += 1
        return [{lab: c[lab] for lab in LABELS} for c in hours]


def _file_sha256(path: str) -> str:
    """sha256 of an input file ('' for standard input or a directory)."""
    p = Path(path)
    return sha256_file(p) if p.is_file() else ""


def build_report(
    rows: Sequence,
    *,
    inputs: Iterable[str] = (),
    model_sha256: str = "",
    settings: FlagSettings = DEFAULT_SETTINGS,
    redacted: bool = False,
    title: str = "",
    generated_at: datetime | None = None,
    lang: str = "zh",
    tz: str | None = None,
) -> Report:
    """Assemble the :class:`Report` from typed :class:`~dunning_nlp.batch.Row` values.

    ``tz`` is the report's time zone (an IANA name, default Asia/Shanghai): message times and the generation
    time are shown in it.  ``lang`` (``zh`` or ``en``) picks the message catalogue.
    """
    cat = catalogue(lang)
    zone_name = tz or DEFAULT_TZ
    zone = get_tz(zone_name)
    rows = list(rows)
    assessments = assess(rows, settings, zone)
    drafts = []
    for row, verdict in zip(rows, assessments):
        when, has_time = read_time(row.message.timestamp, zone)
        key = sender_key(row.message.sender)
        mention = _mention(row, verdict.standing)
        drafts.append((row, verdict, when, has_time, key, mention))
    # Collectors are grouped by the name they give (else by number); a thread message joins its sender's group.
    group_of_key: dict[str, str] = {}
    entries = []
    for row, verdict, when, has_time, key, mention in drafts:
        group = ""
        if verdict.standing is Standing.COLLECTION:
            group = "name:" + platform_key(mention.name) if mention else "number:" + key
            group_of_key.setdefault(key, group)
        elif verdict.standing is Standing.SCAM:
            group = "scam:" + key
        entries.append([row, verdict, when, has_time, key, mention, group])
    for item in entries:
        if item[1].standing is Standing.THREAD:
            item[6] = group_of_key[item[4]]
    built = tuple(
        Entry(row, v.standing, v.flags, v.reason, when, has_time, key, mention, group)
        for row, v, when, has_time, key, mention, group in entries
    )
    collectors = _groups([e for e in built if e.standing in _IN_COLLECTION], scam=False)
    scams = _groups([e for e in built if e.standing is Standing.SCAM], scam=True)
    # Rows name their file as the reader wrote it (made writable: clean_text); files and rows are matched on
    # those names, and masked under --redact only as they are shown.
    paths = list(inputs)
    names = [clean_text(_source_name(p)) for p in paths]
    per_source = Counter(clean_text(e.message.source) for e in built)
    analysed = Counter(clean_text(e.message.source) for e in built if e.standing in _CLASSIFIED)
    sources = {src: shown_source(src, redacted) for src in {e.message.source for e in built}}
    files = [
        InputFile(shown_source(path, redacted), _file_sha256(path), per_source[name], analysed[name])
        for path, name in zip(paths, names)
    ]
    return Report(
        lang=lang,
        title=title or cat["title"],
        generated_at=(generated_at or datetime.now(zone)).astimezone(zone),
        tz=zone_name,
        tool=f"dunning_nlp {__version__}",
        model_sha256=model_sha256,
        redacted=redacted,
        settings=settings,
        inputs=tuple(files),
        entries=built,
        collectors=collectors,
        scams=scams,
        standings=dict(Counter(e.standing for e in built)),
        sources=sources,
    )


def _source_name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def shown_source(name: str, redacted: bool = False) -> str:
    """An input's name as the report shows it: bytes a file name holds that are not UTF-8 (kept by Python as
    lone surrogates, ``os.fsdecode``) become U+FFFD, so every writer can write it; numbers masked when
    ``redacted`` (:func:`dunning_nlp.redact.redact`).  ``/dumps/\\xff13812345678.csv`` is shown
    ``/dumps/\ufffd138****5678.csv`` under ``--redact``.
    """
    name = clean_text(name)
    return redact(name) if redacted else name


def _mention(row, standing: Standing) -> Mention | None:
    """The name a collection message gives for its sender; for a scam only a 【signature】 (what it claims)."""
    if standing is Standing.COLLECTION:
        found = find_platforms(row.message.text)
        return found[0] if found else None
    if standing is Standing.SCAM:
        found = [m for m in find_platforms(row.message.text) if m.source == "signature"]
        return found[0] if found else None
    return None


def _groups(entries: list[Entry], scam: bool) -> tuple[SenderGroup, ...]:
    """Group entries by their group key; most concerned first."""
    by_key: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_key[e.group].append(e)
    out = []
    for key, items in by_key.items():
        items.sort(key=lambda e: e.order)
        named = [e.mention for e in items if e.mention]
        best = min(named, key=lambda m: CONFIDENCE_ORDER.index(m.confidence)) if named else None
        spellings: dict[str, str] = {}
        for e in items:
            if e.key:
                spellings.setdefault(e.key, e.message.sender.strip())
        flags = {flag for e in items for flag in e.flags}
        kind = best.kind if best else "unknown"
        out.append(
            SenderGroup(
                key, scam, best, tuple(sorted(spellings.values())), tuple(items), channels_for(flags, kind, scam=scam)
            )
        )
    return tuple(sorted(out, key=lambda g: (-len(g.concerned), -len(g.entries), g.key)))


# ---------------------------------------------------------------------------------------------- the edges
_CSV_COLUMNS = (
    "source",
    "record",
    "sender",
    "timestamp",
    "standing",
    "label",
    "score",
    "secondary",
    "flags",
    "platform",
    "platform_source",
    "platform_confidence",
    "reason",
    "text",
    "error",
)


def _message_dict(e: Entry, report: Report) -> dict:
    protect = text_mask(report)
    pred = e.prediction
    return {
        "source": report.source_of(e),
        "record": e.message.record,
        "sender": shown_sender(e, report),
        "timestamp": e.when.isoformat()
        if e.when is not None and e.has_time
        else (e.when.date().isoformat() if e.when is not None else ""),
        "standing": e.standing.value,
        "label": e.label,
        "score": round(pred.score, 4) if pred else None,
        "secondary": list(pred.secondary) if pred else [],
        "signals": list(pred.signals) if pred else [],
        "flags": [flag.value for flag in e.flags],
        "platform": protect(e.mention.name) if e.mention else "",
        "platform_source": e.mention.source if e.mention else "",
        "platform_confidence": e.mention.confidence if e.mention else "",
        "reason": e.reason.value if e.reason else "",
        "text": protect(e.message.text),
        "error": protect(clean_text(e.row.error)),
    }


def report_to_dict(report: Report) -> dict:
    """The report as plain JSON-able values: what ``-o report.json`` writes."""
    protect = text_mask(report)
    index = {id(e): i for i, e in enumerate(report.entries)}

    def group(g: SenderGroup, text: str) -> dict:
        return {
            "key": g.key,
            "name": protect(g.mention.name) if g.mention else "",
            "kind": g.kind,
            "name_source": g.mention.source if g.mention else "sender",
            "confidence": g.mention.confidence if g.mention else "none",
            "senders": list(g.senders),
            "first": g.span[0].isoformat() if g.span[0] else "",
            "last": g.span[1].isoformat() if g.span[1] else "",
            "messages": len(g.entries),
            "flagged": g.flagged,
            "labels": g.label_counts,
            "flags": {flag.value: n for flag, n in g.flag_counts.items()},
            "channels": list(g.channels),
            "entries": [index[id(e)] for e in g.entries],
            "text": text,
        }

    return {
        "lang": report.lang,
        "title": report.title,
        "meta": {
            "generated_at": report.generated_at.isoformat(timespec="seconds"),
            "tz": report.tz,
            "tool": report.tool,
            "model_sha256": report.model_sha256,
            "redacted": report.redacted,
            "night_start": report.settings.night_start,
            "night_end": report.settings.night_end,
            "max_per_day": report.settings.max_per_day,
            "inputs": [
                {"path": f.path, "sha256": f.sha256, "records": f.records, "analysed": f.analysed}
                for f in report.inputs
            ],
        },
        "total": len(report.entries),
        "standings": {s.value: report.standings.get(s, 0) for s in Standing},
        "labels": {
            lab: sum(1 for e in report.entries if e.label == lab and e.standing in _CLASSIFIED) for lab in LABELS
        },
        "flags": {code: report.flag_counts[Flag(code)] for code in FLAG_CODES},
        "complaints": [group(g, complaint_text(g, report)) for g in report.complaints],
        "collectors": [group(g, "") for g in report.collectors],
        "scams": [group(g, scam_text(g, report)) for g in report.scams],
        "per_day": report.per_day(),
        "per_hour": report.per_hour(),
        "messages": [_message_dict(e, report) for e in report.entries],
    }


def write_report(report: Report, path: str, fmt: str = "html") -> None:
    """Write the report atomically as ``html``, ``pdf``, ``csv`` or ``json``."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"report format must be one of {', '.join(REPORT_FORMATS)}, got {fmt!r}")
    if fmt in ("html", "pdf"):
        from .html import render_html

        if fmt == "pdf":
            from .pdf import html_to_pdf

            html_to_pdf(render_html(report, for_print=True), path)
            return
        with atomic_writer(path, encoding="utf-8") as fh:
            fh.write(render_html(report))
        return
    with atomic_writer(path, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as fh:
        if fmt == "json":
            json.dump(report_to_dict(report), fh, ensure_ascii=False, indent=1)
            return
        writer = csv.DictWriter(fh, fieldnames=_CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for e in report.entries:
            cells = _message_dict(e, report)
            cells = {
                **cells,
                "secondary": ";".join(cells["secondary"]),
                "flags": ";".join(cells["flags"]),
                "score": "" if cells["score"] is None else cells["score"],
            }
            writer.writerow({key: csv_cell(value) for key, value in cells.items()})
