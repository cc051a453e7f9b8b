"""What an agent run may use, as typed contracts: a corpus search, a work-order sink and a text
model. The service layer hands real ones in (its searcher, its work-order store, a model
backend); tests hand in small fakes that meet the same Protocols. Every part is optional: a
run without a searcher cites article numbers only, without a sink it drafts the work order,
without a model it reads free text by rules and patterns.

Example:
    ctx = RunContext(searcher=searcher, work_orders=store,
                     model=BackendModel("qwen", {"max_tokens": 512}, backend))
    get_agent("noise").run({"text": "楼下工地晚上11点还在打桩"}, ctx)
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from retrieval.search import SearchHit


class CorpusSearch(Protocol):
    """Finds the articles a decision rests on (retrieval.search.Searcher is one)."""

    def search(self, query: str, audiences: Sequence[str], k: int) -> Sequence[SearchHit]:
        """The top `k` chunks for `query` among the chunks `audiences` may read."""
        ...

    def document(self, doc_id: str, audiences: Sequence[str]) -> Sequence[Mapping[str, Any]]:
        """Every chunk (its payload: chunk_id, title, section, article, text) of one document."""
        ...


class WorkOrderSink(Protocol):
    """Stores the work order (事件单) a decision calls for and returns it as stored."""

    def create(self, *, agent: str, category: str, title: str, summary: str, department: str,
               priority: str, decision: dict[str, Any]) -> dict[str, Any]:
        """The stored order: its fields plus at least `id` and `status`."""
        ...


class TextModel(Protocol):
    """A generative model that reads free text into slots (an LLM behind any backend)."""

    @property
    def name(self) -> str:
        """The model's configured name, as the trace reports it."""
        ...

    @property
    def params(self) -> Mapping[str, Any]:
        """Its configured generation parameters (`max_tokens` is read)."""
        ...

    def complete(self, messages: list[dict[str, str]], *, temperature: float, max_tokens: int,
                 response_format: Mapping[str, Any] | None = None) -> str:
        """The reply to chat `messages`; `response_format` is the OpenAI structured-output
        request (`{"type": "json_schema", ...}`), which a server may enforce or ignore."""
        ...


class Completer(Protocol):
    """A generation backend: chat messages in, text out, without a name of its own."""

    def complete(self, messages: list[dict[str, str]], *, temperature: float, max_tokens: int,
                 response_format: Mapping[str, Any] | None = None) -> str: ...


@dataclass(frozen=True)
class BackendModel:
    """A TextModel made of a backend and the name and params it was configured with."""

    name: str
    params: Mapping[str, Any]
    backend: Completer

    def complete(self, messages: list[dict[str, str]], *, temperature: float, max_tokens: int,
                 response_format: Mapping[str, Any] | None = None) -> str:
        return self.backend.complete(messages, temperature=temperature, max_tokens=max_tokens,
                                     response_format=response_format)


@dataclass
class RunContext:
    """The parts one run may use; the compiled graph is shared, the context is per run."""

    searcher: CorpusSearch | None = None
    work_orders: WorkOrderSink | None = None
    model: TextModel | None = None
