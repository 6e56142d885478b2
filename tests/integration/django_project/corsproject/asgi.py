"""As startproject writes it: no CORS code here, it is in MIDDLEWARE."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corsproject.settings")
application = get_asgi_application()
