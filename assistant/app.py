"""The FastAPI application: services built once in the lifespan, errors mapped in one place."""

import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from assistant.config import Settings, get_settings
from assistant.errors import YukuaiError
from assistant.metrics import Metrics
from assistant.routers import agents, ask, certificates, chat, health, models, search, work_orders
from assistant.services import Services

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


def _error(status: int, code: str, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(YukuaiError)
    async def yukuai_error(request: Request, exc: YukuaiError):
        headers = {"Retry-After": "60"} if exc.status == 429 else None
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(422, "invalid_request", f"{field or 'request'}: {first.get('msg', 'invalid')}",
                      field=field or None)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return _error(500, "internal_error", "internal error; it has been logged")


class BodyLimit:
    """Rejects request bodies over `limit` bytes with 413, whether or not they declare a length.
    `per_path` gives larger limits to upload routes (a photo is megabytes, a question is not)."""

    def __init__(self, app, limit: int, per_path: dict[str, int] | None = None):
        self.app, self.default, self.per_path = app, limit, per_path or {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.per_path.get(scope["path"], self.default)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            return await self._reject(send, limit)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._reject(send, limit)

    async def _reject(self, send, limit: int):
        response = _error(413, "payload_too_large", f"request body over {limit} bytes")
        await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body})


class _TooLarge(Exception):
    pass


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; `settings` defaults to the environment's. Tests may hand in `services`
    they built (and close themselves)."""
    settings = services.settings if services else settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        own = services is None
        app.state.services = Services.build(settings) if own else services
        app.state.services.models  # noqa: B018 - a broken model config fails at start
        yield
        if own:
            app.state.services.close()

    app = FastAPI(title="yukuai", version="0.1.0", lifespan=lifespan,
                  description="渝快办-style government service assistant API.")
    app.state.metrics = Metrics()
    install_error_handlers(app)
    for router in (health.router, search.router, chat.router, ask.router, models.router,
                   certificates.router, agents.router, work_orders.router):
        app.include_router(router)
    # An image may arrive base64-encoded in JSON (4/3 of its size) or in a multipart form.
    upload_limit = settings.max_upload_bytes * 4 // 3 + 64_000
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes,
                       per_path={certificates.PATH: upload_limit})

    @app.middleware("http")
    async def measure(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = route.path if route else "unmatched"
        app.state.metrics.requests.labels(path, str(response.status_code)).inc()
        app.state.metrics.latency.labels(path).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics", include_in_schema=False)
    async def metrics():
        return Response(app.state.metrics.render(), media_type="text/plain; version=0.0.4")

    @app.get("/", include_in_schema=False)
    async def chat_page():
        return FileResponse(STATIC / "index.html")

    return app
