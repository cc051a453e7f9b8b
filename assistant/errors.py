"""The one error hierarchy: messages are safe to show to users, `code` is stable.

The API maps these to HTTP responses in one handler; the CLI prints the message and exits
non-zero. Anything else that escapes is a bug and is reported as `internal_error`.
"""


class YukuaiError(Exception):
    """Base error: a stable machine-readable `code`, a human message and an HTTP status."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body

    def headers(self) -> dict[str, str] | None:
        """HTTP headers the response must carry (Retry-After, WWW-Authenticate)."""
        return None


class InvalidInput(YukuaiError):
    """The request or command input is wrong; the message says which field and why."""

    code = "invalid_input"
    status = 400


class Unauthorized(YukuaiError):
    """No valid credentials: an unknown API key or a malformed Authorization header."""

    code = "invalid_api_key"
    status = 401

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class RateLimited(YukuaiError):
    """Too many requests (or failed authentications) from one caller; retry after a while."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = max(1, retry_after)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class NotFound(YukuaiError):
    code = "not_found"
    status = 404


class IndexNotReady(YukuaiError):
    """The vector index does not exist yet or was built with another embedder."""

    code = "index_not_ready"
    status = 503


class IndexBusy(YukuaiError):
    """The embedded index is held open by another process (only one may open it at a time)."""

    code = "index_busy"
    status = 503


class ModelUnavailable(YukuaiError):
    """A configured model is not on disk or cannot be loaded; the message says how to fix it."""

    code = "model_unavailable"
    status = 503


class PayloadTooLarge(YukuaiError):
    """An upload over the byte limit, or an image with more pixels than we decode."""

    code = "payload_too_large"
    status = 413


class UnsupportedMedia(YukuaiError):
    """The upload is not in a format we accept (certificates: JPEG, PNG, WebP)."""

    code = "unsupported_media_type"
    status = 415


class ImageRejected(YukuaiError):
    """An image that decodes but cannot be read: truncated, blank, or with no text in it."""

    code = "unreadable_image"
    status = 422


class Forbidden(YukuaiError):
    """The caller's role may not use this endpoint (e.g. staff-only agents and work orders)."""

    code = "forbidden"
    status = 403


class IllegalTransition(YukuaiError):
    """A work order cannot move from its current status to the requested one."""

    code = "illegal_transition"
    status = 409


class InternalError(YukuaiError):
    """Something failed that no other error describes; the details are in the (masked) log."""

    code = "internal_error"
    status = 500
