"""Batch classification of SMS dumps: stream in, classify in chunks, write rows out.

:func:`classify_messages` turns a stream of
:class:`~dunning_nlp.io.Message` into a stream of typed :class:`Row`
values (the message and its :class:`~dunning_nlp.model.classifier.Prediction`),
exactly one row per input record; :meth:`Row.cells` makes the output
columns (:data:`COLUMNS`) only at the edge.  Records that carry a reader error, or whose text is empty, are
written with the ``error`` field set and no label.  Chunks keep memory flat
however large the dump; ``jobs > 1`` classifies chunks in worker processes,
each loading the model once, and keeps input order.

:class:`RowWriter` writes CSV or JSON Lines to a file atomically (a
temporary file renamed into place, so an interrupted run never leaves a
half-written result under the final name) or to standard output.  It never
replaces a directory, a device or anything else that is not a regular file
(:func:`dunning_nlp._files.check_output_target`).  In CSV, a text cell that
a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written with a leading ``'``
(:func:`csv_cell`); JSON Lines is written as is.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any, TextIO, cast

from ._files import atomic_writer
from .io import Message
from .labels import LABELS
from .model.classifier import Prediction
from .model.prior import PriorSpec
from .redact import redact
from .text.unreadable import looks_unreadable

__all__ = [
    "COLUMNS",
    "Row",
    "Tally",
    "EMPTY_BODY",
    "UNREADABLE_BODY",
    "classify_messages",
    "classify_rendered",
    "render_rows",
    "RowWriter",
    "Summary",
    "MAX_CLASSIFY_CHARS",
    "csv_cell",
    "FORMULA_STARTS",
]

COLUMNS: tuple[str, ...] = (
    "source",
    "record",
    "sender",
    "timestamp",
    "direction",
    "text",
    "label",
    "score",
    *(f"score_{label}" for label in LABELS),
    "secondary",
    "signals",
    "evidence",
    "error",
)
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

    def add(self, tally: Tally) -> None:
        """Count one written row."""
        self.written += 1
        if not tally.label:
            self.errors += 1
        self.by_label[tally.label or "(error)"] += 1
        if tally.label and tally.label != "other":
            self.by_sender[tally.sender or "(unknown)"] += 1

    def format(self) -> str:
        labels = ", ".join(f"{lab} {self.by_label[lab]}" for lab in (*LABELS, "(error)") if self.by_label[lab])
        lines = [
            f"records read: {self.read}   rows written: {self.written}   errors: {self.errors}",
            f"by label: {labels or '-'}",
        ]
        if self.by_sender:
            top = ", ".join(f"{s} {n}" for s, n in self.by_sender.most_common(10))
            lines.append(f"collection messages by sender (top 10): {top}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Row:
    """One output row: a message as read and what the classifier made of it.

    ``prediction`` is ``None`` for a record that could not be classified (a reader error or an empty body);
    ``error`` then says why.  ``error`` may also carry a reader's note (a guessed encoding, an unreadable
    timestamp) beside a prediction.  Strings are made only at the edge, by :meth:`cells`.
    """

    message: Message
    prediction: Prediction | None = None
    error: str = ""

    @property
    def label(self) -> str:
        """The primary label, or ``""`` for a row that was not classified."""
        return self.prediction.label if self.prediction is not None else ""

    @property
    def signals(self) -> tuple[str, ...]:
        """Names of the rule signals the classifier found (empty when not classified)."""
        return self.prediction.signals if self.prediction is not None else ()

    @property
    def secondary(self) -> tuple[str, ...]:
        """Secondary labels (empty when not classified)."""
        return self.prediction.secondary if self.prediction is not None else ()

    def cells(self, redacted: bool = False) -> dict[str, Any]:
        """The row as output cells (:data:`COLUMNS`); with ``redacted`` every text cell is masked.

        This is the one place where ``--redact`` applies to ``batch`` and ``spark`` output: the file name, the
        sender, the text, the evidence and the error (which may quote a record or name a file) go through
        :func:`~dunning_nlp.redact.redact` once, as they are written.
        """
        protect = redact if redacted else _same
        msg, pred = self.message, self.prediction
        row: dict[str, Any] = {
            "source": protect(msg.source),
            "record": msg.record,
            "sender": protect(msg.sender),
            "timestamp": msg.timestamp,
            "direction": msg.direction,
            "text": protect(msg.text),
            "label": "",
            "score": "",
            **{f"score_{lab}": "" for lab in LABELS},
            "secondary": "",
            "signals": "",
            "evidence": "",
            "error": protect(self.error),
        }
        if pred is not None:
            row["label"] = pred.label
            row["score"] = round(pred.score, 4)
            for lab in LABELS:
                row[f"score_{lab}"] = round(pred.scores[lab], 4)
            row["secondary"] = ";".join(pred.secondary)
            row["signals"] = ";".join(pred.signals)
            row["evidence"] = protect("; ".join(str(e) for e in pred.evidence))
        return row


def _same(text: str) -> str:
    return text


#: The error of a record read without error whose body is empty.
EMPTY_BODY = "empty message body"


#: The error of a body that is not text a person wrote (:func:`dunning_nlp.text.unreadable.looks_unreadable`).
UNREADABLE_BODY = "unreadable body: encrypted or binary content, not classified"


def _skip_reason(m: Message) -> str:
    """Why a record is not classified ('' when it is)."""
    if m.error:
        return m.error
    if not m.text.strip():
        return EMPTY_BODY
    return UNREADABLE_BODY if looks_unreadable(m.text) else ""


def _classify_chunk(classifier, chunk: list[Message]) -> list[Row]:
    reasons = [_skip_reason(m) for m in chunk]
    todo = [m for m, reason in zip(chunk, reasons) if not reason]
    preds = dict(zip(map(id, todo), classifier.predict([m.text[:MAX_CLASSIFY_CHARS] for m in todo]))) if todo else {}
    rows = []
    for m, reason in zip(chunk, reasons):
        # a note (a guess) still gets a label; it is said in the error column beside it
        rows.append(Row(m, preds.get(id(m)), "; ".join(filter(None, (reason, m.note)))))
    return rows


#: A CSV cell starting with one of these is read by spreadsheets as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value as written in a CSV cell: text a spreadsheet would run as a formula gets a leading ``'``.

    ``=HYPERLINK(...)``, ``+86 138…``, ``-1``, ``@SUM(...)`` and text starting with a tab or a carriage
    return are written ``'=HYPERLINK(...)`` and so on, which Excel, LibreOffice and Google Sheets show as
    text.  Only CSV cells are escaped: the classifier reads the text as it was, and JSON Lines is written as
    is.  Numbers (scores, record numbers) are not text and are never escaped.

    >>> csv_cell("=1+1"), csv_cell("+8613812345678"), csv_cell("请还款"), csv_cell(0.5)
    ("'=1+1", "'+8613812345678", '请还款', 0.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def render_rows(rows: list[dict[str, Any]], fmt: str) -> str:
    """Rows' cells (:meth:`Row.cells`) as output text: CSV lines (no header; formula-like text escaped by
    :func:`csv_cell`) or JSON Lines (as is)."""
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore").writerows(
        {key: csv_cell(value) for key, value in row.items()} for row in rows
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class Tally:
    """What the run summary counts of a row: its label (``""`` when not classified) and its sender as written."""

    label: str
    sender: str


def _process(classifier, chunk: list[Message], redacted: bool, fmt: str | None):
    """Classify one chunk; with ``fmt``, also render it (so workers, not the parent, do the formatting)."""
    rows = _classify_chunk(classifier, chunk)
    if fmt is None:
        return rows
    cells = [row.cells(redacted) for row in rows]
    return [Tally(c["label"], c["sender"]) for c in cells], render_rows(cells, fmt)


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


def _run(
    messages: Iterable[Message],
    classifier: Any,
    model_path: str | None,
    prior: PriorSpec,
    redacted: bool,
    jobs: int,
    chunk_size: int,
    fmt: str | None,
) -> Iterator[Any]:
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


def classify_messages(
    messages: Iterable[Message],
    classifier=None,
    *,
    model_path: str | None = None,
    prior: PriorSpec = None,
    redacted: bool = False,
    jobs: int = 1,
    chunk_size: int = CHUNK,
) -> Iterator[Row]:
    """Yield one :class:`Row` per message, in input order.

    Parameters
    ----------
    messages : iterable of Message
        Usually :func:`dunning_nlp.io.read_inputs`.
    classifier : Classifier, optional
        The classifier, in this process and in every worker; loaded from
        ``model_path`` (or the bundled model) with ``prior`` when omitted.
    redacted : bool
        Ignored here (a :class:`Row` is masked when written: ``row.cells(redacted=True)``); kept so that
        the keyword arguments match :func:`classify_rendered`.
    jobs : int
        Worker processes; each receives the classifier once.
    """
    for rows in _run(messages, classifier, model_path, prior, redacted, jobs, chunk_size, None):
        yield from rows


def classify_rendered(
    messages: Iterable[Message],
    fmt: str,
    *,
    model_path: str | None = None,
    prior: PriorSpec = None,
    redacted: bool = False,
    jobs: int = 1,
    chunk_size: int = CHUNK,
) -> Iterator[tuple[list[Tally], str]]:
    """Like :func:`classify_messages`, but yield per chunk ``(tallies, rendered text)``.

    Formatting happens where the chunk is classified, so with ``jobs > 1``
    the parent only writes text; a :class:`Tally` per row keeps what the
    run summary counts.
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
        self._file: AbstractContextManager[IO] | None = None  # the atomic_writer context when writing to a path
        self._fh: TextIO | None = None

    def __enter__(self) -> RowWriter:
        if self.path and self.path != "-":
            self._file = atomic_writer(self.path, encoding="utf-8-sig" if self.fmt == "csv" else "utf-8")
            self._fh = cast(TextIO, self._file.__enter__())  # text mode: atomic_writer's binary defaults to False
        else:
            self._fh = self._stdout or sys.stdout
        if self.fmt == "csv":
            csv.DictWriter(self._fh, fieldnames=COLUMNS).writeheader()
        return self

    def write_text(self, text: str) -> None:
        """Write rows already rendered by :func:`render_rows` in this writer's format."""
        assert self._fh is not None, "RowWriter used outside its 'with' block"
        self._fh.write(text)

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._file is None:
            assert self._fh is not None  # set by __enter__
            self._fh.flush()
            return
        self._file.__exit__(exc_type, exc, tb)
