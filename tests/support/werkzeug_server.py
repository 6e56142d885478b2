"""Serve ``module:app`` with Werkzeug's threaded dev server: ``python -m tests.support.werkzeug_server
module:app PORT`` (what ``flask run`` uses)."""

from __future__ import annotations

import importlib
import sys

from werkzeug.serving import run_simple


def main() -> None:
    target, port = sys.argv[1], int(sys.argv[2])
    module, _, name = target.partition(":")
    app = getattr(importlib.import_module(module), name)
    run_simple("127.0.0.1", port, app, threaded=True)


if __name__ == "__main__":
    main()
