"""BM25 as Qdrant sparse vectors over jieba tokens.

Documents carry the BM25 term-frequency part, tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl));
queries carry 1 per distinct term; Qdrant's IDF modifier supplies the IDF from the live
collection, so scores stay right as documents come and go and nothing is re-encoded.
"""

import zlib
from collections import Counter
from dataclasses import dataclass

from retrieval.text import expand_query, tokenize


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]


def term_id(token: str) -> int:
    """Stable 31-bit id of a token (Qdrant sparse indices are u32)."""
    return zlib.crc32(token.encode("utf-8")) & 0x7FFFFFFF


class BM25Encoder:
    """Encodes passages and queries as BM25 sparse vectors."""

    def __init__(self, k1: float = 1.2, b: float = 0.75, avgdl: float = 80.0):
        self.k1, self.b, self.avgdl = k1, b, avgdl

    def encode_passage(self, text: str) -> SparseVector:
        counts = Counter(term_id(t) for t in tokenize(text))
        norm = self.k1 * (1 - self.b + self.b * sum(counts.values()) / self.avgdl)
        items = sorted(counts.items())
        return SparseVector(
            [i for i, _ in items], [tf * (self.k1 + 1) / (tf + norm) for _, tf in items]
        )

    def encode_query(self, text: str) -> SparseVector:
        ids = sorted({term_id(t) for t in tokenize(expand_query(text))})
        return SparseVector(ids, [1.0] * len(ids))
