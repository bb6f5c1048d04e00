"""Make the side-by-side harness (``_optim_harness.py``) importable under --import-mode=importlib."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
