"""POST /v1/chat/completions: OpenAI-compatible chat, grounded in the corpus, with citations.

Citations travel as [n] markers in the text and as the `citations` list, which the final
streamed chunk carries too. The last user message is the question; earlier user messages
are the conversation it may follow up on.
"""

import json
import time

from fastapi import APIRouter
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from sse_starlette.sse import EventSourceResponse

from assistant.answering.pipeline import Answer
from assistant.api.deps import CallerDep, ServicesDep
from assistant.api.jsonbody import GuardedRoute
from assistant.api.schemas import (
    ChatCompletion,
    ChatCompletionRequest,
    Choice,
    Citation,
    ResponseMessage,
    Usage,
    completion_id,
    errors,
)
from assistant.errors import InvalidInput
from assistant.generation.backends import BackendError

router = APIRouter(tags=["chat"], route_class=GuardedRoute)


def _usage(prompt: str, completion: str) -> Usage:
    # Characters, not tokens: the extractive default has no tokenizer.
    return Usage(prompt_tokens=len(prompt), completion_tokens=len(completion),
                 total_tokens=len(prompt) + len(completion))


def _completion(answer: Answer, question: str) -> ChatCompletion:
    text = (f"{answer.notice}\n" if answer.notice else "") + answer.answer
    return ChatCompletion(
        model=answer.model, choices=[Choice(message=ResponseMessage(content=text))],
        usage=_usage(question, text), citations=[Citation(**c) for c in answer.citations],
        handoff=answer.handoff, clarify=answer.clarify, notice=answer.notice)


def _chunk(base: dict, delta: dict, finish: str | None = None, **extra) -> str:
    return json.dumps({**base, "object": "chat.completion.chunk",
                       "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra},
                      ensure_ascii=False)


@router.post("/v1/chat/completions", response_model=ChatCompletion,
             response_model_exclude_none=False, responses={
                 200: {"content": {"text/event-stream": {"schema": {  # one event
                     "type": "object", "required": ["data"],
                     "properties": {"data": {"type": "string"}}}}},
                       "description": "JSON, or with `stream` server-sent chunks ending in "
                                      "[DONE]"},
                 **errors(403, 404, 503)})
async def chat_completions(req: ChatCompletionRequest, caller: CallerDep, services: ServicesDep):
    users = [m.content for m in req.messages if m.role == "user" and m.content and m.content.strip()]
    if not users:
        raise InvalidInput("messages holds no user message with text", code="no_user_message",
                           field="messages")
    if not services.models.get(req.model).grounded:
        return await _raw(req, caller, services)
    question, history = users[-1], users[:-1]
    answer = await run_in_threadpool(
        services.conversations.ask, question, role=caller.role, caller=caller.id,
        endpoint="chat", model=req.model, history=history, temperature=req.temperature,
        max_tokens=req.max_tokens)
    completion = _completion(answer, question)
    if not req.stream:
        return completion

    async def events():
        base = {"id": completion.id, "created": completion.created, "model": completion.model}
        yield _chunk(base, {"role": "assistant", "content": ""})
        text = completion.choices[0].message.content
        for i in range(0, len(text), 24):
            yield _chunk(base, {"content": text[i:i + 24]})
        yield _chunk(base, {}, "stop", citations=[c.model_dump() for c in completion.citations],
                     handoff=completion.handoff, clarify=completion.clarify, notice=completion.notice)
        yield "[DONE]"

    return EventSourceResponse(events(), sep="\n")


async def _raw(req: ChatCompletionRequest, caller, services):
    """A model served as is, for staff: what vLLM would answer, without retrieval or guard."""
    messages = [m.model_dump() for m in req.messages]
    served = await run_in_threadpool(
        services.conversations.raw, messages, role=caller.role, caller=caller.id,
        model=req.model, temperature=req.temperature, max_tokens=req.max_tokens,
        stream=req.stream)
    model = services.models.get(req.model).name
    if not req.stream:
        prompt = "".join(m["content"] or "" for m in messages)
        return ChatCompletion(model=model, choices=[Choice(message=ResponseMessage(content=served))],
                              usage=_usage(prompt, served))
    base = {"id": completion_id(), "created": int(time.time()), "model": model}

    async def events():
        yield _chunk(base, {"role": "assistant", "content": ""})
        try:
            async for piece in iterate_in_threadpool(served):
                yield _chunk(base, {"content": piece})
        except BackendError as e:
            yield json.dumps({"error": e.to_dict()})
        yield _chunk(base, {}, "stop")
        yield "[DONE]"

    return EventSourceResponse(events(), sep="\n")
