"""Benchmark the recommendation endpoints against `/healthz` and the library, same run.

Usage: python benchmarks/bench_service.py [--enterprises 0|100000] [--workers 1 2]
       [--levels 1 10 50] [--requests 400] [--seconds 30] [--workdir .bench/service]
       [--markdown]

1. Data: `--enterprises 0` (the default) uses the committed sample (data/sample); any other
   number generates the sample world at that scale once (cached in the workdir). It seeds
   a SQLite database and builds every index once (the embedding cache makes reruns quick).
2. For each `--workers` count, starts the real server (`matcher-service run --workers N`)
   on 127.0.0.1, and for each concurrency level drives, with closed-loop client threads
   (one HTTP connection each), three endpoints in turn: `GET /healthz` (the baseline: what
   the HTTP stack alone reaches), `GET /api/needs/{id}/recommendations` for stored tech
   needs, and `POST /api/recommendations` with free text (the same needs' texts); each until
   `--requests` answers or `--seconds` have passed.
3. The library baseline: the same stored needs through `Recommender.for_need` in this
   process, one by one.

Prints p50 / p99 latency, throughput, and each endpoint's req/s as a share of `/healthz`.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from matcher.synth.generate import generate
from service.settings import SAMPLE_DIR, ServiceSettings
from service.state import ServiceState

Request = Callable[[httpx.Client, random.Random], httpx.Response]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(workdir: Path, enterprises: int) -> tuple[ServiceSettings, list[tuple[str, str]], str]:
    """Data, database and indexes (reused when present); (id, text) of tech needs; a key."""
    data = SAMPLE_DIR
    if enterprises:
        data = workdir / "data"
        if not (data / "enterprise.jsonl").exists():
            print(f"生成 {enterprises} 家企业规模的数据 …", flush=True)
            generate(data, enterprises=enterprises)
    name = f"service-{enterprises or 'sample'}"
    settings = ServiceSettings(data_dir=workdir / name, seed_sample=True, sample_dir=data)
    state = ServiceState.start(settings, progress=True)
    needs = [(n.id, n.text) for n in state.store.load("need").values() if n.kind == "tech"]
    _, key = state.keys.create("organiser", None, "benchmark")
    state.close()
    return settings, needs, key


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def library_baseline(settings: ServiceSettings, needs: list[str], count: int) -> list[float]:
    state = ServiceState.start(settings)
    state.recommend(lambda r: r.for_need(needs[0], k=10))  # load the encoder and indexes
    latencies = []
    for need_id in needs[:count]:
        start = time.perf_counter()
        state.recommend(lambda r, n=need_id: r.for_need(n, k=10))
        latencies.append(time.perf_counter() - start)
    state.close()
    return latencies


def drive(url: str, key: str, ask: Request, clients: int, requests: int, seconds: float):
    """`clients` threads send `ask` until `requests` answers or `seconds` pass."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(requests))

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=120) as client:
            while time.monotonic() < deadline:
                with lock:
                    if next(counter, None) is None:
                        return
                start = time.perf_counter()
                response = ask(client, rng)
                elapsed = time.perf_counter() - start
                with lock:
                    if response.status_code == 200:
                        latencies.append(elapsed)
                    else:
                        errors += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - start


def endpoints(needs: list[tuple[str, str]]) -> dict[str, Request]:
    def health(client: httpx.Client, rng: random.Random) -> httpx.Response:
        return client.get("/healthz")

    def stored(client: httpx.Client, rng: random.Random) -> httpx.Response:
        return client.get(f"/api/needs/{rng.choice(needs)[0]}/recommendations")

    def free_text(client: httpx.Client, rng: random.Random) -> httpx.Response:
        body = {"text": rng.choice(needs)[1], "kind": "tech", "k": 10}
        return client.post("/api/recommendations", json=body)

    return {"/healthz": health, "stored need": stored, "free text": free_text}


def start_server(settings: ServiceSettings, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "MATCHER_SERVICE_DATA_DIR": str(settings.data_dir)}
    command = [
        str(Path(sys.executable).with_name("matcher-service")),
        "run",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                time.sleep(3 * (workers - 1))  # the other workers finish starting
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"服务启动失败：{server.stderr.read().decode()[-2000:]}")
        time.sleep(1)
    server.kill()
    raise SystemExit("服务在 600 秒内没有就绪")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=0, help="0: the committed sample")
    parser.add_argument("--workdir", type=Path, default=Path(".bench/service"))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    settings, needs, key = prepare(args.workdir, args.enterprises)
    random.Random(0).shuffle(needs)
    base = library_baseline(settings, [n for n, _ in needs], min(args.requests, 200))
    rows = [
        (
            "library (in-process)",
            "-",
            1,
            "stored need",
            len(base),
            0,
            statistics.median(base),
            percentile(base, 0.99),
            len(base) / sum(base),
            None,
        )
    ]
    asks = endpoints(needs)
    for workers in args.workers:
        port = free_port()
        server = start_server(settings, port, workers)
        try:
            url = f"http://127.0.0.1:{port}"
            for clients in args.levels:
                health_rate = None
                for name, ask in asks.items():
                    lat, errors, wall = drive(url, key, ask, clients, args.requests, args.seconds)
                    rate = len(lat) / wall
                    health_rate = rate if name == "/healthz" else health_rate
                    share = None if name == "/healthz" else rate / health_rate
                    rows.append(
                        (
                            "HTTP",
                            str(workers),
                            clients,
                            name,
                            len(lat),
                            errors,
                            statistics.median(lat),
                            percentile(lat, 0.99),
                            rate,
                            share,
                        )
                    )
        finally:
            server.terminate()
            server.wait(timeout=60)

    sep = " | " if args.markdown else "  "
    header = [
        "setup",
        "workers",
        "clients",
        "endpoint",
        "requests",
        "errors",
        "p50 ms",
        "p99 ms",
        "req/s",
        "÷ /healthz req/s",
    ]
    print(sep.join(header))
    for setup, workers, clients, name, count, errors, p50, p99, rate, share in rows:
        cells = [
            setup,
            workers,
            str(clients),
            name,
            str(count),
            str(errors),
            f"{p50 * 1000:.1f}",
            f"{p99 * 1000:.1f}",
            f"{rate:.1f}",
            "-" if share is None else f"{share:.3f}",
        ]
        print(sep.join(cells))


if __name__ == "__main__":
    main()
