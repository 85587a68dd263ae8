"""Batch classification of SMS dumps: stream in, classify in chunks, write rows out.

:func:`classify_messages` turns a stream of
:class:`~dunning_nlp.io.Message` into a stream of output rows (plain
dicts with the columns in :data:`COLUMNS`), exactly one row per input
record.  Records that carry a reader error, or whose text is empty, are
written with the ``error`` field set and no label.  Chunks keep memory flat
however large the dump; ``jobs > 1`` classifies chunks in worker processes,
each loading the model once, and keeps input order.

:class:`RowWriter` writes CSV or JSON Lines to a file atomically (a
temporary file renamed into place, so an interrupted run never leaves a
half-written result under the final name) or to standard output.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import islice
from typing import Iterable, Iterator, TextIO

from ._files import atomic_writer
from .labels import LABELS
from .model.prior import PriorSpec
from .io import Message
from .redact import redact

__all__ = ["COLUMNS", "classify_messages", "classify_rendered", "render_rows", "RowWriter", "Summary", "MAX_CLASSIFY_CHARS"]

COLUMNS: tuple[str, ...] = ("source", "record", "sender", "timestamp", "direction", "text", "label", "score",
                            *(f"score_{label}" for label in LABELS), "secondary", "signals", "evidence", "error")
#: Only the start of an (abnormally) long body is classified; the full text is still written.
MAX_CLASSIFY_CHARS = 4000
CHUNK = 512


@dataclass
class Summary:
    """Counts reported on stderr after a batch run."""

    read: int = 0
    written: int = 0
    errors: int = 0
    by_label: Counter = field(default_factory=Counter)
    by_sender: Counter = field(default_factory=Counter)

    def add(self, row: dict) -> None:
        """Count one written row."""
        self.written += 1
        if row["error"] and not row["label"]:
            self.errors += 1
        self.by_label[row["label"] or "(error)"] += 1
        if row["label"] and row["label"] != "other":
            self.by_sender[row["sender"] or "(unknown)"] += 1

    def format(self) -> str:
        labels = ", ".join(f"{lab} {self.by_label[lab]}" for lab in (*LABELS, "(error)") if self.by_label[lab])
        lines = [f"records read: {self.read}   rows written: {self.written}   errors: {self.errors}",
                 f"by label: {labels or '-'}"]
        if self.by_sender:
            top = ", ".join(f"{s} {n}" for s, n in self.by_sender.most_common(10))
            lines.append(f"collection messages by sender (top 10): {top}")
        return "\n".join(lines)


def _row(msg: Message, pred, redacted: bool) -> dict:
    protect = redact if redacted else (lambda s: s)
    row = {"source": msg.source, "record": msg.record, "sender": protect(msg.sender), "timestamp": msg.timestamp,
           "direction": msg.direction, "text": protect(msg.text), "label": "", "score": "",
           **{f"score_{lab}": "" for lab in LABELS}, "secondary": "", "signals": "", "evidence": "",
           "error": "; ".join(filter(None, (msg.error, msg.note)))}  # a note (a guess) still gets a label
    if pred is not None:
        row["label"] = pred.label
        row["score"] = round(pred.score, 4)
        for lab in LABELS:
            row[f"score_{lab}"] = round(pred.scores[lab], 4)
        row["secondary"] = ";".join(pred.secondary)
        row["signals"] = ";".join(pred.signals)
        row["evidence"] = protect("; ".join(str(e) for e in pred.evidence))
    return row


def _classify_chunk(classifier, chunk: list[Message], redacted: bool) -> list[dict]:
    todo = [m for m in chunk if not m.error and m.text.strip()]
    preds = dict(zip(map(id, todo), classifier.predict([m.text[:MAX_CLASSIFY_CHARS] for m in todo]))) if todo else {}
    rows = []
    for m in chunk:
        if not m.error and not m.text.strip():
            m.error = "empty message body"
        rows.append(_row(m, preds.get(id(m)), redacted))
    return rows


def render_rows(rows: list[dict], fmt: str) -> str:
    """Rows as output text: CSV lines (no header) or JSON Lines."""
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore").writerows(rows)
    return buffer.getvalue()


def _process(classifier, chunk: list[Message], redacted: bool, fmt: str | None):
    """Classify one chunk; with ``fmt``, also render it (so workers, not the parent, do the formatting)."""
    rows = _classify_chunk(classifier, chunk, redacted)
    if fmt is None:
        return rows
    brief = [{"label": r["label"], "sender": r["sender"], "error": r["error"]} for r in rows]
    return brief, render_rows(rows, fmt)


_worker_classifier = None


def _worker_init(classifier) -> None:
    global _worker_classifier
    _worker_classifier = classifier


def _worker_run(args: tuple[list[Message], bool, str | None]):
    chunk, redacted, fmt = args
    return _process(_worker_classifier, chunk, redacted, fmt)


def _chunks(messages: Iterable[Message], size: int) -> Iterator[list[Message]]:
    it = iter(messages)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk


def _run(messages, classifier, model_path, prior, redacted, jobs, chunk_size, fmt):
    """Yield one :func:`_process` result per chunk, in input order, in this process or in ``jobs`` workers.

    Workers use the same classifier as this process (inherited at fork, pickled otherwise): the one given,
    or the one loaded here from ``model_path`` with ``prior``.
    """
    if classifier is None:
        from .model.classifier import load

        classifier = load(model_path, prior=prior)
    if jobs <= 1:
        for chunk in _chunks(messages, chunk_size):
            yield _process(classifier, chunk, redacted, fmt)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ctx.Pool(jobs, initializer=_worker_init, initargs=(classifier,)) as pool:
        # A bounded window of chunks in flight: Pool.imap would read the whole input ahead into memory.
        pending: deque = deque()
        for chunk in _chunks(messages, chunk_size):
            pending.append(pool.apply_async(_worker_run, ((chunk, redacted, fmt),)))
            if len(pending) >= 4 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def classify_messages(messages: Iterable[Message], classifier=None, *, model_path: str | None = None,
                      prior: PriorSpec = None, redacted: bool = False, jobs: int = 1,
                      chunk_size: int = CHUNK) -> Iterator[dict]:
    """Yield one output row per message, in input order.

    Parameters
    ----------
    messages : iterable of Message
        Usually :func:`dunning_nlp.io.read_inputs`.
    classifier : Classifier, optional
        The classifier, in this process and in every worker; loaded from
        ``model_path`` (or the bundled model) with ``prior`` when omitted.
    redacted : bool
        Mask phone, ID and card numbers in every written text field.
    jobs : int
        Worker processes; each receives the classifier once.
    """
    for rows in _run(messages, classifier, model_path, prior, redacted, jobs, chunk_size, None):
        yield from rows


def classify_rendered(messages: Iterable[Message], fmt: str, *, model_path: str | None = None,
                      prior: PriorSpec = None, redacted: bool = False, jobs: int = 1,
                      chunk_size: int = CHUNK) -> Iterator[tuple[list[dict], str]]:
    """Like :func:`classify_messages`, but yield per chunk ``(brief rows, rendered text)``.

    Formatting happens where the chunk is classified, so with ``jobs > 1``
    the parent only writes text; ``brief`` keeps ``label``, ``sender`` and
    ``error`` for the summary.
    """
    yield from _run(messages, None, model_path, prior, redacted, jobs, chunk_size, fmt)


class RowWriter:
    """Write rows as CSV (UTF-8 with BOM, so Excel shows Chinese) or JSON Lines.

    Use as a context manager.  With a path, output goes to a temporary file
    in the same directory and is renamed into place on success only.
    """

    def __init__(self, path: str | None, fmt: str = "csv", stdout: TextIO | None = None):
        if fmt not in ("csv", "jsonl"):
            from .errors import InputError

            raise InputError(f"unknown output format {fmt!r}; use csv or jsonl")
        self.path = path
        self.fmt = fmt
        self._stdout = stdout
        self._file = None  # the atomic_writer context when writing to a path
        self._fh: TextIO | None = None

    def __enter__(self) -> "RowWriter":
        if self.path and self.path != "-":
            self._file = atomic_writer(self.path, encoding="utf-8-sig" if self.fmt == "csv" else "utf-8")
            self._fh = self._file.__enter__()
        else:
            self._fh = self._stdout or sys.stdout
        if self.fmt == "csv":
            csv.DictWriter(self._fh, fieldnames=COLUMNS).writeheader()
        return self

    def write_text(self, text: str) -> None:
        """Write rows already rendered by :func:`render_rows` in this writer's format."""
        self._fh.write(text)

    def write(self, row: dict) -> None:
        """Write one row dict."""
        self.write_text(render_rows([row], self.fmt))

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._file is None:
            self._fh.flush()
            return
        self._file.__exit__(exc_type, exc, tb)
