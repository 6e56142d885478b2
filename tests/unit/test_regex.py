"""The ReDoS guard: a regex is refused when a repetition can match the same text in more than
one way, when it uses a construct whose cost the guard cannot bound, or when its estimated
worst case on the longest input it can see (300 characters of Origin, 2,048 of path) is too
many steps; every accepted row stays under 1 ms on hostile input of that length."""

from __future__ import annotations

import re

import pytest

from cors_wsgi import ConfigError, CORSPolicy
from cors_wsgi._regex import MAX_REGEX_PATH_LENGTH, ORIGIN_ALPHABET
from cors_wsgi.core import Decider
from cors_wsgi.origins import MAX_ORIGIN_LENGTH
from cors_wsgi.routes import build_routes

from ..benchmarks.regex_worst_case import PATH_ALPHABET, worst_case

#: The bound of the issue: no accepted regex takes longer on any input it can be given.
BOUND_SECONDS = 0.001

# Regexes users write for origins: django-cors-headers' docs, Stack Overflow answers, peers'
# tests, preview deployments of hosting services.
ACCEPTED = [
    pytest.param(r"^https://([a-z0-9-]+\.)*example\.com$", id="django-cors-headers docs"),
    pytest.param(r"https://([a-z0-9-]+\.)*example\.com", id="any subdomain depth"),
    pytest.param(r"https://(?:[\w-]+\.)+example\.com", id="any depth, \\w"),
    pytest.param(r"https://.*\.example\.com", id="top-level .*"),
    pytest.param(r"https://[a-z0-9-]+\.example\.com", id="one label"),
    pytest.param(r"https://[a-z0-9-]{1,63}\.example\.com", id="one label, bounded"),
    pytest.param(r"https://pr-[0-9]+\.preview\.example\.com", id="preview deploys"),
    pytest.param(r"https://pr-[0-9]+\.preview\.example\.net", id="preview deploys, .net"),
    pytest.param(r"https://my-app-git-[a-z0-9-]+-my-team\.vercel\.app", id="vercel branch"),
    pytest.param(r"https://[a-z0-9]+--my-site\.netlify\.app", id="netlify deploy preview"),
    pytest.param(r"https://.*-my-team\.vercel\.app", id="any vercel preview of a team"),
    pytest.param(r"http://localhost(:[0-9]+)?", id="localhost, any port"),
    pytest.param(r"http://(localhost|127\.0\.0\.1)(:\d+)?", id="loopback, any port"),
    pytest.param(r"http://127\.0\.0\.1:[0-9]{1,5}", id="loopback, bounded port"),
    pytest.param(r"https?://(www\.)?example\.com(:\d+)?", id="optional parts"),
    pytest.param(r"https://(foo|bar)\.example\.com", id="alternatives, not repeated"),
    pytest.param(r"https://[a-z]+(-[a-z]+)*\.example\.com", id="hyphenated words"),
    pytest.param(r"http://(\d{1,3}\.){3}\d{1,3}(:\d+)?", id="dotted quad"),
    pytest.param(r"https://(a|ab)*\.example\.com", id="alternatives decided by the next char"),
    pytest.param(r"https://([a-z]+\.)*example\.com", id="labels then suffix"),
    pytest.param(r"https://(?!internal\.)[a-z0-9-]+\.example\.com", id="fixed lookahead"),
    pytest.param(r"(?i)https://APP\.example\.com", id="ignore case"),
    pytest.param(r"https://.*app.*", id="a trailing .* never backtracks on an origin"),
    pytest.param(r"https://[a-z0-9-]++\.example\.com", id="possessive"),
    pytest.param(
        "https://(?:" + "|".join(f"tenant{i}" for i in range(300)) + r")\.example\.com",
        id="300 tenants in one alternation",
    ),
]

