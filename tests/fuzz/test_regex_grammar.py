"""The ReDoS guard's bound, tested from a grammar of regexes: every regex it accepts for
origins stays under 1 ms on any hostile 300-character Origin found, every one it accepts for
paths under 1 ms on 2,048-character paths.

The default run replays the kept corpus (regex_corpus.txt: cases that once slipped through or
sit at the edge) and a few seconds of random regexes; ``--run-slow`` runs minutes of them.
A failure prints the regex and its input: add the regex to the corpus with the fix.
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from cors_wsgi._regex import MAX_REGEX_PATH_LENGTH, ORIGIN_ALPHABET, slow_regex
from cors_wsgi.origins import MAX_ORIGIN_LENGTH

from ..benchmarks.regex_worst_case import PATH_ALPHABET, worst_case

BOUND_SECONDS = 0.001
CORPUS = Path(__file__).with_name("regex_corpus.txt")
#: What each kind of regex sees: the longest input and its characters.
KINDS = {
    "origin": (MAX_ORIGIN_LENGTH, ORIGIN_ALPHABET, "Origin"),
    "path": (MAX_REGEX_PATH_LENGTH, PATH_ALPHABET, "path"),
}

# -- the grammar -------------------------------------------------------------------------------

ATOMS = ("a", "b", "-", r"\.", ".", "/", "[a-z]", "[ab]", "[a-z0-9-]", r"\d", r"\w", "[^/]",
         "[^.]", r"[\s\S]", "(?s:.)")  # fmt: skip
QUANTIFIERS = ("*", "+", "?", "{2}", "{0,3}", "{1,}", "{2,5}", "{0,40}")
ANCHORS = ("^", "$", r"\b", r"\A", r"\Z")


def random_regex(rng: random.Random, depth: int = 0) -> str:
    """A random regex over a small alphabet, using every construct the guard must judge."""
    return "".join(_piece(rng, depth) for _ in range(rng.randint(1, 4)))


def _piece(rng: random.Random, depth: int) -> str:
    kind = rng.random()
    if depth >= 3 or kind < 0.35:
        piece = rng.choice(ATOMS)
    elif kind < 0.5:
        piece = f"({random_regex(rng, depth + 1)})"
    elif kind < 0.6:
        piece = f"(?:{random_regex(rng, depth + 1)}|{random_regex(rng, depth + 1)})"
    elif kind < 0.65:
        piece = f"(?>{random_regex(rng, depth + 1)})"
    elif kind < 0.72:
        look = rng.choice(("?=", "?!", "?<=", "?<!"))
        body = random_regex(rng, depth + 1) if look in ("?=", "?!") else rng.choice(("a", "b/"))
        piece = f"({look}{body})"
    elif kind < 0.76:
        piece = f"(a)?(?(1){random_regex(rng, depth + 1)}|{random_regex(rng, depth + 1)})"
    elif kind < 0.79:
        piece = r"([a-z]+)\1" if rng.random() < 0.5 else r"(?P<n>a)(?P=n)"
    elif kind < 0.83:
        return rng.choice(ANCHORS)
    else:
        piece = f"(?:{random_regex(rng, depth + 1)})"
    if rng.random() < 0.45:
        piece += rng.choice(QUANTIFIERS) + rng.choice(("", "", "?", "+"))
    if rng.random() < 0.1:  # a piece many times over: a?a?a?... costs 2**k tries
        piece *= rng.randint(6, 24)
    return piece


# -- the property --------------------------------------------------------------------------------


def judge(kind: str, source: str) -> str | None:
    """None when *source* is refused, invalid, or accepted and fast; otherwise what failed."""
    try:
        regex = re.compile(source)
    except (re.error, OverflowError, RecursionError):
        return None
    length, alphabet, text = KINDS[kind]
    if slow_regex(regex.pattern, regex.flags, length, text, alphabet):
        return None
    seconds, found = worst_case(regex, length, alphabet, give_up=BOUND_SECONDS)
    if seconds < BOUND_SECONDS:
        return None
    # a shared machine can stall any one measurement: time the input found again, best of 7
    seconds = min(_timed(regex, found) for _ in range(7))
    if seconds < BOUND_SECONDS:
        return None
    return f"{kind} regex {source!r} accepted, yet {seconds * 1e3:.2f} ms on {found[:120]!r}"


def _timed(regex: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    regex.fullmatch(text)
    return time.perf_counter() - start


def corpus() -> list[tuple[str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, source = line.split("\t", 1)
            rows.append((kind, source))
    return rows


@pytest.mark.parametrize(("kind", "source"), corpus())
def test_the_corpus_stays_bounded(kind: str, source: str) -> None:
    assert judge(kind, source) is None


def fuzz(seconds: float, seed: int) -> tuple[int, int, list[str]]:
    """Random regexes for *seconds*: how many were tried, how many accepted, the failures."""
    rng = random.Random(seed)
    tried = accepted = 0
    failures: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        source = random_regex(rng)
        for kind in KINDS:
            tried += 1
            try:
                regex = re.compile(source)
            except (re.error, OverflowError, RecursionError):
                continue
            length, alphabet, text = KINDS[kind]
            if slow_regex(regex.pattern, regex.flags, length, text, alphabet) is None:
                accepted += 1
                failure = judge(kind, source)
                if failure:
                    failures.append(failure)
    return tried, accepted, failures


@pytest.mark.parametrize(
    "seconds",
    [pytest.param(3, id="3 s"), pytest.param(300, id="5 min", marks=pytest.mark.slow)],
)
def test_random_regexes_the_guard_accepts_stay_bounded(seconds: float) -> None:
    seed = random.randrange(1 << 32)
    tried, accepted, failures = fuzz(seconds, seed)
    print(f"\nregex grammar fuzz (seed {seed}): {tried} judged, {accepted} accepted, bounded")
    assert not failures, f"seed {seed}:\n" + "\n".join(failures)
    assert accepted > 0


def test_the_grammar_reaches_every_construct() -> None:
    """The generator is worth its name: in a few hundred regexes, each construct appears."""
    rng = random.Random(1)
    sources = " ".join(random_regex(rng) for _ in range(400))
    for construct in ("(?>", "(?=", "(?!", "(?<=", "(?<!", "(?(1)", r"\1", "(?P=n)", "|", "{0,40}",
                      "*?", "++", "^", "[a-z]", "[^/]"):  # fmt: skip
        assert construct in sources, construct
