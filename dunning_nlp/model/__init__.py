"""Model layer: a compiled classifier and what it returns.

:mod:`~dunning_nlp.model.classifier` (:class:`Classifier`, :class:`Prediction`, :func:`load`,
:func:`classify`), :mod:`~dunning_nlp.model.compiled` (the NumPy predictor, the scikit-learn compiler and the
feature fingerprint), :mod:`~dunning_nlp.model.prior`, :mod:`~dunning_nlp.model.gate`,
:mod:`~dunning_nlp.model.evidence` and :mod:`~dunning_nlp.model.store` (files and manifests).  Prediction
imports neither scikit-learn nor SciPy.  Depends on :mod:`dunning_nlp.text`, never on the layers above.
"""
