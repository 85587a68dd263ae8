"""Text layer: what a message says, before any model.

:mod:`~dunning_nlp.text.normalize` (Unicode, OpenCC, dodges, placeholders), :mod:`~dunning_nlp.text.segment`
(jieba with the domain dictionary) and :mod:`~dunning_nlp.text.signals` (the named rule signals).  Depends
only on :mod:`dunning_nlp.errors`, :mod:`dunning_nlp.labels` and the private infrastructure modules.
"""
