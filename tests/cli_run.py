"""Run the command line in-process for tests: exit code, stdout and stderr."""

from __future__ import annotations

import pytest

from dprk_launches.__main__ import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code (argparse refusals included), stdout and stderr of `python -m dprk_launches ARGS`."""
    try:
        code = main(args)
    except SystemExit as exc:  # argparse refuses the arguments themselves
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
