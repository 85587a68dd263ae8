"""Classify messages in an Apache Spark DataFrame with the model, normaliser and tokenizer ``batch`` uses.

:func:`classify_dataframe` adds the prediction columns of ``dunning-nlp
batch`` (:data:`PREDICTION_COLUMNS`: ``label``, ``score``, one
``score_<label>`` per label, ``secondary``, ``evidence``, ``error``) to a
DataFrame, keeping every input row and column.  The work runs in
``mapInPandas`` over Arrow batches; each batch goes through
:func:`dunning_nlp.batch.classify_messages`, so a row's label, scores,
evidence and error are exactly those ``batch`` writes for the same text.

The model is loaded once per Python worker process and kept for every later
task and batch that process runs (Spark reuses its Python workers,
``spark.python.worker.reuse``, on by default): never per batch or per row.

Where the model comes from, on each executor:

- ``model_path=None``: the model bundled inside the installed package;
- a path that exists on the executor (a shared file system, or the same path
  on every node);
- a file shipped with ``spark-submit --files my.npz,my.json`` (or
  ``SparkContext.addFile``): when the path does not exist on the executor,
  its file name is looked up with :func:`pyspark.SparkFiles.get`.  Ship the
  ``.json`` manifest with the ``.npz``: the manifest is checked first.

A row never fails the job: a null text, a value that is not a string (or
bytes that are not UTF-8), an empty body, or an unexpected failure while
classifying one text gives that row an ``error`` and no label.  A huge text
is classified on its first :data:`~dunning_nlp.batch.MAX_CLASSIFY_CHARS`
characters, as in ``batch``.  Needs ``pip install dunning-nlp[spark]``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from ..batch import COLUMNS, classify_messages
from ..errors import InputError, ModelNotFoundError
from ..io import Message

__all__ = ["PREDICTION_COLUMNS", "classify_dataframe", "prediction_fields", "classify_texts", "loads_in_this_process"]

#: Columns added by :func:`classify_dataframe`: ``batch``'s columns from ``label`` on (``label``, ``score``, one
#: ``score_<label>`` per label, ..., ``evidence``, ``error``); ``label``, scores and ``error`` null when empty.
PREDICTION_COLUMNS: tuple[str, ...] = COLUMNS[COLUMNS.index("label") :]
_FLOAT_COLUMNS = frozenset(c for c in PREDICTION_COLUMNS if c == "score" or c.startswith("score_"))
_NULL_WHEN_EMPTY = frozenset({"label", "error"})

_classifiers: dict[tuple, object] = {}  # (model file, prior) -> Classifier, in this (worker) process
_loads: list[tuple] = []  # every load done in this process, for tests and the benchmark
_lock = threading.Lock()


def _require_pyspark():
    """Import pyspark or say which extra installs it."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise InputError("Spark support needs pyspark, pandas and pyarrow: pip install 'dunning-nlp[spark]'") from exc


def prediction_fields() -> list:
    """The Spark ``StructField`` of every column in :data:`PREDICTION_COLUMNS`."""
    from pyspark.sql.types import DoubleType, StringType, StructField

    return [StructField(c, DoubleType() if c in _FLOAT_COLUMNS else StringType(), True) for c in PREDICTION_COLUMNS]


def _model_file(model_path: str | None) -> str | None:
    """Where ``model_path`` is in this process: as given, or shipped with ``--files`` (SparkFiles)."""
    if model_path is None or Path(model_path).exists():
        return model_path
    try:
        from pyspark import SparkFiles

        shipped = SparkFiles.get(Path(model_path).name)
    except Exception:  # no SparkContext / SparkFiles root in this process
        shipped = None
    if shipped and Path(shipped).exists():
        return shipped
    raise ModelNotFoundError(
        f"{model_path}: model not found on this executor (pid {os.getpid()}); put it on a file "
        f"system every executor reads, or ship the .npz and its .json with --files"
    )


def _classifier(model_path: str | None, prior):
    """The classifier for (model, prior) in this process: loaded on first use, then reused by every batch."""
    key = (model_path, json.dumps(prior, sort_keys=True, default=str))
    found = _classifiers.get(key)
    if found is not None:
        return found
    with _lock:
        if key not in _classifiers:
            from ..model.classifier import load

            _classifiers[key] = load(_model_file(model_path), prior=prior)
            _loads.append((os.getpid(), *key))
        return _classifiers[key]


def loads_in_this_process() -> list[tuple]:
    """``(pid, model_path, prior)`` of every model load this process did (one per model and prior)."""
    return list(_loads)


def _message(number: int, value) -> Message:
    """One cell of the text column as a Message; a value that is not text becomes an error row."""
    if value is None or (isinstance(value, float) and value != value):  # null (NaN when pandas made it a float)
        return Message("", number, error="text is null")
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return Message("", number, text=bytes(value).decode("utf-8"))
        except UnicodeDecodeError as exc:
            return Message("", number, error=f"text bytes are not UTF-8 ({exc.reason} at byte {exc.start})")
    if not isinstance(value, str):
        return Message("", number, error=f"text is {type(value).__name__}, not a string")
    return Message("", number, text=value)


