"""A fitted pipeline in plain arrays: loads without scikit-learn or pickle, predicts faster.

Training produces a scikit-learn :class:`~sklearn.pipeline.Pipeline`
(``normalise`` → ``features`` → ``clf``, the classifier a sigmoid
:class:`~sklearn.calibration.CalibratedClassifierCV` over linear models).
Everything it computes at prediction time is simple arithmetic: TF-IDF
weights of word and character n-grams, 0/1 signal columns, one linear score
per class and fold, a sigmoid per class, an average over folds.
:class:`CompiledModel` holds exactly those numbers — vocabularies, IDF
vectors, weights, intercepts and sigmoid parameters — and recomputes the same
probabilities with NumPy alone.

Why: importing scikit-learn takes about a second (it imports SciPy's
statistics package) and unpickling a pipeline another few hundred
milliseconds, which dominated the start-up of ``dunning-nlp classify`` and
of apps that import the library.  The compiled form loads from an ``.npz``
file with ``allow_pickle=False``, so loading a model no longer runs code
from the file either.  :func:`compile_pipeline` refuses pipelines it cannot
reproduce exactly; ``tests/test_compiled.py`` checks that compiled and
scikit-learn probabilities agree to 1e-9 on the whole corpus.

The weights only mean something for the features they were trained on, and
those are defined by code and data outside the file: the rule signals, the
normaliser's patterns and tables, the user dictionary, the OpenCC tables,
the tokenizer settings and the jieba and OpenCC versions.  :meth:`CompiledModel.save`
records a :func:`feature_fingerprint` of all of them, and :meth:`CompiledModel.load`
refuses a file whose fingerprint differs from this installation's
(:func:`check_feature_fingerprint`), with a message that says how to retrain:
a model must not run, silently wrong, under a version whose signals changed.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from types import ModuleType
from typing import IO, Any, Mapping, Sequence

import numpy as np

from ..errors import InputError, ModelCompatibilityError, ModelIntegrityError
from ..labels import LABELS
from ..text.normalize import normalize_text
from ..text.signals import SIGNALS, WARNED_CUES, WARNING, signal_columns
from ..text.segment import JiebaTokenizer

__all__ = ["CompiledModel", "FeatureRows", "compile_pipeline", "feature_fingerprint", "check_feature_fingerprint",
           "FORMAT_VERSION"]

#: Version of the ``.npz`` layout written by :meth:`CompiledModel.save`.
FORMAT_VERSION = 1
_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's character analyzer
_CHUNK = 256  # documents scored at once: bounds the (entries x classes*folds) temporary


@dataclass(frozen=True)
class FeatureRows:
    """Sparse feature rows in CSR layout (``indptr``, ``indices``, ``data``), without SciPy."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, values) of row ``i``."""
        lo, hi = self.indptr[i], self.indptr[i + 1]
        return self.indices[lo:hi], self.data[lo:hi]

    def row_ids(self) -> np.ndarray:
        """The row of every stored entry (aligned with ``indices`` and ``data``)."""
        return np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))


