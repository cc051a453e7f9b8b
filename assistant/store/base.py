"""The store's one SQLAlchemy declarative base and its engine (SQLite by default, PostgreSQL
by URL). Every table module declares its models on `Base`; the schema itself is made by the
migrations (assistant/store/migrate.py), never by `create_all`.
"""

from datetime import UTC, datetime

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """The declarative base of every stored model (turns, audit, work orders)."""


def utcnow() -> datetime:
    """Now, in UTC: every time the store writes is UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC. SQLite hands back naive datetimes (written in UTC); PostgreSQL hands
    back aware ones in the session's time zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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


def create_store_engine(url: str) -> Engine:
    """The engine for the store at `url` (`sqlite:///…` or `postgresql+psycopg://…`).

    Bound parameters are left out of SQL error messages: they hold citizens' text, and an
    error message reaches a log.
    """
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, hide_parameters=True,
                           **({"connect_args": {"check_same_thread": False}} if sqlite else {}))
    if sqlite:
        # WAL lets readers and the one writer proceed together and fsyncs at checkpoints,
        # not on every audit record; a crash can lose the last records, never corrupt them.
        event.listen(engine, "connect", _sqlite_wal)
        event.listen(engine, "begin", _sqlite_begin)
    return engine
