"""Regex safety: find the nesting that makes a backtracking engine take exponential time.

The only module that reads CPython's regex parser (``re._parser``; ``sre_parse`` before 3.11).

A repetition that can run more than once, ``(X)*``, ``(X)+`` or ``(X){20}``, backtracks
exponentially when the same text can be split into its iterations, or matched inside one
iteration, in more than one way: ``(a+)+`` (``aa`` is one iteration or two), ``(a|a)*``,
``(\\w+\\.?)+``, ``([a-z.]+)*``, ``(.*a){20}``. Inside such a repetition this module requires every
choice to be decided by the next character: each optional or repeated part must start with
characters that nothing allowed after it can start with (the next iteration included), and
alternatives must start differently. ``([a-z0-9-]+\\.)*`` passes: the ``.`` that ends an
iteration is a separator its inner repetition cannot match. Repetitions outside any repeated
group (``https://.*\\.example\\.com``) cost at most polynomial time and are not restricted.

Character classes are compared over a small universe, ASCII plus a few non-ASCII samples, which
is exact for origins (browsers send ASCII) and errs on the side of refusing otherwise.
"""

from __future__ import annotations

import re
from typing import Any, Final

try:  # re._parser since Python 3.11, sre_parse before
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p

__all__ = ["ambiguous_repetition"]

_UNIVERSE: Final = frozenset(chr(code) for code in range(128)) | {"\u00e9", "\u4e00", "\U0001f600"}
_EMPTY: Final[frozenset[str]] = frozenset()
_REPEATS: Final = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_POSSESSIVE: Final = getattr(_c, "POSSESSIVE_REPEAT", None)
_ATOMIC: Final = getattr(_c, "ATOMIC_GROUP", None)
_ZERO_WIDTH: Final = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_CATEGORIES: Final = {
    getattr(_c, name): re.compile(pattern)
    for name, pattern in (
        ("CATEGORY_DIGIT", r"\d"),
        ("CATEGORY_NOT_DIGIT", r"\D"),
        ("CATEGORY_SPACE", r"\s"),
        ("CATEGORY_NOT_SPACE", r"\S"),
        ("CATEGORY_WORD", r"\w"),
        ("CATEGORY_NOT_WORD", r"\W"),
    )
}


def ambiguous_repetition(pattern: str, flags: int = 0) -> str | None:
    """Return the source-level reason *pattern* can backtrack exponentially, or None.

    The reason names the construct, e.g. ``"a repetition inside a repetition can match the
    same text in more than one way"``.
    """
    ignore_case = bool(flags & re.IGNORECASE)
    return _Analysis(ignore_case).find(_p.parse(pattern, flags))


