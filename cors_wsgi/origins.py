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
# blow-up). A trailing dot is kept: browsers send app.example.com. as its own origin. IPv6
# literals are kept in brackets and checked against the URL standard's serialization below.
_ORIGIN_RE: Final = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.\-]*)://"
    r"(?P<host>[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*\.?|\[(?P<ipv6>[0-9a-f:.]+)\])"
    r"(?::(?P<port>[0-9]{1,5}))?"
)
# The URL standard's "ends in a number" test: such a host is parsed as an IPv4 address.
_NUMERIC_LABEL: Final = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")


def is_serialized_origin(value: str) -> bool:
    """Return True when *value* is an origin exactly as a browser serializes it (or ``null``)."""
    if value == "null":
        return True
    if len(value) > MAX_ORIGIN_LENGTH:
        return False
    match = _ORIGIN_RE.fullmatch(value)
    if match is None:
        return False
    return _canonical_host(match) == match["host"] and _port_problem(match) is None


def _canonical_host(match: re.Match[str]) -> str | None:
    """The host as a browser serializes it, or None when no browser can send this host."""
    host = match["host"]
    if match["ipv6"] is not None:
        canonical = serialize_ipv6(match["ipv6"])
        return None if canonical is None else f"[{canonical}]"
    labels = host.split(".")
    if labels[-1] == "":
        labels.pop()
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        return serialize_ipv4(host)
    return host


def _port_problem(match: re.Match[str]) -> str | None:
    port = match["port"]
    if port is None:
        return None
    if port != str(int(port)):
        return f"write the port without leading zeros (:{int(port)})"
    if int(port) > 65535:
        return "a port is at most 65535"
    if int(port) == 0:
        return "port 0 is a bad port: browsers never fetch from it"
    if DEFAULT_PORTS.get(match["scheme"]) == port:
        return f"remove the default port :{port}: browsers leave it out"
    return None


def serialize_ipv4(host: str) -> str | None:
    """The URL standard's IPv4 parser and serializer: ``127.1`` is ``127.0.0.1``, as browsers
    send it. None when *host* is not an IPv4 address a URL parser accepts."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        if part[:2] in ("0x", "0X"):
            digits, base = part[2:] or "0", 16
        elif len(part) > 1 and part.startswith("0"):
            digits, base = part[1:], 8
        else:
            digits, base = part, 10
        try:
            numbers.append(int(digits, base))
        except ValueError:
            return None
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    address = last
    for index, number in enumerate(leading):
        address += number * 256 ** (3 - index)
    return ".".join(str((address >> shift) & 255) for shift in (24, 16, 8, 0))


def serialize_ipv6(text: str) -> str | None:
    """The URL standard's IPv6 serialization (lower case, no leading zeros, the first longest
    run of two or more zero pieces compressed, never a dotted IPv4 tail), or None when *text*
    is not an IPv6 address. Written out rather than taken from :mod:`ipaddress`, whose output
    for IPv4-mapped addresses differs across Python versions."""
    import ipaddress  # only for the rare bracketed host

    try:
        value = int(ipaddress.IPv6Address(text))
    except ValueError:
        return None
    pieces = [(value >> (112 - 16 * index)) & 0xFFFF for index in range(8)]
    best_start, best_length, start = -1, 1, -1
    for index, piece in enumerate([*pieces, 1]):  # a sentinel closes the last run
        if piece == 0 and start == -1:
            start = index
        elif piece != 0 and start != -1:
            if index - start > best_length:
                best_start, best_length = start, index - start
            start = -1
    hexes = [f"{piece:x}" for piece in pieces]
    if best_start == -1:
        return ":".join(hexes)
    head = ":".join(hexes[:best_start])
    tail = ":".join(hexes[best_start + best_length :])
    return f"{head}::{tail}"


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
    match = _ORIGIN_RE.fullmatch(entry)
    if match is not None:
        canonical = _canonical_host(match)
        port = f":{match['port']}" if match["port"] else ""
        if canonical is None:
            return "its host is not a valid IP address"
        if canonical != match["host"]:
            return f"browsers send this host as {canonical}: write {scheme}://{canonical}{port}"
        problem = _port_problem(match)
        if problem:
            return problem
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


def pattern_suffix(pattern: str) -> str:
    """The host suffix a subdomain pattern sits over: ``https://*.github.io:8443`` gives
    ``github.io`` (a trailing dot dropped: it adds no breadth)."""
    rest = pattern.removesuffix(ANY_PORT).partition("://")[2][2:]
    host = rest if rest.endswith("]") else rest.rsplit(":", 1)[0] if ":" in rest else rest
    return host.removesuffix(".")


#: The port wildcard that ends an allow_origins entry: ``http://localhost:*``.
ANY_PORT: Final = ":*"


def without_port(origin: str) -> str:
    """A serialized origin without its port: ``http://localhost:5173`` gives
    ``http://localhost`` (an IPv6 host's colons are inside brackets)."""
    head, colon, port = origin.rpartition(":")
    return head if colon and port.isdigit() and "://" in head else origin


