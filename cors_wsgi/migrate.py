"""Moving from another CORS library: its configuration in, cors_wsgi options out, with a note
for every place where the meaning differs.

Each ``from_*`` function takes the peer's configuration as its users write it and returns a
:class:`Migration`: the options (the peer's defaults carried over explicitly, since cors_wsgi's
are stricter), per-path sections where the peer had path rules, the notes, and the entries that
cannot be carried over safely with what to write instead. ``python -m cors_wsgi migrate``
prints :meth:`Migration.to_ini`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "PEERS",
    "Migration",
    "from_django",
    "from_flask_cors",
    "from_starlette",
    "from_wsgicors",
]

#: What each peer allows when its users say nothing (from the peers' own sources).
FLASK_CORS_METHODS: Final = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")
DJANGO_METHODS: Final = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
DJANGO_HEADERS: Final = (
    "accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with",
)  # fmt: skip
DJANGO_MAX_AGE: Final = 86400
STARLETTE_METHODS: Final = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
#: Characters flask-cors takes as the sign of a regular expression in an origin or path.
_FLASK_REGEX_HINTS: Final = frozenset("*\\]?$^[]()")
_STAR_CREDENTIALS: Final = (
    "echoes every origin with credentials, so any site can read your users' data; cors_wsgi "
    "refuses that: list the trusted origins in allow_origins (or decide them with "
    "allow_origin_func)"
)


@dataclass
class Migration:
    """A peer's configuration as cors_wsgi options.

    ``options`` are the ``[cors]`` options; ``paths`` per-path option sets for the peer's path
    rules (a pattern, or ``re:<regex>`` for a full-match regular expression), in matching
    order; ``notes`` say where the meaning differs; ``unsafe`` lists what cannot be carried over
    safely, each saying what to write instead (the command then exits 1).
    """

    peer: str
    options: dict[str, Any] = field(default_factory=dict)
    paths: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)

    @property
    def safe(self) -> bool:
        return not self.unsafe

    def policy_config(self) -> Any:
        """What ``CORSMiddleware`` takes: the options, or ``(pattern, options)`` pairs."""
        if not self.paths:
            return dict(self.options)
        pairs: list[tuple[Any, dict[str, Any]]] = []
        for pattern, options in self.paths:
            key: Any = re.compile(pattern[3:]) if pattern.startswith("re:") else pattern
            pairs.append((key, {**self.options, **options}))
        return pairs

    def to_ini(self, section: str = "cors") -> str:
        """An INI file with the options, the notes as comments, and what is unsafe."""
        lines = [f"# cors_wsgi configuration migrated from {self.peer}"]
        lines += [f"# UNSAFE: {problem}" for problem in self.unsafe]
        lines += [f"# note: {note}" for note in self.notes]
        names = [f"{section}:{pattern}" for pattern, _ in self.paths] or [section]
        for name, (_, extra) in zip(names, self.paths or [("", {})], strict=True):
            lines += ["", f"[{name}]"]
            options = {**self.options, **extra}
            lines += [
                f"{key} = {_ini_value(value)}"
                for key, value in options.items()
                if value != [] or key == "allow_origins"  # empty lists are the default
            ]
        return "\n".join(lines) + "\n"


def _ini_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, (list, tuple)):
        if any(isinstance(item, re.Pattern) or "\n" in str(item) for item in value):
            return "\n    ".join(["", *(_regex_source(item) for item in value)])
        return ", ".join(str(item) for item in value) if value else ""
    return str(value)


def _regex_source(value: object) -> str:
    return value.pattern if isinstance(value, re.Pattern) else str(value)


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, re.Pattern)):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


def _seconds(value: object) -> object:
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds())
    return value


def _methods(methods: Iterable[str]) -> list[str]:
    # OPTIONS needs no allowing: a preflight is answered whatever methods are listed.
    return [m.upper() for m in methods if m.upper() != "OPTIONS"] or ["GET"]


def _prefix_regex_as_full(source: str) -> str:
    """A regex matched as a prefix (``re.match``) rewritten to be matched in full."""
    if source.endswith("$") and not source.endswith("\\$"):
        return source
    return f"(?:{source}).*"


def _origins_and_regexes(
    migration: Migration, origins: list[Any], credentials: bool, case_insensitive: bool
) -> None:
    """Split a peer's origin list into exact origins and regexes (flask-cors, wsgicors)."""
    exact: list[str] = []
    regexes: list[str] = []
    for origin in origins:
        if origin == "*":
            if credentials:
                migration.unsafe.append(f"origins '*' with credentials {_STAR_CREDENTIALS}")
            else:
                exact.append("*")
        elif isinstance(origin, re.Pattern) or any(c in _FLASK_REGEX_HINTS for c in origin):
            source = _regex_source(origin)
            full = _prefix_regex_as_full(source)
            if full != source:
                migration.notes.append(
                    f"origin regex {source!r} was matched as a prefix (re.match), so it also "
                    "allowed origins that merely start with a match (https://app.example.com"
                    ".evil.example for app\\.example\\.com); cors_wsgi matches the whole origin"
                )
                full = source  # kept: a full match is the safe reading; the note says so
            regexes.append(full)
        else:
            lower = origin.lower().rstrip("/")
            if case_insensitive and lower != origin:
                migration.notes.append(
                    f"origin {origin!r} written as {lower} (browsers send lower case)"
                )
            exact.append(lower)
    if exact:
        migration.options["allow_origins"] = exact
    if regexes:
        migration.options["allow_origin_regex"] = regexes


