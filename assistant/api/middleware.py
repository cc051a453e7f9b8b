"""ASGI middleware of the API: metrics, rate limit, body limit, and the last-resort error
catcher.

All are plain ASGI (not BaseHTTPMiddleware) so that they see every request, routed or
not, and answer without running the route: a 60 kB URL or a 1 MB body costs the other
clients nothing beyond reading it.
"""

import logging
import time

from starlette.datastructures import Headers

from assistant.api.deps import caller_id, presented_key
from assistant.api.errors import error_response
from assistant.errors import InternalError, PayloadTooLarge, RateLimited
from retrieval.errors import ServiceError

log = logging.getLogger(__name__)


async def send_error(send, exc: ServiceError, headers: dict[str, str] | None = None) -> None:
    """`exc` as the API's error response, sent from middleware (outside FastAPI's handlers)."""
    response = error_response(exc, headers)
    await send({"type": "http.response.start", "status": response.status_code,
                "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


class BodyLimit:
    """Reads the whole request body before the app runs and refuses it with 413 as soon as it
    passes `limit` bytes, whether it declares a length or is chunked. `per_path` gives larger
    limits to upload routes (a photo is megabytes, a question is not)."""

    def __init__(self, app, limit: int, per_path: dict[str, int] | None = None):
        self.app, self.default, self.per_path = app, limit, per_path or {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.per_path.get(scope["path"], self.default)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            return await self._reject(send, limit)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return await self._reject(send, limit)
            if not message.get("more_body"):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:  # later calls wait for the disconnect, as streaming responses do
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _reject(send, limit: int) -> None:
        # The rest of the body is never read, so the connection cannot be reused.
        await send_error(send, PayloadTooLarge(f"request body over {limit} bytes"),
                         {"Connection": "close"})


class RateLimit:
    """Every request, to any route or none, counts against its caller's limit: the API key
    it presents, or its client address when it presents none."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            client = scope.get("client")
            key = presented_key(Headers(scope=scope))
            try:
                scope["app"].state.services.limiter.check(
                    caller_id(key, client[0] if client else None))
            except RateLimited as e:
                return await send_error(send, e)
        await self.app(scope, receive, send)


class Measure:
    """Counts every response by route and status, and times it (Prometheus, /metrics)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status = time.perf_counter(), [500]

        async def counted(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, counted)
        finally:
            route = scope.get("route")
            path = route.path if route else "unmatched"
            metrics = scope["app"].state.services.metrics
            metrics.requests.labels(path, str(status[0])).inc()
            metrics.latency.labels(path).observe(time.perf_counter() - started)


class CatchAll:
    """Turns an exception no handler took into a 500 `internal_error`, logged (masked by the
    log filter), and keeps the connection usable: Starlette's own catcher re-raises, and the
    server then drops the keep-alive connection without a `Connection: close`."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        state = {"started": False, "done": False}

        async def tracked(message):
            if message["type"] == "http.response.start":
                state["started"] = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                state["done"] = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not state["started"]:
                await send_error(send, InternalError("internal error; it has been logged"))
            elif not state["done"]:  # a stream broke off: end it cleanly
                await send({"type": "http.response.body", "body": b"", "more_body": False})
