"""Alembic's environment for the store. It runs on the connection that
`assistant.store.migrate.upgrade` hands in (inside its transaction), or, for Alembic's own
commands (`revision --autogenerate`, offline `--sql`), on `sqlalchemy.url` from
`alembic_config(url=...)`."""

from alembic import context

from assistant.store.base import create_store_engine
from assistant.store.migrate import metadata

config = context.config
# render_as_batch: SQLite alters a table by copying it; autogenerate then writes batch ops.
options = {"target_metadata": metadata(), "compare_type": True, "render_as_batch": True}


def _run(connection) -> None:
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
                      **options)
    with context.begin_transaction():
        context.run_migrations()
elif (connection := config.attributes.get("connection")) is not None:
    _run(connection)
else:
    engine = create_store_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()
