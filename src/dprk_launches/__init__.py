"""DPRK launch tempo around sanctions, diplomacy and exercises, on the Pyongyang clock."""

__version__ = "0.1.0"
