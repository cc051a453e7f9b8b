"""POST /v1/ask: a structured answer with the service's fields, and session memory."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from assistant.deps import CallerDep, ServicesDep
from assistant.pipeline import Answer
from assistant.protocol import AskRequest, AskResponse, Citation

router = APIRouter(tags=["ask"])


def ask(services, question: str, role: str, caller: str, session_id: str | None,
        model: str | None) -> tuple[dict, Answer]:
    """Answer `question` in conversation `session_id` (if any) and record the turn."""
    history = services.db.history(caller, session_id) if session_id else []
    answer = services.pipeline.answer(question, role=role, model=model, history=history)
    if session_id:
        services.db.add_turn(caller, session_id, question, answer.standalone_query, answer.answer,
                             answer.citations[0]["doc_id"] if answer.citations else None, answer.handoff)
    services.db.audit(caller=caller, role=role, endpoint="ask", question=question,
                      answer=answer.answer, model=answer.model,
                      citations=[c["chunk_id"] for c in answer.citations],
                      confidence=answer.confidence, handoff=answer.handoff, notice=answer.notice)
    return {**answer.to_dict(), "session_id": session_id}, answer


@router.post("/v1/ask", response_model=AskResponse)
async def ask_route(req: AskRequest, caller: CallerDep, services: ServicesDep, request: Request):
    body, answer = await run_in_threadpool(ask, services, req.question, caller.role, caller.id,
                                           req.session_id, req.model)
    request.app.state.metrics.answer(answer)
    body["citations"] = [Citation(**c) for c in body["citations"]]
    return body
