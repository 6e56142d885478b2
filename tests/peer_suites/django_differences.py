"""The cases of django-cors-headers' suite (``django_cases.py``) that ``cors_wsgi.django``
answers differently on purpose, each with its reason and the migration guide's section."""

from __future__ import annotations

from ..support.peer_suites import Difference

GUIDE = "howto/migrate-django.html#"

STAR_CREDENTIALS = Difference(
    "CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS reflects every origin with credentials, "
    "so any site reads the users' data: a configuration error (check cors_wsgi.E016), the "
    "middleware refuses to serve with it",
    GUIDE + "every-origin-with-credentials",
)
PRIVATE_NETWORK_ANY = Difference(
    "CORS_ALLOW_PRIVATE_NETWORK with every origin lets any public site reach the private "
    "service: a configuration error (check cors_wsgi.E021)",
    GUIDE + "every-origin-with-credentials",
)
REFUSED_PREFLIGHT = Difference(
    "a refused preflight (origin not allowed, or no method asked) is answered 403 without CORS "
    "headers, not 200: browsers fail both alike, and the status says why",
    GUIDE + "refused-preflights-are-403",
)
PREFLIGHT_LISTS = Difference(
    "the preflight lists the allowed methods without OPTIONS (never preflighted) and the "
    "allowed headers with the CORS-safelisted ones: browsers read both lists alike",
    GUIDE + "preflight-header-lists",
)
DIFFERENCES: dict[str, Difference] = {
    "test_get_origin_vary_by_default": Difference(
        "Vary says Origin, not origin: header field names compare case-insensitively, for "
        "caches as for browsers",
        GUIDE + "wire-details",
    ),
    "test_file_in_allowed_origins": Difference(
        "'file://' is no origin a browser sends (old Chrome for Android did, from local files; "
        "file pages send Origin: null): left out, with a note from migrate",
        GUIDE + "file-origins",
    ),
    "test_allow_private_network_added_if_enabled_and_requested": PRIVATE_NETWORK_ANY,
    "test_allow_private_network_not_added_if_enabled_and_not_requested": PRIVATE_NETWORK_ANY,
    "test_options_allowed_origin": PREFLIGHT_LISTS,
    "test_async_options_allowed_origin": PREFLIGHT_LISTS,
    "test_options_no_max_age": PREFLIGHT_LISTS,
    "test_options_empty_request_method": REFUSED_PREFLIGHT,
    "test_allow_all_origins_get": STAR_CREDENTIALS,
    "test_allow_all_origins_options": STAR_CREDENTIALS,
    "test_non_200_headers_still_set": STAR_CREDENTIALS,
    "test_auth_view_options": STAR_CREDENTIALS,
    "test_signal_handler_that_returns_false": REFUSED_PREFLIGHT,
    "test_signal_handler_allow_some_urls_to_everyone (/)": REFUSED_PREFLIGHT,
    "test_cors_enabled_is_attached_and_bool": Difference(
        "request._cors_enabled, a private attribute of django-cors-headers, is not set",
        GUIDE + "wire-details",
    ),
    "test_defaults_pass": Difference(
        "with no origin allowed anywhere, check warns (cors_wsgi.W002): every cross-origin read "
        "is blocked, often an unset environment variable; no warning while a "
        "check_request_enabled receiver is connected",
        GUIDE + "check-warnings",
    ),
    "test_cors_allowed_origins_allowed": Difference(
        "allowing the 'null' origin draws a warning (cors_wsgi.W010): sandboxed iframes and "
        "data: documents of any site send it; 'file://' one too (cors_wsgi.W101): it is left "
        "out, no browser sends it",
        GUIDE + "check-warnings",
    ),
}
