"""Training and evaluation, shared by ``dunning-nlp train/evaluate`` and the notebooks.

The recipe:

1. split the corpus by ``group`` (a base message and all its renderings
   stay on one side), using the ``split`` field of the project corpus;
2. compare model families with grouped, stratified k-fold cross-validation
   on the training side (:func:`compare_families`) and keep the best
   macro-F1;
3. fit that family on the whole training side inside
   :class:`~sklearn.calibration.CalibratedClassifierCV` (sigmoid, grouped
   folds) so that scores are calibrated probabilities;
4. evaluate on the held-out groups, plainly and on a perturbed copy
   (:func:`evaluate`).

Everything takes a ``seed``; the same data and seed give the same model.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from .._version import __version__
from ..errors import InputError
from ..labels import LABELS
from ..model.classifier import Classifier
from ..model.gate import COLLECTION_LABELS, GATE_SIGNALS, rule_context, taught_texts
from ..text.segment import resolve_backend
from . import FAMILIES
from .corpus import Record, corpus_hash
from .features import build_features
from .perturb import perturb_text
from .steps import TextNormalizer

__all__ = [
    "FAMILIES",
    "make_estimator",
    "build_pipeline",
    "split_records",
    "compare_families",
    "train",
    "evaluate",
    "misclassified",
    "calibration_table",
    "run_training",
    "run_evaluation",
    "TrainResult",
]

#: Model families compared by :func:`compare_families`.


def make_estimator(family: str, seed: int = 0):
    """Return an unfitted classifier of one family."""
    if family == "logreg":
        return LogisticRegression(C=20.0, max_iter=3000, class_weight="balanced")
    if family == "linear_svm":
        return LinearSVC(C=0.5, class_weight="balanced", random_state=seed)
    if family == "complement_nb":
        return ComplementNB(alpha=0.3)
    if family == "sgd_huber":
        return SGDClassifier(
            loss="modified_huber", alpha=5e-5, max_iter=50, tol=None, class_weight="balanced", random_state=seed
        )
    raise InputError(f"unknown model family {family!r}; choose one of {', '.join(FAMILIES)}")


def build_pipeline(family: str = "logreg", seed: int = 0, *, calibration_cv: Any = None) -> Pipeline:
    """Return the unfitted pipeline ``normalise → features → clf``.

    With ``calibration_cv`` (a number of folds or a list of (train, test)
    index pairs) the classifier is wrapped in a sigmoid
    :class:`~sklearn.calibration.CalibratedClassifierCV`.
    """
    clf = make_estimator(family, seed)
    if calibration_cv is not None:
        clf = CalibratedClassifierCV(clf, method="sigmoid", cv=calibration_cv)
    return Pipeline([("normalise", TextNormalizer(compact=True)), ("features", build_features()), ("clf", clf)])


def split_records(records: Sequence[Record]) -> tuple[list[Record], list[Record]]:
    """Split by the records' ``split`` field (train / test); groups never cross."""
    train = [r for r in records if r.split != "test"]
    test = [r for r in records if r.split == "test"]
    return train, test


