"""Drop-in for flask-cors: ``from cors_wsgi.flask import CORS, cross_origin``.

``CORS(app, **kwargs)``, ``CORS().init_app(app)``, ``CORS(blueprint)``, ``resources=...``, the
app's ``CORS_*`` config keys and ``@cross_origin(...)`` take flask-cors's keywords and
defaults. The configuration is translated once by :func:`cors_wsgi.migrate.from_flask_cors`
(what ``python -m cors_wsgi migrate flask-cors`` prints) and every request is decided by the
cors_wsgi core, in a :class:`~cors_wsgi.CORSMiddleware` that wraps ``app.wsgi_app``: ``flask
run``, the debugger, ``app.test_client()`` and any WSGI server go through it, and Flask's own
error responses (``abort(404)``, the 500 page, registered error handlers) carry the headers.

Decorated views and blueprints become per-path policies of that one middleware, made from
their URL rules when the first request arrives (Flask allows no new routes after it): a
decorated view's policy first, then its blueprint's, then the app's ``resources``.
Differences from flask-cors: ``docs/howto/migrate-flask.md``.
"""

from __future__ import annotations

import difflib
import functools
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

from flask import Blueprint, Flask, Response, current_app, make_response, request
from werkzeug.datastructures import Headers

from .decision import Action
from .errors import ConfigError, Problem
from .middleware import CORSMiddleware
from .migrate import from_flask_cors
from .migrate.flask_cors import CONFIG_KEYS, DEFAULTS, VIEW_OPTIONS, Layer, flask_app_config
from .response import merge

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from .migrate import Migration

__all__ = ["CORS", "FlaskCORS", "cross_origin"]

#: Where the app keeps its :class:`FlaskCORS` (``app.extensions[EXTENSION]``).
EXTENSION: Final = "cors_wsgi"
_DECORATOR_KEYWORDS: Final = frozenset(DEFAULTS) - {"resources", "intercept_exceptions"}
F = TypeVar("F", bound=Callable[..., Any])


class CORS:
    """flask-cors's extension: CORS for a Flask app or a blueprint, with flask-cors's keywords
    (``resources``, ``origins``, ``methods``, ``allow_headers``, ``expose_headers``,
    ``supports_credentials``, ``max_age``, ``send_wildcard``, ``vary_header``,
    ``automatic_options``, ``always_send``, ``intercept_exceptions``,
    ``allow_private_network``) over the app's ``CORS_*`` config keys and flask-cors's defaults.

    A configuration cors_wsgi cannot serve safely (``*``, flask-cors's default origins, with
    ``supports_credentials``; an unknown keyword) raises :class:`~cors_wsgi.ConfigError`.
    """

    def __init__(self, app: Flask | Blueprint | None = None, **kwargs: Any) -> None:
        _check_keywords(kwargs, DEFAULTS, "CORS")
        self._options = kwargs
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask | Blueprint, **kwargs: Any) -> None:
        """Give *app* (a Flask app or a blueprint) CORS: the constructor's keywords, these
        over them."""
        _check_keywords(kwargs, DEFAULTS, "init_app")
        options = {**self._options, **kwargs}
        if isinstance(app, Flask):
            # flask-cors reads the app's config keys here, once
            _validate({**app_config(app), **options})
            extension(app).add(None, {**app_config(app), **options})
        elif isinstance(app, Blueprint):
            _validate(options)  # a blueprint has no config keys: flask-cors reads none
            app.record(lambda state: _add_blueprint(state, options))
        else:
            raise TypeError(f"CORS: expected a Flask app or a Blueprint, got {app!r}")


