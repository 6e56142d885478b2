"""``allowed_hosts``: the ``Host`` values a server answers to, parsed and matched.

Pure functions and data only: no WSGI, no I/O. A DNS-rebinding page reaches a local server
under the attacker's name, so its requests carry that name in ``Host`` (and in ``Origin``); a
list of the names the server is really reached by refuses them. The rules that use it are in
:mod:`.rules`.

Entries: ``host`` (no port written, as browsers send the scheme's default port),
``host:port``, ``host:*`` (any port), ``*.example.com`` (one or more labels in front, with the
same port forms) and ``loopback`` (``localhost``, ``127.0.0.1`` and ``[::1]`` on any port).
Hosts are compared in lower case with a trailing dot dropped, IPv6 addresses in brackets as
the URL standard serializes them.
"""

from __future__ import annotations

import re
from typing import Final

from .origins import is_serialized_origin, serialize_ipv6

__all__ = ["ANY_PORT", "LOOPBACK", "LOOPBACK_NAMES", "HostMatcher", "parse_entry", "parse_host"]

#: The entry naming every address of this machine, on any port.
LOOPBACK: Final = "loopback"
LOOPBACK_NAMES: Final = ("localhost", "127.0.0.1", "[::1]")
#: The port of an entry that takes any port (``host:*``).
ANY_PORT: Final = "*"
#: Longer ``Host`` values are refused unread: a DNS name has at most 253 characters.
MAX_HOST_LENGTH: Final = 300

# A DNS name or IPv4 address in lower case (an optional trailing dot), or a bracketed IPv6
# address; then an optional port. Labels are separated by one dot: linear in the input.
_HOST: Final = re.compile(
    r"(?P<name>[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*\.?|\[(?P<ipv6>[0-9a-f:.]+)\])"
    r"(?::(?P<port>[0-9]{0,5}|\*))?"
)

HostPort = tuple[str, str | None]


def parse_host(value: str, *, any_port: bool = False) -> HostPort | None:
    """``(host, port)`` of a ``Host`` value or an origin's authority, normalised (lower case,
    trailing dot dropped, IPv6 serialized in brackets; port None when none is written), or
    None when it is not one. ``*`` as the port is accepted only with *any_port* (entries)."""
    if len(value) > MAX_HOST_LENGTH:
        return None
    match = _HOST.fullmatch(value.strip().lower())
    if match is None:
        return None
    port = match["port"] or None  # "host:" is "host" (RFC 3986: the port may be empty)
    if port == ANY_PORT and not any_port:
        return None
    if port not in (None, ANY_PORT):
        if int(port) > 65535:
            return None
        port = str(int(port))  # 08080 is 8080
    if match["ipv6"] is not None:
        canonical = serialize_ipv6(match["ipv6"])
        return None if canonical is None else (f"[{canonical}]", port)
    name = match["name"].removesuffix(".")
    return (name, port) if name else None


def parse_entry(entry: str) -> tuple[str, str | None, bool] | str:
    """``(host, port, subdomains)`` of an ``allowed_hosts`` entry (port ``*`` for any, None for
    none written; *subdomains* for ``*.example.com``), or what is wrong with it, in words that
    say what to write."""
    text = entry.strip().lower()
    if "://" in text or "/" in text:
        authority = text.partition("://")[2].split("/")[0] if "://" in text else text.split("/")[0]
        return f"a host, not a URL: write {authority or 'the host name'}"
    if text == "*":
        return "'*' allows every host, as leaving allowed_hosts unset does; list the host names"
    subdomains = text.startswith("*.")
    rest = text[2:] if subdomains else text
    if "*" in rest.removesuffix(":*"):
        return "a wildcard must be the leftmost label, as in *.example.com"
    parsed = parse_host(rest, any_port=True)
    if parsed is None:
        return (
            "not a host: write host, host:port, host:* (any port), *.example.com, or loopback "
            "(localhost, 127.0.0.1 and [::1] on any port); IPv6 addresses in brackets"
        )
    host, port = parsed
    if subdomains and (host.startswith("[") or host.replace(".", "").isdigit()):
        return "*. goes in front of a DNS name, not an IP address"
    return host, port, subdomains


class HostMatcher:
    """The compiled ``allowed_hosts`` of a policy: exact ``(host, port)`` pairs, hosts on any
    port, and subdomain suffixes (``.example.com``) with their port."""

    __slots__ = ("any_port", "exact", "suffixes")

    def __init__(self, entries: tuple[str, ...]) -> None:
        """*entries* are valid (checked by the option's parser)."""
        exact: set[HostPort] = set()
        any_port: set[str] = set()
        suffixes: list[tuple[str, str | None]] = []
        for entry in entries:
            if entry.strip().lower() == LOOPBACK:
                any_port.update(LOOPBACK_NAMES)
                continue
            parsed = parse_entry(entry)
            if isinstance(parsed, str):  # never, after the parser; refused all the same
                continue
            host, port, subdomains = parsed
            if subdomains:
                suffixes.append(("." + host, port))
            elif port == ANY_PORT:
                any_port.add(host)
            else:
                exact.add((host, port))
        self.exact: frozenset[HostPort] = frozenset(exact)
        self.any_port: frozenset[str] = frozenset(any_port)
        self.suffixes: tuple[tuple[str, str | None], ...] = tuple(suffixes)

    def allows(self, host: str, port: str | None) -> bool:
        """True when the normalised *host* and *port* match an entry."""
        if host in self.any_port or (host, port) in self.exact:
            return True
        for suffix, allowed_port in self.suffixes:
            if (
                host.endswith(suffix)
                and len(host) > len(suffix)
                and allowed_port in (ANY_PORT, port)
            ):
                return True
        return False

    def example(self) -> str:
        """A ``Host`` value that matches an entry (``explain`` sends it by default)."""
        if self.any_port:
            return sorted(self.any_port)[0]
        if self.exact:
            host, port = sorted(self.exact, key=str)[0]
            return host if port is None else f"{host}:{port}"
        suffix, port = self.suffixes[0]
        return f"www{suffix}" + ("" if port in (None, ANY_PORT) else f":{port}")

    def allows_host(self, value: str | None) -> bool:
        """True when a request's ``Host`` value matches an entry. A missing or malformed
        ``Host`` matches none: browsers always send one."""
        parsed = parse_host(value) if value else None
        return parsed is not None and self.allows(*parsed)

    def allows_origin(self, origin: str) -> bool:
        """True when the host and port of *origin* (as browsers serialize it) match an entry:
        under ``allowed_hosts``, what counts as the server's own origin. The scheme is not
        compared (``Host`` carries none); ``null`` and junk match nothing."""
        if origin == "null" or not is_serialized_origin(origin):
            return False
        return self.allows_host(origin.partition("://")[2])
