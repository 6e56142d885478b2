"""The browser model (cors_wsgi.browser) against the Fetch standard: the CORS-safelisted
request headers rule by rule at their boundaries, same-origin requests through evaluate() and
explain, and a known engine/standard difference reported through probe against a real server
on 127.0.0.1."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

import cors_wsgi.browser as browser
from cors_wsgi import CORSMiddleware, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware
from cors_wsgi.cli import main

from ..support.cli import run_json

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

SAFE, UNSAFE = True, False
# -- the safelists --------------------------------------------------------------------------------

# https://fetch.spec.whatwg.org/#cors-safelisted-request-header: (name, value, safelisted?)
HEADERS = [
    # range: one range, start required, start <= end, no whitespace, "bytes" in lower case
    ("Range", "bytes=0-", SAFE),
    ("Range", "bytes=0-499", SAFE),
    ("Range", "bytes=5-5", SAFE),
    ("Range", "bytes=5-1", UNSAFE),
    ("Range", "bytes=-500", UNSAFE),
    ("Range", "bytes=0-1,3-4", UNSAFE),
    ("Range", "bytes= 0-5", UNSAFE),
    ("Range", "bytes =0-5", UNSAFE),
    ("Range", "bytes=0 -5", UNSAFE),
    ("Range", "bytes=0-\t5", UNSAFE),
    ("Range", " bytes=0-5\t", SAFE),  # leading and trailing whitespace: normalised away
    ("Range", "Bytes=0-5", UNSAFE),
    ("Range", "items=0-5", UNSAFE),
    ("Range", "bytes=-", UNSAFE),
    ("Range", "bytes=0x1-", UNSAFE),
    ("Range", "bytes=\u0661-", UNSAFE),  # an Arabic-Indic digit is no ASCII digit
    ("Range", None, UNSAFE),
    # accept: no CORS-unsafe request-header byte
    ("Accept", "*/*", SAFE),
    ("Accept", "text/html, application/xhtml+xml;q=0.9", SAFE),
    ("Accept", "text/html,\tapplication/json", SAFE),  # a tab is allowed
    *[("Accept", f"text/{char}x", UNSAFE) for char in '"():<>?@[\\]{}'],
    ("Accept", "text/x\x7f", UNSAFE),
    ("Accept", "text/x\x00y", UNSAFE),
    ("Accept", "text/x\x1fy", UNSAFE),
    ("Accept", "text/x\ny", UNSAFE),
    ("Accept", None, SAFE),
    # content-type: no unsafe byte, a MIME type, one of three essences
    ("Content-Type", "text/plain", SAFE),
    ("Content-Type", "text/plain;charset=UTF-8", SAFE),
    ("Content-Type", "TEXT/Plain", SAFE),
    ("Content-Type", "multipart/form-data; boundary=abc", SAFE),
    ("Content-Type", "application/x-www-form-urlencoded", SAFE),
    ("Content-Type", "text/plain;", SAFE),
    ("Content-Type", "text/plain ", SAFE),
    ("Content-Type", "application/json", UNSAFE),
    ("Content-Type", "text/html", UNSAFE),
    *[("Content-Type", f"text/plain; a={char}", UNSAFE) for char in '"():<>?@[\\]{}'],
    ("Content-Type", "text/plain\x7f", UNSAFE),
    ("Content-Type", "text/plain;\x01", UNSAFE),
    ("Content-Type", "text /plain", UNSAFE),  # not a MIME type
    ("Content-Type", "text/", UNSAFE),
    ("Content-Type", "/plain", UNSAFE),
    ("Content-Type", "text", UNSAFE),
    ("Content-Type", None, UNSAFE),
    # accept-language, content-language: 0-9 A-Z a-z space *,-.;= only
    ("Accept-Language", "en-US,en;q=0.9", SAFE),
    ("Accept-Language", "*", SAFE),
    ("Accept-Language", "", SAFE),
    ("Accept-Language", "de_DE", UNSAFE),
    ("Accept-Language", "en\tUS", UNSAFE),
    ("Accept-Language", "en\u00e9", UNSAFE),
    ("Content-Language", "de-DE, fr", SAFE),
    ("Content-Language", "de/x", UNSAFE),
    ("Content-Language", "de:x", UNSAFE),
    ("Content-Language", "de'x", UNSAFE),
    # at most 128 bytes a value (latin-1: one byte a character)
    ("Accept", "a" * 128, SAFE),
    ("Accept", "a" * 129, UNSAFE),
    ("Accept", "\u00e9" * 128, SAFE),
    ("Accept", "\u00e9" * 129, UNSAFE),
    ("Accept-Language", "a" * 128, SAFE),
    ("Content-Language", "a" * 129, UNSAFE),
    ("Content-Type", "text/plain;a=" + "b" * 115, SAFE),
    ("Content-Type", "text/plain;a=" + "b" * 116, UNSAFE),
    ("Range", "bytes=0-" + "9" * 120, SAFE),
    ("Range", "bytes=0-" + "9" * 121, UNSAFE),
    # never safelisted
    ("Authorization", "Bearer x", UNSAFE),
    ("X-Custom", "1", UNSAFE),
    ("Accept-Encoding", "gzip", UNSAFE),
]


@pytest.mark.parametrize(("name", "value", "safelisted"), HEADERS)
def test_safelisted_request_header(name: str, value: str | None, safelisted: bool) -> None:
    assert browser.is_safelisted_header(name, value) is safelisted
    names = browser.unsafe_header_names([(name, value)])
    assert names == ([] if safelisted else [name.lower()])


A128 = "a" * 128
# https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names: (headers, ACRH names)
HEADER_LISTS = [
    ([], []),
    ([("X-B", "1"), ("x-a", "1"), ("X-A", "2"), ("Accept", "*/*")], ["x-a", "x-b"]),
    ([("Range", "bytes=-500"), ("Content-Type", "application/json")], ["content-type", "range"]),
    # the safelisted values may total 1,024 bytes; one more makes every one of them unsafe
    ([("Accept", A128)] * 8, []),
    ([("Accept", f" {A128}\t")] * 8, []),  # counted after normalisation
    ([("Accept", A128)] * 8 + [("Content-Language", "b")], ["accept", "content-language"]),
    ([("Accept", A128)] * 7 + [("Range", "bytes=0-" + "1" * 120), ("Accept-Language", "b")],
     ["accept", "accept-language", "range"]),
    ([("Accept", A128)] * 8 + [("X-Custom", "x" * 500)], ["x-custom"]),  # unsafe ones not counted
    ([("Accept", A128)] * 8 + [("X-Custom", "1"), ("Content-Type", "text/plain")],
     ["accept", "content-type", "x-custom"]),
]  # fmt: skip


@pytest.mark.parametrize(("headers", "names"), HEADER_LISTS)
def test_unsafe_header_names(headers: list[tuple[str, str]], names: list[str]) -> None:
    assert browser.unsafe_header_names(headers) == names


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("bytes=0-", (0, None)),
        ("bytes=0-499", (0, 499)),
        ("bytes=-500", (None, 500)),
        ("bytes=007-7", (7, 7)),
        ("bytes=5-1", None),
        ("bytes=-", None),
        ("bytes=0-1,3-4", None),
        ("bytes=0 -1", None),
        ("bytes=", None),
    ],
)
def test_parse_single_range(value: str, parsed: tuple[int | None, int | None] | None) -> None:
    assert browser.parse_single_range(value) == parsed


@pytest.mark.parametrize(
    ("value", "essence"),
    [
        ("text/plain", "text/plain"),
        (" Text/HTML ; charset=utf-8", "text/html"),
        ("multipart/form-data;boundary", "multipart/form-data"),
        ("text/plain;;;", "text/plain"),
        ("text /plain", None),
        ("text/pl ain", None),
        ("text/", None),
        ("text", None),
        ("te(x)t/plain", None),
    ],
)
def test_mime_essence(value: str, essence: str | None) -> None:
    assert browser.mime_essence(value) == essence


@pytest.mark.parametrize(
    ("method", "headers", "reasons"),
    [
        ("GET", [("Range", "bytes=0-")], []),
        ("GET", [("Range", "bytes=-500")],
         ["the request header range is not CORS-safelisted (a range without a start, as "
          "bytes=-500, is not safelisted)"]),
        ("POST", [("Accept", 'text/"x"')],
         ["the request header accept is not CORS-safelisted (its value contains '\"', a "
          "CORS-unsafe request-header byte)"]),
        ("PATCH", [("Content-Type", "application/json")],
         ["the method PATCH is not GET, HEAD or POST",
          "the request header content-type is not CORS-safelisted"]),
        ("GET", [("Accept", A128)] * 8 + [("Accept-Language", "b")],
         ["the request header accept is not CORS-safelisted (the safelisted values total "
          "1025 bytes, more than 1024)",
          "the request header accept-language is not CORS-safelisted (the safelisted values "
          "total 1025 bytes, more than 1024)"]),
    ],
)  # fmt: skip
def test_preflight_reasons_say_why(
    method: str, headers: list[tuple[str, str]], reasons: list[str]
) -> None:
    assert browser.preflight_reasons(method, headers) == reasons


# -- evaluate(): safelists and same-origin ------------------------------------------------------

SERVER = "https://api.example.com"
APP = "https://app.example.com"
OTHER = "https://other.example"
# (id, policy, origin, method, request headers, request_origin, reason)
EVALUATE = [
    # Range bytes=N- is safelisted: only x-custom is asked for, and allowed
    ("range safelisted", {"allow_origins": [APP], "allow_methods": ["PATCH"],
     "allow_headers": ["X-Custom"]}, APP, "PATCH", {"Range": "bytes=0-", "X-Custom": "1"},
     None, "allowed"),
    ("range without start", {"allow_origins": [APP], "allow_methods": ["PATCH"],
     "allow_headers": ["X-Custom"]}, APP, "PATCH", {"Range": "bytes=-500", "X-Custom": "1"},
     None, "header_not_allowed"),
    # a forbidden byte: the browser preflights the POST, which the policy does not allow
    ("forbidden byte", {"allow_origins": ["null"], "allow_methods": ["OPTIONS"]}, "null", "POST",
     {"Content-Language": "de/x", "Accept": 'text/"x"'}, None, "method_not_allowed"),
    ("no forbidden byte", {"allow_origins": ["null"], "allow_methods": ["OPTIONS"]}, "null",
     "POST", {"Content-Language": "de", "Accept": "text/x"}, None, "allowed"),
    # same-origin: no preflight, whatever the method and headers
    ("same-origin PATCH, * origins", {"allow_origins": "*",
     "allow_methods": ["patch", "PURGE", "OPTIONS"]}, SERVER, "PATCH", {}, SERVER, "same_origin"),
    ("same-origin PUT with a custom header", {"allow_origins": [SERVER]}, SERVER, "PUT",
     {"X-Custom": "1", "Content-Type": "application/json"}, SERVER, "same_origin"),
    ("same-origin DELETE, origin not listed", {"allow_origins": [OTHER]}, SERVER, "DELETE",
     {"Authorization": "Bearer t"}, SERVER, "same_origin"),
    ("same-origin by Sec-Fetch-Site", {"allow_origins": [OTHER]}, SERVER, "PATCH",
     {"Sec-Fetch-Site": "same-origin", "X-Custom": "1"}, None, "same_origin"),
    ("same-origin with the default port", {"allow_origins": [OTHER]}, SERVER, "PUT", {},
     SERVER + ":443", "same_origin"),
    ("same-origin write under cross_origin_protection", {"allow_origins": [OTHER],
     "cross_origin_protection": True}, SERVER, "POST", {"X-Custom": "1"}, SERVER,
     "same_origin"),
    ("same-origin by Sec-Fetch-Site under cross_origin_protection", {"allow_origins": [OTHER],
     "cross_origin_protection": True}, SERVER, "PUT", {"Sec-Fetch-Site": "same-origin"},
     None, "same_origin"),
    # the same requests from another origin are preflighted and refused
    ("cross-origin PATCH", {"allow_origins": "*", "allow_methods": ["patch", "PURGE",
     "OPTIONS"]}, APP, "PATCH", {}, SERVER, "method_not_allowed"),
    ("cross-origin DELETE", {"allow_origins": [OTHER]}, APP, "DELETE", {}, SERVER,
     "origin_not_allowed"),
]  # fmt: skip


def evaluators(policy: dict[str, Any]) -> dict[str, Any]:
    """evaluate() as each public entry point offers it, with its request_origin keyword."""
    wsgi = CORSMiddleware(lambda environ, start_response: [], policy)

    async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
        pass

    return {
        "CORSPolicy": CORSPolicy.from_dict(policy).evaluate,
        "CORSMiddleware": wsgi.evaluate,
        "ASGI CORSMiddleware": ASGICORSMiddleware(asgi_app, policy).evaluate,
    }


@pytest.mark.parametrize(
    ("policy", "origin", "method", "headers", "request_origin", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in EVALUATE],
)
def test_evaluate(
    policy: dict[str, Any],
    origin: str,
    method: str,
    headers: dict[str, str],
    request_origin: str | None,
    reason: str,
) -> None:
    for entry, evaluate in evaluators(policy).items():
        decision = evaluate(origin, method, headers, request_origin=request_origin)
        assert decision.reason == reason, entry


# -- explain and probe ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "method", "headers"),
    [
        ("allow_origins = *\nallow_methods = patch, PURGE, OPTIONS", "PATCH", []),
        ("allow_origins = https://other.example", "DELETE", ["X-Custom: 1"]),
        ("allow_origins = https://api.example.com", "PUT", ["Content-Type: application/json"]),
        ("allow_origins = https://other.example\ncross_origin_protection = true", "POST",
         ["Authorization: Bearer t"]),
    ],
)  # fmt: skip
def test_explain_same_origin_has_no_preflight_and_no_cors_check(
    tmp_path: Any, options: str, method: str, headers: list[str]
) -> None:
    path = tmp_path / "cors.ini"
    path.write_text(f"[cors]\n{options}\n", encoding="utf-8")
    args = [a for header in headers for a in ("--header", header)]
    code, report = run_json(
        "explain", str(path), "--origin", SERVER, "--method", method, *args,
        "--sec-fetch-site", "same-origin",
    )  # fmt: skip
    assert code == 0, report
    assert report["same_origin"] is True
    assert report["preflight"] == {"needed": False, "why": []}
    (exchange,) = report["exchanges"]
    assert exchange["request"] == f"{method} /"
    assert exchange["reason"] == "same_origin"
    assert exchange["checks"] == []
    assert exchange["status"] == 200


WILDCARD_HEADERS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "*"),
    ("Access-Control-Allow-Headers", "*"),
]


#: The Access-Control-Request-Headers of each preflight wildcard_app received.
ASKED: list[str] = []


def wildcard_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """A server that answers every request, preflights included, with wildcards."""
    if environ["REQUEST_METHOD"] == "OPTIONS":
        ASKED.append(environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", ""))
    start_response("200 OK", [("Content-Type", "text/plain"), *WILDCARD_HEADERS])
    return [b"ok"]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def wildcard_server() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, wildcard_app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


TODAY = "allowed by Chromium, Firefox and WebKit today; blocked by the Fetch standard"


@pytest.mark.parametrize(
    ("header", "verdict", "differences"),
    [
        ("Authorization: Bearer t", TODAY, ["acah-wildcard-authorization"]),
        ("X-Custom: 1", "allowed", []),
    ],
)
def test_probe_wildcard_allow_headers(
    wildcard_server: str, header: str, verdict: str, differences: list[str]
) -> None:
    argv = ["probe", wildcard_server + "/x", "--origin", APP, "--header", header]
    code, report = run_json(*argv)
    assert code == 0, report
    assert report["verdict"] == verdict
    assert [d["key"] for d in report["differences"]] == differences
    assert report["ok"] is True
    assert report["standard_ok"] is (not differences)
    preflight, actual = report["exchanges"]
    assert preflight["request"] == "OPTIONS /x (preflight)" and actual["passed"]
    last = preflight["checks"][-1]
    assert last["passed"] is True
    if differences:
        assert last["standard_passed"] is False
        assert last["difference"]["engines"] == {"chromium": True, "firefox": True, "webkit": True}
        assert "whatwg/fetch/issues/1919" in last["difference"]["link"]
    out = io.StringIO()
    assert main(argv, out=out) == 0
    text = out.getvalue()
    assert f"\nbrowser: {verdict}\n" in text
    assert "BLOCKED" not in text


@pytest.mark.parametrize(
    ("engines", "standard", "verdict"),
    [
        ((True, True, True), False, TODAY),
        ((True, False, True), True, "allowed by Chromium and WebKit today; blocked by Firefox "
                                    "today; allowed by the Fetch standard"),
        ((False, False, False), True, "blocked by Chromium, Firefox and WebKit today; allowed by "
                                      "the Fetch standard"),
    ],
)  # fmt: skip
def test_difference_verdicts(engines: tuple[bool, ...], standard: bool, verdict: str) -> None:
    difference = browser.Difference(
        "example", standard, tuple(zip(browser.ENGINES, engines, strict=True)), "link", "now"
    )
    assert difference.verdict == verdict
    assert difference.engines_pass is all(engines)


@pytest.mark.parametrize(
    ("allow_headers", "names", "credentials", "passed", "standard_passed"),
    [
        ("*", ["authorization"], False, True, False),
        ("*", ["x-custom"], False, True, True),
        ("*", ["x-custom"], True, False, False),  # no wildcard with credentials
        ("authorization", ["authorization"], True, True, True),
        ("x-other", ["authorization"], False, False, False),
    ],
)
def test_preflight_allow_headers_check(
    allow_headers: str, names: list[str], credentials: bool, passed: bool, standard_passed: bool
) -> None:
    headers = {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-allow-headers": allow_headers,
    }
    checks = browser.check_preflight(APP, "GET", names, credentials, 200, headers)
    assert checks[-1].name == f"Access-Control-Allow-Headers: {names[-1]}"
    assert (checks[-1].passed, checks[-1].standard_passed) == (passed, standard_passed)


def test_probe_asks_for_the_unsafe_names_lower_cased_sorted_unique(wildcard_server: str) -> None:
    headers = ["X-B: 1", "x-a: 1", "X-A: 2", "Range: bytes=0-", 'Accept: text/"x"', "Cookie: a=b"]
    argv = ["probe", wildcard_server + "/x", "--origin", APP, "--preflight-only"]
    ASKED.clear()
    code, report = run_json(*argv, *[a for header in headers for a in ("--header", header)])
    assert code == 0, report
    assert ASKED == ["accept,x-a,x-b"]  # Range is safelisted, Cookie is the browser's own


@pytest.mark.parametrize(
    ("reason", "fix"),
    [
        ("host_not_allowed", "add the URL's host to the server's allowed_hosts"),
        ("origin_refused", "add https://a.example to the server's allow_origins"),
    ],
)
def test_probe_fix_for_the_guards(reason: str, fix: str) -> None:
    """probe reads X-CORS-Reason; each guard's refusal names its fix."""
    from cors_wsgi.browser import server_fix

    found = server_fix(reason, "https://a.example")
    assert found.startswith(fix) and found.endswith(f"(the server refused it: {reason})")
