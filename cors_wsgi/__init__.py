"""cors_wsgi: correct, fast CORS for any WSGI application, and through :mod:`cors_wsgi.asgi`
for any ASGI application, from one policy.

.. code-block:: python

    from cors_wsgi import CORSMiddleware, CORSPolicy

    policy = CORSPolicy(allow_origins=["https://app.example.com"], allow_credentials=True)
    application = CORSMiddleware(application, policy)  # cors_wsgi.asgi.CORSMiddleware for ASGI
"""

from __future__ import annotations

from .decision import Decision, Reason
from .errors import ConfigError, Problem
from .middleware import CORSMiddleware
from .policy import CORSPolicy

__version__ = "0.1.0"

__all__ = [
    "CORSMiddleware",
    "CORSPolicy",
    "ConfigError",
    "Decision",
    "Problem",
    "Reason",
    "__version__",
]
