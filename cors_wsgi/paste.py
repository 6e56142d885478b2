"""PasteDeploy filter: ``use = egg:cors_wsgi#cors`` in a ``[filter:...]`` section.

The section's keys are the :class:`~cors_wsgi.CORSPolicy` options in their string forms::

    [filter:cors]
    use = egg:cors_wsgi#cors
    allow_origins = https://app.example.com https://*.example.org
    allow_credentials = true

    [pipeline:main]
    pipeline = cors myapp
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .middleware import CORSMiddleware
from .policy import CORSPolicy

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


def filter_factory(
    global_conf: dict[str, str], **local_conf: str
) -> Callable[[WSGIApplication], CORSMiddleware]:
    """Build the policy now (so a bad key fails at load time) and return the filter."""
    policy = CORSPolicy.from_dict(local_conf)

    def cors_filter(app: WSGIApplication) -> CORSMiddleware:
        return CORSMiddleware(app, policy)

    return cors_filter
