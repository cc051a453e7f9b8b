"""The agents suite: per-field decision accuracy of each scenario agent, with the slots given
and from the free text alone (extracted by the configured model, or by rules and patterns)."""

from pathlib import Path

from rich.table import Table

from agents import RunContext, get_agent
from evals.jsonl import read_jsonl

DATASETS = Path(__file__).resolve().parent / "datasets" / "agents"
MODES = ("slots", "text")


def load(name: str, folder: Path | None = None) -> list[dict]:
    """Scenarios {id, text, slots, expected} of agent `name`."""
    return read_jsonl((folder or DATASETS) / f"{name}.jsonl",
                      {"id": str, "text": str, "slots": dict, "expected": dict})


def field_match(field: str, got, want) -> bool:
    """Whether a decision field equals the expected value (sets for lists, 0.01 for density,
    a name contained in the approver)."""
    if field in ("hazards", "actions"):
        return sorted(got or []) == sorted(want or [])
    if field == "density":
        return (got is None and want is None) or (None not in (got, want) and abs(got - want) <= 0.01)
    if field == "approver":
        return (got is None and want is None) or (None not in (got, want) and want in got)
    return got == want


def decision_value(decision: dict, field: str):
    if field == "approver":
        event = decision.get("event") or {}
        return event.get("approver")
    return decision.get(field)


def evaluate(name: str, items: list[dict], ctx: RunContext | None = None) -> dict:
    """Per mode and field: the share of scenarios whose decision matches, and the misses."""
    agent = get_agent(name)
    out: dict = {"agent": name, "scenarios": len(items), "modes": {}}
    for mode in MODES:
        right: dict[str, int] = {}
        seen: dict[str, int] = {}
        misses, cited, fallbacks = [], 0, 0
        for it in items:
            payload = it["slots"] if mode == "slots" else {"text": it["text"]}
            result = agent.run(payload, ctx)
            decision, trace = result["decision"], result["trace"]
            cited += bool(trace["sources"])
            fallbacks += "extract:llm_failed" in trace["steps"]
            for field, want in it["expected"].items():
                got = decision_value(decision, field)
                seen[field] = seen.get(field, 0) + 1
                if field_match(field, got, want):
                    right[field] = right.get(field, 0) + 1
                else:
                    misses.append({"id": it["id"], "field": field, "expected": want, "got": got})
        out["modes"][mode] = {
            "accuracy": {f: round(right.get(f, 0) / n, 4) for f, n in seen.items()},
            "all_fields": round(1 - len({m["id"] for m in misses}) / len(items), 4),
            "runs_with_sources": cited, "llm_fallbacks": fallbacks, "misses": misses}
    return out


def format_table(results: list[dict]) -> Table:
    table = Table("agent", "mode", "field", "accuracy", title="agents: decision accuracy per field")
    for r in results:
        for mode, m in r["modes"].items():
            for field, acc in m["accuracy"].items():
                table.add_row(r["agent"], mode, field, f"{acc:.1%}")
    return table
