"""Flask apps set up with the real flask-cors as their users write them, for ``python -m
cors_wsgi migrate flask-cors tests.support.flask_cors_apps:NAME``."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_cors import CORS, cross_origin

from .helpers import ALLOWED, OTHER_ALLOWED


def _ok(**variables: object) -> str:
    return "ok"


#: The issue's app: resources with their own origins, credentials for all of them.
resources_app = Flask(__name__)
CORS(resources_app, supports_credentials=True,
     resources={r"/api/*": {"origins": [ALLOWED]}, "/admin/*": {"origins": OTHER_ALLOWED}})  # fmt: skip

#: Every layer: app config keys, CORS() over them, a blueprint, a decorated view.
layered_app = Flask(__name__)
layered_app.config["CORS_MAX_AGE"] = 600
CORS(layered_app, origins=[ALLOWED], resources=r"/api/.*")
shop = Blueprint("shop", __name__)
shop.add_url_rule("/shop/<int:item>", "item", _ok)
CORS(shop, origins="https://shop.example.org", supports_credentials=True)
layered_app.register_blueprint(shop)
layered_app.add_url_rule("/api/open", "open", cross_origin(origins="*")(_ok))

#: flask-cors's default origins '*' with credentials: it echoes any origin with cookies.
star_credentials_app = Flask(__name__)
CORS(star_credentials_app, supports_credentials=True)
