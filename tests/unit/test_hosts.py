"""allowed_hosts: entries parsed and refused with what to write; Host values and origins
matched (case, trailing dot, IPv6 brackets, ports, subdomains, loopback)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cors_wsgi import CORSPolicy, rules
from cors_wsgi.errors import ConfigError
from cors_wsgi.hosts import HostMatcher, parse_host
from cors_wsgi.memo import ASGI_KEYS, WSGI_KEYS, PolicyDecider, request_facts

# entries, Host value, matched
HOSTS = [
    ("api.example.com", "api.example.com", True),
    ("api.example.com", "API.Example.Com", True),
    ("api.example.com", "api.example.com.", True),
    ("api.example.com.", "api.example.com", True),
    ("api.example.com", "api.example.com:8443", False),
    ("api.example.com", "api.example.com:", True),
    ("api.example.com", "evil-api.example.com", False),
    ("api.example.com", "api.example.com.evil.test", False),
    ("api.example.com:8443", "api.example.com:8443", True),
    ("api.example.com:8443", "api.example.com", False),
    ("api.example.com:8443", "api.example.com:443", False),
    ("api.example.com:*", "api.example.com:1", True),
    ("api.example.com:*", "api.example.com", True),
    ("*.example.com", "a.example.com", True),
    ("*.example.com", "a.b.example.com", True),
    ("*.example.com", "example.com", False),
    ("*.example.com", "evilexample.com", False),
    ("*.example.com", "a.example.com:8000", False),
    ("*.example.com:*", "a.example.com:8000", True),
    ("*.example.com:8000", "a.example.com:8000", True),
    ("*.example.com:8000", "a.example.com:9000", False),
    ("loopback", "localhost", True),
    ("loopback", "localhost:3000", True),
    ("loopback", "LOCALHOST.:3000", True),
    ("loopback", "127.0.0.1:65535", True),
    ("loopback", "[::1]:8000", True),
    ("loopback", "[0:0:0:0:0:0:0:1]:8000", True),
    ("loopback", "::1", False),  # an IPv6 address is bracketed in Host
    ("loopback", "127.0.0.1:65536", False),
    ("loopback", "127.1", False),  # browsers send 127.0.0.1
    ("loopback", "localhost.rebind.test", False),
    ("loopback", "rebind.test:8000", False),
    ("loopback", "localhost, rebind.test", False),  # two Host fields, joined
    ("loopback", "localhost:8000@rebind.test", False),
    ("loopback", "localhost/x", False),
    ("loopback", "", False),
    ("loopback", "l" * 400, False),
    ("[2001:db8::1]:*", "[2001:DB8:0::1]:8000", True),
    ("10.0.0.5:8000", "10.0.0.5:8000", True),
]


@pytest.mark.parametrize(("entry", "host", "matched"), HOSTS)
def test_host_values(entry: str, host: str, matched: bool) -> None:
    policy = CORSPolicy(allowed_hosts=[entry])
    assert policy.host_matcher is not None
    assert policy.host_matcher.allows_host(host) is matched


# entries, origin, counted as the server's own
ORIGINS = [
    ("loopback", "http://localhost:6274", True),
    ("loopback", "https://127.0.0.1", True),
    ("loopback", "http://[::1]:8000", True),
    ("loopback", "http://rebind.test:8000", False),
    ("loopback", "null", False),
    ("loopback", "http://LOCALHOST:8000", False),  # not as browsers send it
    ("api.example.com", "https://api.example.com", True),
    ("api.example.com", "https://api.example.com:8443", False),
    ("*.example.com:*", "https://a.example.com:8443", True),
]


@pytest.mark.parametrize(("entry", "origin", "own"), ORIGINS)
def test_origins_as_the_servers_own(entry: str, origin: str, own: bool) -> None:
    matcher = HostMatcher((entry,))
    assert matcher.allows_origin(origin) is own


# entry, words the message must hold
BAD = [
    ("http://localhost:8000/", "a host, not a URL: write localhost:8000"),
    ("localhost/api", "a host, not a URL: write localhost"),
    ("*", "as leaving allowed_hosts unset does"),
    ("api.*.example.com", "a wildcard must be the leftmost label"),
    ("*example.com", "a wildcard must be the leftmost label"),
    ("[::1", "not a host"),
    ("::1", "IPv6 addresses in brackets"),
    ("localhost:99999", "not a host"),
    ("localhost:http", "not a host"),
    ("user@localhost", "not a host"),
    ("*.127.0.0.1", "not an IP address"),
    ("*.[::1]", "not an IP address"),
]


@pytest.mark.parametrize(("entry", "words"), BAD)
def test_bad_entries_name_themselves_and_what_to_write(entry: str, words: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allowed_hosts=["localhost", entry])
    (problem,) = raised.value.problems
    assert (problem.key, problem.value, problem.code) == ("allowed_hosts", entry, "E032")
    assert words in problem.message


def test_entries_are_normalised_and_listed_once() -> None:
    policy = CORSPolicy(allowed_hosts="LoopBack, API.example.com., api.example.com *.Example.org:*")
    assert policy.allowed_hosts == ("loopback", "api.example.com", "*.example.org:*")
    assert CORSPolicy.from_dict({"allowed_hosts": ""}).host_matcher is None


def test_parse_host_normalises() -> None:
    assert parse_host("Example.COM.:08080") == ("example.com", "8080")
    assert parse_host("[::FFFF:127.0.0.1]") == ("[::ffff:7f00:1]", None)
    assert parse_host("host:*") is None  # only entries take any port


LOOPBACK_POLICY = CORSPolicy(
    allowed_hosts="loopback, *.example.com:*", refuse_untrusted_origins=True
)


@settings(max_examples=300, deadline=None)
@given(
    host=st.one_of(
        st.text(max_size=40),
        st.from_regex(
            r"(\[[0-9a-fA-F:.]{0,20}\]|[A-Za-z0-9.\-_]{0,20})(:[0-9*]{0,6})?", fullmatch=True
        ),
    ),
    origin=st.one_of(st.none(), st.sampled_from(["http://localhost:3000", "https://evil.example"])),
)
def test_any_host_is_decided_alike_by_the_rules_and_the_memo(host: str, origin: str | None) -> None:
    """Whatever a client writes in Host: no exception, and the memo (text and bytes facts)
    answers what the rules answer."""
    host = host.encode("latin-1", "replace").decode("latin-1")  # what a server can hand over
    expected = rules.decide(LOOPBACK_POLICY, rules.Request("GET", origin, host=host)).reason
    facts = request_facts("GET", origin)
    facts["HTTP_HOST"] = host
    for keys, handed in ((WSGI_KEYS, facts), (ASGI_KEYS, as_bytes(facts))):
        decider = PolicyDecider(LOOPBACK_POLICY, keys)
        for _ in range(2):  # a miss, then a hit
            decided = decider.decide(handed).reason
            if expected == "same_origin" or decided == "same_origin":
                continue  # the rules are given no server origin here
            assert decided == expected, (host, origin)


def as_bytes(facts: dict[str, str]) -> dict[object, object]:
    converted: dict[object, object] = {"REQUEST_METHOD": facts["REQUEST_METHOD"], "PATH_INFO": "/"}
    for key, value in facts.items():
        if key.startswith("HTTP_"):
            converted[key[5:].lower().replace("_", "-").encode()] = value.encode("latin-1")
    converted["asgi.scope"] = {"scheme": "http", "server": ("127.0.0.1", 8000)}
    return converted