# -- flask-cors --------------------------------------------------------------------------------


def from_flask_cors(config: Mapping[str, Any]) -> Migration:
    """flask-cors: the keyword arguments of ``CORS()``/``cross_origin()``, or the ``CORS_*``
    Flask config keys (``CORS_ORIGINS``, ``CORS_SUPPORTS_CREDENTIALS``, ...)."""
    given = {(k[5:].lower() if k.startswith("CORS_") else k): v for k, v in config.items()}
    migration = Migration("flask-cors")
    known = {"origins", "methods", "allow_headers", "expose_headers", "supports_credentials",
             "max_age", "send_wildcard", "vary_header", "resources", "automatic_options",
             "always_send", "intercept_exceptions", "allow_private_network"}  # fmt: skip
    for key in sorted(set(given) - known):
        migration.unsafe.append(f"{key}: not a flask-cors option; nothing carried over")
    credentials = bool(given.get("supports_credentials", False))
    _origins_and_regexes(migration, _as_list(given.get("origins", "*")), credentials, True)
    migration.options["allow_methods"] = _methods(given.get("methods", FLASK_CORS_METHODS))
    headers = _as_list(given.get("allow_headers", "*"))
    if "allow_headers" not in given:
        migration.notes.append(
            "flask-cors allows every request header by default: allow_headers = *"
        )
    if any(
        isinstance(h, re.Pattern) or (h != "*" and set(h) & _FLASK_REGEX_HINTS) for h in headers
    ):
        migration.unsafe.append(
            "allow_headers holds regular expressions, which cors_wsgi does not take; list the "
            "header names (or *)"
        )
    else:
        migration.options["allow_headers"] = "*" if "*" in headers else headers
    expose = _as_list(given.get("expose_headers"))
    if expose:
        migration.options["expose_headers"] = expose
    migration.options["allow_credentials"] = credentials
    max_age = _seconds(given.get("max_age"))
    migration.options["max_age"] = max_age
    if max_age is None:
        migration.notes.append(
            "flask-cors sends no Access-Control-Max-Age by default: max_age = none"
        )
    if given.get("allow_private_network"):
        migration.options["allow_private_network"] = True
    if given.get("send_wildcard"):
        migration.notes.append("send_wildcard: cors_wsgi sends '*' only when allow_origins is '*'")
    if given.get("vary_header") is False:
        migration.notes.append("vary_header=False: cors_wsgi always sends Vary: Origin (caches)")
    if given.get("automatic_options") is False:
        migration.options["preflight_continue"] = True
        migration.notes.append("automatic_options=False: the application answers OPTIONS")
    resources = given.get("resources")
    if resources is not None and resources not in ("/*", r"/*", "*"):
        _flask_resources(migration, resources)
    return migration


