"""Regenerate the README's calibration, backtest and real-record placebo tables from benchmarks/results/*.json."""

from __future__ import annotations

import re

from dprk_launches import config
from dprk_launches.analysis import backtest as bt
from dprk_launches.analysis import calibration_report as cr
from dprk_launches.analysis import real_placebo as rp


def main() -> None:
    """Replace the block between the markers in README.md with the generated one."""
    readme = config.PROJECT_ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    for start, end, block in (
        (cr.START, cr.END, lambda: cr.readme_block(cr.load())),
        (bt.START, bt.END, lambda: bt.readme_block(bt.load())),
        (rp.START, rp.END, lambda: rp.readme_block(rp.load())),
    ):
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no block between {start!r} and {end!r}")
        text = pattern.sub(lambda _, b=block: b(), text)
    readme.write_text(text, encoding="utf-8")
    print(config.display_path(readme))


if __name__ == "__main__":
    main()
