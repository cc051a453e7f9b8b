"""Work orders (事件单): a lifecycle with history, on the store's engine (SQLite or PostgreSQL).

States follow the internal lifecycle rules (hotline-work-order-lifecycle 二、工单状态):
created → dispatched → in_progress → resolved → closed, plus re-dispatch (退单改派) and
re-opening a resolved order (重办). Any other move is refused with 409 `illegal_transition`.
The SLA deadline comes from agents/rules/sla.yaml (system defaults, not legal time limits),
counted in working days on China's official calendar (assistant/store/workdays.py). Orders
are stored as `WorkOrder` rows and shown as `WorkOrderOut` (assistant/store/public.py).
"""

from datetime import datetime, timedelta

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship, sessionmaker

from assistant.errors import IllegalTransition, InvalidInput, NotFound
from assistant.store.base import Base, utcnow
from assistant.store.public import WorkOrderOut
from assistant.store.storable import storable, storable_data
from assistant.store.workdays import FIRST_YEAR, LAST_YEAR, add_working_days, calendar_covers

STATES = ("created", "dispatched", "in_progress", "resolved", "closed")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "created": ("dispatched",),
    "dispatched": ("in_progress", "dispatched"),  # dispatched again = reassigned
    "in_progress": ("resolved", "dispatched"),  # back to dispatched = 退单改派
    "resolved": ("closed", "in_progress"),  # back to in_progress = 重办
    "closed": (),
}
PRIORITIES = ("P1", "P2", "P3", "P4")
MAX_ID = 2**31 - 1  # ids are 32-bit INTEGER on PostgreSQL


def _now() -> datetime:
    # The store's clock, by name, so that a test can set the day an order is created.
    return utcnow()


class WorkOrder(Base):
    """A work order as stored; `WorkOrderOut` is what callers see of it."""

    __tablename__ = "work_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent: Mapped[str] = mapped_column(String(32), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    department: Mapped[str] = mapped_column(String(64), index=True)
    priority: Mapped[str] = mapped_column(String(4), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="created")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    sla_deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sla_rule: Mapped[str] = mapped_column(String(64))
    decision: Mapped[dict] = mapped_column(JSON, default=dict)
    events: Mapped[list["WorkOrderEvent"]] = relationship(
        order_by="WorkOrderEvent.id", lazy="selectin", cascade="all, delete-orphan")


class WorkOrderEvent(Base):
    """One step of a work order's history."""

    __tablename__ = "work_order_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    department: Mapped[str | None] = mapped_column(String(64), nullable=True)


def _public(order: WorkOrder) -> dict:
    """The order as the API shows it (`WorkOrderOut`'s JSON form)."""
    return WorkOrderOut.model_validate(order).model_dump(mode="json", by_alias=True)


def sla_deadline(priority: str, start: datetime) -> tuple[datetime, str]:
    """The resolve-by time for `priority` from the SLA table, and the rule id. Hours count
    around the clock; working days follow China's official calendar (holidays off, 调休
    weekend days on), and Monday to Friday in the years the calendar does not know yet (the
    order's creation note then says so; the rule id stays the table's)."""
    deadline, rule, _ = _sla(priority, start)
    return deadline, rule


def _sla(priority: str, start: datetime) -> tuple[datetime, str, bool]:
    """`sla_deadline`, and whether it counted working days beyond the calendar's years."""
    from agents.rulebook import RuleBook

    if priority not in PRIORITIES:
        raise InvalidInput(f"priority must be one of {PRIORITIES}", field="priority")
    rule = RuleBook.load("sla").lookup("resolve_within", priority=priority)
    if "hours" in rule.value:
        return start + timedelta(hours=rule.value["hours"]), rule.id, False
    deadline = add_working_days(start, rule.value["working_days"])
    return deadline, rule.id, not calendar_covers(start, deadline)


def _creation_note(beyond_calendar: bool) -> str:
    if not beyond_calendar:
        return "智能体创建"
    return (f"智能体创建；节假日日历仅含{FIRST_YEAR}–{LAST_YEAR}年，"
            "其后的办理时限按周一至周五计算")


