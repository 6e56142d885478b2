"""The differential browser test's cases, predictions and comparison (see test_differential.py).

* :func:`generate` makes cases from a seed: a random valid policy plus one ``fetch()`` call
  from one of several page origins. The same cases run in every engine, each on its own path.
* :func:`predict_evaluate` predicts a case from ``CORSMiddleware.evaluate()`` plus the browser's
  CORS checks on the headers it says the server sends; :func:`predict_explain` from
  ``python -m cors_wsgi explain --json`` (run in-process). Both use the library's browser model,
  imported once below as ``model``.
* :func:`observe` reads what the engine reported and what the server and the app logged;
  :func:`compare` lists the disagreements, each classified, and :func:`table` prints them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from cors_wsgi import ConfigError, CORSMiddleware, CORSPolicy
from cors_wsgi import browser as model  # the library's browser model; one import to follow it
from cors_wsgi.cli import main as cli_main
from cors_wsgi.decision import Action, Reason

from .differential_api import APP_HEADERS

DEFAULT_SEED = 20260601
DEFAULT_CASES = 500
SLOW_CASES = 2000

#: Page kinds, each an origin a page can have: two ports on 127.0.0.1 (one of them usually
#: allowed), a subdomain of localhost and localhost itself on a third port, a sandboxed iframe
#: (Origin: null), and the API's own origin.
PAGE_KINDS = ("main", "other", "sub", "apex", "null", "own")
PAGE_WEIGHTS = (30, 12, 14, 10, 16, 18)
ADAPTERS = ("wsgi", "asgi")

#: https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
SAFELISTED_RESPONSE_HEADERS = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)
APP_NAMES = frozenset(name.lower() for name, _ in (*APP_HEADERS, ("Content-Length", "")))
#: The response header names compared: the app's and the ones cors_wsgi may add. Servers add
#: others (Date, Server, Connection) that only a same-origin page or ``*`` lets JavaScript see.
COMPARED_NAMES = APP_NAMES | {
    "vary",
    "x-cors-reason",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-expose-headers",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
}

#: The target of ``explain``: a middleware holding the one case being explained.
EXPLAIN_TARGET: CORSMiddleware | None = None


def _no_app(environ: Any, start_response: Any) -> list[bytes]:  # explain never calls it
    raise AssertionError("not served")


# -- origins and cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Origins:
    """Where the pages and the two APIs are (ports chosen at run time)."""

    main: str  # http://127.0.0.1:A
    other: str  # http://127.0.0.1:B
    sub: str  # http://app.localhost:C
    apex: str  # http://localhost:C
    wsgi: str  # http://localhost:W, the WSGI API (gunicorn)
    asgi: str  # http://localhost:S, the ASGI API (uvicorn)

    def api(self, adapter: str) -> str:
        return self.wsgi if adapter == "wsgi" else self.asgi

    def page(self, kind: str, adapter: str) -> str:
        """The page's origin as the browser serializes it."""
        if kind == "null":
            return "null"
        if kind == "own":
            return self.api(adapter)
        return str(getattr(self, kind))

    @property
    def sub_port(self) -> str:
        return self.sub.rpartition(":")[2]


@dataclass(frozen=True)
class Case:
    """One random policy and one fetch() call from one page."""

    number: int
    adapter: str
    page: str
    policy: dict[str, Any]
    method: str
    headers: tuple[tuple[str, str], ...]
    body: str  # none, text, form, json, bytes
    credentials: str  # omit, same-origin, include

    def path(self, engine: str) -> str:
        return f"/t/{self.number}/{engine}"

    def sent_headers(self) -> list[tuple[str, str]]:
        """The headers fetch() sends: the page's own, and the body's Content-Type unless set."""
        sent = list(self.headers)
        implied = BODY_TYPES.get(self.body)
        if implied and not any(name.lower() == "content-type" for name, _ in sent):
            sent.append(("Content-Type", implied))
        return sent

    def fetch_init(self, origins: Origins, engine: str) -> dict[str, Any]:
        """The case as the page runs it."""
        url = origins.api(self.adapter) + self.path(engine)
        return {
            "id": self.number,
            "url": url,
            "method": self.method,
            "headers": [list(h) for h in self.headers],
            "body": self.body,
            "credentials": self.credentials,
        }

    def describe_request(self) -> str:
        headers = ", ".join(f"{n}: {v}" for n, v in self.headers) or "no headers"
        body = "" if self.body == "none" else f" body={self.body}"
        return f"{self.page} page, {self.method} ({headers}){body} credentials={self.credentials}"

    def describe_policy(self) -> str:
        return json.dumps(self.policy, sort_keys=True)


