"""The bundled default model.

This folder is installed as the package ``dunning_nlp.models`` (see
``package_dir`` in setup.cfg), so ``default.joblib`` and its manifest
``default.json`` ship inside every installation and are read with
importlib.resources.  Regenerate them with ``dunning-nlp train -o models/``.
"""
