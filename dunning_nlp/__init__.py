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
trained or trust (see :mod:`dunning_nlp.model.store`).
"""

from __future__ import annotations

from ._version import __version__
from .errors import (
    ColumnError,
    DataError,
    DunningNLPError,
    InputError,
    InputFileError,
    ModelCompatibilityError,
    ModelError,
    ModelIntegrityError,
    ModelNotFoundError,
    UnknownFormatError,
)
from .labels import LABELS, Label
from .model.classifier import Classifier, Evidence, Prediction, classify, load
from .text.normalize import normalize_text
from .text.segment import JiebaTokenizer, tokenize

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


def __getattr__(name: str):
    # TextNormalizer is a scikit-learn transformer: imported on first use so
    # that ``import dunning_nlp`` and prediction never load scikit-learn.
    if name == "TextNormalizer":
        from .train.steps import TextNormalizer

        return TextNormalizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
