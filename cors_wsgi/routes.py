"""Per-path policies: path patterns, path normalisation, and loading them from INI files.

Protocol-free: a path is a string (WSGI's ``SCRIPT_NAME + PATH_INFO``, ASGI's ``path``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final, Generic, TypeVar

from ._regex import MAX_REGEX_PATH_LENGTH, slow_regex
from .errors import ConfigError, Problem
from .options import read_ini
from .policy import CORSPolicy

if TYPE_CHECKING:
    from os import PathLike

__all__ = [
    "INI_REGEX_PREFIX",
    "MAX_REGEX_PATH_LENGTH",
    "PathPattern",
    "PathRoute",
    "PolicyLike",
    "Routes",
    "as_policy",
    "build_routes",
    "load_ini",
    "normalise_path",
]

PolicyLike = CORSPolicy | Mapping[str, object]
PathPattern = str | re.Pattern[str]
T = TypeVar("T")

#: How an INI section names a regular-expression path: ``[cors:re:^/api/v[0-9]+/.*]``.
INI_REGEX_PREFIX: Final = "re:"


class PathRoute:
    """One ``(pattern, policy)`` pair of a per-path configuration.

    A pattern is an exact path (``/api/items``), a prefix (``/api/*``, which matches ``/api``
    and everything below ``/api/``, not ``/apix``), or a compiled :class:`re.Pattern` that must
    match the whole normalised path (``re.compile(r"/api/v[0-9]+/.*")``).
    """

    __slots__ = ("_exact", "_prefix", "_regex", "pattern", "policy")

    def __init__(self, pattern: PathPattern, policy: CORSPolicy) -> None:
        self.pattern = pattern
        self.policy = policy
        self._regex = pattern if isinstance(pattern, re.Pattern) else None
        if isinstance(pattern, re.Pattern):
            self._exact, self._prefix = "", ""
        elif pattern.endswith("/*"):
            self._exact = pattern[:-2] or "/"
            self._prefix = pattern[:-1]
        else:
            self._exact, self._prefix = pattern, ""

    @property
    def is_regex(self) -> bool:
        """True for a regular-expression pattern."""
        return self._regex is not None

    def matches(self, path: str) -> bool:
        """True when *path* (already normalised) is this pattern's path or lies below it, or
        matches its regular expression in full."""
        if self._regex is not None:
            return self._regex.fullmatch(path) is not None
        return path == self._exact or (bool(self._prefix) and path.startswith(self._prefix))

    def __repr__(self) -> str:
        return f"PathRoute({self.pattern!r}, {self.policy!r})"


class Routes(Generic[T]):
    """Path routes in matching order, each carrying a value (a policy's decider, say); the
    first route whose pattern matches the normalised path wins.

    A path longer than :data:`MAX_REGEX_PATH_LENGTH` is never tried against a regex (the
    guard bounds a regex's time on paths up to that length only). Such a path is matched
    against the exact and prefix routes before the first regex route as usual; on reaching a
    regex route it gets *closed*, the value of a policy that allows no origin, so it never
    falls to a later, broader route the regex might have kept it from.
    """

    __slots__ = ("closed", "routes", "values")

    def __init__(
        self, routes: Sequence[PathRoute], values: Sequence[T], closed: T | None = None
    ) -> None:
        self.routes = tuple(routes)
        self.values = tuple(values)
        self.closed = closed

    def select(self, path: str) -> T | None:
        """The value of the first route matching *path*, or None when none does."""
        path = normalise_path(path)
        too_long = len(path) > MAX_REGEX_PATH_LENGTH
        for route, value in zip(self.routes, self.values, strict=True):
            if too_long and route.is_regex:
                return self.closed
            if route.matches(path):
                return value
        return None


def normalise_path(path: str) -> str:
    """Resolve ``.``, ``..`` and repeated slashes, so a path cannot borrow another's policy."""
    if "/." not in path and "//" not in path and path[:1] == "/":  # the common case: scans
        return path
    if path[:1] != "/":  # PEP 3333 wants the slash; test clients may leave it out
        path = "/" + path
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    trailing = "/" if path.endswith(("/", "/.", "/..")) and segments else ""
    return "/" + "/".join(segments) + trailing


def as_policy(policy: PolicyLike) -> CORSPolicy:
    """A :class:`CORSPolicy` as given, or built from a mapping of its options."""
    return policy if isinstance(policy, CORSPolicy) else CORSPolicy.from_dict(policy)


def build_routes(pairs: Sequence[object]) -> list[PathRoute]:
    """Check ``(path_pattern, policy)`` pairs; every problem names its pattern."""
    routes: list[PathRoute] = []
    problems: list[Problem] = []
    for pair in pairs:
        if not (
            isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], (str, re.Pattern))
        ):
            problems.append(
                Problem("policy", pair, "expected a (path_pattern, policy) pair", "E024")
            )
            continue
        pattern, policy = pair
        problem = _path_pattern_problem(pattern)
        if problem:
            problems.append(Problem("path pattern", _shown(pattern), problem, "E025"))
            continue
        if not isinstance(policy, (CORSPolicy, Mapping)):
            problems.append(Problem(pattern, policy, "expected a CORSPolicy or a dict", "E024"))
            continue
        try:
            routes.append(PathRoute(pattern, as_policy(policy)))
        except ConfigError as error:
            problems.extend(p._replace(key=f"{_shown(pattern)}: {p.key}") for p in error.problems)
    if problems:
        raise ConfigError(problems)
    return routes


def _shown(pattern: PathPattern) -> str:
    return f"re:{pattern.pattern}" if isinstance(pattern, re.Pattern) else pattern


def _path_pattern_problem(pattern: PathPattern) -> str | None:
    if isinstance(pattern, re.Pattern):
        if not isinstance(pattern.pattern, str):  # re.compile(b"...") passes for a Pattern
            return "expected a str regular expression"  # type: ignore[unreachable]
        slow = slow_regex(pattern.pattern, pattern.flags, MAX_REGEX_PATH_LENGTH, "path")
        if slow:
            return (
                f"{slow}; such a regex can take far over a millisecond per request (ReDoS). "
                "End each repeated part with a character it cannot match, as in (?:[^/]+/)* "
                "for any number of segments, or use a prefix pattern (/api/*)"
            )
        return None
    star = pattern.find("*")
    if (
        not pattern.startswith("/")
        or (star != -1 and star != len(pattern) - 1)
        or (star != -1 and not pattern.endswith("/*"))
    ):
        return (
            "expected an exact path (/api/items), a prefix ending in /* (/api/*), "
            "or a compiled re.Pattern (in INI: [cors:re:^/api/v[0-9]+/.*$])"
        )
    return None


def load_ini(
    path: str | PathLike[str],
    section: str = "cors",
    paste_globals: Mapping[str, str] | None = None,
) -> CORSPolicy | list[tuple[PathPattern, CORSPolicy]]:
    """Read the policy of ``[cors]``, or per-path policies from ``[cors:/api/*]`` sections
    (``[cors:re:<regex>]`` for a regular expression matching the whole path).

    Path sections are matched in file order; a plain ``[cors]`` section, if present, then
    governs every other path (``/*``). *paste_globals* give ``%(name)s`` values (see
    :func:`~cors_wsgi.options.read_ini`).
    """
    sections = read_ini(path, paste_globals)
    prefix = f"{section}:"
    pairs: list[tuple[PathPattern, PolicyLike]] = []
    problems: list[Problem] = []
    for name, options in sections.items():
        if not name.startswith(prefix):
            continue
        pattern = name[len(prefix) :].strip()
        if pattern.startswith(INI_REGEX_PREFIX):
            source = pattern[len(INI_REGEX_PREFIX) :]
            try:
                pairs.append((re.compile(source), options))
            except (re.error, OverflowError) as error:
                problems.append(
                    Problem(f"[{name}]", source, f"invalid regular expression: {error}", "E010")
                )
        else:
            pairs.append((pattern, options))
    if problems:
        raise ConfigError(problems)
    if not pairs:
        return CORSPolicy.from_ini(path, section, paste_globals)
    if section in sections:
        pairs.append(("/*", sections[section]))
    return [(route.pattern, route.policy) for route in build_routes(pairs)]
