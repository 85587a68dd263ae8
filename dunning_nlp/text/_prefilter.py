r"""Faster regular expressions on SMS text: scan first for the characters a match can start with.

Python's regex engine scans fast (in C, skipping positions) for a pattern
that starts with a literal or a character class, but a pattern that starts
with groups, case-insensitive parts or placeholders in two forms (most rule
signals) is tried in full at every position of the text.
:func:`first_chars` reads the pattern's parse tree and returns every
character a match can start with.  :func:`presence_pattern` puts that set in
front as a character class and checks the original pattern, as a lookahead,
only where one of those characters stands::

    [first characters](?<=(?=PATTERN)[\s\S])

The class consumes the candidate character; the lookbehind (one character
wide, so allowed) steps back onto it, where the lookahead requires the whole
original pattern to match (seeing the text on both sides, as a plain search
does).  So it matches a text exactly when the original pattern does — only
the span differs (it is the first character), so it answers presence tests
(the rule signals).  :class:`FastSub` uses it to find where to try the
original pattern, and so substitutes exactly as ``pattern.sub`` does (the
normaliser's entity rules).  Whenever the set cannot be told for sure (a
negated class, ``.``, ``\w``, a pattern that can match the empty string, a
construct not handled here) the original pattern is used.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

try:  # the parser re compiles with (Python 3.11+); private, so a Python without it keeps the plain patterns
    # re._constants / re._parser are private modules typeshed does not describe
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the Python version
    sre = _parser = None

__all__ = ["first_chars", "presence_pattern", "FastSub", "Replacement"]

#: Non-ASCII characters that match ASCII letters under re.IGNORECASE (documented for the re module:
#: "İ", "ı", "ſ" and the Kelvin sign; tests/text/test_prefilter.py checks the whole of Unicode).
_CASE_EXTRA = {"i": "İı", "s": "ſ", "k": "\u212a"}
_LARGEST_RANGE = 512  # a wider class is not worth listing
_DIGITS_END = 0x20000  # no decimal digit (Nd) lies above the Supplementary Multilingual Plane
_SPACES_END = 0x3001  # the last white-space character is U+3000, the ideographic space
_ASCII_DIGITS = frozenset("0123456789")  # \d under re.ASCII
_ASCII_SPACES = frozenset(" \t\n\r\f\v")  # \s under re.ASCII


class _Unknown(Exception):
    """Raised inside the walk when a match could start with (almost) any character."""


def first_chars(pattern: re.Pattern) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can start with, or ``None`` when it cannot be told."""
    if _parser is None or not isinstance(pattern.pattern, str):
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
        chars, nullable = _sequence(tree, tree.state.flags)
    except (_Unknown, re.error, AttributeError, TypeError, ValueError):
        return None
    return None if nullable else frozenset(chars)


def presence_pattern(pattern: re.Pattern) -> re.Pattern:
    """A pattern that matches a text exactly when ``pattern`` does, found faster (see the module docstring).

    Returns ``pattern`` itself when its first characters cannot be told.  Use it only to test for a match:
    the span it reports is the first character, not the original match.
    """
    chars = first_chars(pattern)
    if chars is None:
        return pattern
    digits = _ASCII_DIGITS if pattern.flags & re.ASCII else _unicode_digits()
    if digits <= chars:  # \\d in the class: the engine tests a category faster than a list of 660 digits
        head = "[\\d" + "".join(re.escape(c) for c in sorted(chars - digits)) + "]"
    else:
        head = "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"
    try:
        return re.compile(f"{head}(?<=(?={pattern.pattern})[\\s\\S])", pattern.flags)
    except re.error:  # e.g. global inline flags, which must stay at the start of a pattern
        return pattern


def _sequence(items, flags: int) -> tuple[set[str], bool]:
    """(first characters, can be empty) of a sequence of parse-tree items."""
    chars: set[str] = set()
    for op, av in items:
        first, nullable = _item(op, av, flags)
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _item(op, av, flags: int) -> tuple[set[str], bool]:
    if op is sre.LITERAL:
        return _cased(chr(av), flags), False
    if op is sre.IN:
        return _charset(av, flags), False
    if op is sre.BRANCH:
        chars, nullable = set(), False
        for branch in av[1]:
            first, empty = _sequence(branch, flags)
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op is sre.SUBPATTERN:
        _, add, remove, sub = av
        return _sequence(sub, (flags | add) & ~remove)
    if op is sre.ATOMIC_GROUP:
        return _sequence(av, flags)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, sub = av
        chars, nullable = _sequence(sub, flags)
        return chars, nullable or low == 0
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # consume nothing: the match starts with what follows
        return set(), True
    raise _Unknown(op)  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, ...


