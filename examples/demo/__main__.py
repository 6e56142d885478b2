"""Run the demo: ``python -m examples.demo``, then open the printed URL in a browser.

Starts two gunicorn servers: the API (examples/demo/api.ini, a PasteDeploy pipeline with
cors_wsgi) on http://localhost:API_PORT, and the page on http://127.0.0.1:PAGE_PORT plus a
second origin, http://127.0.0.1:OTHER_PORT, that the policy does not allow. Ctrl-C stops both.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: How long the servers get to stop on their own after Ctrl-C before they are killed.
STOP_SECONDS = 1.5
PROJECT = HERE.parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.demo", description=__doc__)
    parser.add_argument("--api-port", type=int, default=8000)
    parser.add_argument("--page-port", type=int, default=8001)
    parser.add_argument("--other-port", type=int, default=8002)
    args = parser.parse_args(argv)
    # Stop on Ctrl-C and on SIGTERM, even when started with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    page_origin = f"http://127.0.0.1:{args.page_port}"
    api_url = f"http://localhost:{args.api_port}"
    gunicorn = [sys.executable, "-m", "gunicorn", "--threads", "4", "--log-level", "warning"]
    api_command = [
        *gunicorn, "--paste", str(HERE / "api.ini"), "--paste-global", f"page_origin={page_origin}",
        "--bind", f"127.0.0.1:{args.api_port}",
    ]  # fmt: skip
    page_command = [
        *gunicorn, "examples.demo.page:application",
        "--bind", f"127.0.0.1:{args.page_port}", "--bind", f"127.0.0.1:{args.other_port}",
    ]  # fmt: skip
    env = {
        **os.environ,
        "DEMO_API": api_url,
        "DEMO_OTHER_ORIGIN": f"http://127.0.0.1:{args.other_port}",
    }
    servers = [
        subprocess.Popen(command, cwd=PROJECT, env=env, start_new_session=True)
        for command in (api_command, page_command)
    ]
    print(f"cors_wsgi demo: API on {api_url}, page on {page_origin}", flush=True)
    print(f"Open {page_origin}/ in a browser. Ctrl-C stops the demo.", flush=True)
    try:
        while all(server.poll() is None for server in servers):
            time.sleep(0.2)
        print("a demo server stopped; is a port in use? (see --help for other ports)")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop_servers(servers)


def stop_servers(servers: list[subprocess.Popen[bytes]]) -> None:
    """Stop every server within :data:`STOP_SECONDS`: SIGINT (gunicorn's quick shutdown), then
    SIGKILL for the process group of any still running (a browser's idle keep-alive
    connection holds a gunicorn worker)."""
    running = [server for server in servers if server.poll() is None]
    if running:
        print("stopping the demo servers...", flush=True)
    for server in running:
        os.killpg(server.pid, signal.SIGINT)
    deadline = time.monotonic() + STOP_SECONDS
    for server in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=max(0.0, deadline - time.monotonic()))
    for server in running:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


if __name__ == "__main__":
    sys.exit(main())