@dataclass
class _TextBlock:
    """One TF-IDF block: how to cut a text into terms and how to weight them."""

    name: str
    analyzer: str  # "word" or "char"
    ngram_range: tuple[int, int]
    lowercase: bool
    sublinear_tf: bool
    l2: bool
    terms: list[str]
    idf: np.ndarray | None
    offset: int = 0

    def __post_init__(self) -> None:
        self.vocabulary = {t: i + self.offset for i, t in enumerate(self.terms)}
        self._keys: tuple[np.ndarray, np.ndarray] | None = None
        if self.analyzer == "char" and self.ngram_range[1] <= _MAX_PACKED and all(self.terms):
            keys = _pack(self.terms)
            order = np.argsort(keys)
            self._keys = (keys[order], order.astype(np.intp) + self.offset)

    def counts(self, texts: Sequence[str], tokenizer: JiebaTokenizer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document, column, count) of every vocabulary term found in ``texts``."""
        if self._keys is not None:
            return self._char_counts(texts)
        docs: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        vocabulary = self.vocabulary
        for d, text in enumerate(texts):
            found = Counter(map(vocabulary.get, self.analyse(text, tokenizer)))
            found.pop(None, None)  # terms outside the vocabulary
            docs.extend([d] * len(found))
            cols.extend(found)
            counts.extend(found.values())
        return np.asarray(docs, dtype=np.intp), np.asarray(cols, dtype=np.intp), np.asarray(counts, dtype=np.float64)

    def analyse(self, text: str, tokenizer: JiebaTokenizer) -> list[str]:
        """The terms of ``text`` (as scikit-learn's analyzer for the same settings)."""
        lo, hi = self.ngram_range
        if self.analyzer == "char":
            text = self._prepare(text)
            grams = list(text) if lo == 1 else []
            for n in range(max(lo, 2), min(hi, len(text)) + 1):
                grams += [text[i:i + n] for i in range(len(text) - n + 1)]
            return grams
        tokens = tokenizer(text.lower() if self.lowercase else text)
        grams = list(tokens) if lo == 1 else []
        for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
            if n == 2:  # the common case (word bigrams), without a slice per pair
                grams += [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
            else:
                grams += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
        return grams

    def _prepare(self, text: str) -> str:
        return _WHITE_SPACES.sub(" ", text.lower() if self.lowercase else text)

    def _char_counts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Every character n-gram (n <= 3) of every text at once: each n-gram is packed into one integer
        # (21 bits per code point), looked up in the sorted packed vocabulary, and counted per document.
        prepared = [self._prepare(t) for t in texts]
        lengths = np.fromiter(map(len, prepared), dtype=np.intp, count=len(prepared))
        codes = _codes("".join(prepared))
        doc_of = np.repeat(np.arange(len(prepared)), lengths)
        left = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(codes))  # characters to the text's end
        keys_sorted, cols_sorted = self._keys
        found_docs, found_cols = [], []
        lo, hi = self.ngram_range
        for n in range(lo, hi + 1):
            at = np.flatnonzero(left >= n)
            key = codes[at]
            for k in range(1, n):
                key = (key << _BITS) | codes[at + k]
            pos = np.minimum(np.searchsorted(keys_sorted, key), len(keys_sorted) - 1)
            hit = keys_sorted[pos] == key
            found_docs.append(doc_of[at[hit]])
            found_cols.append(cols_sorted[pos[hit]])
        docs = np.concatenate(found_docs)
        cols = np.concatenate(found_cols)
        width = max(len(self.terms), 1)
        pairs, counts = np.unique(docs * width + (cols - self.offset), return_counts=True)
        return pairs // width, pairs % width + self.offset, counts.astype(np.float64)


_BITS = 21  # code points are below 0x110000 < 2**21; stored +1 so that no packed n-gram is 0
_MAX_PACKED = 3  # 3 * 21 = 63 bits


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64) + 1


def _pack(terms: list[str]) -> np.ndarray:
    """One integer per term of at most three characters; distinct terms get distinct integers."""
    lengths = np.fromiter(map(len, terms), dtype=np.intp, count=len(terms))
    codes = _codes("".join(terms))
    starts = np.cumsum(lengths) - lengths
    keys = np.zeros(len(terms), dtype=np.uint64)
    for k in range(int(lengths.max(initial=0))):
        longer = lengths > k
        keys[longer] = (keys[longer] << _BITS) | codes[starts[longer] + k]
    return keys


