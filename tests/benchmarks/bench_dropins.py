"""The drop-ins inside their frameworks against the peers they replace: one process, interleaved.

    python -m tests.benchmarks.bench_dropins          # full run (one to two minutes)
    python -m tests.benchmarks.bench_dropins --quick  # seconds: a smoke test, not a measurement
    python -m tests.benchmarks.bench_dropins --check  # exit 1 if a drop-in misses its target

Per framework, the same view at "/" bare (the baseline), with the peer, with cors_wsgi's drop-in,
and with two floors where the drop-in sits: an empty layer (what one more layer costs the
framework) and a layer that only adds ``Vary: Origin`` to the response (the least any CORS layer
does to a response it lets through; under ASGI it must wrap ``send`` for that):

- Django: django-cors-headers' ``CorsMiddleware`` against ``cors_wsgi.django.CorsMiddleware`` in
  ``MIDDLEWARE``, both under the same ``CORS_*`` settings; floors: Django middlewares.
- Flask: flask-cors's ``CORS(app, ...)`` against ``cors_wsgi.flask.CORS(app, ...)``, the same
  keywords; floors: WSGI layers around ``app.wsgi_app``.
- FastAPI: ``app.add_middleware`` with Starlette's ``CORSMiddleware`` against
  ``cors_wsgi.asgi.CORSMiddleware``, Starlette's keywords; floors: ASGI middlewares.

One policy everywhere: two allowed origins, credentials, four methods, three headers, max-age
600. Every stack's headers are verified before anything is timed, and the drop-in must answer
each CORS request as the peer does (CORS headers on both or on neither). Overhead = a stack's
time per request minus its bare framework's in the same round (the rounds interleaved as in
``bench_cors``), the median over the rounds; the target is a drop-in overhead at most one fifth
of the peer's, per kind. (A ratio of the two medians, not a median of per-round ratios: the
peer's overhead is a few µs on views of about 40, and a noisy round would swing a per-round
ratio far more than it moves a median.) Where the peer answers a kind without
calling the view and so costs less than the bare view (Starlette's preflight under FastAPI, whose
bare view answers it 405 after routing), its overhead is negative and has no fifth: the drop-in
is then held to an overhead no larger than the peer's. The empty layer costs a fraction of a
microsecond; what its column shows beyond that is the run's noise. A drop-in that cannot be
imported or built yet is reported as not available and skipped. Needs the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .bench_cors import (
    KINDS,
    MAX_AGE,
    ORIGIN,
    Results,
    Stack,
    asgi_stack,
    django_handler,
    django_setup,
    flask_app,
    run,
    verify,
    wsgi_stack,
)

ORIGINS = [ORIGIN, "https://admin.example.com"]
METHODS = ["GET", "POST", "PUT", "DELETE"]
HEADERS = ["content-type", "authorization", "x-requested-with"]
#: GET without Origin, GET from an allowed origin, an allowed preflight, a refused origin.
DROPIN_KINDS = ("a", "b", "c", "d")
#: The kinds that are CORS requests: the drop-in must answer each as the peer does.
CORS_KINDS = ("b", "c", "d")
#: A drop-in's overhead at most this fraction of the peer's.
TARGET = 0.20

DJANGO_SETTINGS: dict[str, Any] = {
    "CORS_ALLOWED_ORIGINS": ORIGINS,
    "CORS_ALLOW_CREDENTIALS": True,
    "CORS_ALLOW_METHODS": METHODS,
    "CORS_ALLOW_HEADERS": HEADERS,
    "CORS_PREFLIGHT_MAX_AGE": MAX_AGE,
}
FLASK_CORS_KWARGS: dict[str, Any] = {
    "origins": ORIGINS,
    "supports_credentials": True,
    "methods": METHODS,
    "allow_headers": HEADERS,
    "max_age": MAX_AGE,
}
STARLETTE_KWARGS: dict[str, Any] = {
    "allow_origins": ORIGINS,
    "allow_credentials": True,
    "allow_methods": METHODS,
    "allow_headers": HEADERS,
    "max_age": MAX_AGE,
}


# -- the floors: one more layer that does nothing, or only adds Vary: Origin -------------------


class PassThroughMiddleware:
    """A Django middleware that only calls the next one."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)


class PassThroughWSGI:
    """A WSGI middleware that only calls the app (around Flask's ``app.wsgi_app``)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return self.app(environ, start_response)


class PassThroughASGI:
    """An ASGI middleware that only awaits the app."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


