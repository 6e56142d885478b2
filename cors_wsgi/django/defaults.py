"""django-cors-headers' defaults under the names its users import
(``from corsheaders.defaults import default_headers``), and its signal."""

from __future__ import annotations

from typing import Final

from django.dispatch import Signal

from ..migrate.django import DJANGO_HEADERS, DJANGO_METHODS

__all__ = ["check_request_enabled", "default_headers", "default_methods"]

#: The request headers allowed when ``CORS_ALLOW_HEADERS`` is not set.
default_headers: Final = DJANGO_HEADERS
#: The methods allowed when ``CORS_ALLOW_METHODS`` is not set.
default_methods: Final = DJANGO_METHODS

#: Sent with ``request=`` when a request's path is outside ``CORS_URLS_REGEX`` or its origin
#: is not allowed: if any receiver (plain or ``async def``) returns a true value, the request
#: gets CORS headers for its origin. django-cors-headers' signal of the same name.
check_request_enabled = Signal()
