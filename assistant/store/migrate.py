"""Schema migrations (Alembic, configured in code: no alembic.ini). The scripts live in
assistant/store/migrations/ and ship with the package; `Store(url)` runs `upgrade` on open.

A database made before migrations existed (tables from `create_all`, no `alembic_version`)
is adopted: stamped at the initial revision, whose schema is exactly what `create_all` made,
then upgraded like any other. Such a database may lack the work-order tables (the old store
created them on first use only); revision 0001 then creates just the missing ones.

To add a revision after changing a model, autogenerate it against a database at head and
read it through before committing:

>>> from alembic import command  # doctest: +SKIP
>>> command.revision(alembic_config(url="sqlite:///data/yukuai.db"), "add x",
...                  autogenerate=True)  # doctest: +SKIP
"""

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, MetaData, inspect

from assistant.store.base import Base

logger = logging.getLogger("yukuai.store")
# Alembic says "Context impl SQLiteImpl", "Will assume non-transactional DDL" on every open.
logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)

MIGRATIONS = Path(__file__).with_name("migrations")
INITIAL = "0001"
# The tables revision 0001 creates: those `create_all` made before there were migrations.
LEGACY_TABLES = ("turns", "audit", "work_orders", "work_order_events")
# Serializes migrations of one PostgreSQL database among processes (several workers starting
# at once): an arbitrary constant key for pg_advisory_xact_lock, "yukuai" in ASCII.
_PG_LOCK = 0x79756B756169


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Alembic's configuration for the store: the migration scripts, and the connection to
    run on (as `upgrade` does) or the URL to connect to (for Alembic's own commands)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # ConfigParser escape
    config.attributes["connection"] = connection
    return config


def metadata() -> MetaData:
    """Every stored model's table (what the migrations must build), for autogenerate and the
    schema check."""
    # These modules declare the tables.
    import assistant.store.db
    import assistant.store.workorders  # noqa: F401

    return Base.metadata


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database of `engine` to `revision`, adopting a database from before
    migrations. One transaction, taken exclusively, so that processes opening one database
    together migrate it once (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock, and its
    DDL is transactional)."""
    with engine.connect() as connection, \
            connection.execution_options(sqlite_begin="IMMEDIATE").begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
        config = alembic_config(connection)
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables and tables & set(LEGACY_TABLES):
            _adopt(config, tables)
        command.upgrade(config, revision)


def _adopt(config: Config, tables: set[str]) -> None:
    missing = [t for t in LEGACY_TABLES if t not in tables]
    if missing:
        logger.warning("store: adopting a database made before migrations; creating the "
                       "missing tables %s at revision %s", ", ".join(missing), INITIAL)
        command.upgrade(config, INITIAL)
    else:
        logger.warning("store: adopting a database made before migrations: stamped at "
                       "revision %s", INITIAL)
        command.stamp(config, INITIAL)
