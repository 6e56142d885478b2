"""``python -m examples.demo`` stops within 3 s of Ctrl-C (SIGINT to its process group, as a
terminal sends it), saying so, also while a browser holds connections open to its servers."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from ..support.servers import PROJECT, free_port, stop, wait_for_port

STOP_WITHIN = 3.0


@pytest.mark.parametrize("held", ["idle", "connections held open"])
def test_the_demo_stops_quickly_on_ctrl_c(held: str) -> None:
    ports = [free_port() for _ in range(3)]
    process = subprocess.Popen(
        [sys.executable, "-m", "examples.demo", "--api-port", str(ports[0]),
         "--page-port", str(ports[1]), "--other-port", str(ports[2])],
        cwd=PROJECT, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    with contextlib.ExitStack() as held_open:
        try:
            for port in ports:
                wait_for_port(port, process)  # type: ignore[arg-type]
            if held != "idle":  # what a browser leaves: idle keep-alive, a request half sent
                sockets = [socket.create_connection(("127.0.0.1", port)) for port in ports]
                for connection in sockets:
                    held_open.enter_context(connection)
                for connection in sockets[:2]:
                    connection.sendall(b"GET / HTTP/1.1\r\nHost: demo\r\n\r\n")
                    connection.recv(100)
                sockets[2].sendall(b"GET / HTTP/1.1\r\n")
            started = time.monotonic()
            os.killpg(process.pid, signal.SIGINT)
            output, _ = process.communicate(timeout=30)
            took = time.monotonic() - started
        finally:
            stop(process)  # type: ignore[arg-type]
    assert process.returncode == 0
    assert took < STOP_WITHIN, f"{took:.2f} s"
    assert "stopping the demo servers" in output
    for port in ports:  # every server is gone
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
