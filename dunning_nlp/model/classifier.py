"""The user-facing classifier: predictions with calibrated scores and evidence.

:class:`Classifier` wraps a :class:`~dunning_nlp.model.compiled.CompiledModel`
(the NumPy form of a fitted ``normalise`` → ``features`` → ``clf``
pipeline, so that prediction never imports scikit-learn) and turns its output into
:class:`Prediction` objects: the primary label, a probability for every
label (summing to 1), secondary labels, and the evidence that pushed the
label — the words, character n-grams and rule signals with the largest
contribution to the winning class.
"""

from __future__ import annotations

import itertools
import re
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..errors import InputError
from ..labels import LABELS
from ..text.normalize import PLACEHOLDERS, placeholder_regex
from ..text.segment import resolve_backend
from ..text.signals import SIGNALS, THREAT_SIGNALS
from .compile import compile_pipeline
from .compiled import CompiledModel, FeatureRows
from .evidence import readable_term
from .gate import TAUGHT_MIN_SHARE, TaughtGate, apply_gate, collection_share, rule_context
from .prior import TEMPLATE_PRIOR, PriorSpec, resolve_prior, shift_prior

__all__ = ["Evidence", "Prediction", "Classifier", "SECONDARY_THRESHOLD", "load", "classify"]

#: A non-primary label whose probability reaches this is listed as secondary.
SECONDARY_THRESHOLD = 0.25
_SIGNAL_BY_NAME = {s.name: s for s in SIGNALS}
#: An unfilled template slot in a normalised text, readable (⟪SLOT⟫) or compact: the text is a template.
_SLOT_RE = re.compile(placeholder_regex(PLACEHOLDERS["SLOT"]))
_UNSEEN = object()


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
    #: Names of the rule signals found in the message (:mod:`dunning_nlp.text.signals`), as the model saw them:
    #: the report's flags read these instead of matching the text a second time.
    signals: tuple[str, ...] = field(default_factory=tuple)

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
            "signals": list(self.signals),
            "evidence": [str(e) for e in self.evidence],
        }


#: How a feature column is shown as evidence: (kind, value, description, rule).
_Display = tuple[str, str, str, str]
#: A remembered prediction: (label, scores, evidence, secondary labels, signals).
_CacheEntry = tuple[str, dict[str, float], tuple[Evidence, ...], tuple[str, ...], tuple[str, ...]]


