"""The debt-context gate: no collection label without a debt.

A linear model adds evidence up; it cannot require two things at once.  On
real traffic that made ``harassment`` fire on any emotive sentence (news
about the police, a quarrel, a song) and ``third_party`` on ads that mention
family.  The labelling guide's three collection labels all describe a
message *about a debt*, so the classifier applies that definition as a rule
after scoring: when the normalised text has no debt vocabulary (the ``debt``
signal in :mod:`dunning_nlp.text.signals`: 欠, 借, 贷, 还款, 逾期, 账单, 征信 …),
the probability of ``reminder``, ``harassment`` and ``third_party`` moves to
``other``.  ``fraud`` is not gated: a scam need not mention a debt.

The rule is deliberately broad (a single 欠 or 借 opens the gate) so that it
removes only messages that cannot be collection; the model decides the rest.
One kind of collection names no debt on purpose: skip tracing, where a
collector asks a stranger whether a number is a named person's or whether he
can be reached.  The guide counts that as third-party contact, so the
``locate_person`` signal opens the gate too.
"""

from __future__ import annotations

import numpy as np

from ..labels import LABELS

__all__ = ["COLLECTION_LABELS", "GATE_SIGNALS", "apply_gate"]

#: Labels that need debt context.
COLLECTION_LABELS: tuple[str, ...] = ("reminder", "harassment", "third_party")
#: The rule signals that open the gate: a debt named, or a named person being traced through a stranger.
GATE_SIGNALS: tuple[str, ...] = ("debt", "locate_person")
_GATED = [LABELS.index(lab) for lab in COLLECTION_LABELS]
_OTHER = LABELS.index("other")


def apply_gate(proba: np.ndarray, has_debt: np.ndarray) -> np.ndarray:
    """Move the collection labels' probability to ``other`` in rows without debt context.

    >>> apply_gate(np.array([[0.1, 0.6, 0.0, 0.1, 0.2]]), np.array([False])).round(3).tolist()
    [[0.0, 0.0, 0.0, 0.1, 0.9]]
    """
    closed = ~np.asarray(has_debt, dtype=bool)
    if not closed.any():
        return proba
    out = proba.copy()
    out[closed, _OTHER] += out[np.ix_(closed, _GATED)].sum(axis=1)
    out[np.ix_(closed, _GATED)] = 0.0
    return out
