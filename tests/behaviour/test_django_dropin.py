"""cors_wsgi.django inside a real Django stack: responses made by later middleware and by
Django itself get the headers, override_settings takes effect, cors_wsgi's own options are
reachable from settings, check_request_enabled receivers may be async, and the checks give
cors_wsgi's stricter problems their own ids."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

pytest.importorskip("django")

from asgiref.sync import async_to_sync
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import HttpRequest
from django.test import AsyncClient, Client
from django.test.utils import override_settings

import cors_wsgi.django as dropin
from examples import django_app  # configures Django once for the process

assert django_app is not None
ALLOWED, EVIL = "https://app.example.com", "https://evil.example"
STACK = {"MIDDLEWARE": ["cors_wsgi.django.CorsMiddleware",
                        "django.middleware.common.CommonMiddleware"],
         "ROOT_URLCONF": "tests.support.django_views", "CORS_ALLOWED_ORIGINS": [ALLOWED]}  # fmt: skip


def get(path: str, origin: str | None = ALLOWED, method: str = "GET", **settings: Any) -> Any:
    headers = {"origin": origin} if origin else {}
    with override_settings(**{**STACK, **settings}):
        client = Client(raise_request_exception=False)
        return client.generic(method, path, headers=headers)


def get_async(path: str, origin: str = ALLOWED, **settings: Any) -> Any:
    async def go() -> Any:
        return await AsyncClient(raise_request_exception=False).get(
            path, headers={"origin": origin}
        )

    with override_settings(**{**STACK, **settings}):
        return async_to_sync(go)()


@pytest.mark.parametrize(
    ("path", "status"),
    [("/slash", 301), ("/nowhere/", 404), ("/error/", 500), ("/unauthorized/", 401)],
    ids=["CommonMiddleware redirect", "Django's 404", "Django's 500", "a view's 401"],
)
def test_responses_made_after_the_middleware_get_the_headers(path: str, status: int) -> None:
    response = get(path)
    assert response.status_code == status
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert response["Vary"] == "Origin"


def test_a_refused_origin_gets_no_grant_but_vary() -> None:
    response = get("/api/items", EVIL)
    assert "Access-Control-Allow-Origin" not in response and response["Vary"] == "Origin"


def test_override_settings_takes_effect_each_time() -> None:
    assert get("/api/x", EVIL).get("Access-Control-Allow-Origin") is None
    assert get("/api/x", EVIL, CORS_ALLOWED_ORIGINS=[EVIL])["Access-Control-Allow-Origin"] == EVIL
    assert get("/api/x", EVIL).get("Access-Control-Allow-Origin") is None


def test_the_view_s_vary_is_kept_and_its_own_cors_headers_replaced() -> None:
    response = get("/api/x", CORS_EXPOSE_HEADERS=["X-Total-Count"])
    assert response["Access-Control-Expose-Headers"] == "X-Total-Count"


def test_the_async_chain_goes_through_the_middleware() -> None:
    assert get_async("/async/")["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Origin" not in get_async("/async/", EVIL)


def partner(origin: str) -> bool:
    return origin.endswith(".partner.example")


async def partner_async(origin: str) -> bool:
    return origin.endswith(".partner.example")


def test_allow_origin_func_from_cors_wsgi_setting_sync_and_async() -> None:
    sync: dict[str, Any] = {"CORS_WSGI": {"allow_origin_func": partner}}
    assert get("/api/x", "https://a.partner.example", **sync)["Access-Control-Allow-Origin"]
    assert "Access-Control-Allow-Origin" not in get("/api/x", EVIL, **sync)
    asynchronous: dict[str, Any] = {"CORS_WSGI": {"allow_origin_func": partner_async}}
    answer = get_async("/async/", "https://a.partner.example", **asynchronous)
    assert answer["Access-Control-Allow-Origin"] == "https://a.partner.example"


def test_cross_origin_protection_and_debug_from_the_cors_wsgi_setting() -> None:
    options: dict[str, Any] = {"CORS_WSGI": {"cross_origin_protection": True, "debug": True}}
    refused = get("/api/x", EVIL, "POST", **options)
    assert refused.status_code == 403 and refused["X-CORS-Reason"]
    assert get("/api/x", ALLOWED, "POST", **options).status_code == 200


def test_per_path_policies_from_cors_wsgi_paths() -> None:
    paths: dict[str, Any] = {"CORS_WSGI_PATHS": [("/public/*", {"allow_origins": "*"})]}
    assert get("/public/x", EVIL, **paths)["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in get("/api/x", EVIL, **paths)
    assert get("/api/x", ALLOWED, **paths)["Access-Control-Allow-Origin"] == ALLOWED


def test_cors_urls_regex_matches_path_info_under_a_script_name() -> None:
    with override_settings(**STACK, CORS_URLS_REGEX=r"^/api/"):
        client = Client()
        under = client.get("/api/x", headers={"origin": ALLOWED}, SCRIPT_NAME="/mount")
        outside = client.get("/public/x", headers={"origin": ALLOWED}, SCRIPT_NAME="/mount")
    assert under["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Origin" not in outside and "Vary" not in outside


@contextmanager
def connected(receiver: Any) -> Iterator[None]:
    dropin.check_request_enabled.connect(receiver)
    try:
        yield
    finally:
        dropin.check_request_enabled.disconnect(receiver)


async def enable_api_async(sender: object, request: HttpRequest, **kwargs: Any) -> bool:
    return bool(request.path.startswith("/api/"))


def test_an_async_receiver_of_check_request_enabled_in_both_chains() -> None:
    with connected(enable_api_async):
        assert get("/api/x", EVIL)["Access-Control-Allow-Origin"] == EVIL
        assert "Access-Control-Allow-Origin" not in get("/public/x", EVIL)
        assert get_async("/api/x", EVIL)["Access-Control-Allow-Origin"] == EVIL
        assert get_async("/async/", EVIL).get("Access-Control-Allow-Origin") is None


def test_the_corsheaders_imports_have_the_same_values() -> None:
    defaults = pytest.importorskip("corsheaders.defaults")
    assert dropin.default_headers == defaults.default_headers
    assert dropin.default_methods == defaults.default_methods


CHECKS = [
    ({"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True}, "cors_wsgi.E016"),
    ({"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://.*$"], "CORS_ALLOW_CREDENTIALS": True},
     "cors_wsgi.E017"),
    ({"CORS_WSGI": {"allow_origins": ["https://*.github.io"]}, "CORS_ALLOW_CREDENTIALS": True},
     "cors_wsgi.E018"),
    ({"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://(a+)+\.example\.com$"]}, "cors_wsgi.E019"),
    ({"CORS_ALLOWED_ORIGINS": ["null"], "CORS_ALLOW_CREDENTIALS": True}, "cors_wsgi.E020"),
    ({"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_PRIVATE_NETWORK": True}, "cors_wsgi.E021"),
    ({"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://(\.example\.com$"]}, "cors_wsgi.E022"),
    ({"CORS_ALLOWED_ORIGIN": [ALLOWED]}, "cors_wsgi.E023"),
    ({"CORS_WSGI": {"alow_origins": [ALLOWED]}}, "cors_wsgi.E024"),
]  # fmt: skip


@pytest.mark.parametrize(("settings", "check_id"), CHECKS, ids=[i for _, i in CHECKS])
def test_cors_wsgi_s_stricter_checks_have_their_own_ids(
    settings: dict[str, Any], check_id: str
) -> None:
    with override_settings(**settings):
        messages = dropin.check_settings()
    assert [m.id for m in messages if m.is_serious()] == [check_id], [m.msg for m in messages]
    assert check_id in dropin.checks.CHECK_IDS


def test_an_unknown_setting_names_the_closest_and_a_cors_wsgi_option_says_where() -> None:
    with override_settings(CORS_ALLOWED_ORIGIN=[ALLOWED], CORS_DEBUG=True):
        messages = {m.msg.split()[0]: m for m in dropin.check_settings()}
    assert messages["CORS_ALLOWED_ORIGIN"].hint == "Did you mean CORS_ALLOWED_ORIGINS?"
    assert "CORS_WSGI: {'debug': ...}" in messages["CORS_DEBUG"].hint
    with override_settings(CORS_WSGI={"alow_origins": [ALLOWED]}):
        (message,) = dropin.check_settings()
    assert (
        "did you mean allow_origins?" in message.msg and "CORS_WSGI['alow_origins']" in message.msg
    )


def test_manage_py_check_runs_the_checks_of_the_installed_app() -> None:
    apps = ["cors_wsgi.django"]
    with override_settings(INSTALLED_APPS=apps, CORS_ALLOWED_ORIGINS=[ALLOWED]):
        call_command("check", "--deploy", "--tag", "security", verbosity=0)
    bad = {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True}
    with override_settings(INSTALLED_APPS=apps, **bad), pytest.raises(SystemCheckError) as error:
        call_command("check", verbosity=0)
    assert "cors_wsgi.E016" in str(error.value)


def test_a_same_origin_write_over_https_under_asgi_is_no_cross_origin_write() -> None:
    """An ASGIRequest's META has no wsgi.url_scheme: the scope's scheme tells the server's
    origin, so an https page's own POST is same-origin, not an origin refused."""

    async def post(origin: str) -> Any:
        client = AsyncClient(raise_request_exception=False)
        return await client.post("/api/x", headers={"origin": origin}, secure=True)

    options = {"cross_origin_protection": True, "debug": True}
    with override_settings(**STACK, CORS_WSGI=options):
        own = async_to_sync(post)("https://testserver")
        other = async_to_sync(post)(EVIL)
    assert (own.status_code, own["X-CORS-Reason"]) == (200, "same_origin")
    assert (other.status_code, other["X-CORS-Reason"]) == (403, "cross_origin_request_refused")


def enable_everything(sender: object, request: HttpRequest, **kwargs: Any) -> bool:
    return True


def test_a_receiver_cannot_enable_the_null_origin() -> None:
    with connected(enable_everything):
        assert get("/api/x", "https://any.example")["Access-Control-Allow-Origin"]
        assert "Access-Control-Allow-Origin" not in get("/api/x", "null")
        assert get("/api/x", "null", CORS_ALLOWED_ORIGINS=["null"])["Access-Control-Allow-Origin"]


def test_the_wsgi_class_in_middleware_says_which_class_to_use() -> None:
    """Django builds each MIDDLEWARE entry with get_response alone: the WSGI class, given no
    options, says that Django's entry is cors_wsgi.django.CorsMiddleware (it was a bare
    TypeError)."""
    from cors_wsgi import ConfigError

    with override_settings(**{**STACK, "MIDDLEWARE": ["cors_wsgi.CORSMiddleware"]}):
        client = Client(raise_request_exception=True)
        with pytest.raises(ConfigError, match=r"cors_wsgi\.django\.CorsMiddleware"):
            client.get("/api/items/", headers={"origin": ALLOWED})
