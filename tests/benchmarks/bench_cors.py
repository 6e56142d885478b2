"""cors_wsgi against the bare app, a hand-written minimum and its peers: one process, interleaved.

    python -m tests.benchmarks.bench_cors          # full run (a few minutes)
    python -m tests.benchmarks.bench_cors --quick  # a few seconds: a smoke test, not a measurement
    python -m tests.benchmarks.bench_cors --baseline ../old/cors_wsgi  # before/after, one run

Every stack's headers are verified before it is timed. Overhead = a stack's time per request
minus its own bare baseline (the plain WSGI app, Flask, Django or Starlette without CORS); the
ratio divides that by the hand-written minimum's overhead for the same request kind.
Peers come from the ``bench`` extra; a missing peer is reported and skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import io
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from wsgiref.util import setup_testing_defaults

from cors_wsgi import CORSMiddleware, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware
from cors_wsgi.memo import DECISION_CACHE_SIZE, PolicyDecider

from .handwritten import HandWrittenASGICORS, HandWrittenCORS

ORIGIN = "https://app.example.com"
METHODS = ["GET", "POST"]
HEADERS = ["content-type", "authorization"]
MAX_AGE = 600

# kind: (label, method, headers, answered by a preflight?)
KINDS: dict[str, tuple[str, str, dict[str, str]]] = {
    "a": ("GET, no Origin", "GET", {}),
    "b": ("GET, allowed origin", "GET", {"Origin": ORIGIN}),
    "c": ("preflight, allowed", "OPTIONS", {
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization"}),
    "d": ("GET, refused origin", "GET", {"Origin": "https://evil.example"}),
    "e": ("GET, subdomain pattern", "GET", {"Origin": "https://shop.example.org"}),
    "f": ("GET, regex match", "GET", {"Origin": "https://pr-42.preview.example.net"}),
    "g": ("preflight, 10 headers", "OPTIONS", {
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": ",".join(f"x-h{i}" for i in range(8))
        + ",authorization,content-type"}),
    "h": ("GET, app sets Vary + ACAO", "GET", {"Origin": ORIGIN, "X-Bench-App-Headers": "1"}),
    "i": ("GET, allow_origin_func", "GET", {"Origin": "https://shop.partner.example"}),
    # cross_origin_protection: writes as browsers send them (Sec-Fetch-Site)
    "j": ("POST, allowed origin", "POST", {"Origin": ORIGIN, "Sec-Fetch-Site": "cross-site"}),
    "k": ("POST, refused origin", "POST", {"Origin": "https://evil.example",
                                           "Sec-Fetch-Site": "cross-site"}),
    "l": ("POST, same origin", "POST", {"Origin": "http://api.example.com",
                                        "Sec-Fetch-Site": "same-origin"}),
}  # fmt: skip
#: The kinds every cors_wsgi stack is timed on ("i" needs a policy with allow_origin_func).
#: CPU time of this thread: time the process spends waiting for a core on a loaded machine is
#: not counted, which makes interleaved ratios far steadier than wall-clock time.
clock = time.thread_time
STATIC_KINDS = tuple("abcdefgh")
#: Per-path policies: two prefix routes, the request on the second.
PER_PATH_KINDS = ("a", "b", "c", "d")


def per_path(options: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Two prefix routes; every benchmark request ("/") is governed by the second."""
    return [("/admin/*", {"allow_origins": []}), ("/*", options)]


PEER_KINDS = ("a", "b", "c")
TEN_HEADERS = [f"x-h{i}" for i in range(8)] + HEADERS


def ignore_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return lambda data: None


# -- the apps ----------------------------------------------------------------------------------


def bare_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    headers = [("Content-Type", "text/plain"), ("Content-Length", "2")]
    if "HTTP_X_BENCH_APP_HEADERS" in environ:
        headers = [*headers, ("Vary", "Accept-Encoding"), ("Access-Control-Allow-Origin", "*")]
    start_response("200 OK", headers)
    return [b"ok"]


async def bare_asgi_app(scope: Any, receive: Any, send: Any) -> None:
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"2")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


def cors_wsgi_policy(**extra: Any) -> CORSPolicy:
    return CORSPolicy(
        allow_origins=[ORIGIN, *extra.pop("origins", [])],
        allow_methods=METHODS,
        allow_headers=extra.pop("headers", HEADERS),
        max_age=MAX_AGE,
        **extra,
    )


FULL_OPTIONS: dict[str, Any] = {
    "allow_origins": [ORIGIN, "https://*.example.org"],
    "allow_origin_regex": r"https://pr-[0-9]+\.preview\.example\.net",
    "allow_methods": METHODS,
    "allow_headers": TEN_HEADERS,
    "max_age": MAX_AGE,
}
FULL_POLICY = CORSPolicy(**FULL_OPTIONS)


