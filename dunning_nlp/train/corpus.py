"""The labelled corpus: schema, loading and validation.

A corpus record is one JSON object (JSON Lines) or one CSV row with at least
``text`` and ``label``.  The project's own corpus (``data/corpus.jsonl``)
also carries ``id``, ``group`` (the hand-written base message a record
derives from), ``origin``, ``script``, ``secondary`` and ``split``.  User
files may omit the optional fields; missing ``group`` becomes the record's
own id, so each user message is its own group.

Bad rows are never skipped silently: :func:`read_records` raises
:class:`~dunning_nlp.errors.DataError` listing every bad line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import DataError, InputFileError
from ..labels import LABELS

__all__ = ["Record", "read_records", "default_corpus_path", "corpus_hash", "corpus_summary", "REQUIRED_FIELDS"]

REQUIRED_FIELDS = ("text", "label")
_SCRIPTS = ("hans", "hant")


@dataclass(frozen=True)
class Record:
    """One labelled message."""

    id: str
    text: str
    label: str
    group: str
    origin: str = "user"
    script: str = "hans"
    secondary: tuple[str, ...] = field(default_factory=tuple)
    split: str = "train"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["secondary"] = list(self.secondary)
        return data


def default_corpus_path() -> Path:
    """``data/corpus.jsonl`` of the source checkout this package runs from, else of the working directory.

    An editable install finds the checkout's corpus from anywhere; a regular install (the package in
    site-packages) finds the one under the directory it is run in.  When neither exists, the checkout path
    is returned, so that the error names where the corpus was expected.
    """
    checkout = Path(__file__).resolve().parents[2] / "data" / "corpus.jsonl"
    here = Path.cwd() / "data" / "corpus.jsonl"
    return next((p for p in (checkout, here) if p.is_file()), checkout)


def _validate(raw: dict, where: str, problems: list[str]) -> Record | None:
    missing = [name for name in REQUIRED_FIELDS if not str(raw.get(name) or "").strip()]
    if missing:
        problems.append(f"{where}: missing {', '.join(missing)}")
        return None
    label = str(raw["label"]).strip()
    if label not in LABELS:
        problems.append(f"{where}: unknown label {label!r} (expected one of {', '.join(LABELS)})")
        return None
    secondary = raw.get("secondary") or ()
    if isinstance(secondary, str):
        secondary = [s for s in secondary.replace(";", ",").split(",") if s.strip()]
    bad = [s for s in secondary if s not in LABELS]
    if bad:
        problems.append(f"{where}: unknown secondary label(s) {bad}")
        return None
    script = str(raw.get("script") or "hans")
    if script not in _SCRIPTS:
        problems.append(f"{where}: script must be hans or hant, got {script!r}")
        return None
    rid = str(raw.get("id") or where)
    return Record(
        id=rid,
        text=str(raw["text"]),
        label=label,
        group=str(raw.get("group") or rid),
        origin=str(raw.get("origin") or "user"),
        script=script,
        secondary=tuple(str(s).strip() for s in secondary),
        split=str(raw.get("split") or "train"),
    )


def _rows(path: Path) -> Iterable[tuple[str, dict | None, str]]:
    """Yield ``(where, row, error)`` from a JSONL or CSV file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read labelled file ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    if path.suffix.lower() in (".csv", ".tsv"):
        dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
        reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
        for row in reader:
            yield f"{path}:{reader.line_num}", row, ""
        return
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{line_no}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, None, f"{where}: not valid JSON ({exc.msg})"
            continue
        if not isinstance(row, dict):
            yield where, None, f"{where}: expected a JSON object"
            continue
        yield where, row, ""


def read_records(paths: Path | str | Sequence[Path | str] | None = None) -> list[Record]:
    """Read and validate labelled records from JSONL or CSV files.

    Parameters
    ----------
    paths : path or list of paths, optional
        Defaults to the project corpus ``data/corpus.jsonl``.

    Raises
    ------
    DataError
        When any row is bad; the message lists every bad ``file:line``.
    """
    if paths is None:
        paths = [default_corpus_path()]
    elif isinstance(paths, (str, Path)):
        paths = [paths]
    records: list[Record] = []
    problems: list[str] = []
    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise InputFileError(f"{path}: labelled file not found")
        for where, row, error in _rows(path):
            if error or row is None:  # _rows gives no row exactly when it gives an error
                problems.append(error)
                continue
            record = _validate(row, where, problems)
            if record is not None:
                records.append(record)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise DataError(f"{len(problems)} bad row(s) in labelled data:\n  {shown}{more}")
    if not records:
        raise DataError(f"no labelled records in {', '.join(str(p) for p in paths)}")
    return records


def corpus_hash(records: Iterable[Record]) -> str:
    """sha256 over (text, label) of every record in order: identifies training data in a manifest."""
    h = hashlib.sha256()
    for r in records:
        h.update(r.text.encode("utf-8"))
        h.update(b"\x1f")
        h.update(r.label.encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def corpus_summary(records: Sequence[Record]) -> dict:
    """Counts a datasheet needs: by label, script, origin and split, and length statistics per label.

    Returns plain dicts so notebooks and reports can print or plot them.
    """
    from collections import Counter, defaultdict
    from statistics import median

    lengths: dict[str, list[int]] = defaultdict(list)
    for r in records:
        lengths[r.label].append(len(r.text))
    return {
        "n": len(records),
        "by_label": dict(Counter(r.label for r in records)),
        "by_script": {lab: dict(Counter(r.script for r in records if r.label == lab)) for lab in LABELS},
        "by_origin": dict(
            Counter(r.origin.split(":")[0] if r.origin.startswith("generator") else r.origin for r in records)
        ),
        "by_split": {lab: dict(Counter(r.split for r in records if r.label == lab)) for lab in LABELS},
        "groups": {lab: len({r.group for r in records if r.label == lab}) for lab in LABELS},
        "length": {lab: {"min": min(v), "median": median(v), "max": max(v)} for lab, v in lengths.items()},
        "lengths": dict(lengths),
    }
