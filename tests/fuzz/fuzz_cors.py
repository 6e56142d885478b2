"""Coverage-guided fuzzing (atheris) of the config parser, the decision core and both adapters
(the WSGI and the ASGI middleware, each given the same request).

    python tests/fuzz/fuzz_cors.py -max_total_time=600     # by hand, as long as you like
    python tests/fuzz/fuzz_cors.py -runs=100000

Any exception other than ConfigError from the parser, any exception from a decision, or a
decision that breaks an invariant (an unsafe header value, an echoed origin that is invalid
or not allowed) is a finding: atheris stops and prints the input.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import MutableMapping
from typing import Any

import atheris

with atheris.instrument_imports():
    from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
    from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware
    from cors_wsgi.core import Decider, request_facts
    from cors_wsgi.options import OPTION_NAMES
    from cors_wsgi.origins import is_serialized_origin

KEYS = [*OPTION_NAMES, "allow_orgins"]  # and a typo
SITES = ("cross-site", "same-site", "same-origin", "none", "")  # "": fuzzed
FALLBACK = CORSPolicy(
    allow_origins=["https://app.example.com", "https://*.example.org", "null"],
    allow_origin_regex=r"https://[a-z]+\.example\.net",
    allow_headers=["X-Api-Key"],
    cross_origin_protection=True,
    debug=True,
)


LOOP = asyncio.new_event_loop()


def wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Vary", "Accept")])
    return [b"ok"]


async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
    headers = [(b"content-type", b"text/plain"), (b"vary", b"Accept")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


def through_wsgi(
    policy: CORSPolicy, method: str, origin: str, extra: dict[str, str]
) -> dict[str, str]:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/", "SCRIPT_NAME": "", "HTTP_ORIGIN": origin,
               "HTTP_HOST": "api.example.com", "wsgi.url_scheme": "https"}  # fmt: skip
    environ.update(("HTTP_" + k.upper().replace("-", "_"), v) for k, v in extra.items())
    found: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        found.update(headers)
        return lambda data: None

    CORSMiddleware(wsgi_app, policy)(environ, start_response)
    return found


def through_asgi(
    policy: CORSPolicy, method: str, origin: str, extra: dict[str, str]
) -> dict[str, str]:
    raw = [(b"host", b"api.example.com"), (b"origin", origin.encode("latin-1"))]
    raw += [(k.lower().encode(), v.encode("latin-1")) for k, v in extra.items()]
    scope = {"type": "http", "method": method, "path": "/", "scheme": "https", "headers": raw}
    found: dict[str, str] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            found.update((n.decode("latin-1"), v.decode("latin-1")) for n, v in message["headers"])

    LOOP.run_until_complete(ASGICORSMiddleware(asgi_app, policy)(scope, receive, send))
    return found


def check_headers(headers: dict[str, str], origin: str) -> None:
    acao = next((v for n, v in headers.items() if n.lower() == "access-control-allow-origin"), None)
    for name, value in headers.items():
        (name + value).encode("latin-1")
        if "\r" in value or "\n" in value:
            raise AssertionError(f"unsafe header value {value!r}")
    if acao not in (None, "*") and (acao != origin or not is_serialized_origin(origin)):
        raise AssertionError(f"echoed {acao!r} for Origin {origin!r}")


def check(decision: object, origin: str) -> None:
    headers = dict(decision.headers)  # type: ignore[attr-defined]
    for name, value in headers.items():
        (name + value).encode("latin-1")
        if "\r" in value or "\n" in value:
            raise AssertionError(f"unsafe header value {value!r}")
    acao = headers.get("Access-Control-Allow-Origin")
    if acao not in (None, "*") and (acao != origin or not is_serialized_origin(origin)):
        raise AssertionError(f"echoed {acao!r} for Origin {origin!r}")


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    options = {}
    for _ in range(fdp.ConsumeIntInRange(0, 4)):
        options[KEYS[fdp.ConsumeIntInRange(0, len(KEYS) - 1)]] = fdp.ConsumeUnicodeNoSurrogates(40)
    try:
        policy = CORSPolicy.from_dict(options)
    except ConfigError:
        policy = FALLBACK
    origin = fdp.ConsumeUnicodeNoSurrogates(80)
    if fdp.ConsumeBool():
        origin = "https://" + origin  # nearer to the grammar, deeper into the matcher
    origin = origin.encode("latin-1", "replace").decode("latin-1")  # what WSGI can carry
    method = fdp.ConsumeUnicodeNoSurrogates(10).encode("latin-1", "replace").decode("latin-1")
    requested = fdp.ConsumeUnicodeNoSurrogates(60).encode("latin-1", "replace").decode("latin-1")
    decider = Decider(policy)  # the core's one entry point, as both middlewares use it
    check(decider.decide(request_facts(method or "GET", origin)), origin)
    preflight = {
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": requested,
    }
    if fdp.ConsumeBool():
        preflight["Access-Control-Request-Private-Network"] = "true"
    check(decider.decide(request_facts("OPTIONS", origin, preflight)), origin)
    # The adapters, given the same request, send headers as safe, and the same CORS ones.
    # Sec-Fetch-Site, for cross_origin_protection: a real value or junk.
    site = SITES[fdp.ConsumeIntInRange(0, len(SITES) - 1)] or fdp.ConsumeUnicodeNoSurrogates(12)
    actual = {"Sec-Fetch-Site": site.encode("latin-1", "replace").decode("latin-1")}
    check(decider.decide(request_facts(method or "GET", origin, actual)), origin)
    kind = ("OPTIONS", preflight) if fdp.ConsumeBool() else (method or "GET", actual)
    wsgi = through_wsgi(policy, kind[0], origin, kind[1])
    asgi = through_asgi(policy, kind[0], origin, kind[1])
    check_headers(wsgi, origin)
    check_headers(asgi, origin)
    cors = {n.lower(): v for n, v in wsgi.items() if n.lower().startswith("access-control-")}
    if cors != {n: v for n, v in asgi.items() if n.startswith("access-control-")}:
        raise AssertionError(f"WSGI and ASGI disagree: {wsgi} against {asgi}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
