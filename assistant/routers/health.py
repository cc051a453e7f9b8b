"""Liveness and readiness probes."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz():
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(services: ServicesDep):
    """Ready when the index exists and holds chunks."""
    chunks = services.store.count()
    body = {"status": "ready" if chunks else "not_ready", "chunks": chunks,
            "embedder": services.embedder.name}
    return JSONResponse(body, status_code=200 if chunks else 503)
