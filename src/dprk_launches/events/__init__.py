"""Events: our catalogue and users' own files, read, checked and put on the Pyongyang clock.

May import `config` and `records`. The names below are the wing's face (`events.load_events()`).
"""

from .catalogue import ANNIVERSARIES, anniversaries, catalogue_files
from .load import (
    CheckResult,
    check,
    check_file,
    format_problem,
    load_events,
    per_category_year,
    run_check,
    secondary_share,
    statement_responses,
)
from .rules import (
    DEFAULT_TIME,
    same_day_duplicates,
    to_file_frame,
    unexplained_same_day,
)

__all__ = [
    "ANNIVERSARIES",
    "DEFAULT_TIME",
    "CheckResult",
    "anniversaries",
    "catalogue_files",
    "check",
    "check_file",
    "format_problem",
    "load_events",
    "per_category_year",
    "run_check",
    "same_day_duplicates",
    "secondary_share",
    "statement_responses",
    "to_file_frame",
    "unexplained_same_day",
]
