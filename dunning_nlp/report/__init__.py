"""Report layer: the evidence report a borrower files with a complaint.

:mod:`~dunning_nlp.report.flags` (conduct flags, codes only), :mod:`~dunning_nlp.report.platforms` (who sent
it), :mod:`~dunning_nlp.report.build` (the report's data), :mod:`~dunning_nlp.report.html`,
:mod:`~dunning_nlp.report.pdf` and :mod:`~dunning_nlp.report.i18n` (every displayed string, per language).
"""
