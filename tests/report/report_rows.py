"""Typed rows with hand-made predictions, for report tests that must not depend on what the model says."""

from __future__ import annotations

from dunning_nlp.batch import Row
from dunning_nlp.io import Message
from dunning_nlp.labels import LABELS
from dunning_nlp.model.classifier import Evidence, Prediction

TS = "2026-10-01T12:00:00+08:00"


def row(label: str, text: str, *, sender: str = "13800000000", ts: str = TS, signals=(), secondary=(),
        score: float = 0.9, source: str = "sms.csv", record: int = 1, error: str = "", evidence=()) -> Row:
    """A classified row (``label`` "" gives an unclassified one, with ``error``).

    ``evidence``: names of the signals that pushed the label (the classifier's signal evidence).
    """
    message = Message(source, record, text=text, sender=sender, timestamp=ts)
    if not label:
        return Row(message, None, error)
    scores = {lab: score if lab == label else (1 - score) / (len(LABELS) - 1) for lab in LABELS}
    reasons = tuple(Evidence("signal", name, 1.0) for name in evidence)
    return Row(message, Prediction(text, label, scores, reasons, tuple(secondary), tuple(signals)), error)


def numbered(rows):
    """The rows with record numbers 1, 2, … (the report lists where each record came from)."""
    from dataclasses import replace

    return [Row(replace(r.message, record=i), r.prediction, r.error) for i, r in enumerate(rows, 1)]


