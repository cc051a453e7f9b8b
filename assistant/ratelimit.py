"""A per-caller sliding-window rate limit (in-process; one API process per limit)."""

import threading
import time
from collections import defaultdict, deque

from assistant.errors import YukuaiError


class RateLimited(YukuaiError):
    code = "rate_limited"
    status = 429


class RateLimiter:
    """At most `per_minute` requests per caller in any 60 seconds; 0 disables the limit."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._hits: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, caller: str) -> None:
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        with self._lock:
            hits = self._hits[caller]
            while hits and now - hits[0] >= 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                raise RateLimited(f"more than {self.per_minute} requests a minute; retry in "
                                  f"{int(60 - (now - hits[0])) + 1} s")
            hits.append(now)
