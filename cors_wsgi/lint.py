"""Warnings about legal but risky settings: what ``check`` reports beside a valid policy.

Each warning is a :class:`~cors_wsgi.errors.Problem` with a ``W`` code (see
:data:`~cors_wsgi.errors.PROBLEM_CODES`); ``cli.py`` only formats them.
"""

from __future__ import annotations

import re
from typing import Final

from .errors import Problem
from .options import ANY, Options, describe_function, matches_unownable, public_suffix_under

__all__ = ["LOOPBACK_HOSTS", "policy_warnings"]

#: The longest preflight cache each engine honours, in seconds (measured: WebKit preflighted
#: again 615 s after a max_age=3600 answer).
WEBKIT_MAX_AGE, CHROMIUM_MAX_AGE, FIREFOX_MAX_AGE = 600, 7200, 86400
#: Hosts whose plain-http origins stay on the machine, so credentials over http are fine.
LOOPBACK_HOSTS: Final = ("localhost", "127.0.0.1", "[::1]")
# A "." before a letter or digit is meant as a domain dot but matches any character.
UNESCAPED_DOT: Final = re.compile(r"(?<!\\)\.(?=[A-Za-z0-9])")


def policy_warnings(policy: Options) -> list[Problem]:
    """Risky settings that are still legal, in option order, each with its ``W`` code."""
    warnings = []
    if policy.allow_origin_func is not None:
        name = describe_function(policy.allow_origin_func)
        warnings.append(
            Problem(
                "allow_origin_func",
                name,
                f"{name} decides origins at run time, which "
                "cannot be checked offline; try an origin with explain, which asks it",
                "W001",
            )
        )
    if not (policy.allow_origins or policy.allow_origin_regex):
        warnings.append(
            Problem(
                "allow_origins",
                (),
                "empty: no origin is allowed, so every cross-origin read is blocked",
                "W002",
            )
        )
    for method in policy.allow_methods if policy.allow_methods != ANY else ():
        if method != method.upper():
            warnings.append(
                Problem(
                    "allow_methods",
                    method,
                    f"{method} is not upper case: browsers send it "
                    f"exactly as the page writes it, so only fetch(..., {{method: '{method}'}}) "
                    f"matches; you probably mean {method.upper()}",
                    "W003",
                )
            )
    for pattern in policy.allow_origins:
        suffix = public_suffix_under(pattern) if "*" in pattern and pattern != ANY else None
        if suffix:
            warnings.append(
                Problem(
                    "allow_origins",
                    pattern,
                    f"{pattern}: {suffix} is a public suffix, so "
                    "any stranger's site under it is allowed (refused with credentials)",
                    "W004",
                )
            )
    for regex in policy.matcher.regexes:
        unowned = matches_unownable(regex)
        if unowned:
            warnings.append(
                Problem(
                    "allow_origin_regex",
                    regex.pattern,
                    f"{regex.pattern} matches origins "
                    f"nobody can own (such as {unowned}): as broad as '*' (refused with "
                    "credentials)",
                    "W005",
                )
            )
        if UNESCAPED_DOT.search(regex.pattern):
            warnings.append(
                Problem(
                    "allow_origin_regex",
                    regex.pattern,
                    "an unescaped '.' matches any "
                    "character (https://apixexample.com for api.example.com); write \\.",
                    "W006",
                )
            )
    if policy.allow_credentials:
        for origin in policy.allow_origins:
            host = origin.removeprefix("http://").split(":")[0]
            if origin.startswith("http://") and host not in LOOPBACK_HOSTS:
                warnings.append(
                    Problem(
                        "allow_origins",
                        origin,
                        f"{origin} is plain http with credentials: "
                        "anyone on the network path can inject script into that origin and "
                        "read your users' data; use https",
                        "W007",
                    )
                )
    if policy.max_age is not None and policy.max_age > WEBKIT_MAX_AGE:
        caps = [("WebKit (Safari)", WEBKIT_MAX_AGE), ("Chromium", CHROMIUM_MAX_AGE)]
        caps.append(("Firefox", FIREFOX_MAX_AGE))
        capped = [f"{name} at {cap} s" for name, cap in caps if policy.max_age > cap]
        warnings.append(
            Problem(
                "max_age",
                policy.max_age,
                f"{policy.max_age} s: browsers cache preflights "
                f"for less: {' and '.join(capped)} (600 s is honoured by every engine)",
                "W008",
            )
        )
    if policy.cross_origin_protection and policy.allow_any_origin:
        warnings.append(
            Problem(
                "cross_origin_protection",
                True,
                "with allow_origins = * every origin is "
                "trusted, so it refuses only writes without a valid Origin; list the origins "
                "allowed to write",
                "W009",
            )
        )
    if "null" in policy.allow_origins:
        warnings.append(
            Problem(
                "allow_origins",
                "null",
                "null is listed: sandboxed iframes and data: "
                "documents of any site send Origin: null",
                "W010",
            )
        )
    if policy.debug:
        warnings.append(
            Problem("debug", True, "on: X-CORS-Reason tells every caller what is refused", "W011")
        )
    return warnings
