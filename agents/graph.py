"""The LangGraph every agent runs through, and its state.

intake → extract (LLM structured output when a model is given, otherwise rules and patterns)
→ assess (rules tables) ─┬→ legal_basis (corpus search) → decide → work_order → respond
                         └→ respond   (an escalation, e.g. an active fire: the reply only)

The run's parts arrive as the typed LangGraph context (a RunContext), so one compiled graph
serves every request. Each node records what it did in a Trace of its own and returns it with
its results; the trace channels' reducers append the records in the order the nodes ran.
"""

import operator
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from pydantic import BaseModel, ValidationError

from agents.context import RunContext
from agents.errors import InvalidAgentInput
from agents.legal import cite_articles
from agents.rulebook import Trace, join_fired
from agents.slots import llm_slots
from retrieval.errors import ServiceError

if TYPE_CHECKING:
    from agents.base import Agent


class AgentState(TypedDict, total=False):
    """What flows through the graph. The last four keys are the trace (Trace.to_dict's keys):
    nodes return what they add, never change what is there."""

    payload: Any  # the request as given (anything JSON: intake checks it)
    slots: dict  # validated input fields (given + extracted)
    assessment: dict  # what the rules found
    legal: list[dict]  # cited articles, retrieved from the corpus
    decision: BaseModel  # the agent's Decision model
    work_order: dict | None
    reply: str
    brief: str
    steps: Annotated[list[str], operator.add]
    rules_fired: Annotated[list[dict], join_fired]
    sources: Annotated[list[dict], operator.add]
    notes: Annotated[list[str], operator.add]


def trace_of(state: Mapping[str, Any]) -> dict[str, list]:
    """The run's trace as the API shows it (Trace.to_dict's shape)."""
    return Trace(rules=state.get("rules_fired", []), sources=state.get("sources", []),
                 steps=state.get("steps", []), notes=state.get("notes", [])).to_dict()


def invalid(e: ValidationError) -> InvalidAgentInput:
    """A pydantic error as InvalidAgentInput that names the first bad field."""
    first = e.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "input"
    return InvalidAgentInput(f"{field}: {first['msg']}", field=field)


Graph = CompiledStateGraph[AgentState, RunContext, AgentState, AgentState]


def build_graph(agent: "Agent") -> Graph:
    """The compiled LangGraph for `agent`."""

    def intake(state: AgentState) -> dict:
        payload, trace = state["payload"], Trace()
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
        return {"slots": {**given, "text": text}, **trace.to_dict()}

    def extract(state: AgentState, runtime: Runtime[RunContext]) -> dict:
        model, trace, slots = runtime.context.model, Trace(), state["slots"]
        text = slots.get("text") or ""
        found: dict = {}
        if text:
            if model is not None:
                try:
                    found = llm_slots(agent, text, model)
                    trace.steps.append(f"extract:llm:{model.name}")
                except (ValueError, ValidationError, ServiceError) as e:
                    reason = type(e).__name__ if not isinstance(e, ValueError | ServiceError) else str(e)
                    trace.notes.append(f"大模型槽位抽取失败（{model.name}：{reason[:160]}），已回退到规则与模式抽取")
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
        return {"slots": validated, **trace.to_dict()}

    def assess(state: AgentState) -> dict:
        trace = Trace(steps=["assess"])
        return {"assessment": agent.assess(state["slots"], trace), **trace.to_dict()}

    def legal_basis(state: AgentState, runtime: Runtime[RunContext]) -> dict:
        trace = Trace(steps=["legal_basis"])
        legal = cite_articles(runtime.context.searcher, agent.citations(state["assessment"]), trace)
        return {"legal": legal, **trace.to_dict()}

    def decide(state: AgentState) -> dict:
        trace = Trace(steps=["decide"])
        decision = agent.decide(state["slots"], state["assessment"], state.get("legal", []), trace)
        return {"decision": decision, **trace.to_dict()}

    def work_order(state: AgentState, runtime: Runtime[RunContext]) -> dict:
        trace, store, decision = Trace(), runtime.context.work_orders, state["decision"]
        fields = agent.work_order(decision, state["slots"], trace)
        if fields is None:
            trace.steps.append("work_order:none")
            return {"work_order": None, **trace.to_dict()}
        order_fields = {"agent": agent.name, "category": agent.category, **fields}
        if store is None:
            trace.steps.append("work_order:draft")
            trace.notes.append("未连接事件单存储：只生成草稿，未入库")
            return {"work_order": {**order_fields, "id": None, "status": "draft"}, **trace.to_dict()}
        order = store.create(**order_fields, decision=decision.model_dump(mode="json"))
        trace.steps.append(f"work_order:{order['id']}")
        return {"work_order": {k: v for k, v in order.items() if k != "decision"}, **trace.to_dict()}

    def respond(state: AgentState) -> dict:
        trace = Trace(steps=["respond"])
        decision = state.get("decision")
        if decision is None:  # an escalation skipped `decide`: decided here, without legal basis
            decision = agent.decide(state["slots"], state["assessment"], [], trace)
        reply, brief = agent.respond(decision, state.get("legal", []), state.get("work_order"))
        return {"decision": decision, "reply": reply, "brief": brief, **trace.to_dict()}

    graph = StateGraph(AgentState, context_schema=RunContext)
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
