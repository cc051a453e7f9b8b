"""The store: conversation turns and the audit trail (SQLite by default, PostgreSQL by URL).

Everything written here goes through `storable` (masking): the store never holds an ID
number, a phone number or an announced name. Opening a `Store` brings its database to the
latest schema (assistant/store/migrate.py).
"""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from assistant.store.audit import AuditRecord, AuditWriter
from assistant.store.base import Base, create_store_engine, utcnow
from assistant.store.migrate import upgrade
from assistant.store.storable import storable, storable_data


class Turn(Base):
    """One question of a conversation, as it was understood."""

    __tablename__ = "turns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)  # hashed caller identity
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    question: Mapped[str] = mapped_column(Text)
    standalone: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    doc_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)


class Store:
    """Conversation memory and audit records, on a database brought to the latest schema.

    Audit records are written by a background writer (assistant/store/audit.py): `audit`
    returns at once, `audit_records` sees everything recorded before it, `close` writes
    what is still queued.
    """

    def __init__(self, url: str):
        self.engine = create_store_engine(url)
        upgrade(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self.audit_writer = AuditWriter(self._session)

    def history(self, owner: str, session_id: str, limit: int = 6) -> list[str]:
        """The earlier questions of a conversation, oldest first (already resolved)."""
        with self._session() as s:
            rows = s.scalars(select(Turn.standalone)
                             .where(Turn.owner == owner, Turn.session_id == session_id)
                             .order_by(Turn.id.desc()).limit(limit)).all()
        return list(reversed(rows))

    def add_turn(self, owner: str, session_id: str, question: str, standalone: str, answer: str,
                 doc_id: str | None, handoff: bool) -> None:
        with self._session() as s, s.begin():
            s.add(Turn(owner=owner, session_id=session_id, question=storable(question, 4000),
                       standalone=storable(standalone, 4000), answer=storable(answer, 2000),
                       doc_id=doc_id, handoff=handoff))

    def audit(self, *, caller: str, role: str, endpoint: str, question: str, answer: str = "",
              model: str | None = None, citations: list | None = None,
              confidence: float | None = None, handoff: bool = False,
              notice: str | None = None) -> None:
        """Record who asked what and what was answered: masked now, written in the background
        (safe to call from the event loop)."""
        self.audit_writer.record(caller=caller, role=role, endpoint=endpoint, question=question,
                                 answer=answer, model=model, citations=citations,
                                 confidence=confidence, handoff=handoff, notice=notice)

    def audit_records(self, limit: int = 100) -> list[AuditRecord]:
        """The latest audit records, newest first, including every one recorded before."""
        self.audit_writer.flush()
        with self._session() as s:
            return list(s.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)))

    def close(self) -> None:
        """Write the queued audit records, then release the database connections."""
        self.audit_writer.close()
        self.engine.dispose()


__all__ = ["AuditRecord", "Session", "Store", "Turn", "storable", "storable_data"]
