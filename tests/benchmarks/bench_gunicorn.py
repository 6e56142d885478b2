"""End to end: gunicorn (gthread worker, keep-alive) on 127.0.0.1, the bare app against the same
app wrapped in cors_wsgi, under a bounded load from loopback clients.

    python -m tests.benchmarks.bench_gunicorn                 # 3 runs of 5 s per stack
    python -m tests.benchmarks.bench_gunicorn --quick         # a smoke test

Each run starts a fresh gunicorn per stack, interleaved, warms it up, then keeps CLIENTS
persistent connections busy for SECONDS with GET requests from an allowed origin. Reported:
requests/s and latency percentiles, as the median of the runs with their spread (min-max).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import statistics
import sys
import time

from ..support.servers import gunicorn
from .bench_cors import ORIGIN

STACKS = {"bare app": "tests.benchmarks.apps:bare", "cors_wsgi": "tests.benchmarks.apps:with_cors"}


def client(job: tuple[str, float, float]) -> tuple[int, list[float]]:
    """Send requests over one keep-alive connection until the deadline; count and time them."""
    url, warmup_until, deadline = job
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    latencies: list[float] = []
    headers = {"Origin": ORIGIN}
    try:
        while (now := time.perf_counter()) < deadline:
            connection.request("GET", "/", headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200 or response.getheader("Access-Control-Allow-Origin") not in (
                None,
                ORIGIN,
            ):
                raise RuntimeError(f"bad response {response.status}")
            if now >= warmup_until:
                latencies.append(time.perf_counter() - now)
    finally:
        connection.close()
    return len(latencies), latencies


def measure(target: str, clients: int, seconds: float, warmup: float) -> tuple[float, list[float]]:
    args = ["--worker-class", "gthread", "--threads", "4", "--keep-alive", "5"]
    with (
        gunicorn([target], extra_args=args) as url,
        multiprocessing.get_context("spawn").Pool(clients) as pool,
    ):
        pool.map(time.sleep, [0.0] * clients)  # the client processes are up before the clock
        start = time.perf_counter()
        jobs = [(url, start + warmup, start + warmup + seconds)] * clients
        results = pool.map(client, jobs)
    count = sum(n for n, _ in results)
    latencies = sorted(latency for _, sample in results for latency in sample)
    return count / seconds, latencies


def percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(fraction * len(values)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args(argv)
    runs, seconds, warmup = (1, 0.5, 0.2) if args.quick else (args.runs, args.seconds, 1.0)

    rates: dict[str, list[float]] = {name: [] for name in STACKS}
    p50: dict[str, list[float]] = {name: [] for name in STACKS}
    p99: dict[str, list[float]] = {name: [] for name in STACKS}
    for _ in range(runs):
        for name, target in STACKS.items():  # interleaved: both stacks in every run
            rate, latencies = measure(target, args.clients, seconds, warmup)
            rates[name].append(rate)
            p50[name].append(percentile(latencies, 0.50))
            p99[name].append(percentile(latencies, 0.99))

    print(f"gunicorn gthread (1 worker, 4 threads, keep-alive), {args.clients} loopback clients,"
          f" {runs} runs of {seconds:g} s per stack\n")  # fmt: skip
    print("| stack | requests/s (median, min-max) | p50 latency ms | p99 latency ms |")
    print("|---|---|---|---|")
    for name in STACKS:
        r = rates[name]
        median50, median99 = statistics.median(p50[name]), statistics.median(p99[name])
        print(f"| {name} | {statistics.median(r):,.0f} ({min(r):,.0f}-{max(r):,.0f}) |"
              f" {median50 * 1e3:.2f} | {median99 * 1e3:.2f} |")  # fmt: skip
    ratio = statistics.median(rates["cors_wsgi"]) / statistics.median(rates["bare app"])
    print(f"\ncors_wsgi throughput: {ratio:.1%} of the bare app's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
