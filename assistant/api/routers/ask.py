"""POST /v1/ask: a structured answer with the service's fields, and session memory."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from assistant.answering.conversation import ask
from assistant.api.deps import CallerDep, ServicesDep
from assistant.api.jsonbody import GuardedRoute
from assistant.api.schemas import AskRequest, AskResponse, Citation, errors
from assistant.api.sessions import ANONYMOUS

router = APIRouter(tags=["ask"], route_class=GuardedRoute)


@router.post("/v1/ask", response_model=AskResponse, responses=errors(403, 404, 503))
async def ask_route(req: AskRequest, caller: CallerDep, services: ServicesDep, request: Request):
    """Answer one question with citations. Omit `session_id` to start a conversation; send
    the `session_id` of the answer back with a follow-up (那要多少钱？)."""
    owner = caller.id if caller.keyed else ANONYMOUS
    if req.session_id:
        session_id, key = req.session_id, services.sessions.verify(req.session_id, owner)
    else:
        session_id, key = services.sessions.issue(owner)
    body, answer = await run_in_threadpool(ask, services, req.question, caller.role, caller.id,
                                           (owner, key), req.model)
    request.app.state.metrics.answer(answer)
    body["citations"] = [Citation(**c) for c in body["citations"]]
    return {**body, "session_id": session_id}
