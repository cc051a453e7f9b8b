"""Incremental ingestion: load → chunk → embed (dense + BM25) → upsert into Qdrant.

The index itself is the ledger. Every chunk carries its document's content hash and chunk
count, so a run compares what the corpus holds with what the index holds and embeds only
documents that are new, changed or incompletely stored. Point ids are derived from
(doc id, hash, chunk number), so re-doing a half-written document overwrites instead of
duplicating, and a document's old version is deleted only after its new one is complete.
An ingest killed at any moment therefore leaves an index that the next run completes.
"""

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from llama_index.core.schema import Document

from retrieval.chunking import CHUNKER_VERSION, GovernanceChunker, embed_text
from retrieval.documents import LoadFailure, load_documents
from retrieval.embedding import DenseEmbedder
from retrieval.sparse import BM25Encoder
from retrieval.store import ChunkPoint, VectorStore

log = logging.getLogger(__name__)
_POINT_NS = uuid.UUID("6f1d3c52-7a0e-4c1b-9d8e-2b5f0a9c4e11")
# Metadata used while loading that is not worth storing with every chunk.
_NOT_STORED = ("file_hash", "sources")


@dataclass
class IngestReport:
    """What a run did; `failures` name the files that were skipped and why."""

    documents: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    failures: list[LoadFailure] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def _under(path: str | None, root: Path) -> bool:
    if not path:
        return False
    p = Path(path)
    return p == root or root in p.parents


class Ingestor:
    """Keeps a Qdrant collection in step with a folder of documents."""

    def __init__(self, store: VectorStore, embedder: DenseEmbedder,
                 encoder: BM25Encoder | None = None, chunker: GovernanceChunker | None = None):
        self.store = store
        self.embedder = embedder
        self.encoder = encoder or BM25Encoder()
        self.chunker = chunker or GovernanceChunker()

    def doc_hash(self, doc: Document) -> str:
        """Changes when the file, its metadata, the chunker or the embedder change."""
        key = json.dumps([doc.metadata, CHUNKER_VERSION, self.embedder.name], sort_keys=True,
                         ensure_ascii=False)
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def points(self, doc: Document, doc_hash: str) -> list[ChunkPoint]:
        """Chunk and embed one document."""
        nodes = self.chunker.chunk(doc)
        texts = [embed_text(n.metadata, n.text) for n in nodes]
        dense = self.embedder.embed_passages(texts) if texts else []
        points = []
        for i, (node, text) in enumerate(zip(nodes, texts)):
            payload = {k: v for k, v in node.metadata.items() if k not in _NOT_STORED}
            payload.update(doc_id=doc.id_, chunk_id=node.id_, doc_hash=doc_hash,
                           chunk_count=len(nodes), text=node.text)
            pid = str(uuid.uuid5(_POINT_NS, f"{doc.id_}\x00{doc_hash}\x00{i}"))
            points.append(ChunkPoint(pid, dense[i], self.encoder.encode_passage(text), payload))
        return points

    def run(self, root: Path, default_audience: str = "internal",
            progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Bring the index in line with `root`; `progress(done, total)` is called per document."""
        started = time.perf_counter()
        root = Path(root).resolve()
        docs, failures = load_documents(root, default_audience)
        for failure in failures:
            log.warning("skipped %s: %s", failure.path, failure.reason)
        report = IngestReport(documents=len(docs), failures=failures)
        self.store.ensure_collection(self.embedder.dim)
        states = self.store.doc_states()

        for done, doc in enumerate(docs, 1):
            doc_hash = self.doc_hash(doc)
            state = states.get(doc.id_)
            if state is not None and state.complete(doc_hash):
                report.unchanged += 1
            else:
                points = self.points(doc, doc_hash)
                self.store.upsert(points)
                self.store.delete_doc(doc.id_, keep_hash=doc_hash)
                (report.updated if state else report.added).append(doc.id_)
                report.chunks_embedded += len(points)
                log.info("indexed %s (%d chunks)", doc.id_, len(points))
            if progress:
                progress(done, len(docs))

        loaded = {d.id_ for d in docs}
        failed = {str(Path(f.path).resolve()) for f in failures}
        for doc_id, state in states.items():
            # A document whose file now fails to load keeps its last good version.
            if doc_id not in loaded and _under(state.source, root) and state.source not in failed:
                self.store.delete_doc(doc_id)
                report.deleted.append(doc_id)
                log.info("deleted %s", doc_id)
        self.store.flush()
        report.seconds = round(time.perf_counter() - started, 3)
        return report
