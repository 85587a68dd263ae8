"""Word segmentation with jieba and the package's domain dictionary.

jieba's default dictionary does not know collection and credit vocabulary
(``停息挂账``, ``爆通讯录``, ``征信修复`` …), so a user dictionary of domain
terms ships in ``dunning_nlp/resources/userdict.txt`` and is loaded into a
private :class:`jieba.Tokenizer` the first time a text is segmented.

:class:`JiebaTokenizer` is what feature extractors call.  It is a plain,
picklable object: jieba's own tokenizer holds a thread lock and cannot be
pickled, so the segmenter lives in a module-level cache and is rebuilt
lazily after unpickling.  Placeholder tokens made by the normaliser
(``⟪URL⟫``) are cut out before jieba sees the text and stay single tokens.
jieba's dictionary cache is written to a private per-user directory, never
to the world-writable temporary directory that jieba uses by default.
"""

from __future__ import annotations

import io
import logging
import os
import re
import threading
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from .._cache import bounded_cache
from . import _dag, _jieba_cache
from .normalize import PLACEHOLDER_RE

__all__ = ["JiebaTokenizer", "tokenize", "userdict_terms", "cache_dir", "resolve_backend", "BACKENDS"]

#: Segmentation back-ends.  ``rjieba`` (jieba-rs, the ``[fast]`` extra) is about 20x faster than jieba but
#: segments some text differently; see README "Throughput" for the measured label agreement.
BACKENDS = ("jieba", "rjieba")

_lock = threading.Lock()
_segmenters: dict[tuple[bool, str], object] = {}
# Per jieba segmenter (by ``userdict``): each dictionary word's log probability, remembered as segmentation
# meets it (_dag.cut_run).  Valid because these segmenters' dictionaries never change after they are built.
_log_probs: dict[bool, dict[str, float]] = {False: {}, True: {}}


@lru_cache(maxsize=1)
def _installed_fast_backend() -> str:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return "jieba"
    return "rjieba"


def resolve_backend(name: str = "auto") -> str:
    """Pick the segmentation back-end.

    ``"auto"`` reads ``$DUNNING_NLP_TOKENIZER`` (``jieba`` or ``rjieba``), and
    without it uses rjieba when installed, else jieba.
    """
    if name == "auto":
        name = os.environ.get("DUNNING_NLP_TOKENIZER", "auto") or "auto"
    if name == "auto":
        return _installed_fast_backend()
    if name not in BACKENDS:
        from ..errors import InputError

        raise InputError(f"unknown tokenizer back-end {name!r}; choose jieba, rjieba or auto")
    return name


# Tokens that carry no meaning for the classifier: whitespace and punctuation.
_DROP_RE = re.compile(r"^[\s\W_]+$")


def cache_dir() -> Path | None:
    """Return the private directory for jieba's dictionary cache (mode 0700), or ``None`` when there is none.

    ``$DUNNING_NLP_CACHE`` overrides it; the default is ``$XDG_CACHE_HOME/dunning_nlp`` or
    ``~/.cache/dunning_nlp``.  The first run writes there a ~9 MB copy of jieba's prefix dictionary with the
    domain terms (:mod:`dunning_nlp.text._jieba_cache`), which cuts start-up; at most
    :data:`KEEP_CACHES` such files are kept (every jieba or dictionary change writes a new one).  When no such
    directory can be made, nothing is cached (start-up is slower) and no temporary directory is left behind.
    """
    base = os.environ.get("DUNNING_NLP_CACHE")
    if base:
        path = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        path = (Path(xdg) if xdg else Path.home() / ".cache") / "dunning_nlp"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.access(path, os.W_OK):
            return path
    except OSError:
        pass
    return None


#: How many dictionary caches (one per jieba version, dictionary and user dictionary) are kept.
KEEP_CACHES = 3


def _prune_caches(directory: Path, keep: Path) -> None:
    """Delete all but the newest :data:`KEEP_CACHES` dictionary caches in ``directory`` (``keep`` is kept)."""
    try:
        others = sorted(
            (p for p in directory.glob("jieba-freq-*.bin") if p != keep), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for stale in others[KEEP_CACHES - 1 :]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # another process pruned first, or the directory is read-only: nothing to do


def userdict_terms() -> list[str]:
    """The domain terms shipped with the package, in file order."""
    text = (files("dunning_nlp") / "resources" / "userdict.txt").read_text(encoding="utf-8")
    return [line.split()[0] for line in text.splitlines() if line.strip()]


def _segmenter(use_userdict: bool, backend: str = "jieba"):
    """Build (once per process) a segmenter, optionally with the domain dictionary."""
    key = (use_userdict, backend)
    seg = _segmenters.get(key)
    if seg is not None:
        return seg
    with _lock:
        seg = _segmenters.get(key)
        if seg is None and backend == "rjieba":
            import rjieba

            seg = rjieba.Jieba()
            if use_userdict:
                text = (files("dunning_nlp") / "resources" / "userdict.txt").read_text(encoding="utf-8")
                for line in text.splitlines():
                    parts = line.split()
                    if parts:
                        seg.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, None)
            _segmenters[key] = seg
        elif seg is None:
            seg = _jieba_segmenter(use_userdict)
            _segmenters[key] = seg
    return seg


