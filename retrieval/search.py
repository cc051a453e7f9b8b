"""Hybrid search: dense (e5) and sparse (BM25/jieba) fused with RRF inside Qdrant.

The reader's audiences (public, internal) are a filter applied inside the query itself: a
public reader's search cannot return an internal chunk, whatever it asks.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from retrieval.embedding import DenseEmbedder
from retrieval.errors import InvalidQuery
from retrieval.sparse import BM25Encoder
from retrieval.store import Mode, SearchFilter, VectorStore
from retrieval.text import replace_surrogates

MAX_QUERY_CHARS = 2000
MAX_K = 100
# Who may see a chunk is its `audience`; callers say which audiences a reader may see (the
# service maps its roles onto them: assistant/roles.py).
AUDIENCES = ("public", "internal")
PUBLIC: tuple[str, ...] = ("public",)
MODES = ("hybrid", "dense", "sparse")


@dataclass
class SearchHit:
    """One ranked chunk, as the CLI and the API show it."""

    doc_id: str
    chunk_id: str
    title: str
    section: str | None
    article: str | None
    score: float
    text: str
    category: str | None
    doc_type: str | None
    audience: str
    similarity: float | None = None  # cosine of query and chunk: an absolute relevance signal
    doc_hash: str | None = None  # the indexed version of the document

    @classmethod
    def from_payload(cls, score: float, p: dict, similarity: float | None = None) -> "SearchHit":
        return cls(p["doc_id"], p["chunk_id"], p.get("title", ""), p.get("section"),
                   p.get("article"), round(float(score), 6), p.get("text", ""),
                   p.get("category"), p.get("doc_type"), p["audience"],
                   None if similarity is None else round(float(similarity), 4), p.get("doc_hash"))

    def to_dict(self) -> dict:
        return asdict(self)


def validate_query(query: object) -> str:
    """The stripped query, or InvalidQuery naming what is wrong with it."""
    if not isinstance(query, str) or not query.strip():
        raise InvalidQuery("the query is empty: ask a question or give keywords",
                           code="query_empty", field="query")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"the query has {len(query)} characters; the limit is {MAX_QUERY_CHARS}",
                           code="query_too_long", field="query")
    # Half a UTF-16 pair cannot be encoded for the embedder; the API replaces them on the way
    # in, and so does this for callers in-process.
    return replace_surrogates(query.strip())


class Searcher:
    """Answers search requests from one store with one embedder; build once, share."""

    def __init__(self, store: VectorStore, embedder: DenseEmbedder, encoder: BM25Encoder | None = None,
                 cache_size: int = 4096):
        self.store = store
        self.embedder = embedder
        self.encoder = encoder or BM25Encoder()
        # Citizens ask the same questions over and over; embedding is ~90% of a search's cost.
        self._embed_query = lru_cache(maxsize=cache_size)(embedder.embed_query) if cache_size \
            else embedder.embed_query
        # A document's chunks change only with its hash, and the answer pipeline reads the
        # same few documents over and over.
        self._document_version = lru_cache(maxsize=512)(self._read_document)

    def search(self, query: str, audiences: Sequence[str] = PUBLIC, k: int = 5, *,
               category: str | None = None, region: str | None = None,
               doc_type: str | None = None, mode: Mode = "hybrid") -> list[SearchHit]:
        """Top-`k` chunks for `query` in the given audiences, optionally filtered by payload."""
        query = validate_query(query)
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise InvalidQuery(f"k must be between 1 and {MAX_K}", code="invalid_k", field="k")
        if mode not in MODES:
            raise InvalidQuery(f"mode must be one of {MODES}", code="invalid_mode", field="mode")
        flt = self.audience_filter(audiences, category=category, region=region, doc_type=doc_type)
        dense = self._embed_query(query)
        sparse = self.encoder.encode_query(query) if mode != "dense" else None
        hits = self.store.query(dense, sparse, flt, k, mode, with_dense=True)
        return [SearchHit.from_payload(h.score, h.payload,
                                       None if h.dense is None else float(np.dot(dense, h.dense)))
                for h in hits]

    @staticmethod
    def audience_filter(audiences: Sequence[str], **payload: str | None) -> SearchFilter:
        """The filter every read for a reader of `audiences` must use."""
        if not audiences or isinstance(audiences, str) or not set(audiences) <= set(AUDIENCES):
            raise InvalidQuery(f"audiences must be some of {AUDIENCES}, got {audiences!r}",
                               code="invalid_audience", field="audiences")
        return SearchFilter(tuple(audiences), **payload)

    def document(self, doc_id: str, audiences: Sequence[str] = PUBLIC,
                 doc_hash: str | None = None) -> list[dict]:
        """All chunks of one document, if it is in `audiences` (else an empty list). Given
        the `doc_hash` of a hit, the version it names is read once and cached; the list is
        shared, so callers must not change it."""
        if doc_hash is None:
            return self._read_document(doc_id, tuple(audiences))
        return self._document_version(doc_id, tuple(audiences), doc_hash)

    def _read_document(self, doc_id: str, audiences: tuple[str, ...], _hash: str = "") -> list[dict]:
        return self.store.doc_chunks(doc_id, self.audience_filter(audiences))