class Classifier:
    """Classify SMS texts with a fitted model.

    Build one with :func:`dunning_nlp.load` (the bundled model) or from a
    pipeline you trained (:func:`dunning_nlp.train.training.train`).

    Parameters
    ----------
    model : CompiledModel or sklearn.pipeline.Pipeline
        A compiled model (what :func:`dunning_nlp.load` reads), or a fitted
        pipeline with steps ``normalise``, ``features`` and ``clf``, which is
        compiled here (:func:`dunning_nlp.model.compile.compile_pipeline`) and
        kept as :attr:`pipeline` for saving.
    manifest : mapping, optional
        The model's manifest (versions, metrics), kept for reports.
    n_evidence : int, default=6
        How many evidence items to attach to each prediction.
    prior : None, "train", float or mapping, default=None
        Class prior of the traffic being classified (:mod:`dunning_nlp.model.prior`):
        ``None`` uses :data:`~dunning_nlp.model.prior.DEFAULT_PRIOR` (mostly
        ``other``, as a real phone dump), and for a text with an unfilled
        template slot :data:`~dunning_nlp.model.prior.TEMPLATE_PRIOR` (it comes
        from a template library, not a phone); ``"train"`` keeps the training mix,
        a float is the share of ``other``, a mapping gives every label.
        Scores are the calibrated probabilities re-weighted to this prior,
        then passed through the debt-context gate (:mod:`dunning_nlp.model.gate`).

    Attributes
    ----------
    model : CompiledModel
        What predictions are computed with.
    pipeline : Pipeline or None
        The scikit-learn pipeline, when the classifier was built from one.

    Examples
    --------
    >>> import dunning_nlp
    >>> clf = dunning_nlp.load()
    >>> clf.predict(["您的借款已逾期3天，请登录APP还款"])[0].label
    'reminder'
    """

    #: Normalised forms whose predictions are remembered across calls (SMS dumps repeat templates).
    #: An entry with its evidence takes about 2 KB plus its text, so the cache stays near 30 MB.
    cache_size = 16384
    #: Bytes the remembered predictions may hold (estimated): long texts fill it before :attr:`cache_size` does.
    cache_bytes = 32 << 20

    def __init__(self, model: Any, manifest: Mapping | None = None, n_evidence: int = 6, prior: PriorSpec = None):
        self.manifest = dict(manifest or {})
        if isinstance(model, CompiledModel):
            self.pipeline = None
        else:
            self.pipeline = model
            model = compile_pipeline(
                model, class_prior=self.manifest.get("class_prior"), gate_taught=self.manifest.get("gate_taught") or ()
            )
        self.model: CompiledModel = model
        self.n_evidence = n_evidence
        self._prior = prior
        # A model without a recorded training prior (older files) cannot be re-weighted; the gate still applies.
        self._target_prior = resolve_prior(prior) if model.class_prior is not None else None
        # Texts with unfilled template slots come from a template library, not a phone (TEMPLATE_PRIOR).
        default = prior is None and self._target_prior is not None
        self._template_prior = resolve_prior(TEMPLATE_PRIOR) if default else None
        self._taught = TaughtGate(model.gate_taught)
        self._cache: dict[tuple[str, bool, str, int], _CacheEntry] = {}
        self._cache_held = 0  # estimated bytes held by _cache (see _entry_bytes)
        self._display: dict[int, _Display | None] = {}  # feature column -> how it is shown (None: not shown)
        # Per feature column: 0 not decided yet, 1 shown as evidence, 2 not shown (the same as _display, as an
        # array, so that a chunk's unreadable features are dropped in NumPy before the per-message loop).
        self._shown = np.zeros(model.n_features, dtype=np.int8)
        self._cache_lock = threading.Lock()

    @property
    def prior(self) -> PriorSpec:
        """The ``prior=`` this classifier was built with (read-only: cached predictions depend on it)."""
        return self._prior

    @property
    def labels(self) -> tuple[str, ...]:
        return LABELS

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, 5) array of probabilities in :data:`LABELS` order."""
        texts = _as_texts(texts)
        if not texts:
            return np.zeros((0, len(LABELS)))
        normalised = self.model.normalise(texts)
        return self._scores(self.model.transform(normalised), normalised)

    def _scores(self, rows: FeatureRows, normalised: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities of feature rows, shifted to the deployment prior and gated."""
        return self.deploy(self.model.predict_proba_rows(rows), rows, normalised)

    def deploy(self, proba: np.ndarray, rows: FeatureRows, normalised: Sequence[str]) -> np.ndarray:
        """What this classifier does to calibrated probabilities under the training prior before it answers.

        The shift to the deployment prior (:data:`~dunning_nlp.model.prior.TEMPLATE_PRIOR` for a text with an
        unfilled template slot when no ``prior=`` was given), then the debt-context gate.  ``rows`` are the
        feature rows of ``normalised`` (for the gate's rule signals); the texts are read for template slots and,
        where the rule closes, by the gate's taught texts (:class:`~dunning_nlp.model.gate.TaughtGate`) when the
        collection labels hold at least :data:`~dunning_nlp.model.gate.TAUGHT_MIN_SHARE` together.  Public so
        that another scorer of the same rows (a second stage in ``benchmarks/second_stage.py``) is deployed
        exactly as the classifier's own scores are.
        """
        if self._target_prior is not None:
            target = self._target_prior
            if self._template_prior is not None:
                templates = np.fromiter((_SLOT_RE.search(text) is not None for text in normalised), bool, len(proba))
                if templates.any():  # a prior per row: the template prior for templates, once for every row
                    target = np.where(templates[:, None], self._template_prior, target)
            # the model's training prior is set whenever a target prior is (see __init__)
            proba = shift_prior(proba, cast(np.ndarray, self.model.class_prior), target)
        has_context = rule_context(rows, self.model.signal_offset)
        if self._taught:
            for i in np.flatnonzero(~has_context & (collection_share(proba) >= TAUGHT_MIN_SHARE)).tolist():
                has_context[i] = self._taught.opens(normalised[i])
        return apply_gate(proba, has_context)

    def predict(self, texts: Iterable[str], *, evidence: bool = True) -> list[Prediction]:
        """Classify many texts at once (faster than one at a time).

        Texts are normalised first; each distinct normalised form is scored
        once, and the last :attr:`cache_size` forms are remembered across
        calls, so a dump's repeated templates (same words, other numbers)
        cost one scoring.  ``evidence=False`` skips the explanation step
        when only labels and scores are needed.
        """
        texts = _as_texts(texts)
        if not texts:
            return []
        unique = list(dict.fromkeys(texts))
        normalised = self.model.normalise(unique)
        cache = self._cache
        # The segmentation back-end can change between calls ($DUNNING_NLP_TOKENIZER), and n_evidence can be
        # changed on the instance: both are part of the key.
        backend = resolve_backend(self.model.tokenizer.backend)
        n_evidence = self.n_evidence if evidence else 0
        known: dict[str, _CacheEntry] = {}
        forms = []  # distinct forms not in the cache
        for form in dict.fromkeys(normalised):
            hit = cache.get((form, evidence, backend, n_evidence))
            if hit is None:
                forms.append(form)
            else:
                known[form] = hit
        if forms:
            rows = self.model.transform(forms)
            proba = self._scores(rows, forms)
            winners = np.argmax(proba, axis=1)
            ranked = self._ranked_contributions(rows, winners, readable_only=True) if evidence else None
            found = self._signal_names(rows)
            # Plain Python numbers for the whole chunk at once (tolist), not one NumPy scalar at a time.
            for i, (form, row, best, signals) in enumerate(zip(forms, proba.tolist(), winners.tolist(), found)):
                label = LABELS[best]
                scores = dict(zip(LABELS, row))
                ev = self._evidence(*ranked[i]) if ranked is not None else ()  # None exactly when not evidence
                known[form] = (label, scores, ev, _secondary(label, scores, signals), signals)
            self._remember({(form, evidence, backend, n_evidence): known[form] for form in forms})
        results: dict[str, Prediction] = {}
        for text, form in zip(unique, normalised):
            label, scores, ev, secondary, signals = known[form]
            results[text] = Prediction(
                text=text, label=label, scores=dict(scores), evidence=ev, secondary=secondary, signals=signals
            )
        return [results[t] for t in texts]

    def _signal_names(self, rows: FeatureRows) -> list[tuple[str, ...]]:
        """Per row, the names of the signals found, in table order: a row's signal columns are the signals
        found in its form, so no second regex pass is needed."""
        offset = self.model.signal_offset
        at = np.flatnonzero(rows.indices >= offset)
        found: list[list[str]] = [[] for _ in range(len(rows.indptr) - 1)]
        for row, column in zip(rows.row_ids()[at].tolist(), rows.indices[at].tolist()):
            found[row].append(SIGNALS[column - offset].name)
        return [tuple(names) for names in found]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_cache"] = {}
        state["_cache_held"] = 0
        del state["_cache_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_cache_held", 0)  # pickled before the cache counted bytes
        if "_shown" not in state:  # pickled before evidence was filtered in NumPy
            self._shown = np.zeros(self.model.n_features, dtype=np.int8)
        self._cache_lock = threading.Lock()

    def _remember(self, entries: dict) -> None:
        """Add predictions to the cache, then drop the oldest past :attr:`cache_size` entries or :attr:`cache_bytes`."""
        largest = self.cache_bytes // 64  # one huge text is not worth dropping thousands of templates
        with self._cache_lock:
            cache = self._cache
            for key, value in entries.items():
                cost = _entry_bytes(key, value)
                if cost <= largest and key not in cache:
                    cache[key] = value
                    self._cache_held += cost
            excess = len(cache) - self.cache_size
            if excess > 0:  # drop the oldest entries (dicts keep insertion order)
                for key in list(itertools.islice(cache, excess)):
                    self._cache_held -= _entry_bytes(key, cache.pop(key))
            while self._cache_held > self.cache_bytes and cache:
                key = next(iter(cache))
                self._cache_held -= _entry_bytes(key, cache.pop(key))

    def _ranked_contributions(
        self, rows: FeatureRows, winners: np.ndarray, readable_only: bool = False
    ) -> list[tuple[list[int], list[float]]]:
        """Per row, the features that favour its winning class, strongest first: (columns, contributions).

        One gather and one sort for all rows (value × weight of the winning class; ties keep the row's order).
        ``readable_only`` leaves out the features that are never shown as evidence (:meth:`_display_of` is
        None): :meth:`_evidence` would skip them one by one, and most of a row's features are such.
        """
        n = len(rows.indptr) - 1
        row_of = rows.row_ids()
        contrib = rows.data * self.model.explain_weights()[winners[row_of], rows.indices]
        keep = np.flatnonzero(contrib > 0)
        if readable_only:
            keep = keep[self._readable(rows.indices[keep])]
        order = keep[np.lexsort((-contrib[keep], row_of[keep]))]
        bounds = np.searchsorted(row_of[order], np.arange(n + 1)).tolist()
        columns, weights = rows.indices[order].tolist(), contrib[order].tolist()
        return [(columns[lo:hi], weights[lo:hi]) for lo, hi in zip(bounds, bounds[1:])]

    def _readable(self, columns: np.ndarray) -> np.ndarray:
        """Boolean mask: which of these feature columns are shown as evidence (decided once per column)."""
        shown = self._shown
        for j in np.unique(columns[shown[columns] == 0]).tolist():
            display = self._display.get(j, _UNSEEN)
            if display is _UNSEEN:
                display = self._display[j] = self._display_of(j)
            shown[j] = 2 if display is None else 1
        return shown[columns] == 1

    def _evidence(self, columns: list[int], weights: list[float]) -> tuple[Evidence, ...]:
        """The first :attr:`n_evidence` readable reasons among ranked (column, contribution) pairs."""
        items: list[Evidence] = []
        seen: list[str] = []
        display = self._display
        for j, weight in zip(columns, weights):
            shown = display.get(j, _UNSEEN)
            if shown is _UNSEEN:  # decided once per feature: evidence is built for every message of a dump
                shown = display[j] = self._display_of(j)
            if shown is None:
                continue
            kind, value, description, rule = cast("_Display", shown)  # neither _UNSEEN nor None here
            if kind != "signal":
                if any(value in s for s in seen):
                    continue
                seen.append(value)
            items.append(Evidence(kind, value, weight, description, rule))
            if len(items) >= self.n_evidence:
                break
        return tuple(items)

    def _display_of(self, column: int) -> _Display | None:
        """How feature ``column`` is shown as evidence: (kind, value, description, rule), or None."""
        full = self.model.feature_names()[column]
        block, _, name = full.partition("__")
        if block == "signals":
            signal = _SIGNAL_BY_NAME[name.split(":", 1)[1]]
            return "signal", signal.name, signal.description, signal.rule
        value = readable_term(full)
        return None if value is None else ("word" if block == "words" else "chars", value, "", "")

    def __repr__(self) -> str:
        family = self.manifest.get("family", "?")
        return f"Classifier(family={family!r}, labels={list(LABELS)}, prior={self.prior!r})"


