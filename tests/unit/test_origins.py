"""Origin grammar (the Fetch standard's, with hosts as the URL standard serializes them) and origin
matching rules, table-driven."""

from __future__ import annotations

import pytest

from cors_wsgi import ConfigError, CORSPolicy
from cors_wsgi.origins import is_serialized_origin


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        pytest.param("https://app.example.com", True, id="https host"),
        pytest.param("http://localhost:8080", True, id="port"),
        pytest.param("http://127.0.0.1:5000", True, id="ipv4"),
        pytest.param("http://[::1]:8000", True, id="ipv6"),
        pytest.param("https://xn--bcher-kva.example", True, id="punycode"),
        pytest.param("chrome-extension://abcdefghijklmnop", True, id="extension scheme"),
        pytest.param("null", True, id="null"),
        pytest.param("NULL", False, id="null is case-sensitive"),
        pytest.param("https://APP.example.com", False, id="upper-case host"),
        pytest.param("HTTPS://app.example.com", False, id="upper-case scheme"),
        pytest.param("https://app.example.com/", False, id="trailing slash"),
        pytest.param("https://app.example.com/path", False, id="path"),
        pytest.param("https://app.example.com?q=1", False, id="query"),
        pytest.param("https://user@app.example.com", False, id="userinfo"),
        pytest.param("https://app.example.com:443", False, id="default https port"),
        pytest.param("http://app.example.com:80", False, id="default http port"),
        pytest.param("https://app.example.com:0443", False, id="leading zero port"),
        pytest.param("https://app.example.com:65536", False, id="port too large"),
        pytest.param("app.example.com", False, id="no scheme"),
        pytest.param("https://app.example.com\r\nSet-Cookie: x=1", False, id="CRLF injection"),
        pytest.param("https://app example.com", False, id="space"),
        pytest.param("https://app.example.com%2f", False, id="percent-encoding"),
        pytest.param("https://..example.com", False, id="empty label"),
        pytest.param("", False, id="empty"),
        pytest.param("https://" + "a" * 2000 + ".com", False, id="over the length cap"),
        # as the URL standard serializes hosts: what browsers really send
        pytest.param("https://[2001:db8::1]", True, id="ipv6 compressed"),
        pytest.param("https://[2001:0db8::1]", False, id="ipv6 leading zeros"),
        pytest.param("https://[0:0:0:0:0:0:0:1]", False, id="ipv6 uncompressed"),
        pytest.param("https://[::ffff:127.0.0.1]", False, id="ipv6 dotted ipv4 tail"),
        pytest.param("https://[::ffff:7f00:1]", True, id="ipv4-mapped as browsers write it"),
        pytest.param("https://[2001:db8:0:0:1:0:0:1]", False, id="first longest zero run"),
        pytest.param("https://[2001:db8::1:0:0:1]", True, id="first longest run compressed"),
        pytest.param("https://[2001:db8:0:1:1:1:1:1]", True, id="single zero not compressed"),
        pytest.param("https://[2001:db8::2:1]", True, id="compressed run"),
        pytest.param("http://127.1", False, id="ipv4 shorthand"),
        pytest.param("http://0x7f.0.0.1", False, id="hex ipv4"),
        pytest.param("http://2130706433", False, id="ipv4 as one number"),
        pytest.param("http://127.000.0.1", False, id="octal-looking ipv4"),
        pytest.param("http://256.0.0.1", False, id="ipv4 out of range"),
        pytest.param("https://app.example.com.", True, id="trailing dot"),
        pytest.param("http://127.0.0.1.", False, id="trailing dot after ipv4"),
        pytest.param("https://app.example.com..", False, id="two trailing dots"),
        pytest.param("http://a.example:0", False, id="port 0"),
    ],
)
def test_origin_grammar(value: str, valid: bool) -> None:
    assert is_serialized_origin(value) is valid


SUBDOMAIN = CORSPolicy(allow_origins=["https://*.example.com"])


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        pytest.param("https://a.example.com", True, id="one label"),
        pytest.param("https://a.b.example.com", True, id="two labels"),
        pytest.param("https://example.com", False, id="bare domain"),
        pytest.param("http://a.example.com", False, id="other scheme"),
        pytest.param("https://evilexample.com", False, id="missing dot"),
        pytest.param("https://a.example.com.evil.net", False, id="suffix appended"),
        pytest.param("https://a.example.com:8443", False, id="other port"),
        pytest.param("https://.example.com", False, id="empty label"),
        pytest.param("https://A.example.com", False, id="upper case is not a browser origin"),
        pytest.param("null", False, id="null never matches a pattern"),
    ],
)
def test_subdomain_pattern(origin: str, allowed: bool) -> None:
    assert SUBDOMAIN.origin_allowed(origin) is allowed


