"""Training layer: corpus, scikit-learn steps, fitting, metrics and real-set evaluation.

Needs the ``[train]`` extra (scikit-learn, joblib).  :mod:`~dunning_nlp.train.training` is what
``dunning-nlp train`` / ``evaluate`` and the notebooks call; :mod:`~dunning_nlp.train.real_eval` measures a
model on folders of real labelled SMS.
"""

from __future__ import annotations

import importlib.util

from ..errors import InputError

__all__ = ["FAMILIES", "TRAIN_EXTRA", "require_train_extra"]

#: The model families training compares (and ``train --family`` accepts); importable without scikit-learn.
FAMILIES: tuple[str, ...] = ("logreg", "linear_svm", "complement_nb", "sgd_huber")

#: The libraries training needs beyond prediction's, installed by ``pip install 'dunning-nlp[train]'``.
TRAIN_EXTRA: tuple[tuple[str, str], ...] = (("sklearn", "scikit-learn"), ("joblib", "joblib"), ("scipy", "scipy"))


def require_train_extra() -> None:
    """Raise a one-line :class:`~dunning_nlp.errors.InputError` naming the extra when a training library is missing.

    Prediction, ``batch`` and ``report`` need none of them, so a plain install does not bring them.
    """
    missing = [dist for module, dist in TRAIN_EXTRA if importlib.util.find_spec(module) is None]
    if missing:
        raise InputError(f"training and corpus evaluation need {', '.join(missing)}: pip install 'dunning-nlp[train]'")
