"""The drop-in benchmark measures what it claims: it refuses to time a drop-in that grants
other than its peer, or a floor that is not a floor, and its verdict holds each drop-in to a
fifth of the peer's overhead (or, where the peer costs less than the bare view, to the peer's).

Flask and FastAPI only: Django's settings are the process's own, configured once."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ..benchmarks.bench_cors import Results, Stack, asgi_stack, flask_app, wsgi_stack
from ..benchmarks.bench_dropins import (
    DROPIN_KINDS,
    FLASK_CORS_KWARGS,
    STARLETTE_KWARGS,
    Framework,
    PassThroughASGI,
    PassThroughWSGI,
    fastapi_app,
    fastapi_framework,
    flask_framework,
    report,
    verify_framework,
)


def flask_cors(**changes: Any) -> Callable[[Any], Any]:
    from flask_cors import CORS

    return lambda app: CORS(app, **{**FLASK_CORS_KWARGS, **changes})


def flask_with(name: str, setup: Callable[[Any], Any]) -> Stack:
    return wsgi_stack(name, flask_app(name, setup), "Flask", DROPIN_KINDS)


def starlette_cors(**changes: Any) -> Any:
    from starlette.middleware.cors import CORSMiddleware

    return fastapi_app(CORSMiddleware, **{**STARLETTE_KWARGS, **changes})


class LeakyWSGI(PassThroughWSGI):
    """A "floor" that sends a CORS header: not a floor."""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def leaky(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            return start_response(status, [*headers, ("Access-Control-Allow-Origin", "*")])

        return self.app(environ, leaky)


def wrap_wsgi(layer: type) -> Callable[[Any], None]:
    def setup(app: Any) -> None:
        app.wsgi_app = layer(app.wsgi_app)

    return setup


# (what is swapped in, its stack, the error the verification must raise; None: it passes)
FLASK_CASES: list[tuple[str, Callable[[], Stack], str | None]] = [
    ("the peer itself as drop-in", lambda: flask_with("same", flask_cors()), None),
    (
        "drop-in without credentials",
        lambda: flask_with("nocred", flask_cors(supports_credentials=False)),
        r"\(b\) GET, allowed origin: .*'true'\).*None\)",
    ),
    (
        "drop-in refusing the allowed origin",
        lambda: flask_with("other", flask_cors(origins=["https://o.example"], always_send=False)),
        r"kind \(b\) GET, allowed origin: ACAO None",
    ),
    (
        "drop-in not granting the requested headers",
        lambda: flask_with("headers", flask_cors(allow_headers=["content-type"])),
        r"\(c\): grants headers",
    ),
    (
        "drop-in granting everyone",
        lambda: flask_with("star", flask_cors(origins="*", supports_credentials=False)),
        r"unexpected ACAO '\*'",
    ),
]


@pytest.mark.parametrize(("case", "dropin", "error"), FLASK_CASES, ids=[c[0] for c in FLASK_CASES])
def test_flask_drop_in_must_grant_what_the_peer_grants(
    case: str, dropin: Callable[[], Stack], error: str | None
) -> None:
    framework = flask_framework()
    framework.dropin = dropin()
    if error is None:
        verify_framework(framework)
    else:
        with pytest.raises(AssertionError, match=error):
            verify_framework(framework)


@pytest.mark.parametrize(
    ("floor", "error"),
    [
        ("empty", r"Flask \+ leaky, \(a\)"),  # sends a CORS header
        ("vary", r"Flask \+ no Vary, \(a\)"),  # adds no Vary
    ],
)
def test_a_floor_that_is_not_one_is_refused(floor: str, error: str) -> None:
    framework = flask_framework()
    if floor == "empty":
        framework.empty = flask_with("Flask + leaky", wrap_wsgi(LeakyWSGI))
    else:
        framework.vary = flask_with("Flask + no Vary", wrap_wsgi(PassThroughWSGI))
    with pytest.raises(AssertionError, match=error):
        verify_framework(framework)


def off_the_main_thread(body: Callable[[], None]) -> None:
    """Run *body* in a thread of its own: the browser tests' Playwright keeps an event loop
    running in the main thread, and the ASGI stacks run theirs to completion."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(body).result(timeout=120)


def test_fastapi_drop_in_must_grant_what_the_peer_grants() -> None:
    off_the_main_thread(fastapi_drop_in_must_grant_what_the_peer_grants)


def fastapi_drop_in_must_grant_what_the_peer_grants() -> None:
    framework = fastapi_framework()
    kinds = DROPIN_KINDS
    framework.dropin = asgi_stack("same", starlette_cors(), "FastAPI", kinds)
    verify_framework(framework)
    framework.dropin = asgi_stack("nothing", fastapi_app(PassThroughASGI), "FastAPI", kinds)
    with pytest.raises(AssertionError, match=r"nothing, kind \(b\) GET, allowed origin: ACAO None"):
        verify_framework(framework)
    without = starlette_cors(allow_credentials=False)
    framework.dropin = asgi_stack("no credentials", without, "FastAPI", kinds)
    with pytest.raises(AssertionError, match=r"\(b\) GET, allowed origin: .*'true'\).*None\)"):
        verify_framework(framework)


def test_the_drop_in_not_available_yet_is_reported_not_raised() -> None:
    """Before the drop-ins, cors_wsgi.flask does not exist and cors_wsgi.asgi's class takes no
    Starlette keywords; once either does, it is timed (this test then checks it is verified)."""

    def each() -> None:
        for framework in (flask_framework(), fastapi_framework()):
            if framework.dropin is None:
                assert framework.unavailable
            else:
                verify_framework(framework)

    off_the_main_thread(each)


def stack(name: str) -> Stack:
    def unused(*args: Any) -> Any:
        raise AssertionError("report() only reads results")

    return Stack(name, "bare", unused, unused, DROPIN_KINDS)


# µs per round (two rounds): the bare view, the peer, the drop-in -> the verdict on kind (a)
VERDICTS = [
    ((40, 40), (50, 50), (41, 41), "ok"),  # 1 µs of the peer's 10
    ((40, 40), (50, 50), (41.9, 41.9), "ok"),  # just under a fifth
    ((40, 40), (50, 50), (43, 43), "OVER"),  # 3 of 10
    ((40, 40), (50, 50), (30, 30), "ok"),  # cheaper than the bare view
    ((40, 40), (30, 30), (25, 25), "ok (≤ peer)"),  # the peer is cheaper than the view
    ((40, 40), (30, 30), (35, 35), "OVER (> peer)"),
]


@pytest.mark.parametrize(("bare", "peer", "dropin", "verdict"), VERDICTS)
def test_verdict(
    bare: tuple[float, ...],
    peer: tuple[float, ...],
    dropin: tuple[float, ...],
    verdict: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stacks = {name: stack(name) for name in ("bare", "peer", "empty", "vary", "drop-in")}
    framework = Framework(
        "F", "the peer", "the drop-in", stacks["bare"], stacks["peer"], stacks["empty"],
        stacks["vary"], stacks["drop-in"],
    )  # fmt: skip
    results = Results()
    for kind in DROPIN_KINDS:
        for name, times in (("bare", bare), ("peer", peer), ("drop-in", dropin)):
            results.times[(name, kind)] = [t * 1e-6 for t in times]
        for name in ("empty", "vary"):
            results.times[(name, kind)] = [t * 1e-6 for t in bare]
    missed = report(framework, results)
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("| (a)"))
    assert row.split(" | ")[6] == verdict
    assert missed == ([] if verdict.startswith("ok") else [f"F ({k})" for k in DROPIN_KINDS])
