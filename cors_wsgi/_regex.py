"""Regex safety: bound the time a backtracking engine can spend on one match.

The only module that reads CPython's regex parser (``re._parser``; ``sre_parse`` before 3.11).

Three checks, each refusal naming the construct and a rewrite (:func:`slow_regex`):

1. **Exponential nesting.** A repetition that can run more than once, ``(X)*``, ``(X)+`` or
   ``(X){20}``, backtracks exponentially when the same text can be split into its iterations,
   or matched inside one iteration, in more than one way: ``(a+)+``, ``(a|a)*``, ``(\\w+\\.?)+``,
   ``([a-z.]+)*``, ``(.*a){20}``. Inside such a repetition every choice must be decided by the
   next character: each optional or repeated part must start with characters that nothing
   allowed after it can start with (the next iteration included), and alternatives must start
   differently. ``([a-z0-9-]+\\.)*`` passes: the ``.`` that ends an iteration is a separator
   its inner repetition cannot match. Atomic groups and possessive repetitions are checked as
   ordinary ones: they stop backtracking into a finished match, not while it is found.
2. **Constructs with no known bound**: conditionals, back-references, lookarounds inside a
   repetition or holding a repetition of variable length.
3. **Polynomial work.** Outside repeated groups, repetitions (and optional parts, and
   alternatives that start alike) that can match the same characters one after another make
   the engine try every split of the text between them. :meth:`_Analysis.worst_steps`
   estimates the steps on the longest input the regex can see, and a regex above
   :data:`MAX_STEPS` is refused.

Character classes are compared over a small universe, ASCII plus a few non-ASCII samples (for
origins, only the characters the origin grammar lets through), which is exact for origins and
errs on the side of refusing otherwise.
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

__all__ = [
    "MAX_REGEX_PATH_LENGTH",
    "MAX_STEPS",
    "ORIGIN_ALPHABET",
    "ambiguous_repetition",
    "estimated_steps",
    "slow_regex",
]

_UNIVERSE: Final = frozenset(chr(code) for code in range(128)) | {"\u00e9", "\u4e00", "\U0001f600"}
_EMPTY: Final[frozenset[str]] = frozenset()
_REPEATS: Final = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_POSSESSIVE: Final = getattr(_c, "POSSESSIVE_REPEAT", None)
_ATOMIC: Final = getattr(_c, "ATOMIC_GROUP", None)
_ZERO_WIDTH: Final = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
#: Each character category as regex source (for messages) and compiled (to test characters).
_CATEGORY_TEXT: Final = {
    getattr(_c, name): text
    for name, text in (
        ("CATEGORY_DIGIT", r"\d"),
        ("CATEGORY_NOT_DIGIT", r"\D"),
        ("CATEGORY_SPACE", r"\s"),
        ("CATEGORY_NOT_SPACE", r"\S"),
        ("CATEGORY_WORD", r"\w"),
        ("CATEGORY_NOT_WORD", r"\W"),
    )
}
_CATEGORIES: Final = {category: re.compile(text) for category, text in _CATEGORY_TEXT.items()}


#: Estimated backtracking steps a regex may take on the longest input it is given, above which
#: it is refused. A step (one character compared, one split tried) measured up to 10 ns
#: (CPython 3.11, a lazy repetition of a group before a run of classes, on this project's
#: shared 2-core test machine), so an accepted regex stays near 0.5 ms at worst, under 1 ms.
MAX_STEPS: Final = 50_000
#: Longest path a path regex is tried on (see :mod:`cors_wsgi.routes`).
MAX_REGEX_PATH_LENGTH: Final = 2048

_GROUPREFS: Final = {_c.GROUPREF, getattr(_c, "GROUPREF_IGNORE", None)} - {None}
_LOOKAROUNDS: Final = {_c.ASSERT, _c.ASSERT_NOT}
_ANY_REPEAT: Final = _REPEATS | ({_POSSESSIVE} - {None})
_CONDITIONAL: Final = getattr(_c, "GROUPREF_EXISTS", None)
# ``$`` and ``\Z``: after a repetition that took the rest of the text, they cannot fail
_ENDS: Final = [(_c.AT, _c.AT_END), (_c.AT, _c.AT_END_STRING)]


#: The characters a serialized origin can hold (what a regex sees after the origin grammar).
ORIGIN_ALPHABET: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789+.-_:/[]")


def ambiguous_repetition(
    pattern: str, flags: int = 0, alphabet: frozenset[str] = _UNIVERSE
) -> str | None:
    """Return the source-level reason *pattern* can backtrack exponentially, or None.

    The reason names the construct, e.g. ``"a repetition inside a repetition can match the
    same text in more than one way"``. *alphabet* holds the characters inputs can contain.
    """
    ignore_case = bool(flags & re.IGNORECASE)
    analysis = _Analysis(ignore_case, alphabet)
    parsed = _p.parse(pattern, flags)
    return analysis.unsupported(parsed, in_loop=False) or analysis.find(parsed)


def slow_regex(
    pattern: str,
    flags: int,
    max_length: int,
    text: str = "input",
    alphabet: frozenset[str] = _UNIVERSE,
) -> str | None:
    """Why *pattern* can take too long on a hostile *text* of up to *max_length* characters
    from *alphabet* (exponential nesting, or too many overlapping repetitions), naming the
    construct and a safe rewrite; or None when its estimated worst case stays under
    :data:`MAX_STEPS`."""
    problem = ambiguous_repetition(pattern, flags, alphabet)
    if problem:
        return problem
    steps, chain = _estimate(pattern, flags, max_length, alphabet)
    if steps <= MAX_STEPS:
        return None
    shown = " then ".join(chain[-4:]) if chain else pattern
    if len(chain) > 4:
        shown = "... then " + shown
    amount = f"about {steps:,}" if steps < _HUGE else f"more than {_HUGE:.0e}"
    return (
        f"repetitions or choices that can match the same text one after another ({shown}) make a "
        f"backtracking engine try every way to split a {max_length}-character {text} between "
        f"them: {amount} steps, above the bound of {MAX_STEPS:,}; keep one such repetition "
        "and separate the others by a character they cannot match, e.g. [a-z0-9-]+ instead of "
        ".* in a host label, (?:[a-z0-9-]+\\.)* for any subdomains, [^/]+ for one path segment"
    )


def estimated_steps(
    pattern: str, flags: int, max_length: int, alphabet: frozenset[str] = _UNIVERSE
) -> int:
    """The guard's estimate of the backtracking steps *pattern* takes at worst on
    *max_length* characters (for tests and benchmarks)."""
    return _estimate(pattern, flags, max_length, alphabet)[0]


def _estimate(
    pattern: str, flags: int, max_length: int, alphabet: frozenset[str]
) -> tuple[int, tuple[str, ...]]:
    analysis = _Analysis(bool(flags & re.IGNORECASE), alphabet)
    items = list(_p.parse(pattern, flags))
    # Once a fullmatch reaches a final repetition that matches every character it can be
    # given, it succeeds: nothing before it is ever retried.
    while items and (items[-1] in _ENDS or analysis.matches_the_rest(items[-1], flags)):
        items.pop()
    return analysis.worst_steps(items, max_length)


# A thread of the step estimate: (banked, segment, largest, previous, middle, shown). ``banked``
# is how many ways the text before the current run of overlapping repetitions can be split,
# ``segment`` the product of that run's repetition counts and ``largest`` its largest;
# ``previous`` the characters the run's last repetition matches and ``middle`` the characters
# required since; ``shown`` the run's repetitions as written.
_Thread = tuple[int, int, int, frozenset[str] | None, frozenset[frozenset[str]], tuple[str, ...]]
_START: Final[_Thread] = (1, 1, 1, None, frozenset(), ())
#: Estimates stop growing here (far above any bound; keeps the numbers printable).
_HUGE: Final = 10**18


def _capped(steps: int) -> int:
    return min(steps, _HUGE)


_MAX_THREADS: Final = 256


class _Analysis:
    def __init__(self, ignore_case: bool, alphabet: frozenset[str] = _UNIVERSE) -> None:
        self.ignore_case = ignore_case
        self.alphabet = alphabet

    def matches_the_rest(self, item: Any, flags: int) -> bool:
        """True for ``.*`` (under DOTALL, or when inputs hold no newline), ``[\\s\\S]*``,
        ``(?s:.*)``: a repetition with no upper bound that any input character continues."""
        op, argument = item
        if op is _c.SUBPATTERN and len(argument[-1]) == 1:
            return self.matches_the_rest(argument[-1][0], (flags | argument[1]) & ~argument[2])
        if op not in _ANY_REPEAT or argument[0] != 0 or argument[1] != _c.MAXREPEAT:
            return False
        body = argument[2]
        if len(body) != 1:
            return False
        if body[0][0] is _c.ANY:
            return bool(flags & re.DOTALL) or "\n" not in self.alphabet
        return body[0][0] in (_c.IN, _c.CATEGORY) and self.characters(body[0]) >= self.alphabet

    # -- constructs no bound is known for ----------------------------------------------------

    def unsupported(self, items: Any, in_loop: bool) -> str | None:
        """Conditionals and back-references anywhere, lookarounds inside a repetition or
        holding one: refused with what to write instead."""
        for op, argument in items:
            if op is _CONDITIONAL:
                return (
                    "a conditional group (?(1)...|...), whose cost the guard cannot bound; "
                    "write the alternatives out as (?:A|B)"
                )
            if op in _GROUPREFS:
                return (
                    "a back-reference (\\1 or (?P=name)), whose cost the guard cannot bound; "
                    "write the referenced text out again"
                )
            if op in _LOOKAROUNDS:
                if in_loop:
                    return (
                        "a lookahead or lookbehind inside a repetition, which runs again at every "
                        "iteration; move it before the repetition or use a character class"
                    )
                if self.has_loop(argument[-1]):
                    return (
                        "a lookahead or lookbehind holding a repetition of variable length; "
                        "check a fixed text instead, e.g. (?!internal\\.)"
                    )
            for child, loops in self.children(op, argument):
                problem = self.unsupported(child, in_loop or loops)
                if problem:
                    return problem
        return None

    def has_loop(self, items: Any) -> bool:
        for op, argument in items:
            if op in _ANY_REPEAT and argument[1] > argument[0]:
                return True
            if any(self.has_loop(child) for child, _ in self.children(op, argument)):
                return True
        return False

    @staticmethod
    def children(op: Any, argument: Any) -> list[tuple[Any, bool]]:
        """The sub-sequences of one item, each with whether it may run more than once."""
        if op in _ANY_REPEAT:
            return [(argument[2], argument[1] > 1)]
        if op is _c.SUBPATTERN or op in _LOOKAROUNDS:
            return [(argument[-1], False)]
        if op is _ATOMIC:
            return [(argument, False)]
        if op is _c.BRANCH:
            return [(branch, False) for branch in argument[1]]
        if op is _CONDITIONAL:
            return [(branch, False) for branch in argument[1:] if branch is not None]
        return []

    # -- finding repetitions that run more than once -----------------------------------------

    def find(self, items: Any) -> str | None:
        """Walk *items*; check the body of every repetition that may run more than once.

        Atomic groups and possessive repetitions are checked as ordinary ones: they stop
        backtracking into a finished match, not while it is being found."""
        for op, argument in items:
            if op in _ANY_REPEAT:
                _low, high, body = argument
                if high > 1:
                    problem = self.check_loop(body)
                    if problem:
                        return problem
                    continue  # the check covered everything nested inside
                problem = self.find(body)
            elif op is _c.BRANCH:
                problem = next(filter(None, (self.find(b) for b in argument[1])), None)
            elif op is _c.SUBPATTERN or op in _LOOKAROUNDS:
                problem = self.find(argument[-1])
            elif op is _ATOMIC:
                problem = self.find(argument)
            else:
                continue
            if problem:
                return problem
        return None

    def check_loop(self, body: Any) -> str | None:
        if self.nullable(body):
            return "a repeated group that can match the empty string"
        # The next iteration follows the body; what follows the whole repetition is left out
        # here: the step estimate counts the choice of where to leave.
        return self.check_sequence(list(body), self.first(body))

    # -- the polynomial step estimate ---------------------------------------------------------

    def worst_steps(self, items: list[Any], length: int) -> tuple[int, tuple[str, ...]]:
        """Estimated steps at worst on *length* characters, and the repetitions that cost them.

        A backtracking engine tries every way to split the text between repetitions that can
        match the same characters one after another (with nothing between them they cannot
        both match), so a run of k such repetitions costs about length**k, and each split it
        reaches is tried against the rest of the pattern. Runs separated by a character the
        repetitions before cannot match multiply: the text before the separator can be split
        in several ways, and each way tries the text after it again.
        """
        self.length = length
        self.worst: tuple[int, tuple[str, ...]] = (max(1, self.size(items)), ())
        self.sequence(items, {_START}, 0)
        return self.worst

    def sequence(self, items: Any, threads: set[_Thread], after: int) -> set[_Thread]:
        """*threads* through *items*; *after* is the size of what follows them, which every
        way of reaching their end is tried against."""
        sizes = [self.size([item]) for item in items]
        rest = sum(sizes) + after
        for item, size in zip(items, sizes, strict=True):
            rest -= size
            threads = self.step(item, threads, rest)
            if len(threads) > _MAX_THREADS:  # keep the costliest: an estimate errs upwards
                threads = set(sorted(threads, key=lambda t: -t[0] * t[1])[:_MAX_THREADS])
        return threads

    def step(self, item: Any, threads: set[_Thread], after: int) -> set[_Thread]:
        op, argument = item
        if op in _ANY_REPEAT:
            low, high, body = argument
            # X? counts as a choice of two like any repetition (a?a?a?...a on "aaa..." tries
            # every subset); one holding a repetition is walked instead, to count that one.
            if high > low and (high > 1 or not self.has_loop(body)):
                count = min(high - low + 1, self.length + 1)
                return self.unit(_show(item), low == 0, count, body, threads, after)
            passed = threads
            for _ in range(max(1, min(low, 2)) if high else 0):
                passed = self.sequence(body, passed, after)
            if low == 0 and high:
                # taken or not, what follows may be tried twice: (?:a[0-9]*)? twenty times on
                # "aaaaaaaaaa" tries every subset
                passed = {
                    (_capped(t[0] * 2), *t[1:5], (*t[5], _show(item))) for t in passed | threads
                }
                self.note(passed, after)
            return passed
        if op is _c.SUBPATTERN or op in _LOOKAROUNDS:
            # a lookaround holds no repetition of variable length (see unsupported)
            return threads if op in _LOOKAROUNDS else self.sequence(argument[-1], threads, after)
        if op is _ATOMIC:
            return self.sequence(argument, threads, after)
        if op is _c.BRANCH:
            found: set[_Thread] = set()
            for branch in argument[1]:
                found |= self.sequence(branch, threads, after)
            ways = self.ways(argument[1])
            if ways > 1:
                # alternatives that can start alike may both match, and what follows is then
                # tried once for each: (?:a|a)(?:a|a)... tries every combination
                found = {(_capped(t[0] * ways), *t[1:5], (*t[5], _show(item))) for t in found}
                self.note(found, after)
            return found
        if op in _ZERO_WIDTH:
            return threads
        return {self.require(thread, self.characters(item)) for thread in threads}

    def require(self, thread: _Thread, chars: frozenset[str]) -> _Thread:
        """*thread* after one character from *chars*: a run of overlapping repetitions goes on
        only while that character could also be matched by its last repetition."""
        banked, segment, largest, previous, middle, shown = thread
        if previous is None:
            return thread
        if not previous & chars:
            return self.close(thread)
        return (banked, segment, largest, previous, middle | {chars}, shown)

    @staticmethod
    def close(thread: _Thread) -> _Thread:
        banked, segment, largest, _previous, _middle, _shown = thread
        return (_capped(banked * (segment // largest)), 1, 1, None, frozenset(), ())

    def ways(self, branches: Any) -> int:
        """How many times what follows alternatives may be tried: once when the next character
        decides between them; for fixed texts (``app1|app10|api``), once per length, since
        two different texts of one length never both match; otherwise once per alternative."""
        if not self.ambiguous_branches(branches):
            return 1
        texts = [self.fixed_text(branch) for branch in branches]
        if any(text is None for text in texts):
            return len(branches)
        by_length: dict[int, list[list[frozenset[str]]]] = {}
        for text in texts:
            assert text is not None
            same = by_length.setdefault(len(text), [])
            if any(all(a & b for a, b in zip(text, other, strict=True)) for other in same):
                return len(branches)  # two can match the same text
            same.append(text)
        return len(by_length)

    def fixed_text(self, items: Any) -> list[frozenset[str]] | None:
        """The characters at each position of a sequence of single characters, else None."""
        found: list[frozenset[str]] = []
        for op, argument in items:
            if op in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY, _c.CATEGORY):
                found.append(self.characters((op, argument)))
            elif op is _c.SUBPATTERN:
                inner = self.fixed_text(argument[-1])
                if inner is None:
                    return None
                found.extend(inner)
            else:
                return None
        return found

    def ambiguous_branches(self, branches: Any) -> bool:
        seen: frozenset[str] = _EMPTY
        for branch in branches:
            starts = self.first(branch)
            if starts & seen or self.nullable(branch):
                return True
            seen |= starts
        return False

    def unit(
        self,
        shown: str,
        optional: bool,
        count: int,
        body: Any,
        threads: set[_Thread],
        after: int,
    ) -> set[_Thread]:
        """A repetition or choice of *count* ways, joining the run before it when they can
        match the same characters, or starting a run of its own."""
        chars = self.all_characters(body)
        # Every iteration contains a character of each of these: text both repetitions can
        # match must contain them too.
        needs = self.needs(body)
        found: set[_Thread] = set()
        for thread in threads:
            banked, segment, largest, previous, middle, run = thread
            if previous is not None:
                shared = previous & chars
                if shared and all(needed & shared for needed in middle | needs):
                    grown = (*run, shown)
                    grown_segment = _capped(segment * count)
                    found.add((banked, grown_segment, max(largest, count), chars, needs, grown))
            closed = self.close(thread)
            found.add((closed[0], count, count, chars, needs, (shown,)))
            if optional:
                found.add(thread)
        self.note(found, after + self.size(body))
        return found

    def note(self, threads: set[_Thread], after: int) -> None:
        """Keep the costliest of *threads* as the worst case so far: each way of reaching this
        point is tried against the *after* characters of pattern that follow."""
        for banked, segment, _largest, _previous, _middle, run in threads:
            steps = _capped(banked * segment * (after + 1))
            if steps > self.worst[0]:
                self.worst = (steps, run)

    def needs(self, items: Any) -> frozenset[frozenset[str]]:
        """Sets of characters a match of *items* always holds one of (one set per character it
        must match outside alternatives and optional parts)."""
        found: set[frozenset[str]] = set()
        for op, argument in items:
            if op in _ANY_REPEAT:
                if argument[0] > 0:
                    found |= self.needs(argument[2])
            elif op is _c.SUBPATTERN:
                found |= self.needs(argument[-1])
            elif op is _ATOMIC:
                found |= self.needs(argument)
            elif op is not _c.BRANCH and op not in _ZERO_WIDTH and op is not _CONDITIONAL:
                found.add(self.characters((op, argument)))
        return frozenset(found)

    def all_characters(self, items: Any) -> frozenset[str]:
        """Every character a match of *items* can contain."""
        found: frozenset[str] = _EMPTY
        for op, argument in items:
            if op in _ZERO_WIDTH:
                continue
            children = self.children(op, argument)
            if children:
                for child, _ in children:
                    found |= self.all_characters(child)
            else:
                found |= self.characters((op, argument))
        return found

    def size(self, items: Any) -> int:
        """Characters a pattern's fixed parts compare at most on one try (repetitions once)."""
        total = 0
        for op, argument in items:
            if op in _ANY_REPEAT:
                low, high, body = argument
                total += self.size(body) * max(1, min(low, 64) if high == low else 1)
            elif op is _c.BRANCH:
                total += sum(self.size(branch) for branch in argument[1])
            elif op is _c.SUBPATTERN or op in _LOOKAROUNDS:
                total += self.size(argument[-1])
            elif op is _ATOMIC:
                total += self.size(argument)
            elif op not in _ZERO_WIDTH:
                total += 1
        return total

    # -- determinism inside a repeated body ------------------------------------------------

    def check_sequence(self, items: list[Any], follow: frozenset[str]) -> str | None:
        for index, (op, argument) in enumerate(items):
            rest = items[index + 1 :]
            after = self.first(rest) | (follow if self.nullable(rest) else _EMPTY)
            if op in _ANY_REPEAT:
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
            elif op is _ATOMIC:
                problem = self.check_sequence(list(argument), after)
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
            return self.alphabet
        if self.ignore_case:
            found |= {c.swapcase() for c in found}
        return found & self.alphabet

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


