"""The browser's side of CORS, after the Fetch standard: when a preflight is needed and the CORS
checks a browser runs on the answers. Pure functions; used by ``explain`` and ``probe``.

Messages follow Chromium's wording, so they match what a developer sees in the console.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

SAFELISTED_METHODS: Final = frozenset({"GET", "HEAD", "POST"})
#: Methods browsers upper-case (https://fetch.spec.whatwg.org/#concept-method-normalize).
NORMALISED_METHODS: Final = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
SAFELISTED_CONTENT_TYPES: Final = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
#: Authorization is never covered by a wildcard in Access-Control-Allow-Headers.
NON_WILDCARD_HEADERS: Final = frozenset({"authorization"})


def normalise_method(method: str) -> str:
    """What a browser sends for ``fetch(url, {method})``: ``patch`` stays ``patch``."""
    return method.upper() if method.upper() in NORMALISED_METHODS else method


def is_safelisted_header(name: str, value: str | None) -> bool:
    """A CORS-safelisted request header; *value* None means unknown (assumed not safelisted
    where the value matters, as for Content-Type)."""
    lower = name.lower()
    if value is not None and len(value) > 128:
        return False
    if lower in ("accept", "accept-language", "content-language"):
        return True
    if lower == "content-type":
        return value is not None and value.split(";")[0].strip().lower() in SAFELISTED_CONTENT_TYPES
    return False


def unsafe_header_names(headers: Iterable[tuple[str, str | None]]) -> list[str]:
    """The names a browser lists in Access-Control-Request-Headers: lower-cased, sorted, unique."""
    return sorted(
        {name.lower() for name, value in headers if not is_safelisted_header(name, value)}
    )


def preflight_reasons(method: str, headers: Iterable[tuple[str, str | None]]) -> list[str]:
    """Why a browser would send a preflight first; empty when it would not."""
    reasons = []
    if method not in SAFELISTED_METHODS:
        reasons.append(f"the method {method} is not GET, HEAD or POST")
    for name in unsafe_header_names(headers):
        reasons.append(f"the request header {name} is not CORS-safelisted")
    return reasons


@dataclass(frozen=True)
class Check:
    """One check a browser makes, and what it would say when it fails."""

    name: str
    passed: bool
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"check": self.name, "passed": self.passed, "message": self.message}


def _values(headers: Mapping[str, str], name: str) -> list[str]:
    return [v.strip() for v in headers.get(name, "").split(",") if v.strip()]


def until_first_failure(checks: list[Check]) -> list[Check]:
    """Browsers stop at the first failing check and report that one."""
    for index, check in enumerate(checks):
        if not check.passed:
            return checks[: index + 1]
    return checks


def check_allow_origin(
    origin: str, credentials: bool, headers: Mapping[str, str], preflight: bool
) -> list[Check]:
    """The CORS check: Access-Control-Allow-Origin and, with credentials, -Allow-Credentials.

    *headers* maps lower-cased response header names to values (repeated headers joined by
    ", ", as HTTP combines them). Checks are returned up to the first failure.
    """
    lead = "Response to preflight request doesn't pass access control check: " if preflight else ""
    allow_origin = headers.get("access-control-allow-origin")
    if allow_origin is None:
        result = Check(
            "Access-Control-Allow-Origin",
            False,
            f"{lead}No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        )
    elif "," in allow_origin:
        result = Check(
            "Access-Control-Allow-Origin",
            False,
            f"{lead}The 'Access-Control-Allow-Origin' header contains multiple values "
            f"'{allow_origin}', but only one is allowed.",
        )
    elif allow_origin == "*" and credentials:
        result = Check(
            "Access-Control-Allow-Origin",
            False,
            f"{lead}The value of the 'Access-Control-Allow-Origin' header in the response must "
            "not be the wildcard '*' when the request's credentials mode is 'include'.",
        )
    elif allow_origin not in ("*", origin):
        result = Check(
            "Access-Control-Allow-Origin",
            False,
            f"{lead}The 'Access-Control-Allow-Origin' header has a value '{allow_origin}' that "
            "is not equal to the supplied origin.",
        )
    else:
        result = Check("Access-Control-Allow-Origin", True, f"is {allow_origin!r}")
    checks = [result]
    if credentials:
        value = headers.get("access-control-allow-credentials", "")
        checks.append(
            Check("Access-Control-Allow-Credentials", True, "is 'true'")
            if value == "true"
            else Check(
                "Access-Control-Allow-Credentials",
                False,
                f"{lead}The value of the 'Access-Control-Allow-Credentials' header in the "
                f"response is '{value}' which must be 'true' when the request's credentials "
                "mode is 'include'.",
            )
        )
    return until_first_failure(checks)


def check_preflight(
    origin: str,
    method: str,
    header_names: list[str],
    credentials: bool,
    status: int,
    headers: Mapping[str, str],
) -> list[Check]:
    """The checks a browser runs on a preflight answer, in its order, up to the first failure."""
    checks = [
        Check("status", True, f"{status} is an ok status")
        if 200 <= status <= 299
        else Check(
            "status",
            False,
            "Response to preflight request doesn't pass access control check: "
            f"It does not have HTTP ok status ({status}).",
        )
    ]
    checks += check_allow_origin(origin, credentials, headers, preflight=True)
    methods = _values(headers, "access-control-allow-methods")
    if method in SAFELISTED_METHODS or method in methods or ("*" in methods and not credentials):
        checks.append(Check("Access-Control-Allow-Methods", True, f"covers {method}"))
    else:
        checks.append(
            Check(
                "Access-Control-Allow-Methods",
                False,
                f"Method {method} is not allowed by Access-Control-Allow-Methods in preflight "
                "response.",
            )
        )
    allowed = {name.lower() for name in _values(headers, "access-control-allow-headers")}
    for name in header_names:
        wildcard = "*" in allowed and not credentials and name not in NON_WILDCARD_HEADERS
        if name in allowed or wildcard:
            checks.append(Check(f"Access-Control-Allow-Headers: {name}", True, f"covers {name}"))
        else:
            checks.append(
                Check(
                    f"Access-Control-Allow-Headers: {name}",
                    False,
                    f"Request header field {name} is not allowed by "
                    "Access-Control-Allow-Headers in preflight response.",
                )
            )
    return until_first_failure(checks)
