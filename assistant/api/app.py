"""The FastAPI application: services built once in the lifespan, errors mapped in one place."""

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from assistant import person_names
from assistant.api.errors import error_response
from assistant.api.middleware import BodyLimit, CatchAll, Measure, RateLimit
from assistant.api.routers import (
    agents,
    ask,
    certificates,
    chat,
    health,
    models,
    search,
    work_orders,
)
from assistant.api.schemas import ANY_ROUTE, API_ROUTE
from assistant.config import Settings, get_settings
from assistant.services import Services
from retrieval.errors import ServiceError

STATIC = Path(__file__).resolve().parent / "static"


def _error(status: int, code: str, message: str, headers: dict | None = None,
           **extra) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}},
                        status_code=status, headers=headers)


_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def install_error_handlers(app: FastAPI) -> None:
    """Every error answers through one table (assistant/api/errors.py); validation errors are
    422 naming the field; anything unexpected is left to CatchAll (middleware.py)."""

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError):
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(422, "invalid_request", f"{field or 'request'}: {first.get('msg', 'invalid')}",
                      field=field or None)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            # Starlette names the methods of the first route on the path only; a path may
            # have one route per method (GET and POST /v1/search). Ask every route.
            methods = [m for m in _METHODS if any(
                route.matches({**request.scope, "method": m})[0] == Match.FULL
                for route in request.app.router.routes)]
            headers = {**(headers or {}), "Allow": ", ".join(methods)}
        return _error(exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"),
                      str(exc.detail), headers=headers)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; `settings` defaults to the environment's. Tests may hand in `services`
    they built (and close themselves)."""
    settings = services.settings if services else settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        own = services is None
        app.state.services = Services.build(settings) if own else services
        app.state.services.models  # noqa: B018 - a broken model config fails at start
        person_names.warm_up()  # not in the event loop on the first name in a log line
        yield
        if own:
            app.state.services.close()

    app = FastAPI(title="yukuai", version="0.1.0", lifespan=lifespan,
                  description="渝快办-style government service assistant API.")
    install_error_handlers(app)
    for router in (search.router, chat.router, ask.router, models.router,
                   certificates.router, agents.router, work_orders.router):
        app.include_router(router, responses=API_ROUTE)
    app.include_router(health.router, responses=ANY_ROUTE)
    # Added innermost first. An image may arrive base64-encoded in JSON (4/3 of its size).
    app.add_middleware(CatchAll)
    upload_limit = settings.max_upload_bytes * 4 // 3 + 64_000
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes,
                       per_path={certificates.PATH: upload_limit})
    app.add_middleware(RateLimit)
    app.add_middleware(Measure)

    @app.get("/metrics", include_in_schema=False)
    async def metrics():
        return Response(app.state.services.metrics.render(),
                        media_type="text/plain; version=0.0.4")

    @app.get("/", include_in_schema=False)
    async def chat_page():
        return FileResponse(STATIC / "index.html")

    if settings.trusted_proxies:
        # Outermost, so that the rate limit and the audit see the client a trusted proxy
        # names; `yukuai serve` turns off uvicorn's own handling, which trusts 127.0.0.1.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app
