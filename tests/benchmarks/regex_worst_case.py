"""Worst measured match time of a regex on hostile input of a given length.

    python -m tests.benchmarks.regex_worst_case

prints one row per accepted regex of the tables in tests/unit/test_regex.py: the slowest
``fullmatch`` over inputs built to make a backtracking engine try every split.

Two kinds of input are tried. Fixed ones repeat a short unit (``a``, ``a.``, ``-``, ...)
between a scheme and a tail that fails the match at the very end, where backtracking costs
most. Pumped ones are built from the regex itself: a string it matches, with every repetition
run as long as the length allows, then cut or given a tail no repetition accepts.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from typing import Any

from cors_wsgi._regex import ORIGIN_ALPHABET, _show

try:  # re._parser since Python 3.11, sre_parse before
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p
from cors_wsgi.origins import MAX_ORIGIN_LENGTH

# Repeated units that the common character classes and separators accept, and tails that then
# make the match fail at the very end, where backtracking is most costly.
UNITS = ("a", "a.", "a-", "-", "1", "1.", "ab.", "a1-", ".", "ac", "aa.", "_", "/", "/a")
TAILS = ("!", "", ".", ".example.co", "\x00", "\n", "/", "_", "0")
PREFIXES = ("https://", "http://", "/", "")
#: Every character a path or an Origin may hold, for the pumped inputs.
PATH_ALPHABET = frozenset(chr(code) for code in range(32, 127)) | {"\n", "\u00e9"}


def hostile_inputs(length: int = MAX_ORIGIN_LENGTH) -> list[str]:
    """The fixed inputs: a prefix, a unit repeated up to *length*, a failing tail."""
    inputs = []
    for prefix in PREFIXES:
        for unit in UNITS:
            for tail in TAILS:
                count = max(1, (length - len(prefix) - len(tail)) // len(unit))
                inputs.append(prefix + unit * count + tail)
    return inputs


def pumped_inputs(
    regex: re.Pattern[str], length: int, alphabet: frozenset[str], seed: int = 0, tries: int = 12
) -> list[str]:
    """Inputs built from *regex*: matching strings with long repetitions, then spoiled."""
    pump = _Pump(alphabet, random.Random(seed), regex.flags)
    pump.literals = {c for c in regex.pattern if c in alphabet and not c.isalnum()} | {
        chr(argument)
        for op, argument in _walk(_p.parse(regex.pattern, regex.flags))
        if op is _c.LITERAL
    }
    parsed = _p.parse(regex.pattern, regex.flags)
    loops = sum(1 for op, argument in _walk(parsed) if op in _LOOPS and argument[1] > 1)
    found: set[str] = set()
    for attempt in range(tries):
        pump.greedy = attempt % 2 == 0
        text = pump.sequence(parsed, length // max(1, loops))[:length]
        if not text:
            continue
        spoilers = sorted(alphabet - pump.seen) or ["\x00"]
        found.add(text)
        found.add(text[:-1])
        found.add(text[: length - 1] + pump.random.choice(spoilers))
        found.add(text[: length // 2] + pump.random.choice(spoilers))
    return sorted(found)


_LOOPS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)}


def _walk(items: Any) -> Iterator[tuple[Any, Any]]:
    """Every item of a parsed regex, nested ones included."""
    for op, argument in items:
        yield op, argument
        if op in _LOOPS:
            yield from _walk(argument[2])
        elif op is _c.SUBPATTERN or op in (_c.ASSERT, _c.ASSERT_NOT):
            yield from _walk(argument[-1])
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            yield from _walk(argument)
        elif op is _c.BRANCH:
            for branch in argument[1]:
                yield from _walk(branch)
        elif op is getattr(_c, "GROUPREF_EXISTS", None):
            for branch in argument[1:]:
                if branch is not None:
                    yield from _walk(branch)


class _Pump:
    def __init__(self, alphabet: frozenset[str], rng: random.Random, flags: int) -> None:
        self.alphabet = sorted(alphabet)
        self.random = rng
        self.seen: set[str] = set()
        self.greedy = True
        self.ignore_case = bool(flags & re.IGNORECASE)
        #: The regex's own characters, chosen often: they are what ends or splits a repetition.
        self.literals: set[str] = set()
        self.choices: dict[str, list[str]] = {}

    def sequence(self, items: Any, budget: int) -> str:
        return "".join(self.item(item, budget) for item in items)

    def item(self, item: Any, budget: int) -> str:
        op, argument = item
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, high, body = argument
            unit = self.sequence(body, budget) or "a"
            most = max(low, min(high, budget // max(1, len(unit))))
            count = most if self.greedy else self.random.randint(low, max(low, most))
            share = budget // max(1, count)
            parts = [unit if self.greedy else self.sequence(body, share) for _ in range(count)]
            return "".join(parts)[: max(budget, len(unit) * low)]
        if op is _c.SUBPATTERN or op in (_c.ASSERT, _c.ASSERT_NOT):
            return "" if op is not _c.SUBPATTERN else self.sequence(argument[-1], budget)
        if op is getattr(_c, "ATOMIC_GROUP", None):
            return self.sequence(argument, budget)
        if op is _c.BRANCH:
            return self.sequence(self.random.choice(argument[1]), budget)
        if op in (_c.AT, _c.GROUPREF, getattr(_c, "GROUPREF_EXISTS", None)):
            return ""
        return self.character(item)

    def character(self, item: Any) -> str:
        shown = _p_text(item)
        if shown not in self.choices:
            pattern = re.compile(shown, re.IGNORECASE if self.ignore_case else 0)
            self.choices[shown] = [c for c in self.alphabet if pattern.fullmatch(c)]
        choices = self.choices[shown]
        favoured = [c for c in choices if c in self.literals]
        if favoured and self.random.random() < 0.6:
            choices = favoured
        chosen = self.random.choice(choices) if choices else "a"
        self.seen.add(chosen)
        return chosen


def _p_text(item: Any) -> str:
    return _show(item)


def candidates(
    regex: re.Pattern[str], length: int, alphabet: frozenset[str], tries: int = 12
) -> Iterator[str]:
    """The fixed and the pumped inputs, each at most *length* characters."""
    lead = re.match(r"[\w:/-]*", regex.pattern.lstrip("^"))
    prefix = lead.group() if lead else ""
    for text in hostile_inputs(length):
        for start in ("", prefix):
            shown = (start + text)[:length]
            if set(shown) <= alphabet:
                yield shown
    yield from pumped_inputs(regex, length, alphabet, tries=tries)


#: Lengths tried before the full one: a regex that backtracks exponentially shows it on a few
#: dozen characters, and is reported there instead of running for hours.
STEPS = (*range(8, 34, 2), 48, 64, 96, 128, 192, 256)


def worst_case(
    regex: re.Pattern[str],
    length: int = MAX_ORIGIN_LENGTH,
    alphabet: frozenset[str] = ORIGIN_ALPHABET,
    give_up: float = 0.01,
) -> tuple[float, str]:
    """The slowest fullmatch over the candidates and its input: each timed once, the slowest
    few again (best of three), so a noisy machine does not inflate the figure. Shorter
    lengths come first; one slower than *give_up* seconds ends the search there."""
    for shorter in STEPS:
        if shorter >= length:
            break
        found = _worst_at(regex, shorter, alphabet, give_up, tries=2)
        if found[0] > give_up:
            return found
    return _worst_at(regex, length, alphabet, give_up)


def _worst_at(
    regex: re.Pattern[str], length: int, alphabet: frozenset[str], give_up: float, tries: int = 12
) -> tuple[float, str]:
    timed = []
    for text in dict.fromkeys(candidates(regex, length, alphabet, tries)):
        start = time.perf_counter()
        regex.fullmatch(text)
        timed.append((time.perf_counter() - start, text))
        if timed[-1][0] > give_up * 3:  # slow beyond doubt: no need to look further
            break
    timed.sort(reverse=True)
    worst = (0.0, "")
    for _, text in timed[:4]:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            regex.fullmatch(text)
            best = min(best, time.perf_counter() - start)
        worst = max(worst, (best, text))
    return worst


def worst_case_seconds(
    regex: re.Pattern[str],
    length: int = MAX_ORIGIN_LENGTH,
    alphabet: frozenset[str] = PATH_ALPHABET,
) -> float:
    """The slowest fullmatch over the candidates (best of three for the slowest)."""
    return worst_case(regex, length, alphabet)[0]


def main() -> None:
    from cors_wsgi._regex import MAX_REGEX_PATH_LENGTH
    from tests.unit.test_regex import ACCEPTED, ACCEPTED_PATHS

    print("| regex | worst case |")
    print("|---|---|")
    for rows, length, alphabet in (
        (ACCEPTED, MAX_ORIGIN_LENGTH, ORIGIN_ALPHABET),
        (ACCEPTED_PATHS, MAX_REGEX_PATH_LENGTH, PATH_ALPHABET),
    ):
        for row in rows:
            (pattern,) = row.values
            seconds, _ = worst_case(re.compile(str(pattern)), length, alphabet)
            shown = str(pattern).replace("|", "\\|")  # a literal | would end the table cell
            print(f"| `{shown}` | {seconds * 1e6:.1f} µs on {length} characters |")


if __name__ == "__main__":
    main()
