"""django-cors-headers' drop-in: ``INSTALLED_APPS += ["cors_wsgi.django"]`` and
``MIDDLEWARE = ["cors_wsgi.django.CorsMiddleware", ...]``, the ``CORS_*`` settings kept.

Every django-cors-headers setting, with its defaults and legacy names, is translated by
:func:`cors_wsgi.migrate.django.from_django` (what ``python -m cors_wsgi migrate django``
prints); cors_wsgi's own options are set in ``CORS_WSGI`` (a dict of options) and
``CORS_WSGI_PATHS`` (per-path policies). Decisions are the core's: the same as the WSGI and
ASGI middlewares give. Importing this module imports Django; ``import cors_wsgi`` does not.
"""

from __future__ import annotations

from .checks import check_settings
from .conf import configuration
from .defaults import check_request_enabled, default_headers, default_methods
from .middleware import CorsMiddleware

__all__ = [
    "CorsMiddleware",
    "check_request_enabled",
    "check_settings",
    "configuration",
    "default_headers",
    "default_methods",
]
