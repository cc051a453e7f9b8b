"""Reading the eval datasets: JSON Lines, one item per line, with the fields a suite needs."""

import json
from pathlib import Path

from assistant.errors import InvalidInput


def read_jsonl(path: Path, required: dict[str, type]) -> list[dict]:
    """The items of `path`; a missing file, a line that is not JSON or an item without the
    `required` fields (of those types) is a clear error naming the file and line."""
    if not path.exists():
        raise InvalidInput(f"no dataset at {path}", code="dataset_not_found", field="dataset")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise InvalidInput(f"{path}:{n}: not JSON ({e})", field="dataset") from e
        if not isinstance(item, dict) or not all(isinstance(item.get(k), t) for k, t in required.items()):
            needs = ", ".join(f"{k} ({t.__name__})" for k, t in required.items())
            raise InvalidInput(f"{path}:{n}: needs {needs}", field="dataset")
        items.append(item)
    return items
