"""The microkernel's tests (tests/microkernel): helpers in mkboot.py."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