# Each refused regex, with the construct its message must name.
REFUSED = [
    pytest.param(r"https://(a+)+\.example\.com", "inside a repetition", id="(a+)+"),
    pytest.param(r"https://(a|a)*\.example\.com", "alternatives", id="(a|a)*"),
    pytest.param(r"https://(\w+\.?)+example\.com", "inside a repetition", id="(\\w+\\.?)+"),
    pytest.param(r"https://([a-z.]+)*\.example\.com", "inside a repetition", id="([a-z.]+)*"),
    pytest.param(r"https://(.*a){20}", "inside a repetition", id="(.*a){20}"),
    pytest.param(r"https://(a*)*b", "empty string", id="(a*)* empty iterations"),
    pytest.param(r"https://((a*)(a*)\.)*b", "inside a repetition", id="split in a delimited iteration"),
    pytest.param(r"https://((a|a)\.)*b", "alternatives", id="alternatives in a delimited iteration"),
    pytest.param(r"https://(a*c?a*c)*", "inside a repetition", id="separator matched inside"),
    pytest.param(r"(?i)https://(A+)+", "inside a repetition", id="ignore case"),
    pytest.param(re.compile(r"https://([a-z]+)+\.example\.com"), "inside a repetition", id="compiled"),
    # D1: constructs the guard once let through
    pytest.param(r"https://(?>([a-z]+)+\.)example\.com", "inside a repetition", id="atomic group"),
    pytest.param(r"https://([a-z]+)++\.example\.com", "inside a repetition", id="possessive outer"),
    pytest.param(r"https://(x)?(?(1)([a-z]+)+|([a-z]+)+)\.example\.com", "conditional", id="conditional"),
    pytest.param(r"https://(x)?(?(1)a|b)\.example\.com", "conditional", id="harmless conditional"),
    pytest.param(r"https://(?:b(?=([a-z]+)+!))*[a-z]+\.example\.com", "lookahead", id="lookahead in a repetition"),
    pytest.param(r"https://(?:(?<=b)[a-z])+\.example\.com", "lookahead or lookbehind inside", id="lookbehind in a repetition"),
    pytest.param(r"https://(?=[a-z]+\.)[a-z.]+\.example\.com", "lookahead or lookbehind holding", id="lookahead holding a repetition"),
    pytest.param(r"https://([a-z]+)\.\1\.example\.com", "back-reference", id="back-reference"),
    # D10: polynomial degrees a 300-character Origin makes slow
    pytest.param(r"https://.*a.*a.*a.*\.example\.com", ".* then .* then .* then .*", id="degree 4"),
    pytest.param(r"https://[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*", "[a-z]* then [a-z]*", id="five [a-z]*"),
    pytest.param(r"https://[a-z]*[a-z]*[a-z]*\.example\.net", "[a-z]* then [a-z]*", id="cubic"),
    pytest.param(r"https://.*a.*\.example\.com", ".* then .*", id="quadratic"),
    pytest.param(r"https://[a-z]+[a-z0-9]+\.example\.com", "[a-z]+ then [a-z0-9]+", id="quadratic, classes"),
    # choices multiplied without any open-ended repetition
    pytest.param("https://[a-z]*" + "[a-z]?" * 16 + "x", "[a-z]? then [a-z]?", id="optional parts"),
    pytest.param("https://" + "a?" * 22 + "a" * 22, "a? then a?", id="a?**n a**n"),
    pytest.param("https://" + "(?:a|a)" * 20 + "x", "steps", id="alternatives alike, in sequence"),
    pytest.param("https://" + "(?:a[0-9]*)?" * 20 + "x", "steps", id="optional groups, in sequence"),
]  # fmt: skip

# Path regexes: they may see 2,048 characters, so two repetitions that can split the same text
# (quadratic) are already too slow.
ACCEPTED_PATHS = [
    pytest.param(r"/api/v[0-9]+/.*", id="versioned prefix"),
    pytest.param(r"/api/.*/export", id="one .*"),
    pytest.param(r"/users/[0-9]+(/.*)?", id="an id then anything"),
    pytest.param(r"/files/.*\.[a-z]{2,4}", id="extension"),
    pytest.param(r"/(api|internal)/v[0-9]+/[^/]+/[0-9]+", id="segments"),
    pytest.param(r"(?:/api/*)(?s:.*)", id="a prefix as translated from flask-cors"),
    pytest.param(r"/static/(?s:.*)", id="a trailing (?s:.*)"),
]

REFUSED_PATHS = [
    pytest.param(r"/api/.*/.*/export", ".* then .*", id="/api/.*/.*/export (D2)"),
    pytest.param(r"/api/.*/.*", ".* then .*", id="two .*"),
    pytest.param(r"(?:/api/*).*", "/* then .*", id="a prefix with .*, newline-sensitive"),
    pytest.param(r"/(a+)+/x", "inside a repetition", id="(a+)+"),
    pytest.param(r"/(x)?(?(1)a|b)", "conditional", id="conditional"),
    pytest.param("/b+(\\d)+?" + "\\w" * 85, "steps", id="one repetition, a long tail (1.8 ms)"),
]  # fmt: skip


@pytest.mark.parametrize("regex", ACCEPTED)
def test_accepted_regexes_stay_under_a_millisecond_on_hostile_origins(regex: str) -> None:
    CORSPolicy(allow_origin_regex=regex)
    seconds, text = worst_case(re.compile(regex), MAX_ORIGIN_LENGTH, ORIGIN_ALPHABET)
    assert seconds < BOUND_SECONDS, f"{seconds * 1e3:.2f} ms on {text!r}"


@pytest.mark.parametrize(("regex", "construct"), REFUSED)
def test_slow_regexes_are_refused_naming_the_construct(
    regex: str | re.Pattern[str], construct: str
) -> None:
    with pytest.raises(ConfigError, match="ReDoS") as raised:
        CORSPolicy(allow_origin_regex=regex)
    problem = raised.value.problems[0]
    assert (problem.key, problem.code) == ("allow_origin_regex", "E011")
    assert construct in problem.message
    # every refusal says what to write instead
    assert any(word in problem.message for word in ("write", "instead", "use ", "move it"))


