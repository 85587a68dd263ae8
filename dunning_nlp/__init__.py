"""dunning_nlp: tell lawful debt reminders from harassment, third-party contact and scams in Chinese SMS.

Quick start::

    import dunning_nlp
    pred = dunning_nlp.classify("您好，您在XX借款已逾期3天，请今日还款")
    pred.label      # 'reminder'
    pred.scores     # {'reminder': 0.93, 'harassment': 0.01, ...}, sums to 1
    pred.evidence   # the words and rule signals behind the label

    clf = dunning_nlp.load()            # bundled model; load(path) for your own
    clf.predict(["...", "..."])         # many at once is much faster

Everything runs offline.  :func:`load` reads a model's compiled ``.npz``
form (plain arrays, no pickle, no scikit-learn import); the ``.joblib``
pipeline beside it is a pickle and so is code: load that only for models you
trained or trust (see :mod:`dunning_nlp.persistence`).
"""

from __future__ import annotations

import threading
from pathlib import Path

from ._version import __version__
from .errors import (ColumnError, DataError, DunningNLPError, InputError, InputFileError, ModelCompatibilityError,
                     ModelError, ModelIntegrityError, ModelNotFoundError, UnknownFormatError)
from .labels import LABELS, Label
from .model import Classifier, Evidence, Prediction
from .normalise import normalize_text
from .prior import PriorSpec
from .tokenise import JiebaTokenizer, tokenize

__all__ = [
    "__version__",
    "LABELS",
    "Label",
    "load",
    "classify",
    "Classifier",
    "Prediction",
    "Evidence",
    "normalize_text",
    "TextNormalizer",
    "tokenize",
    "JiebaTokenizer",
    "DunningNLPError",
    "ModelError",
    "ModelNotFoundError",
    "ModelIntegrityError",
    "ModelCompatibilityError",
    "InputError",
    "UnknownFormatError",
    "ColumnError",
    "InputFileError",
    "DataError",
]

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
    from .persistence import load_compiled

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


def __getattr__(name: str):
    # TextNormalizer is a scikit-learn transformer: imported on first use so
    # that ``import dunning_nlp`` and prediction never load scikit-learn.
    if name == "TextNormalizer":
        from .transformers import TextNormalizer

        return TextNormalizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
