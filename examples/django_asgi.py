"""The one-file Django project of examples/django_app.py, served over ASGI: Django's ASGI
handler wrapped in cors_wsgi's ASGI twin, with no CORS code of its own.

Serve it:  uvicorn examples.django_asgi:app --host 127.0.0.1 --port 8000
Allowed origins come from CORS_ALLOW_ORIGINS (default http://localhost:3000).
In a regular project, wrap get_asgi_application() the same way in your asgi.py.
"""

from __future__ import annotations

from django.core.asgi import get_asgi_application

from cors_wsgi.asgi import CORSMiddleware

from .django_app import policy  # the project: settings, views and URLs

app = CORSMiddleware(get_asgi_application(), policy)
