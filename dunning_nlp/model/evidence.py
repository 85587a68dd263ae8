"""Which model features a person can read as evidence.

The classifier's strongest features include function words (``你 的``,
``我们``), single characters and character n-grams cut through placeholders.
They carry weight but explain nothing to a borrower or an auditor, so
:func:`readable_term` keeps only terms with a content word of two or more
characters, written with placeholders in their readable ``⟪NAME⟫`` form.
"""

from __future__ import annotations

import re

from ..text.normalize import PLACEHOLDER_RE, expand_placeholders

__all__ = ["FUNCTION_WORDS", "readable_term"]

#: Words that never explain a label on their own: pronouns, particles, auxiliaries, common adverbs.
FUNCTION_WORDS = frozenset(
    """
你 我 他 她 它 您 你们 我们 他们 她们 咱们 大家 自己 人家 的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嘛 么 啦 哈 嗯 是 在 有
没 没有 不 也 都 就 还 又 再 才 很 太 最 更 会 要 能 可以 可能 想 去 来 到 给 让 被 把 和 与 及 或 跟 对 从 向 为 以 于
这 那 这个 那个 这样 那样 这么 那么 什么 怎么 怎样 为什么 一个 一些 一下 一天 一直 已经 现在 今天 明天 昨天 然后 因为
所以 但是 可是 如果 就是 还是 不是 只是 还有 没有 知道 觉得 看到 说 做 看 好 个 些 上 下 里 中 后 前 时 时候 等 请 您好
""".split()
)
_LATIN_RE = re.compile(r"^[a-z]{1,3}$")


def readable_term(feature_name: str) -> str | None:
    """The display form of a word or character n-gram feature, or ``None`` when it explains nothing.

    ``feature_name`` is a name from the feature union (``words__逾期``, ``chars__已逾期``) or a bare term.

    >>> readable_term("words__已 逾期")
    '已 逾期'
    >>> readable_term("words__你 的") is None, readable_term("chars__ca") is None
    (True, True)
    """
    value = feature_name.partition("__")[2] if "__" in feature_name else feature_name
    value = value.strip()
    parts = [p for p in value.split(" ") if p]
    content = [p for p in parts if p not in FUNCTION_WORDS and not PLACEHOLDER_RE.fullmatch(p)]
    if not content:
        return None
    if feature_name.startswith("chars__"):
        # A character n-gram cut through a placeholder or a Latin word ("ard", "um") reads as noise.
        if PLACEHOLDER_RE.search(value) or _LATIN_RE.match(value) or value in FUNCTION_WORDS:
            return None
        bare = value.replace(" ", "")
        if len(bare) < 2 or all(ch in FUNCTION_WORDS for ch in bare):
            return None
        return value
    if len("".join(content)) < 2 and not any(PLACEHOLDER_RE.fullmatch(p) for p in parts):
        return None
    return expand_placeholders(value)
