"""DPRK launch tempo around sanctions, diplomacy and exercises, on the Pyongyang clock."""

import warnings

# Reports run in kernels without ipywidgets: tqdm's plain text bars are what we want there.
warnings.filterwarnings("ignore", message="IProgress not found")

__version__ = "0.1.0"
