"""The service layer's errors. Each layer has its own (retrieval/errors.py, agents/errors.py),
all on one base, `ServiceError`: a stable `code`, a message safe to show, the `field` at
fault. The API turns every one into its HTTP status in one table (assistant/api/errors.py);
the CLI prints the message and exits non-zero. Anything else that escapes is a bug and is
reported as `internal_error`.
"""

from retrieval.errors import ServiceError


class YukuaiError(ServiceError):
    """Base of the service layer's errors."""


class InvalidInput(YukuaiError):
    """The request or command input is wrong; the message says which field and why."""

    code = "invalid_input"


class Unauthorized(YukuaiError):
    """No valid credentials: an unknown API key or a malformed Authorization header."""

    code = "invalid_api_key"


class Forbidden(YukuaiError):
    """The caller's role may not use this (staff-only agents and work orders, raw models)."""

    code = "forbidden"


class NotFound(YukuaiError):
    code = "not_found"


class IllegalTransition(YukuaiError):
    """A work order cannot move from its current status to the requested one."""

    code = "illegal_transition"


class PayloadTooLarge(YukuaiError):
    """An upload over the byte limit, or an image with more pixels than we decode."""

    code = "payload_too_large"


class UnsupportedMedia(YukuaiError):
    """The upload is not in a format we accept (certificates: JPEG, PNG, WebP)."""

    code = "unsupported_media_type"


class ImageRejected(YukuaiError):
    """An image that decodes but cannot be read: truncated, blank, or with no text in it."""

    code = "unreadable_image"


class RateLimited(YukuaiError):
    """Too many requests (or failed authentications) from one caller; retry after a while."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = max(1, retry_after)


class ModelUnavailable(YukuaiError):
    """A configured model is not on disk or cannot be loaded; the message says how to fix it."""

    code = "model_unavailable"


class InternalError(YukuaiError):
    """Something failed that no other error describes; the details are in the (masked) log."""

    code = "internal_error"
