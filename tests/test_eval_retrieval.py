"""The retrieval suite on the bundled corpus: the issue's quality targets as a regression gate."""

import json

import pytest

from evals.metrics import dedupe, ndcg_at, recall_at, reciprocal_rank
from evals.retrieval import evaluate, load_dataset
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


def test_metrics_on_a_known_ranking():
    ranked = dedupe(["a", "a", "b", "c"])
    assert ranked == ["a", "b", "c"]
    assert recall_at(ranked, {"b", "x"}, 2) == 0.5
    assert reciprocal_rank(ranked, {"c"}) == pytest.approx(1 / 3)
    assert ndcg_at(ranked, {"a"}, 10) == 1.0
    assert ndcg_at(ranked, {"b"}, 10) == pytest.approx(1 / 1.5849625, rel=1e-6)


def test_dataset_is_well_formed():
    items = load_dataset()
    ids = {p.stem for p in CORPUS.rglob("*.md")}
    internal = {p.stem for p in (CORPUS / "internal").glob("*.md")}
    answerable = [it for it in items if it["gold"]]
    assert len(answerable) >= 200 and len(items) - len(answerable) >= 30
    for it in answerable:
        assert set(it["gold"]) <= ids, it
        if it.get("role", "citizen") == "citizen":
            assert not set(it["gold"]) & internal, it
    guides = {p.stem for p in (CORPUS / "guides").glob("*.md")}
    assert guides <= {g for it in answerable for g in it["gold"]}


def test_hybrid_search_meets_the_targets_and_beats_each_arm(searcher):
    result = evaluate(searcher, load_dataset())
    hybrid, dense, sparse = (result["modes"][m] for m in ("hybrid", "dense", "sparse"))
    summary = json.dumps({m: {k: v for k, v in r.items() if k != "misses@5"}
                          for m, r in result["modes"].items()})
    assert hybrid["recall@5"] >= 0.95, summary
    assert hybrid["mrr"] >= 0.85, summary
    assert hybrid["ndcg@10"] > dense["ndcg@10"] and hybrid["ndcg@10"] > sparse["ndcg@10"], summary