class WorkOrderStore:
    """Work orders on the Store's engine (its migrations made the tables)."""

    def __init__(self, engine):
        self._session = sessionmaker(engine, expire_on_commit=False)

    def create(self, *, agent: str, category: str, title: str, summary: str, department: str,
               priority: str, decision: dict, actor: str = "agent") -> dict:
        created = _now()
        deadline, rule, beyond_calendar = _sla(priority, created)
        with self._session() as s, s.begin():
            department = storable(department, 64)
            order = WorkOrder(agent=agent, category=category, title=storable(title, 200),
                              summary=storable(summary, 8000), department=department,
                              priority=priority, decision=storable_data(decision),
                              status="created", created=created, updated=created,
                              sla_deadline=deadline, sla_rule=rule)
            order.events.append(WorkOrderEvent(from_status=None, to_status="created", actor=actor,
                                               note=_creation_note(beyond_calendar),
                                               department=department, at=created))
            s.add(order)
        return self.get(order.id)

    def get(self, order_id: int) -> dict:
        with self._session() as s:
            order = s.get(WorkOrder, order_id)
            if order is None:
                raise NotFound(f"no work order {order_id}", code="work_order_not_found", field="id")
            return _public(order)

    def list(self, *, status: str | None = None, department: str | None = None,
             agent: str | None = None, priority: str | None = None, limit: int = 50,
             offset: int = 0) -> list[dict]:
        if status is not None and status not in STATES:
            raise InvalidInput(f"status must be one of {STATES}", field="status")
        query = select(WorkOrder).order_by(WorkOrder.id.desc()).limit(limit).offset(offset)
        for column, value in ((WorkOrder.status, status), (WorkOrder.department, department),
                              (WorkOrder.agent, agent), (WorkOrder.priority, priority)):
            if value is not None:
                query = query.where(column == value)
        with self._session() as s:
            return [_public(o) for o in s.scalars(query)]

    def transition(self, order_id: int, to_status: str, *, actor: str, note: str = "",
                   department: str | None = None) -> dict:
        """Move an order to `to_status` if the lifecycle allows it from the status it has now;
        record who, when and why.

        The status is read and changed in one transaction, and the change is a conditional
        `UPDATE … WHERE status = <the status read>`: of concurrent moves from one status,
        exactly one matches a row (PostgreSQL re-checks the condition after waiting for the
        row lock). The others are checked again against the new status. On SQLite, where
        `SELECT … FOR UPDATE` does nothing, the transaction also begins IMMEDIATE, taking
        the write lock before the read (assistant/store/base.py).
        """
        if to_status not in STATES:
            raise InvalidInput(f"status must be one of {STATES}", field="status")
        note = storable(note, 2000)
        department = storable(department, 64) if department else None
        while True:
            try:
                with self._session() as s, s.begin():
                    s.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                    order = s.get(WorkOrder, order_id)
                    if order is None:
                        raise NotFound(f"no work order {order_id}", code="work_order_not_found",
                                       field="id")
                    current = order.status
                    if to_status not in TRANSITIONS[current]:
                        allowed = ", ".join(TRANSITIONS[current]) or "none (closed)"
                        raise IllegalTransition(f"cannot move work order {order_id} from "
                                                f"{current} to {to_status}; allowed: {allowed}",
                                                field="status")
                    now = _now()
                    moved = s.execute(
                        update(WorkOrder)
                        .where(WorkOrder.id == order_id, WorkOrder.status == current)
                        .values(status=to_status, updated=now,
                                **({"department": department} if department else {}))
                        .execution_options(synchronize_session=False))
                    if moved.rowcount != 1:
                        raise _Overtaken
                    s.add(WorkOrderEvent(order_id=order_id, from_status=current,
                                         to_status=to_status, actor=actor, note=note, at=now,
                                         department=department or order.department))
            except _Overtaken:
                continue  # another move won: check this one against the status it left
            return self.get(order_id)


class _Overtaken(Exception):
    """Rolls back a move whose conditional update found the status already changed."""
