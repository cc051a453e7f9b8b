"""The one table from errors to HTTP: every layer's error class, its status, and the headers
some must carry. The exception handlers (app.py) and the middleware answer through it."""

from fastapi.responses import JSONResponse

from agents.errors import InvalidAgentInput, RuleError, UnknownAgent
from assistant.errors import (
    Forbidden,
    IllegalTransition,
    ImageRejected,
    InternalError,
    InvalidInput,
    ModelUnavailable,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unauthorized,
    UnsupportedMedia,
)
from assistant.generation.backends import BackendError
from retrieval.errors import (
    EmbedderUnavailable,
    IndexBusy,
    IndexNotReady,
    InvalidQuery,
    ServiceError,
)

# Looked up along the class's MRO, so a subclass takes its base's status unless listed.
STATUS: dict[type[ServiceError], int] = {
    InvalidInput: 400, InvalidQuery: 400, InvalidAgentInput: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404, UnknownAgent: 404,
    IllegalTransition: 409,
    PayloadTooLarge: 413,
    UnsupportedMedia: 415,
    ImageRejected: 422,
    RuleError: 422,  # no rule applies to the case: the input is outside what the rules cover
    RateLimited: 429,
    InternalError: 500,
    IndexNotReady: 503, IndexBusy: 503, EmbedderUnavailable: 503, ModelUnavailable: 503,
    BackendError: 503,
}


def status_of(exc: ServiceError) -> int:
    """The HTTP status of `exc`; 500 for a class nobody listed (a bug, not the caller's)."""
    return next((STATUS[c] for c in type(exc).__mro__ if c in STATUS), 500)


def headers_of(exc: ServiceError) -> dict[str, str] | None:
    if isinstance(exc, RateLimited):
        return {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, Unauthorized):
        return {"WWW-Authenticate": "Bearer"}
    return None


def error_response(exc: ServiceError, headers: dict[str, str] | None = None) -> JSONResponse:
    """`exc` as the API's error body `{"error": {code, message, field?}}`."""
    return JSONResponse({"error": exc.to_dict()}, status_code=status_of(exc),
                        headers={**(headers_of(exc) or {}), **(headers or {})})