# The least a CORS layer does on every response it lets through: add Vary: Origin (the views
# set no Vary, so nothing is merged).


class VaryMiddleware(PassThroughMiddleware):
    """A Django middleware that only adds ``Vary: Origin`` to the response."""

    def __call__(self, request: Any) -> Any:
        response = self.get_response(request)
        response["Vary"] = "Origin"
        return response


class VaryWSGI(PassThroughWSGI):
    """A WSGI middleware that only adds ``Vary: Origin`` to the response."""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def vary_start_response(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            return start_response(status, [*headers, VARY], exc_info)

        return self.app(environ, vary_start_response)


class VaryASGI(PassThroughASGI):
    """An ASGI middleware that only adds ``Vary: Origin`` to the response (so it must wrap
    ``send``, as every CORS middleware that lets a request through does)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def vary_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], WIRE_VARY]
            await send(message)

        await self.app(scope, receive, vary_send)


VARY = ("Vary", "Origin")
WIRE_VARY = (b"vary", b"Origin")


def dotted(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


# -- the frameworks ----------------------------------------------------------------------------


@dataclass
class Framework:
    """One framework's stacks; *dropin* is None when the drop-in is not available (and
    *unavailable* says why)."""

    name: str
    peer_name: str
    dropin_name: str
    bare: Stack
    peer: Stack
    empty: Stack  # one more layer, doing nothing
    vary: Stack  # one more layer, adding Vary: Origin
    dropin: Stack | None = None
    unavailable: str = ""

    def stacks(self) -> list[Stack]:
        floors_and_peer = [self.bare, self.peer, self.empty, self.vary]
        return floors_and_peer + ([self.dropin] if self.dropin else [])


def not_available(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def django_framework() -> Framework:
    """Django's view bare, under django-cors-headers, under the drop-in, under the two floor
    middlewares: one handler each, its middleware chain loaded when it is built; the ``CORS_*``
    settings are the same for all (both middlewares read them)."""
    dropin_app = importlib.util.find_spec("cors_wsgi.django") is not None
    installed = ["corsheaders", *(["cors_wsgi.django"] if dropin_app else [])]
    django_setup(INSTALLED_APPS=installed, **DJANGO_SETTINGS)
    from django.conf import settings

    if settings.DEBUG:  # it would time Django's debug paths
        raise AssertionError("Django runs with DEBUG on")
    kinds = DROPIN_KINDS
    bare = wsgi_stack("Django", django_handler([]), "Django", kinds)
    peer_chain = ["corsheaders.middleware.CorsMiddleware"]
    peer = wsgi_stack("Django + django-cors-headers", django_handler(peer_chain), "Django", kinds)
    empty_chain, vary_chain = [dotted(PassThroughMiddleware)], [dotted(VaryMiddleware)]
    empty = wsgi_stack("Django + empty middleware", django_handler(empty_chain), "Django", kinds)
    vary = wsgi_stack("Django + Vary middleware", django_handler(vary_chain), "Django", kinds)
    framework = Framework(
        "Django", "django-cors-headers", "cors_wsgi.django", bare, peer, empty, vary
    )
    try:
        handler = django_handler(["cors_wsgi.django.CorsMiddleware"])
    except ImportError as error:
        framework.unavailable = not_available(error)
    else:
        framework.dropin = wsgi_stack("Django + cors_wsgi.django", handler, "Django", kinds)
    return framework


def flask_framework() -> Framework:
    """Flask's view bare, with flask-cors, with the drop-in (the same keywords), and with the
    floor layers around ``app.wsgi_app`` (where the drop-in sits; flask-cors uses hooks)."""
    from flask_cors import CORS as FlaskCORS

    def empty_layer(app: Any) -> None:
        app.wsgi_app = PassThroughWSGI(app.wsgi_app)

    def vary_layer(app: Any) -> None:
        app.wsgi_app = VaryWSGI(app.wsgi_app)

    kinds = DROPIN_KINDS
    bare = wsgi_stack("Flask", flask_app("bare"), "Flask", kinds)
    with_peer = flask_app("peer", lambda app: FlaskCORS(app, **FLASK_CORS_KWARGS))
    peer = wsgi_stack("Flask + flask-cors", with_peer, "Flask", kinds)
    empty = wsgi_stack("Flask + empty wsgi_app layer", flask_app("empty", empty_layer), "Flask",
                       kinds)  # fmt: skip
    vary = wsgi_stack("Flask + Vary wsgi_app layer", flask_app("vary", vary_layer), "Flask", kinds)
    framework = Framework("Flask", "flask-cors", "cors_wsgi.flask", bare, peer, empty, vary)
    try:
        dropin_cors = importlib.import_module("cors_wsgi.flask").CORS
    except (ImportError, AttributeError) as error:
        framework.unavailable = not_available(error)
    else:
        with_dropin = flask_app("dropin", lambda app: dropin_cors(app, **FLASK_CORS_KWARGS))
        framework.dropin = wsgi_stack("Flask + cors_wsgi.flask", with_dropin, "Flask", kinds)
    return framework


def fastapi_app(middleware: Any = None, **options: Any) -> Any:
    """A FastAPI app whose endpoint at "/" (GET, POST) answers "ok", with *middleware* added
    as its users add it (``app.add_middleware``)."""
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse

    async def index() -> str:  # async: a sync endpoint would run in a worker thread
        return "ok"

    app = FastAPI()
    app.add_api_route("/", index, methods=["GET", "POST"], response_class=PlainTextResponse)
    if middleware is not None:
        app.add_middleware(middleware, **options)
    return app


def fastapi_framework() -> Framework:
    """FastAPI bare, with Starlette's CORSMiddleware, with cors_wsgi's (Starlette's keywords),
    and with the two floor middlewares, each through ``app.add_middleware``."""
    from starlette.middleware.cors import CORSMiddleware as StarletteCORS

    from .bench_cors import bare_asgi_app

    kinds = DROPIN_KINDS
    bare = asgi_stack("FastAPI", fastapi_app(), "FastAPI", kinds)
    with_peer = fastapi_app(StarletteCORS, **STARLETTE_KWARGS)
    peer = asgi_stack("FastAPI + Starlette CORSMiddleware", with_peer, "FastAPI", kinds)
    empty = asgi_stack("FastAPI + empty middleware", fastapi_app(PassThroughASGI), "FastAPI",
                       kinds)  # fmt: skip
    vary = asgi_stack("FastAPI + Vary middleware", fastapi_app(VaryASGI), "FastAPI", kinds)
    framework = Framework(
        "FastAPI", "Starlette's CORSMiddleware", "cors_wsgi.asgi.CORSMiddleware", bare, peer, empty,
        vary,
    )  # fmt: skip
    dropin = importlib.import_module("cors_wsgi.asgi").CORSMiddleware
    try:
        # Starlette builds the middleware stack on the first request; a keyword the class does
        # not take would only show there, as a 500.
        dropin(bare_asgi_app, **STARLETTE_KWARGS)
    except TypeError as error:
        framework.unavailable = not_available(error)
    else:
        with_dropin = fastapi_app(dropin, **STARLETTE_KWARGS)
        framework.dropin = asgi_stack("FastAPI + cors_wsgi", with_dropin, "FastAPI", kinds)
    return framework


FRAMEWORKS: dict[str, Callable[[], Framework]] = {
    "Django / django-cors-headers": django_framework,
    "Flask / flask-cors": flask_framework,
    "FastAPI / Starlette": fastapi_framework,
}


# -- verification ------------------------------------------------------------------------------


def access_control(headers: list[tuple[str, str]]) -> dict[str, str]:
    return {n.lower(): v for n, v in headers if n.lower().startswith("access-control-")}


def verify_framework(framework: Framework) -> None:
    """Raise unless the peer and the drop-in answer every kind as the policy says and alike
    (the same origin granted, with credentials, or nothing granted), and the bare view and the
    floor layers send no CORS header and the same status (the Vary layer its Vary)."""
    for kind in DROPIN_KINDS:
        status, headers = framework.bare.call(kind)
        for floor, extra in ((framework.empty, []), (framework.vary, [VARY])):
            floor_status, floor_headers = floor.call(kind)
            varies = [(n.title(), v) for n, v in floor_headers if n.lower() == "vary"]
            if (
                access_control(headers)
                or access_control(floor_headers)
                or (floor_status != status or varies != extra)
            ):
                raise AssertionError(
                    f"{floor.name}, ({kind}): {floor_status} {floor_headers}, but the bare"
                    f" view answers {status} {headers}"
                )
    stacks = [framework.peer] + ([framework.dropin] if framework.dropin else [])
    for stack in stacks:
        verify(stack, ORIGINS)
        _, _, request = KINDS["c"]
        wanted = request["Access-Control-Request-Headers"].split(",")
        granted = access_control(stack.call("c")[1]).get("access-control-allow-headers", "")
        if not set(wanted) <= {h.strip().lower() for h in granted.split(",")}:
            raise AssertionError(f"{stack.name}, (c): grants headers {granted!r}, not {wanted}")
    if framework.dropin is None:
        return
    for kind in CORS_KINDS:
        answers = []
        for stack in (framework.peer, framework.dropin):
            found = access_control(stack.call(kind)[1])
            origin = found.get("access-control-allow-origin")
            # Credentials only count with a granted origin: Starlette also sends them refused.
            credentials = found.get("access-control-allow-credentials") if origin else None
            answers.append((origin, credentials))
        if answers[0] != answers[1]:
            raise AssertionError(
                f"({kind}) {KINDS[kind][0]}: {framework.peer.name} grants {answers[0]},"
                f" {framework.dropin.name} {answers[1]}"
            )


# -- the report --------------------------------------------------------------------------------


def report(framework: Framework, results: Results) -> list[str]:
    """Print the framework's table; return the kinds whose drop-in misses its target."""
    peer, dropin = framework.peer, framework.dropin
    print(f"\n{framework.name}: {framework.dropin_name} against {framework.peer_name}, overhead"
          " over the bare view in µs (median of the rounds); target: drop-in ÷ peer"
          f" ≤ {TARGET}\n")  # fmt: skip
    print("| kind | bare µs | peer | budget (1/5) | drop-in | drop-in ÷ peer | verdict"
          " | empty layer | Vary layer | Vary layer ÷ peer |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    missed = []
    for kind in DROPIN_KINDS:
        theirs = results.overhead(peer, kind)
        cells = [
            f"({kind}) {KINDS[kind][0]}",
            f"{results.median(framework.bare.name, kind) * 1e6:.2f}",
            f"{theirs * 1e6:.2f}",
            f"{theirs * TARGET * 1e6:.2f}" if theirs > 0 else "-",
        ]
        if dropin is None:
            cells += ["not available", "-", "-"]
        else:
            ours = results.overhead(dropin, kind)
            if theirs > 0:
                ratio = ours / theirs
                ok = ratio <= TARGET
                cells += [f"{ours * 1e6:.2f}", f"{ratio:.2f}", "ok" if ok else "OVER"]
            else:  # the peer answers sooner than the view: no fifth of it to hold to
                ok = ours <= theirs
                cells += [f"{ours * 1e6:.2f}", "-", "ok (≤ peer)" if ok else "OVER (> peer)"]
            if not ok:
                missed.append(f"{framework.name} ({kind})")
        empty, vary = (results.overhead(floor, kind) for floor in (framework.empty, framework.vary))
        floor_ratio = f"{vary / theirs:.2f}" if theirs > 0 else "-"
        cells += [f"{empty * 1e6:.2f}", f"{vary * 1e6:.2f}", floor_ratio]
        print("| " + " | ".join(cells) + " |")
    return missed


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return f"{name} {version(name)}"
        except PackageNotFoundError:
            return f"{name} not installed"

    names = ("django", "django-cors-headers", "flask", "flask-cors", "fastapi", "starlette")
    return ", ".join(installed(name) for name in names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds; a smoke test")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if an available drop-in misses its target"
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 15)
    target = 0.005 if args.quick else 0.1  # seconds per measurement

    print(f"Python {sys.version.split()[0]}; {versions()}")
    print(f"{rounds} rounds of {target * 1e3:.0f} ms per measurement")
    frameworks = []
    for label, build in FRAMEWORKS.items():
        try:
            framework = build()
        except ImportError as error:
            print(f"skipped {label}: {error} (pip install -e '.[bench]')")
            continue
        if framework.dropin is None:
            print(f"{framework.dropin_name}: not available ({framework.unavailable}); skipped")
        frameworks.append(framework)
    for framework in frameworks:
        verify_framework(framework)
    print("verified: every stack sends the expected headers for every kind it is timed on,"
          " and each drop-in grants what its peer grants")  # fmt: skip
    stacks = [stack for framework in frameworks for stack in framework.stacks()]
    # What the frameworks built is never garbage: frozen, a full collection does not walk it
    # and land its cost on whichever stack happens to trigger it.
    gc.collect()
    gc.freeze()
    results = run(stacks, rounds, target)  # every framework's stacks in the same rounds
    missed = [kind for framework in frameworks for kind in report(framework, results)]
    if rounds > 1:
        spread = statistics.median(max(t) / min(t) for t in results.times.values())
        print(f"\n(median spread of one stack's time across rounds: {spread:.2f}x)")
    if missed:
        print("over target: " + ", ".join(missed))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