#: Estimated bytes of a cached prediction besides its text and evidence values: the key tuple, the scores dict
#: (five floats), the result tuple and the Evidence objects.
_ENTRY_BASE = 1024
_EVIDENCE_ITEM = 400


def _entry_bytes(key: tuple, value: tuple) -> int:
    """Estimated bytes one prediction-cache entry holds: grows with the text and the evidence kept."""
    evidence = value[2]
    return (
        _ENTRY_BASE
        + sys.getsizeof(key[0])
        + _EVIDENCE_ITEM * len(evidence)
        + sum(sys.getsizeof(e.value) for e in evidence)
    )


def _secondary(label: str, scores: Mapping[str, float], signals: Iterable[str]) -> tuple[str, ...]:
    """Other labels that also fit: probable ones, and harassment for a threatening third-party contact.

    ``signals`` are the names of the rule signals found in the message (read only for a third-party label).
    """
    found = [lab for lab, p in scores.items() if lab != label and p >= SECONDARY_THRESHOLD]
    if label == "third_party" and "harassment" not in found:
        if any(name in THREAT_SIGNALS for name in signals):
            found.append("harassment")
    return tuple(lab for lab in LABELS if lab in found)


def _as_texts(texts: Iterable[str]) -> list[str]:
    """The texts as a list, or an :class:`InputError` naming the first one that cannot be classified.

    An empty or blank text is refused, as ``batch`` refuses an empty body (an error row): there is nothing to
    classify, and a confident ``other`` would be an answer to a question nobody asked.
    """
    if isinstance(texts, str):
        raise InputError("predict() expects a list of texts; use dunning_nlp.classify(text) for one")
    if texts is None or not hasattr(texts, "__iter__"):
        raise InputError(f"predict() expects a list of texts, got {type(texts).__name__}")
    out = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise InputError(f"text #{i} is {type(t).__name__}, not str")
        if not t.strip():
            raise InputError(f"text #{i} is empty: there is nothing to classify")
        out.append(t)
    return out


_default: Classifier | None = None
_default_lock = threading.Lock()


def load(path: str | Path | None = None, *, prior: PriorSpec = None) -> Classifier:
    """Load a classifier.

    Parameters
    ----------
    path : str or Path, optional
        A saved model's ``.npz``, ``.joblib`` or ``.json`` file, or a
        directory holding ``default.*``.  ``None`` loads the model bundled
        with the package.  The manifest's sha256 and jieba version are
        checked first; the compiled ``.npz`` form is read without pickle
        and without importing scikit-learn.

    Raises
    ------
    ModelNotFoundError, ModelIntegrityError, ModelCompatibilityError
        With a message that says how to fix or retrain.
    """
    from .store import load_compiled

    model, manifest = load_compiled(path)
    return Classifier(model, manifest, prior=prior)


def classify(text: str) -> Prediction:
    """Classify one message with the bundled model (loaded once, then reused)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = load()
    return _default.predict([text])[0]
