"""Builds the long-lived parts (store, embedder, searcher) from the settings, once."""

from dataclasses import dataclass, field
from functools import cached_property

from agents import RunContext
from assistant.answering.conversation import Conversations
from assistant.answering.pipeline import AnswerPipeline
from assistant.api.ratelimit import RateLimiter
from assistant.api.sessions import SessionTokens
from assistant.config import Settings
from assistant.generation.registry import ModelRegistry
from assistant.metrics import Metrics
from assistant.store.db import Store
from retrieval.embedding import DenseEmbedder, load_embedder
from retrieval.ingest import Ingestor
from retrieval.search import Searcher
from retrieval.store import VectorStore, open_store


@dataclass
class Services:
    """Everything a request or command needs; built in the app lifespan or once per command."""

    settings: Settings
    store: VectorStore
    embedder: DenseEmbedder
    limiter: RateLimiter = field(init=False)
    auth_failures: RateLimiter = field(init=False)

    def __post_init__(self):
        self.limiter = RateLimiter(self.settings.rate_limit_per_minute)
        self.auth_failures = RateLimiter(self.settings.auth_failures_per_minute,
                                         what="failed authentications")

    @classmethod
    def build(cls, settings: Settings) -> "Services":
        store = open_store(settings.index_dir, settings.qdrant_url, settings.collection,
                           settings.qdrant_api_key)
        return cls(settings, store, load_embedder(settings.embedder))

    @cached_property
    def _searcher(self) -> Searcher:
        return Searcher(self.store, self.embedder)

    def searcher(self) -> Searcher:
        """The process's one searcher (it holds the query-embedding cache)."""
        return self._searcher

    def ingestor(self) -> Ingestor:
        return Ingestor(self.store, self.embedder)

    @cached_property
    def models(self) -> ModelRegistry:
        return ModelRegistry.from_dirs(*self.settings.model_config_dirs)

    @cached_property
    def pipeline(self) -> AnswerPipeline:
        return AnswerPipeline(self.searcher(), self.models)

    @cached_property
    def metrics(self) -> Metrics:
        """Prometheus counters of this process (its own registry: tests build many)."""
        return Metrics()

    @cached_property
    def conversations(self) -> Conversations:
        """Questions answered for a caller: access, defaults, memory, audit, metrics."""
        return Conversations(self.pipeline, self.models, self.db, self.metrics)

    @cached_property
    def db(self) -> Store:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return Store(self.settings.store_url)

    @cached_property
    def sessions(self) -> SessionTokens:
        """Issues and checks conversation ids (see assistant/api/sessions.py)."""
        secret = self.settings.session_secret
        if secret is not None:
            return SessionTokens(secret.get_secret_value().encode())
        return SessionTokens.from_file(self.settings.data_dir / "session.key")

    @cached_property
    def work_orders(self):
        """Work orders (事件单) on the store's database."""
        from assistant.store.workorders import WorkOrderStore

        return WorkOrderStore(self.db.engine)

    def agent_context(self, model: str | None, *, store: bool = True) -> RunContext:
        """The parts of an agent run: the searcher, the work-order store (unless `store` is
        off: drafts only) and, for a generative `model` (default YUKUAI_AGENT_MODEL), its
        backend under the model's name and params, to read free text with."""
        from agents import BackendModel

        ctx = RunContext(searcher=self.searcher(), work_orders=self.work_orders if store else None)
        model = model or self.settings.agent_model
        if model:
            config = self.models.get(model)
            backend = self.models.backend(config.name)
            if backend.generative:
                ctx.model = BackendModel(config.name, config.params, backend)
        return ctx

    def run_agent(self, name: str, payload: dict, *, model: str | None, caller: str,
                  role: str) -> dict:
        """Run scenario agent `name` for a staff caller and audit it (a blocking call: the
        agent is built on first use, the model may load, the graph runs)."""
        from agents import get_agent

        result = get_agent(name).run(payload, self.agent_context(model))
        self.db.audit(caller=caller, role=role, endpoint=f"agents/{name}",
                      question=str(payload.get("text") or payload), answer=result["reply"],
                      model=model, citations=[s["chunk_id"] for s in result["trace"]["sources"]])
        return result

    @cached_property
    def recognizer(self):
        """Certificate recognition; the OCR model loads on the first image."""
        from assistant.certificates import Recognizer

        return Recognizer.from_settings(self.settings)

    def close(self) -> None:
        """Release what was opened; the database writes its queued audit records first."""
        self.store.close()
        if "db" in self.__dict__:
            self.db.close()
