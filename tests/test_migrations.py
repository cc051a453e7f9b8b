"""The store's schema comes from its migrations, on SQLite and on a real PostgreSQL server:
an empty database is brought to head, a database made by the old `create_all` is adopted,
and the models match the migrated schema (`alembic check`)."""

import concurrent.futures
import os
import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, make_url, text

from assistant.store.base import create_store_engine
from assistant.store.db import Store
from assistant.store.migrate import INITIAL, LEGACY_TABLES, alembic_config, metadata, upgrade
from assistant.store.workorders import WorkOrderStore

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """The URL of an empty database: a new SQLite file, or a new schema of the PostgreSQL
    test database (first on the connection's search path)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    base = os.environ.get("YUKUAI_TEST_DATABASE_URL")
    if not base:
        pytest.skip("YUKUAI_TEST_DATABASE_URL is not set (scripts/test.sh starts PostgreSQL and sets it)")
    schema = f"migration_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _differences(engine) -> list:
    with engine.connect() as c:
        return compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}),
                                metadata())


def _version(engine) -> str | None:
    with engine.connect() as c:
        return MigrationContext.configure(c).get_current_revision()


def _works(store: Store) -> None:
    """A turn, an audit record and a work order go in and come back out."""
    owner = uuid.uuid4().hex[:16]
    store.add_turn(owner, "s", "公积金怎么提取", "公积金怎么提取", "答", None, False)
    assert store.history(owner, "s") == ["公积金怎么提取"]
    store.audit(caller=owner, role="citizen", endpoint="ask", question="电话13812345678")
    assert any(r.caller == owner for r in store.audit_records(20))
    orders = WorkOrderStore(store.engine)
    order = orders.create(agent="noise", category="噪声", title="t", summary="s", department="d",
                          priority="P3", decision={})
    assert orders.transition(order["id"], "dispatched", actor="test")["status"] == "dispatched"


def test_an_empty_database_is_migrated_to_head(empty_url):
    store = Store(empty_url)
    try:
        inspector = inspect(store.engine)
        assert set(inspector.get_table_names()) == {*LEGACY_TABLES, "alembic_version"}
        for table in metadata().sorted_tables:
            assert {i["name"] for i in inspector.get_indexes(table.name)} == \
                {i.name for i in table.indexes}
        assert _version(store.engine) == HEAD
        assert _differences(store.engine) == []
        _works(store)
    finally:
        store.close()


def test_models_match_the_migrated_schema(store):
    """`alembic check` on the test databases themselves (PostgreSQL's was made by earlier
    runs, possibly by the old `create_all`, and adopted)."""
    assert _version(store.engine) == HEAD
    assert _differences(store.engine) == []


def test_a_database_made_by_create_all_is_stamped_and_keeps_its_rows(empty_url):
    # Today's models are the schema the old `create_all` made: revision 0001 is that schema,
    # and the test above keeps models and migrations equal.
    engine = create_store_engine(empty_url)
    metadata().create_all(engine)
    with engine.begin() as c:
        c.execute(text("INSERT INTO turns (owner, session_id, created, question, standalone, "
                       "answer, handoff) VALUES ('old', 's', CURRENT_TIMESTAMP, 'q', '旧问题', "
                       "'a', false)"))
    engine.dispose()
    store = Store(empty_url)
    try:
        assert _version(store.engine) == HEAD
        assert store.history("old", "s") == ["旧问题"]
        assert _differences(store.engine) == []
        _works(store)
    finally:
        store.close()


def test_a_database_without_the_work_order_tables_is_adopted(empty_url):
    """The old store made the work-order tables on first use only: they are created."""
    engine = create_store_engine(empty_url)
    tables = metadata().tables
    metadata().create_all(engine, tables=[tables["turns"], tables["audit"]])
    engine.dispose()
    store = Store(empty_url)
    try:
        assert {"work_orders", "work_order_events"} <= set(inspect(store.engine).get_table_names())
        assert _version(store.engine) == HEAD
        assert _differences(store.engine) == []
        _works(store)
    finally:
        store.close()


def test_downgrade_to_nothing_and_up_again(empty_url):
    engine = create_store_engine(empty_url)
    upgrade(engine)
    with engine.begin() as c:
        command.downgrade(alembic_config(c), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine, INITIAL)
    assert _version(engine) == INITIAL and _differences(engine) == []
    engine.dispose()


def test_processes_opening_one_new_database_together_migrate_it_once(empty_url):
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: Store(empty_url), range(4)))
    try:
        assert _version(stores[0].engine) == HEAD
        _works(stores[-1])
    finally:
        for store in stores:
            store.close()
