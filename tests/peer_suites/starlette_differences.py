"""Where Starlette's own CORS tests (``tests/middleware/test_cors.py`` of starlette 1.10.0) fail
against ``cors_wsgi.asgi.CORSMiddleware`` on purpose: each with its reason and the section of
the migration guide that documents it for users (docs/howto/migrate-starlette.md). Every other
test of the file passes."""

from __future__ import annotations

from typing import Final

from ..support.peer_suites import Difference

GUIDE = "howto/migrate-starlette.html"
STAR_WITH_CREDENTIALS = Difference(
    "allow_origins=['*'] with allow_credentials=True is a ConfigError at construction: Starlette "
    "reflects every origin with credentials, so any site could read the users' data",
    f"{GUIDE}#star-with-credentials",
)
ANY_REGEX_WITH_CREDENTIALS = Difference(
    "allow_origin_regex='https://.*' with allow_credentials=True matches origins anyone can "
    "register, so like '*' it is a ConfigError with credentials",
    f"{GUIDE}#star-with-credentials",
)
STAR_WITH_PRIVATE_NETWORK = Difference(
    "allow_private_network=True with allow_origins=['*'] is a ConfigError: any public site "
    "could reach the private-network service",
    f"{GUIDE}#star-with-private-network",
)
EMPTY_PREFLIGHT_BODY = Difference(
    "an allowed preflight is answered 200 with an empty body, not the text 'OK': browsers never "
    "show a preflight's body",
    f"{GUIDE}#preflight-answers",
)
REFUSED_PREFLIGHT_403 = Difference(
    "a refused preflight is answered 403 (Starlette: 400 with 'Disallowed CORS ...'): the "
    "browser refuses either way; the reason is in the X-CORS-Reason debug header and the log",
    f"{GUIDE}#preflight-answers",
)
NO_VARY_FOR_STAR = Difference(
    "with allow_origins=['*'] and no credentials the answer is the same for every origin, so "
    "no 'Vary: Origin' is added (Starlette adds it); caches and browsers treat both alike",
    f"{GUIDE}#vary",
)

_BY_TEST: Final = {
    "test_cors_allow_all": STAR_WITH_CREDENTIALS,
    "test_preflight_allows_request_origin_if_origins_wildcard_and_credentials_allowed": (
        STAR_WITH_CREDENTIALS
    ),
    "test_cors_vary_header_is_properly_set_for_credentialed_request": STAR_WITH_CREDENTIALS,
    "test_cors_allow_origin_regex": ANY_REGEX_WITH_CREDENTIALS,
    "test_cors_private_network_access_allowed": STAR_WITH_PRIVATE_NETWORK,
    "test_cors_allow_all_except_credentials": EMPTY_PREFLIGHT_BODY,
    "test_cors_allow_specific_origin": EMPTY_PREFLIGHT_BODY,
    "test_cors_private_network_access_disallowed": EMPTY_PREFLIGHT_BODY,
    "test_cors_disallowed_preflight": REFUSED_PREFLIGHT_403,
    "test_cors_preflight_rejects_custom_method_with_wildcard": REFUSED_PREFLIGHT_403,
    "test_cors_allow_all_methods": NO_VARY_FOR_STAR,
    "test_cors_vary_header_is_set_for_non_credentialed_request": NO_VARY_FOR_STAR,
}

#: The failing tests by node id (the suite runs each under asyncio and trio).
DIFFERENCES: Final[dict[str, Difference]] = {
    f"tests.middleware.test_cors::{name}[{backend}]": difference
    for name, difference in _BY_TEST.items()
    for backend in ("asyncio", "trio")
}
