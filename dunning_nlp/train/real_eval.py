"""Measure a classifier on folders of real, labelled SMS (``dunning-nlp evaluate --real DIR``).

The project's own corpus is written by the project, so scores on it say
little about real traffic.  A folder of JSON Lines files of real messages,
each line ``{"text": ..., "label": ..., "corpus_label": ...}`` (the last is
the source's own category, optional), is scored here the way a user
experiences the model:

* on messages labelled ``other``: the share given any other label (a false
  alarm in a phone dump), and which labels they get;
* on messages labelled ``fraud``: scam recall (labelled ``fraud``);
* on collection messages: recall of the exact label and of "any collection
  label";
* the same figures counting only labels whose score reaches 0.8 and 0.9
  (:data:`BARS`), for users who raise the bar;
* for a file that holds collection labels (``reminder``, ``harassment``,
  ``third_party``): precision, recall and F1 per label and macro-F1 over the
  labels present, since there a false label costs as much as a missed one.

Every figure is given per file and per ``corpus_label`` within a file, so
that one kind of message cannot hide behind another.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, cast

from ..errors import DataError, InputFileError
from ..labels import LABELS
from ..model.gate import COLLECTION_LABELS

__all__ = ["BARS", "read_real", "evaluate_real", "format_real", "per_label_scores"]


def read_real(path: Path) -> list[dict[str, str]]:
    """Rows of one labelled JSONL file; a bad line raises :class:`DataError` naming ``file:line``."""
    rows = []
    with path.open(encoding="utf-8-sig") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise DataError(f"{path}:{line_no}: not JSON ({cast(json.JSONDecodeError, exc).msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) or row.get("label") not in LABELS:
                raise DataError(f"{path}:{line_no}: needs a string 'text' and a 'label' in {', '.join(LABELS)}")
            rows.append({"text": row["text"], "label": row["label"], "group": str(row.get("corpus_label") or "")})
    return rows


#: Score bars also reported: what a user keeps when only labels with ``score >= bar`` are believed.
BARS = (0.8, 0.9)


def _measure(gold: str, predicted: list[tuple[str, float]]) -> dict[str, Any]:
    n = len(predicted)
    counts = Counter(label for label, _ in predicted)
    out: dict[str, Any] = {"gold": gold, "n": n, "predicted": dict(counts)}

    def share(hit) -> float:
        return sum(1 for label, score in predicted if hit(label)) / n

    if gold == "other":
        out["measure"] = "false alarms"
        out["value"] = share(lambda lab: lab != "other")
        out["at_bar"] = {bar: sum(1 for lab, sc in predicted if lab != "other" and sc >= bar) / n for bar in BARS}
    else:
        out["measure"] = "scam recall" if gold == "fraud" else "recall"
        out["value"] = share(lambda lab: lab == gold)
        out["at_bar"] = {bar: sum(1 for lab, sc in predicted if lab == gold and sc >= bar) / n for bar in BARS}
        if gold in COLLECTION_LABELS:
            out["collection_recall"] = share(lambda lab: lab in COLLECTION_LABELS)
    return out


def per_label_scores(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Precision, recall, F1 and support per label present in ``gold``, and their macro-F1.

    >>> r = per_label_scores(["reminder", "other", "other"], ["reminder", "reminder", "other"])
    >>> r["labels"]["reminder"]["precision"], r["labels"]["other"]["recall"], round(r["macro_f1"], 3)
    (0.5, 0.5, 0.667)
    """
    labels = [lab for lab in LABELS if lab in set(gold)]
    out: dict[str, Any] = {"labels": {}}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, predicted) if g == lab and p == lab)
        given = sum(1 for p in predicted if p == lab)
        support = sum(1 for g in gold if g == lab)
        precision = tp / given if given else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out["labels"][lab] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
    out["macro_f1"] = sum(v["f1"] for v in out["labels"].values()) / len(labels) if labels else 0.0
    return out


def evaluate_real(classifier, directory: str | Path) -> dict[str, Any]:
    """Score ``classifier`` on every ``*.jsonl`` file in ``directory``.

    Returns ``{"files": [{"file", "rows": [...]}]}`` where each row measures
    one gold label within a file (``group`` empty) or within one
    ``corpus_label`` of it.
    """
    directory = Path(directory)
    files = sorted(directory.glob("*.jsonl")) if directory.is_dir() else []
    if not files:
        raise InputFileError(f"{directory}: no .jsonl files of labelled messages found")
    report = []
    for path in files:
        rows = read_real(path)
        preds = [(p.label, p.score) for p in classifier.predict([r["text"] for r in rows], evidence=False)]
        tallies: dict[tuple[str, str], list[tuple[str, float]]] = {}
        for row, pred in zip(rows, preds):
            for key in {(row["label"], ""), (row["label"], row["group"])}:  # once when there is no group
                tallies.setdefault(key, []).append(pred)
        measured = [{"group": group, **_measure(gold, given)} for (gold, group), given in sorted(tallies.items())]
        # A group equal to the whole file adds nothing: keep per-group rows only when a file has several.
        groups = {gold: {g for (lab, g) in tallies if lab == gold and g} for gold, _ in tallies}
        measured = [m for m in measured if not m["group"] or len(groups[m["gold"]]) > 1]
        entry: dict[str, Any] = {"file": path.name, "n": len(rows), "rows": measured}
        gold = [r["label"] for r in rows]
        if set(gold) & set(COLLECTION_LABELS):
            entry["per_label"] = per_label_scores(gold, [label for label, _ in preds])
        report.append(entry)
    return {"directory": str(directory), "files": report}


def format_real(result: dict[str, Any]) -> str:
    """A plain-text table of :func:`evaluate_real`'s result."""
    lines = [
        f"real messages in {result['directory']}",
        f"  {'file':<16}{'gold':<12}{'source category':<28}{'n':>7}  {'measure':<14}{'value':>7}"
        + "".join(f"{'≥' + str(bar):>7}" for bar in BARS)
        + "  labels given",
    ]
    for entry in result["files"]:
        for row in entry["rows"]:
            given = ", ".join(f"{lab} {row['predicted'][lab]}" for lab in LABELS if row["predicted"].get(lab))
            group = row["group"] or "(all)"
            lines.append(
                f"  {entry['file']:<16}{row['gold']:<12}{group[:27]:<28}{row['n']:>7}  "
                f"{row['measure']:<14}{row['value']:>7.3f}"
                + "".join(f"{row['at_bar'][bar]:>7.3f}" for bar in BARS)
                + f"  {given}"
            )
    for entry in result["files"]:
        if "per_label" not in entry:
            continue
        scores = entry["per_label"]
        lines.append(f"  {entry['file']}: per label (precision / recall / F1, n), macro-F1 {scores['macro_f1']:.3f}")
        for lab, v in scores["labels"].items():
            lines.append(f"    {lab:<12}{v['precision']:>7.3f}{v['recall']:>7.3f}{v['f1']:>7.3f}{v['support']:>7}")
    return "\n".join(lines)
