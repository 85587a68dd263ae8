"""Feature extraction: jieba words, character n-grams and rule signals.

Three blocks, joined by a :class:`~sklearn.pipeline.FeatureUnion`:

``words``
    TF-IDF over jieba tokens (unigrams and bigrams) from
    :data:`dunning_nlp.text.segment.tokenize`.  Words carry meaning that single
    characters do not (``停息挂账``, ``紧急联系人``).
``chars``
    TF-IDF over character 1–3-grams.  They survive segmentation errors,
    typos (``逾朞``) and words jieba has never seen.
``signals``
    One 0/1 column per named cue in :mod:`dunning_nlp.text.signals`, which lets
    the model generalise past the training wording and explains its labels.

All three read the output of :class:`~dunning_nlp.train.steps.TextNormalizer`.
"""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from ..text.segment import JiebaTokenizer
from .steps import SignalFeaturizer

__all__ = ["build_features", "feature_block"]


def build_features(
    *,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] = (1, 3),
    min_df: int = 2,
    signal_weight: float = 1.0,
    tokenizer: JiebaTokenizer | None = None,
) -> FeatureUnion:
    """Return the unfitted feature union used by every model family.

    Parameters
    ----------
    word_ngrams, char_ngrams : tuple of int
        n-gram ranges of the word and character blocks.
    min_df : int, default=2
        Ignore n-grams seen in fewer documents (drops slot fills such as names).
    signal_weight : float, default=1.0
        Value of a present rule signal.
    tokenizer : JiebaTokenizer, optional
        Word tokenizer; the default instance when omitted.
    """
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    tokenizer=tokenizer or JiebaTokenizer(),
                    token_pattern=None,
                    lowercase=False,
                    ngram_range=word_ngrams,
                    min_df=min_df,
                    sublinear_tf=True,
                    max_features=20000,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char",
                    ngram_range=char_ngrams,
                    min_df=min_df,
                    lowercase=True,
                    sublinear_tf=True,
                    max_features=30000,
                ),
            ),
            ("signals", SignalFeaturizer(weight=signal_weight)),
        ]
    )


def feature_block(name: str) -> str:
    """Return the block a feature name from ``get_feature_names_out`` belongs to.

    >>> feature_block("words__逾期")
    'words'
    """
    return name.split("__", 1)[0]
