"""Liveness and readiness probes."""

from typing import Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from assistant.api.deps import ServicesDep
from assistant.api.jsonbody import GuardedRoute

router = APIRouter(tags=["health"], route_class=GuardedRoute)


@router.get("/healthz")
async def healthz():
    return {"status": "ok"}


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    chunks: int
    embedder: str


@router.get("/readyz", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "No index yet"}})
async def readyz(services: ServicesDep):
    """Ready when the index exists and holds chunks."""
    chunks = await run_in_threadpool(services.store.count)
    body = Readiness(status="ready" if chunks else "not_ready", chunks=chunks,
                     embedder=services.embedder.name)
    return JSONResponse(body.model_dump(), status_code=200 if chunks else 503)
