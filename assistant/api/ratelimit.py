"""Sliding-window rate limits (in-process; one API process per limit).

Two are used: requests per caller, and failed authentications per client address (so that
API keys cannot be guessed at speed).
"""

import math
import threading
import time
from collections import deque

from assistant.errors import RateLimited

WINDOW = 60.0  # seconds


class RateLimiter:
    """At most `per_minute` events per key in any 60 seconds; 0 disables the limit.

    `check` counts a request and refuses it over the limit; `blocked` and `record` let a
    caller count only some events (failed logins) and refuse before doing the work.
    """

    def __init__(self, per_minute: int, *, what: str = "requests"):
        self.per_minute, self.what = per_minute, what
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def check(self, key: str) -> None:
        """Count one event for `key`; RateLimited (with the real wait) if it is over the limit."""
        self._event(key, refuse=True, count=True)

    def blocked(self, key: str) -> None:
        """RateLimited if `key` is already at the limit; counts nothing."""
        self._event(key, refuse=True, count=False)

    def record(self, key: str) -> None:
        """Count one event for `key` without refusing it."""
        self._event(key, refuse=False, count=True)

    def _event(self, key: str, *, refuse: bool, count: bool) -> None:
        if self.per_minute <= 0:
            return
        with self._lock:
            now = time.monotonic()
            hits = self._window(key, now)
            if refuse and len(hits) >= self.per_minute:
                raise self._refusal(hits, now)
            if count:
                hits.append(now)

    def _window(self, key: str, now: float) -> deque[float]:
        if now >= self._next_sweep:  # forget idle keys, so memory stays bounded by activity
            self._hits = {k: h for k, h in self._hits.items() if h and now - h[-1] < WINDOW}
            self._next_sweep = now + WINDOW
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= WINDOW:
            hits.popleft()
        return hits

    def _refusal(self, hits: deque[float], now: float) -> RateLimited:
        wait = math.ceil(WINDOW - (now - hits[0]))
        return RateLimited(f"more than {self.per_minute} {self.what} a minute; retry in {wait} s",
                           retry_after=wait)
