"""`make bench`: every speed benchmark, printed as one JSON object."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import placebo_speed  # noqa: E402
import suite_build  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--skip-suite-build", action="store_true", help="only the placebo benchmark (fast)"
    )
    args = parser.parse_args()
    result = placebo_speed.run()
    if not args.skip_suite_build:
        result.update(suite_build.run())
    print(json.dumps(result, indent=2, sort_keys=True))