#: The Content-Type fetch() sends for each body kind (https://fetch.spec.whatwg.org/#bodyinit).
BODY_TYPES = {
    "text": "text/plain;charset=UTF-8",
    "form": "application/x-www-form-urlencoded;charset=UTF-8",
    "json": "application/json",  # a Blob of that type
}

METHODS = (
    "GET", "GET", "GET", "get", "HEAD", "POST", "POST", "POST", "post", "PUT", "put", "DELETE",
    "delete", "PATCH", "patch", "PURGE", "OPTIONS",
)  # fmt: skip
#: Request headers a page may set: safelisted names with safe and unsafe values, and others.
HEADER_POOL: dict[str, tuple[str, ...]] = {
    "Content-Type": (
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "text/plain;charset=utf-8", "application/json", 'text/"x"', "text/plain; x=(y)",
        "text/html",
    ),
    "Accept": ("*/*", "application/json", "text/html, */*;q=0.1", 'text/"x"', "a{b}", "x" * 129),
    "Accept-Language": ("en-US,en;q=0.9", "de", "*", "de/x", "fr@x"),
    "Content-Language": ("de", "en-GB", "de, fr", "de/x", "en(x)"),
    "Range": ("bytes=0-", "bytes=0-9", "bytes=-5", "bytes=5-2", "bytes=0-1,3-4"),
    "X-Custom": ("1", "a b"),
    "X-Requested-With": ("XMLHttpRequest",),
    "X-Empty": ("",),
    "Authorization": ("Bearer t0ken",),
}  # fmt: skip
POLICY_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "patch", "PURGE", "OPTIONS", "HEAD")
POLICY_HEADERS = ("X-Custom", "X-Requested-With", "Authorization", "Range", "X-Empty")
EXPOSABLE = ("X-Total-Count", "X-Secret", "Content-Type", "X-Nope", "Vary")
#: An allow_origin_func by import string, so policies stay JSON: localhost and subdomains.
ORIGIN_FUNC = "tests.e2e.differential_api:origin_is_localhost"
#: How often a policy is made to fit the request in each respect (origin, method, headers), so
#: that allowed requests are as common as refused ones.
FIT = 0.7


def random_case_of(rng: random.Random, name: str) -> str:
    return rng.choice((name, name, name.lower(), name.upper(), name.title()))


def matching_entry(rng: random.Random, page: str, origin: str, port: str) -> tuple[str, str]:
    """An allow_origins or allow_origin_regex entry that allows *origin*:
    ("allow_origins" | "allow_origin_regex", entry)."""
    if page == "null":
        return "allow_origins", "null"
    regex = {
        "main": r"http://127\.0\.0\.1:\d+",
        "other": r"http://127\.0\.0\.1:\d+",
        "sub": rf"http://[a-z]+\.localhost:{port}",
    }.get(page, r"http://localhost:\d+")
    choices = [("allow_origins", origin), ("allow_origin_regex", regex)]
    if page == "sub":
        choices.append(("allow_origins", f"http://*.localhost:{port}"))
    return rng.choice(choices)


