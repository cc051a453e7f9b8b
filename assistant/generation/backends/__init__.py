"""Generation backends, registered by name; a model config names one.

A backend turns chat messages into text. `extractive` is the embedded default and needs no
model: the answer pipeline composes its answer from the retrieved passages. Adding a
backend is one new module with a `@register("name")` class and its import below.
"""

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from assistant.errors import ModelUnavailable, YukuaiError


class BackendError(YukuaiError):
    """The backend could not produce text (server down, timeout, bad reply)."""

    code = "backend_unavailable"


class Backend(Protocol):
    generative: bool

    def complete(self, messages: list[dict], *, temperature: float, max_tokens: int,
                 response_format: Mapping[str, Any] | None = None) -> str: ...

    def stream(self, messages: list[dict], *, temperature: float, max_tokens: int) -> Iterator[str]: ...


BACKENDS: dict[str, Callable] = {}


def register(name: str):
    def decorator(factory):
        BACKENDS[name] = factory
        return factory

    return decorator


def load_backend(config) -> Backend:
    if config.backend not in BACKENDS:
        raise ModelUnavailable(f"model {config.name!r} names unknown backend {config.backend!r}; "
                               f"known: {sorted(BACKENDS)}")
    return BACKENDS[config.backend](config)


@register("extractive")
class ExtractiveBackend:
    """Marker: the pipeline composes the answer itself from retrieved passages."""

    generative = False

    def __init__(self, config=None):
        pass


from assistant.generation.backends import openai_backend, transformers_backend  # noqa: F401
