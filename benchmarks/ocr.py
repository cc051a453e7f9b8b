"""OCR engines for certificate recognition, compared on the same synthetic certificates.

In one run, for each engine (rapidocr-onnxruntime, the default; rapidocr 3; faster-paddle
tiny): the whole recognition (orientation, type, fields, checks) on the same images from the
fixed-seed generator, half of them photographed-and-degraded. Reports field exact match on
clean and degraded images, type accuracy, and p50/p95 latency per image and per ID card.
All three ship their models inside their wheels; nothing is downloaded. The two
alternatives come with `pip install 'yukuai[bench]'`; an engine that cannot load is listed
with the reason.

    python benchmarks/ocr.py                    # 7 types x 8 images + 2 unknown pages
    python benchmarks/ocr.py --per-type 4 --engine faster-paddle
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.certificates import Recognizer
from assistant.errors import YukuaiError
from evals.certificates.dataset import TODAY, generate
from evals.certificates.runner import evaluate

ENGINES = ("rapidocr-onnxruntime", "rapidocr", "faster-paddle")


def run(engine: str, truth: Path) -> dict:
    recognizer = Recognizer(engine, today=lambda: TODAY)
    try:
        recognizer.warm_up()
    except YukuaiError as e:
        return {"engine": engine, "error": e.message}
    result = evaluate(recognizer, truth)
    result.pop("misses")
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-type", type=int, default=8, help="images per certificate type")
    ap.add_argument("--engine", action="append", choices=ENGINES, help="only these (repeat)")
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        truth = generate(Path(tmp), per_type=args.per_type, unknown=2)
        results = [run(engine, truth) for engine in args.engine or ENGINES]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    table = Table("engine", "fields clean", "fields degraded", "type acc.", "p50 s", "p95 s",
                  "ID card p50 s", "ID card p95 s",
                  title=f"certificate OCR: {args.per_type} images per type, half degraded")
    for r in results:
        if "error" in r:
            table.add_row(r["engine"], f"not run: {r['error']}", *[""] * 6)
            continue
        card = r["latency_s_by_type"]["id_card_front"]
        table.add_row(r["engine"], str(r["field_accuracy"]["clean"]), str(r["field_accuracy"]["degraded"]),
                      str(r["type_accuracy"]), str(r["latency_s"]["p50"]), str(r["latency_s"]["p95"]),
                      str(card["p50"]), str(card["p95"]))
    Console().print(table)


if __name__ == "__main__":
    main()
