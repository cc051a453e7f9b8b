"""Soak: 8 clients for 2 minutes on a mix of every kind of request, good and bad; reports
server errors (5xx or a dropped connection), unexpected statuses and the server's memory
over time, which must stay flat.

Each client repeats a round: a citizen question (new text each time, so no cache helps),
its follow-up with the session id, a search, a streamed chat, a staff agent run on a
scenario text, a work-order list and a status move, and one bad request (malformed JSON, a
bad key, an id out of range, a surrogate, an over-deep body), each with the statuses it
may get.

Needs an index in YUKUAI_DATA_DIR (default ./data: `yukuai ingest corpora`).

    python benchmarks/soak.py                 # 8 clients, 120 s
    python benchmarks/soak.py --clients 8 --seconds 30
"""

import argparse
import itertools
import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.server import rss_mb, serve

STAFF = {"Authorization": "Bearer soak-staff"}


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _bad(i: int) -> tuple[str, dict, set]:
    return [
        ("bad: malformed JSON", {"method": "POST", "url": "/v1/ask", "content": b"{",
                                 "headers": {"content-type": "application/json"}}, {400}),
        ("bad: invalid key", {"method": "GET", "url": "/v1/search", "params": {"q": "社保"},
                              "headers": {"Authorization": "Bearer nope"}}, {401}),
        ("bad: id out of range", {"method": "GET", "url": f"/v1/work-orders/{2**63}",
                                  "headers": STAFF}, {422}),
        ("bad: surrogate", {"method": "POST", "url": "/v1/ask",
                            "content": '{"question": "\\ud800社保卡"}'.encode(),
                            "headers": {"content-type": "application/json"}}, {200}),
        ("bad: too deep", {"method": "POST", "url": "/v1/ask",
                           "content": b'{"q":' * 5000 + b"1" + b"}" * 5000,
                           "headers": {"content-type": "application/json"}}, {400}),
    ][i % 5]


def one_round(http: httpx.Client, i: int, questions: list[str],
              agent_texts: list[tuple[str, str]]) -> list[tuple[str, int | str, set]]:
    """One round of requests; `i` makes every question new. (name, status, allowed) each."""
    out = []

    def call(name: str, allowed: set, **kwargs) -> httpx.Response | None:
        try:
            r = http.request(**kwargs)
        except httpx.HTTPError as e:
            out.append((name, type(e).__name__, allowed))
            return None
        out.append((name, r.status_code, allowed))
        return r

    q = f"{questions[i % len(questions)]}（{i}）"
    r = call("ask", {200}, method="POST", url="/v1/ask", json={"question": q})
    if r is not None and r.status_code == 200:
        call("ask follow-up", {200}, method="POST", url="/v1/ask",
             json={"question": "那要多少钱？", "session_id": r.json()["session_id"]})
    call("search", {200}, method="GET", url="/v1/search", params={"q": q})
    call("chat (stream)", {200}, method="POST", url="/v1/chat/completions",
         json={"messages": [{"role": "user", "content": q}], "stream": True})
    agent, text = agent_texts[i % len(agent_texts)]
    call(f"agent {agent}", {200, 400}, method="POST", url=f"/v1/agents/{agent}/runs",
         json={"input": {"text": text}}, headers=STAFF)
    r = call("work orders", {200}, method="GET", url="/v1/work-orders", params={"limit": 5},
             headers=STAFF)
    if r is not None and r.status_code == 200 and r.json()["data"]:
        order = r.json()["data"][i % len(r.json()["data"])]
        call("work-order move", {200, 409}, method="POST",
             url=f"/v1/work-orders/{order['id']}/status",
             json={"status": "dispatched", "note": "soak"}, headers=STAFF)
    name, kwargs, allowed = _bad(i)
    call(name, allowed, **kwargs)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=120)
    args = ap.parse_args()
    console = Console()
    questions = [r["question"] for r in _lines(ROOT / "evals/datasets/answers.jsonl")]
    agent_texts = [(p.stem, r["text"]) for p in sorted((ROOT / "evals/datasets/agents").glob("*.jsonl"))
                   for r in _lines(p) if r.get("text")]
    env = {"YUKUAI_RATE_LIMIT_PER_MINUTE": "0", "YUKUAI_API_KEYS": json.dumps({"soak-staff": "staff"}),
           "YUKUAI_AUTH_FAILURES_PER_MINUTE": "0",
           "YUKUAI_DATA_DIR": os.environ.get("YUKUAI_DATA_DIR", str(ROOT / "data"))}
    counts, unexpected, errors = Counter(), Counter(), Counter()
    lock, rounds = threading.Lock(), itertools.count()
    memory: list[tuple[float, float]] = []

    with serve(**env) as (url, server):
        stop = time.perf_counter() + args.seconds

        def client():
            with httpx.Client(base_url=url, timeout=60) as http:
                while time.perf_counter() < stop:
                    results = one_round(http, next(rounds), questions, agent_texts)
                    with lock:
                        for name, status, allowed in results:
                            counts[name] += 1
                            if not isinstance(status, int) or status >= 500:
                                errors[f"{name}: {status}"] += 1
                            elif status not in allowed:
                                unexpected[f"{name}: {status}"] += 1

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            memory.append((time.perf_counter() - started, rss_mb(server.pid)))
            time.sleep(5)
        for t in threads:
            t.join()

    table = Table("request", "n", title=f"Soak: {args.clients} clients, {args.seconds:.0f} s")
    for name, n in sorted(counts.items()):
        table.add_row(name, str(n))
    console.print(table)
    console.print(f"requests: {sum(counts.values())}; server errors: {sum(errors.values())} "
                  f"{dict(errors)}; unexpected statuses: {sum(unexpected.values())} {dict(unexpected)}")
    third = max(1, len(memory) // 3)
    first, last = memory[:third], memory[-third:]
    console.print("server RSS MiB: " + ", ".join(f"{t:.0f}s {mb:.0f}" for t, mb in memory[::4]))
    console.print(f"RSS mean of the first third {sum(m for _, m in first) / len(first):.0f} MiB, "
                  f"of the last third {sum(m for _, m in last) / len(last):.0f} MiB, "
                  f"max {max(m for _, m in memory):.0f} MiB")


if __name__ == "__main__":
    main()
