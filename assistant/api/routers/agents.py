"""GET /v1/agents and POST /v1/agents/{name}/runs: the registered scenario agents (staff)."""

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from agents import AGENTS, get_agent
from assistant.api.deps import CallerDep, ServicesDep, StaffDep
from assistant.api.jsonbody import GuardedRoute
from assistant.api.schemas import errors

router = APIRouter(tags=["agents"], route_class=GuardedRoute)


class AgentCard(BaseModel):
    name: str
    title: str
    description: str
    input_schema: dict


class AgentList(BaseModel):
    data: list[AgentCard]


class RunRequest(BaseModel):
    model_config = ConfigDict(strict=True, json_schema_extra={"examples": [
        {"input": {"text": "楼下KTV每天晚上11点以后还在唱，吵得睡不着"}}]})

    input: dict = Field(description="The agent's input: free `text` and/or its structured fields "
                                    "(see input_schema in GET /v1/agents).")
    model: str | None = Field(None, description="A generative model (model_configs/) that reads "
                                                "the free text; unset = rules and patterns.")


class RunResponse(BaseModel):
    agent: str
    decision: dict
    work_order: dict | None
    reply: str
    brief: str
    trace: dict


@router.get("/v1/agents", response_model=AgentList)
async def list_agents(caller: CallerDep):
    return AgentList(data=[AgentCard(**a.schema()) for a in AGENTS.values()])


# The order a run creates, for clients (and schemathesis's stateful phase) to follow.
_ORDER = {"order_id": "$response.body#/work_order/id"}
LINKS = {"GetWorkOrder": {"operationId": "get_work_order", "parameters": _ORDER},
         "MoveWorkOrder": {"operationId": "move_work_order", "parameters": _ORDER}}


@router.post("/v1/agents/{name}/runs", response_model=RunResponse,
             responses={200: {"links": LINKS}, **errors(403, 404, 503)})
async def run(name: str, req: RunRequest, caller: StaffDep, services: ServicesDep):
    agent = get_agent(name)
    ctx = services.agent_context(req.model)
    result = await run_in_threadpool(agent.run, req.input, ctx)
    services.db.audit(caller=caller.id, role=caller.role, endpoint=f"agents/{name}",
                      question=str(req.input.get("text") or req.input)[:4000], answer=result["reply"],
                      model=req.model, citations=[s["chunk_id"] for s in result["trace"]["sources"]])
    return result
