"""Logging set-up: every record is masked (ID numbers, phones, names) before any handler
writes it, access logs with query strings included."""

import logging
import sys

from assistant.masking import mask_pii


class MaskingFilter(logging.Filter):
    """Renders the record's message, masks it, and freezes it so handlers print the masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error path
            return True
        record.msg, record.args = mask_pii(message), None
        return True


def configure_logging(level: int = logging.WARNING) -> None:
    """Structured-enough single-line logs on stderr, masked, for the app and uvicorn alike."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
