r"""Faster tests of *whether* a regular expression matches a text: scan first for the characters a match starts with.

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
the span differs, which is why it serves presence tests only.  Whenever the
set cannot be told for sure (a negated class, ``.``, a pattern that can match
the empty string, a construct not handled here) the original pattern is used.
"""

from __future__ import annotations

import re

try:  # the parser re compiles with (Python 3.11+); private, so a Python without it keeps the plain patterns
    # re._constants / re._parser are private modules typeshed does not describe
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the Python version
    sre = _parser = None

__all__ = ["first_chars", "presence_pattern"]

#: Non-ASCII characters that match ASCII letters under re.IGNORECASE (documented for the re module:
#: "İ", "ı", "ſ" and the Kelvin sign; tests/text/test_prefilter.py checks the whole of Unicode).
_CASE_EXTRA = {"i": "İı", "s": "ſ", "k": "\u212a"}
_LARGEST_RANGE = 512  # a wider class is not worth listing


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
        else:  # NEGATE, CATEGORY (\d, \w ...), a wide range
            raise _Unknown(op)
    return chars


def _cased(char: str, flags: int) -> set[str]:
    """``char`` and, under IGNORECASE, every character the engine takes for it."""
    if not flags & re.IGNORECASE or char.lower() == char.upper():
        return {char}
    if not char.isascii() or flags & re.LOCALE:
        raise _Unknown(char)  # non-ASCII case folding has more exceptions than are listed here
    lower = char.lower()
    return {lower, char.upper(), *_CASE_EXTRA.get(lower, "")}