@pytest.mark.parametrize("regex", ACCEPTED_PATHS)
def test_accepted_path_regexes_stay_under_a_millisecond_on_hostile_paths(regex: str) -> None:
    build_routes([(re.compile(regex), {"allow_origins": ["https://a.example"]})])
    seconds, text = worst_case(re.compile(regex), MAX_REGEX_PATH_LENGTH, PATH_ALPHABET)
    assert seconds < BOUND_SECONDS, f"{seconds * 1e3:.2f} ms on {text[:80]!r}..."


@pytest.mark.parametrize(("regex", "construct"), REFUSED_PATHS)
def test_slow_path_regexes_are_refused_naming_the_construct(regex: str, construct: str) -> None:
    with pytest.raises(ConfigError, match="ReDoS") as raised:
        build_routes([(re.compile(regex), {"allow_origins": ["https://a.example"]})])
    problem = raised.value.problems[0]
    assert (problem.code, problem.key) == ("E025", "path pattern")
    assert construct in problem.message
    assert "(?:[^/]+/)*" in problem.message  # a rewrite


@pytest.mark.parametrize(
    ("regex", "length"),
    [
        pytest.param(r"(a+)+", 22, id="exponential"),
        pytest.param(r"https://.*a.*a.*a.*\.example\.com", MAX_ORIGIN_LENGTH, id="degree 4"),
        pytest.param(r"https://[a-z]*[a-z]*[a-z]*\.example\.net", MAX_ORIGIN_LENGTH, id="cubic"),
        pytest.param(r"/api/.*/.*/export", MAX_REGEX_PATH_LENGTH, id="quadratic path"),
    ],
)
def test_refused_rows_really_are_slow(regex: str, length: int) -> None:
    """The guard's premise, measured: each is well over the bound at the length it could see."""
    seconds, _ = worst_case(re.compile(regex), length, PATH_ALPHABET, give_up=BOUND_SECONDS)
    assert seconds > BOUND_SECONDS


ROUTES: list[tuple[str | re.Pattern[str], dict[str, object]]] = [
    ("/public/*", {"allow_origins": "*"}),
    (re.compile(r"/api/.*"), {"allow_origins": ["https://a.example"], "cross_origin_protection": True}),
    ("/*", {"allow_origins": "*"}),
]  # fmt: skip
AT_CAP = "/api/" + "x" * (MAX_REGEX_PATH_LENGTH - 5)


@pytest.mark.parametrize(
    ("path", "origin", "method", "expected"),
    [
        pytest.param(AT_CAP, "https://a.example", "GET", "https://a.example", id="at the cap: the regex route"),
        pytest.param(AT_CAP + "x", "https://a.example", "GET", None, id="over the cap: no origin allowed"),
        pytest.param(AT_CAP + "x", "https://evil.example", "GET", None, id="over the cap: not the catch-all"),
        pytest.param(AT_CAP + "x", "https://evil.example", "POST", 403, id="over the cap: writes still refused"),
        pytest.param("/public/" + "x" * 3000, "https://evil.example", "GET", "*", id="prefix routes before the regex still match"),
    ],
)  # fmt: skip
def test_a_path_too_long_for_the_regex_routes_gets_no_more_than_they_would_give(
    path: str, origin: str, method: str, expected: str | int | None
) -> None:
    """Over the cap a regex is not tried; the path stops there, closed (no origin, and
    cross_origin_protection when any route has it), instead of falling to the catch-all."""
    decision = Decider(ROUTES).evaluate(origin, method, path=path)
    if expected == 403:
        assert decision.reason == "cross_origin_request_refused"
    else:
        assert dict(decision.headers).get("Access-Control-Allow-Origin") == expected


def test_a_list_of_regexes_any_of_which_may_match() -> None:
    policy = CORSPolicy(
        allow_origin_regex=[r"https://[a-z]+\.example\.com", re.compile(r"https://pr-\d+\.dev")]
    )
    assert policy.origin_allowed("https://app.example.com")
    assert policy.origin_allowed("https://pr-12.dev")
    assert not policy.origin_allowed("https://pr-x.dev")
    assert CORSPolicy(**policy.options()) == policy  # type: ignore[arg-type]


def test_an_ini_value_holds_one_regex_per_line() -> None:
    policy = CORSPolicy(
        allow_origin_regex="\n https://a\\.example\n https://[a-z]{1,3}\\.b\\.example\n"
    )
    assert policy.allow_origin_regex == (r"https://a\.example", r"https://[a-z]{1,3}\.b\.example")
    assert policy.origin_allowed("https://abc.b.example")


def test_every_bad_regex_in_a_list_is_reported() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(allow_origin_regex=["https://(a", r"(a+)+", "", 7])  # type: ignore[list-item]
    assert len(raised.value.problems) == 4
    assert {p.key for p in raised.value.problems} == {"allow_origin_regex"}
