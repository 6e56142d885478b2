"""A Django project that used django-cors-headers, moved to cors_wsgi by changing
INSTALLED_APPS, MIDDLEWARE and one import; every CORS_* setting is as it was.

Its database is a SQLite file (its tests' database too, not an in-memory one), in
``DJANGO_PROJECT_DATA`` (default: beside this project).
"""

from __future__ import annotations

import os
from pathlib import Path

from cors_wsgi.django import default_headers  # was: from corsheaders.defaults import ...

BASE_DIR = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("DJANGO_PROJECT_DATA", BASE_DIR))

SECRET_KEY = "test-project-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "cors_wsgi.django",  # was: "corsheaders"
    "items",
]
MIDDLEWARE = [
    "cors_wsgi.django.CorsMiddleware",  # was: "corsheaders.middleware.CorsMiddleware"
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "corsproject.urls"
WSGI_APPLICATION = "corsproject.wsgi.application"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA / "db.sqlite3",
        "TEST": {"NAME": DATA / "test_db.sqlite3"},  # a file: what closed connections break
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static"

CORS_ALLOWED_ORIGINS = os.environ.get("CORS_ALLOWED_ORIGINS", "https://app.example.com").split(",")
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_HEADERS = (*default_headers, "x-api-key")
CORS_EXPOSE_HEADERS = ["X-Total-Count"]
CORS_PREFLIGHT_MAX_AGE = 600
CORS_URLS_REGEX = r"^/(api|static)/"
