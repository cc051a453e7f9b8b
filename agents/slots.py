"""Slots by LLM structured output: the agent's input schema sent as the OpenAI `response_format`
(`json_schema`, which vLLM enforces while decoding) and in the prompt (for servers that
ignore it), and the reply validated against the same pydantic model."""

import json
import re
from typing import TYPE_CHECKING, Any

from agents.context import TextModel

if TYPE_CHECKING:
    from agents.base import Agent

DEFAULT_MAX_TOKENS = 512


def slot_schema(agent: "Agent") -> dict[str, Any]:
    """The JSON schema of what the model may fill in: the input model less the free text."""
    schema = agent.Input.model_json_schema()
    schema.get("properties", {}).pop("text", None)
    return schema


def response_format(agent: "Agent") -> dict[str, Any]:
    """The OpenAI structured-output request for `agent`'s slots."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", f"{agent.name}_slots")[:64]  # the API's name rule
    return {"type": "json_schema",
            "json_schema": {"name": name, "schema": slot_schema(agent), "strict": True}}


def _json_object(text: str) -> dict:
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        raise ValueError("no JSON object in the model's reply")
    value = json.loads(match.group(0))
    if not isinstance(value, dict):
        raise ValueError("the model's reply is not a JSON object")  # noqa: TRY004 - one "bad reply" type
    return value


def llm_slots(agent: "Agent", text: str, model: TextModel) -> dict:
    """Slots `model` reads from `text`. Raises (ValueError, ValidationError, or the backend's
    ServiceError) on anything but an object the input model accepts."""
    fmt = response_format(agent)
    messages = [
        {"role": "system", "content": "你是政务事件信息抽取器。只输出一个符合下列 JSON Schema 的 JSON 对象，"
                                      "不确定的字段省略，不要输出其他文字。\n"
                                      + json.dumps(fmt["json_schema"]["schema"], ensure_ascii=False)},
        {"role": "user", "content": text},
    ]
    max_tokens = int((model.params or {}).get("max_tokens", DEFAULT_MAX_TOKENS))
    reply = model.complete(messages, temperature=0.0, max_tokens=max_tokens, response_format=fmt)
    value = {k: v for k, v in _json_object(reply).items() if v is not None}
    agent.Input.model_validate({**value, "text": text})  # schema check; raises ValidationError
    return value
