"""Shared fixtures."""

from __future__ import annotations

import pytest

from cors_wsgi import CORSPolicy

from .helpers import ALLOWED, OTHER_ALLOWED, RecordingApp


@pytest.fixture
def app() -> RecordingApp:
    return RecordingApp()


@pytest.fixture
def policy() -> CORSPolicy:
    """The policy from the README's quick start."""
    return CORSPolicy(
        allow_origins=[ALLOWED, OTHER_ALLOWED, "https://*.example.org"],
        allow_methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=["Content-Type", "Authorization"],
        expose_headers=["X-Total-Count"],
        allow_credentials=True,
        max_age=600,
    )
