"""The scikit-learn transformers around the package's pure text functions.

:class:`TextNormalizer` wraps :func:`dunning_nlp.text.normalize.normalize_text`
and :class:`SignalFeaturizer` wraps :data:`dunning_nlp.text.signals.SIGNALS`, so
that both can be pipeline steps for training and cross-validation.  They
live apart from the functions they wrap because importing scikit-learn costs
about a second: prediction with a saved model
(:mod:`dunning_nlp.model.compiled`) never needs this module.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from ..text.normalize import normalize_text
from ..text.signals import SIGNALS, signal_columns

__all__ = ["StringTransformerTags", "TextNormalizer", "SignalFeaturizer"]


#: The options of :func:`~dunning_nlp.text.normalize.normalize_text` this transformer sets.
_OPTIONS = ("traditional", "deobfuscate", "placeholders", "compact")


class StringTransformerTags:
    """Mixin for stateless transformers over 1-d sequences of strings: no fit needed, strings in."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


class TextNormalizer(StringTransformerTags, TransformerMixin, BaseEstimator):
    """Normalise raw SMS texts for the feature extractors (stateless).

    Parameters
    ----------
    traditional, deobfuscate, placeholders : bool, default=True
        See :func:`normalize_text`.
    compact : bool, default=False
        One private-use character per placeholder (see :func:`normalize_text`);
        the project's pipelines set it so that character n-grams never run over
        placeholder names.

    Examples
    --------
    >>> TextNormalizer().fit_transform(["逾 期 ３ 天"]).tolist()
    ['逾期 ⟪NUM⟫ 天']
    """

    def __init__(
        self, traditional: bool = True, deobfuscate: bool = True, placeholders: bool = True, compact: bool = False
    ):
        self.traditional = traditional
        self.deobfuscate = deobfuscate
        self.placeholders = placeholders
        self.compact = compact

    def fit(self, X: Iterable[str], y=None) -> TextNormalizer:
        """Check the options; nothing is learned."""
        for name in _OPTIONS:
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"TextNormalizer.{name} must be a bool, got {getattr(self, name)!r}")
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        """Return a 1-d object array of normalised strings (repeated texts are normalised once)."""
        if isinstance(X, str):
            raise ValueError("TextNormalizer expects an iterable of str, not a single str")
        options = {name: bool(getattr(self, name, False)) for name in _OPTIONS}
        return np.array([normalize_text(x if isinstance(x, str) else str(x), **options) for x in X], dtype=object)


class SignalFeaturizer(StringTransformerTags, TransformerMixin, BaseEstimator):
    """One 0/1 column per signal in :data:`SIGNALS` (stateless).

    Parameters
    ----------
    weight : float, default=1.0
        Value written for a present signal; scales these columns against
        the TF-IDF blocks.
    """

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, X: Iterable[str], y=None) -> SignalFeaturizer:
        """Validate ``weight``; nothing is learned."""
        if not isinstance(self.weight, (int, float)) or self.weight <= 0:
            raise ValueError(f"SignalFeaturizer.weight must be a positive number, got {self.weight!r}")
        self.n_features_out_ = len(SIGNALS)
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        """Return a sparse (n_samples, n_signals) matrix."""
        rows, cols = [], []
        n = 0
        for n, text in enumerate(X, 1):
            found = signal_columns(text)
            rows.extend([n - 1] * len(found))
            cols.extend(found)
        data = np.full(len(rows), float(self.weight))
        return sp.csr_matrix((data, (rows, cols)), shape=(n, len(SIGNALS)))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``signal:<name>`` in table order."""
        return np.array([f"signal:{s.name}" for s in SIGNALS], dtype=object)
