"""One turn of a conversation: answer in the context of the session, remember, audit."""

from assistant.answering.pipeline import Answer
from assistant.services import Services


def ask(services: Services, question: str, role: str, caller: str, session: tuple[str, str] | None,
        model: str | None) -> tuple[dict, Answer]:
    """Answer `question` in conversation `session` ((owner, key), if any) and record the turn;
    `caller` is the hashed identity the audit record names."""
    history = services.db.history(*session) if session else []
    answer = services.pipeline.answer(question, role=role, model=model, history=history)
    if session:
        services.db.add_turn(*session, question, answer.standalone_query, answer.answer,
                             answer.citations[0]["doc_id"] if answer.citations else None, answer.handoff)
    services.db.audit(caller=caller, role=role, endpoint="ask", question=question,
                      answer=answer.answer, model=answer.model,
                      citations=[c["chunk_id"] for c in answer.citations],
                      confidence=answer.confidence, handoff=answer.handoff, notice=answer.notice)
    return answer.to_dict(), answer