class CompiledModel:
    """Prediction-only form of a fitted pipeline (see the module docstring).

    Build one with :func:`compile_pipeline` or :meth:`load`; probabilities
    come in :data:`~dunning_nlp.labels.LABELS` order.
    """

    def __init__(self, *, normaliser: dict[str, bool], tokenizer: dict[str, Any], blocks: list[_TextBlock],
                 signal_weight: float, weights: np.ndarray, intercepts: np.ndarray, calibration: np.ndarray,
                 response: str, class_prior: Sequence[float] | None = None):
        self.normaliser = dict(normaliser)
        self.tokenizer = JiebaTokenizer(**tokenizer)
        self.blocks = blocks
        self.signal_weight = float(signal_weight)
        self.signal_offset = sum(len(b.terms) for b in blocks)
        self.n_features = self.signal_offset + len(SIGNALS)
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)  # (n_features, folds * classes)
        self.intercepts = np.asarray(intercepts, dtype=np.float64)  # (folds, classes)
        self.calibration = np.asarray(calibration, dtype=np.float64)  # (2, folds, classes): sigmoid a, b
        self.response = response  # "decision" (linear score) or "softmax" (naive Bayes probabilities)
        # Share of each label in the training data (LABELS order): the prior the calibration learned.
        self.class_prior = None if class_prior is None else np.asarray(class_prior, dtype=np.float64)
        self.n_folds, self.n_classes = self.intercepts.shape
        if self.weights.shape != (self.n_features, self.n_folds * self.n_classes) or self.n_classes != len(LABELS):
            raise ModelIntegrityError(f"compiled model arrays do not fit together: weights {self.weights.shape}, "
                                      f"{self.n_features} features, intercepts {self.intercepts.shape}")
        self._names: list[str] | None = None
        self._explain: np.ndarray | None = None

    # -- features ---------------------------------------------------------------------------------
    def normalise(self, texts: Sequence[str]) -> list[str]:
        """Normalised forms of raw texts, as the pipeline's ``normalise`` step."""
        return [normalize_text(t, **self.normaliser) for t in texts]

    def transform(self, normalised: Sequence[str]) -> FeatureRows:
        """Feature rows of normalised texts (word TF-IDF, character TF-IDF, signals)."""
        n = len(normalised)
        docs, cols, values = [], [], []
        for block in self.blocks:
            d, c, v = block.counts(normalised, self.tokenizer)
            if block.sublinear_tf:
                v = np.log(v) + 1
            if block.idf is not None:
                v = v * block.idf[c - block.offset]
            if block.l2 and len(v):
                v = v / np.sqrt(np.bincount(d, weights=v * v, minlength=n))[d]
            docs.append(d)
            cols.append(c)
            values.append(v)
        sig_docs, sig_cols = [], []
        for i, text in enumerate(normalised):
            found = signal_columns(text)
            sig_docs.extend([i] * len(found))
            sig_cols.extend(self.signal_offset + k for k in found)
        docs.append(np.asarray(sig_docs, dtype=np.intp))
        cols.append(np.asarray(sig_cols, dtype=np.intp))
        values.append(np.full(len(sig_docs), self.signal_weight))
        d = np.concatenate(docs)
        order = np.argsort(d, kind="stable")  # rows in document order, blocks in union order within a row
        indptr = np.concatenate([[0], np.cumsum(np.bincount(d, minlength=n))]).astype(np.intp)
        return FeatureRows(indptr, np.concatenate(cols)[order].astype(np.intp), np.concatenate(values)[order])

    # -- scores -----------------------------------------------------------------------------------
    def predict_proba_rows(self, rows: FeatureRows) -> np.ndarray:
        """(n, classes) calibrated probabilities of feature rows, averaged over folds."""
        n = len(rows.indptr) - 1
        out = np.empty((n, self.n_classes))
        for start in range(0, n, _CHUNK):
            stop = min(n, start + _CHUNK)
            out[start:stop] = self._proba_chunk(rows, start, stop)
        return out

    def _proba_chunk(self, rows: FeatureRows, start: int, stop: int) -> np.ndarray:
        lo, hi = rows.indptr[start], rows.indptr[stop]
        contrib = self.weights[rows.indices[lo:hi]] * rows.data[lo:hi, None]
        sums = np.zeros((stop - start, self.weights.shape[1]))
        lengths = np.diff(rows.indptr[start:stop + 1])
        nonempty = lengths > 0
        if nonempty.any():
            starts = (rows.indptr[start:stop] - lo)[nonempty]
            sums[nonempty] = np.add.reduceat(contrib, starts, axis=0)
        scores = sums.reshape(-1, self.n_folds, self.n_classes) + self.intercepts
        if self.response == "softmax":
            scores = np.exp(scores - scores.max(axis=2, keepdims=True))
            scores /= scores.sum(axis=2, keepdims=True)
        a, b = self.calibration
        proba = 1.0 / (1.0 + np.exp(a * scores + b))  # scikit-learn's expit(-(a*f + b))
        total = proba.sum(axis=2, keepdims=True)
        proba = np.divide(proba, total, out=np.full_like(proba, 1.0 / self.n_classes), where=total != 0)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba.mean(axis=1)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n, classes) probabilities of raw texts in :data:`LABELS` order."""
        return self.predict_proba_rows(self.transform(self.normalise(texts)))

    # -- explanation ------------------------------------------------------------------------------
    def feature_names(self) -> list[str]:
        """``words__…``, ``chars__…`` and ``signals__signal:…`` names, as scikit-learn's FeatureUnion."""
        if self._names is None:
            names = [f"{b.name}__{t}" for b in self.blocks for t in b.terms]
            self._names = names + [f"signals__signal:{s.name}" for s in SIGNALS]
        return self._names

    def explain_weights(self) -> np.ndarray:
        """(classes, n_features) weights averaged over folds and centred across classes.

        A feature's weight for a class says how much it favours that class over the others; evidence is
        value × weight.
        """
        if self._explain is None:
            mean = self.weights.reshape(self.n_features, self.n_folds, self.n_classes).mean(axis=1).T
            self._explain = mean - mean.mean(axis=0, keepdims=True)
        return self._explain

    # -- storage ----------------------------------------------------------------------------------
    def save(self, fh: IO[bytes]) -> None:
        """Write the model as a compressed ``.npz`` of plain arrays (it loads with ``allow_pickle=False``)."""
        config = {
            "format_version": FORMAT_VERSION,
            "labels": list(LABELS),
            "signals": [s.name for s in SIGNALS],
            "normaliser": self.normaliser,
            "tokenizer": vars(self.tokenizer),
            "signal_weight": self.signal_weight,
            "response": self.response,
            "class_prior": None if self.class_prior is None else self.class_prior.tolist(),
            "feature_fingerprint": feature_fingerprint(self.normaliser, vars(self.tokenizer)),
            "blocks": [{"name": b.name, "analyzer": b.analyzer, "ngram_range": list(b.ngram_range),
                        "lowercase": b.lowercase, "sublinear_tf": b.sublinear_tf, "l2": b.l2,
                        "idf": b.idf is not None} for b in self.blocks],
        }
        arrays = {"config": np.array(json.dumps(config, ensure_ascii=False)), "weights": self.weights,
                  "intercepts": self.intercepts, "calibration": self.calibration}
        for b in self.blocks:
            # One UTF-8 blob plus offsets: exact for any term, unlike a fixed-width unicode array.
            encoded = [t.encode("utf-8") for t in b.terms]
            arrays[f"{b.name}_terms"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
            arrays[f"{b.name}_ends"] = np.cumsum([len(e) for e in encoded], dtype=np.int64)
            if b.idf is not None:
                arrays[f"{b.name}_idf"] = b.idf
        np.savez_compressed(fh, **arrays)

    @classmethod
    def load(cls, source: str | Path | IO[bytes]) -> "CompiledModel":
        """Read a model written by :meth:`save`; never unpickles anything.

        Raises :class:`~dunning_nlp.errors.ModelCompatibilityError` when the file's feature fingerprint is
        missing or differs from this installation's (see :func:`check_feature_fingerprint`).
        """
        try:
            with np.load(source, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            config = json.loads(str(arrays["config"]))
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise ModelIntegrityError(f"{source}: not a readable compiled model ({exc})") from exc
        if config.get("format_version") != FORMAT_VERSION:
            raise ModelIntegrityError(f"{source}: compiled model format {config.get('format_version')}, this "
                                      f"version reads {FORMAT_VERSION}")
        if config.get("labels") != list(LABELS) or config.get("signals") != [s.name for s in SIGNALS]:
            raise ModelIntegrityError(f"{source}: labels or rule signals differ from this version's")
        check_feature_fingerprint(config, source)
        blocks, offset = [], 0
        for spec in config["blocks"]:
            blob = arrays[f"{spec['name']}_terms"].tobytes()
            ends = arrays[f"{spec['name']}_ends"].tolist()
            terms = [blob[s:e].decode("utf-8") for s, e in zip([0] + ends[:-1], ends)]
            blocks.append(_TextBlock(spec["name"], spec["analyzer"], tuple(spec["ngram_range"]), spec["lowercase"],
                                     spec["sublinear_tf"], spec["l2"], terms,
                                     arrays[f"{spec['name']}_idf"] if spec["idf"] else None, offset))
            offset += len(terms)
        return cls(normaliser=config["normaliser"], tokenizer=config["tokenizer"], blocks=blocks,
                   signal_weight=config["signal_weight"], weights=arrays["weights"], intercepts=arrays["intercepts"],
                   calibration=arrays["calibration"], response=config["response"],
                   class_prior=config.get("class_prior"))


def compile_pipeline(pipeline, class_prior: Any = None) -> CompiledModel:
    """Turn a fitted ``normalise → features → clf`` pipeline into a :class:`CompiledModel`.

    ``class_prior`` (a mapping label → share, or a sequence in :data:`LABELS` order) is the training
    data's class mix, recorded so that scores can be shifted to a deployment prior.

    Supported: the features made by :func:`dunning_nlp.train.features.build_features` (any n-gram ranges,
    ``min_df``, ``max_features`` or signal weight; no ``transformer_weights``, no ``'drop'`` block) and a sigmoid ``CalibratedClassifierCV`` over a linear
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
        blocks.append(_TextBlock(name, est.analyzer, tuple(est.ngram_range), bool(est.lowercase),
                                 bool(est.sublinear_tf), est.norm == "l2", terms, idf, offset))
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
            raise InputError(f"cannot compile: {type(est).__name__} has {coef.shape[1]} weights per class, "
                             f"features give {n_features}")
        for c, (cls, calibrator) in enumerate(zip(est_classes, member.calibrators)):
            j = LABELS.index(cls)
            weights[:, f, j] = coef[c]
            intercepts[f, j] = intercept[c]
            calibration[:, f, j] = (calibrator.a_, calibrator.b_)
    return CompiledModel(normaliser=normaliser, tokenizer=tokenizer, blocks=blocks, signal_weight=signal_weight,
                         weights=weights.reshape(n_features, -1), intercepts=intercepts, calibration=calibration,
                         response="softmax" if is_nb[0] else "decision",
                         class_prior=[class_prior[lab] for lab in LABELS] if isinstance(class_prior, dict) else class_prior)


def _check_vectorizer(name: str, est) -> None:
    problems = [f"{attr}={getattr(est, attr)!r}" for attr, ok in (
        ("analyzer", est.analyzer in ("word", "char")),
        ("preprocessor", est.preprocessor is None),
        ("strip_accents", est.strip_accents is None),
        ("stop_words", est.stop_words is None),
        ("binary", not est.binary),
        ("norm", est.norm in ("l2", None)),
        ("tokenizer", est.analyzer != "word" or isinstance(est.tokenizer, JiebaTokenizer)),
    ) if not ok]
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
        raise InputError(f"cannot compile features {type(union).__name__}; expected a FeatureUnion of TF-IDF blocks "
                         f"and 'signals'")
    weights = getattr(union, "transformer_weights", None) or {}
    scaled = {name: w for name, w in weights.items() if w != 1}
    if scaled:
        raise InputError(f"cannot compile a FeatureUnion with transformer_weights {scaled}: the compiled model does "
                         f"not scale blocks; refit without transformer_weights (use signal_weight for the signals)")
    for name, est in blocks:
        if est is None or isinstance(est, str):
            raise InputError(f"cannot compile feature block {name!r}: it is {est!r}, not a fitted transformer; "
                             f"remove the block from the FeatureUnion and refit")


# -- feature fingerprint ---------------------------------------------------------------------------------
_RETRAIN = ("retrain it with `dunning-nlp train -o {directory} --name {name}` (with the --data/--extra files it "
            "was trained on), or use a model saved by this version")
_VERSION_PARTS = ("jieba", "opencc_version")


def feature_fingerprint(normaliser: Mapping[str, Any], tokenizer: Mapping[str, Any]) -> dict[str, Any]:
    """sha256 over everything outside a model file that decides which features a text gets.

    ``normaliser`` and ``tokenizer`` are the model's options (``CompiledModel.normaliser`` and the
    tokenizer's attributes).  Returns ``{"sha256": …, "parts": {…}}`` with one entry per part, so that a
    mismatch can say what changed:

    ``signals``
        name, pattern and flags of every rule signal (:data:`dunning_nlp.text.signals.SIGNALS`) and the cues a
        warning negates (:data:`~dunning_nlp.text.signals.WARNED_CUES`, :data:`~dunning_nlp.text.signals.WARNING`);
    ``normaliser``
        every pattern and table of :mod:`dunning_nlp.text.normalize` and the model's normaliser options;
    ``userdict``
        the bytes of the domain dictionary ``resources/userdict.txt``;
    ``opencc``
        the OpenCC configuration the normaliser converts with and the dictionaries it names;
    ``tokenizer``
        the tokenizer settings (the back-end *setting*: ``auto`` stays valid whichever back-end is
        installed) and the token filter;
    ``jieba``, ``opencc_version``
        the library versions, as plain version strings.

    The digest is the same in every process: sets and dicts are sorted (``tests/test_model_file_safety.py``
    checks it under another ``PYTHONHASHSEED``).
    """
    parts = dict(_static_parts())
    parts["normaliser"] = _digest({"rules": parts.pop("normaliser_rules"), "options": dict(normaliser)})
    parts["tokenizer"] = _digest({"settings": dict(tokenizer), "filter": parts.pop("tokenizer_rules")})
    parts = dict(sorted(parts.items()))
    return {"sha256": _digest(parts), "parts": parts}


def check_feature_fingerprint(config: Mapping[str, Any], source: Any) -> None:
    """Refuse a compiled model whose features were defined otherwise than this installation defines them.

    The one place where the fingerprint is checked (:meth:`CompiledModel.load` calls it).  Raises
    :class:`~dunning_nlp.errors.ModelCompatibilityError` naming the parts that changed and how to retrain.
    """
    stored = config.get("feature_fingerprint")
    retrain = _retrain_hint(source)
    if not isinstance(stored, dict) or not isinstance(stored.get("sha256"), str):
        raise ModelCompatibilityError(
            f"{source}: the model records no feature fingerprint (it was saved by an older dunning_nlp), so this "
            f"version cannot check that its signals, normaliser rules, dictionary and tokenizer are the ones its "
            f"weights were trained on — {retrain}")
    here = feature_fingerprint(config.get("normaliser", {}), config.get("tokenizer", {}))
    if stored["sha256"] == here["sha256"]:
        return
    before = stored.get("parts") if isinstance(stored.get("parts"), dict) else {}
    changed = [_describe_change(part, before.get(part), now) for part, now in here["parts"].items()
               if before.get(part) != now] or ["the fingerprint"]
    raise ModelCompatibilityError(
        f"{source}: the model's features were defined differently when it was saved ({', '.join(changed)} "
        f"changed since), so its weights do not fit the features this version computes — {retrain}")


def _describe_change(part: str, before: Any, now: str) -> str:
    if part in _VERSION_PARTS:
        return f"{part.replace('_version', '')} {before or '?'} → {now}"
    return part


def _retrain_hint(source: Any) -> str:
    if isinstance(source, (str, Path)):
        path = Path(source)
        return _RETRAIN.format(directory=path.parent, name=path.stem)
    return _RETRAIN.format(directory="DIR", name="NAME")


@lru_cache(maxsize=1)
def _static_parts() -> tuple[tuple[str, str], ...]:
    """The parts that do not depend on a model's options, computed once per process."""
    from ..text import normalize, segment

    return (
        ("signals", _digest([[s.name, _canonical(s.pattern)] for s in SIGNALS]
                            + [["warned", list(WARNED_CUES), _canonical(WARNING)]])),
        ("normaliser_rules", _digest(_module_tables(normalize))),
        ("tokenizer_rules", _digest(_canonical(segment._DROP_RE))),
        ("userdict", hashlib.sha256((files("dunning_nlp") / "resources" / "userdict.txt").read_bytes()).hexdigest()),
        ("opencc", _opencc_digest(normalize._t2s().conversion)),
        ("jieba", _library_version("jieba", "jieba")),
        ("opencc_version", _library_version("opencc-python-reimplemented", "opencc")),
    )


def _module_tables(module: ModuleType) -> dict[str, Any]:
    """Every module-level pattern, string, number and table of ``module`` (not its functions), canonical.

    Read from the module rather than listed by hand, so that a rule added to the normaliser is covered
    without anyone remembering to add it here.
    """
    kinds = (re.Pattern, str, bytes, int, float, dict, list, tuple, set, frozenset, enum.Enum)
    return {name: _canonical(value) for name, value in sorted(vars(module).items())
            if not name.startswith("__") and (isinstance(value, kinds) or _is_dataclass_instance(value))}


def _is_dataclass_instance(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _canonical(value: Any) -> Any:
    """A JSON value that is the same for equal tables in every process (sets and dicts sorted)."""
    if isinstance(value, re.Pattern):
        pattern = value.pattern
        return {"re": pattern if isinstance(pattern, str) else pattern.hex(), "flags": int(value.flags)}
    if isinstance(value, enum.Enum):
        return {"enum": type(value).__qualname__, "value": _canonical(value.value)}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, dict):
        items = [[_canonical(k), _canonical(v)] for k, v in value.items()]
        return {"dict": sorted(items, key=lambda kv: _json(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return {"set": sorted((_canonical(v) for v in value), key=_json)}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if _is_dataclass_instance(value):
        return {"dataclass": type(value).__qualname__,
                "fields": {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if callable(value):  # a rule's replacement function: its name (its code is the package version's), not
        # the module it lives in, so that moving a module does not invalidate every saved model
        return {"callable": getattr(value, "__qualname__", type(value).__qualname__)}
    text = repr(value)
    return {"object": type(value).__qualname__ if " at 0x" in text else text}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _digest(value: Any) -> str:
    return hashlib.sha256(_json(value).encode("utf-8", "surrogatepass")).hexdigest()


def _opencc_digest(conversion: str) -> str:
    """sha256 of an OpenCC configuration and of every dictionary file it names, in order."""
    h = hashlib.sha256()
    try:
        root = files("opencc")
        config = (root / "config" / f"{conversion}.json").read_bytes()
        h.update(config)
        for name in _dictionary_files(json.loads(config)):
            data = (root / "dictionary" / name).read_bytes()
            h.update(f"\0{name}\0{len(data)}\0".encode())
            h.update(data)
    except (OSError, ValueError, ModuleNotFoundError) as exc:  # another OpenCC layout: its version still counts
        h.update(f"unreadable:{conversion}:{type(exc).__name__}".encode())
    return h.hexdigest()


def _dictionary_files(config: Any) -> list[str]:
    """The ``file`` entries of an OpenCC configuration, in order of appearance."""
    if isinstance(config, dict):
        found = [config["file"]] if isinstance(config.get("file"), str) else []
        return found + [f for key, v in config.items() if key != "file" for f in _dictionary_files(v)]
    if isinstance(config, list):
        return [f for v in config for f in _dictionary_files(v)]
    return []


def _library_version(distribution: str, module: str) -> str:
    """Installed version of a library, from its metadata (without importing it when possible)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        import importlib

        try:
            return str(getattr(importlib.import_module(module), "__version__", "unknown"))
        except ImportError:
            return "missing"