def test_subdomain_pattern_with_port() -> None:
    policy = CORSPolicy(allow_origins=["http://*.localhost:8000"])
    assert policy.origin_allowed("http://app.localhost:8000")
    assert not policy.origin_allowed("http://app.localhost")
    assert not policy.origin_allowed("http://app.localhost:8001")


REGEX = CORSPolicy(allow_origin_regex=r"https://app\.example\.com|https://[a-z]+\.example\.net")


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        pytest.param("https://app.example.com", True, id="first alternative"),
        pytest.param("https://api.example.net", True, id="second alternative"),
        pytest.param("https://app.example.com.evil.net", False, id="full match, not prefix"),
        pytest.param(
            "https://evil.com/https://app.example.com", False, id="full match, not search"
        ),
        pytest.param("https://a1.example.net", False, id="class excludes digits"),
        pytest.param("null", False, id="null never matches a regex"),
    ],
)
def test_origin_regex_is_a_full_match(origin: str, allowed: bool) -> None:
    assert REGEX.origin_allowed(origin) is allowed


def test_regex_cannot_match_null_even_when_it_would() -> None:
    assert not CORSPolicy(allow_origin_regex=".*").origin_allowed("null")


def test_regex_cannot_allow_an_invalid_origin() -> None:
    policy = CORSPolicy(allow_origin_regex=r"https://app\.example\.com.*")
    assert policy.origin_allowed("https://app.example.com:8443")
    assert not policy.origin_allowed("https://app.example.com/")
    assert not policy.origin_allowed("https://app.example.com\r\nX: y")


@pytest.mark.parametrize(
    ("allow_origins", "origin", "allowed"),
    [
        pytest.param(["https://app.example.com"], "https://app.example.com", True, id="exact"),
        pytest.param(["https://app.example.com"], "https://app.example.com:8443", False, id="port"),
        pytest.param(["https://app.example.com"], "http://app.example.com", False, id="scheme"),
        pytest.param(["https://app.example.com"], "https://evil.example", False, id="other"),
        pytest.param(["https://app.example.com"], "null", False, id="null unlisted"),
        pytest.param(["null"], "null", True, id="null listed"),
        pytest.param(["*"], "null", True, id="star covers null"),
        pytest.param(["*"], "https://anything.example", True, id="star"),
    ],
)
def test_exact_origins(allow_origins: list[str], origin: str, allowed: bool) -> None:
    assert CORSPolicy(allow_origins=allow_origins).origin_allowed(origin) is allowed


ANY_PORT = CORSPolicy(
    allow_origins=["http://localhost:*", "https://*.dev.example:*", "http://[::1]:*"]
)


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        pytest.param("http://localhost:5173", True, id="a port"),
        pytest.param("http://localhost", True, id="the default port"),
        pytest.param("http://localhost:65535", True, id="the highest port"),
        pytest.param("https://localhost:5173", False, id="other scheme"),
        pytest.param("http://localhost.evil.example:5173", False, id="suffix appended"),
        pytest.param("http://evillocalhost:5173", False, id="prefix glued"),
        pytest.param("http://localhost:05173", False, id="not serialized"),
        pytest.param("https://a.dev.example:8443", True, id="subdomain, a port"),
        pytest.param("https://a.b.dev.example", True, id="subdomain, default port"),
        pytest.param("https://dev.example:8443", False, id="bare domain"),
        pytest.param("http://[::1]:8080", True, id="IPv6 loopback"),
        pytest.param("http://[::2]:8080", False, id="other IPv6"),
        pytest.param("null", False, id="null"),
    ],
)
def test_port_wildcard(origin: str, allowed: bool) -> None:
    assert ANY_PORT.origin_allowed(origin) is allowed


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "http://localhost:3000:*",
            "write the host without a port before ':*': http://localhost:*",
        ),
        ("http://local*host:*", "':*' (any port) ends the entry"),
        ("null:*", "'null:' origins have no port to wildcard"),
        ("https://*.com:*", "*.com is too broad"),
        ("http://LOCALHOST:*", "write it in lower case"),
        ("http://localhost:*/", "or the whole port, as in http://localhost:*"),
    ],
)
def test_a_bad_port_wildcard_says_what_to_write(entry: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins=[entry])
    assert [p.code for p in raised.value.problems] == ["E012"]
    assert message in str(raised.value)


def test_a_port_wildcard_over_a_public_suffix_is_refused_with_credentials() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origins=["https://*.github.io:*"], allow_credentials=True)
    assert [p.code for p in raised.value.problems] == ["E019"]
