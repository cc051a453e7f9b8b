"""The audit trail: its table, and the writer that fills it off the request path.

A request records what it was asked and answered (`AuditWriter.record`, through
`Store.audit`); the text is masked at once, then queued, and a daemon thread writes what has
queued in one transaction. No request waits for a write, and a write never runs in the
event loop. `close()` writes everything queued before the thread stops, so a clean shutdown
loses nothing; a batch that cannot be written is logged (masked) and retried row by row,
never dropped without a log line.
"""

import atexit
import json
import logging
import queue
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Text, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.masking import mask_pii
from assistant.store.base import Base, utcnow
from assistant.store.storable import storable

logger = logging.getLogger("yukuai.store.audit")


class AuditRecord(Base):
    """Who asked what through which endpoint, and what the service answered with."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    caller: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    endpoint: Mapped[str] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(100), nullable=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list] = mapped_column(JSON, default=list)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)
    notice: Mapped[str | None] = mapped_column(Text, nullable=True)


_STOP = object()  # tells the thread to end once what queued before it is written


class AuditWriter:
    """Writes audit records in batches from a daemon thread.

    A batch is whatever queued while the previous one was being written (at most
    `batch_size` rows): under light load a record is written at once, under heavy load
    batches grow by themselves and one transaction carries many rows.

    >>> writer = AuditWriter(sessionmaker(engine))  # doctest: +SKIP
    >>> writer.record(caller="c1", role="citizen", endpoint="ask", question="…")  # doctest: +SKIP
    >>> writer.flush()  # doctest: +SKIP
    """

    def __init__(self, session: Callable[[], Session], *, batch_size: int = 100):
        self._session = session
        self._batch_size = batch_size
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        # Records queued and records done with (written, or logged as lost), for flush().
        self._done = threading.Condition()
        self._queued = self._finished = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="yukuai-audit-writer", daemon=True)
        self._thread.start()
        # A daemon thread dies with the interpreter: a command that forgets close() still
        # gets its records written at exit.
        atexit.register(self.close)

    def record(self, *, caller: str, role: str, endpoint: str, question: str, answer: str = "",
               model: str | None = None, citations: list | None = None,
               confidence: float | None = None, handoff: bool = False,
               notice: str | None = None) -> None:
        """Queue one audit record and return at once; its text is masked before it is queued.
        Every string is cut to its column, so one over-long value cannot fail a batch; the
        caller (a hash), role and endpoint are the server's own identifiers, kept as they are."""
        row = {"created": utcnow(), "caller": caller[:64], "role": role[:16],
               "endpoint": endpoint[:64],
               "model": storable(model, 100) if model is not None else None,
               "question": storable(question, 4000), "answer": storable(answer, 2000),
               "citations": json.loads(json.dumps(citations or [])),  # a plain JSON copy
               "confidence": confidence, "handoff": handoff,
               "notice": storable(notice, 2000) if notice is not None else None}
        with self._done:
            if not self._closed:
                self._queued += 1
                self._queue.put(row)
                return
        self._write([row])  # after close() (a request finishing during shutdown): here

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Wait until every record queued before this call is written (or logged as lost);
        False if `timeout` seconds passed first."""
        with self._done:
            target = self._queued
            return self._done.wait_for(
                lambda: self._finished >= target or not self._thread.is_alive(), timeout)

    def close(self, timeout: float | None = 30.0) -> None:
        """Write everything queued, then stop the thread. Idempotent."""
        with self._done:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join(timeout)
        atexit.unregister(self.close)
        if self._thread.is_alive():
            logger.error("audit: the writer did not finish within %ss; %d records may be lost",
                         timeout, self._queued - self._finished)
            return
        left = []
        while True:  # only if the thread died before reaching _STOP
            try:
                row = self._queue.get_nowait()
            except queue.Empty:
                break
            if row is not _STOP:
                left.append(row)
        if left:
            logger.error("audit: the writer thread had stopped; writing %d queued records now",
                         len(left))
            self._write(left)

    def _run(self) -> None:
        stop = False
        while not stop:
            batch = [self._queue.get()]
            while len(batch) < self._batch_size:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if any(row is _STOP for row in batch):
                stop = True
                batch = [row for row in batch if row is not _STOP]
            try:
                self._write(batch)
            except Exception:  # the thread must outlive any one batch
                logger.exception("audit: %d records lost (writer error)", len(batch))
            finally:
                with self._done:
                    self._finished += len(batch)
                    self._done.notify_all()

    def _write(self, batch: list[dict]) -> None:
        """Write `batch` in one transaction; if that fails, log it and write each row in its
        own, logging every row that still fails (masked: the rows are, and so is the error)."""
        if not batch:
            return
        try:
            self._insert(batch)
            return
        except Exception as e:  # noqa: BLE001 - logged and retried below
            logger.warning("audit: writing a batch of %d records failed (%s); retrying one by "
                           "one", len(batch), _masked_error(e))
        for row in batch:
            try:
                self._insert([row])
            except Exception as e:  # noqa: BLE001 - logged: the record is lost
                logger.error("audit: record lost (%s): caller=%s endpoint=%s at %s question=%r",
                             _masked_error(e), row["caller"], row["endpoint"],
                             row["created"].isoformat(), row["question"][:200])

    def _insert(self, rows: list[dict]) -> None:
        with self._session() as s, s.begin():
            s.execute(insert(AuditRecord), rows)


def _masked_error(e: Exception) -> str:
    # The engine leaves bound parameters out of its messages (base.py); mask the rest anyway.
    return mask_pii(f"{type(e).__name__}: {e}")[:500]
