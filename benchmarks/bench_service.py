"""Benchmark the recommendation endpoint against the same query through the library.

Usage: python benchmarks/bench_service.py [--enterprises 100000] [--workdir .bench/service]
       [--levels 1 10 50] [--requests 400] [--seconds 60] [--markdown]

1. Generates the sample world at `--enterprises` scale (once; cached in the workdir), seeds
   a SQLite database with it and builds every index (once; the embedding cache makes a
   rerun quick).
2. Starts the real server (`matcher-service run`) in another process on 127.0.0.1.
3. For each concurrency level, that many client threads (one HTTP connection each) ask
   `GET /api/needs/{id}/recommendations` for tech needs drawn from the data, until
   `--requests` answers or `--seconds` have passed (bounded in count and in time).
4. The baseline: the same needs through `Recommender.for_need` in this process, one by one.

Prints p50 / p99 latency, throughput, and the ratio of the service's p50 to the library's.
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
from pathlib import Path

import httpx

from matcher.synth.generate import generate
from service.settings import ServiceSettings
from service.state import ServiceState


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(workdir: Path, enterprises: int) -> tuple[ServiceSettings, list[str], str]:
    """Data, database and indexes (reused when present); tech need ids and an admin key."""
    data = workdir / "data"
    if not (data / "enterprise.jsonl").exists():
        print(f"生成 {enterprises} 家企业规模的数据 …", flush=True)
        generate(data, enterprises=enterprises)
    settings = ServiceSettings(data_dir=workdir / "service", seed_sample=True, sample_dir=data)
    state = ServiceState.start(settings, progress=True)
    needs = [n.id for n in state.store.load("need").values() if n.kind == "tech"]
    _, key = state.keys.create("organiser", None, "benchmark")
    state.close()
    return settings, needs, key


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def library_baseline(settings: ServiceSettings, needs: list[str], count: int) -> list[float]:
    state = ServiceState.start(settings)
    state.recommender.for_need(needs[0], k=10)  # load the encoder and indexes
    latencies = []
    for need_id in needs[:count]:
        start = time.perf_counter()
        state.recommender.for_need(need_id, k=10)
        latencies.append(time.perf_counter() - start)
    state.close()
    return latencies


def drive(url: str, key: str, needs: list[str], clients: int, requests: int, seconds: float):
    """`clients` threads ask for recommendations until `requests` answers or `seconds` pass."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(requests))

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as client:
            while time.monotonic() < deadline:
                with lock:
                    if next(counter, None) is None:
                        return
                start = time.perf_counter()
                response = client.get(f"/api/needs/{rng.choice(needs)}/recommendations")
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


def start_server(settings: ServiceSettings, port: int) -> subprocess.Popen:
    env = {**os.environ, "MATCHER_SERVICE_DATA_DIR": str(settings.data_dir)}
    command = [str(Path(sys.executable).with_name("matcher-service")), "run", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
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
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path(".bench/service"))
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    settings, needs, key = prepare(args.workdir, args.enterprises)
    random.Random(0).shuffle(needs)
    base = library_baseline(settings, needs, min(args.requests, 200))
    base_p50 = statistics.median(base)
    rows = [("library (in-process)", 1, len(base), 0, base_p50, percentile(base, 0.99),
             len(base) / sum(base))]  # fmt: skip
    port = free_port()
    server = start_server(settings, port)
    try:
        url = f"http://127.0.0.1:{port}"
        for clients in args.levels:
            lat, errors, wall = drive(url, key, needs, clients, args.requests, args.seconds)
            rows.append(
                (
                    f"HTTP, {clients} clients",
                    clients,
                    len(lat),
                    errors,
                    statistics.median(lat),
                    percentile(lat, 0.99),
                    len(lat) / wall,
                )
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    sep = "|" if args.markdown else " "
    header = ["setup", "requests", "errors", "p50 ms", "p99 ms", "req/s", "p50 / library p50"]
    print(sep.join(header))
    for name, _clients, count, errors, p50, p99, rate in rows:
        cells = [name, str(count), str(errors), f"{p50 * 1000:.1f}", f"{p99 * 1000:.1f}",
                 f"{rate:.1f}", f"{p50 / base_p50:.2f}"]  # fmt: skip
        print(sep.join(cells))


if __name__ == "__main__":
    main()
