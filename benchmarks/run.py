"""`make bench`: every speed benchmark, printed as one JSON object."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import placebo_speed  # noqa: E402

if __name__ == "__main__":
    print(json.dumps(placebo_speed.run(), indent=2, sort_keys=True))
