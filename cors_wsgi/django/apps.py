"""The Django app: ``INSTALLED_APPS += ["cors_wsgi.django"]`` registers the system checks."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class CorsWsgiConfig(AppConfig):  # type: ignore[misc]  # Django is untyped here
    """Registers :func:`cors_wsgi.django.check_settings` under ``Tags.security``, so
    ``manage.py check`` (and ``check --deploy``) reports the ``CORS_*`` settings' problems."""

    name = "cors_wsgi.django"
    label = "cors_wsgi"
    verbose_name = "cors_wsgi"

    def ready(self) -> None:
        from .checks import check_settings

        checks.register(check_settings, checks.Tags.security)
