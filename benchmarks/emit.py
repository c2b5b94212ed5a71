"""Print a benchmark's JSON object and write it to its results file (the benchmarks' one output step)."""

from __future__ import annotations

import json
from pathlib import Path


def emit(result: dict, out: Path, sort_keys: bool = True) -> None:
    """Print `result` as indented JSON and write the same text (with a newline) to `out`."""
    text = json.dumps(result, indent=2, sort_keys=sort_keys)
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