def random_policy(
    rng: random.Random,
    origins: Origins,
    adapter: str,
    page: str,
    method: str,
    headers: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """A policy, fitting the request in each respect with probability FIT."""
    policy: dict[str, Any] = {}
    port = origins.sub_port
    if rng.random() < 0.2:
        policy["allow_origins"] = "*"
    else:
        pool = [
            origins.main, origins.other, origins.sub, origins.apex, origins.api(adapter), "null",
            f"http://*.localhost:{port}", f"https://*.localhost:{port}", "https://example.com",
        ]  # fmt: skip
        policy["allow_origins"] = rng.sample(pool, rng.randint(0, 2))
        if rng.random() < 0.2:
            policy["allow_origin_regex"] = rng.choice(
                [r"http://127\.0\.0\.1:\d+", r"http://localhost:\d+", r"https://.*\.example\.org"]
            )
        if rng.random() < FIT:
            key, entry = matching_entry(rng, page, origins.page(page, adapter), port)
            if key == "allow_origins":
                policy["allow_origins"].append(entry)
            else:
                policy["allow_origin_regex"] = entry
    if rng.random() < 0.2:
        policy["allow_methods"] = "*"
    elif rng.random() < 0.8:
        chosen = rng.sample(POLICY_METHODS, rng.randint(0, 3))
        if rng.random() < FIT:
            chosen.append(method)
        policy["allow_methods"] = [random_case_of(rng, m) for m in chosen]
    if rng.random() < 0.15:
        policy["allow_headers"] = "*"
    elif rng.random() < 0.8:
        chosen = rng.sample(POLICY_HEADERS, rng.randint(0, 2))
        if rng.random() < FIT:
            chosen += [name for name, _ in headers]
        policy["allow_headers"] = [random_case_of(rng, h) for h in chosen]
    if rng.random() < 0.6:
        chosen = rng.sample(EXPOSABLE, rng.randint(0, 3))
        policy["expose_headers"] = (
            "*" if rng.random() < 0.25 else [random_case_of(rng, h) for h in chosen]
        )
    if rng.random() < 0.45:
        policy["allow_credentials"] = True
    if rng.random() < 0.5:
        policy["max_age"] = rng.choice([None, 0, 5, 600, 7200])
    if rng.random() < 0.3:
        policy["cross_origin_protection"] = True
    if rng.random() < 0.15:
        policy["debug"] = True
    if rng.random() < 0.15:
        policy["preflight_continue"] = True  # the app answers preflights (200), cors_wsgi adds
    if rng.random() < 0.12:
        policy["allow_origin_func"] = ORIGIN_FUNC
    return policy


def random_request(rng: random.Random) -> tuple[str, tuple[tuple[str, str], ...], str, str]:
    method = rng.choice(METHODS)
    names = rng.sample(sorted(HEADER_POOL), rng.choice((0, 0, 1, 1, 2, 3)))
    headers = tuple((random_case_of(rng, n), rng.choice(HEADER_POOL[n])) for n in names)
    body = "none"
    if method.upper() not in ("GET", "HEAD"):
        body = rng.choice(("none", "text", "text", "form", "json", "bytes"))
    credentials = rng.choice(("omit", "same-origin", "include", "include"))
    return method, headers, body, credentials


def generate(seed: int, count: int, origins: Origins) -> list[Case]:
    """*count* cases from *seed*: the same seed and origins give the same cases. Policies that
    cors_wsgi refuses (ConfigError) are drawn again."""
    rng = random.Random(seed)
    cases: list[Case] = []
    while len(cases) < count:
        adapter = ADAPTERS[len(cases) % 2]  # half through each adapter
        page = rng.choices(PAGE_KINDS, PAGE_WEIGHTS)[0]
        method, headers, body, credentials = random_request(rng)
        policy = random_policy(rng, origins, adapter, page, method, headers)
        try:
            CORSPolicy.from_dict(policy)
        except ConfigError:
            continue
        cases.append(Case(len(cases), adapter, page, policy, method, headers, body, credentials))
    return cases


def routes(cases: Iterable[Case], engines: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
    """The per-path configuration: each case's policy on its path in each engine."""
    return [(case.path(engine), case.policy) for case in cases for engine in engines]


# -- outcomes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What happened to one fetch(), as predicted or as observed."""

    allowed: bool
    status: int | None  # when allowed (readable)
    readable: frozenset[str]  # when allowed: the response header names JavaScript can read
    preflight: bool
    acrh: str | None  # the preflight's Access-Control-Request-Headers, when one went out
    app_reached: bool
    note: str = ""  # the reason or error, shown in the table only

    FIELDS = ("allowed", "status", "readable", "preflight", "acrh", "app_reached")

    def fields(self, other: Outcome) -> dict[str, tuple[object, object]]:
        """The fields where *self* (predicted) and *other* (observed) differ; status and headers
        only where both could read them, ACRH only where both sent a preflight."""
        differ: dict[str, tuple[object, object]] = {}
        for name in self.FIELDS:
            if name in ("status", "readable") and not (self.allowed and other.allowed):
                continue
            if name == "acrh" and not (self.preflight and other.preflight):
                continue
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine != theirs:
                differ[name] = (mine, theirs)
        return differ


def lowered(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Response headers by lower-case name, repeated ones joined as HTTP combines them."""
    found: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        found[key] = f"{found[key]}, {value}" if key in found else value
    return found


def readable_names(
    response: Mapping[str, str], credentials: bool, same_origin: bool
) -> frozenset[str]:
    """The names JavaScript can read: all of them from the same origin; otherwise the
    safelisted ones and those Access-Control-Expose-Headers lists, where ``*`` means every name
    unless credentials are included (https://fetch.spec.whatwg.org/#concept-filtered-response-cors
    and main fetch's CORS-exposed header-name list)."""
    present = set(response)
    if same_origin:
        return frozenset(present & COMPARED_NAMES)
    exposed = {
        v.strip().lower() for v in response.get("access-control-expose-headers", "").split(",")
    }
    if "*" in exposed and not credentials:
        exposed = present
    return frozenset(present & (SAFELISTED_RESPONSE_HEADERS | exposed) & COMPARED_NAMES)


def app_response(decision_headers: Iterable[tuple[str, str]], exposes_own: bool) -> dict[str, str]:
    """The response the page gets when the app answers: its headers with the decision's added
    (and with ``expose_headers="*"`` under credentials, the app's names listed in ACEH)."""
    headers = [*APP_HEADERS, ("Content-Length", "0"), *decision_headers]
    if exposes_own:
        names = ", ".join(name for name, _ in (*APP_HEADERS, ("Content-Length", "0")))
        headers.append(("Access-Control-Expose-Headers", names))
    return lowered(headers)


def facts_of(
    method: str, origin: str | None, headers: Mapping[str, str], path: str, server: str
) -> dict[str, str]:
    """Request facts as cors_wsgi decides them: a WSGI environ's keys (PEP 3333, RFC 3875)."""
    facts = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path}
    facts |= {"HTTP_" + n.upper().replace("-", "_"): v for n, v in headers.items()}
    if origin is not None:
        facts["HTTP_ORIGIN"] = origin
    facts["wsgi.url_scheme"], _, facts["HTTP_HOST"] = server.partition("://")
    return facts


def sends_origin(same_origin: bool, method: str) -> bool:
    """A same-origin GET or HEAD carries no Origin header
    (https://fetch.spec.whatwg.org/#origin-header, "serializing a request origin")."""
    return not (same_origin and method in ("GET", "HEAD"))


# -- prediction (a): evaluate() plus the browser's checks ------------------------------------------


def predict_evaluate(
    middleware: CORSMiddleware,
    case: Case,
    engine: str,
    origins: Origins,
    broken: bool = False,
    assume_fixed: bool = False,
) -> Outcome:
    """What ``evaluate()`` says, with the Fetch CORS checks run on the headers it says the
    server sends. *broken*: every decision taken as allowed (to see the test fail).
    *assume_fixed*: a same-origin request is decided as the middleware decides it, without
    evaluate()'s simulated preflight (with :func:`spec_safelisted` patched into the model,
    what would still disagree once the known bugs are fixed)."""
    path, api = case.path(engine), origins.api(case.adapter)
    origin = origins.page(case.page, case.adapter)
    same = origin == api
    method = model.normalise_method(case.method)
    headers = case.sent_headers()
    credentials = case.credentials == "include" and not same
    site = {"Sec-Fetch-Site": "same-origin" if same else "cross-site"}
    request_headers = {**dict(headers), **site}
    names = model.unsafe_header_names(headers)
    acrh = ",".join(names) or None

    def evaluate(origin: str | None, method: str, headers: dict[str, str]) -> Any:
        decision = middleware.evaluate(origin, method, headers, path, request_origin=api)
        if broken:
            decision = dataclasses.replace(decision, reason=Reason.ALLOWED)
        return decision

    if same:
        # From its own origin the browser sends no preflight and checks no CORS header
        # (https://fetch.spec.whatwg.org/#main-fetch, "basic" tainting): a refusal here is
        # evaluate()'s simulated preflight, which it says the browser would send and fail.
        sent_origin = origin if sends_origin(True, method) else None
        decision = evaluate(sent_origin, method, request_headers)
        if assume_fixed:  # the request itself, as the middleware's one entry point decides it
            decision = middleware.decider.decide(
                facts_of(method, sent_origin, request_headers, path, api)
            )
        if decision.preflight and not decision.allowed:
            return Outcome(False, None, frozenset(), True, acrh, False, str(decision.reason))
        if decision.action is Action.ANSWER:
            response = lowered(decision.answer_headers)
            return Outcome(True, decision.answer_code, readable_names(response, False, True),
                           False, None, False, str(decision.reason))  # fmt: skip
        response = app_response(decision.headers, decision.expose_response_headers)
        return Outcome(True, 200, readable_names(response, False, True), False, None, True,
                       str(decision.reason))  # fmt: skip

    preflight = bool(model.preflight_reasons(method, headers))
    if preflight:
        asked = {"Access-Control-Request-Method": method}
        if names:
            asked["Access-Control-Request-Headers"] = ",".join(names)
        answer = evaluate(origin, "OPTIONS", asked)
        status = answer.answer_code if answer.action is Action.ANSWER else 200
        checks = model.check_preflight(
            origin, method, names, credentials, status, lowered(answer.headers)
        )
        if not (broken or all(check.passed for check in checks)):
            note = f"{answer.reason} {answer.detail}".strip() + f", fails {checks[-1].name}"
            return Outcome(False, None, frozenset(), True, acrh, False, note)
    decision = evaluate(origin, method, request_headers)
    if decision.preflight and not decision.allowed:  # its own simulated preflight was refused
        return Outcome(False, None, frozenset(), True, acrh, False, str(decision.reason))
    if decision.action is Action.ANSWER:  # a write refused by cross_origin_protection
        status, response = decision.answer_code, lowered(decision.answer_headers)
    else:
        status = 200
        response = app_response(decision.headers, decision.expose_response_headers)
    checks = model.check_allow_origin(origin, credentials, response, preflight=False)
    allowed = broken or all(check.passed for check in checks)
    readable = readable_names(response, credentials, False) if allowed else frozenset()
    return Outcome(allowed, status if allowed else None, readable, preflight,
                   acrh if preflight else None, decision.action is not Action.ANSWER,
                   f"{decision.reason}" + ("" if allowed else f", fails {checks[-1].name}"))  # fmt: skip


# -- prediction (b): explain --json ----------------------------------------------------------------

PREFLIGHT_HEADER = re.compile(r"the request header (\S+) is not CORS-safelisted")


def explain_report(case: Case, engine: str, origins: Origins) -> dict[str, Any]:
    """``python -m cors_wsgi explain ... --json`` for the case, run in-process."""
    global EXPLAIN_TARGET
    path = case.path(engine)
    EXPLAIN_TARGET = CORSMiddleware(_no_app, [(path, case.policy)])
    origin = origins.page(case.page, case.adapter)
    same = origin == origins.api(case.adapter)
    argv = ["explain", f"{__name__}:EXPLAIN_TARGET", "--origin", origin, "--method", case.method]
    argv += ["--path", path, "--json", "--sec-fetch-site", "same-origin" if same else "cross-site"]
    for name, value in case.sent_headers():
        argv += ["--header", f"{name}: {value}"]
    if case.credentials == "include":
        argv.append("--credentials")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli_main(argv, out)
    report: dict[str, Any] = json.loads(out.getvalue())
    return report


def predict_explain(case: Case, engine: str, origins: Origins) -> Outcome:
    """What ``explain --json`` says: its outcome, whether it sends a preflight (and which
    names), whether the actual request reaches the app, and the headers of its answer."""
    report = explain_report(case, engine, origins)
    if "exchanges" not in report:
        return Outcome(False, None, frozenset(), False, None, False, f"explain: {report}")
    origin = origins.page(case.page, case.adapter)
    same = origin == origins.api(case.adapter)
    needed = report["preflight"]["needed"]
    names = [m.group(1) for why in report["preflight"]["why"] if (m := PREFLIGHT_HEADER.match(why))]
    acrh = ",".join(names) or None if needed else None
    actual = [e for e in report["exchanges"] if not e["request"].endswith("(preflight)")]
    if not actual:
        reason = report["exchanges"][-1].get("reason", "")
        return Outcome(False, None, frozenset(), needed, acrh, False, reason)
    exchange = actual[0]
    refused_write = exchange.get("reason") == "cross_origin_request_refused"
    headers = [(n, v) for n, v in exchange["headers"]]
    exposes_own = bool(exchange.get("exposes_response_headers"))
    response = lowered(headers) if refused_write else app_response(headers, exposes_own)
    credentials = report["credentials"] and not same
    allowed = bool(report["ok"])
    readable = readable_names(response, credentials, same) if allowed else frozenset()
    return Outcome(allowed, exchange["status"] if allowed else None, readable, needed, acrh,
                   not refused_write, exchange.get("reason", ""))  # fmt: skip


# -- observation -------------------------------------------------------------------------------------


def observe(case: Case, engine: str, result: Mapping[str, Any], log: Mapping[str, Any]) -> Outcome:
    """What the engine reported for the case and what the server and the app logged on its
    path."""
    path = case.path(engine)
    server = [e for e in log["server"] if e["path"] == path]
    preflights = [e for e in server if e["preflight"]]
    app = [e for e in log["app"] if e["path"] == path and not e["preflight"]]
    allowed = bool(result.get("ok"))
    note = f"status {result.get('status')}" if allowed else str(result.get("error", ""))
    readable = frozenset(n.lower() for n in result.get("headers", ())) & COMPARED_NAMES
    return Outcome(
        allowed,
        result.get("status") if allowed else None,
        readable if allowed else frozenset(),
        bool(preflights),
        preflights[0]["acrh"] if preflights else None,
        bool(app),
        note,
    )


# -- comparison ---------------------------------------------------------------------------------------

#: Fetch's CORS-unsafe request-header bytes (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte).
UNSAFE_BYTES = re.compile(r'[\x00-\x08\x0a-\x1f"():<>?@\[\\\]{}\x7f]')
LANGUAGE_VALUE = re.compile(r"[0-9A-Za-z *,\-.;=]*")
SIMPLE_RANGE = re.compile(r"bytes=([0-9]+)-([0-9]*)")


def spec_safelisted(name: str, value: str | None) -> bool:
    """Fetch's CORS-safelisted request-header, written out here only to classify disagreements
    (https://fetch.spec.whatwg.org/#cors-safelisted-request-header)."""
    lower = name.lower()
    if value is None:  # unknown: safelisted only where the value does not matter
        return lower in ("accept", "accept-language", "content-language")
    if len(value) > 128:
        return False
    if lower == "accept":
        return not UNSAFE_BYTES.search(value)
    if lower in ("accept-language", "content-language"):
        return LANGUAGE_VALUE.fullmatch(value) is not None
    if lower == "content-type":
        essence = value.split(";")[0].strip(" \t").lower()
        return not UNSAFE_BYTES.search(value) and essence in {
            "application/x-www-form-urlencoded", "multipart/form-data", "text/plain",
        }  # fmt: skip
    if lower == "range":
        found = SIMPLE_RANGE.fullmatch(value)
        return found is not None and (not found[2] or int(found[1]) <= int(found[2]))
    return False


def patch_known_bugs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Patch Fetch's header safelist into the library's browser model (for
    CORS_DIFF_ASSUME_FIXED; the same-origin part is ``predict_evaluate(assume_fixed=True)``)."""
    monkeypatch.setattr(model, "is_safelisted_header", spec_safelisted)


def classify(case: Case, origins: Origins, source: str, fields: Iterable[str]) -> str:
    """The known model bug a disagreement comes from, judged from the case alone."""
    if origins.page(case.page, case.adapter) == origins.api(case.adapter):
        return "same-origin"
    policy = case.policy
    if (
        source == "explain"
        and set(fields) == {"readable"}
        and policy.get("expose_headers") == "*"
        and policy.get("allow_credentials")
    ):
        # explain shows the policy's headers only: with credentials, "*" lists the names of
        # the application's response, which explain cannot know.
        return "explain-expose-star"
    headers = case.sent_headers()
    library = set(model.unsafe_header_names(headers))
    spec = {n.lower() for n, v in headers if not spec_safelisted(n, v)}
    if "range" in library ^ spec:
        return "range"
    if library ^ spec:
        return "unsafe-bytes"
    return "other"


@dataclass
class Disagreement:
    case: Case
    engine: str
    source: str  # evaluate or explain
    fields: dict[str, tuple[object, object]]
    predicted: Outcome
    observed: Outcome
    kind: str = ""


@dataclass
class Report:
    """Every disagreement of one engine's run, with counts by class."""

    engine: str
    seed: int
    cases: int
    disagreements: list[Disagreement] = field(default_factory=list)

    def cases_by_class(self, source: str) -> Counter[str]:
        seen = {(d.case.number, d.kind) for d in self.disagreements if d.source == source}
        return Counter(kind for _, kind in seen)

    def disagreeing_cases(self, source: str | None = None) -> int:
        return len({d.case.number for d in self.disagreements if source in (None, d.source)})


def compare(
    cases: Sequence[Case],
    engine: str,
    observed: Mapping[int, Outcome],
    predictions: Mapping[str, Mapping[int, Outcome]],
    origins: Origins,
    seed: int,
) -> Report:
    report = Report(engine, seed, len(cases))
    for case in cases:
        seen = observed[case.number]
        for source, predicted in predictions.items():
            differ = predicted[case.number].fields(seen)
            if differ:
                kind = classify(case, origins, source, differ)
                report.disagreements.append(
                    Disagreement(case, engine, source, differ, predicted[case.number], seen, kind)
                )
    return report


def coverage(cases: Sequence[Case], observed: Mapping[int, Outcome]) -> str:
    """What the engine did, by page: cases, allowed, preflighted, reaching the app."""
    parts = []
    for kind in PAGE_KINDS:
        mine = [observed[c.number] for c in cases if c.page == kind]
        allowed = sum(o.allowed for o in mine)
        preflight = sum(o.preflight for o in mine)
        app = sum(o.app_reached for o in mine)
        parts.append(f"{kind} {len(mine)}: {allowed} allowed, {preflight} preflighted, {app} app")
    # Authorization under allow_headers="*": cors_wsgi echoes the names, never a literal "*".
    starred = [
        observed[c.number]
        for c in cases
        if c.policy.get("allow_headers") == "*"
        and any(n.lower() == "authorization" for n, _ in c.headers)
    ]
    parts.append(
        f"Authorization under allow_headers=*: {len(starred)}, "
        f"{sum(o.allowed for o in starred)} allowed"
    )
    return "; ".join(parts)


def dump(report: Report) -> dict[str, Any]:
    """The report as JSON: every disagreement with its case, for a closer look."""
    rows = []
    for item in report.disagreements:
        rows.append(
            {
                "case": item.case.number,
                "source": item.source,
                "class": item.kind,
                "adapter": item.case.adapter,
                "policy": item.case.policy,
                "request": item.case.describe_request(),
                "fields": {k: [short(a), short(b)] for k, (a, b) in item.fields.items()},
                "predicted": item.predicted.note,
                "observed": item.observed.note,
            }
        )
    return {"engine": report.engine, "seed": report.seed, "cases": report.cases, "rows": rows}


def short(value: object) -> str:
    if isinstance(value, frozenset):
        return "{" + ",".join(sorted(value)) + "}"
    return str(value)


def table(report: Report, limit: int = 60) -> str:
    """The disagreements as a compact table, then the counts by class."""
    lines = [
        f"{report.engine}: {report.disagreeing_cases()} of {report.cases} cases disagree "
        f"(seed {report.seed}; rerun with CORS_DIFF_SEED={report.seed})",
        f"{'case':>5} {'source':8} {'class':13} field: expected -> observed",
    ]
    shown_cases: set[int] = set()
    for item in report.disagreements[:limit]:
        diffs = "; ".join(f"{k}: {short(a)} -> {short(b)}" for k, (a, b) in item.fields.items())
        lines.append(f"{item.case.number:>5} {item.source:8} {item.kind:13} {diffs}")
        if item.case.number not in shown_cases:
            shown_cases.add(item.case.number)
            lines.append(f"{'':>5}   {item.case.adapter} policy {item.case.describe_policy()}")
            lines.append(f"{'':>5}   request {item.case.describe_request()}")
            lines.append(
                f"{'':>5}   predicted ({item.predicted.note}) / observed ({item.observed.note})"
            )
    if len(report.disagreements) > limit:
        lines.append(f"... and {len(report.disagreements) - limit} more rows")
    for source in ("evaluate", "explain"):
        counts = report.cases_by_class(source)
        if counts:
            shown = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
            lines.append(f"{source}: {report.disagreeing_cases(source)} cases ({shown})")
    return "\n".join(lines)
