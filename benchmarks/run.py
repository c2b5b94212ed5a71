"""`make bench`: every speed benchmark, printed as one JSON object and written to results/bench.json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import placebo_speed  # noqa: E402
import suite_build  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "bench.json"

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--skip-suite-build", action="store_true", help="only the placebo benchmark (fast)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()
    result = placebo_speed.run()
    if not args.skip_suite_build:
        result.update(suite_build.run())
    text = json.dumps(result, indent=2, sort_keys=True)
    print(text)
    if not args.skip_suite_build or args.out != RESULTS:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
