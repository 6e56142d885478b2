"""Per-path policies: path patterns, path normalisation, and loading them from INI files.

Protocol-free: a path is a string (WSGI's ``SCRIPT_NAME + PATH_INFO``, ASGI's ``path``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from .errors import ConfigError, Problem
from .options import read_ini
from .policy import CORSPolicy

if TYPE_CHECKING:
    from os import PathLike

__all__ = [
    "PathRoute",
    "PolicyLike",
    "Routes",
    "as_policy",
    "build_routes",
    "load_ini",
    "normalise_path",
]

PolicyLike = CORSPolicy | Mapping[str, object]
T = TypeVar("T")


class PathRoute:
    """One ``(pattern, policy)`` pair of a per-path configuration.

    A pattern is an exact path (``/api/items``) or a prefix (``/api/*``, which matches ``/api``
    and everything below ``/api/``, not ``/apix``).
    """

    __slots__ = ("_exact", "_prefix", "pattern", "policy")

    def __init__(self, pattern: str, policy: CORSPolicy) -> None:
        self.pattern = pattern
        self.policy = policy
        if pattern.endswith("/*"):
            self._exact: str = pattern[:-2] or "/"
            self._prefix: str = pattern[:-1]
        else:
            self._exact, self._prefix = pattern, ""

    def matches(self, path: str) -> bool:
        """True when *path* (already normalised) is this pattern's path or lies below it."""
        return path == self._exact or (bool(self._prefix) and path.startswith(self._prefix))

    def __repr__(self) -> str:
        return f"PathRoute({self.pattern!r}, {self.policy!r})"


class Routes(Generic[T]):
    """Path routes in matching order, each carrying a value (a policy's decider, say); the
    first route whose pattern matches the normalised path wins."""

    __slots__ = ("routes", "values")

    def __init__(self, routes: Sequence[PathRoute], values: Sequence[T]) -> None:
        self.routes = tuple(routes)
        self.values = tuple(values)

    def select(self, path: str) -> T | None:
        """The value of the first route matching *path*, or None when none does."""
        path = normalise_path(path)
        for route, value in zip(self.routes, self.values, strict=True):
            if route.matches(path):
                return value
        return None


def normalise_path(path: str) -> str:
    """Resolve ``.``, ``..`` and repeated slashes, so a path cannot borrow another's policy."""
    if "/." not in path and "//" not in path:  # the common case costs two substring scans
        return path
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
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            problems.append(Problem("policy", pair, "expected a (path_pattern, policy) pair"))
            continue
        pattern, policy = pair
        star = pattern.find("*")
        if (
            not pattern.startswith("/")
            or (star != -1 and star != len(pattern) - 1)
            or (star != -1 and not pattern.endswith("/*"))
        ):
            problems.append(
                Problem(
                    "path pattern",
                    pattern,
                    "expected an exact path (/api/items) or a prefix ending in /* (/api/*)",
                )
            )
            continue
        if not isinstance(policy, (CORSPolicy, Mapping)):
            problems.append(Problem(pattern, policy, "expected a CORSPolicy or a dict"))
            continue
        try:
            routes.append(PathRoute(pattern, as_policy(policy)))
        except ConfigError as error:
            problems.extend(
                Problem(f"{pattern}: {p.key}", p.value, p.message) for p in error.problems
            )
    if problems:
        raise ConfigError(problems)
    return routes


def load_ini(
    path: str | PathLike[str], section: str = "cors"
) -> CORSPolicy | list[tuple[str, CORSPolicy]]:
    """Read the policy of ``[cors]``, or per-path policies from ``[cors:/api/*]`` sections.

    Path sections are matched in file order; a plain ``[cors]`` section, if present, then
    governs every other path (``/*``).
    """
    sections = read_ini(path)
    prefix = f"{section}:"
    pairs: list[tuple[str, PolicyLike]] = [
        (name[len(prefix) :].strip(), options)
        for name, options in sections.items()
        if name.startswith(prefix)
    ]
    if not pairs:
        return CORSPolicy.from_ini(path, section)
    if section in sections:
        pairs.append(("/*", sections[section]))
    return [(route.pattern, route.policy) for route in build_routes(pairs)]
