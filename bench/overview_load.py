"""Benchmark: the overview page under load (issue 4: p95 < 300 ms on the 90-day demo center
under 20 concurrent clients, load from a second process).

Builds the 90-day demo center (ending now, so "today" has traffic), serves it with uvicorn in
a subprocess (one process, as `floorwalker serve` runs), signs 20 clients in as the demo
manager and has them load ``/`` back to back (closed loop) for a fixed number of requests.
Prints p50 / p95 / p99 latency and throughput, and, in the same run and under the same load,
``/healthz`` (no page, no metrics: the server's floor) for comparison.

    .venv/bin/python bench/overview_load.py [--clients 20] [--requests 600] [--days 90]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from floorwalker.db import dispose_engines
from floorwalker.demo.service import DEMO_PASSWORD, build_demo
from floorwalker.settings import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": "manager",
            "password": DEMO_PASSWORD,
            "csrf_token": client.cookies["fw_csrf"],
            "next": "/",
        },
    )
    if response.status_code not in (200, 303):
        raise SystemExit(f"login failed: {response.status_code}")
    return client


def _load(base: str, path: str, clients: int, requests: int) -> tuple[list[float], float]:
    """Latencies (seconds) of ``requests`` GETs of ``path`` by ``clients`` threads, and the wall time."""
    sessions = [_login(base) for _ in range(clients)]
    latencies: list[float] = []
    lock = threading.Lock()
    remaining = [requests]
    errors: list[str] = []

    def work(client: httpx.Client) -> None:
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                errors.append(f"{path}: {response.status_code}")
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=work, args=(c,)) for c in sessions]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    for c in sessions:
        c.close()
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[0]}")
    return latencies, wall


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def _report(name: str, latencies: list[float], wall: float) -> float:
    p50, p95, p99 = (_pct(latencies, q) * 1000 for q in (50, 95, 99))
    print(
        f"{name:10} n={len(latencies):5}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms  "
        f"max {max(latencies) * 1000:7.1f} ms  {len(latencies) / wall:6.1f} req/s"
    )
    return p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "demo"
        settings = Settings(data=data, database_url=None, warehouse_url=None)
        started = time.perf_counter()
        summary = build_demo(
            settings, seed=args.seed, now=datetime.now(UTC), time_zone="Europe/London", days=args.days
        )
        print(
            f"demo center: {args.days} days, {summary.contacts:,} contacts, {summary.agent_states:,} agent "
            f"states, {summary.survey_responses:,} surveys (built in {time.perf_counter() - started:.1f} s)"
        )
        dispose_engines()  # DuckDB allows one writer process: release the file for the server
        port = _free_port()
        env = {**os.environ, "FLOORWALKER_DATA": str(data)}
        for name in (
            "FLOORWALKER_DATABASE_URL",
            "FLOORWALKER_WAREHOUSE_URL",
            "DATABASE_URL",
            "WAREHOUSE_URL",
        ):
            env.pop(name, None)
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "floorwalker"), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    _, err = server.communicate(timeout=5) if server.poll() is not None else (b"", b"")
                    raise SystemExit(f"the server did not start: {err.decode()[-500:]}")
                time.sleep(0.2)
            first = _login(base)
            started = time.perf_counter()
            first.get("/")
            print(f"first overview (cold): {(time.perf_counter() - started) * 1000:.0f} ms")
            first.close()
            print(f"{args.clients} concurrent clients, {args.requests} requests per run, server subprocess:")
            p95 = _report("overview", *_load(base, "/", args.clients, args.requests))
            floor = _report("healthz", *_load(base, "/healthz", args.clients, args.requests))
            verdict = "met" if p95 < 300 else "MISSED"
            print(f"overview p95 / healthz p95: {p95 / floor:.1f}x;  goal p95 < 300 ms: {verdict}")
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
