"""The ReDoS guard: refused exactly when a repetition can match the same text in more than one
way; every accepted row stays fast on 300 hostile characters (the Origin cap)."""

from __future__ import annotations

import re

import pytest

from cors_wsgi import ConfigError, CORSPolicy

from ..benchmarks.regex_worst_case import worst_case_seconds

# Regexes users copy from django-cors-headers' docs, Stack Overflow answers and peers' tests.
ACCEPTED = [
    pytest.param(r"^https://([a-z0-9-]+\.)*example\.com$", id="django-cors-headers docs"),
    pytest.param(r"https://(?:[\w-]+\.)+example\.com", id="any depth, \\w"),
    pytest.param(r"https://.*\.example\.com", id="top-level .*"),
    pytest.param(r"https://[a-z0-9-]+\.example\.com", id="one label"),
    pytest.param(r"https://pr-[0-9]+\.preview\.example\.com", id="preview deploys"),
    pytest.param(r"https?://(www\.)?example\.com(:\d+)?", id="optional parts"),
    pytest.param(r"https://(foo|bar)\.example\.com", id="alternatives, not repeated"),
    pytest.param(r"https://[a-z]+(-[a-z]+)*\.example\.com", id="hyphenated words"),
    pytest.param(r"http://(\d{1,3}\.){3}\d{1,3}(:\d+)?", id="dotted quad"),
    pytest.param(r"https://(a|ab)*\.example\.com", id="alternatives decided by the next char"),
    pytest.param(r"https://([a-z]+\.)*example\.com", id="labels then suffix"),
]

REFUSED = [
    pytest.param(r"https://(a+)+\.example\.com", id="(a+)+"),
    pytest.param(r"https://(a|a)*\.example\.com", id="(a|a)*"),
    pytest.param(r"https://(\w+\.?)+example\.com", id="(\\w+\\.?)+"),
    pytest.param(r"https://([a-z.]+)*\.example\.com", id="([a-z.]+)*"),
    pytest.param(r"https://(.*a){20}", id="(.*a){20}"),
    pytest.param(r"https://(a*)*b", id="(a*)* empty iterations"),
    pytest.param(r"https://((a*)(a*)\.)*b", id="split inside a delimited iteration"),
    pytest.param(r"https://((a|a)\.)*b", id="alternatives inside a delimited iteration"),
    pytest.param(r"https://(a*c?a*c)*", id="separator matched inside"),
    pytest.param(r"(?i)https://(A+)+", id="ignore case"),
    pytest.param(re.compile(r"https://([a-z]+)+\.example\.com"), id="compiled pattern"),
]


@pytest.mark.parametrize("regex", ACCEPTED)
def test_accepted_regexes_stay_fast_on_hostile_input(regex: str) -> None:
    CORSPolicy(allow_origin_regex=regex)
    # Measured worst cases are 1-20 us (README); 20 ms leaves room for a loaded machine.
    assert worst_case_seconds(re.compile(regex)) < 0.02


@pytest.mark.parametrize("regex", REFUSED)
def test_ambiguous_nesting_is_refused_with_the_reason(regex: str | re.Pattern[str]) -> None:
    with pytest.raises(ConfigError, match="ReDoS") as raised:
        CORSPolicy(allow_origin_regex=regex)
    assert raised.value.problems[0].key == "allow_origin_regex"


def test_a_refused_row_really_is_exponential() -> None:
    """The guard's premise, measured: (a+)+ on 22 characters is far slower than any accepted
    row on 300."""
    assert worst_case_seconds(re.compile(r"(a+)+"), length=22) > 0.01


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
