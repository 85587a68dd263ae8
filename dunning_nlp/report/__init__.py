"""Report layer: the evidence report a borrower files with a complaint.

:mod:`~dunning_nlp.report.flags` (what the report asserts about each message, as codes: where it stands, its
flags, the rules and channels behind them), :mod:`~dunning_nlp.report.platforms` (who sent it, as the message
names it), :mod:`~dunning_nlp.report.build` (typed :class:`~dunning_nlp.report.build.Report` from typed rows;
CSV and JSON), :mod:`~dunning_nlp.report.wording` (the complaint and scam paragraphs),
:mod:`~dunning_nlp.report.html`, :mod:`~dunning_nlp.report.pdf` and :mod:`~dunning_nlp.report.i18n` (every
displayed word, per language).  Imports go one way: flags → platforms; wording → flags, i18n; build → flags,
platforms, wording; html → build, wording; nothing imports html or pdf but
:func:`~dunning_nlp.report.build.write_report`.
"""