class _Analysis:
    def __init__(self, ignore_case: bool) -> None:
        self.ignore_case = ignore_case

    # -- finding repetitions that run more than once -----------------------------------------

    def find(self, items: Any) -> str | None:
        """Walk *items*; check the body of every repetition that may run more than once."""
        for op, argument in items:
            if op in _REPEATS:
                _low, high, body = argument
                if high > 1:
                    problem = self.check_loop(body)
                    if problem:
                        return problem
                    continue  # the check covered everything nested inside
                problem = self.find(body)
            elif op is _c.BRANCH:
                problem = next(filter(None, (self.find(b) for b in argument[1])), None)
            elif op is _c.SUBPATTERN or op in (_c.ASSERT, _c.ASSERT_NOT):
                problem = self.find(argument[-1])
            elif op is _ATOMIC or op is _POSSESSIVE:
                problem = None  # never backtracks into itself
            else:
                continue
            if problem:
                return problem
        return None

    def check_loop(self, body: Any) -> str | None:
        if self.nullable(body):
            return "a repeated group that can match the empty string"
        # The next iteration follows the body; what follows the whole repetition is left out,
        # since choosing where to leave costs at most linear extra work.
        return self.check_sequence(list(body), self.first(body))

    # -- determinism inside a repeated body ------------------------------------------------

    def check_sequence(self, items: list[Any], follow: frozenset[str]) -> str | None:
        for index, (op, argument) in enumerate(items):
            rest = items[index + 1 :]
            after = self.first(rest) | (follow if self.nullable(rest) else _EMPTY)
            if op in _REPEATS:
                low, high, body = argument
                if low == high:  # a fixed count: no choice to make
                    problem = self.check_sequence(list(body) * min(low, 2), after)
                else:
                    if self.nullable(body):
                        return "a repeated group that can match the empty string"
                    if self.first(body) & after:
                        return (
                            "a repetition inside a repetition can match the same text in more "
                            "than one way (what it repeats can also come next)"
                        )
                    problem = self.check_sequence(list(body), self.first(body) | after)
            elif op is _c.SUBPATTERN:
                problem = self.check_sequence(list(argument[-1]), after)
            elif op is _c.BRANCH:
                problem = self.check_branches(argument[1], after)
            elif op is _ATOMIC or op is _POSSESSIVE:
                problem = None
            else:
                continue
            if problem:
                return problem
        return None

    def check_branches(self, branches: list[Any], follow: frozenset[str]) -> str | None:
        seen: frozenset[str] = _EMPTY
        for branch in branches:
            starts = self.first(branch) | (follow if self.nullable(branch) else _EMPTY)
            if starts & seen:
                return "alternatives inside a repetition can match the same text"
            seen |= starts
            problem = self.check_sequence(list(branch), follow)
            if problem:
                return problem
        return None

    # -- first characters and the empty match -----------------------------------------------

    def first(self, items: Any) -> frozenset[str]:
        """Characters a match of the sequence *items* can start with."""
        found: frozenset[str] = _EMPTY
        for item in items:
            found |= self.first_of(item)
            if not self.nullable_item(item):
                break
        return found

    def first_of(self, item: Any) -> frozenset[str]:
        op, argument = item
        if op in _REPEATS or op is _POSSESSIVE:
            return self.first(argument[2]) if argument[1] > 0 else _EMPTY
        if op is _c.SUBPATTERN:
            return self.first(argument[-1])
        if op is _ATOMIC:
            return self.first(argument)
        if op is _c.BRANCH:
            found: frozenset[str] = _EMPTY
            for branch in argument[1]:
                found |= self.first(branch)
            return found
        if op in _ZERO_WIDTH:
            return _EMPTY
        return self.characters(item)

    def nullable(self, items: Any) -> bool:
        return all(self.nullable_item(item) for item in items)

    def nullable_item(self, item: Any) -> bool:
        op, argument = item
        if op in _REPEATS or op is _POSSESSIVE:
            return bool(argument[0] == 0 or self.nullable(argument[2]))
        if op is _c.SUBPATTERN:
            return self.nullable(argument[-1])
        if op is _ATOMIC:
            return self.nullable(argument)
        if op is _c.BRANCH:
            return any(self.nullable(branch) for branch in argument[1])
        if op in _ZERO_WIDTH:
            return True
        # a back-reference may be empty
        return op is _c.GROUPREF or op is getattr(_c, "GROUPREF_EXISTS", None)

    def characters(self, item: Any) -> frozenset[str]:
        """The characters one single-character item (literal, class, ``.``) matches."""
        op, argument = item
        if op is _c.LITERAL:
            found = frozenset({chr(argument)})
        elif op is _c.NOT_LITERAL:
            found = _UNIVERSE - {chr(argument)}
        elif op is _c.IN:
            found = self.class_characters(argument)
        elif op is _c.CATEGORY:
            found = self.category(argument)
        else:  # ANY, back-references and anything unknown: assume every character
            return _UNIVERSE
        if self.ignore_case:
            found |= {c.swapcase() for c in found}
        return found

    def class_characters(self, members: Any) -> frozenset[str]:
        found: set[str] = set()
        negate = False
        for op, argument in members:
            if op is _c.NEGATE:
                negate = True
            elif op is _c.LITERAL:
                found.add(chr(argument))
            elif op is _c.RANGE:
                low, high = argument
                found.update(c for c in _UNIVERSE if low <= ord(c) <= high)
            elif op is _c.CATEGORY:
                found |= self.category(argument)
            else:
                found |= _UNIVERSE
        return _UNIVERSE - found if negate else frozenset(found)

    @staticmethod
    def category(code: Any) -> frozenset[str]:
        matcher = _CATEGORIES.get(code)
        if matcher is None:
            return _UNIVERSE
        return frozenset(c for c in _UNIVERSE if matcher.fullmatch(c))
