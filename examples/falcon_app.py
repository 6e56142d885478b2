"""A Falcon application with no CORS code, made cross-origin readable by cors_wsgi.

Serve it:  gunicorn examples.falcon_app:application --bind 127.0.0.1:8000
Allowed origins come from CORS_ALLOW_ORIGINS (default http://localhost:3000).
"""

from __future__ import annotations

import os

import falcon

from cors_wsgi import CORSMiddleware, CORSPolicy


class Items:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [{"id": 1}, {"id": 2}]
        resp.set_header("X-Total-Count", "2")

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.status = falcon.HTTP_201
        resp.media = {"id": 3, "received": req.get_media(default_when_empty=None)}


class Item:
    def on_put(self, req: falcon.Request, resp: falcon.Response, item_id: int) -> None:
        resp.media = {"id": item_id, "method": "PUT"}

    def on_delete(self, req: falcon.Request, resp: falcon.Response, item_id: int) -> None:
        resp.media = {"id": item_id, "method": "DELETE"}


class Failing:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        raise RuntimeError("this endpoint always fails")


app = falcon.App()
app.add_route("/api/items", Items())
app.add_route("/api/items/{item_id:int}", Item())
app.add_route("/api/error", Failing())

policy = CORSPolicy(
    allow_origins=os.environ.get("CORS_ALLOW_ORIGINS", "http://localhost:3000"),
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization"],
    expose_headers=["X-Total-Count"],
    allow_credentials=True,
    max_age=600,
)

application = CORSMiddleware(app, policy)
