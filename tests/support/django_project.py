"""The Django project of tests/integration/django_project (moved from django-cors-headers to
cors_wsgi.django): its environment and its manage.py, for the integration and browser tiers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .servers import PROJECT

PROJECT_DIR = PROJECT / "tests" / "integration" / "django_project"


def environment(data: Path, **extra: str) -> dict[str, str]:
    """The project on the path, its database files in *data*, *extra* variables over them."""
    path = os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "DJANGO_PROJECT_DATA": str(data),
            "DJANGO_SETTINGS_MODULE": "corsproject.settings", **extra}  # fmt: skip


def manage(data: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """``python manage.py *args`` in the project, bounded in time."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=environment(data, **extra),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
