"""The vector store interface and the collection schema shared by every Qdrant backend.

One collection layout everywhere: a named dense vector `dense` (cosine), a sparse vector
`bm25` with Qdrant's IDF modifier, and keyword payload indexes on the fields we filter by.
`open_store()` picks Qdrant Edge (embedded, on disk) or a Qdrant server through
qdrant-client (URL), so the rest of the code never knows which one it talks to.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from retrieval.sparse import SparseVector

DENSE, SPARSE = "dense", "bm25"
# Keyword-indexed payload fields: the filters of search and the bookkeeping of ingestion.
INDEXED_FIELDS = ("doc_id", "doc_hash", "audience", "category", "region", "doc_type")
# Payload fields that ingestion reads back to decide what is up to date.
STATE_FIELDS = ["doc_id", "doc_hash", "chunk_count", "source"]
RRF_K = 60
Mode = Literal["hybrid", "dense", "sparse"]


@dataclass
class ChunkPoint:
    """One chunk as stored: deterministic id, both vectors and the payload."""

    id: str
    dense: np.ndarray
    sparse: SparseVector
    payload: dict


@dataclass
class Hit:
    score: float
    payload: dict
    dense: list[float] | None = None  # the chunk's dense vector, when asked for


@dataclass(frozen=True)
class SearchFilter:
    """Payload conditions; `audiences` is mandatory so no search can forget who reads."""

    audiences: tuple[str, ...]
    category: str | None = None
    region: str | None = None
    doc_type: str | None = None

    def conditions(self) -> dict[str, str | tuple[str, ...]]:
        out: dict[str, str | tuple[str, ...]] = {"audience": self.audiences}
        for key in ("category", "region", "doc_type"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


@dataclass
class DocState:
    """What the index holds for one document: chunk counts per content hash."""

    source: str | None = None
    chunk_count: int | None = None
    hashes: Counter = field(default_factory=Counter)

    def complete(self, doc_hash: str) -> bool:
        """True if exactly one complete version, `doc_hash`, is stored."""
        return set(self.hashes) == {doc_hash} and self.hashes[doc_hash] == self.chunk_count


class VectorStore(Protocol):
    def ensure_collection(self, dim: int) -> None: ...

    def upsert(self, points: list[ChunkPoint]) -> None: ...

    def delete_doc(self, doc_id: str, keep_hash: str | None = None) -> None:
        """Delete the chunks of `doc_id`, except those of version `keep_hash`."""

    def doc_states(self) -> dict[str, DocState]: ...

    def query(
        self, dense: np.ndarray | None, sparse: SparseVector | None, flt: SearchFilter,
        limit: int, mode: Mode = "hybrid", with_dense: bool = False,
    ) -> list[Hit]: ...

    def doc_chunks(self, doc_id: str, flt: SearchFilter) -> list[dict]:
        """Payloads of every chunk of `doc_id` that `flt` admits, in chunk order."""

    def count(self) -> int: ...

    def flush(self) -> None: ...

    def drop(self) -> None:
        """Delete the whole collection (for a rebuild)."""

    def close(self) -> None: ...


def collect_states(records) -> dict[str, DocState]:
    """Fold (payload) records into per-document states."""
    states: dict[str, DocState] = {}
    for payload in records:
        state = states.setdefault(payload["doc_id"], DocState())
        state.hashes[payload["doc_hash"]] += 1
        state.source = payload.get("source")
        state.chunk_count = payload.get("chunk_count")
    return states


def candidates(limit: int) -> int:
    """How many hits each arm of a hybrid query contributes to the fusion."""
    return max(4 * limit, 40)


def open_store(index_dir: Path, qdrant_url: str | None, collection: str,
               api_key: str | None = None) -> VectorStore:
    """Qdrant Edge in `index_dir` by default; a Qdrant server when `qdrant_url` is set."""
    if qdrant_url:
        from qdrant_client import QdrantClient

        from retrieval.qdrant_client_store import QdrantClientStore

        return QdrantClientStore(QdrantClient(location=qdrant_url, api_key=api_key), collection)
    from retrieval.qdrant_edge_store import QdrantEdgeStore

    return QdrantEdgeStore(index_dir / collection)
