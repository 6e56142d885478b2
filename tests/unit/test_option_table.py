"""The option table is the one list of options: everything that lists them agrees with it."""

from __future__ import annotations

import inspect
import re
from dataclasses import fields
from typing import Any

import pytest

from cors_wsgi import CORSMiddleware, CORSPolicy
from cors_wsgi.asgi import CORSMiddleware as ASGICORSMiddleware
from cors_wsgi.errors import Problem
from cors_wsgi.options import DEFAULTS, OPTION_NAMES, OPTIONS, Option, Options
from cors_wsgi.policy import PolicyOptions

#: What the decision core reads beyond the options: compiled once, when a policy is built.
COMPILED = (
    "allow_any_origin",
    "varies_by_origin",
    "matcher",
    "method_set",
    "header_set",
    "actual_extra",
    "preflight_extra",
    "preflight_vary",
    "host_matcher",
)

ENTRIES = [pytest.param(entry, id=entry.name) for entry in OPTIONS]


def test_the_names_defaults_and_order_come_from_the_table() -> None:
    assert tuple(entry.name for entry in OPTIONS) == OPTION_NAMES
    assert list(DEFAULTS) == list(OPTION_NAMES)
    assert list(CORSPolicy().options()) == list(OPTION_NAMES)
    assert len(set(OPTION_NAMES)) == len(OPTION_NAMES)


def test_the_typed_keywords_are_the_table() -> None:
    """CORSPolicy and both middlewares take ``**options: Unpack[PolicyOptions]``, which types
    the keywords for mypy: its names are the table's, in its order, every one optional (the
    defaults are the table's, applied by Options)."""
    assert list(PolicyOptions.__annotations__) == list(OPTION_NAMES)
    assert PolicyOptions.__optional_keys__ == frozenset(OPTION_NAMES)
    for function in (CORSPolicy.__init__, CORSMiddleware.__init__, ASGICORSMiddleware.__init__):
        options = inspect.signature(function).parameters["options"]
        assert options.kind is inspect.Parameter.VAR_KEYWORD
        assert options.annotation == "Unpack[PolicyOptions]"


def test_the_policy_has_exactly_the_attributes_of_the_compiled_options() -> None:
    """The core is typed against Options; a CORSPolicy is one, and adds no attribute."""
    assert issubclass(CORSPolicy, Options)
    assert CORSPolicy.__slots__ == ()
    names = [f.name for f in fields(Options)]
    assert names == [*OPTION_NAMES, *COMPILED]
    assert set(Options.__slots__) == set(names)
    policy = CORSPolicy(allow_origins="https://a.example")
    assert not hasattr(policy, "__dict__")
    for name in names:
        getattr(policy, name)  # every one is set when built


def test_options_built_directly_are_validated_and_compiled_as_a_policy() -> None:
    given: dict[str, Any] = {"allow_origins": "https://a.example", "allow_methods": "get, PUT"}
    options = Options(given)
    policy = CORSPolicy.from_dict(given)
    assert options == policy and hash(options) == hash(policy)
    for name in COMPILED[:2] + COMPILED[3:]:
        assert getattr(options, name) == getattr(policy, name)
    assert options.origin_allowed("https://a.example")
    assert repr(options) == repr(policy).replace("CORSPolicy(", "Options(", 1)


@pytest.mark.parametrize("entry", ENTRIES)
def test_the_default_is_already_normalised(entry: Option) -> None:
    problems: list[Problem] = []
    assert entry.parse(entry.name, entry.default, problems) == entry.default
    assert not problems
    assert CORSPolicy().options()[entry.name] == entry.default


@pytest.mark.parametrize("entry", ENTRIES)
def test_the_example_is_accepted_and_differs_from_the_default(entry: Option) -> None:
    """Each example is a valid string form, and changing the option changes the value."""
    value = entry.example
    if entry.name == "allow_origin_func":  # the example names a module of no real project
        assert re.fullmatch(r"\w+(\.\w+)*:\w+", value)
        value = "tests.support.origin_funcs:is_partner"
    problems: list[Problem] = []
    assert entry.parse(entry.name, value, problems) != entry.default
    assert not problems
    policy = CORSPolicy.from_dict({entry.name: value})
    assert policy != CORSPolicy()
    assert f"{entry.name}=" in repr(policy)
    assert CORSPolicy(**policy.options()) == policy  # type: ignore[arg-type]


@pytest.mark.parametrize("entry", ENTRIES)
def test_every_entry_is_documented(entry: Option) -> None:
    assert entry.kind and entry.example
    assert entry.doc.endswith(".") and "\n" not in entry.doc and len(entry.doc) <= 90
    assert f":param {entry.name}: " in (CORSPolicy.__doc__ or "")
    assert f"\n{entry.name}: " in "\n" + CORSPolicy.describe()


@pytest.mark.parametrize("entry", ENTRIES)
def test_a_value_refused_names_its_key(entry: Option) -> None:
    """The parser of each option refuses a value of no accepted kind, naming the key."""
    problems: list[Problem] = []
    entry.parse(entry.name, object(), problems)
    assert problems and {p.key for p in problems} == {entry.name}
    assert all(p.code.startswith("E") for p in problems)
