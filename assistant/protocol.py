"""Request and response models of the HTTP API.

The chat models follow the OpenAI chat-completions spec in its field order; fields that are
ours are marked `extension`.
"""

import time
import uuid
from typing import Literal

from pydantic import BaseModel, Field

MAX_MESSAGES = 50


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | None = ""


class ChatCompletionRequest(BaseModel):
    model: str | None = None
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, ge=1, le=8192)
    top_p: float | None = Field(None, ge=0, le=1)
    n: int | None = Field(None, ge=1, le=1)
    user: str | None = None


class Citation(BaseModel):
    """extension: one cited passage; `n` is the [n] marker in the text."""

    n: int
    doc_id: str
    chunk_id: str
    title: str
    section: str | None = None
    article: str | None = None
    quote: str


class ResponseMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: ResponseMessage
    finish_reason: Literal["stop", "length"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str = Field(default_factory=completion_id)
    object: Literal["chat.completion"] = "chat.completion"
    created: int = Field(default_factory=lambda: int(time.time()))
    model: str
    choices: list[Choice]
    usage: Usage
    citations: list[Citation] = []  # extension
    handoff: bool = False  # extension
    clarify: list[str] = []  # extension: options for a clarifying question
    notice: str | None = None  # extension


class AskRequest(BaseModel):
    question: str
    session_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    model: str | None = None


class AskResponse(BaseModel):
    answer: str
    citations: list[Citation]
    service: dict | None
    confidence: float
    handoff: bool
    clarify: list[str]
    notice: str | None
    focus: str
    model: str
    session_id: str | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "yukuai"
    backend: str  # extension
    description: str  # extension
    grounded: bool  # extension


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]
