"""POST /v1/ask: a structured answer with the service's fields, and session memory."""

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from assistant.api.deps import CallerDep, ServicesDep
from assistant.api.jsonbody import GuardedRoute
from assistant.api.schemas import AskRequest, AskResponse, errors
from assistant.api.sessions import ANONYMOUS

router = APIRouter(tags=["ask"], route_class=GuardedRoute)


@router.post("/v1/ask", response_model=AskResponse, responses=errors(403, 404, 503))
async def ask_route(req: AskRequest, caller: CallerDep, services: ServicesDep):
    """Answer one question with citations. Omit `session_id` to start a conversation; send
    the `session_id` of the answer back with a follow-up (那要多少钱？)."""
    owner = caller.id if caller.keyed else ANONYMOUS
    if req.session_id:
        session_id, key = req.session_id, services.sessions.verify(req.session_id, owner)
    else:
        session_id, key = services.sessions.issue(owner)
    answer = await run_in_threadpool(
        services.conversations.ask, req.question, role=caller.role, caller=caller.id,
        model=req.model, session=(owner, key), new_session=not req.session_id)
    return {**answer.to_dict(), "session_id": session_id}
