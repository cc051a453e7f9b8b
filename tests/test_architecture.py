"""The layers: `evals → assistant → agents → retrieval`, and nothing imports evals."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contract_holds():
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "1 kept, 0 broken" in run.stdout


def test_lower_layers_never_name_an_upper_one():
    for layer, upper in (("retrieval", ("assistant", "agents", "evals")),
                         ("agents", ("assistant", "evals"))):
        for path in (ROOT / layer).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for name in upper:
                assert f"from {name}" not in text and f"import {name}" not in text, path