def _show(item: Any) -> str:
    """One parsed item written back as a regex (close to the source, for messages)."""
    op, argument = item
    if op in _ANY_REPEAT:
        low, high, body = argument
        inner = "".join(_show(child) for child in body)
        if len(body) != 1 or body[0][0] in _ANY_REPEAT:
            inner = f"(?:{inner})"
        if high == _c.MAXREPEAT:
            count = {0: "*", 1: "+"}.get(low, f"{{{low},}}")
        else:
            count = "?" if (low, high) == (0, 1) else f"{{{low},{high}}}"
        lazy = "?" if op is _c.MIN_REPEAT else "+" if op is _POSSESSIVE else ""
        return f"{inner}{count}{lazy}"
    if op is _c.SUBPATTERN:
        return "(" + "".join(_show(child) for child in argument[-1]) + ")"
    if op is _ATOMIC:
        return "(?>" + "".join(_show(child) for child in argument) + ")"
    if op is _c.BRANCH:
        return "(?:" + "|".join("".join(_show(c) for c in b) for b in argument[1]) + ")"
    if op is _c.LITERAL:
        return re.escape(chr(argument))
    if op is _c.ANY:
        return "."
    if op is _c.CATEGORY:
        return _CATEGORY_TEXT.get(argument, "?")
    if op is _c.IN:
        return "[" + "".join(_show_member(m) for m in argument) + "]"
    return "..."


def _show_member(member: Any) -> str:
    op, argument = member
    if op is _c.NEGATE:
        return "^"
    if op is _c.RANGE:
        return f"{re.escape(chr(argument[0]))}-{re.escape(chr(argument[1]))}"
    if op is _c.LITERAL:
        return re.escape(chr(argument))
    if op is _c.CATEGORY:
        return _CATEGORY_TEXT.get(argument, "?")
    return "?"