def _flask_resources(migration: Migration, resources: Any) -> None:
    pairs = (
        list(resources.items())
        if isinstance(resources, Mapping)
        else [(r, {}) for r in _as_list(resources)]
    )
    for pattern, options in pairs:
        source = _regex_source(pattern)
        if isinstance(pattern, str) and not set(pattern) & _FLASK_REGEX_HINTS:
            path = pattern  # a literal path: flask-cors compares it exactly
        else:
            path = "re:" + _prefix_regex_as_full(r".*" if source == "*" else source)
            migration.notes.append(
                f"resource {source!r} was matched as a prefix of the path (re.match); "
                "as a cors_wsgi path rule it must match the whole path, hence the .*"
            )
        sub = from_flask_cors({**migration_defaults(migration), **dict(options)})
        migration.unsafe += [u for u in sub.unsafe if u not in migration.unsafe]
        extra = {k: v for k, v in sub.options.items() if migration.options.get(k) != v}
        migration.paths.append((path, extra))
    migration.notes.append("paths that match no resource get no CORS handling, as in flask-cors")


def migration_defaults(migration: Migration) -> dict[str, Any]:
    """The top-level options back in flask-cors terms, for resources that override a few."""
    options = migration.options
    back = {
        "origins": [*options.get("allow_origins", []), *options.get("allow_origin_regex", [])],
        "methods": options.get("allow_methods"),
        "allow_headers": options.get("allow_headers"),
        "supports_credentials": options.get("allow_credentials"),
        "max_age": options.get("max_age"),
    }
    if options.get("expose_headers"):
        back["expose_headers"] = options["expose_headers"]
    return {k: v for k, v in back.items() if v is not None or k == "max_age"}


# -- django-cors-headers -----------------------------------------------------------------------


def from_django(settings: Any) -> Migration:
    """django-cors-headers: a settings module (or any object with the settings as attributes)
    or a mapping of them."""
    get = (
        settings.get if isinstance(settings, Mapping) else lambda k, d=None: getattr(settings, k, d)
    )
    migration = Migration("django-cors-headers")
    credentials = bool(get("CORS_ALLOW_CREDENTIALS", False))
    if get("CORS_ALLOW_ALL_ORIGINS", get("CORS_ORIGIN_ALLOW_ALL", False)):
        if credentials:
            migration.unsafe.append(
                f"CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS {_STAR_CREDENTIALS}"
            )
        else:
            migration.options["allow_origins"] = ["*"]
    else:
        origins = list(get("CORS_ALLOWED_ORIGINS", get("CORS_ORIGIN_WHITELIST", ())))
        migration.options["allow_origins"] = origins
        regexes = [
            _regex_source(r)
            for r in get("CORS_ALLOWED_ORIGIN_REGEXES", get("CORS_ORIGIN_REGEX_WHITELIST", ()))
        ]
        for source in regexes:
            if _prefix_regex_as_full(source) != source:
                migration.notes.append(
                    f"origin regex {source!r} was matched as a prefix (re.match): cors_wsgi "
                    "matches the whole origin, so it no longer allows origins that merely start "
                    "with a match"
                )
        if regexes:
            migration.options["allow_origin_regex"] = regexes
    migration.options["allow_methods"] = _methods(get("CORS_ALLOW_METHODS", DJANGO_METHODS))
    migration.options["allow_headers"] = list(get("CORS_ALLOW_HEADERS", DJANGO_HEADERS))
    expose = list(get("CORS_EXPOSE_HEADERS", ()))
    if expose:
        migration.options["expose_headers"] = expose
    migration.options["allow_credentials"] = credentials
    max_age = get("CORS_PREFLIGHT_MAX_AGE", DJANGO_MAX_AGE)
    migration.options["max_age"] = max_age or None
    if max_age and max_age > 600:
        migration.notes.append(
            f"max_age {max_age}: browsers cap it (WebKit 600 s, Chromium 7200 s); kept as given"
        )
    if get("CORS_ALLOW_PRIVATE_NETWORK", False):
        migration.options["allow_private_network"] = True
    urls = _regex_source(get("CORS_URLS_REGEX", r"^.*$"))
    if urls not in (r"^.*$", ".*", r"^.*"):
        migration.paths.append(("re:" + _prefix_regex_as_full(urls), {}))
        migration.notes.append(
            f"CORS_URLS_REGEX {urls!r} was matched against path_info as a prefix; cors_wsgi "
            "matches SCRIPT_NAME + PATH_INFO in full, hence the .*"
        )
    return migration


# -- Starlette / FastAPI -----------------------------------------------------------------------


