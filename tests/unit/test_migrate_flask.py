"""``migrate flask-cors``: a Flask app's real configuration (its ``CORS()`` keywords and
``resources``, blueprints, decorated views: where flask-cors keeps them), judged per resource,
in flask-cors's matching order."""

from __future__ import annotations

import re

import pytest

from cors_wsgi import CORSMiddleware
from cors_wsgi.migrate import from_flask_cors
from cors_wsgi.migrate.flask_cors import config_of, resource_pairs, rule_regex

from ..support.cli import run
from ..support.helpers import ALLOWED, EVIL, OTHER_ALLOWED
from ..support.peers import SCENARIOS, browser_verdict, flask_cors_sender, plain_wsgi, wsgi_sender

APPS = "tests.support.flask_cors_apps"


def test_migrate_reads_the_cors_keywords_and_resources_of_an_app_not_just_its_config() -> None:
    code, out = run("migrate", "flask-cors", f"{APPS}:resources_app")
    assert code == 0, out
    assert "allow_origins = *" not in out and "UNSAFE" not in out
    assert f"allow_origins = {ALLOWED}" in out and f"allow_origins = {OTHER_ALLOWED}" in out
    assert out.count("allow_credentials = true") == 2  # each resource
    assert "[cors:re:(?:/api/*)(?s:.*)]" in out


def test_origins_per_resource_with_top_level_credentials_are_safe() -> None:
    migration = from_flask_cors(
        {"supports_credentials": True, "resources": {r"/api/*": {"origins": [ALLOWED]}}}
    )
    assert migration.safe, migration.unsafe
    ((_, options),) = migration.paths
    assert options["allow_origins"] == [ALLOWED] and options["allow_credentials"] is True


def test_star_with_credentials_is_still_refused_where_a_resource_really_has_it() -> None:
    code, out = run("migrate", "flask-cors", f"{APPS}:star_credentials_app")
    assert code == 1 and "list the trusted origins" in out
    migration = from_flask_cors(
        {"supports_credentials": True, "resources": {r"/api/*": {}, "/x": {"origins": ALLOWED}}}
    )
    assert len(migration.unsafe) == 1  # the /api/* resource inherits '*'


def test_blueprints_and_decorated_views_are_read_in_flask_cors_s_order() -> None:
    migration = from_flask_cors(config_of(__import__(APPS, fromlist=["x"]).layered_app))
    assert migration.safe, migration.unsafe
    patterns = [pattern for pattern, _ in migration.paths]
    origins = [options["allow_origins"] for _, options in migration.paths]
    # the decorated view first, then the blueprint (its rule, every path), then the app
    assert origins == [["*"], ["https://shop.example.org"], [ALLOWED]]
    assert patterns[0] == "re:(?:/api/open)$" and "shop" in patterns[1]
    assert all(options["max_age"] == 600 for _, options in migration.paths[::2])  # config key
    assert migration.paths[1][1]["max_age"] is None  # flask-cors reads no config for blueprints


def test_a_resources_dict_is_taken_in_flask_cors_s_order_most_specific_first() -> None:
    pairs = resource_pairs({r"/.*": {}, "/foo": {}, r"/api/v1/.*": {}, re.compile("/a.*"): {}})
    assert [getattr(p, "pattern", p) for p, _ in pairs] == ["/foo", "/a.*", r"/api/v1/.*", r"/.*"]


@pytest.mark.parametrize(
    ("rule", "matches", "misses"),
    [
        ("/items/<int:item>", "/items/3", "/items/3/x"),
        ("/files/<path:name>", "/files/a/b.txt", "/files/"),
        ("/a.b/<x>", "/a.b/y", "/aXb/y"),
    ],
)
def test_a_flask_rule_becomes_a_regex_of_its_paths(rule: str, matches: str, misses: str) -> None:
    assert re.fullmatch(rule_regex(rule), matches)
    assert not re.fullmatch(rule_regex(rule), misses)


CONFIGS = [
    {"supports_credentials": True, "resources": {r"/api/*": {"origins": [ALLOWED]},
                                                 "/admin": {"origins": [OTHER_ALLOWED]}}},
    {"resources": {r"/.*": {"origins": [OTHER_ALLOWED]}, r"/api/v[0-9]/.*": {"origins": ALLOWED}},
     "methods": ["GET", "PUT"]},
    {"resources": [r"/api/.*", "/exact"], "origins": [ALLOWED], "expose_headers": "X-Total"},
]  # fmt: skip


@pytest.mark.parametrize("config", CONFIGS, ids=["credentials", "overlapping", "list"])
def test_resources_replayed_on_flask_cors_and_the_migration_give_the_same_verdicts(
    config: dict[str, object],
) -> None:
    migration = from_flask_cors(config)
    assert migration.safe, migration.unsafe
    peer = flask_cors_sender(config)
    ours = wsgi_sender(CORSMiddleware(plain_wsgi, migration.policy_config()))
    paths = ("/api/v1/items", "/api/x", "/admin", "/admin/x", "/exact", "/other")
    verdicts = [
        (browser_verdict(peer, p, o, s), browser_verdict(ours, p, o, s), p, o, s)
        for p in paths
        for o in (ALLOWED, OTHER_ALLOWED, EVIL)
        for s in SCENARIOS
    ]
    assert [v for v in verdicts if v[0] != v[1]] == []
    assert any(v[0] for v in verdicts)  # something is allowed


def test_a_header_regex_becomes_every_header_with_a_note_and_private_network_with_star_is_unsafe() -> (
    None
):
    migration = from_flask_cors({"origins": [ALLOWED], "allow_headers": [r"X-Company-.*"]})
    # a documented difference: broader (every header), for the allowed origins only
    assert migration.safe and migration.options["allow_headers"] == "*"
    assert any("X-Company-.*" in note for note in migration.notes)
    assert migration.options["allow_origins"] == [ALLOWED]
    assert not from_flask_cors({"allow_private_network": True}).safe


def test_a_misspelt_keyword_is_named_with_the_closest_one() -> None:
    (problem,) = from_flask_cors({"origin": [ALLOWED]}).unsafe
    assert "did you mean 'origins'" in problem
    (problem,) = from_flask_cors({"resources": {"/api/*": {"orgins": [ALLOWED]}}}).unsafe
    assert "orgins" in problem and "did you mean 'origins'" in problem


def test_only_the_drop_in_imports_flask_so_import_cors_wsgi_never_does() -> None:
    import ast

    from ..support.servers import PROJECT

    importers = set()
    for path in (PROJECT / "cors_wsgi").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("flask", "werkzeug", "flask_cors") for n in names):
                importers.add(path.relative_to(PROJECT).as_posix())
    assert importers == {"cors_wsgi/flask.py"}
