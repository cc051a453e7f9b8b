"""One turn of a conversation: answer in the context of the session, remember, audit."""

from assistant.pipeline import Answer
from assistant.services import Services


def ask(services: Services, question: str, role: str, caller: str, session_id: str | None,
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
