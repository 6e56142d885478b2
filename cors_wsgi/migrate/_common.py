"""What every peer's translation shares: :class:`Migration` and the helpers that read origin
lists, regexes, methods and durations as the peers write them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "FLASK_REGEX_HINTS",
    "STAR_CREDENTIALS",
    "Migration",
    "allowed_methods",
    "as_list",
    "origins_and_regexes",
    "prefix_regex_as_full",
    "regex_source",
    "seconds",
]

#: Characters flask-cors takes as the sign of a regular expression in an origin or path.
FLASK_REGEX_HINTS: Final = frozenset("*\\]?$^[]()")
STAR_CREDENTIALS: Final = (
    "echoes every origin with credentials, so any site can read your users' data; cors_wsgi "
    "refuses that: list the trusted origins in allow_origins (or decide them with "
    "allow_origin_func)"
)


@dataclass
class Migration:
    """A peer's configuration as cors_wsgi options.

    ``options`` are the ``[cors]`` options; ``paths`` per-path option sets for the peer's path
    rules (a pattern, or ``re:<regex>`` for a full-match regular expression), in matching
    order; ``notes`` say where the meaning differs; ``unsafe`` lists what cannot be carried over
    safely, each saying what to write instead (the command then exits 1).
    """

    peer: str
    options: dict[str, Any] = field(default_factory=dict)
    paths: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)

    @property
    def safe(self) -> bool:
        return not self.unsafe

    def policy_config(self) -> Any:
        """What ``CORSMiddleware`` takes: the options, or ``(pattern, options)`` pairs."""
        if not self.paths:
            return dict(self.options)
        pairs: list[tuple[Any, dict[str, Any]]] = []
        for pattern, options in self.paths:
            key: Any = re.compile(pattern[3:]) if pattern.startswith("re:") else pattern
            pairs.append((key, {**self.options, **options}))
        return pairs

    def to_ini(self, section: str = "cors") -> str:
        """An INI file with the options, the notes as comments, and what is unsafe."""
        lines = [f"# cors_wsgi configuration migrated from {self.peer}"]
        lines += [f"# UNSAFE: {problem}" for problem in self.unsafe]
        lines += [f"# note: {note}" for note in self.notes]
        names = [f"{section}:{pattern}" for pattern, _ in self.paths] or [section]
        for name, (_, extra) in zip(names, self.paths or [("", {})], strict=True):
            lines += ["", f"[{name}]"]
            options = {**self.options, **extra}
            lines += [
                f"{key} = {_ini_value(value)}"
                for key, value in options.items()
                if value != [] or key == "allow_origins"  # empty lists are the default
            ]
        return "\n".join(lines) + "\n"


def _ini_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, (list, tuple)):
        if any(isinstance(item, re.Pattern) or "\n" in str(item) for item in value):
            return "\n    ".join(["", *(regex_source(item) for item in value)])
        return ", ".join(str(item) for item in value) if value else ""
    return str(value)


def regex_source(value: object) -> str:
    return value.pattern if isinstance(value, re.Pattern) else str(value)


def as_list(value: object) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, re.Pattern)):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


def seconds(value: object) -> object:
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds())
    return value


def allowed_methods(methods: Iterable[str]) -> list[str]:
    # OPTIONS needs no allowing: a preflight is answered whatever methods are listed.
    return [m.upper() for m in methods if m.upper() != "OPTIONS"] or ["GET"]


def prefix_regex_as_full(source: str) -> str:
    """A regex matched as a prefix (``re.match``) rewritten to be matched in full."""
    if source.endswith("$") and not source.endswith("\\$"):
        return source
    # (?s:.*) matches whatever follows, newlines included: the match never backtracks into
    # the prefix, which keeps the rule linear in the path's length
    return f"(?:{source})(?s:.*)"


def origins_and_regexes(
    migration: Migration, origins: list[Any], credentials: bool, case_insensitive: bool
) -> None:
    """Split a peer's origin list into exact origins and regexes (flask-cors, wsgicors)."""
    exact: list[str] = []
    regexes: list[str] = []
    for origin in origins:
        if origin == "*":
            if credentials:
                migration.unsafe.append(f"origins '*' with credentials {STAR_CREDENTIALS}")
            else:
                exact.append("*")
        elif isinstance(origin, re.Pattern) or any(c in FLASK_REGEX_HINTS for c in origin):
            source = regex_source(origin)
            full = prefix_regex_as_full(source)
            if full != source:
                migration.notes.append(
                    f"origin regex {source!r} was matched as a prefix (re.match), so it also "
                    "allowed origins that merely start with a match (https://app.example.com"
                    ".evil.example for app\\.example\\.com); cors_wsgi matches the whole origin"
                )
                full = source  # kept: a full match is the safe reading; the note says so
            regexes.append(full)
        else:
            lower = origin.lower().rstrip("/")
            if case_insensitive and lower != origin:
                migration.notes.append(
                    f"origin {origin!r} written as {lower} (browsers send lower case)"
                )
            exact.append(lower)
    if exact:
        migration.options["allow_origins"] = exact
    if regexes:
        migration.options["allow_origin_regex"] = regexes