def _charset(items, flags: int) -> set[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars |= _cased(chr(av), flags)
        elif op is sre.RANGE and av[1] - av[0] < _LARGEST_RANGE:
            for code in range(av[0], av[1] + 1):
                chars |= _cased(chr(code), flags)
        elif op is sre.CATEGORY and av is sre.CATEGORY_DIGIT:  # \d: ASCII digits, or every Unicode digit
            chars |= _ASCII_DIGITS if flags & re.ASCII else _unicode_digits()
        elif op is sre.CATEGORY and av is sre.CATEGORY_SPACE:  # \s: ASCII white space, or Unicode's
            chars |= _ASCII_SPACES if flags & re.ASCII else _unicode_spaces()
        else:  # NEGATE, another CATEGORY (\w, \S ...), a wide range
            raise _Unknown(op)
    return chars


@functools.lru_cache(maxsize=1)
def _unicode_digits() -> frozenset[str]:
    """What ``\\d`` matches in a ``str`` pattern: Unicode's decimal digits (category Nd), all below U+20000
    (tests/text/test_prefilter.py checks that against the whole of Unicode)."""
    return frozenset(c for c in map(chr, range(_DIGITS_END)) if c.isdecimal())


@functools.lru_cache(maxsize=1)
def _unicode_spaces() -> frozenset[str]:
    """What ``\\s`` matches in a ``str`` pattern: the characters ``str.isspace`` accepts, all below U+3001
    (tests/text/test_prefilter.py checks that against the whole of Unicode)."""
    return frozenset(c for c in map(chr, range(_SPACES_END)) if c.isspace())


def _cased(char: str, flags: int) -> set[str]:
    """``char`` and, under IGNORECASE, every character the engine takes for it."""
    if not flags & re.IGNORECASE or char.lower() == char.upper():
        return {char}
    if not char.isascii() or flags & re.LOCALE:
        raise _Unknown(char)  # non-ASCII case folding has more exceptions than are listed here
    lower = char.lower()
    return {lower, char.upper(), *_CASE_EXTRA.get(lower, "")}


#: What a replacement may be: a string (with ``re.sub``'s group references) or a function of the match.
Replacement = str | Callable[[re.Match[str]], str]


class FastSub:
    """``pattern.sub`` found faster: the same result, matched only where a match can start.

    :meth:`sub` looks for candidates with :func:`presence_pattern` (a scan in C that skips every position whose
    character cannot start a match) and matches ``pattern`` itself at each one, on the original text as
    ``re.sub`` does, so lookbehinds, ``\\b`` and ``^`` see the same characters.  Leftmost first, then from the end
    of each match: the matches and therefore the result are those of ``pattern.sub``, string replacements with
    group references (``\\1``, ``\\g<name>``) included.  One difference a replacement function could see: the
    match's ``pos`` is the candidate's position, not 0.  Patterns that can match the empty string, or whose first
    characters cannot be told, fall back to ``pattern.sub``.  The presence pattern is built on first use, so
    module-level instances cost nothing at import.
    """

    __slots__ = ("pattern", "_find", "_ready")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._find: Callable[..., re.Match[str] | None] | None = None
        self._ready = False

    def _finder(self) -> Callable[..., re.Match[str] | None] | None:
        if not self._ready:
            presence = presence_pattern(self.pattern)
            self._find = None if presence is self.pattern else presence.search
            self._ready = True
        return self._find

    def sub(self, repl: Replacement, text: str) -> str:
        """``self.pattern.sub(repl, text)``, found faster."""
        find = self._finder()
        if find is None:
            return self.pattern.sub(repl, text)
        candidate = find(text)
        if candidate is None:
            return text
        if isinstance(repl, str):
            literal = repl if "\\" not in repl else None
        match = self.pattern.match
        pieces: list[str] = []
        done = 0
        while candidate is not None:
            found = match(text, candidate.start())
            assert found is not None  # the lookahead in the presence pattern matched here
            pieces.append(text[done : found.start()])
            if not isinstance(repl, str):
                pieces.append(repl(found) or "")  # re.sub writes nothing for a function that returns None
            else:
                pieces.append(literal if literal is not None else found.expand(repl))
            done = found.end()
            candidate = find(text, done)
        pieces.append(text[done:])
        return "".join(pieces)