def cross_origin(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """flask-cors's decorator: CORS for one view, with ``CORS``'s keywords but
    ``resources`` and ``intercept_exceptions``, over the app's ``CORS_*`` config keys.

    With ``automatic_options`` (the default) the view answers ``OPTIONS`` as Flask would
    (preflights never reach it: the middleware answers them).
    """
    if args:  # flask-cors ignores them; nothing is ignored here
        raise TypeError(f"cross_origin takes keywords only (origins=..., ...), got {args!r}")
    _check_keywords(kwargs, _DECORATOR_KEYWORDS, "cross_origin")
    automatic = kwargs.get("automatic_options", True)

    def decorator(view: F) -> F:
        if automatic:  # route OPTIONS to this view, as flask-cors does
            target: Any = view
            target.required_methods = {*getattr(view, "required_methods", ()), "OPTIONS"}
            target.provide_automatic_options = False

        @functools.wraps(view)
        def cors_view(*args: Any, **kwargs: Any) -> Any:
            state = current_app.extensions.get(EXTENSION)
            if state is None or state.middleware is None:
                # No request passed a cors_wsgi middleware yet: this app has no CORS() and
                # this is its first decorated request. Decide it here, wrap for the next.
                app = current_app._get_current_object()  # type: ignore[attr-defined]
                return extension(app).answer_in_view(view, args, kwargs, automatic)
            if automatic and request.method == "OPTIONS":
                return current_app.make_default_options_response()
            return view(*args, **kwargs)

        setattr(cors_view, VIEW_OPTIONS, dict(kwargs))
        return cors_view  # type: ignore[return-value]

    return decorator


class FlaskCORS:
    """The CORS of one Flask app (``app.extensions["cors_wsgi"]``): the layers its
    ``CORS()`` calls, blueprints and decorated views added, and the
    :class:`~cors_wsgi.CORSMiddleware` serving them around ``app.wsgi_app``."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wsgi_app = app.wsgi_app
        #: ``(blueprint endpoint prefix or None for the app, keywords)``, in the order added.
        self.layers: list[tuple[str | None, dict[str, Any]]] = []
        #: The middleware, made by the first request; None until then.
        self.middleware: CORSMiddleware | None = None
        self._lock = threading.Lock()
        app.extensions[EXTENSION] = self
        app.wsgi_app = self  # type: ignore[method-assign]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return (self.middleware or self.build())(environ, start_response)

    def add(self, blueprint: str | None, options: dict[str, Any]) -> None:
        self.layers.append((blueprint, options))
        if self.middleware is not None:  # a CORS() after the first request: swap it in
            self.middleware.reconfigure(self.migration().policy_config())

    def flask_cors_config(self) -> dict[str, Any]:
        """The app's whole flask-cors configuration, as :func:`cors_wsgi.migrate.
        from_flask_cors` takes it (what ``migrate flask-cors app:app`` reads)."""
        rules: dict[str, list[str]] = {}
        for rule in self.app.url_map.iter_rules():
            rules.setdefault(rule.endpoint, []).append(rule.rule)
        config = app_config(self.app)  # a decorated view reads the config keys per request
        layers: list[Layer] = [
            (rules.get(endpoint, []), {**config, **getattr(view, VIEW_OPTIONS)})
            for endpoint, view in self.app.view_functions.items()
            if hasattr(view, VIEW_OPTIONS)
        ]
        # flask-cors: a request's blueprints' after_request functions first (the innermost
        # first), then the app's; within each, the last registered first
        blueprints = [(p, o) for p, o in reversed(self.layers) if p is not None]
        for prefix, options in sorted(blueprints, key=lambda layer: -layer[0].count(".")):
            limited = [r for e, rs in rules.items() if e.startswith(f"{prefix}.") for r in rs]
            layers.append((limited, options))
        layers += [(None, options) for prefix, options in reversed(self.layers) if prefix is None]
        return flask_app_config(layers)

    def migration(self) -> Migration:
        migration = from_flask_cors(self.flask_cors_config())
        _raise_unsafe(migration)
        return migration

    def build(self) -> CORSMiddleware:
        """The middleware for the app's routes as they are now (once, at the first request)."""
        with self._lock:
            if self.middleware is None:
                self.middleware = CORSMiddleware(self.wsgi_app, self.migration().policy_config())
                if self.app.wsgi_app is self:  # nothing wrapped around us: one call less
                    self.app.wsgi_app = self.middleware  # type: ignore[method-assign]
            return self.middleware

    def answer_in_view(
        self, view: Callable[..., Any], args: Any, kwargs: Any, automatic: bool
    ) -> Response:
        """Decide a request that did not pass the middleware (the first one of an app
        without ``CORS()``) in the view, as the middleware would."""
        decision = self.build().decider.decide_asking(request.environ)
        if decision.action is Action.ANSWER:
            return Response(b"", decision.answer_code, list(decision.answer_headers))
        if automatic and request.method == "OPTIONS":
            response = current_app.make_default_options_response()
        else:
            response = make_response(view(*args, **kwargs))
        if decision.action is not Action.PASS:
            response.headers = Headers(merge(list(response.headers.items()), decision))
        return response


def extension(app: Flask) -> FlaskCORS:
    """The app's :class:`FlaskCORS`, made (wrapping ``app.wsgi_app``) on first use."""
    found = app.extensions.get(EXTENSION)
    return found if isinstance(found, FlaskCORS) else FlaskCORS(app)


def app_config(app: Flask) -> dict[str, Any]:
    """The app's ``CORS_*`` config keys that are set, as keywords."""
    return {
        key[5:].lower(): app.config[key] for key in CONFIG_KEYS if app.config.get(key) is not None
    }


def _add_blueprint(state: Any, options: dict[str, Any]) -> None:
    """A blueprint's layer, once registered: its endpoints are named after the name it is
    registered under (nested blueprints: after their parents' too)."""
    extension(state.app).add(f"{state.name_prefix}.{state.name}".lstrip("."), options)


def _check_keywords(kwargs: Mapping[str, Any], known: Iterable[str], where: str) -> None:
    for key in kwargs:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"is not a keyword of flask-cors's {where}{hint}"
            raise ConfigError([Problem(key, kwargs[key], message, "E001")])


def _validate(options: Mapping[str, Any]) -> None:
    """Refuse at set-up what cannot be served safely, and build the policies once so that a
    bad value fails here rather than at the first request."""
    migration = from_flask_cors(options)
    _raise_unsafe(migration)
    CORSMiddleware(_nothing, migration.policy_config())


def _raise_unsafe(migration: Migration) -> None:
    if migration.unsafe:
        raise ConfigError([_problem(f"cannot be served safely: {u}") for u in migration.unsafe])


def _problem(message: str) -> Problem:
    """What ``migrate`` reports as unsafe, with the code of cors_wsgi's own check."""
    if "'*' with credentials" in message:
        return Problem("flask-cors", "*", message, "E017")
    if "allow_private_network with" in message:
        return Problem("flask-cors", "*", message, "E021")
    return Problem("flask-cors", "", message, "E001")  # a keyword flask-cors does not have


def _nothing(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    return ()
