"""Configurations people copy, and the ones that must not work: origins as the URL standard
serializes them, credentials with match-anything regexes and public-suffix wildcards, browser
method case, silent drops, INI [DEFAULT] and interpolation, and evaluate() as a browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy, Reason
from cors_wsgi.rules import decide_preflight

from ..support.helpers import ALLOWED, RecordingApp, client

# -- origins as the URL standard serializes them ------------------------------------------------


@pytest.mark.parametrize(
    "origin", ["https://[2001:0db8::1]", "https://[0:0:0:0:0:0:0:1]", "https://[::ffff:127.0.0.1]"]
)
def test_unserialized_ipv6_is_never_echoed_even_by_match_anything(origin: str) -> None:
    policy = CORSPolicy(allow_origin_regex=r"https://.*")
    decision = policy.evaluate(origin)
    assert decision.reason == Reason.INVALID_ORIGIN
    assert not any(name == "Access-Control-Allow-Origin" for name, _ in decision.headers)


def test_ipv6_serializer_against_the_url_standard_examples() -> None:
    from cors_wsgi.origins import serialize_ipv6

    assert serialize_ipv6("2001:DB8:0:0:0:0:0:1") == "2001:db8::1"
    assert serialize_ipv6("0:0:0:0:0:0:0:0") == "::"
    assert serialize_ipv6("1:0:0:2:0:0:0:3") == "1:0:0:2::3"
    assert serialize_ipv6("::ffff:192.168.0.1") == "::ffff:c0a8:1"
    assert serialize_ipv6("1::") == "1::"
    assert serialize_ipv6("nonsense") is None


@pytest.mark.parametrize(
    ("options", "origin", "allowed"),
    [
        pytest.param({"allow_origins": "https://app.example.com."}, "https://app.example.com.", True, id="exact"),
        pytest.param({"allow_origins": "https://app.example.com."}, "https://app.example.com", False, id="exact is distinct"),
        pytest.param({"allow_origins": "https://app.example.com"}, "https://app.example.com.", False, id="dotless entry"),
        pytest.param({"allow_origins": "https://*.example.com."}, "https://a.example.com.", True, id="pattern"),
        pytest.param({"allow_origins": "https://*.example.com."}, "https://a.example.com", False, id="pattern is distinct"),
        pytest.param({"allow_origin_regex": r"https://[a-z]+\.example\.com\.?"}, "https://a.example.com.", True, id="regex"),
        pytest.param({"allow_origin_regex": r"http://.*"}, "http://127.0.0.1.", False, id="never after ipv4"),
    ],
)  # fmt: skip
def test_trailing_dot_hosts(options: dict[str, Any], origin: str, allowed: bool) -> None:
    assert CORSPolicy.from_dict(options).origin_allowed(origin) is allowed


@pytest.mark.parametrize(
    ("entry", "instead"),
    [
        pytest.param("http://127.1", "write http://127.0.0.1", id="ipv4 shorthand"),
        pytest.param("https://[2001:0db8:0:0:0:0:0:1]", "write https://[2001:db8::1]", id="ipv6"),
        pytest.param("https://[::ffff:127.0.0.1]:8443", "write https://[::ffff:7f00:1]:8443", id="mapped"),
        pytest.param("http://localhost:0", "port 0", id="port 0"),
        pytest.param("https://*.example.com:0", "port 0", id="pattern port 0"),
    ],
)  # fmt: skip
def test_entries_browsers_never_send_say_what_to_write(entry: str, instead: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(instead)) as raised:
        CORSPolicy(allow_origins=entry)
    assert raised.value.problems[0].key == "allow_origins"


def test_trailing_dot_is_kept_out_of_the_breadth_check() -> None:
    with pytest.raises(ConfigError, match="too broad"):
        CORSPolicy(allow_origins="https://*.com.")
    CORSPolicy(allow_origins="https://*.example.com.")


# -- credentials with origins anybody can have --------------------------------------------------

STAR_WORDING = "echoing every origin instead would let any site read users' data"


@pytest.mark.parametrize(
    "regex",
    [".*", "https://.*", r"https?://[^/]+", r"https://[a-z.-]+(:\d+)?", r"https://.+\.invalid"],
)
def test_match_anything_regex_with_credentials_is_the_star_hole(regex: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(STAR_WORDING)) as raised:
        CORSPolicy(allow_origin_regex=regex, allow_credentials=True)
    assert raised.value.problems[0].key == "allow_origin_regex"
    CORSPolicy(allow_origin_regex=regex)  # legal without credentials (check warns)


def test_star_refusal_has_the_same_wording() -> None:
    with pytest.raises(ConfigError, match=re.escape(STAR_WORDING)):
        CORSPolicy(allow_origins="*", allow_credentials=True)


def test_a_regex_over_one_domain_may_have_credentials() -> None:
    policy = CORSPolicy(
        allow_origin_regex=r"https://([a-z0-9-]+\.)*example\.com", allow_credentials=True
    )
    assert policy.origin_allowed("https://a.b.example.com")


@pytest.mark.parametrize(
    "pattern",
    [
        "https://*.github.io",
        "https://*.co.uk",
        "https://*.vercel.app",
        "https://*.herokuapp.com",
        "https://*.github.io.",
        "https://*.co.uk:8443",
    ],
)
def test_wildcard_over_a_public_suffix_with_credentials_is_refused(pattern: str) -> None:
    with pytest.raises(ConfigError, match="public suffix") as raised:
        CORSPolicy(allow_origins=[pattern], allow_credentials=True)
    assert raised.value.problems[0].value == pattern
    CORSPolicy(allow_origins=[pattern])  # legal without credentials (check warns)


@pytest.mark.parametrize(
    "pattern", ["https://*.example.com", "https://*.myapp.github.io", "https://*.example.co.uk"]
)
def test_wildcard_under_a_registered_domain_may_have_credentials(pattern: str) -> None:
    CORSPolicy(allow_origins=[pattern], allow_credentials=True)


# -- methods as browsers send them ---------------------------------------------------------------


def test_the_six_methods_browsers_upper_case_are_normalised() -> None:
    policy = CORSPolicy(allow_origins=[ALLOWED], allow_methods="get, post, patch, delete, put")
    assert policy.allow_methods == ("GET", "POST", "patch", "DELETE", "PUT")
    for method, allowed in [("DELETE", True), ("PUT", True), ("patch", True), ("PATCH", False)]:
        decision = decide_preflight(policy, ALLOWED, method)
        assert decision.allowed is allowed, method


def test_lower_case_delete_in_a_real_preflight() -> None:
    app = client({"allow_origins": [ALLOWED], "allow_methods": "get, delete"})
    response = app.options(
        "/", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "DELETE"}
    )
    assert response.status_int == 200
    assert response.headers["Access-Control-Allow-Methods"] == "GET, DELETE"


# -- nothing dropped without a word ---------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["allow_origins", "allow_methods", "allow_headers", "expose_headers"]
)
@pytest.mark.parametrize("entries", [[""], ["GET", "  "]], ids=["empty", "blank"])
def test_blank_entries_in_a_python_list_are_errors(key: str, entries: list[str]) -> None:
    with pytest.raises(ConfigError, match="is empty") as raised:
        CORSPolicy.from_dict({key: entries})
    assert raised.value.problems[0].key == key


def test_ini_default_section_applies_to_every_section(tmp_path: Path) -> None:
    path = tmp_path / "cors.ini"
    path.write_text(
        "[DEFAULT]\nmax_age = 60\nallow_credentials = true\n\n"
        "[cors:/api/*]\nallow_origins = https://a.example\n\n"
        "[cors]\nallow_origins = https://b.example\nmax_age = 5\n",
        encoding="utf-8",
    )
    api = CORSMiddleware.from_ini(RecordingApp(), path).policy_for_path("/api/x")
    other = CORSMiddleware.from_ini(RecordingApp(), path).policy_for_path("/other")
    assert api is not None and other is not None
    assert (api.max_age, api.allow_credentials) == (60, True)
    assert (other.max_age, other.allow_credentials) == (5, True)


def test_ini_default_section_key_that_is_no_option_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cors.ini"
    path.write_text("[DEFAULT]\nhere = /srv\n\n[cors]\nallow_origins = https://a.example\n")
    with pytest.raises(ConfigError, match="here"):
        CORSPolicy.from_ini(path)


def test_paste_interpolation_is_named_not_blamed_on_the_origin(tmp_path: Path) -> None:
    path = tmp_path / "cors.ini"
    path.write_text("[cors]\nallow_origins = %(frontend)s\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="only PasteDeploy performs") as raised:
        CORSPolicy.from_ini(path)
    assert "scheme" not in str(raised.value)
    assert raised.value.problems[0].key == "[cors] allow_origins"


# -- evaluate() answers what the browser would do -------------------------------------------------

POLICY = CORSPolicy(allow_origins=[ALLOWED], allow_headers=["X-Allowed"])


@pytest.mark.parametrize(
    ("method", "headers", "reason", "detail"),
    [
        pytest.param("PUT", None, Reason.METHOD_NOT_ALLOWED, "PUT", id="method needs a preflight"),
        pytest.param("put", None, Reason.METHOD_NOT_ALLOWED, "PUT", id="put is sent as PUT"),
        pytest.param("GET", {"X-Api-Key": "1"}, Reason.HEADER_NOT_ALLOWED, "x-api-key", id="header"),
        pytest.param("POST", {"Content-Type": "application/json"}, Reason.ALLOWED, "", id="json is always allowed"),
        pytest.param("GET", {"X-Allowed": "1"}, Reason.ALLOWED, "", id="allowed header"),
        pytest.param("POST", {"Content-Type": "text/plain"}, Reason.ALLOWED, "", id="simple"),
        pytest.param("OPTIONS", {"Access-Control-Request-Method": "PUT"}, Reason.METHOD_NOT_ALLOWED, "PUT", id="raw preflight"),
    ],
)  # fmt: skip
def test_evaluate_decides_the_preflight_the_browser_would_send(
    method: str, headers: dict[str, str] | None, reason: str, detail: str
) -> None:
    decision = POLICY.evaluate(ALLOWED, method, headers)
    assert (decision.reason, decision.detail) == (reason, detail)
    if reason == Reason.ALLOWED:
        assert not decision.preflight  # the request the page then reads
