"""The answers suite: key-fact coverage, citation precision, unsupported numbers, refusals."""

import re
import time
from pathlib import Path
from statistics import mean, median

from rich.table import Table

from assistant.answering import grounding
from assistant.answering.pipeline import FOOTER, AnswerPipeline
from evals.retrieval import load_dataset

DATASET = Path(__file__).resolve().parent / "datasets" / "answers.jsonl"
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub("", text)


def evaluate(pipeline: AnswerPipeline, items: list[dict], model: str | None = None) -> dict:
    """Scores of `model` (default: the default model) over the dataset.

    - key-fact coverage: share of the answerable questions' key facts found in the answers;
    - citation precision: share of citations that point into a gold document;
    - unsupported-number rate: share of answers stating a number that no passage it cites holds;
    - refusal accuracy: answerable questions answered + unanswerable ones handed off, over all.
    """
    facts_found = facts_total = cites_ok = cites_total = unsupported = answered = correct = 0
    latencies, misses = [], []
    for it in items:
        started = time.perf_counter()
        result = pipeline.answer(it["question"], it.get("role", "citizen"), model,
                                 history=it.get("history"))
        latencies.append((time.perf_counter() - started) * 1000)
        declined = not result.citations  # a hand-off, a clarifying question or a request for a topic
        gold = set(it["gold"])
        correct += declined != bool(gold)
        if declined:
            if gold:
                misses.append({"id": it["id"], "question": it["question"], "why": "declined",
                               "clarify": result.clarify})
            continue
        answered += 1
        body = result.answer.removesuffix(FOOTER)
        check = grounding.check(body, [p.grounding_text() for p in result.passages], it["question"])
        unsupported += bool(check.unsupported_numbers)
        if not gold:
            misses.append({"id": it["id"], "question": it["question"], "why": "answered unanswerable"})
            continue
        cites_total += len(result.citations)
        cites_ok += sum(c["doc_id"] in gold for c in result.citations)
        found = [f for f in it["key_facts"] if _norm(f) in _norm(body)]
        facts_found += len(found)
        facts_total += len(it["key_facts"])
        if len(found) < len(it["key_facts"]):
            misses.append({"id": it["id"], "question": it["question"], "why": "missing facts",
                           "missing": [f for f in it["key_facts"] if f not in found],
                           "cited": sorted({c["doc_id"] for c in result.citations})})
    return {
        "model": model or pipeline.models.default, "questions": len(items),
        "answerable": sum(bool(it["gold"]) for it in items),
        "key_fact_coverage": round(facts_found / max(1, facts_total), 4),
        "citation_precision": round(cites_ok / max(1, cites_total), 4),
        "unsupported_number_rate": round(unsupported / max(1, answered), 4),
        "refusal_accuracy": round(correct / len(items), 4),
        "latency_ms": {"p50": round(median(latencies), 1), "mean": round(mean(latencies), 1)},
        "misses": misses,
    }


def format_table(result: dict) -> Table:
    table = Table("model", "key facts", "citation precision", "unsupported numbers",
                  "refusal accuracy", "p50 ms", title=f"answers: {result['questions']} questions")
    table.add_row(result["model"], f"{result['key_fact_coverage']:.3f}",
                  f"{result['citation_precision']:.3f}", f"{result['unsupported_number_rate']:.3f}",
                  f"{result['refusal_accuracy']:.3f}", f"{result['latency_ms']['p50']:.0f}")
    return table


def load(path: Path | None = None) -> list[dict]:
    return load_dataset(path or DATASET)
