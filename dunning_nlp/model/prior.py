"""Class priors: from the balanced training mix to the traffic a phone really receives.

The classifier is trained on a corpus where collection messages are common
(every label has hundreds of base messages) and its sigmoid calibration
learns that mix.  A real phone dump is mostly ``other``.  By Bayes' rule a
calibrated posterior under the training prior ``π`` becomes the posterior
under a deployment prior ``π'`` by re-weighting each class by ``π'(y) / π(y)``
and normalising (Saerens, Latinne & Decaestecker 2002, eq. 2.4).

:func:`shift_prior` does that; :func:`estimate_prior` estimates the
deployment prior of one batch by expectation–maximisation (same paper,
section 2.2), and :func:`adapt_prior` applies it to a dump (``--prior auto``),
for users who want the scores adapted to their own dump.
:data:`DEFAULT_PRIOR` is what :func:`dunning_nlp.load` uses unless told
otherwise (``load(prior=...)``, ``--prior``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from ..errors import InputError
from ..labels import LABELS

__all__ = [
    "DEFAULT_PRIOR",
    "TEMPLATE_PRIOR",
    "PriorSpec",
    "resolve_prior",
    "shift_prior",
    "estimate_prior",
    "adapt_prior",
]

#: Deployment prior used by default: a phone dump in which about 3 messages in 4 are not about a debt at all
#: and the rest are shared by the four collection and scam labels.  See README "How good is it" for what this
#: choice measured on real messages and on the project's own held-out split.
DEFAULT_PRIOR: dict[str, float] = {
    "reminder": 0.06,
    "harassment": 0.06,
    "third_party": 0.06,
    "fraud": 0.06,
    "other": 0.76,
}

#: Prior for a text that still holds an unfilled template slot (``⟪SLOT⟫``: ``${name}``, ``%s``, ``var1`` …).
#: No phone receives such a text: it comes from a template library that a compliance team checks before sending,
#: and a lender's library is about half collection and service templates, not the mostly-``other`` traffic of
#: a phone dump.  Used for those texts instead of :data:`DEFAULT_PRIOR` when no ``prior=`` is given; an explicit
#: ``prior=`` applies to every text.
TEMPLATE_PRIOR: dict[str, float] = {
    "reminder": 0.125,
    "harassment": 0.125,
    "third_party": 0.125,
    "fraud": 0.125,
    "other": 0.5,
}

#: What ``prior=`` accepts: ``None`` (the default), ``"train"`` (no correction), a share of ``other``
#: (the rest spread like :data:`DEFAULT_PRIOR`), or a probability for every label.
PriorSpec = None | str | float | Mapping[str, float]


def resolve_prior(spec: PriorSpec) -> np.ndarray | None:
    """Turn a ``prior=`` argument into a probability vector in :data:`LABELS` order (``None`` = no correction).

    >>> resolve_prior(0.5).round(3).tolist()
    [0.125, 0.125, 0.125, 0.125, 0.5]
    """
    if spec is None:
        spec = DEFAULT_PRIOR
    if isinstance(spec, str):
        if spec == "train":
            return None
        if spec == "auto":
            raise InputError(
                "prior 'auto' is estimated by batch and report from their inputs (adapt_prior); "
                "here give 'train', a share of 'other' between 0 and 1, or a probability per label"
            )
        try:
            spec = float(spec)
        except ValueError:
            raise InputError(
                f"prior {spec!r}: give 'train', 'auto' (batch and report) or a share of 'other' between 0 and 1"
            ) from None
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        share = float(spec)
        if not 0.0 < share < 1.0:
            raise InputError(f"prior: the share of 'other' must be between 0 and 1, got {share}")
        others = [lab for lab in LABELS if lab != "other"]
        scale = (1.0 - share) / sum(DEFAULT_PRIOR[lab] for lab in others)
        return _by_label({**{lab: DEFAULT_PRIOR[lab] * scale for lab in others}, "other": share})
    if isinstance(spec, Mapping):
        return _by_label(spec)
    raise InputError(f"prior: unsupported value {spec!r}")


def _by_label(spec: Mapping[str, float]) -> np.ndarray:
    if set(spec) != set(LABELS):
        raise InputError(f"prior: give a probability for each of {', '.join(LABELS)} (got {sorted(spec)})")
    vec = np.array([float(spec[lab]) for lab in LABELS])
    if (vec <= 0).any() or not np.isfinite(vec).all():
        raise InputError("prior: every probability must be positive")
    return vec / vec.sum()


def shift_prior(
    proba: np.ndarray, train_prior: Sequence[float] | np.ndarray, target_prior: Sequence[float] | np.ndarray | None
) -> np.ndarray:
    """Re-weight calibrated posteriors from ``train_prior`` to ``target_prior`` (rows sum to 1).

    ``target_prior`` is one prior for every row, or an ``(n, classes)`` array with a prior per row.

    >>> shift_prior(np.array([[0.5, 0.5]]), [0.5, 0.5], [0.2, 0.8]).round(2).tolist()
    [[0.2, 0.8]]
    >>> shift_prior(np.array([[0.5, 0.5], [0.5, 0.5]]), [0.5, 0.5], np.array([[0.2, 0.8], [0.5, 0.5]])).tolist()
    [[0.2, 0.8], [0.5, 0.5]]
    """
    if target_prior is None:
        return proba
    weights = np.asarray(target_prior, dtype=float) / np.asarray(train_prior, dtype=float)
    out = proba * weights
    total = out.sum(axis=1, keepdims=True)
    return np.divide(out, total, out=np.full_like(out, 1.0 / out.shape[1]), where=total > 0)


def estimate_prior(
    proba: np.ndarray, train_prior: Sequence[float], *, max_iter: int = 200, tol: float = 1e-6
) -> np.ndarray:
    """Estimate the class prior of a batch from its posteriors under ``train_prior`` (EM).

    Each step shifts the posteriors to the current estimate and takes their mean as the next estimate;
    the fixed point is the maximum-likelihood prior of the batch (Saerens et al. 2002).

    >>> p = np.array([[0.8, 0.2]] * 6 + [[0.1, 0.9]] * 4)
    >>> estimate_prior(p, [0.5, 0.5]).round(2).tolist()
    [0.54, 0.46]
    """
    proba = np.asarray(proba, dtype=float)
    if proba.ndim != 2 or len(proba) == 0:
        raise InputError("estimate_prior needs a non-empty (n, classes) array of probabilities")
    prior = np.asarray(train_prior, dtype=float)
    for _ in range(max_iter):
        new = shift_prior(proba, train_prior, prior).mean(axis=0)
        new = np.clip(new, 1e-6, None)
        new /= new.sum()
        if np.abs(new - prior).max() < tol:
            return new
        prior = new
    return prior


#: Smallest share :func:`adapt_prior` gives a label, so that a label absent from the sample can still be found.
MIN_ADAPTED_SHARE = 1e-3


def adapt_prior(model, texts: Iterable[str], *, chunk: int = 4096) -> dict[str, float]:
    """Estimate the class prior of a dump of ``texts`` (EM on ``model``'s calibrated scores).

    ``model`` is a :class:`~dunning_nlp.model.compiled.CompiledModel` (``classifier.model``) that records its
    training prior; its raw calibrated posteriors (before any prior shift or the debt-context gate) are
    computed chunk by chunk, so only an (n, 5) array is kept.  Every label keeps at least
    :data:`MIN_ADAPTED_SHARE`.  Pass the result to ``load(prior=...)``.
    """
    if getattr(model, "class_prior", None) is None:
        raise InputError("this model records no training prior, so it cannot adapt one to a dump; retrain it")
    parts, batch = [], []
    for text in texts:
        batch.append(text)
        if len(batch) >= chunk:
            parts.append(model.predict_proba(batch))
            batch = []
    if batch:
        parts.append(model.predict_proba(batch))
    if not parts:
        raise InputError("--prior auto needs at least one message to estimate the prior from")
    estimate = np.maximum(estimate_prior(np.vstack(parts), model.class_prior), MIN_ADAPTED_SHARE)
    estimate /= estimate.sum()
    return {lab: float(p) for lab, p in zip(LABELS, estimate)}
