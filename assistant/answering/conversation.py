"""Conversations: the one service behind /v1/ask, /v1/chat/completions and `yukuai ask`.

For every question it checks that the caller's role may use the model, takes the generation
defaults from the model's config, answers through the pipeline, remembers the turn of a
session, writes the audit record and counts the outcome: once, the same way for every
entry point, so that no route does any of it itself.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from assistant.answering.pipeline import Answer, AnswerPipeline
from assistant.generation.registry import ModelRegistry
from assistant.metrics import Metrics
from assistant.store.db import Store

Session = tuple[str, str]  # (owner, storage key): see assistant/api/sessions.py


@dataclass
class Conversations:
    """Built once per process (Services.conversations)."""

    pipeline: AnswerPipeline
    models: ModelRegistry
    db: Store
    metrics: Metrics

    def ask(self, question: str, *, role: str, caller: str, endpoint: str = "ask",
            model: str | None = None, session: Session | None = None,
            new_session: bool = False, history: list[str] | None = None,
            temperature: float | None = None, max_tokens: int | None = None) -> Answer:
        """Answer `question` for `caller`; earlier questions come from `session` (the store;
        a `new_session` has none, so it is not read) or from `history` (a chat's earlier
        user messages)."""
        config = self.models.get(model)
        self.models.check_access(config, role)
        if session and not new_session:
            history = self.db.history(*session)
        answer = self.pipeline.answer(question, role=role, model=config.name, history=history,
                                      temperature=temperature, max_tokens=max_tokens)
        if session:
            self.db.add_turn(*session, question, answer.standalone_query, answer.answer,
                             answer.citations[0]["doc_id"] if answer.citations else None,
                             answer.handoff)
        self.db.audit(caller=caller, role=role, endpoint=endpoint, question=question,
                      answer=answer.answer, model=answer.model,
                      citations=[c["chunk_id"] for c in answer.citations],
                      confidence=answer.confidence, handoff=answer.handoff, notice=answer.notice)
        self.metrics.answer(answer)
        return answer

    def raw(self, messages: list[dict], *, role: str, caller: str, model: str | None,
            temperature: float | None = None, max_tokens: int | None = None,
            stream: bool = False) -> str | Iterator[str]:
        """A model served as is (no retrieval, no guard), for the roles that may: its text,
        or its pieces when `stream`. The model loads here, so a missing one is a clean error
        before any byte is streamed."""
        config = self.models.get(model)
        self.models.check_access(config, role)
        self.models.backend(config.name)
        question = next((m.get("content") or "" for m in reversed(messages)
                         if m.get("role") == "user"), "")
        self.db.audit(caller=caller, role=role, endpoint="chat:raw", question=question,
                      model=config.name)
        return self.pipeline.raw(config.name, messages, stream=stream,
                                 **config.generation_params(temperature, max_tokens))
