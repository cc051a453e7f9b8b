"""A Qdrant server or cluster through qdrant-client, with the same collection schema.

qdrant-client's local mode (`QdrantClient(path=...)` or ":memory:") runs this same code
path without a server, which is how the tests exercise it.
"""

import numpy as np
from qdrant_client import QdrantClient, models

from retrieval.errors import IndexNotReady
from retrieval.sparse import SparseVector
from retrieval.store import (
    DENSE,
    INDEXED_FIELDS,
    RRF_K,
    SPARSE,
    STATE_FIELDS,
    ChunkPoint,
    DocState,
    Hit,
    Mode,
    SearchFilter,
    candidates,
    collect_states,
)


def _filter(flt: SearchFilter) -> models.Filter:
    must = []
    for key, value in flt.conditions().items():
        match = (models.MatchAny(any=list(value)) if isinstance(value, tuple)
                 else models.MatchValue(value=value))
        must.append(models.FieldCondition(key=key, match=match))
    return models.Filter(must=must)


def _sparse(v: SparseVector) -> models.SparseVector:
    return models.SparseVector(indices=v.indices, values=v.values)


class QdrantClientStore:
    """One collection on a Qdrant server (or qdrant-client local mode)."""

    def __init__(self, client: QdrantClient, collection: str):
        self.client = client
        self.collection = collection

    def _exists(self) -> bool:
        return self.client.collection_exists(self.collection)

    def dim(self) -> int | None:
        if not self._exists():
            return None
        vectors = self.client.get_collection(self.collection).config.params.vectors
        return vectors[DENSE].size

    def ensure_collection(self, dim: int) -> None:
        if self._exists():
            if self.dim() != dim:
                raise IndexNotReady(
                    f"collection {self.collection!r} holds {self.dim()}-dimensional vectors but "
                    f"the embedder makes {dim}: rebuild with `yukuai ingest PATH --rebuild`"
                )
            return
        self.client.create_collection(
            self.collection,
            vectors_config={DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE)},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        for name in INDEXED_FIELDS:
            self.client.create_payload_index(self.collection, name, models.PayloadSchemaType.KEYWORD)

    def upsert(self, points: list[ChunkPoint]) -> None:
        if not points:
            return
        structs = []
        for p in points:
            vector: dict = {DENSE: p.dense.tolist()}
            if p.sparse.indices:
                vector[SPARSE] = _sparse(p.sparse)
            structs.append(models.PointStruct(id=p.id, vector=vector, payload=p.payload))
        self.client.upsert(self.collection, structs, wait=True)

    def delete_doc(self, doc_id: str, keep_hash: str | None = None) -> None:
        must_not = ([models.FieldCondition(key="doc_hash", match=models.MatchValue(value=keep_hash))]
                    if keep_hash else None)
        flt = models.Filter(
            must=[models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id))],
            must_not=must_not,
        )
        self.client.delete(self.collection, models.FilterSelector(filter=flt), wait=True)

    def doc_states(self) -> dict[str, DocState]:
        if not self._exists():
            return {}
        payloads, offset = [], None
        while True:
            records, offset = self.client.scroll(
                self.collection, limit=2048, offset=offset, with_payload=STATE_FIELDS,
                with_vectors=False,
            )
            payloads.extend(r.payload for r in records)
            if offset is None:
                return collect_states(payloads)

    def query(self, dense: np.ndarray | None, sparse: SparseVector | None, flt: SearchFilter,
              limit: int, mode: Mode = "hybrid", with_dense: bool = False) -> list[Hit]:
        if not self._exists():
            raise IndexNotReady(f"no collection {self.collection!r}: run `yukuai ingest` first")
        f = _filter(flt)
        arms = []
        if mode in ("hybrid", "dense") and dense is not None:
            arms.append((dense.tolist(), DENSE))
        if mode in ("hybrid", "sparse") and sparse is not None and sparse.indices:
            arms.append((_sparse(sparse), SPARSE))
        if not arms:
            return []
        if mode == "hybrid" and len(arms) == 2:
            result = self.client.query_points(
                self.collection, limit=limit, query_filter=f, with_payload=True,
                query=models.RrfQuery(rrf=models.Rrf(k=RRF_K)),
                prefetch=[models.Prefetch(query=q, using=u, limit=candidates(limit), filter=f)
                          for q, u in arms],
                with_vectors=[DENSE] if with_dense else False,
            )
        else:
            q, using = arms[0]
            result = self.client.query_points(
                self.collection, query=q, using=using, limit=limit, query_filter=f,
                with_payload=True, with_vectors=[DENSE] if with_dense else False,
            )
        return [Hit(p.score, p.payload, (p.vector or {}).get(DENSE) if with_dense else None)
                for p in result.points]

    def doc_chunks(self, doc_id: str, flt: SearchFilter) -> list[dict]:
        f = _filter(flt)
        f.must.append(models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id)))
        records, _ = self.client.scroll(self.collection, scroll_filter=f, limit=1000,
                                        with_payload=True, with_vectors=False)
        return sorted((r.payload for r in records), key=lambda p: int(p["chunk_id"].rsplit("#", 1)[1]))

    def count(self) -> int:
        return self.client.count(self.collection, exact=True).count if self._exists() else 0

    def flush(self) -> None:
        pass  # upserts are sent with wait=True

    def drop(self) -> None:
        """Delete the collection (for a rebuild)."""
        if self._exists():
            self.client.delete_collection(self.collection)

    def close(self) -> None:
        self.client.close()
