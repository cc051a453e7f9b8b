"""Any OpenAI-compatible server: vLLM in production, or yukuai's own endpoint."""

from collections.abc import Iterator, Mapping
from typing import Any

from assistant.errors import ModelUnavailable
from assistant.generation.backends import BackendError, register


@register("openai")
class OpenAIBackend:
    generative = True

    def __init__(self, config):
        import openai

        if not config.base_url:
            raise ModelUnavailable(f"model {config.name!r} has no base_url (set YUKUAI_VLLM_URL)")
        self.model = config.served_model or config.name
        self._errors = (openai.APIError, openai.APIConnectionError, openai.APITimeoutError)
        self.client = openai.OpenAI(base_url=config.base_url, api_key=config.api_key or "EMPTY",
                                    timeout=config.timeout_s, max_retries=0)

    def complete(self, messages: list[dict], *, temperature: float, max_tokens: int,
                 response_format: Mapping[str, Any] | None = None) -> str:
        """The reply; `response_format` (OpenAI structured output, e.g. a `json_schema`) goes to
        the server as is: vLLM constrains decoding to it."""
        extra = {"response_format": dict(response_format)} if response_format else {}
        try:
            reply = self.client.chat.completions.create(
                model=self.model, messages=messages, temperature=temperature, max_tokens=max_tokens,
                **extra)
        except self._errors as e:
            raise BackendError(f"generation server error: {type(e).__name__}") from e
        return reply.choices[0].message.content or ""

    def stream(self, messages: list[dict], *, temperature: float, max_tokens: int) -> Iterator[str]:
        try:
            for chunk in self.client.chat.completions.create(
                    model=self.model, messages=messages, temperature=temperature,
                    max_tokens=max_tokens, stream=True):
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except self._errors as e:
            raise BackendError(f"generation server error: {type(e).__name__}") from e
