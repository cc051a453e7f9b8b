"""How long one oversized request blocks every other client: a probe polls /healthz while
long URLs and large bodies are sent, and the worst probe latency during each is reported,
for this checkout and for a baseline git ref (by default the commit before step 5).

The baseline masked every access-log line with a quadratic e-mail pattern inside the event
loop: a 16 kB URL blocked /healthz for 1.6 s (the figure in the step-5 issue). uvicorn's h11
parser refuses a request line over 16 KiB itself, so the longest URL that reaches the app
is about 15 kB; bigger ones are sent too, and must be cheap as well.

Needs an index in YUKUAI_DATA_DIR (default ./data: `yukuai ingest corpora`).

    python benchmarks/blocking.py                      # this checkout and the baseline
    python benchmarks/blocking.py --baseline-ref none  # this checkout only
"""

import argparse
import base64
import os
import secrets
import socket
import statistics
import subprocess
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

BASELINE_REF = "1df9774"  # main before step 5 (hardening)
KEY = {"Authorization": "Bearer not-a-key"}


def attacks() -> list[tuple[str, str, dict]]:
    """(name, path, httpx request kwargs) of each oversized request."""
    digits = "".join(secrets.choice("0123456789 -") for _ in range(250_000))
    image = base64.b64encode(secrets.token_bytes(750_000)).decode()
    return [
        ("15 kB URL, no key", "/v1/search?q=" + "a" * 15_000, {"method": "GET"}),
        ("15 kB URL, invalid key", "/v1/search?q=" + "a" * 15_000, {"method": "GET", "headers": KEY}),
        ("15 kB URL of digits", "/v1/search?q=" + "1" * 15_000, {"method": "GET"}),
        ("1 MB URL", "/v1/search?q=" + "a" * 1_000_000, {"method": "RAW"}),
        ("1 MB body (Content-Length)", "/v1/ask",
         {"method": "POST", "content": b"{" + b"1" * 1_000_000 + b"}",
          "headers": {"content-type": "application/json"}}),
        ("1 MB body (chunked)", "/v1/ask",
         {"method": "POST", "content": iter([b"a" * 10_000] * 100),
          "headers": {"content-type": "application/json"}}),
        ("250 kB question of digits", "/v1/ask", {"method": "POST", "json": {"question": digits}}),
        ("1 MB image as JSON", "/v1/certificates/recognize",
         {"method": "POST", "json": {"image": image}}),
    ]


def raw_get(url: str, path: str, timeout: float) -> str:
    """GET over a plain socket: httpx refuses URLs over 64 kB. The response's status code."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        return conn.recv(64).split(b" ")[1].decode()


class Probe(threading.Thread):
    """GET /healthz back to back on its own connection; records (start time, ms)."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.samples, self.stop = url, [], threading.Event()

    def run(self):
        with httpx.Client(base_url=self.url, timeout=120) as http:
            while not self.stop.is_set():
                t = time.perf_counter()
                http.get("/healthz")
                self.samples.append((t, (time.perf_counter() - t) * 1000))
                time.sleep(0.005)

    def worst(self, start: float, end: float) -> float:
        return max((ms for t, ms in self.samples if start <= t <= end or t <= end <= t + ms / 1000),
                   default=0.0)


def measure(url: str, timeout: float) -> dict[str, dict]:
    # The certificate reader loads its OCR engine on the first upload (hundreds of ms of
    # imports): that is start-up, not the cost of a request.
    httpx.post(f"{url}/v1/certificates/recognize", json={"image": "aGVsbG8="}, timeout=timeout)
    probe = Probe(url)
    probe.start()
    time.sleep(2)
    idle = statistics.median(ms for _, ms in probe.samples)
    out = {"idle": {"status": "-", "worst_ms": idle, "seconds": 0.0}}
    for name, path, kwargs in attacks():
        start = time.perf_counter()
        try:
            if kwargs["method"] == "RAW":
                status = raw_get(url, path, timeout)
            else:
                with httpx.Client(base_url=url, timeout=timeout) as http:
                    status = str(http.request(url=path, **kwargs).status_code)
        except (httpx.HTTPError, OSError, IndexError) as e:
            status = type(e).__name__
        end = time.perf_counter()
        time.sleep(0.3)
        out[name] = {"status": status, "worst_ms": probe.worst(start, end),
                     "seconds": end - start}
    probe.stop.set()
    probe.join()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline-ref", default=BASELINE_REF, help="git ref, or 'none'")
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()
    console = Console()
    env = {"YUKUAI_RATE_LIMIT_PER_MINUTE": "0", "YUKUAI_AUTH_FAILURES_PER_MINUTE": "0",
           "YUKUAI_DATA_DIR": os.environ.get("YUKUAI_DATA_DIR", str(ROOT / "data"))}
    runs = {"this checkout": ROOT}
    if args.baseline_ref != "none":
        worktree = Path(f"/tmp/yukuai-baseline-{args.baseline_ref}")
        if not worktree.exists():
            subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.baseline_ref],
                           cwd=ROOT, check=True, capture_output=True)
        runs[f"baseline {args.baseline_ref}"] = worktree
    results = {}
    for label, root in runs.items():  # one at a time: Qdrant Edge opens the index alone
        console.log(f"{label}: starting the server")
        with serve(root, **env) as (url, _):
            results[label] = measure(url, args.timeout)
    table = Table("request", *[f"{label}: status / worst /healthz ms" for label in results],
                  title="Worst /healthz latency while one oversized request is handled")
    for name in next(iter(results.values())):
        table.add_row(name, *[f"{r[name]['status']} / {r[name]['worst_ms']:.0f}"
                              for r in results.values()])
    console.print(table)


if __name__ == "__main__":
    main()
