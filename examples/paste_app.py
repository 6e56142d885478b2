"""The application factory behind examples/cors.ini: the plain WSGI app with no CORS code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from examples.plain_wsgi import app

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


def app_factory(global_conf: dict[str, str], **local_conf: str) -> WSGIApplication:
    """PasteDeploy app factory (``use = call:examples.paste_app:app_factory``)."""
    return app
