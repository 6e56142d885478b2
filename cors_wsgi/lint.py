"""Warnings about legal but risky settings: what ``check`` reports beside a valid policy.

Each rule is a function of the validated :class:`~cors_wsgi.options.Options` yielding
:class:`~cors_wsgi.errors.Problem`\\ s with a ``W`` code (see
:data:`~cors_wsgi.errors.PROBLEM_CODES`); :func:`policy_warnings` runs them all, and ``cli.py``
only formats what they return.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Final

from .errors import Problem
from .options import (
    ANY,
    GLUED_NAME_FIX,
    Options,
    describe_function,
    matches_glued_name,
    matches_unownable,
    public_suffix_under,
)

__all__ = ["LOOPBACK_HOSTS", "WARNING_RULES", "nothing_allowed_anywhere", "policy_warnings"]

#: The longest preflight cache each engine honours, in seconds (measured: WebKit preflighted
#: again 615 s after a max_age=3600 answer).
WEBKIT_MAX_AGE, CHROMIUM_MAX_AGE, FIREFOX_MAX_AGE = 600, 7200, 86400
#: Hosts whose plain-http origins stay on the machine, so credentials over http are fine.
LOOPBACK_HOSTS: Final = ("localhost", "127.0.0.1", "[::1]")
# A "." before a letter or digit is meant as a domain dot but matches any character.
UNESCAPED_DOT: Final = re.compile(r"(?<!\\)\.(?=[A-Za-z0-9])")


def _origin_func_unchecked(policy: Options) -> Iterator[Problem]:
    if policy.allow_origin_func is not None:
        name = describe_function(policy.allow_origin_func)
        yield Problem(
            "allow_origin_func",
            name,
            f"{name} decides origins at run time, which cannot be checked offline; try an "
            "origin with explain, which asks it",
            "W001",
        )


def _nothing_allowed(policy: Options) -> Iterator[Problem]:
    if not (policy.allow_origins or policy.allow_origin_regex or _guards(policy)):
        yield Problem(
            "allow_origins",
            (),
            "empty: no origin is allowed, so every cross-origin read is blocked",
            "W002",
        )


def _method_not_upper_case(policy: Options) -> Iterator[Problem]:
    """Browsers upper-case only six methods; any other is sent, and compared, as the page
    wrote it (https://fetch.spec.whatwg.org/#concept-method-normalize)."""
    for method in policy.allow_methods if policy.allow_methods != ANY else ():
        if method != method.upper():
            yield Problem(
                "allow_methods",
                method,
                f"{method} is not upper case: browsers send it exactly as the page writes it, "
                f"so only fetch(..., {{method: '{method}'}}) matches; you probably mean "
                f"{method.upper()}",
                "W003",
            )


def _pattern_over_public_suffix(policy: Options) -> Iterator[Problem]:
    for pattern in policy.allow_origins:
        suffix = public_suffix_under(pattern) if "*" in pattern and pattern != ANY else None
        if suffix:
            yield Problem(
                "allow_origins",
                pattern,
                f"{pattern}: {suffix} is a public suffix, so any stranger's site under it is "
                "allowed (refused with credentials)",
                "W004",
            )


def _regex_too_broad(policy: Options) -> Iterator[Problem]:
    for regex in policy.matcher.regexes:
        unowned = matches_unownable(regex)
        if unowned:
            yield Problem(
                "allow_origin_regex",
                regex.pattern,
                f"{regex.pattern} matches origins nobody can own (such as {unowned}): as broad "
                "as '*' (refused with credentials)",
                "W005",
            )
        glued = None if unowned else matches_glued_name(regex)
        if glued:
            yield Problem(
                "allow_origin_regex",
                regex.pattern,
                f"{regex.pattern} also matches {glued}, a site anyone can register (refused "
                f"with credentials); {GLUED_NAME_FIX}",
                "W014",
            )
        if UNESCAPED_DOT.search(regex.pattern):
            yield Problem(
                "allow_origin_regex",
                regex.pattern,
                "an unescaped '.' matches any character (https://apixexample.com for "
                "api.example.com); write \\.",
                "W006",
            )


def _plain_http_with_credentials(policy: Options) -> Iterator[Problem]:
    if not policy.allow_credentials:
        return
    for origin in policy.allow_origins:
        host = origin.removeprefix("http://").split(":")[0]
        if origin.startswith("http://") and host not in LOOPBACK_HOSTS:
            yield Problem(
                "allow_origins",
                origin,
                f"{origin} is plain http with credentials: anyone on the network path can "
                "inject script into that origin and read your users' data; use https",
                "W007",
            )


def _max_age_above_caps(policy: Options) -> Iterator[Problem]:
    if policy.max_age is not None and policy.max_age > WEBKIT_MAX_AGE:
        caps = [("WebKit (Safari)", WEBKIT_MAX_AGE), ("Chromium", CHROMIUM_MAX_AGE)]
        caps.append(("Firefox", FIREFOX_MAX_AGE))
        capped = [f"{name} at {cap} s" for name, cap in caps if policy.max_age > cap]
        yield Problem(
            "max_age",
            policy.max_age,
            f"{policy.max_age} s: browsers cache preflights for less: {' and '.join(capped)} "
            "(600 s is honoured by every engine)",
            "W008",
        )


def _protection_trusting_everyone(policy: Options) -> Iterator[Problem]:
    if policy.cross_origin_protection and policy.allow_any_origin:
        yield Problem(
            "cross_origin_protection",
            True,
            "with allow_origins = * every origin is trusted, so it refuses only writes without "
            "a valid Origin; list the origins allowed to write",
            "W009",
        )


def _null_allowed(policy: Options) -> Iterator[Problem]:
    if "null" in policy.allow_origins:
        yield Problem(
            "allow_origins",
            "null",
            "null is listed: sandboxed iframes and data: documents of any site send Origin: null",
            "W010",
        )


def _untrusted_origins_without_hosts(policy: Options) -> Iterator[Problem]:
    """A DNS-rebinding page's ``Origin`` and ``Host`` both name the attacker's host, so
    without ``allowed_hosts`` its requests look same-origin and pass."""
    if policy.refuse_untrusted_origins and policy.host_matcher is None:
        yield Problem(
            "refuse_untrusted_origins",
            True,
            "on without allowed_hosts: a DNS-rebinding page's Origin names the request's Host, "
            "so it passes as the server's own; list the server's names in allowed_hosts "
            "(allowed_hosts = loopback for a local server)",
            "W013",
        )


def _debug_on(policy: Options) -> Iterator[Problem]:
    if policy.debug:
        yield Problem("debug", True, "on: X-CORS-Reason tells every caller what is refused", "W011")


#: Every warning rule, in the order ``check`` reports their warnings.
WARNING_RULES: Final[tuple[Callable[[Options], Iterable[Problem]], ...]] = (
    _origin_func_unchecked,
    _nothing_allowed,
    _method_not_upper_case,
    _pattern_over_public_suffix,
    _regex_too_broad,
    _plain_http_with_credentials,
    _max_age_above_caps,
    _protection_trusting_everyone,
    _null_allowed,
    _untrusted_origins_without_hosts,
    _debug_on,
)


def policy_warnings(policy: Options) -> list[Problem]:
    """Risky settings that are still legal, each a :class:`Problem` with its ``W`` code."""
    return [warning for rule in WARNING_RULES for warning in rule(policy)]


def _guards(policy: Options) -> bool:
    """A policy guarding a (local) server against other hosts and origins: allowing no
    origin is then deliberate."""
    return bool(policy.allowed_hosts) or policy.refuse_untrusted_origins


def _allows_nothing(policy: Options) -> bool:
    return not (
        policy.allow_origins
        or policy.allow_origin_regex
        or policy.allow_origin_func
        or _guards(policy)
    )


def nothing_allowed_anywhere(paths: Sequence[tuple[str, Options]]) -> Problem | None:
    """W012 when no policy of a configuration can allow any origin (*paths*: each path pattern
    with its policy, ``/*`` for a single policy), else None.

    Per-path policies that leave some paths empty beside others allowing origins are taken as
    deliberate (refusing cross-origin reads there) and draw nothing here, only W002 each.
    """
    if not paths or not all(_allows_nothing(policy) for _, policy in paths):
        return None
    names = ", ".join(pattern for pattern, _ in paths)
    return Problem(
        "allow_origins",
        (),
        f"no origin is allowed on any path ({names}): no allow_origins, allow_origin_regex "
        "or allow_origin_func, so every cross-origin read is blocked; often an unset "
        "environment variable feeding the allowlist",
        "W012",
    )
