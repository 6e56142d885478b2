"""Origins: the Fetch standard's origin grammar, configured origin entries, and matching.

Pure functions and data only: no WSGI, no I/O.

The grammar (https://fetch.spec.whatwg.org/#origin-header) is what browsers send: a lower-case
scheme and host, no path, no userinfo, no percent-encoding, a port only when it is not the
scheme's default, or the exact string ``null``. cors_wsgi echoes an origin only when it has this
form, so a value that is not a real browser origin never reaches a response header.
"""

from __future__ import annotations

import re
from typing import Final

#: Longest ``Origin`` value considered at all: a DNS name has at most 253 characters, so a real
#: origin (scheme, host, port) fits. The cap bounds the work (and any cache) a hostile header
#: can cause, the regex's included.
MAX_ORIGIN_LENGTH: Final = 300

DEFAULT_PORTS: Final = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}

# Labels are separated by exactly one dot, so the pattern is linear in the input (no backtracking
# blow-up); IPv6 literals are kept in brackets, as browsers serialize them.
_ORIGIN_RE: Final = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.\-]*)://"
    r"(?P<host>[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?"
)


def is_serialized_origin(value: str) -> bool:
    """Return True when *value* is an origin exactly as a browser serializes it (or ``null``)."""
    if value == "null":
        return True
    if len(value) > MAX_ORIGIN_LENGTH:
        return False
    match = _ORIGIN_RE.fullmatch(value)
    if match is None:
        return False
    port = match["port"]
    if port is None:
        return True
    # Browsers drop a default port and never write leading zeros or ports above 65535.
    return (
        port == str(int(port)) and int(port) <= 65535 and DEFAULT_PORTS.get(match["scheme"]) != port
    )


def explain_bad_origin(entry: str) -> str:
    """Say, for a person, why *entry* is not a serialized origin."""
    if "://" not in entry:
        return "it has no scheme; write it as scheme://host[:port], e.g. https://app.example.com"
    scheme, _, rest = entry.partition("://")
    if rest.endswith("/") and "/" not in rest[:-1]:
        return "remove the trailing slash: browsers send origins without one"
    if any(sep in rest for sep in "/?#"):
        return "an origin has no path, query or fragment: keep only scheme://host[:port]"
    if "@" in rest:
        return "an origin has no user name or password"
    if entry != entry.lower():
        return (
            "write it in lower case: browsers send lower-case origins and they are compared exactly"
        )
    port = rest.rpartition(":")[2] if ":" in rest and not rest.endswith("]") else ""
    if port and DEFAULT_PORTS.get(scheme) == port:
        return f"remove the default port :{port}: browsers leave it out"
    return "it is not a serialized origin of the form scheme://host[:port]"


def matches_subdomain_pattern(origin: str, patterns: frozenset[str]) -> bool:
    """True when a pattern in *patterns* (``https://*.example.com[:port]``) matches *origin*.

    Rather than trying each pattern, this looks up every pattern that could match:
    ``https://a.b.example.com:8443`` is looked up as ``https://*.b.example.com:8443``,
    ``https://*.example.com:8443`` and ``https://*.com:8443``: one set lookup per label,
    whatever the number of patterns. *origin* must be serialized (checked).
    """
    scheme_end = origin.find("://") + 3
    prefix = origin[:scheme_end] + "*"
    dot = origin.find(".", scheme_end + 1)  # at least one label before the dot
    while dot != -1:
        if prefix + origin[dot:] in patterns:
            return True
        dot = origin.find(".", dot + 1)
    return False


def check_subdomain_pattern(entry: str) -> None:
    """Check ``scheme://*.host[:port]``: one or more labels in front of a fixed suffix, same scheme
    and port. Raise ValueError with a reason when *entry* is not such a pattern."""
    scheme, sep, rest = entry.partition("://")
    if not sep or not rest.startswith("*.") or "*" in rest[1:]:
        raise ValueError(
            "a wildcard must be the leftmost label, as in https://*.example.com "
            "(use allow_origin_regex for anything else)"
        )
    example = f"{scheme}://x{rest[1:]}"
    if not is_serialized_origin(example):
        raise ValueError(explain_bad_origin(example).replace("x.", "*.", 1))
    host = rest[2:].rsplit(":", 1)[0] if not rest.endswith("]") else rest[2:]
    if "." not in host and host != "localhost":
        raise ValueError(
            f"*.{host} is too broad: it would allow every site under a top-level domain"
        )
