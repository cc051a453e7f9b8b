"""/v1/work-orders: the work orders (事件单) the agents create; staff list, read and move them."""

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from assistant.deps import ServicesDep, StaffDep
from assistant.workorders import STATES

router = APIRouter(tags=["work-orders"])


class StatusUpdate(BaseModel):
    status: Literal[STATES] = Field(description=" → ".join(STATES))
    note: str = Field("", max_length=2000)
    department: str | None = Field(None, max_length=64, description="Re-dispatch to this body.")


class WorkOrderList(BaseModel):
    data: list[dict]


@router.get("/v1/work-orders", response_model=WorkOrderList)
async def list_orders(caller: StaffDep, services: ServicesDep,
                      status: str | None = None, department: str | None = None,
                      agent: str | None = None, priority: str | None = None,
                      limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)):
    rows = await run_in_threadpool(services.work_orders.list, status=status, department=department,
                                   agent=agent, priority=priority, limit=limit, offset=offset)
    return WorkOrderList(data=rows)


@router.get("/v1/work-orders/{order_id}")
async def get_order(order_id: int, caller: StaffDep, services: ServicesDep) -> dict:
    return await run_in_threadpool(services.work_orders.get, order_id)


@router.post("/v1/work-orders/{order_id}/status")
async def update_status(order_id: int, req: StatusUpdate, caller: StaffDep,
                        services: ServicesDep) -> dict:
    return await run_in_threadpool(services.work_orders.transition, order_id, req.status,
                                   actor=f"{caller.role}:{caller.id}", note=req.note,
                                   department=req.department)
