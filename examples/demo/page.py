"""The demo page: cross-origin requests to the demo API, and what made each pass or fail.

Served on two origins (the allowed page and an "other site" for the blocked-origin case).
``/inspect`` replays a case from the server, with the page's Origin, and returns the raw CORS
response headers, which JavaScript itself is never allowed to read. Configured by DEMO_API
(the API's base URL) and DEMO_OTHER_ORIGIN.
"""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cors_wsgi.browser import normalise_method, preflight_reasons, unsafe_header_names

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

API = os.environ.get("DEMO_API", "http://localhost:8000")
OTHER_ORIGIN = os.environ.get("DEMO_OTHER_ORIGIN", "http://127.0.0.1:8002")

CASES: list[dict[str, Any]] = [
    {
        "id": "allowed-get",
        "title": "Allowed origin: simple GET",
        "path": "/api/items",
        "init": {},
    },
    {
        "id": "blocked-origin",
        "title": "Blocked origin: the same GET from another site",
        "path": "/api/items",
        "init": {},
        "from_other_origin": True,
    },
    {
        "id": "blocked-header",
        "title": "Blocked header: X-Api-Key is not in allow_headers",
        "path": "/api/items",
        "init": {"headers": {"X-Api-Key": "demo"}},
    },
    {
        "id": "credentials",
        "title": "Credentials: cookies included",
        "path": "/api/items",
        "init": {"credentials": "include"},
    },
    {
        "id": "preflighted-put",
        "title": "Preflighted PUT with JSON and Authorization",
        "path": "/api/items/7",
        "init": {
            "method": "PUT",
            "headers": {"Content-Type": "application/json", "Authorization": "Bearer demo"},
            "body": '{"name": "plantain donut"}',
        },
    },
    {
        "id": "server-error",
        "title": "Server error: the 500 stays readable",
        "path": "/api/error",
        "init": {},
    },
]

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cors_wsgi demo</title>
<style>
 body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
 h1 { font-size: 1.4rem; margin-bottom: .2rem; } p.sub { color: #555; margin-top: 0; }
 table { border-collapse: collapse; width: 100%; }
 th, td { text-align: left; vertical-align: top; padding: .5rem .6rem;
          border-bottom: 1px solid #ddd; }
 th { background: #f4f4f6; }
 .readable { color: #0a7d32; font-weight: 600; } .blocked { color: #b3261e; font-weight: 600; }
 code, pre { font: 12px/1.35 ui-monospace, monospace; } pre { margin: 0; white-space: pre-wrap; }
 .pending { color: #888; }
</style></head>
<body>
<h1>cors_wsgi demo</h1>
<p class="sub">This page on <code id="page-origin"></code> calls the API on <code>__API__</code>,
whose CORS policy comes from <code>examples/demo/api.ini</code>.</p>
<table><thead><tr><th>Request</th><th>What the browser let JavaScript see</th>
<th>CORS headers on the wire (replayed by the page's server)</th></tr></thead>
<tbody id="cases"></tbody></table>
<script>
const API = "__API__", OTHER = "__OTHER__", CASES = __CASES__;
document.getElementById("page-origin").textContent = location.origin;

async function runFetch(url, init) {
  try {
    const response = await fetch(url, init);
    const body = await response.text();
    const total = response.headers.get("x-total-count");
    return {readable: true, status: response.status,
            detail: "status " + response.status + (total ? ", X-Total-Count: " + total : "")
                    + " \u2014 " + body.slice(0, 60)};
  } catch (error) {
    return {readable: false, detail: error.name + ": " + error.message + " (blocked by CORS)"};
  }
}

function runFromOtherOrigin(testCase) {
  return new Promise(resolve => {
    const frame = document.createElement("iframe");
    frame.style.display = "none";
    frame.src = OTHER + "/frame?case=" + encodeURIComponent(JSON.stringify(testCase));
    window.addEventListener("message", function onMessage(event) {
      if (event.origin !== OTHER) return;
      window.removeEventListener("message", onMessage);
      resolve(event.data);
    });
    document.body.appendChild(frame);
  });
}

function wire(trace) {
  return trace.map(step => {
    const lines = step.headers.map(h => "  " + h[0] + ": " + h[1]);
    if (!step.headers.some(h => h[0].toLowerCase() === "access-control-allow-origin")) {
      lines.push("  (no Access-Control-Allow-Origin: the browser withholds the response)");
    }
    return step.request + " \u2192 " + step.status + "\\n" + lines.join("\\n");
  }).join("\\n");
}

async function run() {
  const rows = document.getElementById("cases");
  for (const testCase of CASES) {
    const row = rows.insertRow();
    row.dataset.case = testCase.id;
    row.insertCell().innerHTML = "<strong></strong><br><code></code>";
    row.cells[0].querySelector("strong").textContent = testCase.title;
    row.cells[0].querySelector("code").textContent =
      (testCase.init.method || "GET") + " " + testCase.path;
    row.insertCell().innerHTML = '<span class="pending">running\u2026</span>';
    row.insertCell().innerHTML = "<pre></pre>";
  }
  for (const testCase of CASES) {
    const row = rows.querySelector('[data-case="' + testCase.id + '"]');
    const origin = testCase.from_other_origin ? OTHER : location.origin;
    const outcome = testCase.from_other_origin ? await runFromOtherOrigin(testCase)
                                               : await runFetch(API + testCase.path, testCase.init);
    const inspected = await (await fetch("/inspect", {method: "POST",
      body: JSON.stringify({path: testCase.path, init: testCase.init, origin})})).json();
    row.dataset.outcome = outcome.readable ? "readable" : "blocked";
    row.cells[1].innerHTML = '<span class="' + row.dataset.outcome + '"></span><br><small></small>';
    row.cells[1].querySelector("span").textContent = outcome.readable ? "readable" : "blocked";
    row.cells[1].querySelector("small").textContent = outcome.detail;
    row.cells[2].querySelector("pre").textContent = wire(inspected.trace);
  }
  document.body.dataset.done = "true";
}
run();
</script></body></html>
"""

FRAME = """<!doctype html><meta charset="utf-8"><script>
const API = "__API__", testCase = JSON.parse(new URLSearchParams(location.search).get("case"));
fetch(API + testCase.path, testCase.init)
  .then(async r => ({readable: true, status: r.status, detail: "status " + r.status}))
  .catch(e => ({readable: false, detail: e.name + ": " + e.message + " (blocked by CORS)"}))
  .then(result => parent.postMessage(result, "*"));
</script>"""


def inspect(path: str, init: dict[str, Any], origin: str) -> list[dict[str, Any]]:
    """Replay a case against the API as the browser would, keeping the CORS response headers."""
    method = normalise_method(init.get("method", "GET"))
    headers: dict[str, str] = init.get("headers", {})
    trace = []
    steps: list[tuple[str, dict[str, str], bytes | None]] = []
    if preflight_reasons(method, list(headers.items())):  # the Fetch standard's safelists
        preflight = {"Origin": origin, "Access-Control-Request-Method": method}
        names = unsafe_header_names(list(headers.items()))
        if names:
            preflight["Access-Control-Request-Headers"] = ",".join(names)
        steps.append(("OPTIONS", preflight, None))
    body = init.get("body")
    steps.append((method, {**headers, "Origin": origin}, body.encode() if body else None))
    target = urlsplit(API)
    for step_method, step_headers, step_body in steps:
        connection = http.client.HTTPConnection(
            target.hostname or "localhost", target.port, timeout=5
        )
        try:
            connection.request(step_method, path, body=step_body, headers=step_headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        cors = [
            (name, value)
            for name, value in response.getheaders()
            if name.lower().startswith("access-control-") or name.lower() == "vary"
        ]
        trace.append(
            {"request": f"{step_method} {path}", "status": response.status, "headers": cors}
        )
        if step_method == "OPTIONS" and not any(
            name.lower() == "access-control-allow-origin" for name, _ in cors
        ):
            break  # a failed preflight: the browser sends nothing more
    return trace


def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "/")
    if path == "/inspect" and environ["REQUEST_METHOD"] == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = json.loads(environ["wsgi.input"].read(min(length, 65536)) or b"{}")
        known = {case["path"] for case in CASES}
        if request.get("path") not in known:  # replay only the demo's own requests
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"unknown case"]
        trace = inspect(request["path"], request.get("init", {}), request.get("origin", ""))
        body = json.dumps({"trace": trace}).encode()
        content_type = "application/json"
    elif path == "/frame":
        body, content_type = FRAME.replace("__API__", API).encode(), "text/html; charset=utf-8"
    elif path == "/":
        page = PAGE.replace("__API__", API).replace("__OTHER__", OTHER_ORIGIN)
        body, content_type = (
            page.replace("__CASES__", json.dumps(CASES)).encode(),
            "text/html; charset=utf-8",
        )
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