def from_starlette(kwargs: Mapping[str, Any]) -> Migration:
    """Starlette's (and FastAPI's) ``CORSMiddleware`` keyword arguments."""
    migration = Migration("Starlette CORSMiddleware")
    credentials = bool(kwargs.get("allow_credentials", False))
    origins = list(kwargs.get("allow_origins", ()))
    if "*" in origins and credentials:
        migration.unsafe.append(f"allow_origins ['*'] with allow_credentials {_STAR_CREDENTIALS}")
    else:
        migration.options["allow_origins"] = ["*"] if "*" in origins else origins
    regex = kwargs.get("allow_origin_regex")
    if regex:
        migration.options["allow_origin_regex"] = [regex]
    methods = list(kwargs.get("allow_methods", ("GET",)))
    migration.options["allow_methods"] = _methods(STARLETTE_METHODS if "*" in methods else methods)
    headers = list(kwargs.get("allow_headers", ()))
    migration.options["allow_headers"] = "*" if "*" in headers else headers
    expose = list(kwargs.get("expose_headers", ()))
    if expose:
        migration.options["expose_headers"] = expose
    migration.options["allow_credentials"] = credentials
    migration.options["max_age"] = kwargs.get("max_age", 600)
    if kwargs.get("allow_private_network"):
        migration.options["allow_private_network"] = True
    migration.notes.append(
        "wrap the whole app (app = CORSMiddleware(app, ...)) rather than add_middleware, so 500s "
        "carry the CORS headers"
    )
    return migration


# -- wsgicors ----------------------------------------------------------------------------------


def from_wsgicors(section: Mapping[str, str]) -> Migration:
    """A wsgicors PasteDeploy filter section (``policy = ...`` and ``<policy>_origin`` keys,
    or the plain ``origin``/``methods``/``headers``/... keys)."""
    migration = Migration("wsgicors")
    policies = [p.strip() for p in section.get("policy", "").split(",") if p.strip()]
    if len(policies) > 1:
        migration.unsafe.append(
            f"several policies ({', '.join(policies)}) are chosen per request by origin; write "
            "one [cors] section with every trusted origin"
        )
    prefix = f"{policies[0]}_" if policies else ""
    keys = (
        {k[len(prefix) :]: v for k, v in section.items() if k.startswith(prefix)}
        if prefix
        else dict(section)
    )
    credentials = keys.get("credentials", "false").strip().lower() == "true"
    origin = keys.get("origin", "").strip()
    if origin == "copy":
        migration.unsafe.append(f"origin = copy {_STAR_CREDENTIALS}")
    elif origin == "*" and credentials:
        migration.unsafe.append(f"origin = * with credentials {_STAR_CREDENTIALS}")
    elif origin == "*":
        migration.options["allow_origins"] = ["*"]
    else:
        exact, regexes = [], []
        for entry in origin.split():
            if "*" in entry or "?" in entry:
                regexes.append(_glob_regex(entry))
                migration.notes.append(
                    f"glob {entry!r} became the regex {regexes[-1]} (a * is one or more "
                    "characters of one label, never a dot: fnmatch let it span sites)"
                )
            else:
                exact.append(entry.lower())
        migration.options["allow_origins"] = exact
        if regexes:
            migration.options["allow_origin_regex"] = regexes
    methods = [m.strip() for m in keys.get("methods", "").split(",") if m.strip()]
    migration.options["allow_methods"] = _methods(methods)
    headers = keys.get("headers", "").strip()
    migration.options["allow_headers"] = (
        "*" if headers == "*" else [h.strip() for h in headers.split(",") if h.strip()]
    )
    expose = keys.get("expose_headers", "").strip()
    if expose:
        migration.options["expose_headers"] = (
            "*" if expose == "*" else [h.strip() for h in expose.split(",")]
        )
    migration.options["allow_credentials"] = credentials
    max_age = keys.get("maxage", "").strip()
    migration.options["max_age"] = int(max_age) if max_age.isdigit() else None
    return migration


def _glob_regex(glob: str) -> str:
    """A wsgicors fnmatch pattern (``*`` any characters, ``?`` one) as a full-match regex; a
    ``*`` stops at dots and colons, so it cannot jump to another site."""
    parts = []
    for char in glob:
        parts.append(
            r"[a-z0-9-]+" if char == "*" else r"[a-z0-9-]" if char == "?" else re.escape(char)
        )
    return "".join(parts)


#: ``python -m cors_wsgi migrate <peer>``.
PEERS: Final[dict[str, Callable[[Any], Migration]]] = {
    "flask-cors": from_flask_cors,
    "django": from_django,
    "starlette": from_starlette,
    "wsgicors": from_wsgicors,
}
