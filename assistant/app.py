"""The FastAPI application: services built once in the lifespan, errors mapped in one place."""

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.config import Settings, get_settings
from assistant.errors import YukuaiError
from assistant.routers import health, search
from assistant.services import Services

log = logging.getLogger(__name__)


def _error(status: int, code: str, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(YukuaiError)
    async def yukuai_error(request: Request, exc: YukuaiError):
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.status)

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


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; `settings` defaults to the environment's (tests pass their own)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.services = Services.build(settings or get_settings())
        yield
        app.state.services.close()

    app = FastAPI(title="yukuai", version="0.1.0", lifespan=lifespan,
                  description="渝快办-style government service assistant API.")
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(search.router)
    return app
