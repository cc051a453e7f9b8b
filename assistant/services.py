"""Builds the long-lived parts (store, embedder, searcher) from the settings, once."""

from dataclasses import dataclass

from assistant.config import Settings
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

    @classmethod
    def build(cls, settings: Settings) -> "Services":
        store = open_store(settings.index_dir, settings.qdrant_url, settings.collection,
                           settings.qdrant_api_key)
        return cls(settings, store, load_embedder(settings.embedder))

    def searcher(self) -> Searcher:
        return Searcher(self.store, self.embedder)

    def ingestor(self) -> Ingestor:
        return Ingestor(self.store, self.embedder)

    def close(self) -> None:
        self.store.close()