def check_port_wildcard(entry: str) -> None:
    """Check ``scheme://host:*`` or ``scheme://*.host:*``: an origin or subdomain pattern
    without a port, then ``:*``. Raise ValueError with a reason when *entry* is not one."""
    base = entry.removesuffix(ANY_PORT)
    if "*" in base.partition("://")[2][1:]:
        raise ValueError("':*' (any port) ends the entry, as in http://localhost:*")
    scheme = base.partition("://")[0]
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"'{scheme}:' origins have no port to wildcard; list the origin")
    if without_port(base) != base:
        raise ValueError(f"write the host without a port before ':*': {without_port(base)}:*")
    if base.partition("://")[2].startswith("*."):
        check_subdomain_pattern(base)
    elif not is_serialized_origin(base):
        raise ValueError(explain_bad_origin(base))


def check_subdomain_pattern(entry: str) -> None:
    """Check ``scheme://*.host[:port]``: one or more labels in front of a fixed suffix, same scheme
    and port. Raise ValueError with a reason when *entry* is not such a pattern."""
    scheme, sep, rest = entry.partition("://")
    if not sep or not rest.startswith("*.") or "*" in rest[1:]:
        raise ValueError(
            "a wildcard must be the leftmost label, as in https://*.example.com, or the "
            "whole port, as in http://localhost:* (use allow_origin_regex for anything else)"
        )
    example = f"{scheme}://x{rest[1:]}"
    if not is_serialized_origin(example):
        raise ValueError(explain_bad_origin(example).replace("x.", "*.", 1))
    host = pattern_suffix(entry)
    if "." not in host and host != "localhost":
        raise ValueError(
            f"*.{host} is too broad: it would allow every site under a top-level domain"
        )


class OriginMatcher:
    """The compiled origin allowlist of a policy: exact origins, subdomain patterns, regexes,
    or any origin. :meth:`match` checks the origin grammar before any pattern or regex sees
    the value, so nothing that is not a browser's origin is ever matched."""

    __slots__ = ("allow_any", "any_port", "exact", "patterns", "patterns_any_port", "regexes")

    def __init__(
        self,
        allow_any: bool,
        exact: frozenset[str],
        patterns: frozenset[str],
        regexes: tuple[re.Pattern[str], ...],
        any_port: frozenset[str] = frozenset(),
        patterns_any_port: frozenset[str] = frozenset(),
    ) -> None:
        self.allow_any, self.exact, self.patterns, self.regexes = (
            allow_any,
            exact,
            patterns,
            regexes,
        )
        #: Origins and subdomain patterns listed with ``:*``, without it: any port of theirs.
        self.any_port, self.patterns_any_port = any_port, patterns_any_port

    def match(self, origin: str) -> bool | None:
        """True when *origin* is allowed, False when not, None when it is no valid origin."""
        if self.allow_any or origin in self.exact:  # exact entries are valid by construction
            return True
        if origin == "null":  # only ever allowed by listing it (an exact entry above)
            return False
        if not is_serialized_origin(origin):
            return None
        if self.patterns and matches_subdomain_pattern(origin, self.patterns):
            return True
        if self.any_port or self.patterns_any_port:
            portless = without_port(origin)
            if portless in self.any_port or (
                self.patterns_any_port
                and matches_subdomain_pattern(portless, self.patterns_any_port)
            ):
                return True
        return any(regex.fullmatch(origin) for regex in self.regexes)


def server_origin(scheme: str, host: str) -> str:
    """The origin of a server reached as *scheme* with this ``Host`` value, serialized as
    browsers send it (lower case, default port left out)."""
    host = host.lower()
    default = DEFAULT_PORTS.get(scheme)
    if default and host.endswith(f":{default}"):
        host = host[: -len(default) - 1]
    return f"{scheme}://{host}"
