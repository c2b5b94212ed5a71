"""Analysis: the launch forecaster (one intensity model) and every test, interval and world built on it.

May import `config`, `series`, `windows`, `records` and `events`. `analysis.inference` is the public face.
"""
