"""Worst measured match time of origin regexes on hostile input of the Origin cap's length.

    python -m tests.benchmarks.regex_worst_case

prints one row per accepted regex of the safety table (tests/test_regex_safety.py): the slowest
``fullmatch`` over inputs built to make a backtracking engine try every split.
"""

from __future__ import annotations

import re
import time

from cors_wsgi.origins import MAX_ORIGIN_LENGTH

# Repeated units that the common character classes and separators accept, and tails that then
# make the match fail at the very end, where backtracking is most costly.
UNITS = ("a", "a.", "a-", "-", "1", "1.", "ab.", "a1-", ".", "ac", "aa.", "_")
TAILS = ("!", "", ".", ".example.co", "\x00")
PREFIXES = ("https://", "http://", "")


def hostile_inputs(length: int = MAX_ORIGIN_LENGTH) -> list[str]:
    inputs = []
    for prefix in PREFIXES:
        for unit in UNITS:
            for tail in TAILS:
                count = max(1, (length - len(prefix) - len(tail)) // len(unit))
                inputs.append(prefix + unit * count + tail)
    return inputs


def worst_case_seconds(regex: re.Pattern[str], length: int = MAX_ORIGIN_LENGTH) -> float:
    """The slowest fullmatch over the hostile inputs (best of three runs for each)."""
    worst = 0.0
    for text in hostile_inputs(length):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            regex.fullmatch(text)
            best = min(best, time.perf_counter() - start)
        worst = max(worst, best)
    return worst


def main() -> None:
    from tests.unit.test_regex import ACCEPTED

    print("| regex | worst of 300 hostile characters |")
    print("|---|---|")
    for row in ACCEPTED:
        (pattern,) = row.values
        seconds = worst_case_seconds(re.compile(str(pattern)))
        shown = str(pattern).replace("|", "\\|")  # a literal | would end the table cell
        print(f"| `{shown}` | {seconds * 1e6:.1f} µs |")


if __name__ == "__main__":
    main()
