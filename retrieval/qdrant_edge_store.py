"""The embedded default: Qdrant Edge, the Qdrant engine in-process with its shard on disk."""

import json
import shutil
import threading
from pathlib import Path

import numpy as np
import qdrant_edge as qe

from retrieval.errors import IndexBusy, IndexNotReady
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


def _filter(flt: SearchFilter) -> qe.Filter:
    must = []
    for key, value in flt.conditions().items():
        match = qe.MatchAny(list(value)) if isinstance(value, tuple) else qe.MatchValue(value)
        must.append(qe.FieldCondition(key, match=match))
    return qe.Filter(must=must)


def _vectors(point: ChunkPoint) -> dict:
    vectors: dict = {DENSE: point.dense.tolist()}
    if point.sparse.indices:
        vectors[SPARSE] = qe.SparseVector(point.sparse.indices, point.sparse.values)
    return vectors


def _dense_of(point) -> list[float] | None:
    vector = point.vector
    return vector.get(DENSE) if isinstance(vector, dict) else vector


class QdrantEdgeStore:
    """A Qdrant Edge shard in `path`; created on first `ensure_collection`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._shard: qe.EdgeShard | None = None
        self._lock = threading.Lock()

    def _exists(self) -> bool:
        return (self.path / "edge_config.json").exists()

    @property
    def shard(self) -> qe.EdgeShard:
        """The open shard; opened on first use and again after `close()`."""
        if self._shard is None:
            with self._lock:
                if self._shard is None:
                    self._shard = self._open()
        return self._shard

    def _open(self) -> qe.EdgeShard:
        if not self._exists():
            raise IndexNotReady(f"no index at {self.path}: build it with `yukuai ingest corpora` first")
        try:
            return qe.EdgeShard.load(str(self.path))
        except Exception as e:  # the binding raises a bare Exception with the engine's text
            if "WouldBlock" in str(e):
                raise IndexBusy(
                    f"the index at {self.path} is open in another process (a running "
                    "`yukuai serve` or ingest); stop it first, or use a Qdrant server "
                    "(YUKUAI_QDRANT_URL) to share one index between processes"
                ) from e
            raise IndexNotReady(
                f"the index at {self.path} cannot be opened ({e}); rebuild it with "
                "`yukuai ingest PATH --rebuild`"
            ) from e

    def dim(self) -> int | None:
        """Dense vector size of the existing shard, or None if there is none."""
        config = self.path / "edge_config.json"
        if not config.exists():
            return None
        return json.loads(config.read_text())["vectors"][DENSE]["size"]

    def ensure_collection(self, dim: int) -> None:
        with self._lock:
            if self._exists():
                have = self.dim()
                if have != dim:
                    raise IndexNotReady(
                        f"the index at {self.path} holds {have}-dimensional vectors but the "
                        f"embedder makes {dim}: rebuild with `yukuai ingest PATH --rebuild`"
                    )
                return
            config = qe.EdgeConfig(
                vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
                sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
            )
            self.path.mkdir(parents=True, exist_ok=True)
            shard = qe.EdgeShard.create(str(self.path), config)
            for name in INDEXED_FIELDS:
                shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Keyword))
            self._shard = shard

    def upsert(self, points: list[ChunkPoint]) -> None:
        if points:
            self.shard.update(qe.UpdateOperation.upsert_points(
                [qe.Point(p.id, _vectors(p), p.payload) for p in points]
            ))

    def delete_doc(self, doc_id: str, keep_hash: str | None = None) -> None:
        must_not = [qe.FieldCondition("doc_hash", match=qe.MatchValue(keep_hash))] if keep_hash else None
        flt = qe.Filter(must=[qe.FieldCondition("doc_id", match=qe.MatchValue(doc_id))], must_not=must_not)
        self.shard.update(qe.UpdateOperation.delete_points_by_filter(flt))

    def doc_states(self) -> dict[str, DocState]:
        if not self._exists():
            return {}
        payloads, offset = [], None
        while True:
            records, offset = self.shard.scroll(
                qe.ScrollRequest(offset=offset, limit=2048, with_payload=STATE_FIELDS, with_vector=False)
            )
            payloads.extend(r.payload for r in records)
            if offset is None:
                return collect_states(payloads)

    def query(self, dense: np.ndarray | None, sparse: SparseVector | None, flt: SearchFilter,
              limit: int, mode: Mode = "hybrid", with_dense: bool = False) -> list[Hit]:
        f = _filter(flt)
        arms = []
        if mode in ("hybrid", "dense") and dense is not None:
            arms.append(qe.Query.Nearest(dense.tolist(), using=DENSE))
        if mode in ("hybrid", "sparse") and sparse is not None and sparse.indices:
            arms.append(qe.Query.Nearest(qe.SparseVector(sparse.indices, sparse.values), using=SPARSE))
        if not arms:
            return []
        if mode == "hybrid" and len(arms) == 2:
            request = qe.QueryRequest(
                limit=limit, filter=f, with_payload=True, query=qe.Fusion.Rrf(k=RRF_K),
                prefetches=[qe.Prefetch(limit=candidates(limit), query=a, filter=f) for a in arms],
                with_vector=[DENSE] if with_dense else False,
            )
        else:
            request = qe.QueryRequest(limit=limit, filter=f, with_payload=True, query=arms[0],
                                      with_vector=[DENSE] if with_dense else False)
        return [Hit(p.score, p.payload, _dense_of(p) if with_dense else None)
                for p in self.shard.query(request)]

    def doc_chunks(self, doc_id: str, flt: SearchFilter) -> list[dict]:
        f = _filter(flt)
        f = qe.Filter(must=[*f.must, qe.FieldCondition("doc_id", match=qe.MatchValue(doc_id))])
        records, _ = self.shard.scroll(qe.ScrollRequest(limit=1000, filter=f, with_payload=True,
                                                        with_vector=False))
        return sorted((r.payload for r in records), key=lambda p: int(p["chunk_id"].rsplit("#", 1)[1]))

    def count(self) -> int:
        return self.shard.count(qe.CountRequest(exact=True)) if self._exists() else 0

    def flush(self) -> None:
        if self._shard is not None:
            self._shard.flush()

    def optimize(self) -> None:
        if self._shard is not None:
            self._shard.optimize()

    def drop(self) -> None:
        """Delete the shard from disk (for a rebuild)."""
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)

    def close(self) -> None:
        if self._shard is not None:
            self._shard.flush()
            self._shard.close()
            self._shard = None
