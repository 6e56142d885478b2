"""Coverage-guided fuzzing (atheris) of the config parser and the decision core.

    python tests/fuzz/fuzz_cors.py -max_total_time=600     # by hand, as long as you like
    python tests/fuzz/fuzz_cors.py -runs=100000

Any exception other than ConfigError from the parser, any exception from a decision, or a
decision that breaks an invariant (an unsafe header value, an echoed origin that is invalid
or not allowed) is a finding: atheris stops and prints the input.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from cors_wsgi import ConfigError, CORSPolicy
    from cors_wsgi.core import Decider, request_facts
    from cors_wsgi.options import OPTION_NAMES
    from cors_wsgi.origins import is_serialized_origin

KEYS = [*OPTION_NAMES, "allow_orgins"]  # and a typo
FALLBACK = CORSPolicy(
    allow_origins=["https://app.example.com", "https://*.example.org", "null"],
    allow_origin_regex=r"https://[a-z]+\.example\.net",
    allow_headers=["X-Api-Key"],
    debug=True,
)


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


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
