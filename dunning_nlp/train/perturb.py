"""Filter-dodging perturbations, for robustness evaluation.

:func:`perturb_text` rewrites a message the way senders do to slip past
keyword filters: traditional characters (Taiwan or Hong Kong standard),
spaces or symbols inserted inside words, full-width digits and zero-width
characters.  ``dunning-nlp evaluate`` scores the model on a perturbed copy
of the test split; a good normaliser keeps the score nearly unchanged.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

__all__ = ["perturb_text", "SEPARATORS"]

SEPARATORS = (" ", "  ", "*", "-", "·", ".", "|", "_", "~", "\u200b", "/", "#", "\u3000")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@lru_cache(maxsize=4)
def _converter(config: str):
    from opencc import OpenCC

    return OpenCC(config)


def perturb_text(
    text: str, rng: random.Random, *, traditional: float = 0.5, split: float = 0.8, fullwidth: float = 0.5
) -> str:
    """Return a perturbed copy of ``text``.

    Parameters
    ----------
    text : str
        The message.
    rng : random.Random
        Source of randomness (pass a seeded one for reproducible copies).
    traditional, split, fullwidth : float
        Probabilities of converting to traditional characters, of inserting
        separators inside up to three Chinese words, and of making digits
        full-width.
    """
    if rng.random() < traditional:
        text = _converter(rng.choice(("s2tw", "s2hk", "s2twp"))).convert(text)
    if rng.random() < split:
        runs = list(_HAN_RUN.finditer(text))
        rng.shuffle(runs)
        chosen = sorted(runs[: rng.randint(1, 3)], key=lambda m: m.start(), reverse=True)
        sep = rng.choice(SEPARATORS)
        for m in chosen:
            word = m.group()[:4]
            text = text[: m.start()] + sep.join(word) + text[m.start() + len(word) :]
    if rng.random() < fullwidth:
        text = text.translate(_FULLWIDTH)
    return text
