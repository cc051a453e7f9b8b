"""The work-order store on SQLite and on a real PostgreSQL server: lifecycle, history, SLA."""

import uuid
from datetime import UTC, datetime

import pytest

from assistant.errors import IllegalTransition, InvalidInput, NotFound
from assistant.store.workorders import WorkOrderStore, sla_deadline


@pytest.fixture
def orders(store):
    return WorkOrderStore(store.engine)


def _new(orders, department="公安", priority="P3", agent="noise") -> dict:
    return orders.create(agent=agent, category="噪声", title="邻里噪声 13812345678",
                         summary="我叫张三，电话13812345678，楼上半夜跳绳", department=department,
                         priority=priority, decision={"noise_type": "neighbour"})


def test_lifecycle_history_and_masking(orders):
    order = _new(orders)
    assert order["status"] == "created" and "13812345678" not in order["summary"] + order["title"]
    with pytest.raises(IllegalTransition):
        orders.transition(order["id"], "closed", actor="staff:x")
    orders.transition(order["id"], "dispatched", actor="staff:x", note="派发")
    orders.transition(order["id"], "in_progress", actor="staff:y")
    orders.transition(order["id"], "dispatched", actor="staff:y", note="退单改派", department="城管")
    orders.transition(order["id"], "in_progress", actor="staff:z")
    orders.transition(order["id"], "resolved", actor="staff:z")
    done = orders.transition(order["id"], "closed", actor="staff:x")
    assert done["department"] == "城管"
    assert [h["to"] for h in done["history"]] == ["created", "dispatched", "in_progress", "dispatched",
                                                   "in_progress", "resolved", "closed"]
    with pytest.raises(IllegalTransition):
        orders.transition(order["id"], "in_progress", actor="staff:x")
    with pytest.raises(InvalidInput):
        orders.transition(order["id"], "finished", actor="staff:x")
    with pytest.raises(NotFound):
        orders.get(10**9)


def test_filters(orders):
    dept = f"部门-{uuid.uuid4().hex[:8]}"
    a, b = _new(orders, dept, "P2"), _new(orders, dept, "P3", agent="fire")
    orders.transition(a["id"], "dispatched", actor="staff:x")
    assert [o["id"] for o in orders.list(department=dept)] == [b["id"], a["id"]]
    assert [o["id"] for o in orders.list(department=dept, status="dispatched")] == [a["id"]]
    assert [o["id"] for o in orders.list(department=dept, agent="fire")] == [b["id"]]
    assert [o["id"] for o in orders.list(department=dept, priority="P2")] == [a["id"]]


def test_sla_deadlines_follow_the_table():
    friday = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert sla_deadline("P1", friday) == (datetime(2026, 11, 21, 9, 0, tzinfo=UTC), "sla-p1")
    assert sla_deadline("P2", friday)[0] == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Mon, Tue, Wed
    assert sla_deadline("P3", friday)[0] == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        sla_deadline("P9", friday)
