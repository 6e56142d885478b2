"""flask-cors's configuration (``CORS()``/``@cross_origin`` keywords, ``CORS_*`` config keys,
``resources``) as cors_wsgi options, and where a Flask app keeps it.

flask-cors decides per resource: the first resource pattern that matches the request's path
(literal paths compared exactly, the others as regular expressions matched at the start of the
path, a ``resources`` dict sorted most specific first) gives the options, merged over the
``CORS()`` keywords, the app's ``CORS_*`` keys and the defaults. :func:`from_flask_cors` turns
each resource into a per-path cors_wsgi policy in that same order; :func:`flask_app_config`
flattens an app's decorated views, blueprints and app-wide ``CORS()`` calls into one such list,
so ``cors_wsgi.flask`` and ``python -m cors_wsgi migrate flask-cors app:app`` translate the
same thing.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from ._common import (
    FLASK_REGEX_HINTS,
    Migration,
    allowed_methods,
    as_list,
    origins_and_regexes,
    prefix_regex_as_full,
    regex_source,
    seconds,
)

__all__ = [
    "CONFIG_KEYS",
    "DEFAULTS",
    "FLASK_CORS_METHODS",
    "VIEW_OPTIONS",
    "Layer",
    "config_of",
    "flask_app_config",
    "from_flask_cors",
    "resource_pairs",
    "rule_regex",
]

#: What flask-cors allows when its users say nothing (from its own source).
FLASK_CORS_METHODS: Final = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")
#: flask-cors's keywords and their defaults (``CORS()`` takes them all, ``cross_origin()`` all
#: but ``resources`` and ``intercept_exceptions``).
DEFAULTS: Final[Mapping[str, Any]] = {
    "origins": "*",
    "methods": list(FLASK_CORS_METHODS),
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "automatic_options": True,
    "vary_header": True,
    "resources": r"/*",
    "intercept_exceptions": True,
    "always_send": True,
    "allow_private_network": False,
}
#: The Flask config keys flask-cors reads: ``CORS_`` + each keyword in upper case.
CONFIG_KEYS: Final = tuple(f"CORS_{name.upper()}" for name in DEFAULTS)
#: A resource that matches every path (flask-cors's default, ``*`` being its alias for ``.*``).
_EVERY_PATH: Final = frozenset({r"/*", "*", r".*", r"/.*"})

#: The attribute of a view decorated with ``cors_wsgi.flask.cross_origin``: its keywords.
VIEW_OPTIONS: Final = "cors_wsgi_cross_origin"

#: One ``CORS()`` call or decorated view, as :func:`flask_app_config` takes it: the URL rules it
#: is limited to (a decorated view's, a blueprint's; None for the whole app) and its keywords.
Layer = tuple[Sequence[str] | None, Mapping[str, Any]]


def from_flask_cors(config: Mapping[str, Any]) -> Migration:
    """flask-cors: the keyword arguments of ``CORS()``/``cross_origin()``, or the ``CORS_*``
    Flask config keys (``CORS_ORIGINS``, ``CORS_SUPPORTS_CREDENTIALS``, ...), or both.

    ``resources`` takes flask-cors's forms (a pattern, a list of patterns, a dict of pattern to
    keywords), and a list of ``(pattern, keywords)`` pairs taken in the order given (what
    :func:`flask_app_config` returns).
    """
    given = {(k[5:].lower() if k.startswith("CORS_") else k): v for k, v in config.items()}
    migration = Migration("flask-cors")
    pairs = resource_pairs(given.pop("resources", r"/*"))
    if len(pairs) == 1 and regex_source(pairs[0][0]) in _EVERY_PATH:  # one policy, no paths
        migration.options = _policy(migration, {**given, **dict(pairs[0][1])})
        return migration
    for pattern, options in pairs:
        path = _path_pattern(migration, pattern)
        if path is not None:
            migration.paths.append((path, _policy(migration, {**given, **dict(options)})))
    _keep_first(migration.notes)
    migration.notes.append("paths that match no resource get no CORS handling, as in flask-cors")
    return migration


def _policy(migration: Migration, given: Mapping[str, Any]) -> dict[str, Any]:
    """One set of flask-cors keywords (the defaults under them) as cors_wsgi options."""
    one = Migration("flask-cors")
    for key in sorted(set(given) - set(DEFAULTS)):  # top-level keys and each resource's
        close = difflib.get_close_matches(key, list(DEFAULTS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        one.unsafe.append(f"{key}: not a flask-cors option{hint}; nothing carried over")
    credentials = bool(given.get("supports_credentials", False))
    origins = [("*" if o in ("*", r".*") else o) for o in as_list(given.get("origins", "*"))]
    origins_and_regexes(one, origins, credentials, True)
    methods = given.get("methods", FLASK_CORS_METHODS)
    if isinstance(methods, str):
        methods = [m.strip() for m in methods.split(",") if m.strip()]
    one.options["allow_methods"] = allowed_methods(methods)
    headers = [("*" if h in ("*", r".*") else h) for h in as_list(given.get("allow_headers", "*"))]
    if "allow_headers" not in given:
        one.notes.append("flask-cors allows every request header by default: allow_headers = *")
    if "*" in headers:
        one.options["allow_headers"] = "*"
    elif any(isinstance(h, re.Pattern) or set(str(h)) & FLASK_REGEX_HINTS for h in headers):
        # Request headers are no trust boundary (the origins are): allowing every header to
        # the allowed origins is safe, and what a page sending a matching header needs.
        one.options["allow_headers"] = "*"
        one.notes.append(
            "allow_headers holds regular expressions "
            f"({', '.join(regex_source(h) for h in headers)}), which cors_wsgi does not take: "
            "allow_headers = * (every request header, from the allowed origins only)"
        )
    else:
        one.options["allow_headers"] = [str(h) for h in headers]
    expose = given.get("expose_headers")
    if isinstance(expose, str):
        expose = [h.strip() for h in expose.split(",") if h.strip()]
    if expose:  # in flask-cors's order: sorted
        one.options["expose_headers"] = sorted(str(h) for h in as_list(expose))
    one.options["allow_credentials"] = credentials
    max_age = seconds(given.get("max_age"))
    if isinstance(max_age, str) and max_age.strip().isdigit():
        max_age = int(max_age)
    one.options["max_age"] = max_age
    if max_age is None:
        one.notes.append("flask-cors sends no Access-Control-Max-Age by default: max_age = none")
    if given.get("allow_private_network"):
        if "*" in origins:
            one.unsafe.append(
                "allow_private_network with origins '*' lets every site on the internet reach "
                "this private-network server; list the trusted origins in allow_origins"
            )
        one.options["allow_private_network"] = True
    if given.get("send_wildcard"):
        one.notes.append("send_wildcard: cors_wsgi sends '*' only when allow_origins is '*'")
    if given.get("vary_header") is False:
        one.notes.append("vary_header=False: cors_wsgi always sends Vary: Origin (caches)")
    if given.get("always_send") is False:
        one.notes.append(
            "always_send=False: without an Origin header cors_wsgi sends only Vary: Origin "
            "(and Access-Control-Allow-Origin: * under a fixed '*'); browsers send Origin"
        )
    if given.get("intercept_exceptions") is False:
        one.notes.append(
            "intercept_exceptions=False: error responses get the CORS headers all the same "
            "(as they do in flask-cors since Flask 1.1, which runs after_request on errors)"
        )
    if given.get("automatic_options") is False:
        one.options["preflight_continue"] = True
        one.notes.append("automatic_options=False: the application answers OPTIONS")
    migration.unsafe += [u for u in one.unsafe if u not in migration.unsafe]
    migration.notes += [n for n in one.notes if n not in migration.notes]
    return one.options


def _path_pattern(migration: Migration, pattern: str | re.Pattern[str]) -> str | None:
    """A flask-cors resource pattern as a cors_wsgi path pattern (``re:`` for a regex)."""
    if isinstance(pattern, str) and not set(pattern) & FLASK_REGEX_HINTS:
        return pattern if pattern.startswith("/") else None  # flask-cors compares it exactly
    source = regex_source(pattern)
    full = prefix_regex_as_full(r".*" if source == "*" else source)
    if full != source and source not in _EVERY_PATH:
        migration.notes.append(
            f"resource {source!r} was matched as a prefix of the path (re.match); "
            "as a cors_wsgi path rule it must match the whole path, hence the .*"
        )
    return "re:" + full


def _keep_first(items: list[str]) -> None:
    seen: set[str] = set()
    items[:] = [i for i in items if not (i in seen or seen.add(i))]  # type: ignore[func-returns-value]


def resource_pairs(resources: object) -> list[tuple[str | re.Pattern[str], Mapping[str, Any]]]:
    """``resources`` as flask-cors reads it: ``(pattern, keywords)`` pairs in matching order.

    A dict is sorted as flask-cors sorts it (literal paths first, then regular expressions,
    each by more slashes, then longer, first); a list of pairs is taken in its order.
    """
    if isinstance(resources, Mapping):
        pairs = [(_star(k), v) for k, v in resources.items()]

        def specific_first(pair: tuple[Any, Any]) -> tuple[int, int, int, int]:
            pattern = pair[0]
            if isinstance(pattern, re.Pattern):
                return (1, 0, -pattern.pattern.count("/"), -len(pattern.pattern))
            regex = int(bool(set(pattern) & FLASK_REGEX_HINTS))
            return (regex, regex, -pattern.count("/"), -len(pattern))

        return sorted(pairs, key=specific_first)
    if isinstance(resources, (str, re.Pattern)):
        return [(_star(resources), {})]
    if isinstance(resources, Iterable):
        items = list(resources)
        if items and all(isinstance(i, tuple) and len(i) == 2 for i in items):
            return [(_star(p), dict(o)) for p, o in items]
        return [(_star(p), {}) for p in items]
    raise ValueError(f"resources: {resources!r} is not a pattern, a list or a dict of patterns")


def _star(pattern: Any) -> Any:
    return r".*" if pattern == "*" else pattern


_CONVERTER: Final = re.compile(r"<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?[a-zA-Z_]\w*>")


#: What lets a regex's match depend on text after it: anchors and lookarounds.
_LOOKS_AHEAD: Final = re.compile(r"\$|\\[ZbB]|\(\?[=!<]")


def rule_regex(rule: str) -> str:
    """A Flask URL rule (``/items/<int:id>``) as a regex matching its paths in full: each
    variable matches a segment (``path`` variables: any rest of the path)."""
    parts: list[str] = []
    end = 0
    for variable in _CONVERTER.finditer(rule):
        parts.append(re.escape(rule[end : variable.start()]))
        parts.append(".+" if variable.group(1) == "path" else "[^/]+")
        end = variable.end()
    parts.append(re.escape(rule[end:]))
    return "".join(parts)


def flask_app_config(layers: Sequence[Layer]) -> dict[str, Any]:
    """Every layer of a Flask app's CORS, highest precedence first (decorated views, then
    blueprints, then the app's ``CORS()`` calls), as one ``resources`` list of ``(pattern,
    keywords)`` pairs for :func:`from_flask_cors`: a layer limited to URL rules matches only
    the paths of those rules (and of its resources)."""
    resources: list[tuple[str | re.Pattern[str], dict[str, Any]]] = []
    for rules, options in layers:
        kwargs = {k: v for k, v in options.items() if k != "resources"}
        for pattern, extra in resource_pairs(options.get("resources", r"/*")):
            merged = {**kwargs, **dict(extra)}
            if rules is None:
                resources.append((pattern, merged))
                continue
            for rule in rules:
                limited = _limit(pattern, rule)
                if limited is not None:
                    resources.append((limited, merged))
    return {"resources": resources}


def _limit(pattern: str | re.Pattern[str], rule: str) -> str | re.Pattern[str] | None:
    """The paths of the Flask URL *rule* that the resource *pattern* also matches."""
    paths = rule_regex(rule)
    if isinstance(pattern, str) and not set(pattern) & FLASK_REGEX_HINTS:
        return pattern if re.fullmatch(paths, pattern) else None
    source = regex_source(pattern)
    if source in _EVERY_PATH:
        return re.compile(f"(?:{paths})$")
    # flask-cors matches a resource as a prefix (re.match). When it matches the rule's fixed
    # start and cannot look past what it matched, it matches every path of the rule: the rule
    # alone says which paths, with no lookahead (which the regex guard may refuse).
    fixed_start = rule.partition("<")[0]
    if fixed_start == rule:  # one path: decided here, as flask-cors decides it per request
        return rule if re.match(source, rule) else None
    if not _LOOKS_AHEAD.search(source) and re.match(source, fixed_start):
        return re.compile(f"(?:{paths})$")
    return re.compile(f"(?=(?:{source}))(?:{paths})$")


def config_of(target: object) -> Any:
    """The CORS configuration of what the user named: a Flask app set up with
    ``cors_wsgi.flask`` or with flask-cors (its ``CORS()`` calls, blueprints and decorated
    views, read from where flask-cors keeps them), or a dict of keywords or config keys."""
    dropin = getattr(getattr(target, "extensions", None), "get", lambda _: None)("cors_wsgi")
    if dropin is not None and hasattr(dropin, "flask_cors_config"):
        return dropin.flask_cors_config()
    config = getattr(target, "config", None)
    if isinstance(config, dict) and hasattr(target, "url_map"):
        app_config = {k[5:].lower(): v for k, v in config.items() if k in CONFIG_KEYS}
        layers = _flask_cors_layers(target, app_config)
        if layers:
            return flask_app_config(layers)
        return {k: v for k, v in config.items() if k.startswith("CORS_")}
    if isinstance(target, Mapping):
        return target
    raise TypeError(f"is of type {type(target).__name__}; expected a Flask app or a dict")


def _flask_cors_layers(app: Any, app_config: Mapping[str, Any]) -> list[Layer]:
    """What flask-cors registered on *app*: the keywords of each ``@cross_origin`` view (in
    the closure of its wrapper), and the resolved resources of each ``CORS()`` call (in the
    closure of the ``after_request`` function it added), in the order flask-cors applies them."""
    rules: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        rules.setdefault(rule.endpoint, []).append(rule.rule)
    layers: list[Layer] = []
    for endpoint, view in app.view_functions.items():
        kwargs = getattr(view, VIEW_OPTIONS, None)  # cors_wsgi.flask's, before its first request
        if kwargs is None:  # flask-cors's: the keywords cross_origin() was given
            code = getattr(view, "__code__", None)
            if getattr(code, "co_name", "") == "wrapped_function":
                kwargs = _closure(view).get("_options")
        if isinstance(kwargs, dict):
            layers.append((rules.get(endpoint, []), {**app_config, **kwargs}))
    # Blueprints' after_request functions run before the app's, the last registered first.
    scopes = sorted(app.after_request_funcs, key=lambda s: (s is None, -str(s).count(".")))
    for scope in scopes:
        for func in reversed(app.after_request_funcs[scope]):
            resources = _closure(func).get("resources")
            if getattr(func, "__name__", "") != "cors_after_request" or resources is None:
                continue
            limited = None
            if scope is not None:
                limited = [r for e, rs in rules.items() if e.startswith(f"{scope}.") for r in rs]
            pairs = [(pattern, _keywords(computed)) for pattern, computed in resources]
            layers.append((limited, {"resources": pairs}))
    return layers


def _closure(func: object) -> dict[str, Any]:
    code = getattr(func, "__code__", None)
    cells = getattr(func, "__closure__", None) or ()
    if code is None:
        return {}
    found: dict[str, Any] = {}
    for name, cell in zip(code.co_freevars, cells, strict=False):
        try:
            found[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    return found


def _keywords(computed: Any) -> dict[str, Any]:
    """flask-cors's resolved options of one resource back as the keywords that give them."""
    origins = [o for o in computed.origins if regex_source(o) != r".*"]
    if computed.allow_all_origins:
        origins.insert(0, "*")
    headers = ["*" if regex_source(h) == r".*" else h for h in computed.allow_headers]

    def split(value: str | None) -> list[str]:
        return [v.strip() for v in value.split(",")] if value else []

    max_age = computed.max_age
    if isinstance(max_age, datetime.timedelta):  # flask-cors stringifies them; never seen here
        max_age = int(max_age.total_seconds())
    return {
        "origins": origins,
        "methods": split(computed.methods),
        "allow_headers": headers,
        "expose_headers": split(computed.expose_headers),
        "supports_credentials": computed.supports_credentials,
        "max_age": max_age,
        "send_wildcard": computed.send_wildcard,
        "automatic_options": computed.automatic_options,
        "vary_header": computed.vary_header,
        "intercept_exceptions": computed.intercept_exceptions,
        "always_send": computed.always_send,
        "allow_private_network": computed.allow_private_network,
    }
