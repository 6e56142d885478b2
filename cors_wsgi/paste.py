"""PasteDeploy filter: ``use = egg:cors_wsgi#cors`` in a ``[filter:...]`` section.

The section's keys are the :class:`~cors_wsgi.CORSPolicy` options in their string forms::

    [filter:cors]
    use = egg:cors_wsgi#cors
    allow_origins = https://app.example.com https://*.example.org
    allow_credentials = true
    handle_app_errors = true

    [pipeline:main]
    pipeline = cors myapp

``handle_app_errors`` is the middleware's option (see :class:`~cors_wsgi.CORSMiddleware`);
every other key is a policy option.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .middleware import CORSMiddleware
from .options import parse_bool
from .policy import CORSPolicy

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


def filter_factory(
    global_conf: dict[str, str], **local_conf: str
) -> Callable[[WSGIApplication], CORSMiddleware]:
    """Build the policy now (so a bad key fails at load time) and return the filter."""
    options: dict[str, object] = dict(local_conf)
    handle_app_errors = parse_bool("handle_app_errors", options.pop("handle_app_errors", False))
    policy = CORSPolicy.from_dict(options)

    def cors_filter(app: WSGIApplication) -> CORSMiddleware:
        return CORSMiddleware(app, policy, handle_app_errors=handle_app_errors)

    return cors_filter
