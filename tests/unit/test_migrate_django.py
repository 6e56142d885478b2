"""``from_django`` beyond django-cors-headers' settings: cors_wsgi's own options (``CORS_WSGI``)
and per-path policies (``CORS_WSGI_PATHS``), as the drop-in and ``migrate django`` read them;
and ``file://``, which no browser sends as an origin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cors_wsgi import CORSMiddleware
from cors_wsgi.migrate import from_django

from ..support.cli import run
from ..support.helpers import ALLOWED


def test_cors_wsgi_options_lie_over_the_cors_settings() -> None:
    migration = from_django({"CORS_ALLOWED_ORIGINS": [ALLOWED],
                             "CORS_WSGI": {"cross_origin_protection": True, "max_age": 60}})  # fmt: skip
    assert migration.options["cross_origin_protection"] is True
    assert migration.options["max_age"] == 60 and migration.options["allow_origins"] == [ALLOWED]


def test_cors_wsgi_paths_come_first_and_every_other_path_keeps_the_cors_policy() -> None:
    config = {"CORS_ALLOWED_ORIGINS": [ALLOWED],
              "CORS_WSGI_PATHS": [("/public/*", {"allow_origins": "*"}),
                                  (re.compile(r"/v\d+/.*"), {"max_age": 5})]}  # fmt: skip
    paths = [pattern for pattern, _ in from_django(config).paths]
    assert paths == ["/public/*", r"re:/v\d+/.*", "/*"]
    middleware = CORSMiddleware(lambda e, s: [], from_django(config).policy_config())
    assert middleware.evaluate("https://evil.example", path="/public/x").allowed
    assert not middleware.evaluate("https://evil.example", path="/api/x").allowed
    assert middleware.evaluate(ALLOWED, path="/api/x").allowed


def test_cors_wsgi_paths_before_cors_urls_regex() -> None:
    config = {"CORS_URLS_REGEX": r"^/api/", "CORS_WSGI_PATHS": {"/api/public/*": {}}}
    assert [p for p, _ in from_django(config).paths] == ["/api/public/*", "re:(?:^/api/)(?s:.*)"]


@pytest.mark.parametrize(
    ("config", "names"),
    [({"CORS_WSGI": ["debug"]}, "CORS_WSGI"), ({"CORS_WSGI_PATHS": "/api/*"}, "CORS_WSGI_PATHS"),
     ({"CORS_WSGI_PATHS": [("/api/*", "debug")]}, "CORS_WSGI_PATHS")],
)  # fmt: skip
def test_the_wrong_shape_is_named(config: dict[str, object], names: str) -> None:
    with pytest.raises(TypeError, match=names):
        from_django(config)


def test_file_origin_is_left_out_with_a_note() -> None:
    migration = from_django({"CORS_ALLOWED_ORIGINS": [ALLOWED, "file://"]})
    assert migration.options["allow_origins"] == [ALLOWED]
    assert any("file://" in note for note in migration.notes)


def test_migrate_django_prints_a_settings_module_s_cors_wsgi_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dropin_settings.py").write_text(
        f"CORS_ALLOWED_ORIGINS = [{ALLOWED!r}]\n"
        "CORS_WSGI = {'cross_origin_protection': True}\n"
        "CORS_WSGI_PATHS = [('/public/*', {'allow_origins': '*'})]\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    code, out = run("migrate", "django", "dropin_settings")
    assert code == 0, out
    assert "[cors:/public/*]" in out and "[cors:/*]" in out
    assert "cross_origin_protection = true" in out


def test_the_guide_lists_every_check_id() -> None:
    pytest.importorskip("django")
    from cors_wsgi.django.checks import CHECK_IDS

    from ..support.servers import PROJECT

    guide = (PROJECT / "docs" / "howto" / "migrate-django.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(cors_wsgi\.[EW]\d{3})`", guide)) - {"cors_wsgi.W002"}
    assert listed == set(CHECK_IDS)
