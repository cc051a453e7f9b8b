"""Work orders (事件单): a lifecycle with history, on the store's engine (SQLite or PostgreSQL).

States follow the internal lifecycle rules (hotline-work-order-lifecycle 二、工单状态):
created → dispatched → in_progress → resolved → closed, plus re-dispatch (退单改派) and
re-opening a resolved order (重办). Any other move is refused with 409 `illegal_transition`.
The SLA deadline comes from agents/rules/sla.yaml (system defaults, not legal time limits).
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

from assistant.errors import IllegalTransition, InvalidInput, NotFound
from assistant.store.db import storable, storable_data

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


class _Base(DeclarativeBase):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(d: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything here is stored in UTC.
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


class WorkOrder(_Base):
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

    def to_dict(self) -> dict:
        return {"id": self.id, "agent": self.agent, "category": self.category, "title": self.title,
                "summary": self.summary, "department": self.department, "priority": self.priority,
                "status": self.status, "created": _aware(self.created).isoformat(),
                "updated": _aware(self.updated).isoformat(),
                "sla_deadline": _aware(self.sla_deadline).isoformat(), "sla_rule": self.sla_rule,
                "decision": self.decision, "history": [e.to_dict() for e in self.events]}


class WorkOrderEvent(_Base):
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

    def to_dict(self) -> dict:
        return {"at": _aware(self.at).isoformat(), "from": self.from_status, "to": self.to_status,
                "actor": self.actor, "note": self.note, "department": self.department}


def sla_deadline(priority: str, start: datetime) -> tuple[datetime, str]:
    """The resolve-by time for `priority` from the SLA table, and the rule id. Working days
    skip Saturdays and Sundays only (no holiday calendar is bundled)."""
    from agents.rulebook import RuleBook

    if priority not in PRIORITIES:
        raise InvalidInput(f"priority must be one of {PRIORITIES}", field="priority")
    rule = RuleBook.load("sla").lookup("resolve_within", priority=priority)
    if "hours" in rule.value:
        return start + timedelta(hours=rule.value["hours"]), rule.id
    day, left = start, rule.value["working_days"]
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return day, rule.id


class WorkOrderStore:
    """Work orders on an existing SQLAlchemy engine (the Store's), tables created on first use."""

    def __init__(self, engine):
        _Base.metadata.create_all(engine)
        self._session = sessionmaker(engine, expire_on_commit=False)

    def create(self, *, agent: str, category: str, title: str, summary: str, department: str,
               priority: str, decision: dict, actor: str = "agent") -> dict:
        created = _now()
        deadline, rule = sla_deadline(priority, created)
        with self._session() as s, s.begin():
            department = storable(department, 64)
            order = WorkOrder(agent=agent, category=category, title=storable(title, 200),
                              summary=storable(summary, 8000), department=department,
                              priority=priority, decision=storable_data(decision),
                              status="created", created=created, updated=created,
                              sla_deadline=deadline, sla_rule=rule)
            order.events.append(WorkOrderEvent(from_status=None, to_status="created", actor=actor,
                                               note="智能体创建", department=department, at=created))
            s.add(order)
        return self.get(order.id)

    def get(self, order_id: int) -> dict:
        with self._session() as s:
            order = s.get(WorkOrder, order_id)
            if order is None:
                raise NotFound(f"no work order {order_id}", code="work_order_not_found", field="id")
            return order.to_dict()

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
            return [o.to_dict() for o in s.scalars(query)]

    def transition(self, order_id: int, to_status: str, *, actor: str, note: str = "",
                   department: str | None = None) -> dict:
        """Move an order to `to_status` if the lifecycle allows it from the status it has now;
        record who, when and why.

        The status is read and changed in one transaction, and the change is a conditional
        `UPDATE … WHERE status = <the status read>`: of concurrent moves from one status,
        exactly one matches a row (PostgreSQL re-checks the condition after waiting for the
        row lock). The others are checked again against the new status. On SQLite, where
        `SELECT … FOR UPDATE` does nothing, the transaction also begins IMMEDIATE, taking
        the write lock before the read (assistant/store/db.py).
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
