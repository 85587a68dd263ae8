"""The user-facing classifier: predictions with calibrated scores and evidence.

:class:`Classifier` wraps a fitted scikit-learn pipeline
(``normalise`` → ``features`` → ``clf``) and turns its output into
:class:`Prediction` objects: the primary label, a probability for every
label (summing to 1), secondary labels, and the evidence that pushed the
label — the words, character n-grams and rule signals with the largest
contribution to the winning class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.pipeline import Pipeline

from .errors import InputError
from .labels import LABELS
from .normalise import PLACEHOLDER_RE
from .signals import SIGNALS, find_signals

__all__ = ["Evidence", "Prediction", "Classifier", "SECONDARY_THRESHOLD"]

#: A non-primary label whose probability reaches this is listed as secondary.
SECONDARY_THRESHOLD = 0.25
#: Signals that make a third-party contact also harassment (a threat sent to a relative).
_THREAT_SIGNALS = frozenset({"threat_visit", "threat_general", "insult", "fake_legal"})
_SIGNAL_BY_NAME = {s.name: s for s in SIGNALS}


@dataclass(frozen=True)
class Evidence:
    """One reason behind a label.

    ``kind`` is ``"signal"`` (a named rule cue), ``"word"`` (a jieba token or
    token pair) or ``"chars"`` (a character n-gram); ``weight`` is its
    contribution to the winning class's score (log-odds scale, larger is
    stronger); ``rule`` names the law or guideline for signals that have one.
    """

    kind: str
    value: str
    weight: float
    description: str = ""
    rule: str = ""

    def __str__(self) -> str:
        return f"{self.value}" if self.kind != "signal" else f"[{self.value}] {self.description}"


@dataclass(frozen=True)
class Prediction:
    """The classification of one message."""

    text: str
    label: str
    scores: Mapping[str, float]
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    secondary: tuple[str, ...] = field(default_factory=tuple)

    @property
    def score(self) -> float:
        """Probability of the primary label."""
        return self.scores[self.label]

    def to_dict(self) -> dict:
        """Plain JSON-able form."""
        return {
            "label": self.label,
            "score": round(self.score, 4),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "secondary": list(self.secondary),
            "evidence": [str(e) for e in self.evidence],
        }


def _raw_weights(estimator) -> np.ndarray:
    if hasattr(estimator, "coef_"):
        return np.asarray(estimator.coef_, dtype=float)
    if hasattr(estimator, "feature_log_prob_"):
        return np.asarray(estimator.feature_log_prob_, dtype=float)
    raise InputError(f"cannot explain a {type(estimator).__name__}: it has neither coef_ nor feature_log_prob_")


def class_weights(clf) -> np.ndarray:
    """(n_classes, n_features) weights of a linear classifier, averaged over calibration folds."""
    if isinstance(clf, CalibratedClassifierCV):
        weights = np.mean([_raw_weights(c.estimator) for c in clf.calibrated_classifiers_], axis=0)
    else:
        weights = _raw_weights(clf)
    # Centre across classes: what counts is how much a feature favours this
    # class over the others.
    return weights - weights.mean(axis=0, keepdims=True)


class Classifier:
    """Classify SMS texts with a fitted pipeline.

    Build one with :func:`dunning_nlp.load` (the bundled model) or from a
    pipeline you trained (:func:`dunning_nlp.training.train`).

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        Fitted, with steps ``normalise``, ``features`` and ``clf``.
    manifest : mapping, optional
        The model's manifest (versions, metrics), kept for reports.
    n_evidence : int, default=6
        How many evidence items to attach to each prediction.

    Examples
    --------
    >>> import dunning_nlp
    >>> clf = dunning_nlp.load()
    >>> clf.predict(["您的借款已逾期3天，请登录APP还款"])[0].label
    'reminder'
    """

    def __init__(self, pipeline: Pipeline, manifest: Mapping | None = None, n_evidence: int = 6):
        self.pipeline = pipeline
        self.manifest = dict(manifest or {})
        self.n_evidence = n_evidence
        classes = [str(c) for c in pipeline.classes_]
        if sorted(classes) != sorted(LABELS):
            raise InputError(f"pipeline classes {classes} differ from the label set {list(LABELS)}")
        self._order = [classes.index(label) for label in LABELS]
        self._weights: np.ndarray | None = None
        self._names: np.ndarray | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return LABELS

    def _explainer(self) -> tuple[np.ndarray, np.ndarray]:
        if self._weights is None:
            weights = class_weights(self.pipeline.named_steps["clf"])
            self._weights = weights[self._order]
            self._names = self.pipeline.named_steps["features"].get_feature_names_out()
        return self._weights, self._names

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, 5) array of probabilities in :data:`LABELS` order."""
        texts = _as_texts(texts)
        if not texts:
            return np.zeros((0, len(LABELS)))
        return self.pipeline.predict_proba(texts)[:, self._order]

    def predict(self, texts: Iterable[str], *, evidence: bool = True) -> list[Prediction]:
        """Classify many texts at once (faster than one at a time).

        Identical texts are classified once.  ``evidence=False`` skips the
        explanation step when only labels and scores are needed.
        """
        texts = _as_texts(texts)
        if not texts:
            return []
        unique = list(dict.fromkeys(texts))
        steps = self.pipeline.named_steps
        normalised = steps["normalise"].transform(unique)
        # Messages that differ only in numbers, links or spacing share one
        # normalised form: featurise and score each form once.
        forms = list(dict.fromkeys(normalised))
        X = steps["features"].transform(forms).tocsr()
        proba = steps["clf"].predict_proba(X)[:, self._order]
        by_form: dict[str, tuple[str, dict, tuple, tuple]] = {}
        for i, form in enumerate(forms):
            row = proba[i]
            best = int(np.argmax(row))
            label = LABELS[best]
            scores = {lab: float(p) for lab, p in zip(LABELS, row)}
            secondary = _secondary(label, scores, form)
            ev = self._evidence(X, i, best) if evidence else ()
            by_form[form] = (label, scores, ev, secondary)
        results: dict[str, Prediction] = {}
        for text, form in zip(unique, normalised):
            label, scores, ev, secondary = by_form[form]
            results[text] = Prediction(text=text, label=label, scores=dict(scores), evidence=ev, secondary=secondary)
        return [results[t] for t in texts]

    def _evidence(self, X, row: int, class_index: int) -> tuple[Evidence, ...]:
        weights, names = self._explainer()
        lo, hi = X.indptr[row], X.indptr[row + 1]  # direct CSR access: row slicing in scipy is slow
        indices = X.indices[lo:hi]
        contrib = X.data[lo:hi] * weights[class_index, indices]
        order = np.argsort(-contrib)
        items: list[Evidence] = []
        seen: list[str] = []
        for k in order:
            if contrib[k] <= 0 or len(items) >= self.n_evidence:
                break
            block, _, name = names[indices[k]].partition("__")
            if block == "signals":
                signal = _SIGNAL_BY_NAME[name.split(":", 1)[1]]
                items.append(Evidence("signal", signal.name, float(contrib[k]), signal.description, signal.rule))
                continue
            value = name.strip()
            # Single characters and function words ("你", "就") explain nothing to a reader.
            if len(PLACEHOLDER_RE.sub("#", value).replace(" ", "")) < 2 or any(value in s for s in seen):
                continue
            seen.append(value)
            items.append(Evidence("word" if block == "words" else "chars", value, float(contrib[k])))
        return tuple(items)

    def __repr__(self) -> str:
        family = self.manifest.get("family", "?")
        return f"Classifier(family={family!r}, labels={list(LABELS)})"


def _secondary(label: str, scores: Mapping[str, float], normalised: str) -> tuple[str, ...]:
    """Other labels that also fit: probable ones, and harassment for a threatening third-party contact."""
    found = [lab for lab, p in scores.items() if lab != label and p >= SECONDARY_THRESHOLD]
    if label == "third_party" and "harassment" not in found:
        if any(s.name in _THREAT_SIGNALS for s in find_signals(normalised)):
            found.append("harassment")
    return tuple(lab for lab in LABELS if lab in found)


def _as_texts(texts: Iterable[str]) -> list[str]:
    if isinstance(texts, str):
        raise InputError("predict() expects a list of texts; use dunning_nlp.classify(text) for one")
    out = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise InputError(f"text #{i} is {type(t).__name__}, not str")
        out.append(t)
    return out
