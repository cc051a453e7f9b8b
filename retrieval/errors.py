"""Errors of the retrieval layer, and `ServiceError`, the base every layer's errors share.

An error carries a stable machine-readable `code`, a message safe to show to a user, and the
request `field` at fault, if any. Which HTTP status it becomes is the API's business: one
table in assistant/api/errors.py; the CLI prints the message and exits non-zero.
"""


class ServiceError(Exception):
    """Base of yukuai's errors: `code`, a message safe to show, and the `field` at fault."""

    code = "error"

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


class InvalidQuery(ServiceError):
    """A search request is wrong: empty or too long, an unknown audience, a bad k."""

    code = "invalid_query"


class IndexNotReady(ServiceError):
    """The vector index does not exist yet or was built with another embedder."""

    code = "index_not_ready"


class IndexBusy(ServiceError):
    """The embedded index is held open by another process (only one may open it at a time)."""

    code = "index_busy"


class EmbedderUnavailable(ServiceError):
    """The configured embedding model is not on disk or cannot be loaded; the message says
    how to provide it."""

    code = "model_unavailable"
