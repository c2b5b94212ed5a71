"""`make bench`: every speed benchmark, printed as one JSON object and written to results/bench.json.

Besides speed, `study_50k_peak_mb` is the peak resident memory of one `study` of a synthetic 50,000-row
events file (`--no-report --json`), run as a child process and read from that child's own rusage
(`os.wait4`), so no other child of this script is counted; the target is at most 1024 MB.
`claim_seconds` and `study_seconds` (`command_speed`) time the two commands without their pages on a
warm cache, `claim_page_seconds` and `study_page_seconds` with them, beside `command_floor_seconds`,
measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import command_speed  # noqa: E402
import placebo_speed  # noqa: E402
import suite_build  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "bench.json"
STUDY_ROWS = 50_000
SPEED_ROWS = 40  # a study of the size an analyst brings (command_speed)
STUDY_LIMIT_MB = 1024
FIRST_DAY, SPAN_DAYS = (
    dt.date(2000, 1, 1),
    9000,
)  # inside the launch data, with room for the windows


def synthetic_events(path: Path, rows: int = STUDY_ROWS, seed: int = 0) -> Path:
    """Write an events CSV of `rows` rows of one own category, on days spread over 2000-2024."""
    import random

    from dprk_launches.records import schemas

    rng = random.Random(seed)
    blank = dict.fromkeys(schemas.EVENT_FILE_COLUMNS, "")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=schemas.EVENT_FILE_COLUMNS)
        writer.writeheader()
        for i in range(rows):
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS))
            writer.writerow(
                blank
                | {
                    "event_id": f"{day}-bench-{i}",
                    "category": "bench_events",
                    "actor": "Benchmark",
                    "title": f"Synthetic event {i}",
                    "start_date": day.isoformat(),
                    "date_precision": "day",
                    "timezone": "America/New_York",
                    "source_url": "https://example.org/bench",
                    "source_kind": "secondary",
                    "source_note": "synthetic benchmark row",
                }
            )
    return path


def peak_rss_mb(usage: object) -> float:
    """ru_maxrss of an rusage in MB (kilobytes on Linux, bytes on macOS)."""
    scale = 1 if sys.platform == "darwin" else 1024
    return round(usage.ru_maxrss * scale / 2**20, 1)  # type: ignore[attr-defined]


def study_memory(rows: int = STUDY_ROWS) -> dict:
    """Peak RSS, seconds and event days of `study FILE --no-report --json` on a synthetic file of `rows` rows."""
    with tempfile.TemporaryDirectory(prefix="dprk-bench-") as tmp:
        events = synthetic_events(Path(tmp) / "events.csv", rows)
        out = Path(tmp) / "study.json"
        argv = [
            sys.executable,
            "-m",
            "dprk_launches",
            "study",
            str(events),
            "--no-report",
            "--json",
        ]
        start = time.perf_counter()
        with open(out, "wb") as stdout:
            proc = subprocess.Popen(
                argv,
                stdout=stdout,
                stderr=subprocess.PIPE,
                cwd=tmp,
            )
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"study exited {proc.returncode}: {err.strip()[-500:]}")
        result = json.loads(out.read_text(encoding="utf-8"))
    return {
        "rows": rows,
        "event_days": result["n_events"],
        "peak_mb": peak_rss_mb(usage),
        "seconds": round(seconds, 1),
    }


def study_keys(rows: int = STUDY_ROWS) -> dict:
    """The bench keys of the 50,000-row study: peak MB, its limit, seconds, rows and event days."""
    found = study_memory(rows)
    return {
        "study_50k_peak_mb": found["peak_mb"],
        "study_50k_limit_mb": STUDY_LIMIT_MB,
        "study_50k_seconds": found["seconds"],
        "study_50k_rows": found["rows"],
        "study_50k_event_days": found["event_days"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--skip-suite-build",
        action="store_true",
        help="only the placebo benchmark (fast; no suite build, no 50,000-row study)",
    )
    parser.add_argument(
        "--only-study-memory",
        action="store_true",
        help="only the 50,000-row study's peak memory (prints, writes nothing unless --out)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()
    if args.only_study_memory:
        result = study_keys()
    else:
        result = placebo_speed.run()
        if not args.skip_suite_build:
            result.update(study_keys())
            with tempfile.TemporaryDirectory(prefix="dprk-bench-") as tmp:
                events = synthetic_events(Path(tmp) / "events.csv", SPEED_ROWS)
                result.update(command_speed.run(events))
            result.update(suite_build.run())
    text = json.dumps(result, indent=2, sort_keys=True)
    print(text)
    full = not (args.skip_suite_build or args.only_study_memory)
    if full or args.out != RESULTS:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
