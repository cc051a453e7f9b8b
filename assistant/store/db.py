"""The store: conversation turns and the audit trail (SQLite by default, PostgreSQL by URL).

Everything written here goes through `storable` (masking): the store never holds an ID
number, a phone number or an announced name.
"""

import json
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from assistant.masking import mask_data, mask_pii
from retrieval.text import replace_surrogates


class Base(DeclarativeBase):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


class Turn(Base):
    """One question of a conversation, as it was understood."""

    __tablename__ = "turns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)  # hashed caller identity
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    question: Mapped[str] = mapped_column(Text)
    standalone: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    doc_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditRecord(Base):
    """Who asked what through which endpoint, and what the service answered with."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
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


def storable(text: str, limit: int) -> str:
    """`text` as the store keeps it: masked, without NUL characters (PostgreSQL refuses them
    in text columns; SQLite takes them) or lone surrogates (no driver encodes them), and cut
    to `limit` characters after masking, so that a cut never leaves part of a number
    unmasked. Inputs are bounded by the API."""
    return mask_pii(replace_surrogates(text).replace("\x00", "\ufffd"))[:limit]


def storable_data(value: object) -> object:
    """A JSON value (a work order's decision) with every string storable."""
    return mask_data(value, lambda text: storable(text, len(text)))


def _sqlite_wal(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLAlchemy, not the driver, begins transactions (below), so that one can ask for
    # BEGIN IMMEDIATE (SQLAlchemy's documented recipe for pysqlite).
    connection.isolation_level = None


def _sqlite_begin(connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE for a transaction that reads and then writes what it read
    (`execution_options(sqlite_begin="IMMEDIATE")`): it takes the write lock first, so no
    other writer can change the row between the read and the write."""
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())


class Store:
    """Conversation memory and audit records."""

    def __init__(self, url: str):
        sqlite = url.startswith("sqlite")
        self.engine = create_engine(url, **({"connect_args": {"check_same_thread": False}} if sqlite else {}))
        if sqlite:
            # WAL lets readers and the one writer proceed together and fsyncs at checkpoints,
            # not on every audit record; a crash can lose the last records, never corrupt them.
            event.listen(self.engine, "connect", _sqlite_wal)
            event.listen(self.engine, "begin", _sqlite_begin)
        Base.metadata.create_all(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def history(self, owner: str, session_id: str, limit: int = 6) -> list[str]:
        """The earlier questions of a conversation, oldest first (already resolved)."""
        with self._session() as s:
            rows = s.scalars(select(Turn.standalone).where(Turn.owner == owner, Turn.session_id == session_id)
                             .order_by(Turn.id.desc()).limit(limit)).all()
        return list(reversed(rows))

    def add_turn(self, owner: str, session_id: str, question: str, standalone: str, answer: str,
                 doc_id: str | None, handoff: bool) -> None:
        with self._session() as s, s.begin():
            s.add(Turn(owner=owner, session_id=session_id, question=storable(question, 4000),
                       standalone=storable(standalone, 4000), answer=storable(answer, 2000),
                       doc_id=doc_id, handoff=handoff))

    def audit(self, *, caller: str, role: str, endpoint: str, question: str, answer: str = "",
              model: str | None = None, citations: list | None = None, confidence: float | None = None,
              handoff: bool = False, notice: str | None = None) -> None:
        with self._session() as s, s.begin():
            s.add(AuditRecord(caller=caller, role=role, endpoint=endpoint, model=model,
                              question=storable(question, 4000), answer=storable(answer, 2000),
                              citations=json.loads(json.dumps(citations or [])),
                              confidence=confidence, handoff=handoff, notice=notice))

    def audit_records(self, limit: int = 100) -> list[AuditRecord]:
        with self._session() as s:
            return list(s.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)))

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["Session", "Store"]
