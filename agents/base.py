"""The shared shape of a scenario agent and the LangGraph graph every agent runs through.

intake → extract (LLM structured output when a generative model is configured, otherwise
rules and patterns) → assess (rules tables) → legal_basis (corpus search) → decide →
work_order → respond. An agent fills in the steps that differ (its input model, patterns,
assessment, texts); the graph, the trace and the fallbacks are the same for all.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from pydantic import AfterValidator, BaseModel, ValidationError, WithJsonSchema

from agents.errors import InvalidAgentInput
from agents.legal import cite_articles
from agents.rulebook import RuleBook, Trace
from retrieval.errors import ServiceError

MAX_TEXT = 4000
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


class AgentState(TypedDict, total=False):
    """What flows through the graph."""

    payload: dict  # the request as given
    slots: dict  # validated input fields (given + extracted)
    assessment: dict  # what the rules found
    legal: list[dict]  # cited articles, retrieved from the corpus
    decision: dict
    work_order: dict | None
    reply: str
    brief: str
    trace: Trace


@dataclass
class RunContext:
    """The parts a run may use: the searcher (legal basis), the work-order store, a model."""

    searcher: Any = None
    work_orders: Any = None
    model: Any = None  # a ModelConfig with a generative backend, or None
    backend: Any = None


def clock_minutes(hhmm: str) -> int:
    """Minutes since midnight of an "HH:MM" time (a ClockTime, so already validated)."""
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


def invalid(e: ValidationError) -> InvalidAgentInput:
    """A pydantic error as InvalidAgentInput that names the first bad field."""
    first = e.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "input"
    return InvalidAgentInput(f"{field}: {first['msg']}", field=field)


class Agent:
    """A scenario agent: subclass, set the class attributes, implement the steps, register."""

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    Input: ClassVar[type[BaseModel]]
    category: ClassVar[str]
    rules_name: ClassVar[str | None] = None  # agents/rules/<this>.yaml; default: the name

    def __init__(self):
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

    def decide(self, slots: dict, assessment: dict, legal: list[dict], trace: Trace) -> dict:
        raise NotImplementedError

    def work_order(self, decision: dict, slots: dict) -> dict | None:
        """Fields of the work order to create, or None when no order is due."""
        return None

    def respond(self, decision: dict, legal: list[dict], work_order: dict | None) -> tuple[str, str]:
        """(reply for the citizen, brief for staff)."""
        raise NotImplementedError

    def escalated(self, assessment: dict) -> bool:
        """True when the run must stop at once (e.g. an active fire): no legal search, no order."""
        return False

    # -- running -------------------------------------------------------------------------
    def run(self, payload: dict, ctx: RunContext | None = None) -> dict:
        """Run the graph on one request; returns {decision, work_order, reply, brief, trace}."""
        state = self.graph.invoke({"payload": payload, "trace": Trace()},
                                  config={"configurable": {"ctx": ctx or RunContext()}})
        return {"agent": self.name, "decision": state["decision"],
                "work_order": state.get("work_order"), "reply": state["reply"],
                "brief": state["brief"], "trace": state["trace"].to_dict()}

    def schema(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "input_schema": self.Input.model_json_schema()}


def _ctx(config: RunnableConfig) -> RunContext:
    return config["configurable"]["ctx"]


def _json_object(text: str) -> dict:
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        raise ValueError("no JSON object in the model's reply")
    value = json.loads(match.group(0))
    if not isinstance(value, dict):
        raise ValueError("the model's reply is not a JSON object")  # noqa: TRY004 - one "bad reply" type
    return value


def llm_slots(agent: Agent, text: str, ctx: RunContext) -> dict:
    """Slots by LLM structured output: the input's JSON schema in the prompt, the reply
    validated against it. Raises on anything but a valid object."""
    schema = agent.Input.model_json_schema()
    schema.get("properties", {}).pop("text", None)
    messages = [
        {"role": "system", "content": "你是政务事件信息抽取器。只输出一个符合下列 JSON Schema 的 JSON 对象，"
                                      "不确定的字段省略，不要输出其他文字。\n"
                                      + json.dumps(schema, ensure_ascii=False)},
        {"role": "user", "content": text},
    ]
    params = ctx.model.params or {}
    reply = ctx.backend.complete(messages, temperature=0.0,
                                 max_tokens=int(params.get("max_tokens", 512)))
    value = {k: v for k, v in _json_object(reply).items() if v is not None}
    agent.Input.model_validate({**value, "text": text})  # schema check; raises ValidationError
    return value


def build_graph(agent: Agent):
    """The compiled LangGraph for `agent`."""

    def intake(state: AgentState) -> dict:
        payload = state["payload"]
        trace = state["trace"]
        if not isinstance(payload, dict):
            raise InvalidAgentInput("the input must be a JSON object", field="input")
        try:
            agent.Input.model_validate(payload)
        except ValidationError as e:
            raise invalid(e) from e
        given = {k: v for k, v in payload.items() if v is not None and k not in ("text", "model")}
        text = (payload.get("text") or "").strip()
        if not text and not given:
            raise InvalidAgentInput("give a description in `text` or the structured fields",
                               code="empty_input", field="text")
        trace.steps.append("intake")
        return {"slots": {**given, "text": text}}

    def extract(state: AgentState, config: RunnableConfig) -> dict:
        ctx, trace, slots = _ctx(config), state["trace"], dict(state["slots"])
        text = slots.get("text") or ""
        found: dict = {}
        if text:
            if ctx.backend is not None:
                try:
                    found = llm_slots(agent, text, ctx)
                    trace.steps.append(f"extract:llm:{ctx.model.name}")
                except (ValueError, ValidationError, ServiceError) as e:
                    reason = type(e).__name__ if not isinstance(e, ValueError | ServiceError) else str(e)
                    trace.notes.append(f"大模型槽位抽取失败（{ctx.model.name}：{reason[:160]}），已回退到规则与模式抽取")
                    trace.steps.append("extract:llm_failed")
            if not found:
                found = agent.patterns(text, trace)
                trace.steps.append("extract:patterns")
        else:
            trace.steps.append("extract:slots_given")
        # Fields given as structured input win over anything read from the text.
        merged = {**found, **{k: v for k, v in slots.items() if v not in (None, "")}}
        try:
            validated = agent.Input.model_validate(merged).model_dump(exclude_none=True)
        except ValidationError as e:
            raise invalid(e) from e
        trace.steps.append("slots:" + ",".join(sorted(k for k in validated if k != "text")))
        return {"slots": validated}

    def assess(state: AgentState) -> dict:
        state["trace"].steps.append("assess")
        return {"assessment": agent.assess(state["slots"], state["trace"])}

    def legal_basis(state: AgentState, config: RunnableConfig) -> dict:
        trace = state["trace"]
        trace.steps.append("legal_basis")
        return {"legal": cite_articles(_ctx(config).searcher, agent.citations(state["assessment"]), trace)}

    def decide(state: AgentState) -> dict:
        state["trace"].steps.append("decide")
        return {"decision": agent.decide(state["slots"], state["assessment"], state.get("legal", []),
                                         state["trace"])}

    def work_order(state: AgentState, config: RunnableConfig) -> dict:
        trace, store = state["trace"], _ctx(config).work_orders
        fields = agent.work_order(state["decision"], state["slots"])
        if fields is None:
            trace.steps.append("work_order:none")
            return {"work_order": None}
        fields = {"agent": agent.name, "category": agent.category, **fields,
                  "decision": state["decision"]}
        if store is None:
            trace.steps.append("work_order:draft")
            trace.notes.append("未连接事件单存储：只生成草稿，未入库")
            draft = {k: v for k, v in fields.items() if k != "decision"}
            return {"work_order": {**draft, "id": None, "status": "draft"}}
        order = store.create(**fields)
        trace.steps.append(f"work_order:{order['id']}")
        return {"work_order": {k: v for k, v in order.items() if k != "decision"}}

    def respond(state: AgentState) -> dict:
        state["trace"].steps.append("respond")
        decision = state.get("decision") or agent.decide(state["slots"], state["assessment"], [],
                                                         state["trace"])
        reply, brief = agent.respond(decision, state.get("legal", []), state.get("work_order"))
        return {"decision": decision, "reply": reply, "brief": brief}

    graph = StateGraph(AgentState)
    for name, fn in (("intake", intake), ("extract", extract), ("assess", assess),
                     ("legal_basis", legal_basis), ("decide", decide),
                     ("work_order", work_order), ("respond", respond)):
        graph.add_node(name, fn)
    graph.add_edge(START, "intake")
    graph.add_edge("intake", "extract")
    graph.add_edge("extract", "assess")
    # An escalation (active fire) skips everything but the reply: no search, no work order.
    graph.add_conditional_edges("assess", lambda s: "respond" if agent.escalated(s["assessment"])
                                else "legal_basis", ["respond", "legal_basis"])
    graph.add_edge("legal_basis", "decide")
    graph.add_edge("decide", "work_order")
    graph.add_edge("work_order", "respond")
    graph.add_edge("respond", END)
    return graph.compile()
