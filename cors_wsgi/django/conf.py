"""The ``CORS_*`` settings, translated once (through :func:`cors_wsgi.migrate.django.from_django`,
as ``python -m cors_wsgi migrate django`` does) into the core's deciders, and translated again
when Django's ``setting_changed`` signal says a ``CORS_*`` setting changed
(``override_settings``). Requests read the result; they never read settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from ..core import Decider
from ..errors import ConfigError
from ..migrate.django import from_django

if TYPE_CHECKING:
    from ..memo import Respond
    from ..migrate import Migration

__all__ = ["Compiled", "compiled", "configuration"]


class Compiled(NamedTuple):
    """What the middleware reads on each request."""

    decider: Decider
    #: ``decider.respond``, read once per request.
    respond: Respond
    #: Per-path policies: the paths are matched against ``path_info``, so a request under a
    #: ``SCRIPT_NAME`` is routed without it (as ``CORS_URLS_REGEX`` and Django's URLs are).
    routed: bool
    #: The same policies allowing every origin, for a request ``check_request_enabled``
    #: enables.
    enabled_by_signal: Decider


def configuration() -> Migration:
    """The current ``CORS_*`` settings as cors_wsgi options (what ``migrate`` prints)."""
    try:
        return from_django(settings)
    except TypeError as error:
        raise ImproperlyConfigured(f"cors_wsgi: {error}") from error


def _allow_every_origin(origin: str) -> bool:
    """The origin function of :attr:`Compiled.enabled_by_signal`: the signal has decided."""
    return True


def _build() -> Compiled:
    migration = configuration()
    if migration.unsafe:
        raise ImproperlyConfigured(
            "cors_wsgi: "
            + "; ".join(migration.unsafe)
            + " (in settings: CORS_ALLOWED_ORIGINS, or CORS_WSGI['allow_origin_func']; "
            "manage.py check: cors_wsgi.E016)"
        )
    config = migration.policy_config()
    signal_options = {
        **migration.options,
        "allow_origins": [],
        "allow_origin_regex": [],
        "allow_origin_func": _allow_every_origin,
    }
    try:
        decider = Decider(config)
        enabled = Decider(signal_options)
    except ConfigError as error:
        raise ImproperlyConfigured(
            f"cors_wsgi: the CORS_* settings are invalid (manage.py check says more): {error}"
        ) from error
    return Compiled(decider, decider.respond, bool(decider.routes), enabled)


_current: Compiled | None = None


def compiled() -> Compiled:
    """The deciders of the current settings, translated on first use after a change."""
    global _current
    if _current is None:
        _current = _build()
    return _current


def _forget(*, setting: str, **kwargs: Any) -> None:
    global _current
    if setting.startswith("CORS_"):
        _current = None


setting_changed.connect(_forget, dispatch_uid="cors_wsgi.django.conf")
