"""A Flask API set up as flask-cors users write it (a blueprint, ``@cross_origin``, app-wide
``resources``, ``CORS_*`` config keys), served by cors_wsgi's drop-in: the one change from a
flask-cors app is the import.

Serve it:  gunicorn examples.flask_dropin:application --bind 127.0.0.1:8000
      or:  flask --app examples.flask_dropin run
The page's origin comes from CORS_ALLOW_ORIGINS (default http://localhost:3000).
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask, Response, abort, jsonify, request

from cors_wsgi.flask import CORS, cross_origin  # was: from flask_cors import CORS, cross_origin

FRONTEND = os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000")

app = Flask(__name__)
app.config["CORS_MAX_AGE"] = 600

# The signed-in user's items: the frontend only, with its cookies.
items = Blueprint("items", __name__, url_prefix="/api/items")


@items.get("")
def list_items() -> Response:
    response = jsonify([{"id": 1}, {"id": 2}])
    response.headers["X-Total-Count"] = "2"
    return response


@items.post("")
def create_item() -> tuple[Response, int]:
    return jsonify({"id": 3, "received": request.get_json(silent=True)}), 201


@items.route("/<int:item_id>", methods=["PUT", "DELETE"])
def change_item(item_id: int) -> Response:
    return jsonify({"id": item_id, "method": request.method})


@items.get("/gone")
def gone() -> Response:
    abort(404)


CORS(items, origins=[FRONTEND], supports_credentials=True, expose_headers=["X-Total-Count"],
     methods=["GET", "POST", "PUT", "DELETE"], max_age=600)  # fmt: skip
app.register_blueprint(items)


# Public: any site may read it, without cookies.
@app.get("/api/status")
@cross_origin()
def status() -> Response:
    return jsonify({"status": "ok"})


# Everything else under /api: the frontend, without cookies.
@app.get("/api/version")
def version() -> Response:
    return jsonify({"version": "1.0"})


@app.get("/api/error")
def fail() -> Response:
    raise RuntimeError("this endpoint always fails")  # Flask's 500 page carries the headers


CORS(app, resources={r"/api/*": {"origins": [FRONTEND]}})
application = app
