"""`yukuai serve` as a separate process on a free loopback port, for the benchmarks.

The clients are threads of the benchmark's own process; on a 2-core machine client and
server share the CPU, as they would on one small host.
"""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def serve(root: Path = ROOT, **env: str):
    """Yields (base URL, server process) once /readyz answers; `root` may be another checkout
    (a baseline), `env` adds YUKUAI_* settings."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)],
                              cwd=root, env={**os.environ, "PYTHONPATH": str(root), **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{url}/readyz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                raise RuntimeError(f"the server in {root} exited with {server.returncode}")
            time.sleep(0.2)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def rss_mb(pid: int) -> float:
    """Resident memory of process `pid` in MiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