def environ_for(kind: str) -> dict[str, Any]:
    _, method, headers = KINDS[kind]
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "api.example.com",
        "wsgi.input": io.BytesIO(b""),
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    setup_testing_defaults(environ)
    return environ


@dataclass
class Stack:
    """One thing to time: a callable doing one request of a kind, and the kinds it supports."""

    name: str
    baseline: str  # the stack whose time is subtracted to get this stack's overhead
    call: Callable[[str], tuple[str, list[tuple[str, str]]]]  # one request, verified
    loop: Callable[[str, int], float]  # n requests, seconds each
    kinds: tuple[str, ...] = STATIC_KINDS
    note: str = ""


def wsgi_stack(name: str, app: Any, baseline: str, kinds: Iterable[str] = STATIC_KINDS) -> Stack:
    environs = {kind: environ_for(kind) for kind in KINDS}

    def call(kind: str) -> tuple[str, list[tuple[str, str]]]:
        captured: list[Any] = []
        body = app(dict(environs[kind]), lambda s, h, e=None: captured.extend([s, h]))
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        return captured[0], captured[1]

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        return None

    def loop(kind: str, n: int) -> float:
        environ = environs[kind]
        copy = environ.copy
        started = clock()
        for _ in range(n):
            body = app(copy(), start_response)
            for _chunk in body:
                pass
            close = getattr(body, "close", None)
            if close is not None:
                close()
        return (clock() - started) / n

    return Stack(name, baseline, call, loop, tuple(kinds))


_loops: list[asyncio.AbstractEventLoop] = []


def event_loop() -> asyncio.AbstractEventLoop:
    """The one event loop every ASGI stack of the process runs on (as under one server)."""
    if not _loops:
        _loops.append(asyncio.new_event_loop())
    return _loops[0]


