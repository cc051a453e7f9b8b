"""The retrieval suite: ranks documents for each question in hybrid, dense and BM25 modes."""

from pathlib import Path
from statistics import mean

from rich.table import Table

from assistant.roles import audiences
from evals.jsonl import read_jsonl
from evals.metrics import dedupe, ndcg_at, recall_at, reciprocal_rank
from retrieval.search import MODES, Searcher

DATASET = Path(__file__).resolve().parent / "datasets" / "retrieval.jsonl"
CANDIDATE_CHUNKS = 40  # chunks fetched per question, folded into a document ranking


def load_dataset(path: Path | None = None) -> list[dict]:
    """Questions as dicts {id, question, gold: [doc ids] (empty = unanswerable), role}."""
    return read_jsonl(path or DATASET, {"question": str, "gold": list})


def evaluate(searcher: Searcher, items: list[dict], modes=MODES) -> dict:
    """Per mode: Recall@1, Recall@5, MRR and nDCG@10 over the answerable questions, plus the
    per-question ranks so that misses can be read."""
    answerable = [it for it in items if it["gold"]]
    out: dict = {"questions": len(items), "answerable": len(answerable),
                 "unanswerable": len(items) - len(answerable), "modes": {}}
    for mode in modes:
        rows, misses = [], []
        for it in answerable:
            hits = searcher.search(it["question"], audiences(it.get("role", "citizen")),
                                   CANDIDATE_CHUNKS, mode=mode)
            ranked, gold = dedupe(h.doc_id for h in hits), set(it["gold"])
            rows.append((recall_at(ranked, gold, 1), recall_at(ranked, gold, 5),
                         reciprocal_rank(ranked, gold), ndcg_at(ranked, gold, 10)))
            if not recall_at(ranked, gold, 5):
                misses.append({"id": it.get("id"), "question": it["question"], "gold": it["gold"],
                               "top": ranked[:3]})
        r1, r5, mrr, ndcg = (round(mean(col), 4) for col in zip(*rows))
        out["modes"][mode] = {"recall@1": r1, "recall@5": r5, "mrr": mrr, "ndcg@10": ndcg,
                              "misses@5": misses}
    return out


def format_table(result: dict) -> Table:
    table = Table("mode", "Recall@1", "Recall@5", "MRR", "nDCG@10", "misses@5",
                  title=f"retrieval: {result['answerable']} answerable questions")
    for mode, m in result["modes"].items():
        table.add_row(mode, *(f"{m[k]:.3f}" for k in ("recall@1", "recall@5", "mrr", "ndcg@10")),
                      str(len(m["misses@5"])))
    return table
