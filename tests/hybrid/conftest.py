"""The hybrid kernel's tests: the boot helpers are the microkernel tests' (mkboot.py)."""
import sys
from pathlib import Path

here = Path(__file__).parent
sys.path.insert(0, str(here))
sys.path.insert(0, str(here.parent / "microkernel"))
