"""Logging set-up: every record is masked (ID numbers, phones, names…) before any handler writes
it: URL-encoded query strings in access logs, exception messages and tracebacks included.

The filter runs inside uvicorn's event loop, so its work is bounded: at most `MAX_CHARS`
characters of a message, and of a traceback, are decoded, masked and kept.
"""

import logging
import sys
from urllib.parse import unquote

from assistant.masking import mask_pii

MAX_CHARS = 4000
# A cut may not leave part of a number, code or word in what is kept (half an ID is still
# personal data): up to this many trailing characters of such a run are dropped with the rest.
_RUN_CHARS = ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -"
              "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
              "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－")
_MAX_RUN = 40
# Each character decoded from a URL takes at most nine encoded ones (%E8%BA%AB).
_ENCODED_PER_CHAR = 9
_EXC_FORMATTER = logging.Formatter()


class MaskingFilter(logging.Filter):
    """Renders a record's message, URL-decodes, caps and masks it, and does the same to its
    exception and stack text, so that handlers print only masked text. Never raises.

    >>> logging.getLogger().handlers[0].addFilter(MaskingFilter())  # doctest: +SKIP
    """

    def __init__(self, name: str = "", max_chars: int = MAX_CHARS):
        super().__init__(name)
        self.max_chars = max_chars

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "yukuai_masked", False):  # already done by another handler's filter
            return True
        try:
            record.msg, record.args = self._masked(_rendered(record)), None
            if record.exc_info or record.exc_text:
                text = record.exc_text or _EXC_FORMATTER.formatException(record.exc_info)
                record.exc_text, record.exc_info = self._masked(text, keep_end=True), None
            if record.stack_info:
                record.stack_info = self._masked(record.stack_info, keep_end=True)
        except Exception as e:  # noqa: BLE001 - a log line is worth no leak and no crash
            record.msg = f"[log record not shown: masking failed ({type(e).__name__})]"
            record.args = record.exc_info = record.exc_text = record.stack_info = None
        record.yukuai_masked = True
        return True

    def _masked(self, text: str, keep_end: bool = False) -> str:
        """`text` URL-decoded, cut to `max_chars` with a note of how much was cut, and masked.
        The start is kept, or for a traceback the end, whose last lines say what failed."""
        limit, raw_limit = self.max_chars, _ENCODED_PER_CHAR * self.max_chars
        if len(text) > raw_limit:  # only a bounded part is decoded at all
            undecoded = len(text) - raw_limit
            window = text[undecoded:] if keep_end else text[:raw_limit]
            beyond = text[undecoded - 1] if keep_end else text[raw_limit]
        else:
            undecoded, window, beyond = 0, text, ""
        decoded = unquote(window, errors="replace") if "%" in window else window
        if len(decoded) > limit:
            beyond = decoded[-limit - 1] if keep_end else decoded[limit]
            kept = decoded[-limit:] if keep_end else decoded[:limit]
        elif not undecoded:
            return mask_pii(decoded)
        else:
            kept = decoded
        if beyond and beyond in _RUN_CHARS:  # the cut split a run: drop its kept part too
            run = len(kept) - len(kept.lstrip(_RUN_CHARS) if keep_end else kept.rstrip(_RUN_CHARS))
            run = min(run, _MAX_RUN)
            kept = kept[run:] if keep_end else kept[:len(kept) - run]
        note = f"[truncated {undecoded + len(decoded) - len(kept)} chars]"
        return note + "…" + mask_pii(kept) if keep_end else mask_pii(kept) + "…" + note


def _rendered(record: logging.LogRecord) -> str:
    """The record's message; one whose arguments do not fit its format is shown with them."""
    try:
        return record.getMessage()
    except Exception:  # noqa: BLE001 - logging's error report would print the raw args
        return f"{record.msg!s} {record.args!r}"


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
