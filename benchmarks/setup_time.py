"""Fresh-clone `make setup` time, with uv (when on PATH) and with pip only, as one JSON object.

Clones the committed HEAD into a temporary folder, times `make setup` there, and writes
benchmarks/results/setup_time.json. Package caches are left as they are (say so when comparing):
`python benchmarks/setup_time.py [--installer uv|pip|both]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "setup_time.json"


def time_setup(installer: str) -> float:
    make = ["make", "setup"] + (["UV="] if installer == "pip" else [])  # UV= hides uv from make
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        start = time.perf_counter()
        subprocess.run(make, cwd=clone, check=True, capture_output=True)
        return round(time.perf_counter() - start, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--installer", choices=["uv", "pip", "both"], default="both")
    args = parser.parse_args()
    installers = ["uv", "pip"] if args.installer == "both" else [args.installer]
    if "uv" in installers and shutil.which("uv") is None:
        print("uv is not on PATH: timing pip only", file=sys.stderr)
        installers.remove("uv")
    out = {f"setup_seconds_{name}": time_setup(name) for name in installers}
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps(previous | out, indent=2) + "\n")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
