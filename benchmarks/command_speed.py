"""Wall seconds of `claim` and `study`, without and with their pages, on a warm cache, beside a floor.

Each command runs twice as a child process (the first run warms the fit and table caches, the
second is timed); the floor, measured in the same run, is the interpreter starting and the package's
command line answering `--help`, the part of any command no analysis can remove. Targets: a claim
at most 3 s without its page and 8 s with it, a study at most 10 s with its page.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

CLAIM = ["claim", "--event-date", "2022-01-12", "--event-tz", "America/New_York", "--no-report"]
TARGETS = {
    "claim_seconds": 3.0,
    "claim_page_seconds": 8.0,
    "study_seconds": 10.0,
    "study_page_seconds": 10.0,
}


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
    """The bench keys: claim and study seconds (warm, without and with pages), the floor, targets."""
    cwd = events_csv.parent
    pages = cwd / "pages"
    floor = min(timed(["--help"], cwd) for _ in range(3))
    seconds = {
        "claim_seconds": warm(CLAIM, cwd),
        "claim_page_seconds": warm([*CLAIM[:-1], "--out", str(pages)], cwd),
        "study_seconds": warm(["study", str(events_csv), "--no-report", "--json"], cwd),
        "study_page_seconds": warm(["study", str(events_csv), "--out", str(pages)], cwd),
    }
    out = {key: round(value, 2) for key, value in seconds.items()}
    out["command_floor_seconds"] = round(floor, 2)
    for key, value in seconds.items():
        out[key.replace("_seconds", "_ratio_to_floor")] = round(value / floor, 2)
        out[f"{key}_target"] = TARGETS[key]
    return out
