"""The certificates suite: type accuracy, per-type and per-field exact match on clean and
degraded images, documents with every field right, validator correctness and latency."""

import time
from collections import defaultdict
from pathlib import Path
from statistics import mean, median, quantiles

from rich.table import Table

from assistant.certificates import Recognizer
from assistant.errors import YukuaiError
from evals.jsonl import read_jsonl

# Which failed check must flag each kind of planted fault.
PLANTED_CHECK = {"id_check": "id_check_digit", "uscc_check": "uscc_check_char", "expired": "not_expired"}


def load_truth(path: Path) -> list[dict]:
    return read_jsonl(path, {"file": str, "type": str, "degraded": bool})


def _rate(hits: list[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def _p95(values: list[float]) -> float:
    p95 = quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    return round(p95, 3)


def evaluate(recognizer: Recognizer, truth_path: Path, progress=None) -> dict:
    """Reads every image next to `truth_path` and scores it against its truth row."""
    rows = load_truth(truth_path)
    field_hits: dict[str, dict[str, list[bool]]] = {"clean": defaultdict(list), "degraded": defaultdict(list)}
    type_fields: dict[str, dict[str, list[bool]]] = {"clean": defaultdict(list), "degraded": defaultdict(list)}
    all_right: dict[str, list[bool]] = {"clean": [], "degraded": []}
    type_hits, latencies, planted, false_alarms, misses = [], [], [], [], []
    by_type: dict[str, list[float]] = defaultdict(list)
    for n, row in enumerate(rows, 1):
        data = (truth_path.parent / row["file"]).read_bytes()
        started = time.perf_counter()
        try:
            got = recognizer.recognize(data)
            got_type, got_fields = got.type, {f.label: f.value for f in got.fields.values()}
            failed = {c.name for c in got.checks if c.status == "fail"}
            needs_review = got.needs_review
        except YukuaiError as e:
            got_type, got_fields, failed, needs_review = f"error:{e.code}", {}, set(), True
        latencies.append(time.perf_counter() - started)
        by_type[row["type"]].append(latencies[-1])
        split = "degraded" if row["degraded"] else "clean"
        type_hits.append(got_type == row["type"])
        wrong = {}
        for name, value in row["fields"].items():
            ok = got_fields.get(name) == value
            field_hits[split][name].append(ok)
            type_fields[split][row["type"]].append(ok)
            if not ok:
                wrong[name] = {"want": value, "got": got_fields.get(name)}
        if row["fields"]:
            all_right[split].append(not wrong)
        if row["planted"]:
            planted.append(needs_review and PLANTED_CHECK[row["planted"]] in failed)
        elif not wrong and got_type == row["type"]:
            false_alarms.append(bool(failed))  # a correct reading of a valid document
        if wrong or got_type != row["type"] or (row["planted"] and not planted[-1]):
            misses.append({"file": row["file"], "type": row["type"], "got_type": got_type,
                           "wrong": wrong, "planted": row["planted"], "failed_checks": sorted(failed)})
        if progress:
            progress(n, len(rows))
    everything = [h for split in field_hits.values() for hits in split.values() for h in hits]
    return {
        "images": len(rows), "engine": recognizer.engine_name,
        "type_accuracy": _rate(type_hits),
        "field_accuracy": {"all": _rate(everything),
                           **{s: _rate([h for hits in field_hits[s].values() for h in hits]) for s in field_hits}},
        "all_fields_right": {s: _rate(v) for s, v in all_right.items()},
        "per_type": {s: {t: _rate(v) for t, v in sorted(type_fields[s].items())} for s in type_fields},
        "per_field": {s: {f: _rate(v) for f, v in sorted(field_hits[s].items())} for s in field_hits},
        "validators": {"planted": len(planted), "planted_flagged": _rate(planted),
                       "valid_read_right": len(false_alarms), "false_alarm_rate": _rate(false_alarms)},
        "latency_s": {"mean": round(mean(latencies), 3), "p50": round(median(latencies), 3),
                      "p95": _p95(latencies)},
        "latency_s_by_type": {t: {"p50": round(median(v), 3), "p95": _p95(v)}
                              for t, v in sorted(by_type.items())},
        "misses": misses,
    }


def format_table(result: dict) -> Table:
    table = Table("type", "clean", "degraded", title=(
        f"certificates: {result['images']} images, type accuracy {result['type_accuracy']}, "
        f"fields clean {result['field_accuracy']['clean']} / degraded {result['field_accuracy']['degraded']}, "
        f"planted flagged {result['validators']['planted_flagged']}, p50 {result['latency_s']['p50']}s"))
    for t in sorted(set(result["per_type"]["clean"]) | set(result["per_type"]["degraded"])):
        table.add_row(t, str(result["per_type"]["clean"].get(t)), str(result["per_type"]["degraded"].get(t)))
    return table