def _group_folds(records: Sequence[Record], n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    y = [r.label for r in records]
    groups = [r.group for r in records]
    n_groups = len(set(groups))
    if n_groups < n_splits:
        raise InputError(f"need at least {n_splits} distinct groups for grouped cross-validation, got {n_groups}")
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return [(tr.astype(np.int32), te.astype(np.int32)) for tr, te in cv.split(np.zeros(len(y)), y, groups)]


def compare_families(
    records: Sequence[Record], families: Iterable[str] = FAMILIES, *, n_splits: int = 5, seed: int = 0
) -> dict[str, dict[str, Any]]:
    """Grouped stratified k-fold macro-F1 of each family on ``records``.

    Returns ``{family: {"macro_f1": mean, "std": std, "folds": [...], "seconds": s}}``.
    """
    texts = TextNormalizer(compact=True).transform([r.text for r in records])
    y = np.array([r.label for r in records])
    folds = _group_folds(records, n_splits, seed)
    results: dict[str, dict[str, Any]] = {}
    for family in families:
        start = time.perf_counter()
        scores = []
        for tr, te in folds:
            model = Pipeline([("features", build_features()), ("clf", make_estimator(family, seed))])
            model.fit(texts[tr], y[tr])
            scores.append(f1_score(y[te], model.predict(texts[te]), average="macro"))
        results[family] = {
            "macro_f1": float(np.mean(scores)),
            "std": float(np.std(scores)),
            "folds": [round(float(s), 4) for s in scores],
            "seconds": round(time.perf_counter() - start, 1),
        }
    return results


@dataclass
class TrainResult:
    """What :func:`train` produced."""

    classifier: Classifier
    family: str
    comparison: dict[str, dict[str, Any]] = field(default_factory=dict)
    manifest_extra: dict[str, Any] = field(default_factory=dict)


def train(
    records: Sequence[Record],
    *,
    family: str | None = None,
    families: Iterable[str] = FAMILIES,
    n_splits: int = 5,
    seed: int = 0,
) -> TrainResult:
    """Fit a calibrated classifier on ``records`` (the training side).

    When ``family`` is None the families are compared first and the best
    macro-F1 is used.  Returns the classifier with what to record in its
    manifest.
    """
    records = list(records)
    comparison: dict[str, dict[str, Any]] = {}
    if family is None:
        comparison = compare_families(records, families, n_splits=n_splits, seed=seed)
        family = max(comparison, key=lambda f: comparison[f]["macro_f1"])
    folds = _group_folds(records, n_splits, seed)
    pipeline = build_pipeline(family, seed, calibration_cv=folds)
    pipeline.fit([r.text for r in records], [r.label for r in records])
    counts = Counter(r.label for r in records)
    class_prior = {lab: counts[lab] / len(records) for lab in LABELS}
    extra = {
        "family": family,
        "seed": seed,
        "n_train": len(records),
        "training_data_sha256": corpus_hash(records),
        "class_prior": class_prior,
        "gate_taught": _gate_taught(pipeline, records),
        "cv_comparison": comparison,
        "trained_with": f"dunning_nlp {__version__}",
        "tokenizer": resolve_backend(),
    }
    return TrainResult(Classifier(pipeline, extra), family, comparison, extra)


def _gate_taught(pipeline: Pipeline, records: Sequence[Record]) -> tuple[str, ...]:
    """What the labelled data teaches the debt-context gate (:func:`dunning_nlp.model.gate.taught_texts`)."""
    from ..model.compile import compile_pipeline

    compiled = compile_pipeline(pipeline)
    texts = compiled.normalise([r.text for r in records])
    has_context = rule_context(compiled.transform(texts), compiled.signal_offset)
    return taught_texts(texts, [r.label for r in records], has_context.tolist())


def _ece(proba: np.ndarray, y_idx: np.ndarray, bins: int = 10) -> float:
    conf = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y_idx
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            total += mask.mean() * abs(correct[mask].mean() - conf[mask].mean())
    return float(total)


def _scores(y_true: Sequence[str], proba: np.ndarray) -> dict[str, Any]:
    y_idx = np.array([LABELS.index(t) for t in y_true])
    y_pred = [LABELS[i] for i in proba.argmax(axis=1)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(LABELS), zero_division=0)
    onehot = np.eye(len(LABELS))[y_idx]
    return {
        "n": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(np.mean(f)),
        "per_label": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, lab in enumerate(LABELS)
        },
        "confusion": confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist(),
        "log_loss": float(log_loss(y_idx, np.clip(proba, 1e-12, 1), labels=list(range(len(LABELS))))),
        "brier": float(np.mean([brier_score_loss(onehot[:, i], proba[:, i]) for i in range(len(LABELS))])),
        "ece": _ece(proba, y_idx),
    }


def evaluate(
    classifier: Classifier, records: Sequence[Record], *, perturbed: bool = True, seed: int = 0
) -> dict[str, Any]:
    """Score ``classifier`` on ``records``; with ``perturbed`` also on an obfuscated copy.

    When some records carry a collection label but no debt context (the debt-context gate,
    :mod:`dunning_nlp.model.gate`, calls them ``other`` whatever the model says), ``"gated"`` gives their
    number and the scores on the other records.

    The perturbed copy applies :func:`dunning_nlp.train.perturb.perturb_text`
    (traditional conversion, separators inside words, full-width digits) to
    every text with a seeded generator.
    """
    texts = [r.text for r in records]
    labels = [r.label for r in records]
    preds = classifier.predict(texts, evidence=False)  # once: probabilities and the signals the gate read
    proba = np.array([[p.scores[lab] for lab in LABELS] for p in preds]).reshape(len(preds), len(LABELS))
    result = {"clean": _scores(labels, proba)}
    gated = _gated_by_rule(records, preds)
    if gated.any():
        keep = ~gated
        result["gated"] = {
            "n": int(gated.sum()),
            "rest": _scores([lab for lab, k in zip(labels, keep) if k], proba[keep]),
        }
    if perturbed:
        rng = random.Random(seed)
        noisy = [perturb_text(t, rng) for t in texts]
        result["perturbed"] = _scores(labels, classifier.predict_proba(noisy))
        result["perturbed_drop"] = result["clean"]["macro_f1"] - result["perturbed"]["macro_f1"]
    return result


def _gated_by_rule(records: Sequence[Record], preds: Sequence[Any]) -> np.ndarray:
    """Which records carry a collection label but no debt context, so the gate calls them ``other`` by design.

    Labels written before the gate existed (a threat that names no debt) disagree with it on purpose;
    :func:`evaluate` reports them apart so that a user can tell the rule's cost from the model's errors.
    """
    return np.array(
        [
            r.label in COLLECTION_LABELS and p.scores[r.label] == 0.0 and not set(p.signals) & set(GATE_SIGNALS)
            for r, p in zip(records, preds)
        ],
        dtype=bool,
    )


