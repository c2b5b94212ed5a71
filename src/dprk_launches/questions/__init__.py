"""Questions: the analyst's commands (claim, study, forecast), each a thin layer over analysis.

May import everything below it; nothing below imports a question.
"""
