"""GET /v1/agents and POST /v1/agents/{name}/runs: the registered scenario agents (staff)."""

import operator
from functools import reduce
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from agents import AGENTS
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


# The decision models of the agents registered now, then any object: an agent registered later
# (a plug-in, a test) is served as is. Left to right, and every decision model forbids extra
# keys and requires all of its own, so a decision validates as its own model and nothing else.
Decision = Annotated[
    reduce(operator.or_, [cls.Decision for cls in AGENTS.classes()] + [dict[str, Any]]),
    Field(union_mode="left_to_right", description="The agent's decision (one schema per agent).")]


class RunResponse(BaseModel):
    agent: str
    decision: Decision
    work_order: dict | None
    reply: str
    brief: str
    trace: dict


@router.get("/v1/agents", response_model=AgentList)
async def list_agents(caller: CallerDep):
    return AgentList(data=[AgentCard(**cls.schema()) for cls in AGENTS.classes()])


# The order a run creates, for clients (and schemathesis's stateful phase) to follow.
_ORDER = {"order_id": "$response.body#/work_order/id"}
LINKS = {"GetWorkOrder": {"operationId": "get_work_order", "parameters": _ORDER},
         "MoveWorkOrder": {"operationId": "move_work_order", "parameters": _ORDER}}


@router.post("/v1/agents/{name}/runs", response_model=RunResponse,
             responses={200: {"links": LINKS}, **errors(403, 404, 503)})
async def run(name: str, req: RunRequest, caller: StaffDep, services: ServicesDep):
    return await run_in_threadpool(services.run_agent, name, req.input, model=req.model,
                                   caller=caller.id, role=caller.role)