def classify_texts(classifier, messages: list[Message], redacted: bool = False) -> list[dict]:
    """``batch`` rows for ``messages``, one per message, whatever fails.

    The whole list goes through :func:`~dunning_nlp.batch.classify_messages` at
    once (one chunk); should that raise, each message is classified on its own
    and the one that raises gets an error row, so a bad value costs one row and
    never the Spark task.  With ``redacted`` every text cell is masked, the
    ``error`` column included (:meth:`dunning_nlp.batch.Row.cells`).
    """
    try:
        return [
            row.cells(redacted) for row in classify_messages(messages, classifier, chunk_size=max(1, len(messages)))
        ]
    except Exception:  # one bad text must not fail the batch: find it
        rows = []
        for m in messages:
            try:
                rows += [row.cells(redacted) for row in classify_messages([m], classifier)]
            except Exception as exc:  # noqa: BLE001 - reported in the row
                failed = replace(m, text="", error=f"classification failed: {type(exc).__name__}: {str(exc)[:200]}")
                rows += [row.cells(redacted) for row in classify_messages([failed], classifier)]
        return rows


def _prediction_values(rows: list[dict]) -> dict[str, list]:
    """The prediction columns of ``batch`` rows, column by column; empty scores, labels and errors as null."""
    values = {}
    for column in PREDICTION_COLUMNS:
        cells = [row[column] for row in rows]
        if column in _FLOAT_COLUMNS:
            cells = [None if c == "" else float(c) for c in cells]
        elif column in _NULL_WHEN_EMPTY:
            cells = [c or None for c in cells]
        values[column] = cells
    return values


def _predict_batches(
    batches: Iterable, text_column: str, model_path: str | None, prior, redacted: bool, columns: list[str]
) -> Iterator:
    """mapInPandas body: add the prediction columns to every pandas batch (text replaced when ``redacted``)."""
    import pandas as pd

    classifier = _classifier(model_path, prior)
    for frame in batches:
        messages = [_message(i + 1, v) for i, v in enumerate(frame[text_column].tolist())]
        rows = classify_texts(classifier, messages, redacted)
        out = {c: frame[c] for c in columns}
        if redacted:  # the same masked text batch writes, where the cell was text
            out[text_column] = pd.Series(
                [r["text"] if isinstance(v, str) else v for r, v in zip(rows, frame[text_column].tolist())],
                index=frame.index,
                dtype=object,
            )
        for column, cells in _prediction_values(rows).items():
            out[column] = pd.Series(cells, index=frame.index, dtype="float64" if column in _FLOAT_COLUMNS else object)
        yield pd.DataFrame(out, index=frame.index)


def classify_dataframe(
    df,
    text_column: str = "text",
    *,
    model_path: str | None = None,
    prior=None,
    redacted: bool = False,
    check_model: bool = True,
):
    """Return ``df`` with the prediction columns of ``batch`` added (:data:`PREDICTION_COLUMNS`).

    Parameters
    ----------
    df : pyspark.sql.DataFrame
        Any DataFrame; every row and column is kept, in the same partitions.
    text_column : str
        The column holding the message text (string, or binary holding UTF-8).
    model_path : str, optional
        A model ``.npz`` / ``.json`` / directory on a file system the
        executors read, or the file name of a model shipped with ``--files``;
        ``None`` uses the model bundled with the package.
    prior : None, "train", float or mapping
        The class prior of the messages, as ``batch --prior``.
    redacted : bool
        Mask phone, ID and card numbers in the text column and in ``evidence``.
    check_model : bool
        Load the model once on the driver first (from the path, or from the
        files shipped with ``--files``), so that a wrong path or an
        incompatible model fails before the job starts; ``False`` for a path
        only the executors can read.

    Raises
    ------
    InputError
        When ``text_column`` is not a column of ``df``, or ``df`` already has a
        column named like a prediction column.
    """
    _require_pyspark()
    from pyspark.sql.types import StructType

    if text_column not in df.columns:
        raise InputError(
            f"no column {text_column!r} in the DataFrame (columns: {', '.join(df.columns)}); "
            f"name the message column with text_column="
        )
    clash = [c for c in PREDICTION_COLUMNS if c in df.columns]
    if clash:
        raise InputError(
            f"the DataFrame already has column(s) {', '.join(clash)}, which classify_dataframe adds; "
            f"drop or rename them first"
        )
    if redacted and df.schema[text_column].dataType.simpleString() != "string":
        raise InputError(f"redaction rewrites the text column, so {text_column!r} must be a string column")
    if check_model:
        _classifier(model_path, prior)  # fail on the driver, with the loader's message, not in every task
    schema = StructType(list(df.schema.fields) + prediction_fields())
    columns = list(df.columns)

    def run(batches):
        return _predict_batches(batches, text_column, model_path, prior, redacted, columns)

    return df.mapInPandas(run, schema)
