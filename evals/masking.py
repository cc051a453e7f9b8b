"""Over-masking: how often personal-data masking alters texts that hold none (the eval
datasets' questions), and what it masks, form by form, in real citizens' complaints.

    python -m evals.masking

The complaint texts (../shared/data/complaints/*.jsonl, beside the project) are personal data:
they are read where they lie, never copied, and only masked snippets are printed.
"""

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from assistant.masking import count_pii
from evals.jsonl import read_jsonl

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "evals" / "datasets"
COMPLAINTS = ROOT.parent / "shared" / "data" / "complaints"
_TEXT_FIELDS = ("question", "text")
_SNIPPET = 80


def over_masking(texts: Iterable[str], examples: int = 0) -> dict:
    """How many of `texts` masking changed, how many spans of each form it masked, and up to
    `examples` masked snippets (about 80 characters around a text's first mask).

    >>> over_masking(["身份证丢了怎么补办", "我叫张三"])["changed"]
    1
    """
    total = changed = 0
    forms: Counter = Counter()
    snippets: list[str] = []
    for text in texts:
        total += 1
        masked, counts = count_pii(text)
        if masked == text:
            continue
        changed += 1
        forms.update(counts)
        if len(snippets) < examples:
            at = masked.index("*")
            start = max(at - _SNIPPET // 2, 0)
            snippets.append(" ".join(masked[start:start + _SNIPPET].split()))
    return {"texts": total, "changed": changed, "share": changed / total if total else 0.0,
            "forms": dict(forms.most_common()), "examples": snippets}


def dataset_texts(path: Path) -> list[str]:
    """The question (or else text) field of each item of a JSONL dataset; [] if it has none."""
    items = read_jsonl(path, {})
    field = next((f for f in _TEXT_FIELDS if items and isinstance(items[0].get(f), str)), None)
    return [it[field] for it in items if isinstance(it.get(field), str)] if field else []


def sources() -> dict[str, list[str]]:
    """Name -> texts: the eval datasets (answers.jsonl first), then the complaint files."""
    found = {}
    for path in sorted(DATASETS.rglob("*.jsonl"), key=lambda p: (p.name != "answers.jsonl", p)):
        if texts := dataset_texts(path):
            found[str(path.relative_to(DATASETS))] = texts
    for path in sorted(COMPLAINTS.glob("*.jsonl")) if COMPLAINTS.is_dir() else []:
        if texts := dataset_texts(path):
            found[f"complaints/{path.name}"] = texts
    return found


def format_table(results: dict[str, dict]) -> Table:
    """One row per source: texts changed / total, and the masked spans by form."""
    table = Table(title="masking: texts altered (the eval questions hold no personal data)")
    table.add_column("source", no_wrap=True)
    for column in ("changed", "share", "masked spans by form"):
        table.add_column(column)
    for name, r in results.items():
        forms = ", ".join(f"{form} {n}" for form, n in r["forms"].items()) or "-"
        table.add_row(name, f"{r['changed']}/{r['texts']}", f"{r['share']:.1%}", forms)
    return table


def main() -> None:
    """Print the table, and a few masked snippets from each complaint file."""
    console = Console()
    results = {name: over_masking(texts, examples=3 if name.startswith("complaints/") else 0)
               for name, texts in sources().items()}
    console.print(format_table(results))
    if not COMPLAINTS.is_dir():
        console.print(f"[yellow]no complaint texts at {COMPLAINTS}: skipped[/yellow]")
    for name, r in results.items():
        for snippet in r["examples"]:
            console.print(Text.assemble((name, "dim"), " ", snippet))


if __name__ == "__main__":
    main()
