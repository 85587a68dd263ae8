"""The label set and the rule that picks one primary label.

The definitions live in the project's labelling guide; this module only fixes
the names, their order and the precedence used when two labels fit one
message (``fraud`` > ``third_party`` > ``harassment`` > ``reminder`` >
``other``): a scam is a scam whatever it threatens, and a message to a
non-debtor is a third-party contact even when polite.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

__all__ = ["Label", "LABELS", "PRECEDENCE", "primary_label", "DESCRIPTIONS"]


class Label(str, Enum):
    """One of the five classes a message can belong to."""

    REMINDER = "reminder"
    HARASSMENT = "harassment"
    THIRD_PARTY = "third_party"
    FRAUD = "fraud"
    OTHER = "other"

    def __str__(self) -> str:  # print as the bare value, as spaCy's str Enums do
        return self.value


#: Label values in a fixed order; the order of score columns everywhere.
LABELS: tuple[str, ...] = tuple(label.value for label in Label)

#: Highest precedence first, as the labelling guide orders them.
PRECEDENCE: tuple[str, ...] = ("fraud", "third_party", "harassment", "reminder", "other")

DESCRIPTIONS: dict[str, str] = {
    "reminder": "lawful notice to the borrower of a debt that is due or overdue",
    "harassment": "pressure beyond lawful collection: threats, fake legal claims, insults",
    "third_party": "collection message addressed to someone other than the borrower",
    "fraud": "scam that exploits debt or credit fear, or asks to pay a personal account / follow a link",
    "other": "not a debt-collection message",
}


def primary_label(labels: Iterable[str]) -> str:
    """Return the label of highest precedence among ``labels``.

    >>> primary_label(["harassment", "third_party"])
    'third_party'
    """
    found = {str(Label(value)) for value in labels}
    if not found:
        raise ValueError("primary_label() needs at least one label")
    return next(label for label in PRECEDENCE if label in found)
