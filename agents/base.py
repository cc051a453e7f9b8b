"""The shared shape of a scenario agent: its input types, the steps it implements and how it
runs (the graph itself is agents/graph.py).

An agent fills in the steps that differ (its input and decision models, patterns, assessment,
texts); the graph, the trace and the fallbacks are the same for all.
"""

import re
from datetime import date
from functools import cache
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, TypeAdapter, WithJsonSchema

from agents.context import RunContext
from agents.graph import build_graph, trace_of
from agents.rulebook import RuleBook, Trace

MAX_TEXT = 4000
# Work-order priorities, most urgent first (their SLA: agents/rules/sla.yaml).
Priority = Literal["P1", "P2", "P3", "P4"]
HHMM = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
# Dates outside these are typing errors, and date arithmetic near year 1 or 9999 overflows.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)


def _clock_time(value: str) -> str:
    match = HHMM.fullmatch(value)
    if match is None:
        raise ValueError("time must be HH:MM, 00:00-23:59")
    return f"{int(match.group(1)):02d}:{match.group(2)}"  # 9:05 → 09:05


def _sane_date(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"date must be between {FIRST_DATE} and {LAST_DATE}")
    return value


# A clock time as input models take it: "HH:MM" (or "H:MM"), stored as "HH:MM".
ClockTime = Annotated[str, AfterValidator(_clock_time), WithJsonSchema(
    {"type": "string", "pattern": f"^{HHMM.pattern}$", "description": "HH:MM（24小时制）"})]
# A calendar date in the years anyone means (1900-2199).
CalendarDate = Annotated[date, AfterValidator(_sane_date), WithJsonSchema(
    {"type": "string", "format": "date", "description": f"YYYY-MM-DD，{FIRST_DATE}–{LAST_DATE}"})]


def clock_minutes(hhmm: str) -> int:
    """Minutes since midnight of an "HH:MM" time (a ClockTime, so already validated)."""
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


def cited(legal: list[dict]) -> list[str]:
    """The legal_basis list of a decision: "title article" of each citation."""
    return [f"{c['title']} {c['article']}" for c in legal]


D = TypeVar("D", bound=BaseModel)


class Agent(Generic[D]):
    """A scenario agent: subclass, set the class attributes, implement the steps, register
    the class (agents/__init__.py). Building one loads its rules and compiles its graph."""

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    category: ClassVar[str]
    Input: ClassVar[type[BaseModel]]
    # The type `decide` returns: a pydantic model, or a union of models (a run dumps it as the
    # decision JSON, and the API's schema lists it).
    Decision: ClassVar[Any]
    rules_name: ClassVar[str | None] = None  # agents/rules/<this>.yaml; default: the name

    def __init__(self) -> None:
        self.rules = RuleBook.load(self.rules_name or self.name)
        self.graph = build_graph(self)

    # -- steps an agent implements -------------------------------------------------------
    def patterns(self, text: str, trace: Trace) -> dict:
        """Slots read from free text by rules and patterns (the embedded default)."""
        raise NotImplementedError

    def assess(self, slots: dict, trace: Trace) -> dict:
        raise NotImplementedError

    def citations(self, assessment: dict) -> list[tuple[str, str, str]]:
        """(corpus doc_id, 第X条 or section, search words) for the legal basis."""
        return []

    def decide(self, slots: dict, assessment: dict, legal: list[dict], trace: Trace) -> D:
        raise NotImplementedError

    def work_order(self, decision: D, slots: dict, trace: Trace) -> dict | None:
        """Fields of the work order to create, or None when no order is due."""
        return None

    def respond(self, decision: D, legal: list[dict], work_order: dict | None) -> tuple[str, str]:
        """(reply for the citizen, brief for staff)."""
        raise NotImplementedError

    def escalated(self, assessment: dict) -> bool:
        """True when the run must stop at once (e.g. an active fire): no legal search, no order."""
        return False

    # -- running -------------------------------------------------------------------------
    def run(self, payload: Any, ctx: RunContext | None = None) -> dict:
        """Run the graph on one request: {agent, decision, work_order, reply, brief, trace},
        all JSON."""
        state = self.graph.invoke({"payload": payload}, context=ctx or RunContext())
        return {"agent": self.name, "decision": state["decision"].model_dump(mode="json"),
                "work_order": state.get("work_order"), "reply": state["reply"],
                "brief": state["brief"], "trace": trace_of(state)}

    @classmethod
    def schema(cls) -> dict:
        """What GET /v1/agents lists; needs no built agent."""
        return {"name": cls.name, "title": cls.title, "description": cls.description,
                "input_schema": cls.Input.model_json_schema()}

    @classmethod
    def decision_type(cls) -> TypeAdapter:
        """A validator (and JSON schema) for this agent's decisions."""
        return _adapter(cls.Decision)


@cache
def _adapter(decision: Any) -> TypeAdapter:
    return TypeAdapter(decision)