def calibration_table(classifier: Classifier, records: Sequence[Record], bins: int = 10) -> list[dict[str, Any]]:
    """Reliability diagram data: for each confidence bin, mean confidence, accuracy and count.

    Confidence is the probability of the predicted label; a calibrated model
    has accuracy close to confidence in every bin.
    """
    proba = classifier.predict_proba([r.text for r in records])
    conf = proba.max(axis=1)
    correct = np.array([LABELS[i] == r.label for i, r in zip(proba.argmax(axis=1), records)])
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            rows.append(
                {
                    "bin": f"({lo:.1f}, {hi:.1f}]",
                    "confidence": float(conf[mask].mean()),
                    "accuracy": float(correct[mask].mean()),
                    "n": int(mask.sum()),
                }
            )
    return rows


def misclassified(classifier: Classifier, records: Sequence[Record]) -> list[dict[str, Any]]:
    """Records the classifier gets wrong, with its label, scores and evidence."""
    out = []
    for record, pred in zip(records, classifier.predict([r.text for r in records])):
        if pred.label != record.label:
            out.append(
                {
                    "id": record.id,
                    "text": record.text,
                    "true": record.label,
                    "predicted": pred.label,
                    "score": round(pred.score, 3),
                    "evidence": [str(e) for e in pred.evidence],
                }
            )
    return out


def run_training(
    data: Sequence[str] | None = None,
    extra: Sequence[str] = (),
    *,
    family: str | None = None,
    seed: int = 0,
    n_splits: int = 5,
    out_dir: str | os.PathLike | None = None,
    name: str = "default",
    limit_per_label: int | None = None,
    force: bool = False,
    save: bool = True,
) -> dict[str, Any]:
    """Train on the corpus (plus ``extra`` user files), evaluate on held-out groups, save.

    This is what ``dunning-nlp train`` and ``notebooks/02_train.ipynb`` run,
    so both give the same model from the same data and seed.  User records
    without a ``split`` field are training data.  ``limit_per_label`` keeps
    only the first groups of each label (a quick run for CI).  Returns the
    report written into the manifest, plus ``classifier`` and ``model_path``.

    The model is saved (unless ``save=False``) into ``out_dir``, by default a
    new directory (:func:`dunning_nlp.model.store.new_model_directory`); a
    model already saved there under ``name`` is never replaced unless
    ``force`` — checked before training, so a refusal costs nothing.  The
    manifest records each ``extra`` file with its sha256 and the number of
    rows it added (``extra_data``).
    """
    from ..model.store import check_model_target, new_model_directory, save_model, sha256_file
    from .corpus import read_records

    target = Path(out_dir) if out_dir is not None else new_model_directory()
    if save:
        check_model_target(target, name, force)  # before minutes of training, not after
    records = read_records(list(data) if data else None)
    if limit_per_label:  # a quick run trims the corpus, never the user's own rows
        records = _limit_groups(records, limit_per_label)
    extra_data = []
    if extra:
        records += read_records(list(extra))  # every bad row of every file said at once
        extra_data = [
            {"file": str(path), "sha256": sha256_file(Path(path)), "rows": len(read_records([path]))} for path in extra
        ]
    train_records, test_records = split_records(records)
    if not test_records:
        raise InputError("no held-out records (split == 'test'): cannot measure the model")
    result = train(train_records, family=family, n_splits=n_splits, seed=seed)
    metrics = evaluate(result.classifier, test_records, seed=seed)
    report = {
        **result.manifest_extra,
        "n_test": len(test_records),
        "extra_data": extra_data,
        "metrics": _round(metrics),
    }
    model_path = save_model(result.classifier.pipeline, target, name, extra=report, overwrite=force) if save else None
    return {**report, "classifier": result.classifier, "model_path": model_path}


def run_evaluation(
    model: str | None = None, data: Sequence[str] | None = None, *, seed: int = 0, prior: Any = None
) -> dict[str, Any]:
    """Evaluate a saved model (the bundled one by default) on the held-out split of ``data``.

    Files of your own (``data``) without a ``split`` column are evaluated whole (``held_out`` is then False).
    """
    from ..model.classifier import load
    from .corpus import read_records

    classifier = load(model, prior=prior)
    records = read_records(list(data) if data else None)
    _, test_records = split_records(records)
    held_out = bool(test_records)
    if not held_out:
        if not data:
            raise InputError("no held-out records (split == 'test') in the data")
        test_records = records  # files of your own without a split column: every record is a test record
    return {
        "metrics": _round(evaluate(classifier, test_records, seed=seed)),
        "classifier": classifier,
        "records": test_records,
        "held_out": held_out,
    }


def _limit_groups(records: Sequence[Record], per_label: int) -> list[Record]:
    kept: dict[str, set[str]] = {}
    out = []
    for r in records:
        groups = kept.setdefault(f"{r.label}:{r.split}", set())
        if r.group in groups or len(groups) < per_label:
            groups.add(r.group)
            out.append(r)
    return out


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value
