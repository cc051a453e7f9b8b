"""POST /v1/ask: a structured answer with the service's fields, and session memory."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from assistant.conversation import ask
from assistant.deps import CallerDep, ServicesDep
from assistant.protocol import AskRequest, AskResponse, Citation

router = APIRouter(tags=["ask"])


@router.post("/v1/ask", response_model=AskResponse)
async def ask_route(req: AskRequest, caller: CallerDep, services: ServicesDep, request: Request):
    body, answer = await run_in_threadpool(ask, services, req.question, caller.role, caller.id,
                                           req.session_id, req.model)
    request.app.state.metrics.answer(answer)
    body["citations"] = [Citation(**c) for c in body["citations"]]
    return body
