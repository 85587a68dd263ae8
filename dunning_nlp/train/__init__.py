"""Training layer: corpus, scikit-learn steps, fitting, metrics and real-set evaluation.

Needs the ``[train]`` extra (scikit-learn, joblib).  :mod:`~dunning_nlp.train.training` is what
``dunning-nlp train`` / ``evaluate`` and the notebooks call; :mod:`~dunning_nlp.train.real_eval` measures a
model on folders of real labelled SMS.
"""