def asgi_stack(name: str, app: Any, baseline: str, kinds: Iterable[str] = PEER_KINDS) -> Stack:
    def scope_for(kind: str) -> dict[str, Any]:
        _, method, headers = KINDS[kind]
        return {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": "/", "raw_path": b"/",
            "query_string": b"", "root_path": "", "server": ("127.0.0.1", 80),
            "client": ("127.0.0.1", 5000),
            "headers": [(b"host", b"api.example.com")]
            + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    loop_ = event_loop()

    def call(kind: str) -> tuple[str, list[tuple[str, str]]]:
        messages: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        loop_.run_until_complete(app(scope_for(kind), receive, send))
        start = messages[0]
        headers = [(k.decode(), v.decode()) for k, v in start["headers"]]
        return str(start["status"]), headers

    async def send(message: dict[str, Any]) -> None:
        return None

    async def many(scope: dict[str, Any], n: int) -> float:
        started = clock()
        for _ in range(n):
            await app(dict(scope), receive, send)
        return (clock() - started) / n

    def loop(kind: str, n: int) -> float:
        return loop_.run_until_complete(many(scope_for(kind), n))

    return Stack(name, baseline, call, loop, tuple(kinds), note="ASGI")


# -- the peers ---------------------------------------------------------------------------------


def peer_stacks(missing: list[str]) -> list[Stack]:
    stacks: list[Stack] = []
    try:
        from wsgicors import CORS as WSGICORS

        wrapped = WSGICORS(bare_app, headers=", ".join(HEADERS), methods=", ".join(METHODS),
                           origin=ORIGIN, maxage=str(MAX_AGE))  # fmt: skip
        stacks.append(wsgi_stack("wsgicors", wrapped, "bare WSGI app", PEER_KINDS))
    except ImportError:
        missing.append("wsgicors")
    try:
        from flask_cors import CORS as FlaskCORS

        def flask_cors(app: Any) -> None:
            FlaskCORS(app, origins=[ORIGIN], methods=METHODS, allow_headers=HEADERS,
                      max_age=MAX_AGE)  # fmt: skip

        stacks.append(wsgi_stack("Flask", flask_app("bench"), "Flask", PEER_KINDS))
        with_cors = flask_app("bench-cors", flask_cors)
        stacks.append(wsgi_stack("Flask + flask-cors", with_cors, "Flask", PEER_KINDS))
    except ImportError:
        missing.append("flask / flask-cors")
    try:
        django_setup(
            INSTALLED_APPS=["corsheaders"], CORS_ALLOWED_ORIGINS=[ORIGIN],
            CORS_ALLOW_METHODS=METHODS, CORS_ALLOW_HEADERS=HEADERS,
            CORS_PREFLIGHT_MAX_AGE=MAX_AGE,
        )  # fmt: skip
        bare_django = django_handler([])
        cors_django = django_handler(["corsheaders.middleware.CorsMiddleware"])
        stacks.append(wsgi_stack("Django", bare_django, "Django", PEER_KINDS))
        stacks.append(wsgi_stack("Django + django-cors-headers", cors_django, "Django", PEER_KINDS))
    except ImportError:
        missing.append("django / django-cors-headers")
    try:
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware as StarletteCORS
        from starlette.responses import PlainTextResponse
        from starlette.routing import Route

        async def index(request: Any) -> PlainTextResponse:
            return PlainTextResponse("ok")

        routes = [Route("/", index, methods=["GET", "POST", "OPTIONS"])]
        cors = Middleware(StarletteCORS, allow_origins=[ORIGIN], allow_methods=METHODS,
                          allow_headers=HEADERS, max_age=MAX_AGE)  # fmt: skip
        stacks.append(asgi_stack("Starlette", Starlette(routes=routes), "Starlette"))
        with_cors = Starlette(routes=routes, middleware=[cors])
        stacks.append(asgi_stack("Starlette + CORSMiddleware", with_cors, "Starlette"))
    except ImportError:
        missing.append("starlette")
    return stacks


# -- Flask and Django, bare: one view at "/" answering "ok" (bench_dropins's too) --------------


def flask_app(name: str, setup: Callable[[Any], Any] | None = None) -> Any:
    """A Flask app whose view at "/" (GET, POST) answers "ok"; *setup* adds CORS to it."""
    import flask

    app = flask.Flask(name)
    app.add_url_rule("/", "index", lambda: "ok", methods=["GET", "POST"])
    if setup is not None:
        setup(app)
    return app


def django_setup(**settings_: Any) -> None:
    """Configure Django once per process, DEBUG off, its URLconf this module's view at "/", with
    *settings_* (the CORS settings every stack of the run shares: django-cors-headers reads
    them per request). A second call must ask for the same settings."""
    import django
    from django.conf import settings

    if settings.configured:
        differ = [key for key, value in settings_.items() if getattr(settings, key, None) != value]
        if differ:
            raise RuntimeError(f"Django is already configured with other {', '.join(differ)}")
        return
    settings.configure(DEBUG=False, SECRET_KEY="bench", ALLOWED_HOSTS=["*"],
                       ROOT_URLCONF=__name__, MIDDLEWARE=[], **settings_)  # fmt: skip
    django.setup()


def django_handler(middleware: list[str]) -> Any:
    """A Django WSGI handler with its own *middleware* chain (loaded when it is built, so every
    handler keeps its own), on the settings of :func:`django_setup`."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()


def django_urlpatterns() -> list[Any]:
    from django.http import HttpResponse
    from django.urls import path

    return [path("", lambda request: HttpResponse("ok"))]


def __getattr__(name: str) -> Any:  # Django's ROOT_URLCONF is this module
    if name == "urlpatterns":
        return django_urlpatterns()
    raise AttributeError(name)


# -- verification ------------------------------------------------------------------------------


def verify(stack: Stack, static_origins: Iterable[str] = (ORIGIN,)) -> None:
    """Check the stack's headers for every kind it will be timed on; raise if any is wrong.
    Without ``Origin`` (a), only an allowed origin may be sent (*static_origins*)."""
    if stack.name in (stack.baseline,):
        return
    for kind in stack.kinds:
        status, headers = stack.call(kind)
        found = {name.lower(): value for name, value in headers}
        acao = found.get("access-control-allow-origin")
        _, _, request = KINDS[kind]
        expect_allowed = kind in ("b", "c", "e", "f", "g", "h", "i")
        problem = ""
        if expect_allowed and acao != request["Origin"]:
            problem = f"ACAO {acao!r}, expected {request['Origin']!r}"
        elif kind == "a" and acao is not None and acao not in static_origins:
            # flask-cors sends its one allowed origin even without Origin: a static value,
            # which Fetch permits; anything else would be wrong.
            problem = f"unexpected ACAO {acao!r}"
        elif kind != "a" and not expect_allowed and acao is not None:
            problem = f"unexpected ACAO {acao!r}"
        elif kind in ("c", "g") and (not status.startswith("20") or "POST" not in found.get(
                "access-control-allow-methods", "")):  # fmt: skip
            problem = f"preflight answered {status} with {found}"
        elif (
            kind == "h"
            and [n.lower() for n, _ in headers].count("access-control-allow-origin") != 1
        ):
            problem = "more than one ACAO"
        if problem:
            raise AssertionError(f"{stack.name}, kind ({kind}) {KINDS[kind][0]}: {problem}")


# -- timing ------------------------------------------------------------------------------------


@dataclass
class Results:
    """Per-round times. Overheads and ratios pair measurements of the same round, so that a
    change in machine load between rounds cancels out instead of landing on one stack."""

    times: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def median(self, stack: str, kind: str) -> float:
        return statistics.median(self.times[(stack, kind)])

    def _overheads(self, stack: Stack, kind: str) -> list[float]:
        own, base = self.times[(stack.name, kind)], self.times[(stack.baseline, kind)]
        return [t - b for t, b in zip(own, base, strict=True)]

    def overhead(self, stack: Stack, kind: str) -> float:
        return statistics.median(self._overheads(stack, kind))

    def ratio(self, stack: Stack, kind: str, reference: Stack, ref_kind: str) -> float:
        pairs = zip(self._overheads(stack, kind), self._overheads(reference, ref_kind), strict=True)
        return statistics.median(over / ref for over, ref in pairs)


def calibrate(stack: Stack, kind: str, target: float) -> int:
    per_call = stack.loop(kind, 200)
    return max(200, int(target / max(per_call, 1e-8)))


def run(stacks: list[Stack], rounds: int, target: float) -> Results:
    """Each round times every stack and kind once; a time is the best of five short batches
    (load from other processes only ever adds time, so the minimum is the least noisy)."""
    results = Results()
    sizes = {(s.name, k): calibrate(s, k, target) // 5 for s in stacks for k in s.kinds}
    gc.collect()
    for _ in range(rounds):
        for kind in KINDS:  # all stacks of one kind close together in time
            for stack in stacks:
                if kind in stack.kinds:
                    n = sizes[(stack.name, kind)]
                    best = min(stack.loop(kind, n) for _ in range(5))
                    results.times.setdefault((stack.name, kind), []).append(best)
    return results


def print_table(stacks: list[Stack], results: Results, rounds: int) -> None:
    reference = next(s for s in stacks if s.name == "hand-written minimum")
    print(
        f"\nPer-request time, median of {rounds} interleaved rounds (µs); overhead = time minus"
        " the stack's bare baseline; ratio = overhead / hand-written minimum's overhead\n"
    )
    print(f"{'stack':<30} {'kind':<28} {'time':>8} {'overhead':>9} {'ratio':>7}")
    for stack in stacks:
        for kind in stack.kinds:
            median = results.median(stack.name, kind) * 1e6
            if stack.baseline == stack.name:
                label = f"{stack.name:<30} ({kind}) {KINDS[kind][0]:<24}"
                print(f"{label} {median:8.2f} {'-':>9} {'-':>7}")
                continue
            over = results.overhead(stack, kind) * 1e6
            ref_kind = kind if kind in reference.kinds else "c" if kind == "g" else "b"
            ratio = results.ratio(stack, kind, reference, ref_kind)
            print(f"{stack.name:<30} ({kind}) {KINDS[kind][0]:<24} {median:8.2f} {over:9.2f}"
                  f" {ratio:7.2f}")  # fmt: skip


def load_baseline(package_dir: str) -> Any:
    """Another checkout's ``cors_wsgi`` package, imported as ``cors_wsgi_baseline`` beside this
    one (its modules import each other relatively), so before and after share one run."""
    spec = importlib.util.spec_from_file_location(
        "cors_wsgi_baseline",
        f"{package_dir}/__init__.py",
        submodule_search_locations=[package_dir],
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"--baseline: no package at {package_dir}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["cors_wsgi_baseline"] = module
    spec.loader.exec_module(module)
    return module


def known_to(old: Any, options: dict[str, Any]) -> dict[str, Any]:
    """*options* without those the ``--baseline`` package does not have (options added since)."""
    names = importlib.import_module("cors_wsgi_baseline.options").OPTION_NAMES
    return {name: value for name, value in options.items() if name in names}


def summary(stacks: list[Stack], results: Results) -> None:
    """The issue's table: overhead as a multiple of the hand-written minimum, kinds a, b, c."""
    reference = next(s for s in stacks if s.name == "hand-written minimum")
    print("\nOverhead as a multiple of the hand-written minimum's (same run):\n")
    print("| stack | a | b | c |")
    print("|---|---|---|---|")
    for stack in stacks:
        if stack.baseline == stack.name:
            continue
        cells = [f"{results.ratio(stack, k, reference, k):.2f}" for k in PEER_KINDS]
        print(f"| {stack.name} | " + " | ".join(cells) + " |")
    for ours in (s for s in stacks if s.name.startswith("cors_wsgi") and "e" in s.kinds):
        print(f"\n{ours.name} kinds d-h, as a multiple of the hand-written minimum's (b) or (c):\n")
        print("| kind | overhead µs | ratio |")
        print("|---|---|---|")
        for kind in "defgh":
            ref_kind = "c" if kind == "g" else "b"
            over = results.overhead(ours, kind)
            ratio = results.ratio(ours, kind, reference, ref_kind)
            print(f"| ({kind}) {KINDS[kind][0]} | {over * 1e6:.2f} | {ratio:.2f} ({ref_kind}) |")


# -- ASGI --------------------------------------------------------------------------------------

ASGI_KINDS = ("a", "b", "c", "d")


def asgi_stacks(missing: list[str], old: Any = None) -> list[Stack]:
    """Bare ASGI app, hand-written ASGI minimum, cors_wsgi's ASGI middleware (single policy and
    per-path; and the baseline's, given *old*), and Starlette's CORSMiddleware, each directly
    around the same bare ASGI app."""
    policy = cors_wsgi_policy()
    options = policy.options()
    stacks = [
        asgi_stack("bare ASGI app", bare_asgi_app, "bare ASGI app", ASGI_KINDS),
        asgi_stack(
            "hand-written ASGI minimum",
            HandWrittenASGICORS(bare_asgi_app, [ORIGIN], METHODS, HEADERS, MAX_AGE),
            "bare ASGI app",
            ASGI_KINDS,
        ),
        asgi_stack(
            "cors_wsgi ASGI", ASGICORSMiddleware(bare_asgi_app, policy), "bare ASGI app", ASGI_KINDS
        ),
        asgi_stack(
            "cors_wsgi ASGI per-path",
            ASGICORSMiddleware(bare_asgi_app, per_path(options)),
            "bare ASGI app",
            PER_PATH_KINDS,
        ),
    ]
    if old is not None:
        old_asgi = importlib.import_module("cors_wsgi_baseline.asgi").CORSMiddleware
        stacks.append(
            asgi_stack(
                "cors_wsgi ASGI baseline",
                old_asgi(bare_asgi_app, old.CORSPolicy(**known_to(old, options))),
                "bare ASGI app",
                ASGI_KINDS,
            )
        )
        stacks.append(
            asgi_stack(
                "cors_wsgi ASGI baseline per-path",
                old_asgi(bare_asgi_app, per_path(known_to(old, options))),
                "bare ASGI app",
                PER_PATH_KINDS,
            )
        )
    try:
        from starlette.middleware.cors import CORSMiddleware as StarletteCORS

        starlette = StarletteCORS(bare_asgi_app, allow_origins=[ORIGIN], allow_methods=METHODS,
                                  allow_headers=HEADERS, max_age=MAX_AGE)  # fmt: skip
        stacks.append(
            asgi_stack("Starlette CORSMiddleware", starlette, "bare ASGI app", ASGI_KINDS)
        )
    except ImportError:
        missing.append("starlette")
    return stacks


def asgi_summary(stacks: list[Stack], results: Results) -> None:
    reference = next(s for s in stacks if s.name == "hand-written ASGI minimum")
    print("\nASGI: overhead as a multiple of the hand-written ASGI minimum's (same run):\n")
    print("| stack | a | b | c | d |")
    print("|---|---|---|---|---|")
    for stack in stacks:
        if stack.baseline == stack.name:
            continue
        cells = [f"{results.ratio(stack, k, reference, k):.2f}" for k in ASGI_KINDS]
        print(f"| {stack.name} | " + " | ".join(cells) + " |")
    print("\n(overhead µs: " + "; ".join(
        f"{s.name} " + ", ".join(f"{k} {results.overhead(s, k) * 1e6:.2f}" for k in ASGI_KINDS)
        for s in stacks if s.baseline != s.name) + ")")  # fmt: skip


#: Section 4 of the design targets: (stack, kind, reference stack, reference kind, limit).
WSGI_MIN, ASGI_MIN = "hand-written minimum", "hand-written ASGI minimum"
TARGETS = [
    ("cors_wsgi", "a", WSGI_MIN, "a", 1.4),
    ("cors_wsgi", "b", WSGI_MIN, "b", 1.3),
    ("cors_wsgi", "e", WSGI_MIN, "b", 1.3),
    ("cors_wsgi", "f", WSGI_MIN, "b", 1.3),
    ("cors_wsgi", "c", WSGI_MIN, "c", 0.55),
    ("cors_wsgi", "g", WSGI_MIN, "c", 0.55),
    ("cors_wsgi", "d", WSGI_MIN, "b", 1.4),
    ("cors_wsgi", "h", WSGI_MIN, "b", 2.1),
    ("cors_wsgi per-path", "b", WSGI_MIN, "b", 1.6),
    ("cors_wsgi ASGI", "a", ASGI_MIN, "a", 1.5),
    ("cors_wsgi ASGI", "b", ASGI_MIN, "b", 1.5),
    ("cors_wsgi ASGI", "c", ASGI_MIN, "c", 1.0),
    ("cors_wsgi ASGI", "d", ASGI_MIN, "d", 1.6),
    ("cors_wsgi ASGI per-path", "b", ASGI_MIN, "b", 1.6),
]


def targets(wsgi: list[Stack], wsgi_results: Results, asgi: list[Stack],
            asgi_results: Results) -> None:  # fmt: skip
    """Each target ratio of this run, with the baseline's beside it when one was given, and
    cors_wsgi ASGI against half of Starlette's."""
    by_name = {s.name: (s, wsgi_results) for s in wsgi} | {s.name: (s, asgi_results) for s in asgi}
    print("\nTargets: overhead as a multiple of the hand-written minimum's (same run):\n")
    print("| stack | kind | ref | ratio | limit | baseline |")
    print("|---|---|---|---|---|---|")
    for name, kind, ref_name, ref_kind, limit in TARGETS:
        stack, results = by_name[name]
        reference = by_name[ref_name][0]
        ratio = results.ratio(stack, kind, reference, ref_kind)
        old = by_name.get(
            name.replace("cors_wsgi", "cors_wsgi baseline", 1)
            if "ASGI" not in name
            else name.replace("ASGI", "ASGI baseline", 1)
        )
        before = f"{results.ratio(old[0], kind, reference, ref_kind):.2f}" if old else "-"
        mark = "ok" if ratio <= limit else "OVER"
        print(f"| {name} | {kind} | {ref_kind} | {ratio:.2f} {mark} | {limit} | {before} |")
    if "Starlette CORSMiddleware" in by_name:
        starlette, reference = by_name["Starlette CORSMiddleware"][0], by_name[ASGI_MIN][0]
        ours = by_name["cors_wsgi ASGI"][0]
        for kind in ASGI_KINDS:
            mine = asgi_results.ratio(ours, kind, reference, kind)
            theirs = asgi_results.ratio(starlette, kind, reference, kind)
            mark = "ok" if mine <= theirs / 2 else "OVER"
            print(f"ASGI ({kind}): cors_wsgi {mine:.2f}, Starlette {theirs:.2f}: {mark}")


# -- scale, cache and streaming ----------------------------------------------------------------


def scale(rounds: int, target: float) -> None:
    """(b) and (d) as the allowlist grows; memory of each policy; cache hit vs miss."""
    many = [f"https://app{i}.example.com" for i in range(10_000)]
    patterns = [f"https://*.tenant{i}.example.org" for i in range(100)]
    configs = {
        "1 origin": [ORIGIN],
        "10,000 origins": [ORIGIN, *many],
        "100 patterns": [ORIGIN, *patterns],
        "10,000 origins + 100 patterns": [ORIGIN, *many, *patterns],
    }
    stacks, memory = [], {}
    for label, options in configs.items():
        gc.collect()
        tracemalloc.start()
        policy = CORSPolicy(allow_origins=options)
        memory[label] = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        stacks.append(wsgi_stack(label, CORSMiddleware(bare_app, policy), "bare", ("b", "d")))
    stacks.append(wsgi_stack("bare", bare_app, "bare", ("b", "d")))
    results = run(stacks, rounds, target)
    first = stacks[0]
    print("\nScale: overhead of (b) allowed and (d) refused as the allowlist grows\n")
    print("| allowlist | (b) µs | (b) vs 1 origin | (d) µs | (d) vs 1 origin | policy memory |")
    print("|---|---|---|---|---|---|")
    for stack in stacks[:-1]:
        b, d = results.overhead(stack, "b"), results.overhead(stack, "d")
        b_ratio, d_ratio = (results.ratio(stack, k, first, k) for k in "bd")
        print(f"| {stack.name} | {b * 1e6:.2f} | {b_ratio:.2f} | {d * 1e6:.2f} |"
              f" {d_ratio:.2f} | {memory[stack.name] / 1024:.0f} KiB |")  # fmt: skip
    cache_costs(target)


def is_partner(origin: str) -> bool:
    """The benchmark's allow_origin_func: as cheap as a function can be, so the figures are
    cors_wsgi's own cost of asking it and remembering the answer."""
    return origin.endswith(".partner.example")


def origin_func_costs(rounds: int, target: float) -> None:
    """allow_origin_func per request through the WSGI middleware: answer remembered (the
    default 60 s) against asked every request (origin_func_cache_seconds=0), beside an origin
    listed in allow_origins."""
    base = {"allow_origins": [ORIGIN, "https://shop.partner.example"]}
    remembered = {"allow_origins": [ORIGIN], "allow_origin_func": is_partner}
    asked = {**remembered, "origin_func_cache_seconds": 0}
    stacks = [
        wsgi_stack("bare", bare_app, "bare", ("i",)),
        wsgi_stack("listed", CORSMiddleware(bare_app, base), "bare", ("i",)),
        wsgi_stack("remembered", CORSMiddleware(bare_app, remembered), "bare", ("i",)),
        wsgi_stack("asked", CORSMiddleware(bare_app, asked), "bare", ("i",)),
    ]
    for stack in stacks:
        verify(stack)
    results = run(stacks, rounds, target)
    listed, hit, miss = (results.overhead(stack, "i") * 1e6 for stack in stacks[1:])
    print(
        f"\nallow_origin_func (WSGI, per request): origin listed {listed:.2f} µs; allowed by the"
        f" function, answer remembered {hit:.2f} µs; asked every request {miss:.2f} µs"
    )


PROTECTION_KINDS = ("b", "d", "j", "k", "l")


def off_and_on(off: CORSPolicy, on: CORSPolicy, kinds: tuple[str, ...]) -> dict[str, list[Stack]]:
    """Per adapter: the bare app, then each middleware under the policy with an option off and
    on (the comparisons of one option's cost)."""
    return {
        "WSGI": [
            wsgi_stack("bare", bare_app, "bare", kinds),
            wsgi_stack("off", CORSMiddleware(bare_app, off), "bare", kinds),
            wsgi_stack("on", CORSMiddleware(bare_app, on), "bare", kinds),
        ],
        "ASGI": [
            asgi_stack("bare", bare_asgi_app, "bare", kinds),
            asgi_stack("off", ASGICORSMiddleware(bare_asgi_app, off), "bare", kinds),
            asgi_stack("on", ASGICORSMiddleware(bare_asgi_app, on), "bare", kinds),
        ],
    }


def protection_costs(rounds: int, target: float, old: Any = None) -> None:
    """cross_origin_protection per request through each middleware: safe requests (b, d) and
    writes (j, k, l), the same policy with the option off and on (and on under *old*, the
    ``--baseline`` checkout's package, when given)."""
    off, on = cors_wsgi_policy(), cors_wsgi_policy(cross_origin_protection=True)
    kinds = PROTECTION_KINDS
    stacks_of = off_and_on(off, on, kinds)
    wsgi, asgi = stacks_of["WSGI"], stacks_of["ASGI"]
    if old is not None:
        old_on = old.CORSPolicy(**known_to(old, on.options()))
        old_asgi = importlib.import_module("cors_wsgi_baseline.asgi").CORSMiddleware
        wsgi.append(wsgi_stack("on, baseline", old.CORSMiddleware(bare_app, old_on), "bare", kinds))
        asgi.append(asgi_stack("on, baseline", old_asgi(bare_asgi_app, old_on), "bare", kinds))
    for label, stacks in (("WSGI", wsgi), ("ASGI", asgi)):
        for stack in stacks[1:]:  # only the refused write under protection is answered 403
            for kind in kinds:
                refused = stack.name.startswith("on") and kind == "k"
                status = stack.call(kind)[0]
                if status.startswith("403") is not refused:
                    raise AssertionError(f"protection {label} {stack.name}, ({kind}): {status}")
        results = run(stacks, rounds, target)
        print(f"\ncross_origin_protection ({label}, per request), overhead over the bare app:\n")
        extra = " on, baseline µs |" if old is not None else ""
        print("| request | off µs | on µs | on - off µs |" + extra)
        print("|---|---|---|---|" + ("---|" if old is not None else ""))
        for kind in kinds:
            before, after, *then = (results.overhead(stack, kind) * 1e6 for stack in stacks[1:])
            label_ = KINDS[kind][0] + (" (answered 403, app not called)" if kind == "k" else "")
            cells = f"| ({kind}) {label_} | {before:.2f} | {after:.2f} | {after - before:+.2f} |"
            print(cells + "".join(f" {value:.2f} |" for value in then))


GUARD_KINDS = ("a", "b", "d")


def guard_costs(rounds: int, target: float) -> None:
    """allowed_hosts and refuse_untrusted_origins per request through each middleware: the same
    policy without and with them (a request without Origin, an allowed one, a refused one, which
    the guards answer 403 without calling the application)."""
    off = cors_wsgi_policy()
    on = cors_wsgi_policy(allowed_hosts="api.example.com", refuse_untrusted_origins=True)
    kinds = GUARD_KINDS
    for label, stacks in off_and_on(off, on, kinds).items():
        for kind in kinds:  # only the refused origin under the guards is answered 403
            status = stacks[2].call(kind)[0]
            if status.startswith("403") is not (kind == "d"):
                raise AssertionError(f"guards {label} ({kind}): {status}")
        results = run(stacks, rounds, target)
        print(f"\nallowed_hosts + refuse_untrusted_origins ({label}, per request), overhead:\n")
        print("| request | off µs | on µs | on - off µs |")
        print("|---|---|---|---|")
        for kind in kinds:
            before, after = (results.overhead(stack, kind) * 1e6 for stack in stacks[1:])
            answered = " (answered 403, app not called)" if kind == "d" else ""
            print(f"| ({kind}) {KINDS[kind][0]}{answered} | {before:.2f} | {after:.2f} | "
                  f"{after - before:+.2f} |")  # fmt: skip


def cache_costs(target: float) -> None:
    """Decision cache: a repeated origin (hit) against ever-new origins (miss), per decision."""
    policy = CORSPolicy(allow_origins=["https://*.example.org", *(f"https://*.t{i}.example.org"
                                                                 for i in range(99))])  # fmt: skip
    fresh = [f"https://o{i}.example.org" for i in range(200_000)]
    n = max(20_000, int(target / 1e-6))
    timings = {}
    for label, origins in (("hit", ["https://o1.example.org"] * n), ("miss", fresh[:n])):
        runs = []
        for _ in range(3):
            respond = PolicyDecider(policy).respond  # a fresh decider: an empty cache
            facts = [{"REQUEST_METHOD": "GET", "HTTP_ORIGIN": origin} for origin in origins]
            started = time.perf_counter()
            for environ in facts:
                respond(environ)
            runs.append((time.perf_counter() - started) / len(origins))
        timings[label] = statistics.median(runs)
    hit, miss = timings["hit"] * 1e6, timings["miss"] * 1e6
    print(
        f"\nDecision cache (100 subdomain patterns, bounded to {DECISION_CACHE_SIZE} origins):"
        f" hit {hit:.2f} µs, miss {miss:.2f} µs per decision"
    )


def streaming(quick: bool) -> None:
    """A generator body: per-chunk time with and without cors_wsgi."""
    chunks, size = (2_000, 1024) if quick else (200_000, 1024)

    def streaming_app(
        environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        chunk = b"x" * size
        for _ in range(chunks):
            yield chunk

    wrapped = CORSMiddleware(streaming_app, cors_wsgi_policy())
    environ = environ_for("b")
    per_chunk: dict[str, list[float]] = {"bare": [], "cors_wsgi": []}
    for _ in range(3):
        for label, app in (("bare", streaming_app), ("cors_wsgi", wrapped)):
            started = time.perf_counter()
            for _chunk in app(dict(environ), ignore_start_response):
                pass
            per_chunk[label].append((time.perf_counter() - started) / chunks)
    bare, ours = (statistics.median(per_chunk[k]) for k in ("bare", "cors_wsgi"))
    print(f"\nStreaming {chunks} chunks of {size} B: bare {bare * 1e9:.0f} ns/chunk,"
          f" cors_wsgi {ours * 1e9:.0f} ns/chunk, ratio {ours / bare:.2f}")  # fmt: skip


# -- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds; a smoke test")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument(
        "--baseline",
        metavar="PACKAGE_DIR",
        help="also time another checkout's cors_wsgi package directory (before/after)",
    )
    parser.add_argument(
        "--targets-only", action="store_true", help="only the tables of the speed targets"
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 7)
    target = 0.005 if args.quick else 0.1  # seconds per measurement

    version = sys.version.split()[0]
    print(f"Python {version}; {rounds} rounds of {target * 1e3:.0f} ms per measurement")
    missing: list[str] = []
    stacks = [
        wsgi_stack("bare WSGI app", bare_app, "bare WSGI app"),
        wsgi_stack(
            "hand-written minimum",
            HandWrittenCORS(bare_app, [ORIGIN], METHODS, HEADERS, MAX_AGE),
            "bare WSGI app",
            ("a", "b", "c", "d"),  # it cannot do e-h correctly
        ),
        wsgi_stack("cors_wsgi", CORSMiddleware(bare_app, FULL_POLICY), "bare WSGI app"),
        wsgi_stack(
            "cors_wsgi per-path",
            CORSMiddleware(bare_app, per_path(FULL_OPTIONS)),
            "bare WSGI app",
            PER_PATH_KINDS,
        ),
    ]
    old = None
    if args.baseline:
        old = load_baseline(args.baseline)
        old_policy = old.CORSPolicy(**FULL_OPTIONS)
        stacks.append(
            wsgi_stack(
                "cors_wsgi baseline", old.CORSMiddleware(bare_app, old_policy), "bare WSGI app"
            )
        )
        stacks.append(
            wsgi_stack(
                "cors_wsgi baseline per-path",
                old.CORSMiddleware(bare_app, per_path(FULL_OPTIONS)),
                "bare WSGI app",
                PER_PATH_KINDS,
            )
        )
    stacks += peer_stacks(missing)
    for name in missing:
        print(f"skipped {name}: not installed (pip install -e '.[bench]')")
    for stack in stacks:
        verify(stack)
    print("verified: every stack sends the expected headers for every kind it is timed on")
    results = run(stacks, rounds, target)
    print_table(stacks, results, rounds)
    summary(stacks, results)
    asgi = asgi_stacks(missing, old)
    for stack in asgi:
        verify(stack)
    asgi_results = run(asgi, rounds, target)
    asgi_summary(asgi, asgi_results)
    targets(stacks, results, asgi, asgi_results)
    if args.targets_only:
        return 0
    scale(rounds, target)
    origin_func_costs(rounds, target)
    protection_costs(rounds, target, old)
    guard_costs(rounds, target)
    streaming(args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
