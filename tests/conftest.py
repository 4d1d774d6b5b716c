"""Repository-wide test setup: ``tests/`` is importable, so helpers shared by several
test folders (``ptyio``) live in one place."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
