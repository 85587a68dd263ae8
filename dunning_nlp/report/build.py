"""The evidence report: what borrowers and advocates attach to a complaint.

:func:`build_report` turns classified rows plus their rule flags into one
plain dictionary: provenance (generation time, tool version, model hash,
sha256 of every input file), counts by label, messages per day stacked by
label, messages per hour with night hours marked, a timeline per sender and
the flagged messages; who sent them (the lender, platform or agency each
message names, :mod:`dunning_nlp.report.platforms`), grouped with dates and counts
per flag; and a complaint summary per sender with the rules concerned and the
channels that fit.  All display text comes from the message catalogue of the
report's language (:mod:`dunning_nlp.report.i18n`; Chinese by default).
:func:`write_report` writes it as a self-contained HTML page
(:mod:`dunning_nlp.report.html`), as PDF (that page printed by headless
Chromium, :mod:`dunning_nlp.report.pdf`), as CSV (one row per message with
its flags and sender) or as JSON (the whole dictionary).

Message text is untrusted input; it is only ever escaped, never interpreted.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from .._files import atomic_writer
from .._version import __version__
from .flags import FLAGS, FlagSettings, flag_messages, has_clock, sender_key
from ..labels import LABELS
from .platforms import CONFIDENCE_ORDER, REGULATED_KINDS, find_platforms, platform_key
from .i18n import catalogue, format_date
from ..redact import redact

__all__ = ["build_report", "write_report", "group_platforms", "file_sha256", "REPORT_FORMATS"]

REPORT_FORMATS = ("html", "pdf", "csv", "json")


def file_sha256(path: str) -> str:
    """sha256 of a file's bytes ('' for stdin or a directory)."""
    p = Path(path)
    if not p.is_file():
        return ""
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_report(rows: Sequence[dict], *, inputs: Iterable[str] = (), model_sha256: str = "",
                 settings: FlagSettings = FlagSettings(), redacted: bool = False, title: str = "",
                 generated_at: datetime | None = None, lang: str = "zh") -> dict:
    """Assemble the report dictionary from classified rows (unredacted; ``redacted`` masks what is shown).

    ``lang`` (``zh`` or ``en``) picks the message catalogue for every text the report carries.
    """
    cat = catalogue(lang)
    flags = flag_messages(rows, settings)
    protect = redact if redacted else (lambda s: s)
    messages = []
    for row, codes in zip(rows, flags):
        mention = _sender_mention(row)
        messages.append({
            "source": row["source"], "record": row["record"], "sender": protect(row.get("sender", "")),
            "timestamp": row.get("timestamp", ""), "label": row.get("label", ""), "score": row.get("score", ""),
            "secondary": row.get("secondary", ""), "evidence": protect(row.get("evidence", "")),
            "text": protect(row.get("text", "")), "error": row.get("error", ""), "flags": codes,
            "platform": protect(mention.name) if mention else "", "platform_kind": mention.kind if mention else "",
            "platform_source": mention.source if mention else "sender",
            "platform_confidence": mention.confidence if mention else "none",
            # grouped as shown: a redacted report never carries a number, not even in a group key
            "_group": platform_key(protect(mention.name)) if mention else "sender:" + protect(str(row.get("sender", ""))),
        })
    # A threat flagged for its sender joins that sender's group, so the complaint about the sender counts it.
    group_of = {sender_key(r.get("sender", "")): m["_group"] for r, m in zip(rows, messages)
                if m["label"] not in ("", "other")}
    for row, m in zip(rows, messages):
        if "thread_threat" in m["flags"]:
            m["_group"] = group_of.get(sender_key(row.get("sender", "")), m["_group"])
    per_day: dict[str, Counter] = defaultdict(Counter)
    per_hour = [Counter() for _ in range(24)]
    for m in messages:
        if not m["label"]:
            continue
        try:
            when = datetime.fromisoformat(m["timestamp"])
        except ValueError:
            continue
        per_day[when.date().isoformat()][m["label"]] += 1
        if has_clock(m["timestamp"]):  # a date-only message has no hour to chart
            per_hour[when.hour][m["label"]] += 1
    senders: dict[str, list[dict]] = defaultdict(list)
    for m in messages:
        if _collection_or_flagged(m):
            senders[m["sender"] or cat["text"]["unknown_sender"]].append(m)
    for timeline in senders.values():
        timeline.sort(key=lambda m: m["timestamp"])
    flag_counts = Counter(code for m in messages for code in m["flags"])
    platforms = group_platforms(messages, lang)
    for m in messages:
        del m["_group"]
    return {
        "lang": lang,
        "title": title or cat["title"],
        "meta": {
            "generated_at": (generated_at or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
            "tool": f"dunning_nlp {__version__}",
            "model_sha256": model_sha256,
            "inputs": [{"path": p, "sha256": file_sha256(p)} for p in inputs],
            "redacted": redacted,
            "night": f"{settings.night_start:02d}:00–{settings.night_end:02d}:00",
            "max_per_day": settings.max_per_day,
        },
        "counts": {lab: sum(1 for m in messages if m["label"] == lab) for lab in LABELS},
        "errors": sum(1 for m in messages if m["error"] and not m["label"]),
        "total": len(messages),
        "per_day": {day: {lab: c[lab] for lab in LABELS} for day, c in sorted(per_day.items())},
        "per_hour": [{lab: c[lab] for lab in LABELS} for c in per_hour],
        "labels": {lab: {"name": cat["labels"][lab], "description": cat["label_desc"][lab]} for lab in LABELS},
        "flags": {code: {"title": cat["flags"][code]["title"], "rule": cat["flags"][code]["rule"],
                         "basis": cat["flags"][code]["basis"], "channel": cat["flags"][code]["channel"],
                         "count": flag_counts[code]} for code in FLAGS},
        "platforms": platforms,
        "complaints": [{"platform": p["name"], "key": p["key"], "text": p["complaint"]} for p in platforms
                       if p["complaint"]],
        "senders": dict(sorted(senders.items(), key=lambda kv: -len(kv[1]))),
        "messages": messages,
    }


_CSV_COLUMNS = ("source", "record", "sender", "timestamp", "label", "score", "secondary", "flags", "platform",
                "platform_confidence", "evidence", "text", "error")


def _sender_mention(row: dict):
    """The name a collection message gives for its sender (None for other messages and when it names no one)."""
    if row.get("label") in ("", "other", None):
        return None
    found = find_platforms(row.get("text", ""))
    return found[0] if found else None


def _collection_or_flagged(m: dict) -> bool:
    """A message of a sender's timeline: any label but ``other``, or an ``other`` message with a flag."""
    return bool(m["label"]) and (m["label"] != "other" or bool(m["flags"]))


def _concerned(m: dict) -> bool:
    """A message a complaint is about: flagged, or a suspected scam."""
    return bool(m["flags"]) or m["label"] == "fraud"


def _channels(flag_codes: set, fraud: bool, kind: str, cat: dict) -> list[str]:
    """The complaint channels that fit a sender's flags, as the labelling guide assigns them."""
    text = cat["text"]
    out = []
    if flag_codes & {"threat", "thread_threat", "impersonation"}:
        out.append(text["channel_threat"])
    if fraud or flag_codes & {"personal_account", "unofficial_channel"}:
        out.append(text["channel_fraud"])
    if flag_codes & {"threat", "thread_threat", "third_party", "late_night", "high_frequency"}:
        if kind in REGULATED_KINDS:
            out.append(text["channel_regulated"])
        elif kind in ("agency", "law_firm"):
            out.append(text["channel_agency"])
        else:
            out.append(text["channel_platform"])
    if flag_codes & {"threat", "thread_threat", "late_night", "high_frequency"}:
        out.append(text["channel_sms"])
    return out


def _complaint(group: dict, concerned: list[dict], cat: dict, lang: str) -> str:
    """One plain paragraph about one sender, ready to paste into a complaint form ('' when nothing to complain)."""
    if not concerned:
        return ""
    text = cat["text"]
    sep = text["list_sep"]
    senders = sep.join(group["senders"]) or text["na"]
    if group["name"]:
        who = text["who_named"].format(name=group["name"], kind=cat["kinds"][group["kind"]])
    elif group["key"] == "sender:":
        who = text["who_unknown"]
    else:
        who = text["who_unnamed"].format(senders=senders)
    first, last = format_date(group["first"], lang), format_date(group["last"], lang)
    period = (text["period_unknown"] if not first else text["period_one"].format(first=first) if first == last
              else text["period"].format(first=first, last=last))
    items = [text["item"].format(name=cat["flags"][code]["title"], count=n) for code, n in group["flags"].items() if n]
    frauds = sum(1 for m in concerned if m["label"] == "fraud")
    if frauds:
        items.append(text["item"].format(name=cat["labels"]["fraud"], count=frauds))
    codes = {code for code, n in group["flags"].items() if n}
    bases = list(dict.fromkeys(cat["flags"][code]["basis"] for code in FLAGS if code in codes))
    channels = _channels(codes, bool(frauds), group["kind"], cat)
    return text["complaint"].format(
        who=who, period=period, total=group["messages"],
        senders=senders, concerned=len(concerned), items=sep.join(items), bases=text["clause_sep"].join(bases) or text["na"],
        channels=text["clause_sep"].join(channels), source=cat["sources"][group["source"]],
        confidence=cat["confidence"][group["confidence"]])


def group_platforms(messages: list[dict], lang: str = "zh") -> list[dict]:
    """Group collection messages by the platform they name (else by sender number), most concerned first.

    Each group has the name as first written (``""`` when none was found), its kind, the strongest reading
    and where it came from, the sender numbers, first and last date of the messages a complaint is about
    (flagged or suspected fraud; of all its messages when there are none), counts per label and per flag,
    and the complaint paragraph.
    """
    cat = catalogue(lang)
    groups: dict[str, list[dict]] = defaultdict(list)
    for m in messages:
        if _collection_or_flagged(m):
            groups[m["_group"]].append(m)
    out = []
    for key, items in groups.items():
        named = [m for m in items if m["platform"]]
        best = min(named, key=lambda m: CONFIDENCE_ORDER.index(m["platform_confidence"])) if named else None
        concerned = [m for m in items if _concerned(m)]
        dated = sorted(m["timestamp"] for m in (concerned or items) if m["timestamp"])
        group = {
            "key": key, "name": named[0]["platform"] if named else "",
            "kind": best["platform_kind"] if best else "unknown",
            "confidence": best["platform_confidence"] if best else "none",
            "source": best["platform_source"] if best else "sender",
            "senders": sorted({m["sender"] or cat["text"]["unknown_sender"] for m in items}),
            "first": dated[0] if dated else "", "last": dated[-1] if dated else "",
            "messages": len(items), "flagged": sum(1 for m in items if m["flags"]),
            "labels": {lab: sum(1 for m in items if m["label"] == lab) for lab in LABELS},
            "flags": {code: sum(1 for m in items if code in m["flags"]) for code in FLAGS},
        }
        group["complaint"] = _complaint(group, concerned, cat, lang)
        out.append(group)
    return sorted(out, key=lambda g: (-g["flagged"] - g["labels"]["fraud"], -g["messages"], g["key"]))


def write_report(report: dict, path: str, fmt: str = "html") -> None:
    """Write the report atomically as ``html``, ``pdf``, ``csv`` or ``json``."""
    if fmt == "pdf":
        from .html import render_html
        from .pdf import html_to_pdf

        html_to_pdf(render_html(report, for_print=True), path)
        return
    with atomic_writer(path, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as fh:
        if fmt == "html":
            from .html import render_html

            fh.write(render_html(report))
        elif fmt == "json":
            json.dump(report, fh, ensure_ascii=False, indent=1)
        else:
            writer = csv.DictWriter(fh, fieldnames=_CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for m in report["messages"]:
                writer.writerow({**m, "flags": ";".join(m["flags"])})
