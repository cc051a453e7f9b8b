"""The work-order store on SQLite and on a real PostgreSQL server: lifecycle, history, SLA."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from chinese_calendar import is_workday

from assistant.errors import IllegalTransition, InvalidInput, NotFound
from assistant.store import workorders
from assistant.store.public import WorkOrderOut
from assistant.store.workdays import LAST_YEAR, add_working_days, calendar_covers
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


def test_the_json_is_the_public_model_in_the_api_s_shape(orders):
    order = _new(orders)
    assert list(order) == ["id", "agent", "category", "title", "summary", "department", "priority",
                           "status", "created", "updated", "sla_deadline", "sla_rule", "decision",
                           "history"]
    assert list(order["history"][0]) == ["at", "from", "to", "actor", "note", "department"]
    for moment in (order["created"], order["sla_deadline"], order["history"][0]["at"]):
        assert moment.endswith("+00:00") and datetime.fromisoformat(moment).tzinfo is not None
    assert WorkOrderOut.model_validate(order).model_dump(mode="json", by_alias=True) == order


# -- SLA deadlines on China's official calendar (chinesecalendar's data) -------------------

def test_working_days_skip_national_day():
    """2025-10-01..08 are 国庆 and 中秋 holidays; Saturday 10-11 is a 调休 working day."""
    before = datetime(2025, 9, 30, 9, 0, tzinfo=UTC)
    assert sla_deadline("P2", before) == (datetime(2025, 10, 11, 9, 0, tzinfo=UTC), "sla-p2")
    assert sla_deadline("P3", before)[0] == datetime(2025, 10, 14, 9, 0, tzinfo=UTC)
    assert sla_deadline("P1", before)[0] == datetime(2025, 10, 1, 9, 0, tzinfo=UTC)  # hours


def test_a_make_up_saturday_counts():
    """Saturday 2026-05-09 is a working day in exchange for the 劳动节 holiday."""
    friday = datetime(2026, 5, 8, 9, 0, tzinfo=UTC)
    assert sla_deadline("P2", friday)[0] == datetime(2026, 5, 12, 9, 0, tzinfo=UTC)  # Sat, Mon, Tue


def test_days_are_china_s_days():
    """A day is a working day by its date in China (UTC+8)."""
    # Friday 20:00 UTC is Saturday 04:00 in China; Sunday 20:00 UTC is Monday 04:00 there.
    assert add_working_days(datetime(2026, 11, 20, 20, 0, tzinfo=UTC), 1) == \
        datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    # 2025-09-30 20:00 UTC is 10-01 in China; 10-08 20:00 UTC is 10-09 04:00, a working day.
    assert add_working_days(datetime(2025, 9, 30, 20, 0, tzinfo=UTC), 1) == \
        datetime(2025, 10, 8, 20, 0, tzinfo=UTC)


def test_beyond_the_calendar_s_years_monday_to_friday_and_said_so(orders, monkeypatch):
    start = datetime(LAST_YEAR, 12, 30, 9, 0, tzinfo=UTC)
    deadline, rule = sla_deadline("P3", start)
    assert rule == "sla-p3" and not calendar_covers(start, deadline)
    last_day = date(LAST_YEAR, 12, 31)
    expected, left = start, 5
    while left:  # the calendar's last known day, then Monday to Friday
        expected += timedelta(days=1)
        day = expected.date()
        left -= is_workday(day) if day <= last_day else day.weekday() < 5
    assert deadline == expected
    monkeypatch.setattr(workorders, "_now", lambda: start)
    order = _new(orders)
    assert order["sla_deadline"] == deadline.isoformat() and order["sla_rule"] == "sla-p3"
    assert "周一至周五" in order["history"][0]["note"]
    inside = datetime(LAST_YEAR, 6, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(workorders, "_now", lambda: inside)
    assert _new(orders)["history"][0]["note"] == "智能体创建"
