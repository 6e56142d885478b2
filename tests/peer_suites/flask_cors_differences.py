"""The tests of flask-cors's own suite (6.0.5) that fail against ``cors_wsgi.flask`` on purpose,
each with why and where the migration guide says so. Every other test of the suite passes."""

from __future__ import annotations

from typing import Final

from ..support.peer_suites import Difference

GUIDE = "howto/migrate-flask.html"
#: The suite's tests, as the shim runs them (its ``tests`` package renamed, see the test).
SUITE = "flask_cors_tests"

INTERNALS = Difference(
    "tests a helper function of flask_cors.core (flexible_str, serialize_options, "
    "get_allow_headers, parse_resources, probably_regex, try_match_pattern): flask-cors's "
    "internals, which have no counterpart; the behaviour they serve is covered by the rest "
    "of the suite",
    f"{GUIDE}#flask-internals",
)
STAR_WITH_CREDENTIALS = Difference(
    "the app declares @cross_origin(supports_credentials=True) with flask-cors's default "
    "origins '*': flask-cors then echoes any origin with credentials, so any site can read "
    "the users' data; cors_wsgi refuses the configuration (ConfigError at the first request), "
    "so every request of that app fails",
    f"{GUIDE}#flask-star-credentials",
)
PRIVATE_NETWORK_WITH_STAR = Difference(
    "the app declares @cross_origin(allow_private_network=True) with the default origins "
    "'*': any site could reach the private network; cors_wsgi refuses the configuration, so "
    "every request of that app fails",
    f"{GUIDE}#flask-star-credentials",
)
WILDCARD = Difference(
    "origins '*' without credentials: flask-cors echoes the request's origin, cors_wsgi sends "
    "'*' (and no Vary: Origin, since the answer does not vary); browsers treat both alike",
    f"{GUIDE}#flask-wire",
)
NO_ORIGIN = Difference(
    "a request without Origin (not a CORS request) under origins '*' with always_send=False: "
    "cors_wsgi sends its fixed Access-Control-Allow-Origin: * all the same; no browser reads it",
    f"{GUIDE}#flask-wire",
)
PREFIX_REGEX = Difference(
    "an origin regex matched as a prefix (re.match) also allows http://a.example.com.com for "
    "http://a.example.com; cors_wsgi matches the whole origin",
    f"{GUIDE}#flask-prefix-regex",
)
REQUEST_HEADERS = Difference(
    "a preflight's Access-Control-Allow-Headers: cors_wsgi sends the configured list (or, "
    "under '*', echoes the requested names as browsers send them, lower case), flask-cors the "
    "requested names that match; a browser checks only that each name it asked for is "
    "allowed, and asks only for names it sends",
    f"{GUIDE}#flask-wire",
)
REFUSED_PREFLIGHT = Difference(
    "a preflight asking for a header that is not allowed: flask-cors answers 200 with the "
    "allowed subset, cors_wsgi refuses the preflight (403, no CORS headers); the browser "
    "fails the request either way",
    f"{GUIDE}#flask-wire",
)
OPTIONS_METHOD = Difference(
    "Access-Control-Allow-Methods never lists OPTIONS: a preflight is answered whatever "
    "methods are allowed, and no browser preflights an OPTIONS request with another",
    f"{GUIDE}#flask-wire",
)
VARY = Difference(
    "cors_wsgi sends Vary: Origin whenever the answer depends on the origin (a single "
    "allowed origin too: a refused origin gets no CORS headers, so caches must keep the "
    "answers apart), and merges it into the application's Vary header instead of adding a "
    "second one",
    f"{GUIDE}#flask-wire",
)

D: Final = f"{SUITE}.decorator"
DIFFERENCES: Final[dict[str, Difference]] = {
    **{f"{SUITE}.core.test_helpers.InternalsTestCase::{name}": INTERNALS for name in (
        "test_flexible_str_set", "test_flexible_str_str", "test_get_allow_headers_empty",
        "test_get_allow_headers_matching", "test_get_allow_headers_matching_none",
        "test_parse_resources_sorted", "test_probably_regex", "test_serialize_options",
        "test_try_match_pattern")},
    **{f"{D}.test_allow_headers.AllowHeadersTestCaseIntegration::{name}": REQUEST_HEADERS
       for name in ("test_allow_headers_no_request_headers", "test_allow_headers_regex",
                    "test_allow_headers_with_request_headers",
                    "test_allow_headers_with_request_headers_case_insensitive")},
    f"{D}.test_allow_headers.AllowHeadersTestCaseIntegration::"
    "test_allow_headers_with_unmatched_request_headers": REFUSED_PREFLIGHT,
    **{f"{D}.test_credentials.SupportsCredentialsCase::{name}": STAR_WITH_CREDENTIALS
       for name in ("test_credentials_supported", "test_credentials_unsupported",
                    "test_default")},
    **{f"{D}.test_private_network_headers.SupportsCredentialsCase::{name}":
       PRIVATE_NETWORK_WITH_STAR
       for name in ("test_credentials_supported", "test_credentials_unsupported",
                    "test_default")},
    f"{D}.test_methods.MethodsCase::test_defaults": OPTIONS_METHOD,
    f"{D}.test_origins.OriginsTestCase::test_defaults_with_origin": WILDCARD,
    f"{D}.test_origins.OriginsTestCase::test_regex_list": PREFIX_REGEX,
    f"{D}.test_vary_header.VaryHeaderTestCase::test_consistent_origin": VARY,
    f"{D}.test_vary_header.VaryHeaderTestCase::test_consistent_origin_concat": VARY,
    f"{D}.test_vary_header.VaryHeaderTestCase::test_default": WILDCARD,
    f"{D}.test_w3.OriginsW3TestCase::test_wildcard_default_origins": WILDCARD,
    f"{D}.test_w3.OriginsW3TestCase::test_wildcard_origin_header": WILDCARD,
    f"{D}.test_w3.OriginsW3TestCase::test_wildcard_no_origin_header": NO_ORIGIN,
    f"{SUITE}.extension.test_app_extension.AppExtensionRegexp::test_defaults_with_origin":
        WILDCARD,
    f"{SUITE}.extension.test_app_extension.AppExtensionRegexp::test_regex_list": PREFIX_REGEX,
}  # fmt: skip
