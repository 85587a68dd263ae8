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
Real lenders avoid the word debt on purpose, so the ``debt`` signal also
knows their words (应还, 待还, 扣款, 超过约定还款日 …), and collection-specific
acts and consequences open the gate by themselves (``collection_act``:
visits "to verify your finances", letters to the family, employer or 村委会,
传票 / 立案 / 失信 / 限高, telling the contacts — the guide's "collection
without the word debt").  Skip tracing, where a collector asks a stranger
whether a number is a named person's, names no debt either; the guide counts
it as third-party contact, so ``locate_person`` opens the gate too.  A
generic threat with none of these ("you'll regret it") stays ``other``.

**Labels a user teaches win.**  A rule cannot know every phrasing, so the gate
also learns from labelled data: a training message with a collection label on
which the rule would close is remembered (normalised) in the model, and a
message that shares at least :data:`TAUGHT_SIMILARITY` of its character
trigrams with one of them (Jaccard) is not gated (:class:`TaughtGate`).
Training on a row ``dunning-nlp train --extra`` adds therefore changes what
the model says about that row and its near variants, as a user expects.
The taught texts are consulted only for rows to which the model gives the
collection labels at least :data:`TAUGHT_MIN_SHARE` together.  Below that,
closing the gate moves less than that share of probability to ``other``: it
cannot make a collection label win, though it can tip a near tie between
``fraud`` and ``other`` (or lift ``other`` over the secondary-label bar).
Comparing trigrams for every ordinary message of a dump was the costliest step
the gate added, and about 98 % of the gated real dev texts are below the share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..labels import LABELS
from ..text.signals import SIGNALS

if TYPE_CHECKING:
    from .compiled import FeatureRows

__all__ = [
    "COLLECTION_LABELS",
    "GATE_SIGNALS",
    "TAUGHT_MIN_SHARE",
    "TAUGHT_SIMILARITY",
    "TaughtGate",
    "apply_gate",
    "collection_share",
    "rule_context",
    "taught_texts",
]

#: Labels that need debt context.
COLLECTION_LABELS: tuple[str, ...] = ("reminder", "harassment", "third_party")
#: The rule signals that open the gate: a debt named, or a named person being traced through a stranger.
GATE_SIGNALS: tuple[str, ...] = ("debt", "collection_act", "locate_person")
#: Share of character trigrams (Jaccard) a message must share with a taught message to pass the gate.
TAUGHT_SIMILARITY = 0.5
#: Probability the model must give the collection labels together before the taught texts are consulted.
TAUGHT_MIN_SHARE = 0.05
_SIGNAL_NAMES = [signal.name for signal in SIGNALS]
_GATED = [LABELS.index(lab) for lab in COLLECTION_LABELS]
_OTHER = LABELS.index("other")


def collection_share(proba: np.ndarray) -> np.ndarray:
    """Per row, the probability of the collection labels together (what the gate would move to ``other``)."""
    return proba[:, _GATED].sum(axis=1)


def apply_gate(proba: np.ndarray, has_debt: np.ndarray) -> np.ndarray:
    """Move the collection labels' probability to ``other`` in rows without debt context.

    >>> apply_gate(np.array([[0.1, 0.6, 0.0, 0.1, 0.2]]), np.array([False])).round(3).tolist()
    [[0.0, 0.0, 0.0, 0.1, 0.9]]
    """
    closed = ~np.asarray(has_debt, dtype=bool)
    if not closed.any():
        return proba
    out = proba.copy()
    # numpy's stubs type ix_ for arguments of one kind only (here a bool mask and a list of indices)
    rows_gated = np.ix_(closed, _GATED)  # type: ignore[arg-type]
    out[closed, _OTHER] += collection_share(out[closed])
    out[rows_gated] = 0.0
    return out


def taught_texts(normalised: Sequence[str], labels: Sequence[str], has_context: Sequence[bool]) -> tuple[str, ...]:
    """The normalised texts of collection-labelled records on which the rule closes (sorted, distinct).

    >>> taught_texts(["a", "b", "c"], ["harassment", "other", "reminder"], [False, False, True])
    ('a',)
    """
    return tuple(
        sorted(
            {t for t, lab, ctx in zip(normalised, labels, has_context) if lab in COLLECTION_LABELS and not ctx and t}
        )
    )


def _trigrams(text: str) -> frozenset[str]:
    text = "".join(text.split())
    return frozenset(text[i : i + 3] for i in range(max(1, len(text) - 2)))


class TaughtGate:
    """Which gated messages the labelled data says are collection anyway (see the module docstring).

    >>> gate = TaughtGate(["有种你就一直别接,我们今天就去你老家"])
    >>> gate.opens("有种你就一直别接,我们明天就去你老家"), gate.opens("今天天气很好")
    (True, False)
    """

    def __init__(self, texts: Iterable[str] = ()):
        self._grams = [_trigrams(t) for t in texts]
        self._known: frozenset[str] = frozenset().union(*self._grams)
        self._index: dict[str, list[int]] = {}
        for i, grams in enumerate(self._grams):
            for g in grams:
                self._index.setdefault(g, []).append(i)

    def __bool__(self) -> bool:
        return bool(self._grams)

    def opens(self, normalised: str) -> bool:
        """True when ``normalised`` is close enough to a taught message."""
        if not self._grams:
            return False
        grams = _trigrams(normalised)
        # Exact pre-check: Jaccard >= 1/2 with one taught text needs half of these trigrams in that text, so in
        # the union of all of them; most ordinary messages stop here, at the cost of one set intersection.
        if 2 * len(grams & self._known) < len(grams):
            return False
        shared: dict[int, int] = {}
        for g in grams:
            for i in self._index.get(g, ()):
                shared[i] = shared.get(i, 0) + 1
        return any(n / (len(grams) + len(self._grams[i]) - n) >= TAUGHT_SIMILARITY for i, n in shared.items())


def rule_context(rows: FeatureRows, signal_offset: int) -> np.ndarray:
    """Which feature rows carry a :data:`GATE_SIGNALS` column: the rule's half of the gate, one bool per row.

    ``signal_offset`` is the first signal column of the model that built ``rows``
    (:attr:`~dunning_nlp.model.compiled.CompiledModel.signal_offset`).
    """
    columns = [signal_offset + _SIGNAL_NAMES.index(name) for name in GATE_SIGNALS]
    has_context = np.zeros(len(rows.indptr) - 1, dtype=bool)
    has_context[rows.row_ids()[np.isin(rows.indices, columns)]] = True
    return has_context
