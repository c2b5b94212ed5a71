"""Regenerate the README's calibration table from benchmarks/results/calibration.json."""

from __future__ import annotations

import re

from dprk_launches import config
from dprk_launches.analysis import calibration_report as cr


def main() -> None:
    """Replace the block between the markers in README.md with the generated one."""
    readme = config.PROJECT_ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(cr.START) + ".*?" + re.escape(cr.END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no block between {cr.START!r} and {cr.END!r}")
    readme.write_text(pattern.sub(lambda _: cr.readme_block(cr.load()), text), encoding="utf-8")
    print(config.display_path(readme))


if __name__ == "__main__":
    main()
