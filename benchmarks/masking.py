"""Masking time on adversarial and ordinary text, this checkout against the masker before
step 5 (git ref 1df9774, loaded from git into a temporary module), in the same run.

The old e-mail pattern was quadratic on runs of e-mail characters, so it is timed on short
inputs only (its 1 MB figure would take hours); the new one must mask 1 MB in under 50 ms.

    python benchmarks/masking.py
"""

import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from assistant.masking import mask_pii

BASELINE_REF = "1df9774"
SIZES = (16_000, 60_000, 1_000_000)
OLD_LIMIT = 60_000  # characters: the baseline's 60 kB case already takes seconds


def baseline_masker():
    source = subprocess.run(["git", "show", f"{BASELINE_REF}:assistant/masking.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "old_masking.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_masking", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.mask_pii


def inputs(size: int) -> dict[str, str]:
    corpus = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora").rglob("*.md")))
    return {
        "a…": "a" * size,
        "1…": "1" * size,
        "'1 '…": "1 " * (size // 2),
        "'a@'…": "a@" * (size // 2),
        "'a.'…": "a." * (size // 2),
        "corpus text": (corpus * (size // len(corpus) + 1))[:size],
        "'李建国投诉'…": ("李建国投诉" * size)[:size],
        "digits and separators": ("1380 1234-5678 6228 4804 0256 4890 018 " * size)[:size],
    }


def best_ms(fn, text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main():
    old = baseline_masker()
    table = Table("input", "characters", "this checkout ms", f"baseline {BASELINE_REF} ms",
                  title="mask_pii, best of 3")
    for size in SIZES:
        for name, text in inputs(size).items():
            before = f"{best_ms(old, text, 1):.1f}" if size <= OLD_LIMIT else "not run"
            table.add_row(name, f"{size:,}", f"{best_ms(mask_pii, text):.1f}", before)
    Console().print(table)


if __name__ == "__main__":
    main()
