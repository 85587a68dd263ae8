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
reproduce exactly; ``tests/model/test_compiled.py`` checks that compiled and
scikit-learn probabilities agree to 1e-9 on the whole corpus.

The weights only mean something for the features they were trained on, and
those are defined by code and data outside the file: the rule signals, the
normaliser's patterns and tables, the user dictionary, the OpenCC tables,
the tokenizer settings and the jieba and OpenCC versions.  :meth:`CompiledModel.save`
records a :func:`~dunning_nlp.model.fingerprint.feature_fingerprint` of all of them, and :meth:`CompiledModel.load`
refuses a file whose fingerprint differs from this installation's
(:func:`~dunning_nlp.model.fingerprint.check_feature_fingerprint`), with a message that says how to retrain:
a model must not run, silently wrong, under a version whose signals changed.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import numpy as np

from ..errors import ModelIntegrityError
from ..labels import LABELS
from ..text.normalize import normalize_text
from ..text.segment import JiebaTokenizer
from ..text.signals import SIGNALS, signal_columns
from .fingerprint import check_feature_fingerprint, feature_fingerprint

__all__ = ["CompiledModel", "FeatureRows", "TextBlock", "FORMAT_VERSION"]

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
class TextBlock:
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
            return self._char_counts(texts, self._keys)
        docs: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        vocabulary = self.vocabulary
        for d, text in enumerate(texts):
            found = Counter(map(vocabulary.get, self.analyse(text, tokenizer)))
            found.pop(None, None)  # terms outside the vocabulary
            docs.extend([d] * len(found))
            cols.extend(cast("Counter[int]", found))  # None was popped just above
            counts.extend(found.values())
        return np.asarray(docs, dtype=np.intp), np.asarray(cols, dtype=np.intp), np.asarray(counts, dtype=np.float64)

    def analyse(self, text: str, tokenizer: JiebaTokenizer) -> list[str]:
        """The terms of ``text`` (as scikit-learn's analyzer for the same settings)."""
        lo, hi = self.ngram_range
        if self.analyzer == "char":
            text = self._prepare(text)
            grams = list(text) if lo == 1 else []
            for n in range(max(lo, 2), min(hi, len(text)) + 1):
                grams += [text[i : i + n] for i in range(len(text) - n + 1)]
            return grams
        tokens = tokenizer(text.lower() if self.lowercase else text)
        grams = list(tokens) if lo == 1 else []
        for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
            if n == 2:  # the common case (word bigrams), without a slice per pair
                grams += [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
            else:
                grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return grams

    def _prepare(self, text: str) -> str:
        return _WHITE_SPACES.sub(" ", text.lower() if self.lowercase else text)

    def _char_counts(
        self, texts: Sequence[str], keys: tuple[np.ndarray, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Every character n-gram (n <= 3) of every text at once: each n-gram is packed into one integer
        # (21 bits per code point), looked up in the sorted packed vocabulary, and counted per document.
        prepared = [self._prepare(t) for t in texts]
        lengths = np.fromiter(map(len, prepared), dtype=np.intp, count=len(prepared))
        codes = _codes("".join(prepared))
        doc_of = np.repeat(np.arange(len(prepared)), lengths)
        left = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(codes))  # characters to the text's end
        keys_sorted, cols_sorted = keys
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

    def __init__(
        self,
        *,
        normaliser: dict[str, bool],
        tokenizer: dict[str, Any],
        blocks: list[TextBlock],
        signal_weight: float,
        weights: np.ndarray,
        intercepts: np.ndarray,
        calibration: np.ndarray,
        response: str,
        class_prior: Sequence[float] | None = None,
        gate_taught: Sequence[str] = (),
    ):
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
        # Normalised training texts with a collection label that the debt-context gate would close on: what the
        # labelled data taught the gate (dunning_nlp.model.gate.TaughtGate).
        self.gate_taught = tuple(str(t) for t in gate_taught)
        self.n_folds, self.n_classes = self.intercepts.shape
        if self.weights.shape != (self.n_features, self.n_folds * self.n_classes) or self.n_classes != len(LABELS):
            raise ModelIntegrityError(
                f"compiled model arrays do not fit together: weights {self.weights.shape}, "
                f"{self.n_features} features, intercepts {self.intercepts.shape}"
            )
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
        sig_docs: list[int] = []
        sig_cols: list[int] = []
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
        lengths = np.diff(rows.indptr[start : stop + 1])
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
            "gate_taught": list(self.gate_taught),
            "feature_fingerprint": feature_fingerprint(self.normaliser, vars(self.tokenizer)),
            "blocks": [
                {
                    "name": b.name,
                    "analyzer": b.analyzer,
                    "ngram_range": list(b.ngram_range),
                    "lowercase": b.lowercase,
                    "sublinear_tf": b.sublinear_tf,
                    "l2": b.l2,
                    "idf": b.idf is not None,
                }
                for b in self.blocks
            ],
        }
        arrays = {
            "config": np.array(json.dumps(config, ensure_ascii=False)),
            "weights": self.weights,
            "intercepts": self.intercepts,
            "calibration": self.calibration,
        }
        for b in self.blocks:
            # One UTF-8 blob plus offsets: exact for any term, unlike a fixed-width unicode array.
            encoded = [t.encode("utf-8") for t in b.terms]
            arrays[f"{b.name}_terms"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
            arrays[f"{b.name}_ends"] = np.cumsum([len(e) for e in encoded], dtype=np.int64)
            if b.idf is not None:
                arrays[f"{b.name}_idf"] = b.idf
        np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]  # mypy matches **arrays against allow_pickle too

    @classmethod
    def load(cls, source: str | Path | IO[bytes]) -> CompiledModel:
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
            raise ModelIntegrityError(
                f"{source}: compiled model format {config.get('format_version')}, this version reads {FORMAT_VERSION}"
            )
        if config.get("labels") != list(LABELS) or config.get("signals") != [s.name for s in SIGNALS]:
            raise ModelIntegrityError(f"{source}: labels or rule signals differ from this version's")
        check_feature_fingerprint(config, source)
        problem = _config_problem(config, arrays)
        if problem:
            raise ModelIntegrityError(f"{source}: not a model this version wrote ({problem}); retrain it")
        try:
            return cls._from_arrays(config, arrays)
        except (KeyError, TypeError, ValueError, IndexError, UnicodeDecodeError) as exc:
            raise ModelIntegrityError(
                f"{source}: not a model this version wrote ({type(exc).__name__}: {str(exc)[:200]}); retrain it"
            ) from exc

    @classmethod
    def _from_arrays(cls, config: dict[str, Any], arrays: dict[str, np.ndarray]) -> CompiledModel:
        blocks, offset = [], 0
        for spec in config["blocks"]:
            blob = arrays[f"{spec['name']}_terms"].tobytes()
            ends = arrays[f"{spec['name']}_ends"].tolist()
            terms = [blob[s:e].decode("utf-8") for s, e in zip([0] + ends[:-1], ends)]
            blocks.append(
                TextBlock(
                    spec["name"],
                    spec["analyzer"],
                    tuple(spec["ngram_range"]),
                    spec["lowercase"],
                    spec["sublinear_tf"],
                    spec["l2"],
                    terms,
                    arrays[f"{spec['name']}_idf"] if spec["idf"] else None,
                    offset,
                )
            )
            offset += len(terms)
        return cls(
            normaliser=config["normaliser"],
            tokenizer=config["tokenizer"],
            blocks=blocks,
            signal_weight=config["signal_weight"],
            weights=arrays["weights"],
            intercepts=arrays["intercepts"],
            calibration=arrays["calibration"],
            response=config["response"],
            class_prior=config.get("class_prior"),
            gate_taught=config.get("gate_taught") or (),
        )


#: What a model file may set, and the bounds a crafted file could otherwise abuse (a 100,000-character n-gram
#: range costs gigabytes on one message).
_NORMALISER_OPTIONS = frozenset({"traditional", "deobfuscate", "placeholders", "compact"})
_TOKENIZER_OPTIONS = frozenset({"userdict", "lowercase", "keep_punct", "hmm", "backend"})
_MAX_NGRAM = 8


def _config_problem(config: Any, arrays: dict[str, np.ndarray]) -> str:
    """What makes a compiled model's config or arrays unusable ('' when nothing does)."""
    if not isinstance(config, dict):
        return "config is not an object"
    normaliser, tokenizer, blocks = config.get("normaliser"), config.get("tokenizer"), config.get("blocks")
    if (
        not isinstance(normaliser, dict)
        or not set(normaliser) <= _NORMALISER_OPTIONS
        or not all(isinstance(v, bool) for v in normaliser.values())
    ):
        return "unknown normaliser options"
    if not isinstance(tokenizer, dict) or not set(tokenizer) <= _TOKENIZER_OPTIONS:
        return "unknown tokenizer options"
    if not isinstance(blocks, list) or not blocks or not all(isinstance(b, dict) for b in blocks):
        return "blocks is not a list of feature blocks"
    for b in blocks:
        low_high = b.get("ngram_range")
        if (
            not isinstance(low_high, list)
            or len(low_high) != 2
            or not all(isinstance(n, int) for n in low_high)
            or not 1 <= low_high[0] <= low_high[1] <= _MAX_NGRAM
        ):
            return f"n-gram range {low_high!r} outside 1..{_MAX_NGRAM}"
    if config.get("response") not in ("decision", "softmax"):
        return "unknown response"
    for name, ndim in (("weights", 2), ("intercepts", 2), ("calibration", 3)):
        array = arrays.get(name)
        if array is None or array.ndim != ndim or not np.issubdtype(array.dtype, np.number):
            return f"{name} is not a {ndim}-D numeric array"
    if not (np.isfinite(arrays["weights"]).all() and np.isfinite(arrays["intercepts"]).all()):
        return "weights that are not finite numbers"
    if np.isnan(arrays["calibration"]).any():
        return "calibration that is not a number"
    prior = config.get("class_prior")
    if prior is not None and (
        not isinstance(prior, list)
        or len(prior) != len(LABELS)
        or not all(isinstance(p, (int, float)) and math.isfinite(p) and p > 0 for p in prior)
    ):
        return "a class prior that is not a positive share per label"
    taught = config.get("gate_taught", [])
    if taught is not None and (not isinstance(taught, list) or not all(isinstance(t, str) for t in taught)):
        return "taught gate texts that are not strings"
    return ""
