"""Request and response models of the HTTP API.

The chat models follow the OpenAI chat-completions spec in its field order; fields that are
ours are marked `extension`.
"""

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.api import sessions
from retrieval.search import MAX_QUERY_CHARS

MAX_MESSAGES = 50
# Request bodies are validated strictly (no "5" for 5, no false for 0.0): what the schema
# says is what is accepted. JSON Schema counts 5.0 as an integer, so integers take it too.


def whole_number(value: Any) -> Any:
    """5.0 → 5 for an integer field (a before-validator); anything else as it is."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
# At least one character that is not white space (JSON Schema patterns match anywhere). The
# set is ECMAScript's \s, spelled out: JSON Schema reads patterns as ECMAScript, and Python's
# and Rust's \s also take U+0085 and U+001C–U+001F, so `\S` would mean two different things.
NOT_BLANK = r"[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable: e.g. invalid_request, rate_limited.")
    message: str = Field(description="What is wrong and how to fix it, safe to show.")
    field: str | None = Field(None, description="The request field at fault, if one is.")


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


_ERRORS = {
    400: "Bad input (the code and field say which and why)",
    401: "No valid API key, or a malformed Authorization header",
    403: "The caller's role may not use this",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "Request body (or image) too large",
    415: "Unsupported media type",
    422: "The request does not match the schema",
    429: "Rate limited; Retry-After gives the seconds to wait",
    500: "Internal error (logged)",
    503: "The index or a model is not available",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses, all with the ErrorResponse body."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = {"model": ErrorResponse, "description": _ERRORS[status]}
        if status == 429:
            out[status]["headers"] = {"Retry-After": {
                "description": "Seconds until a request will be accepted again",
                "schema": {"type": "integer"}}}
    return out


# Every route may meet the body limit, the rate limit and an internal error; routes that
# read a key or a body may also answer 400, 401 and 422.
ANY_ROUTE = errors(413, 429, 500)
API_ROUTE = errors(400, 401, 413, 422, 429, 500)


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


class ChatMessage(BaseModel):
    model_config = ConfigDict(strict=True)

    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | None = ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(strict=True, json_schema_extra={"examples": [
        {"messages": [{"role": "user", "content": "公积金租房提取怎么办理"}]}]})

    model: str | None = None
    messages: list[ChatMessage] = Field(
        min_length=1, max_length=MAX_MESSAGES,
        description="The last user message with text is the question (at most "
                    f"{MAX_QUERY_CHARS} characters); earlier ones are the conversation.",
        json_schema_extra={"contains": {"type": "object", "required": ["role", "content"],
                                        "properties": {"role": {"const": "user"},
                                                       "content": {"type": "string",
                                                                   "pattern": NOT_BLANK}}}})
    stream: bool = False
    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, ge=1, le=8192)
    top_p: float | None = Field(None, ge=0, le=1)
    n: int | None = Field(None, ge=1, le=1)
    user: str | None = None

    _whole = field_validator("max_tokens", "n", mode="before")(whole_number)


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
    model_config = ConfigDict(strict=True,
                              json_schema_extra={"examples": [{"question": "身份证丢了怎么补办"}]})

    question: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, pattern=NOT_BLANK)
    session_id: str | None = Field(
        None, pattern=sessions.PATTERN,
        description="The session_id of an earlier answer to this caller, to ask a follow-up; "
                    "omit it to start a conversation (the answer carries a new one).")
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
    session_id: str = Field(description="Send it with the next question to follow up.")


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
