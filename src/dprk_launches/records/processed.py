"""Derived tables in data/processed/: rebuilt from the verified sources by `make data`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from .. import config
from . import launches, sources


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as CSV deterministically (fixed column order, ISO dates, no index)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False, date_format="%Y-%m-%dT%H:%M:%S", lineterminator="\n")
    tmp.replace(path)
    return path


def build_processed(progress: bool = True) -> dict[str, Path]:
    """Fetch every source (hash-checked) and write missiles, launches and provocations tables."""
    names = list(sources.load_sources())
    for name in tqdm(names, desc="fetch + verify", disable=not progress):
        sources.fetch(name)
    out = config.PROCESSED_DIR
    missiles = launches.load_missiles("nagix")
    written = {
        "missiles": _write_csv(missiles, out / "missiles.csv"),
        "launches": _write_csv(launches.launches_from_missiles(missiles), out / "launches.csv"),
        "missiles_cns": _write_csv(launches.load_missiles("cns"), out / "missiles_cns.csv"),
        "provocations": _write_csv(launches.load_provocations(), out / "provocations.csv"),
        "cross_check": _write_csv(
            launches.cross_check(primary=missiles), out / "cross_check_nagix_vs_cns.csv"
        ),
    }
    return written
