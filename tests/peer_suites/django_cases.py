"""django-cors-headers' own tests (``tests/test_middleware.py`` and ``tests/test_checks.py`` of
its repository; its source distribution ships none) re-expressed as facts: the settings, the
request, and what the peer's test asserts. ``tests/behaviour/test_django_peer_cases.py`` runs
each against ``cors_wsgi.django`` with Django's test clients; the deliberate differences are in
``django_differences.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: An assertion on a response header: the exact value, or ABSENT.
ABSENT = None
ORG, COM = "https://example.org", "https://example.com"
PREFLIGHT_GET = {"access-control-request-method": "GET"}
ALL_ORIGINS = {"CORS_ALLOW_ALL_ORIGINS": True}
LISTED = {"CORS_ALLOWED_ORIGINS": [COM]}
PREFLIGHT_SETTINGS = {"CORS_ALLOW_HEADERS": ["content-type"], "CORS_ALLOW_METHODS": ["GET", "OPTIONS"],
                      "CORS_PREFLIGHT_MAX_AGE": 1002, **ALL_ORIGINS}  # fmt: skip
ALL_WITH_CREDENTIALS = {"CORS_ALLOW_CREDENTIALS": True, **ALL_ORIGINS}


@dataclass(frozen=True)
class Case:
    """One test of the peer's middleware suite: under *settings*, *method* on *path* with
    *headers* answers *status* (when the test asserts one) with *expect* (header: value, or
    ABSENT)."""

    name: str
    settings: dict[str, Any]
    method: str
    path: str
    headers: dict[str, str]
    expect: dict[str, str | None]
    status: int | None = None
    #: ``check_request_enabled`` receivers connected during the request (see the runner).
    receiver: str | None = None
    #: ``AsyncClient`` instead of ``Client``.
    asynchronous: bool = False
    #: A middleware before the CORS one answers every request itself.
    short_circuit: bool = False
    #: How many times the receiver must have been called (when the test counts).
    receiver_calls: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


ACAO = "access-control-allow-origin"
MIDDLEWARE_CASES = [
    Case("test_get_no_origin", {}, "GET", "/", {}, {ACAO: ABSENT}),
    Case("test_get_origin_vary_by_default", {}, "GET", "/", {}, {"vary": "origin"}),
    Case("test_get_invalid_origin", {}, "GET", "/", {"origin": "https://example.com]"},
         {ACAO: ABSENT}),
    Case("test_get_not_in_allowed_origins", LISTED, "GET", "/", {"origin": ORG}, {ACAO: ABSENT}),
    Case("test_get_not_in_allowed_origins_due_to_wrong_scheme",
         {"CORS_ALLOWED_ORIGINS": ["http://example.org"]}, "GET", "/", {"origin": ORG},
         {ACAO: ABSENT}),
    Case("test_get_in_allowed_origins", {"CORS_ALLOWED_ORIGINS": [COM, ORG]}, "GET", "/",
         {"origin": ORG}, {ACAO: ORG}),
    Case("test_async_get_in_allowed_origins", {"CORS_ALLOWED_ORIGINS": [ORG]}, "GET", "/async/",
         {"origin": ORG}, {ACAO: ORG}, asynchronous=True),
    Case("test_null_in_allowed_origins", {"CORS_ALLOWED_ORIGINS": [COM, "null"]}, "GET", "/",
         {"origin": "null"}, {ACAO: "null"}),
    Case("test_file_in_allowed_origins", {"CORS_ALLOWED_ORIGINS": [COM, "file://"]}, "GET", "/",
         {"origin": "file://"}, {ACAO: "file://"}),
    Case("test_get_expose_headers", {**ALL_ORIGINS, "CORS_EXPOSE_HEADERS": ["accept", "content-type"]},
         "GET", "/", {"origin": COM}, {"access-control-expose-headers": "accept, content-type"}),
    Case("test_get_dont_expose_headers", ALL_ORIGINS, "GET", "/", {"origin": COM},
         {"access-control-expose-headers": ABSENT}),
    Case("test_get_allow_credentials", {**LISTED, "CORS_ALLOW_CREDENTIALS": True}, "GET", "/",
         {"origin": COM}, {"access-control-allow-credentials": "true"}),
    Case("test_get_allow_credentials_bad_origin", {**LISTED, "CORS_ALLOW_CREDENTIALS": True},
         "GET", "/", {"origin": ORG}, {"access-control-allow-credentials": ABSENT}),
    Case("test_get_allow_credentials_disabled", LISTED, "GET", "/", {"origin": COM},
         {"access-control-allow-credentials": ABSENT}),
    Case("test_allow_private_network_added_if_enabled_and_requested",
         {"CORS_ALLOW_PRIVATE_NETWORK": True, **ALL_ORIGINS}, "GET", "/",
         {"access-control-request-private-network": "true", "origin": "http://example.com"},
         {"access-control-allow-private-network": "true"}),
    Case("test_allow_private_network_not_added_if_enabled_and_not_requested",
         {"CORS_ALLOW_PRIVATE_NETWORK": True, **ALL_ORIGINS}, "GET", "/",
         {"origin": "http://example.com"}, {"access-control-allow-private-network": ABSENT}),
    Case("test_allow_private_network_not_added_if_enabled_and_no_cors_origin",
         {"CORS_ALLOW_PRIVATE_NETWORK": True, "CORS_ALLOWED_ORIGINS": ["http://example.com"]},
         "GET", "/",
         {"access-control-request-private-network": "true", "origin": "http://example.org"},
         {"access-control-allow-private-network": ABSENT}),
    Case("test_allow_private_network_not_added_if_disabled_and_requested",
         {"CORS_ALLOW_PRIVATE_NETWORK": False, **ALL_ORIGINS}, "GET", "/",
         {"access-control-request-private-network": "true", "origin": "http://example.com"},
         {"access-control-allow-private-network": ABSENT}),
    Case("test_options_allowed_origin", PREFLIGHT_SETTINGS, "OPTIONS", "/",
         {"origin": COM, **PREFLIGHT_GET},
         {"access-control-allow-headers": "content-type",
          "access-control-allow-methods": "GET, OPTIONS", "access-control-max-age": "1002"},
         status=200),
    Case("test_async_options_allowed_origin", PREFLIGHT_SETTINGS, "OPTIONS", "/async/",
         {"origin": COM, **PREFLIGHT_GET},
         {"access-control-allow-headers": "content-type",
          "access-control-allow-methods": "GET, OPTIONS", "access-control-max-age": "1002"},
         status=200, asynchronous=True),
    Case("test_options_no_max_age", {**PREFLIGHT_SETTINGS, "CORS_PREFLIGHT_MAX_AGE": 0},
         "OPTIONS", "/", {"origin": COM, **PREFLIGHT_GET},
         {"access-control-allow-headers": "content-type",
          "access-control-allow-methods": "GET, OPTIONS", "access-control-max-age": ABSENT}),
    Case("test_options_allowed_origins_with_port",
         {"CORS_ALLOWED_ORIGINS": ["https://localhost:9000"]}, "OPTIONS", "/",
         {"origin": "https://localhost:9000", **PREFLIGHT_GET},
         {ACAO: "https://localhost:9000"}),
    Case("test_options_adds_origin_when_domain_found_in_allowed_regexes",
         {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com$"]}, "OPTIONS", "/",
         {"origin": "https://foo.example.com", **PREFLIGHT_GET},
         {ACAO: "https://foo.example.com"}),
    Case("test_options_adds_origin_when_domain_found_in_allowed_regexes_second",
         {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.org$",
                                          r"^https://\w+\.example\.com$"]},
         "OPTIONS", "/", {"origin": "https://foo.example.com", **PREFLIGHT_GET},
         {ACAO: "https://foo.example.com"}),
    Case("test_options_doesnt_add_origin_when_domain_not_found_in_allowed_regexes",
         {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.org$"]}, "OPTIONS", "/",
         {"origin": "https://foo.example.com", **PREFLIGHT_GET}, {ACAO: ABSENT}),
    Case("test_options_empty_request_method", {}, "OPTIONS", "/",
         {"origin": COM, "access-control-request-method": ""}, {}, status=200),
    Case("test_options_no_headers", {}, "OPTIONS", "/", {}, {}, status=405),
    Case("test_allow_all_origins_get", ALL_WITH_CREDENTIALS, "GET", "/",
         {"origin": COM, **PREFLIGHT_GET}, {ACAO: COM, "vary": "origin"}, status=200),
    Case("test_allow_all_origins_options", ALL_WITH_CREDENTIALS, "OPTIONS", "/",
         {"origin": COM, **PREFLIGHT_GET}, {ACAO: COM, "vary": "origin"}, status=200),
    Case("test_non_200_headers_still_set", ALL_WITH_CREDENTIALS, "GET", "/unauthorized/",
         {"origin": COM}, {ACAO: COM}, status=401),
    Case("test_auth_view_options", ALL_WITH_CREDENTIALS, "OPTIONS", "/test-401/",
         {"origin": COM, **PREFLIGHT_GET}, {ACAO: COM, "content-length": "0"}, status=200),
    Case("test_signal_handler_that_returns_false", {}, "OPTIONS", "/",
         {"origin": COM, **PREFLIGHT_GET}, {ACAO: ABSENT}, status=200, receiver="false"),
    Case("test_signal_handler_that_returns_true", {}, "OPTIONS", "/",
         {"origin": COM, **PREFLIGHT_GET}, {ACAO: COM}, status=200, receiver="true"),
    Case("test_signal_handler_allow_some_urls_to_everyone (/)", LISTED, "OPTIONS", "/",
         {"origin": ORG, **PREFLIGHT_GET}, {ACAO: ABSENT}, status=200, receiver="api"),
    Case("test_signal_handler_allow_some_urls_to_everyone (/api/)", LISTED, "OPTIONS",
         "/api/something/", {"origin": ORG, **PREFLIGHT_GET}, {ACAO: ORG}, status=200,
         receiver="api"),
    Case("test_signal_called_once_during_normal_flow", LISTED, "GET", "/", {"origin": ORG}, {},
         receiver="true", receiver_calls=1),
    Case("test_get_short_circuit", LISTED, "GET", "/", {"origin": COM}, {ACAO: ABSENT},
         short_circuit=True),
    Case("test_get_short_circuit_should_be_ignored", {**LISTED, "CORS_URLS_REGEX": r"^/foo/$"},
         "GET", "/", {"origin": COM}, {ACAO: ABSENT}, short_circuit=True),
    Case("test_get_regex_matches", {**LISTED, "CORS_URLS_REGEX": r"^/foo/$"}, "GET", "/foo/",
         {"origin": COM}, {ACAO: COM}),
    Case("test_get_regex_doesnt_match", {**LISTED, "CORS_URLS_REGEX": r"^/not-foo/$"}, "GET",
         "/foo/", {"origin": COM}, {ACAO: ABSENT}),
    Case("test_get_regex_matches_path_info", {**LISTED, "CORS_URLS_REGEX": r"^/foo/$"}, "GET",
         "/foo/", {"origin": COM}, {ACAO: COM}, extra={"SCRIPT_NAME": "/prefix/"}),
    Case("test_cors_enabled_is_attached_and_bool", LISTED, "GET", "/", {"origin": COM},
         {"request._cors_enabled": "True"}),
    Case("test_works_if_view_deletes_cors_enabled", LISTED, "GET", "/foo/", {"origin": COM},
         {ACAO: COM}),
]  # fmt: skip


@dataclass(frozen=True)
class CheckCase:
    """One test of the peer's checks suite: under *settings*, the check ids (corsheaders.Ennn,
    here cors_wsgi.Ennn) and, when the test looks, the text a message starts with or holds."""

    name: str
    settings: dict[str, Any]
    ids: list[str]
    message_starts: str = ""
    message_holds: str = ""


class _Object:
    """Stands for the peer's ``object`` (the class, a value of no accepted type)."""


