"""The donuts API from the blog post "Getting Past Issues with CORS", made to work with cors_wsgi.

The Flask code is the post's, as it first writes it, with no CORS code at all; the POST view is
the post's too, minus the hand-written Access-Control-Allow-Origin header and the OPTIONS view
the post needed. The three lines at the bottom replace all of that.

Serve it:  gunicorn examples.donuts:application --bind 127.0.0.1:5000
The frontend origin comes from DONUTS_FRONTEND (default http://frontend.location.org).
"""

from __future__ import annotations

import json
import os
from datetime import datetime

from flask import Flask, Response

from cors_wsgi import CORSMiddleware, CORSPolicy

app = Flask(__name__)


@app.route("/api/v1/donuts/<id>")
def donut_detail(id: int) -> Response:
    """Get the detail for one donut."""
    body = {
        "name": "jelly donut",
        "qty": 22,
        "timestamp": datetime.utcnow().strftime("%b %d, %Y %H:%M:%S"),
    }
    headers = {"Content-type": "application/json"}
    return Response(json.dumps(body), headers=headers)


@app.route("/api/v1/donuts", methods=["POST"])
def new_donut() -> Response:
    """Accept and create a new donut."""
    headers = {"Content-type": "application/json"}
    body = json.dumps({"msg": "Congrats on the new donut!"})
    return Response(body, headers=headers)


policy = CORSPolicy(
    allow_origins=os.environ.get("DONUTS_FRONTEND", "http://frontend.location.org"),
    allow_methods=["GET", "POST"],
)
application = CORSMiddleware(app, policy)
