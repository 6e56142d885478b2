"""A pytest plugin that makes ``flask_cors`` (and the submodules flask-cors's own tests import)
resolve to cors_wsgi's drop-in, so that its suite runs against ``cors_wsgi.flask`` unchanged.

``flask_cors.core`` offers the header names the suite's assertions use (plain HTTP facts);
flask-cors's internal helper functions have no counterpart, and the tests of them are
documented differences (``flask_cors_differences.py``).
"""

from __future__ import annotations

import sys
import types

from cors_wsgi import flask as dropin
from cors_wsgi.migrate.flask_cors import FLASK_CORS_METHODS

HEADER_NAMES = {
    "ACL_ORIGIN": "Access-Control-Allow-Origin",
    "ACL_METHODS": "Access-Control-Allow-Methods",
    "ACL_ALLOW_HEADERS": "Access-Control-Allow-Headers",
    "ACL_EXPOSE_HEADERS": "Access-Control-Expose-Headers",
    "ACL_CREDENTIALS": "Access-Control-Allow-Credentials",
    "ACL_MAX_AGE": "Access-Control-Max-Age",
    "ACL_RESPONSE_PRIVATE_NETWORK": "Access-Control-Allow-Private-Network",
    "ACL_REQUEST_METHOD": "Access-Control-Request-Method",
    "ACL_REQUEST_HEADERS": "Access-Control-Request-Headers",
    "ACL_REQUEST_HEADER_PRIVATE_NETWORK": "Access-Control-Request-Private-Network",
}


def _module(name: str, **names: object) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(names)
    module.__all__ = sorted(names)  # type: ignore[attr-defined]
    sys.modules[name] = module
    return module


package = _module("flask_cors", CORS=dropin.CORS, cross_origin=dropin.cross_origin)
package.__path__ = []  # a package, so that its submodules import
package.__version__ = "cors_wsgi"  # type: ignore[attr-defined]
package.core = _module("flask_cors.core", **HEADER_NAMES, ALL_METHODS=list(FLASK_CORS_METHODS))  # type: ignore[attr-defined]
package.extension = _module("flask_cors.extension", CORS=dropin.CORS)  # type: ignore[attr-defined]
package.decorator = _module("flask_cors.decorator", cross_origin=dropin.cross_origin)  # type: ignore[attr-defined]
