"""jieba's dictionary segmentation without the HMM, in one pass.

``jieba.Tokenizer.cut(text, HMM=False)`` builds a dict of candidate word ends
for every position (``get_DAG``), then a dict of best routes (``calc``, a
generator inside ``max`` per position), then walks the route.  On SMS that no
cache helps this is the largest single cost of classification.  :func:`cut`
does the same dynamic programme in one backward pass over plain lists, with
the same arithmetic and the same tie-break, so its tokens are jieba's tokens
(``tests/text/test_segment.py`` compares them on the corpus and the real dev set);
it is about twice as fast.  A caller that keeps its tokenizer unchanged can pass a dict that remembers
``log(freq) - log(total)`` per dictionary word across calls (:func:`cut_run`'s ``log_probs``): the same
numbers, without a logarithm per candidate word.

The tokenizer it reads (``FREQ``, ``total``) must be initialised.  The block
patterns are jieba's own (``jieba.re_han_default``, ``re_skip_default``), read
from jieba, so a jieba that changes them changes both alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from math import log

__all__ = ["cut", "cut_run"]

# Single Latin letters and digits that jieba glues together (its re_eng, one character at a time).
_ENG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def cut(tokenizer, text: str) -> Iterator[str]:
    """Yield the tokens of ``jieba`` ``tokenizer.cut(text, HMM=False)``."""
    # Split on jieba's capturing block pattern: the odd parts are its blocks, the even ones what lies between.
    for i, run in enumerate(_patterns()[0].split(text)):
        if run:
            yield from cut_run(tokenizer, run, han=i % 2 == 1)


def cut_run(tokenizer, run: str, han: bool, log_probs: dict[str, float] | None = None) -> list[str]:
    """The tokens of one part of jieba's block split: a block (``han``), or a run between blocks.

    ``log_probs`` remembers each dictionary entry's ``log(freq) - log(total)`` (0.0 for a prefix that is not a
    word) between calls; it holds at most the dictionary's entries, and is only valid while the tokenizer's
    dictionary does not change (``add_word``/``del_word``): pass a new dict after such a change, or none.
    """
    if han:
        return _cut_block(tokenizer.FREQ, log(tokenizer.total), run, {} if log_probs is None else log_probs)
    skip = _patterns()[1]
    return [token for piece in skip.split(run) if piece for token in ((piece,) if skip.match(piece) else piece)]


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    """jieba's block and whitespace patterns, imported when first needed (``import dunning_nlp`` stays light)."""
    import jieba

    return jieba.re_han_default, jieba.re_skip_default


def _cut_block(freq: dict, logtotal: float, block: str, log_probs: dict[str, float]) -> list[str]:
    """Max-probability route through the dictionary words of one block (jieba's get_DAG + calc + walk).

    ``log_probs`` caches ``log(freq[w]) - logtotal`` by word (0.0 for a prefix only: no word has probability 1).
    """
    n = len(block)
    score = [0.0] * (n + 1)
    end = [0] * (n + 1)
    get = freq.get
    known = log_probs.get
    for k in range(n - 1, -1, -1):
        best = None
        best_end = k + 1
        e = k + 1
        frag = block[k]
        while True:
            w = known(frag)
            if w is None:
                f = get(frag)
                if f is None:  # no dictionary word starts with this prefix
                    break
                w = log_probs[frag] = log(f) - logtotal if f else 0.0
            if w:
                s = w + score[e]  # jieba's log(f) - logtotal + score[e], the same operations in the same order
                if best is None or s >= best:  # ties go to the longer word, as max() over (score, end) does
                    best, best_end = s, e
            if e == n:
                break
            e += 1
            frag = block[k:e]
        if best is None:  # no word here: the single character, frequency 1
            best = log(get(block[k]) or 1) - logtotal + score[k + 1]
        score[k] = best
        end[k] = best_end
    words: list[str] = []
    buf = ""
    x = 0
    while x < n:
        y = end[x]
        word = block[x:y]
        if y - x == 1 and word in _ENG_CHARS:  # single Latin letters and digits are glued, as jieba does
            buf += word
        else:
            if buf:
                words.append(buf)
                buf = ""
            words.append(word)
        x = y
    if buf:
        words.append(buf)
    return words
