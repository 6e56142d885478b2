"""``python -m cors_wsgi``: see :mod:`cors_wsgi.cli`."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
