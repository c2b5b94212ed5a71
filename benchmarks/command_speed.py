"""Wall seconds of `claim` and `study` without their pages on a warm cache, beside a floor.

Each command runs twice as a child process (the first run warms the fit and table caches, the
second is timed); the floor, measured in the same run, is the interpreter starting and the package's
command line answering `--help`, the part of any command no analysis can remove. Targets: a claim
at most 3 s, a study at most 10 s.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

CLAIM = ["claim", "--event-date", "2022-01-12", "--event-tz", "America/New_York", "--no-report"]
TARGETS = {"claim_seconds": 3.0, "study_seconds": 10.0}


def timed(args: list[str], cwd: Path) -> float:
    """Seconds of one `python -m dprk_launches ARGS` (it must exit 0)."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dprk_launches", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def warm(args: list[str], cwd: Path) -> float:
    """Seconds of the second of two runs (the first fills the caches)."""
    timed(args, cwd)
    return timed(args, cwd)


def run(events_csv: Path) -> dict:
    """The bench keys: claim and study seconds (warm, no page), the floor, and the targets."""
    cwd = events_csv.parent
    floor = min(timed(["--help"], cwd) for _ in range(3))
    claim = warm(CLAIM, cwd)
    study = warm(["study", str(events_csv), "--no-report", "--json"], cwd)
    return {
        "claim_seconds": round(claim, 2),
        "study_seconds": round(study, 2),
        "command_floor_seconds": round(floor, 2),
        "claim_ratio_to_floor": round(claim / floor, 2),
        "study_ratio_to_floor": round(study / floor, 2),
        "claim_seconds_target": TARGETS["claim_seconds"],
        "study_seconds_target": TARGETS["study_seconds"],
    }
