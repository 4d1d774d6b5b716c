"""The disaggregated kernel's tests (tests/disaggregated): booted with the multikernel's
helpers (tests/multikernel/mkernel.py)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "multikernel"))
