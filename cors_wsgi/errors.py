"""The configuration error cors_wsgi raises and the codes of every problem it reports, kept apart
so every module can import them."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, NamedTuple

__all__ = ["PROBLEM_CODES", "ConfigError", "Problem", "Severity"]

Severity = Literal["error", "warning"]

#: Every problem code and what it means, one line each: ``E`` codes refuse a configuration
#: (:class:`ConfigError`), ``W`` codes are ``check``'s warnings about legal but risky settings.
#: A code, once published, keeps its meaning; retired codes are not reused.
PROBLEM_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "E001": "unknown option (the message suggests the nearest known name)",
        "E002": "not a list of strings, or a list holding something else than strings",
        "E003": "an empty or blank entry in a list",
        "E004": "not a boolean (true/false/yes/no/on/off/1/0)",
        "E005": "max_age is not a whole number of seconds >= 0 or none",
        "E006": "not a number of seconds >= 0",
        "E007": "allow_origin_func's import string is malformed or cannot be imported",
        "E008": "allow_origin_func is not callable",
        "E009": "allow_origin_regex is not a string, a str re.Pattern or a list of them",
        "E010": "invalid regular expression",
        "E011": "a regular expression that can backtrack too long on a hostile input (ReDoS)",
        "E012": "a subdomain pattern other than one leftmost wildcard label, or too broad",
        "E013": "not an origin as browsers send it (the message says what to write)",
        "E014": "'*' listed together with other entries",
        "E015": "not an HTTP token (a method or header name)",
        "E016": "allow_origin_func together with allow_origins='*', which never asks it",
        "E017": "allow_origins='*' together with allow_credentials",
        "E018": "a regex matching origins nobody can own, together with allow_credentials",
        "E019": "a subdomain pattern over a public suffix, together with allow_credentials",
        "E020": "the 'null' origin together with allow_credentials",
        "E021": "allow_private_network together with allow_origins='*'",
        "E022": "an INI value holding %(name)s interpolation, which only PasteDeploy performs",
        "E023": "the INI file has no such section",
        "E024": "the middleware's policy argument is not a policy, a dict or (path, policy) pairs",
        "E025": "a path pattern that is not an exact path, a prefix ending in /*, or a safe regex",
        "E026": "the application is of the wrong kind for this middleware (WSGI against ASGI)",
        "E027": "an async def allow_origin_func under the WSGI middleware",
        "E028": "an environment variable's value written as a JSON array or in quotes",
        "E029": "an INI file that is not UTF-8 text or not valid INI (no section header, a "
        "duplicate section or key)",
        "E030": "origin_func_timeout is not a number of seconds > 0",
        "E031": "origin_func_concurrency is not a whole number >= 1",
        "E032": "an allowed_hosts entry that is not host, host:port, host:*, *.example.com or "
        "loopback",
        "E033": "a regex matching hosts that end in a name it spells out without a dot before "
        "it (https://evilexample.com), together with allow_credentials",
        "W001": "allow_origin_func decides origins at run time, which check cannot see",
        "W002": "no origin is allowed: every cross-origin read is blocked",
        "W003": "a method that is not upper case, so only a page writing it so matches",
        "W004": "a subdomain pattern over a public suffix: strangers' sites are allowed",
        "W005": "a regex matching origins nobody can own: as broad as '*'",
        "W006": "an unescaped '.' in a regex, which matches any character",
        "W007": "a plain http origin with credentials",
        "W008": "max_age above what some browsers honour",
        "W009": "cross_origin_protection with allow_origins='*' refuses almost nothing",
        "W010": "the 'null' origin is allowed",
        "W011": "debug is on: X-CORS-Reason tells every caller what is refused",
        "W012": "no policy allows any origin at all: often an unset environment variable",
        "W013": "refuse_untrusted_origins without allowed_hosts: a DNS-rebinding page looks "
        "same-origin",
        "W014": "a regex matching hosts that end in a name it spells out without a dot before "
        "it (https://evilexample.com)",
    }
)


class Problem(NamedTuple):
    """One thing wrong with a configuration: the key, the offending value, why, and its code
    (a key of :data:`PROBLEM_CODES`: ``E0nn`` for errors, ``W0nn`` for warnings)."""

    key: str
    value: object
    message: str
    code: str

    @property
    def severity(self) -> Severity:
        """``"error"`` (the configuration is refused) or ``"warning"`` (legal but risky)."""
        return "warning" if self.code.startswith("W") else "error"

    @property
    def description(self) -> str:
        """What the code means, from :data:`PROBLEM_CODES`."""
        return PROBLEM_CODES[self.code]

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r}: {self.message}"


class ConfigError(ValueError):
    """A CORS policy or its configuration is invalid.

    Raised when a policy or middleware is built, never while serving. ``problems`` lists every
    problem found (not only the first), each naming the key, the bad value and its code.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [str(problem) for problem in self.problems]
        if len(lines) == 1:
            super().__init__(lines[0])
        else:
            super().__init__(f"{len(lines)} problems:\n  " + "\n  ".join(lines))