def _jieba_segmenter(use_userdict: bool):
    """A jieba.Tokenizer with the domain dictionary, loaded from the fast cache when it exists."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    seg = jieba.Tokenizer()
    directory = cache_dir()
    if directory is not None:
        seg.tmp_dir = str(directory)
    userdict = (files("dunning_nlp") / "resources" / "userdict.txt").read_text(encoding="utf-8") if use_userdict else ""
    try:
        main_dict = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
        path = _jieba_cache.cache_path(directory, main_dict, userdict, jieba.__version__) if directory else None
    except (AttributeError, OSError):  # a jieba laid out differently: no fast cache, same tokens
        path = None
    cached = _jieba_cache.load(path) if path else None
    if cached is not None:
        seg.FREQ, seg.total = cached
        seg.initialized = True
        return seg
    seg.initialize()
    if userdict:
        seg.load_userdict(io.BytesIO(userdict.encode("utf-8")))
    if path:
        try:
            if _jieba_cache.save(path, seg.FREQ, seg.total):
                _prune_caches(path.parent, path)
        except OSError:
            pass  # a read-only cache directory only costs start-up time
    return seg


@bounded_cache(48 << 20)  # bounded by bytes: a 4,000-character text holds ~2,500 tokens
def _tokens(
    text: str, userdict: bool, lowercase: bool, keep_punct: bool, hmm: bool = False, backend: str = "jieba"
) -> tuple[str, ...]:
    """Segment one text; cached because SMS dumps repeat messages verbatim."""
    out: list[str] = []
    start = 0
    for match in PLACEHOLDER_RE.finditer(text):
        _cut(text[start : match.start()], userdict, lowercase, keep_punct, hmm, backend, out)
        out.append(match.group())
        start = match.end()
    _cut(text[start:], userdict, lowercase, keep_punct, hmm, backend, out)
    return tuple(out)


def _cut(text: str, userdict: bool, lowercase: bool, keep_punct: bool, hmm: bool, backend: str, out: list[str]) -> None:
    if not text:
        return
    if backend != "jieba":
        out.extend(_filter(_segmenter(userdict, backend).cut(text, hmm), lowercase, keep_punct))
        return
    # jieba cuts the runs matched by its block pattern one by one, each independently of the rest of the
    # text: cutting block by block gives the same tokens, and lets a cache serve the sentences that
    # templates share even when another part of the message (a name, a date) is new.  Short blocks are
    # cut again rather than looked up: the lookup costs more than the cut.  The pattern captures, so the odd
    # parts of the split are jieba's blocks and the even ones what lies between them.
    for i, block in enumerate(_han_blocks().split(text)):
        if len(block) >= _CACHED_BLOCK:
            out.extend(_block_tokens(block, i % 2 == 1, userdict, lowercase, keep_punct, hmm))
        elif block:
            out.extend(_segment_block(block, i % 2 == 1, userdict, lowercase, keep_punct, hmm))


@lru_cache(maxsize=1)
def _han_blocks() -> re.Pattern:
    import jieba

    return jieba.re_han_default


#: Blocks shorter than this are not cached (measured on the real dev set: caching them is slower).
_CACHED_BLOCK = 8


def _block_cost(args: tuple, tokens: tuple[str, ...]) -> int:
    # An upper bound of the bytes held, without measuring every token: the key and result tuples (88 + 40), the
    # block and its tokens at most 4 bytes per character and a 76-byte header each, and a tuple slot per token.
    return 208 + 8 * len(args[0]) + 88 * len(tokens)


@bounded_cache(32 << 20, cost=_block_cost)
def _block_tokens(
    block: str, han: bool, userdict: bool, lowercase: bool, keep_punct: bool, hmm: bool
) -> tuple[str, ...]:
    return _segment_block(block, han, userdict, lowercase, keep_punct, hmm)


def _segment_block(
    block: str, han: bool, userdict: bool, lowercase: bool, keep_punct: bool, hmm: bool
) -> tuple[str, ...]:
    """Tokens of one part of jieba's block split (``han``: one of its blocks), filtered."""
    seg = _segmenter(userdict, "jieba")
    # without the HMM: the same tokens as seg.cut, faster (_dag.py), and without splitting the block again
    tokens = seg.cut(block, HMM=True) if hmm else _dag.cut_run(seg, block, han, _log_probs[userdict])
    return tuple(_filter(tokens, lowercase, keep_punct))


def _filter(tokens, lowercase: bool, keep_punct: bool) -> list[str]:
    return [t.lower() if lowercase else t for t in tokens if keep_punct or not _DROP_RE.match(t)]


class JiebaTokenizer:
    """Callable that turns normalised text into a list of word tokens.

    Parameters
    ----------
    userdict : bool, default=True
        Load the domain dictionary shipped with the package.
    lowercase : bool, default=True
        Lower-case Latin tokens (placeholders keep their case).
    keep_punct : bool, default=False
        Keep punctuation tokens.
    backend : {"auto", "jieba", "rjieba"}, default="auto"
        Segmentation back-end, resolved at call time by :func:`resolve_backend`
        so that one saved model runs with whichever is installed.
    hmm : bool, default=False
        Use jieba's HMM to guess words missing from the dictionaries.  Off
        by default: it costs about a third of segmentation time, and the
        character n-gram features already cover unknown words (measured in
        benchmarks/README.md).

    Examples
    --------
    >>> JiebaTokenizer()("请立即还款 ⟪URL⟫")
    ['请', '立即', '还款', '⟪URL⟫']
    """

    def __init__(
        self,
        userdict: bool = True,
        lowercase: bool = True,
        keep_punct: bool = False,
        hmm: bool = False,
        backend: str = "auto",
    ):
        self.userdict = userdict
        self.lowercase = lowercase
        self.keep_punct = keep_punct
        self.hmm = hmm
        self.backend = backend

    def __call__(self, text: str) -> list[str]:
        return list(
            _tokens(text, self.userdict, self.lowercase, self.keep_punct, self.hmm, resolve_backend(self.backend))
        )

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:
        return hash((type(self).__name__, *sorted(vars(self).items())))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


#: The default tokenizer: a module-level, picklable instance.
tokenize = JiebaTokenizer()
