"""/v1/work-orders: the work orders (事件单) the agents create; staff list, read and move them."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.deps import ServicesDep, StaffDep
from assistant.api.jsonbody import GuardedRoute
from assistant.api.schemas import errors
from assistant.store.workorders import MAX_ID, PRIORITIES, STATES

router = APIRouter(tags=["work-orders"], route_class=GuardedRoute, responses=errors(403))
OrderId = Annotated[int, Path(ge=1, le=MAX_ID)]


class StatusUpdate(BaseModel):
    model_config = ConfigDict(strict=True, json_schema_extra={"examples": [
        {"status": "dispatched", "note": "转街道综合执法队", "department": "街道综合执法队"}]})

    status: Literal[STATES] = Field(description=" → ".join(STATES))
    note: str = Field("", max_length=2000)
    department: str | None = Field(None, max_length=64, description="Re-dispatch to this body.")


class WorkOrderList(BaseModel):
    data: list[dict]


@router.get("/v1/work-orders", response_model=WorkOrderList)
async def list_orders(caller: StaffDep, services: ServicesDep,
                      status: Literal[STATES] | None = None,
                      department: str | None = Query(None, max_length=64),
                      agent: str | None = Query(None, max_length=32),
                      priority: Literal[PRIORITIES] | None = None,
                      limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_ID)):
    rows = await run_in_threadpool(services.work_orders.list, status=status, department=department,
                                   agent=agent, priority=priority, limit=limit, offset=offset)
    return WorkOrderList(data=rows)


@router.get("/v1/work-orders/{order_id}", responses=errors(404), operation_id="get_work_order")
async def get_order(order_id: OrderId, caller: StaffDep, services: ServicesDep) -> dict:
    return await run_in_threadpool(services.work_orders.get, order_id)


@router.post("/v1/work-orders/{order_id}/status", responses=errors(404, 409),
             operation_id="move_work_order")
async def update_status(order_id: OrderId, req: StatusUpdate, caller: StaffDep,
                        services: ServicesDep) -> dict:
    return await run_in_threadpool(services.work_orders.transition, order_id, req.status,
                                   actor=f"{caller.role}:{caller.id}", note=req.note,
                                   department=req.department)
