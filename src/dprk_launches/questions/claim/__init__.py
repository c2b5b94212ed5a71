"""The claim checker: inputs read and checked, the check itself, its verdict sentence, its page.

`check` holds `check_claim`, `result` its `ClaimResult`; `report` the page's tables and figures.
"""
