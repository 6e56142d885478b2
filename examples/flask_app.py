"""A Flask application with no CORS code, made cross-origin readable by cors_wsgi.

Serve it:  gunicorn examples.flask_app:application --bind 127.0.0.1:8000
Allowed origins come from CORS_ALLOW_ORIGINS (default http://localhost:3000).
"""

from __future__ import annotations

import os

from flask import Flask, Response, jsonify, request

from cors_wsgi import CORSMiddleware, CORSPolicy

app = Flask(__name__)


@app.get("/api/items")
def list_items() -> Response:
    response = jsonify([{"id": 1}, {"id": 2}])
    response.headers["X-Total-Count"] = "2"
    return response


@app.post("/api/items")
def create_item() -> tuple[Response, int]:
    return jsonify({"id": 3, "received": request.get_json(silent=True)}), 201


@app.route("/api/items/<int:item_id>", methods=["PUT", "DELETE"])
def change_item(item_id: int) -> Response:
    return jsonify({"id": item_id, "method": request.method})


@app.get("/api/error")
def fail() -> Response:
    raise RuntimeError("this endpoint always fails")


policy = CORSPolicy(
    allow_origins=os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000"),
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization"],
    expose_headers=["X-Total-Count"],
    allow_credentials=True,
    max_age=600,
)

# Wrap Flask's wsgi_app, not the app: then `flask run` and app.test_client() go through
# cors_wsgi too, and `app` stays a Flask object for every extension.
app.wsgi_app = CORSMiddleware(app.wsgi_app, policy)  # type: ignore[method-assign]
application = app
