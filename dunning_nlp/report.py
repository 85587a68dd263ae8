"""The evidence report: what borrowers and advocates attach to a complaint.

:func:`build_report` turns classified rows plus their rule flags into one
plain dictionary: provenance (generation time, tool version, model hash,
sha256 of every input file), counts by label, messages per day stacked by
label, messages per hour with night hours marked, a timeline per sender and
the flagged messages.  :func:`write_report` writes it as a self-contained
HTML page (:mod:`dunning_nlp.report_html`), as CSV (one row per message with
its flags) or as JSON (the whole dictionary).

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

from ._files import atomic_writer
from ._version import __version__
from .flags import FLAGS, FlagSettings, flag_messages
from .labels import LABELS
from .redact import redact

__all__ = ["build_report", "write_report", "file_sha256", "REPORT_FORMATS"]

REPORT_FORMATS = ("html", "csv", "json")


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
                 generated_at: datetime | None = None) -> dict:
    """Assemble the report dictionary from classified rows (unredacted; ``redacted`` masks what is shown)."""
    flags = flag_messages(rows, settings)
    protect = redact if redacted else (lambda s: s)
    messages = []
    for row, codes in zip(rows, flags):
        messages.append({
            "source": row["source"], "record": row["record"], "sender": protect(row.get("sender", "")),
            "timestamp": row.get("timestamp", ""), "label": row.get("label", ""), "score": row.get("score", ""),
            "secondary": row.get("secondary", ""), "evidence": protect(row.get("evidence", "")),
            "text": protect(row.get("text", "")), "error": row.get("error", ""), "flags": codes,
        })
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
        per_hour[when.hour][m["label"]] += 1
    senders: dict[str, list[dict]] = defaultdict(list)
    for m in messages:
        if m["label"] and m["label"] != "other":
            senders[m["sender"] or "(unknown)"].append(m)
    for timeline in senders.values():
        timeline.sort(key=lambda m: m["timestamp"])
    flag_counts = Counter(code for m in messages for code in m["flags"])
    return {
        "title": title or "Debt-collection SMS evidence report",
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
        "flags": {code: {"title": f.title, "rule": f.rule, "count": flag_counts[code]} for code, f in FLAGS.items()},
        "senders": dict(sorted(senders.items(), key=lambda kv: -len(kv[1]))),
        "messages": messages,
    }


_CSV_COLUMNS = ("source", "record", "sender", "timestamp", "label", "score", "secondary", "flags", "evidence", "text",
                "error")


def write_report(report: dict, path: str, fmt: str = "html") -> None:
    """Write the report atomically as ``html``, ``csv`` or ``json``."""
    with atomic_writer(path, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as fh:
        if fmt == "html":
            from .report_html import render_html

            fh.write(render_html(report))
        elif fmt == "json":
            json.dump(report, fh, ensure_ascii=False, indent=1)
        else:
            writer = csv.DictWriter(fh, fieldnames=_CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for m in report["messages"]:
                writer.writerow({**m, "flags": ";".join(m["flags"])})
