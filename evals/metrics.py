"""Ranking metrics over document ids (binary relevance, one or more gold documents)."""

import math
from collections.abc import Sequence


def dedupe(ids: Sequence[str]) -> list[str]:
    """Ranked ids with later repeats removed (chunks of one document count once)."""
    return list(dict.fromkeys(ids))


def recall_at(ranked: Sequence[str], gold: set[str], k: int) -> float:
    """Share of the gold documents found in the top `k`."""
    return len(gold & set(ranked[:k])) / len(gold)


def reciprocal_rank(ranked: Sequence[str], gold: set[str]) -> float:
    return next((1.0 / i for i, d in enumerate(ranked, 1) if d in gold), 0.0)


def ndcg_at(ranked: Sequence[str], gold: set[str], k: int) -> float:
    dcg = sum(1.0 / math.log2(i + 1) for i, d in enumerate(ranked[:k], 1) if d in gold)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(gold), k) + 1))
    return dcg / ideal
