"""Compile a fitted scikit-learn pipeline into a :class:`~dunning_nlp.model.compiled.CompiledModel`.

The only place that reads scikit-learn objects for prediction: training (``dunning_nlp.train``) and
:func:`dunning_nlp.model.store.save_model` call :func:`compile_pipeline`; loading a model never does.  It refuses
pipelines it cannot reproduce exactly, so that compiled and scikit-learn probabilities agree (tests check 1e-9).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InputError
from ..labels import LABELS
from ..text.segment import JiebaTokenizer
from ..text.signals import SIGNALS
from .compiled import CompiledModel, TextBlock

__all__ = ["compile_pipeline"]


def compile_pipeline(pipeline, class_prior: Any = None, gate_taught: Sequence[str] = ()) -> CompiledModel:
    """Turn a fitted ``normalise → features → clf`` pipeline into a :class:`CompiledModel`.

    ``class_prior`` (a mapping label → share, or a sequence in :data:`LABELS` order) is the training
    data's class mix, recorded so that scores can be shifted to a deployment prior.

    Supported: the features made by :func:`dunning_nlp.train.features.build_features` (any n-gram ranges,
    ``min_df``, ``max_features`` or signal weight; no ``transformer_weights``, no ``'drop'`` block) and a sigmoid
    ``CalibratedClassifierCV`` over a linear
    model with ``coef_``/``intercept_`` (linear SVM, logistic regression, SGD) or over ``ComplementNB``.
    Anything else raises :class:`~dunning_nlp.errors.InputError` rather than compute other numbers.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.naive_bayes import ComplementNB

    steps = dict(pipeline.steps)
    if set(steps) != {"normalise", "features", "clf"}:
        raise InputError(f"cannot compile a pipeline with steps {list(steps)}; expected normalise, features, clf")
    _check_union(steps["features"])
    norm = steps["normalise"]
    # A pipeline pickled before ``compact`` existed has no such attribute: it normalised without it.
    normaliser = {k: bool(getattr(norm, k, False)) for k in ("traditional", "deobfuscate", "placeholders", "compact")}
    blocks, tokenizer, signal_weight, offset = [], None, None, 0
    for name, est in steps["features"].transformer_list:
        if name == "signals":
            signal_weight = float(est.weight)
            continue
        _check_vectorizer(name, est)
        if est.analyzer == "word":
            tokenizer = vars(est.tokenizer)
        terms = [""] * len(est.vocabulary_)
        for term, j in est.vocabulary_.items():
            terms[j] = term
        idf = np.asarray(est.idf_, dtype=np.float64) if est.use_idf else None
        blocks.append(
            TextBlock(
                name,
                est.analyzer,
                tuple(est.ngram_range),
                bool(est.lowercase),
                bool(est.sublinear_tf),
                est.norm == "l2",
                terms,
                idf,
                offset,
            )
        )
        offset += len(terms)
    names = [n for n, _ in steps["features"].transformer_list]
    if names[-1:] != ["signals"] or signal_weight is None or tokenizer is None:
        raise InputError(f"cannot compile feature blocks {names}; expected TF-IDF blocks then 'signals' last")
    clf = steps["clf"]
    if not isinstance(clf, CalibratedClassifierCV) or clf.method != "sigmoid":
        raise InputError(f"cannot compile {type(clf).__name__}: wrap it in CalibratedClassifierCV(method='sigmoid')")
    classes = [str(c) for c in clf.classes_]
    if sorted(classes) != sorted(LABELS):
        raise InputError(f"cannot compile: classes {classes} differ from the label set {list(LABELS)}")
    n_features = offset + len(SIGNALS)
    members = clf.calibrated_classifiers_
    weights = np.zeros((n_features, len(members), len(LABELS)))
    intercepts = np.zeros((len(members), len(LABELS)))
    # A class the fold's estimator never saw keeps a sigmoid of constant 0 (a=0, b=+inf): probability 0.
    calibration = np.zeros((2, len(members), len(LABELS)))
    calibration[1] = np.inf
    is_nb = [isinstance(m.estimator, ComplementNB) for m in members]
    if any(is_nb) and not all(is_nb):
        raise InputError("cannot compile a mix of naive Bayes and linear calibration members")
    for f, member in enumerate(members):
        est = member.estimator
        est_classes = [str(c) for c in est.classes_]
        if len(est_classes) < 3:
            raise InputError("cannot compile a member estimator fitted on fewer than three classes")
        if is_nb[f]:
            coef, intercept = np.asarray(est.feature_log_prob_), np.zeros(len(est_classes))
        elif hasattr(est, "coef_") and hasattr(est, "decision_function"):
            coef, intercept = np.asarray(est.coef_), np.asarray(est.intercept_)
        else:
            raise InputError(f"cannot compile {type(est).__name__}: no linear coef_/intercept_")
        if coef.shape != (len(est_classes), n_features):
            raise InputError(
                f"cannot compile: {type(est).__name__} has {coef.shape[1]} weights per class, "
                f"features give {n_features}"
            )
        for c, (cls, calibrator) in enumerate(zip(est_classes, member.calibrators)):
            j = LABELS.index(cls)
            weights[:, f, j] = coef[c]
            intercepts[f, j] = intercept[c]
            calibration[:, f, j] = (calibrator.a_, calibrator.b_)
    return CompiledModel(
        normaliser=normaliser,
        tokenizer=tokenizer,
        blocks=blocks,
        signal_weight=signal_weight,
        weights=weights.reshape(n_features, -1),
        intercepts=intercepts,
        calibration=calibration,
        response="softmax" if is_nb[0] else "decision",
        class_prior=([class_prior[lab] for lab in LABELS] if isinstance(class_prior, dict) else class_prior),
        gate_taught=gate_taught,
    )


def _check_vectorizer(name: str, est) -> None:
    problems = [
        f"{attr}={getattr(est, attr)!r}"
        for attr, ok in (
            ("analyzer", est.analyzer in ("word", "char")),
            ("preprocessor", est.preprocessor is None),
            ("strip_accents", est.strip_accents is None),
            ("stop_words", est.stop_words is None),
            ("binary", not est.binary),
            ("norm", est.norm in ("l2", None)),
            ("tokenizer", est.analyzer != "word" or isinstance(est.tokenizer, JiebaTokenizer)),
        )
        if not ok
    ]
    if problems:
        raise InputError(f"cannot compile feature block {name!r}: unsupported {', '.join(problems)}")


def _check_union(union) -> None:
    """Refuse a feature union whose output the compiled form would not reproduce.

    A FeatureUnion multiplies each block by its ``transformer_weights`` entry and leaves out a ``'drop'``
    block; the compiled form does neither, so it would compute other probabilities (or fail on a missing
    attribute) instead of saying so.
    """
    blocks = getattr(union, "transformer_list", None)
    if blocks is None:
        raise InputError(
            f"cannot compile features {type(union).__name__}; expected a FeatureUnion of TF-IDF blocks and 'signals'"
        )
    weights = getattr(union, "transformer_weights", None) or {}
    scaled = {name: w for name, w in weights.items() if w != 1}
    if scaled:
        raise InputError(
            f"cannot compile a FeatureUnion with transformer_weights {scaled}: the compiled model does "
            f"not scale blocks; refit without transformer_weights (use signal_weight for the signals)"
        )
    for name, est in blocks:
        if est is None or isinstance(est, str):
            raise InputError(
                f"cannot compile feature block {name!r}: it is {est!r}, not a fitted transformer; "
                f"remove the block from the FeatureUnion and refit"
            )


# -- feature fingerprint ---------------------------------------------------------------------------------
