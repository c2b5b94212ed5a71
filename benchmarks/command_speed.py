"""Wall seconds of `claim` and `study`, without and with their pages, on a warm cache, beside a floor.

Each command runs as a child process after a first run that warms the fit and table caches; a page
is always built anew (into a folder of its own, so the build's up-to-date check cannot skip it); the
floor, measured in the same run, is the interpreter starting and the package's command line
answering `--help`, the part of any command no analysis can remove. Targets: a claim at most 3 s
without its page and 8 s with it, a study at most 10 s with its page.
"""

from __future__ import annotations

import os
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


# Children cache bytecode as Python does by default (the warm-up run writes it): a machine that sets
# PYTHONDONTWRITEBYTECODE (as this project's CI sandbox does) would otherwise time the recompiling of
# every module on every start, which no user's shell does.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(args: list[str], cwd: Path) -> float:
    """Seconds of one `python -m dprk_launches ARGS` (it must exit 0)."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dprk_launches", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env=CHILD_ENV,
    )
    return time.perf_counter() - start


def warm(args: list[str], cwd: Path) -> float:
    """Seconds of the second of two runs (the first fills the caches)."""
    timed(args, cwd)
    return timed(args, cwd)


def run(events_csv: Path) -> dict:
    """The bench keys: claim and study seconds (warm, without and with pages), the floor, targets."""
    cwd = events_csv.parent
    study = ["study", str(events_csv), "--no-report", "--json"]
    floor = min(timed(["--help"], cwd) for _ in range(3))
    seconds = {
        "claim_seconds": warm(CLAIM, cwd),
        "claim_page_seconds": timed([*CLAIM[:-1], "--out", str(cwd / "claim-page")], cwd),
        "study_seconds": warm(study, cwd),
        "study_page_seconds": timed([*study[:-2], "--out", str(cwd / "study-page")], cwd),
    }
    out = {key: round(value, 2) for key, value in seconds.items()}
    out["command_floor_seconds"] = round(floor, 2)
    for key, value in seconds.items():
        out[key.replace("_seconds", "_ratio_to_floor")] = round(value / floor, 2)
        out[f"{key}_target"] = TARGETS[key]
    return out