WRONG = _Object
CHECK_CASES = [
    CheckCase("test_defaults_pass", {}, []),
    CheckCase("test_cors_allow_headers_non_sequence", {"CORS_ALLOW_HEADERS": WRONG}, ["E001"]),
    CheckCase("test_cors_allow_headers_non_string", {"CORS_ALLOW_HEADERS": [WRONG]}, ["E001"]),
    CheckCase("test_cors_allow_headers_string", {"CORS_ALLOW_HEADERS": "accept"}, ["E001"]),
    CheckCase("test_cors_allow_methods_non_sequence", {"CORS_ALLOW_METHODS": WRONG}, ["E002"]),
    CheckCase("test_cors_allow_methods_non_string", {"CORS_ALLOW_METHODS": [WRONG]}, ["E002"]),
    CheckCase("test_cors_allow_methods_string_sequence", {"CORS_ALLOW_METHODS": "GET"}, ["E002"]),
    CheckCase("test_cors_allow_credentials_non_bool", {"CORS_ALLOW_CREDENTIALS": WRONG}, ["E003"]),
    CheckCase("test_cors_allow_network_access_non_bool", {"CORS_ALLOW_PRIVATE_NETWORK": WRONG},
              ["E015"]),
    CheckCase("test_cors_preflight_max_age_non_integer", {"CORS_PREFLIGHT_MAX_AGE": "10"},
              ["E004"]),
    CheckCase("test_cors_preflight_max_age_negative", {"CORS_PREFLIGHT_MAX_AGE": -1}, ["E004"]),
    CheckCase("test_cors_allow_all_origins_non_bool", {"CORS_ALLOW_ALL_ORIGINS": WRONG}, ["E005"],
              message_starts="CORS_ALLOW_ALL_ORIGINS"),
    CheckCase("test_cors_allow_all_origins_old_name", {"CORS_ORIGIN_ALLOW_ALL": WRONG}, ["E005"],
              message_starts="CORS_ORIGIN_ALLOW_ALL"),
    CheckCase("test_cors_allowed_origins_non_sequence", {"CORS_ALLOWED_ORIGINS": WRONG}, ["E006"]),
    CheckCase("test_cors_allowed_origins_non_string", {"CORS_ALLOWED_ORIGINS": [WRONG]}, ["E006"]),
    CheckCase("test_cors_allowed_origins_string", {"CORS_ALLOWED_ORIGINS": COM}, ["E006"]),
    CheckCase("test_cors_allowed_origins_old_name", {"CORS_ORIGIN_WHITELIST": WRONG}, ["E006"],
              message_starts="CORS_ORIGIN_WHITELIST"),
    CheckCase("test_cors_allowed_origins_allowed",
              {"CORS_ALLOWED_ORIGINS": [COM, "file://", "null"]}, []),
    CheckCase("test_cors_allowed_origins_no_scheme", {"CORS_ALLOWED_ORIGINS": ["example.com"]},
              ["E013"], message_holds="CORS_ALLOWED_ORIGINS"),
    CheckCase("test_cors_allowed_origins_no_scheme_old_name",
              {"CORS_ORIGIN_WHITELIST": ["example.com"]}, ["E013"],
              message_holds="CORS_ORIGIN_WHITELIST"),
    CheckCase("test_cors_allowed_origins_no_netloc", {"CORS_ALLOWED_ORIGINS": ["https://"]},
              ["E013"]),
    CheckCase("test_cors_allowed_origins_path", {"CORS_ALLOWED_ORIGINS": [f"{COM}/foobar"]},
              ["E014"], message_holds="CORS_ALLOWED_ORIGINS"),
    CheckCase("test_cors_allowed_origins_path_old_name",
              {"CORS_ORIGIN_WHITELIST": [f"{COM}/foobar"]}, ["E014"],
              message_holds="CORS_ORIGIN_WHITELIST"),
    CheckCase("test_cors_allowed_origin_regexes_non_sequence",
              {"CORS_ALLOWED_ORIGIN_REGEXES": WRONG}, ["E007"]),
    CheckCase("test_cors_allowed_origin_regexes_old_name",
              {"CORS_ORIGIN_REGEX_WHITELIST": WRONG}, ["E007"],
              message_starts="CORS_ORIGIN_REGEX_WHITELIST"),
    CheckCase("test_cors_allowed_origin_regexes_regex",
              {"CORS_ALLOWED_ORIGIN_REGEXES": [re.compile(r"a")]}, []),
    CheckCase("test_cors_expose_headers_non_sequence", {"CORS_EXPOSE_HEADERS": WRONG}, ["E008"]),
    CheckCase("test_cors_expose_headers_non_string", {"CORS_EXPOSE_HEADERS": [WRONG]}, ["E008"]),
    CheckCase("test_cors_urls_regex_non_string", {"CORS_URLS_REGEX": WRONG}, ["E009"]),
    CheckCase("test_cors_model_failure", {"CORS_MODEL": "something"}, ["E012"]),
    CheckCase("test_cors_replace_https_referer_failure",
              {"CORS_REPLACE_HTTPS_REFERER": "something"}, ["E013"]),
]  # fmt: skip
